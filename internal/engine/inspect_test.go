package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestRegions(t *testing.T) {
	env := newReadEnv(t)
	regions, err := env.eng.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range regions {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"ap-southeast-1", "cn-beijing", "cn-hangzhou", "cn-shanghai"}, ids); diff != "" {
		t.Errorf("regions (-want +got):\n%s", diff)
	}
}

// kinds summarises findings as "severity kind cluster-name" lines.
func kinds(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity+" "+f.Kind+" "+f.ClusterName)
	}
	return out
}

func TestInspect(t *testing.T) {
	env := newReadEnv(t)
	env.create(example(t, "dev-cluster.yaml"))
	sick := env.create(example(t, "dev-cluster.yaml", "name: dev-datalake", "name: sick"))
	env.create(badNetwork(t))
	env.create(example(t, "dev-cluster.yaml", "name: dev-datalake", "name: prepaid",
		"payment:\n  type: PayAsYouGo", "payment:\n  type: Subscription\n  subscription: {duration: 1, unit: Month}"))
	if _, err := env.srv.Inject(emulator.Injection{Kind: "node-failure", Region: "cn-hangzhou", ClusterID: sick}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		opts        engine.InspectOptions
		want        []string
		wantRegions []string
	}{
		{
			name:        "default window",
			want:        []string{"PROBLEM node sick", "PROBLEM state bad-network"},
			wantRegions: []string{"cn-hangzhou"},
		},
		{
			name:        "a month ahead, every region",
			opts:        engine.InspectOptions{AllRegions: true, ExpiringWithin: 40 * 24 * time.Hour},
			want:        []string{"PROBLEM node sick", "PROBLEM state bad-network", "WARNING expiry prepaid"},
			wantRegions: []string{"ap-southeast-1", "cn-beijing", "cn-hangzhou", "cn-shanghai"},
		},
		{
			name:        "another region only",
			opts:        engine.InspectOptions{Regions: []string{"cn-shanghai"}},
			wantRegions: []string{"cn-shanghai"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := env.eng.Inspect(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := kinds(rep.Findings)
			// Cluster IDs order the listing: compare as sets.
			if diff := cmp.Diff(sorted(tt.want), sorted(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			var regions []string
			for _, r := range rep.Regions {
				regions = append(regions, r.Region)
				if r.Error != "" {
					t.Errorf("%s: %s", r.Region, r.Error)
				}
			}
			if diff := cmp.Diff(tt.wantRegions, regions); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
			for _, f := range rep.Findings {
				if f.Next == "" || f.Detail == "" {
					t.Errorf("%s %s: got next %q detail %q, want both", f.Kind, f.ClusterName, f.Next, f.Detail)
				}
			}
		})
	}
	if _, err := env.eng.Inspect(context.Background(), engine.InspectOptions{Regions: []string{"Hangzhou"}}); err == nil {
		t.Error("malformed region: got no error")
	}
}

func sorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

func TestDiagnoseStartFailedNamesCauseAndFix(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(badNetwork(t))
	_, err := env.eng.WaitCluster(context.Background(), id, engine.WaitOptions{})
	var failed *engine.ClusterFailedError
	if !errors.As(err, &failed) {
		t.Fatalf("wait: got %v, want the cluster to fail", err)
	}
	d, err := env.eng.DiagnoseCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Healthy || d.Reason == nil {
		t.Fatalf("got healthy=%v reason=%v, want a diagnosed failure", d.Healthy, d.Reason)
	}
	if !strings.Contains(d.Reason.Cause, "enterprise") || !strings.Contains(d.Reason.Fix, "normal security group") {
		t.Errorf("reason: got cause %q fix %q, want the enterprise security group named", d.Reason.Cause, d.Reason.Fix)
	}
	for _, want := range []string{"--vpc vpc-bp1sandbox0000000001", "--zone cn-hangzhou-h", "--security-group sg-bp1sandboxenterprise1", "--vswitch vsw-bp1sandboxzonei00001"} {
		if !strings.Contains(d.Reason.Check, want) {
			t.Errorf("check %q: want %s", d.Reason.Check, want)
		}
	}
	if d.Prereqs == nil {
		t.Fatal("no prerequisite report for a cluster that failed to start")
	}
	if diff := cmp.Diff([]row{{"vswitch", "vsw-bp1sandboxzonei00001", "PROBLEM"}, {"security-group", "sg-bp1sandboxenterprise1", "PROBLEM"}}, rows(d.Prereqs, engine.CheckProblem)); diff != "" {
		t.Errorf("prerequisite problems (-want +got):\n%s", diff)
	}
}

func TestDiagnoseRunningCluster(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	d, err := env.eng.DiagnoseCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Healthy || len(d.Findings) != 0 || d.Reason != nil || d.Prereqs != nil {
		t.Errorf("healthy cluster: got %+v", d)
	}
	if _, err := env.srv.Inject(emulator.Injection{Kind: "node-failure", Region: "cn-hangzhou", ClusterID: id}); err != nil {
		t.Fatal(err)
	}
	d, err = env.eng.DiagnoseCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Healthy || len(d.Findings) != 1 || d.Findings[0].Kind != engine.FindingNode || !strings.Contains(d.Findings[0].Cause, "disk") {
		t.Errorf("stopped node: got healthy=%v findings %+v", d.Healthy, d.Findings)
	}
}

func TestDiagnoseTerminatedWithErrors(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	if _, err := env.srv.Inject(emulator.Injection{Kind: "cluster-failure", Region: "cn-hangzhou", ClusterID: id}); err != nil {
		t.Fatal(err)
	}
	d, err := env.eng.DiagnoseCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Cluster.State != engine.StateTerminatedWithErrors || d.Reason == nil || !strings.Contains(d.Reason.Fix, "Recharge") {
		t.Errorf("got state %s reason %+v, want TERMINATED_WITH_ERRORS diagnosed as arrears", d.Cluster.State, d.Reason)
	}
}

func TestDiagnoseReasonRules(t *testing.T) {
	tests := []struct {
		name      string
		reason    *provider.StateReason
		wantCause string // a word the cause must contain
	}{
		{name: "zone mismatch", reason: &provider.StateReason{Code: "ValidationFail", Message: "InvalidVSwitchId.ZoneMismatch: vSwitch vsw-1 is in zone a"}, wantCause: "zone"},
		{name: "security group of another VPC", reason: &provider.StateReason{Code: "ValidationFail", Message: "InvalidSecurityGroupId.VpcMismatch: sg-1 belongs to vpc-2"}, wantCause: "another VPC"},
		{name: "RAM role", reason: &provider.StateReason{Code: "NotAuthorized", Message: "EntityNotExist.Role: RAM role X does not exist"}, wantCause: "RAM role"},
		{name: "balance", reason: &provider.StateReason{Code: "OperationDenied.InsufficientBalance", Message: "the account balance is insufficient"}, wantCause: "balance"},
		{name: "disk full", reason: &provider.StateReason{Code: "NodeFailure", Message: "No space left on device on /mnt/disk1"}, wantCause: "disk"},
		{name: "out of memory", reason: &provider.StateReason{Code: "NodeFailure", Message: "services were killed: Out of memory"}, wantCause: "memory"},
		{name: "a word containing 'oom' is not OOM", reason: &provider.StateReason{Code: "QuotaExceeded", Message: "no room left in the quota"}, wantCause: "quota"},
		{name: "unknown code", reason: &provider.StateReason{Code: "Weird", Message: "something"}, wantCause: "Weird"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := engine.DiagnoseReason(tt.reason)
			if d == nil || !strings.Contains(d.Cause, tt.wantCause) || d.Fix == "" {
				t.Errorf("got %+v, want a cause naming %q and a fix", d, tt.wantCause)
			}
		})
	}
	if d := engine.DiagnoseReason(&provider.StateReason{Code: "UserRequest"}); d != nil {
		t.Errorf("a user's release: got %+v, want no diagnosis", d)
	}
}
