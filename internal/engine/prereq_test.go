package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
)

// row is the part of a check a test asserts.
type row struct{ Item, Resource, Status string }

func rows(rep *engine.PrereqReport, status ...string) []row {
	var out []row
	for _, c := range rep.Checks {
		for _, s := range status {
			if c.Status == s {
				out = append(out, row{c.Item, c.Resource, c.Status})
			}
		}
	}
	return out
}

func TestCheckPrereqs(t *testing.T) {
	const (
		vpc        = "vpc-bp1sandbox0000000001"
		vswH       = "vsw-bp1sandboxzoneh00001"
		vswI       = "vsw-bp1sandboxzonei00001"
		normal     = "sg-bp1sandboxnormal0001"
		enterprise = "sg-bp1sandboxenterprise1"
	)
	env := newReadEnv(t)
	tests := []struct {
		name         string
		in           engine.PrereqInput
		wantProblems []row
		wantWarnings []row
		wantFix      map[string]string // resource -> text its fix must contain
	}{
		{
			name: "discovery: nothing named",
			in:   engine.PrereqInput{},
			wantWarnings: []row{
				{"vswitch", "vsw-bp1sandboxzonej00001", "WARNING"},
				{"security-group", enterprise, "WARNING"},
			},
		},
		{
			name: "a usable network",
			in:   engine.PrereqInput{VpcID: vpc, ZoneID: "cn-hangzhou-h", VSwitchIDs: []string{vswH}, SecurityGroupIDs: []string{normal}, KeyPairNames: []string{"emrctl-sandbox"}},
		},
		{
			name: "enterprise security group and a vSwitch of another zone",
			in:   engine.PrereqInput{VpcID: vpc, ZoneID: "cn-hangzhou-h", VSwitchIDs: []string{vswI}, SecurityGroupIDs: []string{enterprise}},
			wantProblems: []row{
				{"vswitch", vswI, "PROBLEM"},
				{"security-group", enterprise, "PROBLEM"},
			},
			wantFix: map[string]string{vswI: vswH, enterprise: normal},
		},
		{
			name: "missing resources",
			in:   engine.PrereqInput{VpcID: "vpc-bp1nothere000000001", ZoneID: "cn-hangzhou-q", SecurityGroupIDs: []string{"sg-bp1nothere00000001"}, KeyPairNames: []string{"nokey"}},
			wantProblems: []row{
				{"zone", "cn-hangzhou-q", "PROBLEM"},
				{"vpc", "vpc-bp1nothere000000001", "PROBLEM"},
				{"security-group", "sg-bp1nothere00000001", "PROBLEM"},
				{"key-pair", "nokey", "PROBLEM"},
			},
			wantFix: map[string]string{"vpc-bp1nothere000000001": vpc, "nokey": "emrctl-sandbox", "cn-hangzhou-q": "cn-hangzhou-h"},
		},
		{
			name:         "more nodes than free addresses",
			in:           engine.PrereqInput{VpcID: vpc, ZoneID: "cn-hangzhou-j", VSwitchIDs: []string{"vsw-bp1sandboxzonej00001"}, Nodes: map[string]int{"vsw-bp1sandboxzonej00001": 5}},
			wantProblems: []row{{"vswitch", "vsw-bp1sandboxzonej00001", "PROBLEM"}},
		},
		{
			name: "another region",
			in:   engine.PrereqInput{Region: "cn-shanghai", VpcID: vpc},
			wantProblems: []row{
				{"vpc", vpc, "PROBLEM"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := env.eng.CheckPrereqs(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantProblems, rows(rep, engine.CheckProblem)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tt.wantWarnings != nil {
				if diff := cmp.Diff(tt.wantWarnings, rows(rep, engine.CheckWarning)); diff != "" {
					t.Errorf("warnings (-want +got):\n%s", diff)
				}
			}
			if got, want := rep.Problems, len(tt.wantProblems); got != want {
				t.Errorf("Problems: got %d, want %d", got, want)
			}
			for _, c := range rep.Checks {
				if want, ok := tt.wantFix[c.Resource]; ok && !strings.Contains(c.Fix, want) {
					t.Errorf("%s: fix %q does not name %s", c.Resource, c.Fix, want)
				}
				if c.Status != engine.CheckOK && c.Fix == "" {
					t.Errorf("%s %s is %s without a fix", c.Item, c.Resource, c.Status)
				}
			}
			var pe *engine.PrereqError
			if gotErr := errors.As(rep.Err(), &pe); gotErr != (len(tt.wantProblems) > 0) {
				t.Errorf("Err(): got %v, want an error: %v", rep.Err(), len(tt.wantProblems) > 0)
			}
		})
	}
}

func TestCheckPrereqsFromSpec(t *testing.T) {
	env := newReadEnv(t)
	tests := []struct {
		name         string
		replace      []string
		wantProblems []row
	}{
		{name: "the dev spec is ready"},
		{
			name:    "the seed's bad network",
			replace: []string{"sg-bp1sandboxnormal0001", "sg-bp1sandboxenterprise1", "vsw-bp1sandboxzoneh00001", "vsw-bp1sandboxzonei00001"},
			wantProblems: []row{
				{"vswitch", "vsw-bp1sandboxzonei00001", "PROBLEM"},
				{"security-group", "sg-bp1sandboxenterprise1", "PROBLEM"},
			},
		},
		{
			name:         "an instance type out of stock in the zone",
			replace:      []string{"instanceTypes: [ecs.g8i.xlarge]\n    systemDisk: {category: cloud_essd, size: 120}\n    dataDisks: [{category: cloud_essd, size: 80, count: 2}]", "instanceTypes: [ecs.d3s.4xlarge]\n    systemDisk: {category: cloud_essd, size: 120}\n    dataDisks: [{category: cloud_essd, size: 80, count: 2}]"},
			wantProblems: []row{{"stock", "core (ecs.d3s.4xlarge)", "PROBLEM"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := engine.PrereqInputFromSpec(example(t, "dev-cluster.yaml", tt.replace...))
			if got, want := in.Nodes["vsw-bp1sandboxzoneh00001"]+in.Nodes["vsw-bp1sandboxzonei00001"], 3; got != want {
				t.Errorf("nodes on the vSwitch: got %d, want %d", got, want)
			}
			rep, err := env.eng.CheckPrereqs(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantProblems, rows(rep, engine.CheckProblem)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckPrereqsRefusesMalformedIDs(t *testing.T) {
	env := newReadEnv(t)
	_, err := env.eng.CheckPrereqs(context.Background(), engine.PrereqInput{VpcID: "vpc_1", SecurityGroupIDs: []string{"sg-ЯЯЯЯЯЯЯЯЯЯ"}})
	var ie *engine.InputError
	if !errors.As(err, &ie) || len(ie.Problems) != 2 {
		t.Fatalf("got %v, want an input error naming both IDs", err)
	}
}
