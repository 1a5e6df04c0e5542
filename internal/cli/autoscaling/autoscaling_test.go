package autoscaling_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/cli/autoscaling"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const clusterSpec = `apiVersion: emrctl.io/v1alpha1
kind: Cluster
name: etl
region: cn-hangzhou
clusterType: DATALAKE
releaseVersion: EMR-5.21.0
applications: [HADOOP-COMMON, HDFS, YARN, ZOOKEEPER]
network:
  vpcId: vpc-bp1sandbox0000000001
  zoneId: cn-hangzhou-h
  securityGroupId: sg-bp1sandboxnormal0001
  vSwitchIds: [vsw-bp1sandboxzoneh00001]
  keyPairName: emrctl-sandbox
nodeGroups:
  - {name: master, role: MASTER, count: 1, instanceTypes: [ecs.g8i.xlarge], systemDisk: {category: cloud_essd, size: 120}, dataDisks: [{category: cloud_essd, size: 80, count: 1}]}
  - {name: core, role: CORE, count: 2, instanceTypes: [ecs.g8i.xlarge], systemDisk: {category: cloud_essd, size: 120}, dataDisks: [{category: cloud_essd, size: 80, count: 2}]}
  - {name: task, role: TASK, count: 1, instanceTypes: [ecs.g8i.xlarge], systemDisk: {category: cloud_essd, size: 120}, dataDisks: [{category: cloud_essd, size: 80, count: 1}]}
`

type yes struct{}

func (yes) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true}, nil
}

// fixture is a sandbox session with a cluster whose TASK group has a
// policy and one scaling activity.
type fixture struct {
	f                 *cmdutil.Factory
	out, errOut       *bytes.Buffer
	cluster, task, id string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "0"}
	ios, _, out, errOut := iostreams.Test()
	fx := &fixture{out: out, errOut: errOut}
	fx.f = &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	t.Cleanup(func() { fx.f.Close() })
	ctx := context.Background()
	s, err := fx.f.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load([]byte(clusterSpec))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Engine.CreateCluster(ctx, engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: yes{}},
		engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	fx.cluster = res.ClusterID
	groups, err := s.Engine.ListNodeGroups(ctx, fx.cluster, provider.NodeGroupFilter{Roles: []string{"TASK"}})
	if err != nil {
		t.Fatal(err)
	}
	fx.task = groups[0].ID

	// The policy is written with the provider: the write commands are not
	// part of this package.
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: s.Emulator.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2100, 1, 1, 12, 0, 0, 0, time.UTC)
	_, err = aliyun.New(cl).PutAutoScalingPolicy(ctx, provider.ScalingPolicy{
		ClusterID: fx.cluster, NodeGroupID: fx.task, MinCapacity: 1, MaxCapacity: 5,
		Rules: []provider.ScalingRule{
			{Name: "busy", TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
				Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 3, CoolDownSeconds: 600,
					Conditions: []provider.MetricCondition{{MetricName: "yarn_resourcemanager_queue_AvailableVCoresPercentage", Statistics: "AVG", Operator: "LT", Threshold: 20, Tags: []provider.Tag{{Key: "queue_name", Value: "root"}}}}}},
			{Name: "weekday-morning", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 3,
				Time: &provider.TimeTrigger{LaunchTime: "09:00", StartTime: start, RecurrenceType: "WEEKLY", RecurrenceValue: "MON,TUE,WED,THU,FRI"}},
			{Name: "night", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_IN", Adjustment: 2,
				Time: &provider.TimeTrigger{LaunchTime: "22:00", StartTime: start, RecurrenceType: "DAILY"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	inj, err := s.Emulator.Inject(emulator.Injection{Kind: "metric-breach", Region: "cn-hangzhou", ClusterID: fx.cluster, NodeGroupID: fx.task, RuleName: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	fx.id = inj.ActivityID
	return fx
}

// run executes one command with the -o format and returns stdout.
func (fx *fixture) run(t *testing.T, format string, args ...string) string {
	t.Helper()
	fx.out.Reset()
	fx.errOut.Reset()
	fx.f.Output = format
	cmd := autoscaling.NewCmd(fx.f)
	cmd.SetArgs(args)
	cmd.SetOut(fx.out)
	cmd.SetErr(fx.errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, fx.errOut)
	}
	return fx.out.String()
}

var volatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "<time>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`), "YYYY-MM-DD hh:mm:ss"},
	{regexp.MustCompile(`\b(c|ng|asa|asp|op)-[a-z0-9]{16}\b`), "$1-xxxxxxxxxxxxxxxx"},
	{regexp.MustCompile(`\bi-[a-z0-9]{20}\b`), "i-xxxxxxxxxxxxxxxxxxxx"},
}

func normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.repl)
	}
	return s
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestReadCommandsGolden(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		name   string
		format string
		args   []string
	}{
		{name: "policy.table", format: "table", args: []string{"get", fx.cluster, fx.task}},
		{name: "policy.yaml", format: "yaml", args: []string{"get", fx.cluster, fx.task}},
		{name: "activities.table", format: "table", args: []string{"activities", fx.cluster}},
		{name: "activities.wide", format: "wide", args: []string{"activities", fx.cluster, "--node-group", fx.task, "--type", "scale_out"}},
		{name: "activity.table", format: "table", args: []string{"activity", fx.cluster, fx.id}},
		{name: "activity.json", format: "json", args: []string{"activity", fx.cluster, fx.id}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.name+".golden", normalize(fx.run(t, tt.format, tt.args...)))
		})
	}
}

func TestActivityFilters(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		name  string
		args  []string
		wantN int
	}{
		{name: "state", args: []string{"--state", "successful"}, wantN: 1},
		{name: "other state", args: []string{"--state", "FAILED,REJECTED"}, wantN: 0},
		{name: "type", args: []string{"--type", "SCALE_IN"}, wantN: 0},
		{name: "rule", args: []string{"--rule", "busy"}, wantN: 1},
		{name: "limit", args: []string{"--limit", "1", "--page-size", "1"}, wantN: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx.f.Query = "length(@)"
			defer func() { fx.f.Query = "" }()
			got := strings.TrimSpace(fx.run(t, "json", append([]string{"activities", fx.cluster}, tt.args...)...))
			if want := strconv.Itoa(tt.wantN); got != want {
				t.Errorf("got %s activities, want %s", got, want)
			}
		})
	}
}
