package wizard_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wizard"
)

// sandbox is the wizard's backend over the engine of the embedded sandbox,
// with its own data; each region opens its own session, as the CLI does.
func sandbox(t *testing.T) *wizard.EngineBackend {
	t.Helper()
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "EMRCTL_SANDBOX_SPEED" {
			return "0"
		}
		return ""
	}
	open := func(ctx context.Context, region string) (*engine.Engine, error) {
		s, err := session.Open(ctx, session.Options{
			Paths: config.Paths{ConfigDir: dir + "/config", DataDir: dir + "/data"}, Region: region, Getenv: getenv,
		})
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { s.Close() })
		return s.Engine, nil
	}
	return wizard.NewEngineBackend(open, policy.Actor{Kind: policy.Human, Name: "test"}, noEnv)
}

func noEnv(string) (string, bool) { return "", false }

// script answers questions by ID, in order; a question without a scripted
// answer gets its recommended one, as if the person pressed enter.
type script struct {
	answers map[string][]wizard.Answer
	asked   []string
	seen    map[string]wizard.Question
	said    []string
}

func newScript(answers map[string][]wizard.Answer) *script {
	return &script{answers: answers, seen: map[string]wizard.Question{}}
}

func (s *script) Ask(_ context.Context, q *wizard.Question) (wizard.Answer, error) {
	s.asked = append(s.asked, q.ID)
	s.seen[q.ID] = *q
	if len(s.asked) > 200 {
		return wizard.Answer{}, fmt.Errorf("the flow keeps asking; last %s (problem %q)", q.ID, q.Problem)
	}
	if as := s.answers[q.ID]; len(as) > 0 {
		s.answers[q.ID] = as[1:]
		return as[0], nil
	}
	return wizard.Answer{Value: q.Default, Values: q.Defaults}, nil
}

func (s *script) Say(text string) { s.said = append(s.said, text) }

func one(v string) []wizard.Answer { return []wizard.Answer{{Value: v}} }

