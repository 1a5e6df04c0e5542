package mcpserver

import (
	"context"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// subscription makes a spec a one-month subscription.
func subscription(c *spec.Cluster) {
	c.Payment = &spec.Payment{Type: spec.PaymentSubscription, Subscription: &spec.Subscription{Duration: 1, Unit: spec.Month}}
}

// timeRule is a valid time-triggered scale-out rule.
func timeRule(name string) map[string]any {
	return map[string]any{"name": name, "triggerType": "TIME_TRIGGER", "activityType": "SCALE_OUT", "adjustment": 2,
		"time": map[string]any{"launchTime": "09:00", "startTime": "2030-01-01T00:00:00Z", "recurrenceType": "DAILY"}}
}

// putPolicy gives a TASK group a policy, as the test's own script.
func (b *bed) putPolicy(f fixture, maxCapacity int) {
	b.t.Helper()
	_, _, err := b.eng.PutAutoScalingPolicy(context.Background(), setupCall(), provider.ScalingPolicy{
		ClusterID: f.clusterID, NodeGroupID: f.task, MinCapacity: 0, MaxCapacity: maxCapacity,
		Rules: []provider.ScalingRule{{Name: "evening", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_IN", Adjustment: 1,
			Time: &provider.TimeTrigger{LaunchTime: "20:00", StartTime: mustTime(b.t, "2030-01-01T00:00:00Z"), RecurrenceType: "DAILY"}}},
	})
	if err != nil {
		b.t.Fatalf("put policy: %v", err)
	}
}

// writeCase is one write tool call and what it should do.
type writeCase struct {
	tool string
	args func(f, sub fixture) map[string]any
	// action is the API that must reach the emulator when accepted.
	action string
	// cli is what the refusal names when the client cannot be asked;
	// empty when the policy allows the call without a confirmation.
	cli func(f, sub fixture) string
}

func writeCases(t *testing.T) []writeCase {
	return []writeCase{
		{tool: "create_cluster", action: "RunCluster",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"specYaml": exampleYAML(t, "dev-cluster.yaml")}
			},
			cli: func(f, _ fixture) string {
				return "save the spec as cluster.yaml, then run: emrctl cluster create -f cluster.yaml --profile sandbox --region cn-hangzhou"
			}},
		{tool: "scale_out", action: "IncreaseNodes",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 22}
			},
			cli: func(f, _ fixture) string {
				return "emrctl scale out " + f.clusterID + " --node-group " + f.task + " --count 22 --profile sandbox --region cn-hangzhou"
			}},
		{tool: "scale_in", action: "DecreaseNodes",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "nodeIds": f.taskNodes[:2]}
			},
			cli: func(f, _ fixture) string {
				return "emrctl scale in " + f.clusterID + " --node-group " + f.task + " --nodes " + f.taskNodes[0] + "," + f.taskNodes[1] + " --profile sandbox --region cn-hangzhou"
			}},
		{tool: "create_node_group", action: "CreateNodeGroup",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "name": "burst", "role": "TASK", "count": 31, "instanceTypes": []string{"ecs.g8i.xlarge"}}
			},
			cli: func(f, _ fixture) string {
				return "emrctl nodegroup create " + f.clusterID + " -f nodegroup.yaml --profile sandbox --region cn-hangzhou"
			}},
		{tool: "put_auto_scaling_policy", action: "PutAutoScalingPolicy",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "minCapacity": 0, "maxCapacity": 20, "rules": []any{timeRule("morning")}}
			},
			cli: func(f, _ fixture) string {
				return "emrctl autoscaling put " + f.clusterID + " " + f.task + " -f policy.yaml --profile sandbox --region cn-hangzhou"
			}},
		{tool: "remove_auto_scaling_policy", action: "RemoveAutoScalingPolicy",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task}
			},
			cli: func(f, _ fixture) string {
				return "emrctl autoscaling remove " + f.clusterID + " " + f.task + " --profile sandbox --region cn-hangzhou"
			}},
		{tool: "update_cluster_attributes", action: "UpdateClusterAttribute",
			args: func(f, _ fixture) map[string]any {
				return map[string]any{"clusterId": f.clusterID, "name": "renamed", "deletionProtection": true}
			}},
		{tool: "set_auto_renew", action: "UpdateClusterAutoRenew",
			args: func(_, sub fixture) map[string]any {
				return map[string]any{"clusterId": sub.clusterID, "enable": true, "duration": 1}
			},
			cli: func(_, sub fixture) string {
				return "emrctl cluster renew " + sub.clusterID + " --auto-renew on --duration 1 --unit Month --profile sandbox --region cn-hangzhou"
			}},
	}
}

// TestWriteToolsAccepted runs each write tool with a person who accepts:
// the API reaches the emulator once.
func TestWriteToolsAccepted(t *testing.T) {
	b := newBed(t, bedOptions{})
	for _, wc := range writeCases(t) {
		t.Run(wc.tool, func(t *testing.T) {
			f := b.createCluster("ok-"+strings.ReplaceAll(wc.tool, "_", "-"), 3)
			sub := b.createClusterWith("sub-"+strings.ReplaceAll(wc.tool, "_", "-"), 0, subscription)
			b.putPolicy(f, 10)
			cs, _ := connect(t, b.server(true), acceptingAll)
			mark := b.rec.mark()
			res := call(t, cs, wc.tool, wc.args(f, sub))
			if res.IsError {
				t.Fatalf("%s: got error %q, want success", wc.tool, text(res))
			}
			sent := b.rec.since(mark, writeActions...)
			if len(sent) != 1 || sent[0].Action != wc.action {
				t.Errorf("sent: got %v, want one %s", sent, wc.action)
			}
		})
	}
}

