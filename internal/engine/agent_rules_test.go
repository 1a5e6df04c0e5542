package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/emrctl/emrctl/internal/policy"
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