func TestRecommendedDevClusterIsTheDevTemplate(t *testing.T) {
	s := newScript(nil)
	res, err := wizard.Run(context.Background(), wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou", LookupEnv: noEnv}), s)
	if err != nil {
		t.Fatal(err)
	}
	wantAsked := []string{"region", "purpose", "deploy-mode", "payment", "cluster-type", "release", "components", "metastore",
		"vpc", "vswitch", "security-group", "key-pair", "storage", "master-type", "core-type", "core-count", "core-disks",
		"task", "name", "description", "deletion-protection", "review"}
	if diff := cmp.Diff(wantAsked, s.asked); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	if res.Action != wizard.Create {
		t.Errorf("got action %v, want Create (the recommended last answer)", res.Action)
	}
	want, err := spec.Template("dev", spec.TemplateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want.Description = ""
	spec.SetDefaults(want)
	spec.SetDefaults(res.Spec)
	if diff := cmp.Diff(want, res.Spec); diff != "" {
		t.Errorf("accepting every recommendation for dev/test should give the dev template (-want +got):\n%s", diff)
	}
	if ps := spec.Validate(res.Spec, spec.DefaultValidateOptions()); len(ps) != 0 {
		t.Errorf("got problems %v, want none", ps)
	}
	if !strings.Contains(s.seen["review"].Intro, "OK  key-pair") {
		t.Errorf("got review %q, want the summary with the live checks", s.seen["review"].Intro)
	}
}

func TestHAInsistsOnZooKeeperAndRDS(t *testing.T) {
	ctx := context.Background()
	withoutZK := []string{"HADOOP-COMMON", "HDFS", "YARN", "HIVE", "SPARK3"}
	s := newScript(map[string][]wizard.Answer{
		"purpose":          one("small-production"),
		"components":       {{Values: withoutZK}},
		"rds-address":      one("rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com"),
		"rds-user":         one("hive_user"),
		"review":           one("save"),
		"rds-password-env": one("HIVE_RDS_PASSWORD"),
	})
	res, err := wizard.Run(ctx, wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"}), s)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"zookeeper", "rds-address", "rds-database", "rds-user", "rds-password-env", "rds-vpc", "subscription-term", "auto-renew"} {
		if !slices.Contains(s.asked, id) {
			t.Errorf("got questions %v, want %s among them", s.asked, id)
		}
	}
	if slices.Contains(s.asked, "metastore") {
		t.Errorf("got the metastore choice in HA mode, want RDS imposed")
	}
	if got := s.seen["rds-address"].Intro; !strings.Contains(got, "HA mode: the Hive metastore must be an external RDS MySQL") {
		t.Errorf("got RDS intro %q, want why HA imposes it", got)
	}
	c := res.Spec
	if !c.HasApplication("ZOOKEEPER") || c.DeployMode != spec.DeployHA || *c.NodeGroups[0].Count != 3 {
		t.Errorf("got %s with %v and %d MASTER nodes, want HA with ZOOKEEPER and 3", c.DeployMode, c.Applications, *c.NodeGroups[0].Count)
	}
	wantRDS := &spec.RDS{
		URL:      "jdbc:mysql://rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com:3306/hivemeta?createDatabaseIfNotExist=true&characterEncoding=UTF-8",
		Username: "hive_user", PasswordEnv: "HIVE_RDS_PASSWORD", VpcID: spec.SandboxVpcID,
	}
	if diff := cmp.Diff(wantRDS, c.Metastore.RDS); diff != "" {
		t.Errorf("RDS (-want +got):\n%s", diff)
	}
	if ps := spec.Validate(c, spec.DefaultValidateOptions()).Errors(); len(ps) != 0 {
		t.Errorf("got problems %v, want none", ps)
	}
	if !slices.ContainsFunc(s.said, func(n string) bool { return strings.Contains(n, "export HIVE_RDS_PASSWORD") }) {
		t.Errorf("got notes %q, want a reminder to export the password variable", s.said)
	}
}

// ask runs the flow up to the question id with the given answers and
// returns it.
func ask(t *testing.T, f *wizard.Flow, id string, answers map[string]wizard.Answer) *wizard.Question {
	t.Helper()
	ctx := context.Background()
	for range 100 {
		q, err := f.Next(ctx)
		if err != nil {
			t.Fatalf("before %s: %v", id, err)
		}
		if q == nil {
			t.Fatalf("the flow ended before %s", id)
		}
		if q.ID == id {
			return q
		}
		a, ok := answers[q.ID]
		if !ok {
			a = wizard.Answer{Value: q.Default, Values: q.Defaults}
		}
		if err := f.Answer(ctx, a); err != nil {
			t.Fatalf("answer %s: %v", q.ID, err)
		}
	}
	t.Fatalf("no %s within 100 questions", id)
	return nil
}

func TestRefusedAnswersAreAskedAgainWithTheRule(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		answer  wizard.Answer
		problem string
	}{
		{"exclusive components", "components", wizard.Answer{Values: []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "SPARK2"}},
			"SPARK2 and SPARK3 cannot be selected together"},
		{"missing dependency", "components", wizard.Answer{Values: []string{"HADOOP-COMMON", "HDFS", "YARN", "HIVE", "SPARK3"}},
			"ZOOKEEPER is required by"},
		{"both storages", "components", wizard.Answer{Values: []string{"HADOOP-COMMON", "HDFS", "OSS-HDFS", "ZOOKEEPER"}},
			"HDFS and OSS-HDFS cannot be selected together"},
		{"nothing selected", "components", wizard.Answer{}, "no application is selected"},
		{"not an option", "cluster-type", wizard.Answer{Value: "HADOOP"}, "not one of the choices"},
		{"name with a space", "name", wizard.Answer{Value: "dev cluster"}, "is not allowed"},
		{"description with a shell metacharacter", "description", wizard.Answer{Value: "dev; rm -rf"}, "shell metacharacter"},
		{"count not a number", "core-count", wizard.Answer{Value: "two"}, "whole number"},
		{"count above the policy limit", "core-count", wizard.Answer{Value: "51"}, "policy limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"})
			ask(t, f, tt.id, nil)
			if err := f.Answer(ctx, tt.answer); err != nil {
				t.Fatalf("got error %v, want the question again", err)
			}
			q, err := f.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if q.ID != tt.id || !strings.Contains(q.Problem, tt.problem) {
				t.Errorf("got question %s with problem %q, want %s again with %q", q.ID, q.Problem, tt.id, tt.problem)
			}
		})
	}
}

