package aliyun

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
)

var _ provider.Machines = (*Provider)(nil)

// TestMachineReadsGatewayCandidates reads the sandbox's seeded gateway
// candidates through the official client and the emulator.
func TestMachineReadsGatewayCandidates(t *testing.T) {
	p, _ := newTestProvider(t)
	good := provider.Machine{
		ID: "i-sandboxgw0000001", Name: "emrctl-gateway-good", Status: "Running", RegionID: testRegion, ZoneID: "cn-hangzhou-h",
		VpcID: "vpc-bp1sandbox0000000001", VSwitchID: "vsw-bp1sandboxzoneh00001",
		SecurityGroupIDs: []string{"sg-bp1sandboxnormal0001"}, PrivateIPs: []string{"192.168.15.201"},
		RAMRole: emulator.GatewayRAMRole, SystemDisk: &provider.MachineDisk{ID: "d-sandboxgw0000001", Category: "cloud_essd", SizeGiB: 80},
	}
	variant := func(n string, edit func(m *provider.Machine)) provider.Machine {
		m := good
		m.ID, m.SystemDisk = "i-sandboxgw000000"+n, &provider.MachineDisk{ID: "d-sandboxgw000000" + n, Category: "cloud_essd", SizeGiB: 80}
		m.PrivateIPs = []string{"192.168.15.20" + n}
		edit(&m)
		return m
	}
	for _, want := range []provider.Machine{
		good,
		variant("2", func(m *provider.Machine) {
			m.Name, m.ZoneID, m.VSwitchID = "emrctl-gateway-other-zone", "cn-hangzhou-i", "vsw-bp1sandboxzonei00001"
		}),
		variant("3", func(m *provider.Machine) {
			m.Name, m.VpcID, m.VSwitchID = "emrctl-gateway-other-vpc", "vpc-bp1othervpc000000001", "vsw-bp1othervpczoneh0001"
			m.SecurityGroupIDs, m.PrivateIPs = []string{"sg-bp1othervpcsg0000001"}, []string{"10.0.15.203"}
		}),
		variant("4", func(m *provider.Machine) {
			m.Name, m.SecurityGroupIDs = "emrctl-gateway-other-sg", []string{"sg-bp1sandboxenterprise1"}
		}),
		variant("5", func(m *provider.Machine) { m.Name, m.SystemDisk.SizeGiB = "emrctl-gateway-small-disk", 40 }),
		variant("6", func(m *provider.Machine) {
			m.Name, m.SystemDisk.Category = "emrctl-gateway-efficiency-disk", "cloud_efficiency"
		}),
		variant("7", func(m *provider.Machine) { m.Name, m.RAMRole = "emrctl-gateway-no-role", "" }),
	} {
		t.Run(want.Name, func(t *testing.T) {
			got, err := p.Machine(context.Background(), want.ID)
			if err != nil {
				t.Fatalf("Machine(%s): %v", want.ID, err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("Machine(%s) (-want +got):\n%s", want.ID, diff)
			}
		})
	}
}

func TestMachineNotFound(t *testing.T) {
	p, srv := newTestProvider(t)
	elsewhere, err := srv.AddMachine(emulator.MachineSpec{RegionID: "cn-shanghai", ZoneID: "cn-shanghai-e"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"i-nosuchinstance0000", elsewhere.InstanceID} {
		t.Run(id, func(t *testing.T) {
			_, err := p.Machine(context.Background(), id)
			if !errors.Is(err, provider.ErrNotFound) {
				t.Errorf("Machine(%s): got %v, want a not-found error", id, err)
			}
		})
	}
}

// TestMachineMadeByTest reads a machine a test adds with the emulator's
// control, the way gateway check tests build bad machines.
func TestMachineMadeByTest(t *testing.T) {
	p, srv := newTestProvider(t)
	none := ""
	spec, err := srv.AddMachine(emulator.MachineSpec{RAMRole: &none, SystemDisk: &emulator.MachineDisk{Category: "cloud_auto", SizeGiB: 100}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Machine(context.Background(), spec.InstanceID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RAMRole != "" || got.SystemDisk == nil || got.SystemDisk.Category != "cloud_auto" || got.SystemDisk.SizeGiB != 100 {
		t.Errorf("got role %q disk %+v, want no role and a 100 GiB cloud_auto disk", got.RAMRole, got.SystemDisk)
	}
}