// TestWriteToolsWithoutElicitation runs each write tool with a client that
// cannot ask the person: what needs a confirmation is refused, nothing is
// sent, and the refusal names the CLI command a person can run.
func TestWriteToolsWithoutElicitation(t *testing.T) {
	b := newBed(t, bedOptions{})
	for _, wc := range writeCases(t) {
		if wc.cli == nil {
			continue
		}
		t.Run(wc.tool, func(t *testing.T) {
			f := b.createCluster("no-"+strings.ReplaceAll(wc.tool, "_", "-"), 3)
			sub := b.createClusterWith("nsub-"+strings.ReplaceAll(wc.tool, "_", "-"), 0, subscription)
			b.putPolicy(f, 10)
			cs, _ := connect(t, b.server(true), noElicit)
			mark := b.rec.mark()
			res := call(t, cs, wc.tool, wc.args(f, sub))
			if !res.IsError {
				t.Fatalf("%s: got success, want a refusal", wc.tool)
			}
			if want := wc.cli(f, sub); !strings.Contains(text(res), want) {
				t.Errorf("refusal: got %q, want it to contain %q", text(res), want)
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != 0 {
				t.Errorf("sent: got %v, want nothing", sent)
			}
		})
	}
}

// TestProtectionOffRefused checks that turning deletion protection off is
// refused for agents whatever the client answers, with the CLI command.
func TestProtectionOffRefused(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createClusterWith("protected", 0, func(c *spec.Cluster) { c.DeletionProtection = true })
	for _, m := range []clientMode{acceptingAll, declining, noElicit} {
		t.Run(m.name, func(t *testing.T) {
			cs, log := connect(t, b.server(true), m)
			mark := b.rec.mark()
			res := call(t, cs, "update_cluster_attributes", map[string]any{"clusterId": f.clusterID, "deletionProtection": false})
			want := "emrctl cluster protect " + f.clusterID + " --off --profile sandbox --region cn-hangzhou"
			if !res.IsError || !strings.Contains(text(res), want) {
				t.Errorf("got isError=%v %q, want a refusal naming %q", res.IsError, text(res), want)
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != 0 {
				t.Errorf("sent: got %v, want nothing", sent)
			}
			if n := len(log.all()); n != 0 {
				t.Errorf("confirmations shown: got %d, want 0", n)
			}
		})
	}
	c, err := b.eng.GetCluster(context.Background(), f.clusterID)
	if err != nil {
		t.Fatal(err)
	}
	if !c.DeletionProtection {
		t.Errorf("deletion protection: got off, want on")
	}
}

// TestAgentSpecRules checks the rules for specs an agent submits: bootstrap
// scripts only from the user's own buckets, and passwords only from
// password variables.
func TestAgentSpecRules(t *testing.T) {
	withScript := func(path string) string {
		return exampleYAML(t, "dev-cluster.yaml") + "bootstrapScripts:\n  - name: init\n    path: " + path + "\n"
	}
	tests := []struct {
		name    string
		own     []string
		spec    string
		wantErr string
	}{
		{name: "own bucket", own: []string{"my-bucket"}, spec: withScript("oss://my-bucket/init.sh")},
		{name: "foreign bucket", own: []string{"my-bucket"}, spec: withScript("oss://attacker-bucket/init.sh"), wantErr: "not one of your own buckets"},
		{name: "no own buckets", spec: withScript("oss://my-bucket/init.sh"), wantErr: "none are configured"},
		{name: "a link", own: []string{"my-bucket"}, spec: withScript("https://evil.example/x.sh"), wantErr: "https URL"},
		{name: "no scripts", spec: exampleYAML(t, "dev-cluster.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBed(t, bedOptions{ownBuckets: tt.own})
			cs, _ := connect(t, b.server(false), declining)
			res := call(t, cs, "plan_cluster", map[string]any{"specYaml": tt.spec})
			switch {
			case tt.wantErr == "" && res.IsError:
				t.Errorf("plan: got error %q, want a plan", text(res))
			case tt.wantErr != "" && (!res.IsError || !strings.Contains(text(res), tt.wantErr)):
				t.Errorf("plan: got isError=%v %q, want an error containing %q", res.IsError, text(res), tt.wantErr)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "c-abc123def", want: "c-abc123def"},
		{in: "a b", want: "'a b'"},
		{in: "it's", want: `'it'\''s'`},
		{in: "$(rm -rf /)", want: "'$(rm -rf /)'"},
		{in: "x\u202ey", want: `'x\u202Ey'`},
		{in: "", want: "''"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCmdlineDashedPositional(t *testing.T) {
	b := newBed(t, bedOptions{})
	s := b.server(false)
	got := s.cmdline(cli{cmd: []string{"cluster", "rename"}, pos: []string{"c-abcdefgh12", "-rf"}})
	want := "emrctl cluster rename --profile sandbox --region cn-hangzhou -- c-abcdefgh12 -rf"
	if got != want {
		t.Errorf("cmdline: got %q, want %q", got, want)
	}
}