func TestInputChecksRunAsYouType(t *testing.T) {
	f := wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"})
	q := ask(t, f, "name", nil)
	if q.Default != "dev-datalake" || q.Check(q.Default) != nil {
		t.Errorf("got default %q (check %v), want the valid dev-datalake", q.Default, q.Check(q.Default))
	}
	if err := q.Check("-dev"); err == nil {
		t.Errorf("got no error for -dev, want one")
	}
	if got := q.Feedback(wizard.Answer{Value: "dev_ok"}); got != "Valid name." {
		t.Errorf("got feedback %q, want Valid name.", got)
	}
}

func TestCoreCountWarnsBelowTwoAndStopsAtFreeAddresses(t *testing.T) {
	f := wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"})
	// The third vSwitch of the sandbox has 3 free addresses.
	q := ask(t, f, "core-count", map[string]wizard.Answer{"vswitch": {Value: "vsw-bp1sandboxzonej00001"}})
	if got := q.Feedback(wizard.Answer{Value: "1"}); !strings.Contains(got, "at least 2 are recommended") {
		t.Errorf("got feedback %q for 1 CORE node, want the warning", got)
	}
	if err := q.Check("2"); err != nil {
		t.Errorf("got %v for 3 nodes on 3 free addresses, want none", err)
	}
	if err := q.Check("3"); err == nil || !strings.Contains(err.Error(), "3 free") {
		t.Errorf("got %v for 4 nodes on 3 free addresses, want the vSwitch named", err)
	}
}

func TestStorageSeparatedSwapsToOSSHDFSAndAsksTheBucket(t *testing.T) {
	ctx := context.Background()
	f := wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"})
	q := ask(t, f, "storage", nil)
	if q.Default != "integrated" {
		t.Errorf("got pre-selected %q, want integrated (the components chose HDFS)", q.Default)
	}
	if err := f.Answer(ctx, wizard.Answer{Value: "separated"}); err != nil {
		t.Fatal(err)
	}
	q = ask(t, f, "oss-hdfs-root", nil)
	if err := q.Check("oss://bucket.cn-shanghai.oss-dls.aliyuncs.com/"); err == nil {
		t.Errorf("got no error for a bucket of another region, want one")
	}
	if err := f.Answer(ctx, wizard.Answer{Value: "my-lake"}); err != nil {
		t.Fatal(err)
	}
	c := f.Spec()
	if !c.HasApplication("OSS-HDFS") || c.HasApplication("HDFS") || c.OSSHDFS.RootURI != "oss://my-lake.cn-hangzhou.oss-dls.aliyuncs.com/" {
		t.Errorf("got %v with root %+v, want OSS-HDFS at oss://my-lake.cn-hangzhou.oss-dls.aliyuncs.com/", c.Applications, c.OSSHDFS)
	}
}

func TestAnotherRegionUsesItsOwnResources(t *testing.T) {
	f := wizard.New(sandbox(t), wizard.Options{Region: "cn-hangzhou"})
	q := ask(t, f, "vpc", map[string]wizard.Answer{"region": {Value: "cn-shanghai"}})
	if q.Default != "vpc-uf6sandbox0000000001" {
		t.Errorf("got VPC %q, want the sandbox VPC of cn-shanghai", q.Default)
	}
	q = ask(t, f, "review", nil)
	if c := f.Spec(); c.Region != "cn-shanghai" || !strings.HasPrefix(c.Network.ZoneID, "cn-shanghai-") {
		t.Errorf("got region %s zone %s, want cn-shanghai", c.Region, c.Network.ZoneID)
	}
	if !strings.Contains(q.Intro, "OK  vswitch") {
		t.Errorf("got review %q, want the checks passing in cn-shanghai", q.Intro)
	}
}

// account is a Backend with fixed resources, for accounts the sandbox
// does not have.
type account struct {
	vpcs   []provider.VPC
	vsws   []provider.VSwitch
	sgs    []provider.SecurityGroup
	keys   []provider.KeyPair
	types  []provider.InstanceType
	region string
}

