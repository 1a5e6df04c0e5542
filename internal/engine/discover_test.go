package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestListReleaseVersions(t *testing.T) {
	env := newReadEnv(t)
	tests := []struct {
		name      string
		typ       string
		wantTypes []string
		wantFirst string
	}{
		{name: "one type", typ: "DATALAKE", wantTypes: []string{"DATALAKE"}, wantFirst: "EMR-5.21.0"},
		{name: "every type", typ: "", wantTypes: engine.ClusterTypes(), wantFirst: "EMR-5.21.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := env.eng.ListReleaseVersions(context.Background(), tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, r := range rows {
				if !slices.Contains(types, r.ClusterType) {
					types = append(types, r.ClusterType)
				}
			}
			if diff := cmp.Diff(tt.wantTypes, types); diff != "" {
				t.Errorf("cluster types (-want +got):\n%s", diff)
			}
			if got := rows[0].Version; got != tt.wantFirst {
				t.Errorf("first version: got %s, want %s", got, tt.wantFirst)
			}
		})
	}
	_, err := env.eng.ListReleaseVersions(context.Background(), "HADOOP2")
	var ie *engine.InputError
	if !errors.As(err, &ie) || ie.Problems[0].Field != "clusterType" {
		t.Fatalf("bad type: got %v, want an input error on clusterType", err)
	}
}

func TestListInstanceTypesNamesEveryHiddenRequiredParameter(t *testing.T) {
	env := newReadEnv(t)
	tests := []struct {
		name       string
		q          provider.InstanceTypeQuery
		wantFields []string
		wantFix    map[string]string // field -> text the fix must name
	}{
		{
			name:       "nothing given",
			q:          provider.InstanceTypeQuery{},
			wantFields: []string{"zoneId", "clusterType", "paymentType", "nodeGroupType"},
			wantFix:    map[string]string{"zoneId": "cn-hangzhou-h", "clusterType": "DATALAKE", "paymentType": "Subscription", "nodeGroupType": "TASK"},
		},
		{
			name:       "zone of another region and wrong values",
			q:          provider.InstanceTypeQuery{ZoneID: "cn-shanghai-e", ClusterType: "datalake", PaymentType: "PrePaid", NodeGroupType: "CORE"},
			wantFields: []string{"zoneId", "clusterType", "paymentType"},
			wantFix:    map[string]string{"zoneId": "cn-hangzhou-i", "paymentType": "PayAsYouGo"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.eng.ListInstanceTypes(context.Background(), tt.q)
			var ie *engine.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an input error", err)
			}
			var fields []string
			for _, p := range ie.Problems {
				fields = append(fields, p.Field)
				if want, ok := tt.wantFix[p.Field]; ok && !strings.Contains(p.Fix, want) {
					t.Errorf("%s: fix %q does not name %s", p.Field, p.Fix, want)
				}
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if n := env.srv.Stats()["ListInstanceTypes"]; n != 0 {
		t.Errorf("ListInstanceTypes was called %d time(s) with bad input, want 0", n)
	}
}

func TestListInstanceTypesShowsStockAndMemory(t *testing.T) {
	env := newReadEnv(t)
	types, err := env.eng.ListInstanceTypes(context.Background(), provider.InstanceTypeQuery{
		ZoneID: "cn-hangzhou-h", ClusterType: "DATALAKE", PaymentType: "PayAsYouGo", NodeGroupType: "CORE",
	})
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]provider.InstanceType{}
	for _, it := range types {
		byType[it.Type] = it
	}
	tests := []struct {
		typ       string
		vcpus     int
		memoryGiB float64
		stock     string
	}{
		{typ: "ecs.g8i.xlarge", vcpus: 4, memoryGiB: 16, stock: "WithStock"},
		{typ: "ecs.r8i.2xlarge", vcpus: 8, memoryGiB: 64, stock: "WithStock"},
		// The seeded inventory has d3s only in zone i.
		{typ: "ecs.d3s.4xlarge", vcpus: 16, memoryGiB: 64, stock: "WithoutStock"},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			it, ok := byType[tt.typ]
			if !ok {
				t.Fatalf("%s not listed", tt.typ)
			}
			if it.VCPUs != tt.vcpus || it.MemoryGiB != tt.memoryGiB || it.Stock != tt.stock {
				t.Errorf("got %d vCPU, %v GiB, %s; want %d vCPU, %v GiB, %s", it.VCPUs, it.MemoryGiB, it.Stock, tt.vcpus, tt.memoryGiB, tt.stock)
			}
		})
	}
}

func TestListApplications(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	apps, err := env.eng.ListApplications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range apps {
		names = append(names, a.Name)
		if a.Version == "" || a.State == "" {
			t.Errorf("%s: got version %q state %q, want both set", a.Name, a.Version, a.State)
		}
	}
	for _, want := range []string{"HDFS", "HIVE", "SPARK3", "YARN"} {
		if !slices.Contains(names, want) {
			t.Errorf("applications %v: %s missing", names, want)
		}
	}
	_, err = env.eng.ListApplications(context.Background(), "c-missing0000000000")
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("unknown cluster: got %v, want not found", err)
	}
}
