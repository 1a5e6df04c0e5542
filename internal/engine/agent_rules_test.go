package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

func TestAgentGetenv(t *testing.T) {
	env := map[string]string{
		"EMR_ROOT_PASSWORD": "Root1234x", "HIVE_RDS_PASSWORD": "Hive1234x", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
		"AWS_SECRET_ACCESS_KEY": "secret", "ALIBABA_CLOUD_PASSWORD": "x", "HOME": "/root", "EMRCTL_PASSWORD": "x",
	}
	getenv := AgentGetenv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	tests := []struct {
		name   string
		wantOK bool
	}{
		{name: "EMR_ROOT_PASSWORD", wantOK: true},
		{name: "HIVE_RDS_PASSWORD", wantOK: true},
		{name: "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "AWS_SECRET_ACCESS_KEY"},
		{name: "ALIBABA_CLOUD_PASSWORD"},
		{name: "EMRCTL_PASSWORD"},
		{name: "HOME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := getenv(tt.name); ok != tt.wantOK {
				t.Errorf("AgentGetenv(%s): got %v, want %v", tt.name, ok, tt.wantOK)
			}
		})
	}
	if _, ok := AgentGetenv(nil)("EMR_ROOT_PASSWORD"); ok {
		t.Error("AgentGetenv(nil): resolved a variable, want none")
	}
}

// TestAgentRulesLiveInTheEngine calls the engine directly, as any surface
// would: the agent rules hold for an agent actor without the MCP server,
// and do not apply to a person.
func TestAgentRulesLiveInTheEngine(t *testing.T) {
	b := newBed(t)
	foreign := func() *spec.Cluster {
		c := loadExample(t, "dev-cluster.yaml")
		c.BootstrapScripts = []spec.BootstrapScript{{Name: "init", Path: "oss://someone-else/init.sh"}}
		return c
	}
	agent := Call{Actor: policy.Actor{Kind: policy.Agent, Name: "bot"}, Confirm: &yes{cost: true}}
	_, err := b.eng.CreateCluster(context.Background(), agent, CreateClusterInput{Spec: foreign(), Getenv: noEnv})
	var ie *InputError
	if !errors.As(err, &ie) || !slices.ContainsFunc(ie.Problems, func(p FieldProblem) bool { return p.Field == "bootstrapScripts[0].path" }) {
		t.Fatalf("agent create with a foreign bootstrap script: got %v, want an input error on bootstrapScripts[0].path", err)
	}
	if n := b.srv.Stats()["RunCluster"]; n != 0 {
		t.Errorf("RunCluster calls after the refusal: got %d, want 0", n)
	}
	probs, _ := b.eng.PrepareCluster(foreign(), policy.Actor{Kind: policy.Human, Name: "me"})
	if slices.ContainsFunc(probs, func(p FieldProblem) bool { return p.Field == "bootstrapScripts[0].path" }) {
		t.Errorf("a person's spec got the agent rule: %+v", probs)
	}
}

// TestUntrustedActorRules calls the engine directly with every actor kind
// for every rule of callers that act for someone else: each is refused to
// agents and services (nothing sent) and holds no person back. A confirmer
// that accepts everything stands for a person or a forged "yes".
func TestUntrustedActorRules(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 3)
	ctx := context.Background()
	protect := func() {
		if _, err := b.eng.UpdateAttributes(ctx, scriptCall(&yes{}), AttributesInput{ClusterID: id, DeletionProtection: ptrBool(true)}); err != nil {
			t.Fatal(err)
		}
	}
	rules := []struct {
		name  string
		setup func()
		run   func(call Call) error
		sent  string // the API that must not be reached for untrusted actors
	}{
		{"protection off", protect, func(call Call) error {
			_, err := b.eng.UpdateAttributes(ctx, call, AttributesInput{ClusterID: id, DeletionProtection: ptrBool(false)})
			return err
		}, "UpdateClusterAttribute"},
		{"scale-in by count", nil, func(call Call) error {
			_, err := b.eng.ScaleIn(ctx, call, ScaleInInput{ClusterID: id, NodeGroupID: ng, Count: 1})
			return err
		}, "DecreaseNodes"},
		{"bootstrap script outside own buckets", nil, func(call Call) error {
			c := loadExample(t, "dev-cluster.yaml")
			c.Name = "foreign-" + string(call.Actor.Kind)
			c.BootstrapScripts = []spec.BootstrapScript{{Name: "init", Path: "oss://someone-else/init.sh"}}
			_, err := b.eng.CreateCluster(ctx, call, CreateClusterInput{Spec: c, Getenv: noEnv})
			return err
		}, "RunCluster"},
		{"credentials read from the environment", nil, func(call Call) error {
			c := loadExample(t, "dev-cluster.yaml")
			c.Name = "env-" + string(call.Actor.Kind)
			c.Network.MasterRootPasswordEnv = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
			env := func(k string) (string, bool) { return "Abcdefgh1234!x", k == "ALIBABA_CLOUD_ACCESS_KEY_SECRET" }
			_, err := b.eng.CreateCluster(ctx, call, CreateClusterInput{Spec: c, Getenv: env})
			return err
		}, "RunCluster"},
		{"Spark job code outside own buckets", nil, func(call Call) error {
			in := provider.SparkJobRunInput{Name: "foreign-" + string(call.Actor.Kind), CodeType: provider.SparkCodeJAR, Queue: "dev_queue",
				EntryPoint: "oss://my-bucket/jars/my-app.jar", MainClass: "com.example.MyApp"}
			_, err := b.eng.SubmitSparkJob(ctx, call, "w-sandbox000000001", in)
			return err
		}, "StartJobRun"},
		{"Spark conf that runs code", nil, func(call Call) error {
			in := provider.SparkJobRunInput{Name: "conf-" + string(call.Actor.Kind), CodeType: provider.SparkCodeSQL, Queue: "dev_queue",
				EntryPoint: "local:///tmp/spark-sql.sh", Conf: map[string]string{"spark.emr.sql.content": "SELECT 1", "spark.driver.extraJavaOptions": "-Dx=1"}}
			_, err := b.eng.SubmitSparkJob(ctx, call, "w-sandbox000000001", in)
			return err
		}, "StartJobRun"},
	}
	kinds := []policy.ActorKind{policy.Human, policy.Script, policy.Agent, policy.Service, "future-kind"}
	for _, r := range rules {
		for _, k := range kinds {
			t.Run(r.name+"/"+string(k), func(t *testing.T) {
				if r.setup != nil {
					r.setup()
				}
				before := b.srv.Stats()[r.sent]
				call := Call{Actor: policy.Actor{Kind: k, Name: "caller"}, Confirm: &yes{cost: true, zero: true}}
				err := r.run(call)
				sent := b.srv.Stats()[r.sent] - before
				if k.Untrusted() {
					if err == nil || sent != 0 {
						t.Errorf("got %v with %d %s sent, want a refusal with nothing sent", err, sent, r.sent)
					}
					return
				}
				if err != nil || sent == 0 {
					t.Errorf("a person: got %v with %d %s sent, want it done", err, sent, r.sent)
				}
			})
		}
	}
}