func fullAccount() *account {
	return &account{
		vpcs: []provider.VPC{{ID: "vpc-acct0000001", Status: "Available"}},
		vsws: []provider.VSwitch{{ID: "vsw-acct0000001", VpcID: "vpc-acct0000001", ZoneID: "cn-hangzhou-h", AvailableIPs: 100, Status: "Available"}},
		sgs:  []provider.SecurityGroup{{ID: "sg-acct00000001", VpcID: "vpc-acct0000001", Type: "normal"}},
		keys: []provider.KeyPair{{Name: "acct-key"}},
		types: []provider.InstanceType{
			{Type: "ecs.g8i.xlarge", VCPUs: 4, MemoryGiB: 16, Stock: "WithStock"},
			{Type: "ecs.d3s.4xlarge", VCPUs: 16, MemoryGiB: 64, LocalDisks: 8, LocalDiskGB: 11918, Stock: "WithoutStock"},
		},
	}
}

func (a *account) Regions(context.Context) ([]provider.Region, error) {
	return []provider.Region{{ID: "cn-hangzhou"}}, nil
}
func (a *account) UseRegion(_ context.Context, r string) error { a.region = r; return nil }
func (a *account) ReleaseVersions(context.Context, string) ([]string, error) {
	return []string{"EMR-5.21.0"}, nil
}
func (a *account) VPCs(context.Context) ([]provider.VPC, error)                  { return a.vpcs, nil }
func (a *account) VSwitches(context.Context, string) ([]provider.VSwitch, error) { return a.vsws, nil }
func (a *account) SecurityGroups(context.Context, string) ([]provider.SecurityGroup, error) {
	return a.sgs, nil
}
func (a *account) KeyPairs(context.Context) ([]provider.KeyPair, error) { return a.keys, nil }
func (a *account) InstanceTypes(context.Context, provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	return a.types, nil
}
func (a *account) Review(_ context.Context, c *spec.Cluster) (*wizard.Review, error) {
	return &wizard.Review{Text: spec.Summarize(c).String(), Ready: true}, nil
}

func TestMissingPrerequisitesSayHowToCreateThem(t *testing.T) {
	tests := []struct {
		name   string
		change func(*account)
		id     string
		how    string
	}{
		{"no VPC", func(a *account) { a.vpcs = nil }, "vpc", "CreateVpc"},
		{"VPC not available", func(a *account) { a.vpcs[0].Status = "Pending" }, "vpc", "status Pending"},
		{"no vSwitch", func(a *account) { a.vsws = nil }, "vswitch", "CreateVSwitch"},
		{"only enterprise security groups", func(a *account) { a.sgs[0].Type = "enterprise" }, "security-group", "--SecurityGroupType normal"},
		{"no key pair", func(a *account) { a.keys = nil }, "key-pair", "CreateKeyPair"},
		{"nothing in stock", func(a *account) { a.types = a.types[1:] }, "master-type", "Choose a vSwitch of another zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fullAccount()
			tt.change(a)
			f := wizard.New(a, wizard.Options{Region: "cn-hangzhou"})
			q := ask(t, f, tt.id, nil)
			if !strings.Contains(q.Intro, tt.how) || q.Options[0].Value != "again" {
				t.Errorf("got intro %q with options %v, want %q and to look again first", q.Intro, q.Options, tt.how)
			}
			err := f.Answer(context.Background(), wizard.Answer{Value: "stop"})
			if !errors.Is(err, wizard.ErrStopped) {
				t.Errorf("got %v after stop, want ErrStopped", err)
			}
		})
	}
}

func TestLookAgainFindsWhatWasCreated(t *testing.T) {
	ctx := context.Background()
	a := fullAccount()
	vpcs := a.vpcs
	a.vpcs = nil
	f := wizard.New(a, wizard.Options{Region: "cn-hangzhou"})
	ask(t, f, "vpc", nil)
	a.vpcs = vpcs
	if err := f.Answer(ctx, wizard.Answer{Value: "again"}); err != nil {
		t.Fatal(err)
	}
	q, err := f.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.ID != "vpc" || q.Default != "vpc-acct0000001" {
		t.Errorf("got %s with default %q, want the VPC question with the created VPC", q.ID, q.Default)
	}
}

