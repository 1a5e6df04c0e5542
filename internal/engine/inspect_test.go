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
	"github.com/emrctl/emrctl/internal/spec"
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
	// The reason's message is the cloud's free text: what is wrong comes
	// from checking the network again.
	for _, want := range []string{"security-group sg-bp1sandboxenterprise1 is an enterprise security group", "vswitch vsw-bp1sandboxzonei00001 is in zone cn-hangzhou-i"} {
		if !strings.Contains(d.Reason.Cause, want) {
			t.Errorf("reason: got cause %q, want it to name %q", d.Reason.Cause, want)
		}
	}
	if !strings.Contains(d.Reason.Fix, "fix of each PROBLEM") {
		t.Errorf("reason: got fix %q, want it to point at the fixes of the network check", d.Reason.Fix)
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

// TestDiagnoseReasonRules: a reason is diagnosed by its code; its message
// counts only where the reference documents the text the service writes.
// Sub-codes and words the cloud (or the emulator) puts in a message are
// free text and change nothing.
func TestDiagnoseReasonRules(t *testing.T) {
	tests := []struct {
		name      string
		reason    *provider.StateReason
		wantCause string // a phrase the cause must contain
		notCause  string // a phrase it must not contain
	}{
		{name: "a sub-code in the message is not a code", reason: &provider.StateReason{Code: "ValidationFail", Message: "InvalidVSwitchId.ZoneMismatch: vSwitch vsw-1 is in zone a"},
			wantCause: "rejected the cluster's configuration", notCause: "zone"},
		{name: "an enterprise security group named in the message", reason: &provider.StateReason{Code: "ValidationFail", Message: "InvalidSecurityGroupType.NotSupported: sg-1 is an enterprise security group"},
			wantCause: "rejected the cluster's configuration", notCause: "enterprise"},
		{name: "documented text: dataDiskCount", reason: &provider.StateReason{Code: "ValidationFail", Message: "dataDiskCount is not supported: ecs.g6.xlarge does not take 1 cloud_essd data disk(s)"},
			wantCause: "Older instance families"},
		{name: "documented text: ApplicationConfigs missing item", reason: &provider.StateReason{Code: "ValidationFail", Message: "ApplicationConfigs missing item: HIVE hivemetastore-site.xml hive.metastore.type"},
			wantCause: "configuration item"},
		{name: "RAM role", reason: &provider.StateReason{Code: "NotAuthorized", Message: "EntityNotExist.Role: RAM role X does not exist"}, wantCause: "RAM role"},
		{name: "balance", reason: &provider.StateReason{Code: "OperationDenied.InsufficientBalance", Message: "the account balance is insufficient"}, wantCause: "balance"},
		{name: "balance named in the message of another code", reason: &provider.StateReason{Code: "Weird", Message: "InsufficientBalance"}, wantCause: "The cloud reported Weird", notCause: "balance"},
		{name: "out of stock", reason: &provider.StateReason{Code: "ResourceNotEnough", Message: "no stock"}, wantCause: "out of stock"},
		{name: "the sandbox's out of stock", reason: &provider.StateReason{Code: "OutOfStock", Message: "The instance types ecs.g8i.4xlarge are out of stock"}, wantCause: "out of stock"},
		{name: "memory named in a message", reason: &provider.StateReason{Code: "NodeFailure", Message: "services were killed: Out of memory"}, wantCause: "The cloud reported NodeFailure", notCause: "memory"},
		{name: "disk named in a message", reason: &provider.StateReason{Code: "NodeFailure", Message: "No space left on device on /mnt/disk1"}, wantCause: "The cloud reported NodeFailure", notCause: "disk"},
		{name: "arrears", reason: &provider.StateReason{Code: "AccountException", Message: "The account is in arrears"}, wantCause: "arrears"},
		{name: "quota", reason: &provider.StateReason{Code: "QuotaExceeded", Message: "no room left in the quota"}, wantCause: "quota"},
		{name: "AWS bootstrap failure", reason: &provider.StateReason{Code: "BOOTSTRAP_FAILURE", Message: "On the master instance (i-1), bootstrap action 1 returned a non-zero return code"}, wantCause: "bootstrap action"},
		{name: "unknown code", reason: &provider.StateReason{Code: "Weird", Message: "something"}, wantCause: "Weird"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := engine.DiagnoseReason(tt.reason)
			if d == nil || !strings.Contains(d.Cause, tt.wantCause) || d.Fix == "" {
				t.Fatalf("got %+v, want a cause naming %q and a fix", d, tt.wantCause)
			}
			if tt.notCause != "" && strings.Contains(strings.ToLower(d.Cause), tt.notCause) {
				t.Errorf("cause %q: read %q from the message", d.Cause, tt.notCause)
			}
		})
	}
	for _, code := range []string{"UserRequest", "USER_REQUEST", "ALL_STEPS_COMPLETED"} {
		if d := engine.DiagnoseReason(&provider.StateReason{Code: code, Message: "Terminated by user request"}); d != nil {
			t.Errorf("%s: got %+v, want no diagnosis (no failure)", code, d)
		}
	}
}

// TestSandboxFailuresDiagnose: every way the sandbox fails a cluster gives
// a reason whose code has a rule of its own, not the fallback.
func TestSandboxFailuresDiagnose(t *testing.T) {
	env := newReadEnv(t)
	// Each under a name of its own: creating a spec name again while its
	// cluster exists creates nothing.
	dev := func(name string, replace ...string) *spec.Cluster {
		return example(t, "dev-cluster.yaml", append([]string{"name: dev-datalake", "name: " + name}, replace...)...)
	}
	tests := []struct {
		name      string
		spec      *spec.Cluster
		inject    bool // a cluster-failure injection ends it instead
		wantCode  string
		wantCause string
	}{
		{name: "enterprise security group", spec: badNetwork(t), wantCode: "ValidationFail", wantCause: "rejected the cluster's configuration"},
		{name: "unknown RAM role", spec: dev("no-role", "keyPairName: emrctl-sandbox", "keyPairName: emrctl-sandbox\n  ramRole: NoSuchRole"), wantCode: "NotAuthorized", wantCause: "RAM role"},
		{name: "out of stock", spec: dev("no-stock", "ecs.g8i.xlarge", "ecs.d3s.4xlarge"), wantCode: "OutOfStock", wantCause: "out of stock"},
		{name: "vSwitch without free addresses", spec: dev("no-addresses", "cn-hangzhou-h", "cn-hangzhou-j", "vsw-bp1sandboxzoneh00001", "vsw-bp1sandboxzonej00001", "count: 2", "count: 4"),
			wantCode: "QuotaExceeded", wantCause: "quota"},
		{name: "arrears", spec: dev("arrears"), inject: true, wantCode: "AccountException", wantCause: "arrears"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := env.create(tt.spec)
			if tt.inject {
				if _, err := env.srv.Inject(emulator.Injection{Kind: "cluster-failure", Region: "cn-hangzhou", ClusterID: id}); err != nil {
					t.Fatal(err)
				}
			}
			d, err := env.eng.DiagnoseCluster(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			r := d.Reason
			if r == nil || r.Code != tt.wantCode || !strings.Contains(r.Cause, tt.wantCause) {
				t.Errorf("got state %s, reason %+v; want code %s with a cause naming %q", d.Cluster.State, r, tt.wantCode, tt.wantCause)
			}
		})
	}
}
