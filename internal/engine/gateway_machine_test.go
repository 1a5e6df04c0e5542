package engine_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/ecsmeta"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// machineEngine is the read env's engine with the emulator's metadata
// service as this machine's, or with thisMachine when given.
func machineEngine(t *testing.T, env *readEnv, thisMachine engine.ThisMachine) *engine.Engine {
	t.Helper()
	if thisMachine == nil {
		c := &ecsmeta.Client{BaseURL: "http://metadata.sandbox.emrctl.local", HTTP: &http.Client{Transport: env.srv.Transport()}}
		thisMachine = func(ctx context.Context) (string, error) {
			id, err := c.Identity(ctx)
			if err != nil {
				return "", err
			}
			return id.InstanceID, nil
		}
	}
	e, err := engine.New(engine.Options{
		Profile: "test", Provider: env.p, Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: env.eng.Journal(), Policy: policy.Default(), ThisMachine: thisMachine,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// statuses maps each check of a report to its status.
func statuses(r *engine.GatewayMachineReport) map[string]string {
	out := map[string]string{}
	for _, c := range r.Checks {
		out[c.Name] = c.Status
	}
	return out
}

// TestCheckGatewayMachine checks the emulator's seeded machines, each
// failing one of the seed's requirements, and a node of the cluster.
func TestCheckGatewayMachine(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	e := machineEngine(t, env, nil)
	var node string
	err := e.ListNodes(context.Background(), id, provider.NodeFilter{}, 10, func(page []provider.Node) error {
		node = page[0].ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		instance string
		failed   []string
	}{
		{"", nil}, // this machine: the good candidate
		{"i-sandboxgw0000002", []string{"zone"}},
		{"i-sandboxgw0000003", []string{"vpc", "security group"}},
		{"i-sandboxgw0000004", []string{"security group"}},
		{"i-sandboxgw0000005", []string{"system disk"}},
		{"i-sandboxgw0000006", []string{"system disk"}},
		{"i-sandboxgw0000007", []string{"ram role"}},
		{node, []string{"not a cluster node"}},
	}
	for _, tt := range tests {
		t.Run(tt.instance, func(t *testing.T) {
			r, err := e.CheckGatewayMachine(context.Background(), engine.GatewayMachineInput{ClusterID: id, InstanceID: tt.instance})
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, c := range r.Failed() {
				failed = append(failed, c.Name)
				if c.Fix == "" {
					t.Errorf("check %s failed without a fix", c.Name)
				}
			}
			if diff := cmp.Diff(tt.failed, failed); diff != "" {
				t.Errorf("failed checks (-want +got):\n%s", diff)
			}
			if r.OK != (len(tt.failed) == 0) {
				t.Errorf("OK = %v with %d failed", r.OK, len(failed))
			}
			if s := statuses(r)["ram role policies"]; s != engine.MachineUnchecked {
				t.Errorf("role policies: %s, want unchecked (emrctl does not call RAM)", s)
			}
			if tt.instance == "" && (r.InstanceID != "i-sandboxgw0000001" || r.Source != "metadata") {
				t.Errorf("this machine = %s from %s, want i-sandboxgw0000001 from metadata", r.InstanceID, r.Source)
			}
		})
	}
}

// TestCheckGatewayMachineOutsideECS reports every check unchecked, with
// why, when the metadata service does not answer, and still checks a
// machine named by ID.
func TestCheckGatewayMachineOutsideECS(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	e := machineEngine(t, env, func(context.Context) (string, error) {
		return "", &engine.NotOnECSError{Reason: "the metadata service did not answer"}
	})
	r, err := e.CheckGatewayMachine(context.Background(), engine.GatewayMachineInput{ClusterID: id})
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "none" || !r.OK || len(r.Checks) != 9 {
		t.Fatalf("report = %+v, want 9 unchecked checks from no source", r)
	}
	for _, c := range r.Checks {
		if c.Status != engine.MachineUnchecked || c.Detail == "" {
			t.Errorf("check %s: %s %q, want unchecked with why", c.Name, c.Status, c.Detail)
		}
	}
	r, err = e.CheckGatewayMachine(context.Background(), engine.GatewayMachineInput{ClusterID: id, InstanceID: "i-sandboxgw0000005"})
	if err != nil || r.OK {
		t.Fatalf("named machine outside ECS: %+v, %v; want it checked and failing", r, err)
	}
}

func TestCheckGatewayMachineBadInput(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	e := machineEngine(t, env, nil)
	_, err := e.CheckGatewayMachine(context.Background(), engine.GatewayMachineInput{ClusterID: id, InstanceID: "i-X; rm -rf /"})
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an input error naming --instance", err)
	}
	if _, err := e.CheckGatewayMachine(context.Background(), engine.GatewayMachineInput{ClusterID: id, InstanceID: "i-sandboxgw0000099"}); err == nil {
		t.Fatal("an unknown instance was checked")
	}
}