func TestUnusableResourcesAreShownButNotOffered(t *testing.T) {
	a := fullAccount()
	a.sgs = append(a.sgs, provider.SecurityGroup{ID: "sg-acctenterprise", VpcID: "vpc-acct0000001", Type: "enterprise"})
	f := wizard.New(a, wizard.Options{Region: "cn-hangzhou"})
	q := ask(t, f, "security-group", nil)
	if got := values(q); !slices.Equal(got, []string{"sg-acct00000001"}) || !strings.Contains(q.Intro, "sg-acctenterprise") {
		t.Errorf("got options %v and intro %q, want only the normal group offered and the enterprise one explained", got, q.Intro)
	}
	q = ask(t, f, "core-type", map[string]wizard.Answer{"purpose": {Value: "small-production"}})
	if got := values(q); !slices.Equal(got, []string{"ecs.g8i.xlarge"}) || !strings.Contains(q.Intro, "ecs.d3s.4xlarge") {
		t.Errorf("got options %v and intro %q, want the out-of-stock d3s shown but not offered", got, q.Intro)
	}
}

func values(q *wizard.Question) []string {
	var out []string
	for _, o := range q.Options {
		out = append(out, o.Value)
	}
	return out
}

func TestNoKeyPairAsksForTheRootPasswordVariable(t *testing.T) {
	ctx := context.Background()
	a := fullAccount()
	f := wizard.New(a, wizard.Options{Region: "cn-hangzhou", LookupEnv: func(k string) (string, bool) { return "x", k == "EMR_ROOT_PASSWORD" }})
	ask(t, f, "key-pair", nil)
	if err := f.Answer(ctx, wizard.Answer{Value: "-password"}); err != nil {
		t.Fatal(err)
	}
	q := ask(t, f, "root-password-env", nil)
	if err := q.Check("Secret-123!"); err == nil {
		t.Errorf("got no error for a password typed as the variable name, want one")
	}
	if got := q.Feedback(wizard.Answer{Value: "EMR_ROOT_PASSWORD"}); got != "$EMR_ROOT_PASSWORD is set in this environment." {
		t.Errorf("got feedback %q, want the variable found", got)
	}
	if err := f.Answer(ctx, wizard.Answer{Value: "EMR_ROOT_PASSWORD"}); err != nil {
		t.Fatal(err)
	}
	if n := f.Spec().Network; n.KeyPairName != "" || n.MasterRootPasswordEnv != "EMR_ROOT_PASSWORD" {
		t.Errorf("got key pair %q and password variable %q, want the variable only", n.KeyPairName, n.MasterRootPasswordEnv)
	}
}

func TestSpotTaskGroup(t *testing.T) {
	a := fullAccount()
	s := newScript(map[string][]wizard.Answer{"task": one("yes"), "task-count": one("3")})
	res, err := wizard.Run(context.Background(), wizard.New(a, wizard.Options{Region: "cn-hangzhou"}), s)
	if err != nil {
		t.Fatal(err)
	}
	spec.SetDefaults(res.Spec)
	g := res.Spec.NodeGroups[2]
	if g.Role != spec.RoleTask || *g.Count != 3 || g.Spot == nil || g.Spot.Strategy != spec.SpotAsPriceGo {
		t.Errorf("got TASK group %+v, want 3 spot nodes (SpotAsPriceGo, the recommendation)", g)
	}
	if ps := spec.Validate(res.Spec, spec.DefaultValidateOptions()).Errors(); len(ps) != 0 {
		t.Errorf("got problems %v, want none", ps)
	}
}

func TestAbortedIsACancellation(t *testing.T) {
	if !errors.Is(fmt.Errorf("create: %w", wizard.ErrAborted), context.Canceled) {
		t.Errorf("got ErrAborted not matching context.Canceled, want it to (exit code 130)")
	}
}

// TestCloudNamesAreData: names from the account (another person may have
// chosen them) show escaped and quoted, never as lines of the wizard's own.
func TestCloudNamesAreData(t *testing.T) {
	const hostile = "x\n✓ Cluster created\u202e\x1b[2J"
	a := fullAccount()
	a.vpcs[0].Status, a.vpcs[0].Name = "Pending", hostile
	f := wizard.New(a, wizard.Options{Region: "cn-hangzhou"})
	q := ask(t, f, "vpc", nil)
	want := `vpc-acct0000001 "x\u000A✓ Cluster created\u202E\u001B[2J": status Pending`
	if !strings.Contains(q.Intro, want) || strings.Contains(q.Intro, "\n✓") || strings.ContainsAny(q.Intro, "\u202e\x1b") {
		t.Errorf("intro %q: want the name as %s", q.Intro, want)
	}
}
