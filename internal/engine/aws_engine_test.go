package engine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/spec"
)

// TestAWSEngine runs the engine's AWS paths against one moto server,
// reset before each subtest.
func TestAWSEngine(t *testing.T) {
	srv := startMoto(t)
	ctx := context.Background()

	t.Run("create, describe, wait, list", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)

		runs := b.entries("RunJobFlow")
		if len(runs) != 1 || runs[0].TokenKind != journal.TokenRequestTag || runs[0].Status != journal.StatusSucceeded {
			t.Fatalf("journal: got %+v, want one succeeded request-tag RunJobFlow", runs)
		}
		c, err := b.eng.GetCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(c.Tags, provider.Tag{Key: awsprov.RequestTagKey, Value: runs[0].Token}) {
			t.Errorf("tags: got %v, want %s=%s (the journal token)", c.Tags, awsprov.RequestTagKey, runs[0].Token)
		}

		v, err := b.eng.DescribeAWSCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.InstanceGroups) != 3 || v.Nodes != 5 || len(v.NodeGroups) != 3 {
			t.Errorf("view: got %d groups, %d node groups, %d nodes; want 3, 3, 5", len(v.InstanceGroups), len(v.NodeGroups), v.Nodes)
		}
		if diff := cmp.Diff([]awsprov.BootstrapAction{{Name: "deps", Path: "s3://emrctl-code/deps.sh"}}, v.BootstrapActions); diff != "" {
			t.Errorf("bootstrap actions (-want +got):\n%s", diff)
		}
		shared, err := b.eng.DescribeCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(shared.NodeGroups) != 3 || len(shared.Applications) != 2 || shared.NodeStates["RUNNING"] != 5 {
			t.Errorf("shared view: got %d groups, apps %v, states %v; want 3 groups, 2 apps, 5 RUNNING", len(shared.NodeGroups), shared.Applications, shared.NodeStates)
		}

		up, err := b.eng.WaitCluster(ctx, id, engine.WaitOptions{})
		if err != nil || up.State != "WAITING" {
			t.Errorf("wait: got %v, %v; want WAITING", up, err)
		}
		var listed []string
		f := provider.ClusterFilter{States: engine.StateAliases["active"]}
		if err := b.eng.ListClusters(ctx, f, 50, func(p []provider.Cluster) error {
			for _, c := range p {
				listed = append(listed, c.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{id}, listed); diff != "" {
			t.Errorf("--active on AWS lists WAITING clusters (-want +got):\n%s", diff)
		}

		again, err := b.eng.CreateCluster(ctx, callAs(policy.Script, &approver{}), engine.CreateClusterInput{Spec: loadAWSSpec(t, groupsSpec)})
		if err != nil {
			t.Fatal(err)
		}
		if !again.Outcome.Replayed || again.ClusterID != id {
			t.Errorf("same create again: got %+v, want a replay of %s", again.Outcome, id)
		}
		if got := b.clusterIDs(); len(got) != 1 {
			t.Errorf("clusters: got %v, want one", got)
		}
	})

	t.Run("a lost RunJobFlow response creates one cluster, found by tag", func(t *testing.T) {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		proxy := dropFirst(t, srv.URL, "ElasticMapReduce.RunJobFlow")
		b := newAWSBed(t, proxy.URL)
		call := callAs(policy.Script, &approver{})
		_, err := b.eng.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: loadAWSSpec(t, groupsSpec)})
		var unknown *engine.OutcomeUnknownError
		if !errors.As(err, &unknown) {
			t.Fatalf("first create: got %v, want an unknown outcome", err)
		}
		res, err := b.eng.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: loadAWSSpec(t, groupsSpec)})
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		ids := b.clusterIDs()
		if len(ids) != 1 {
			t.Fatalf("clusters after the retry: got %v, want exactly one", ids)
		}
		if !res.Outcome.Replayed || res.ClusterID != ids[0] {
			t.Errorf("retry: got %+v, want the cluster found by its tag and nothing sent", res.Outcome)
		}
		runs := b.entries("RunJobFlow")
		if len(runs) != 2 || runs[0].Token != runs[1].Token {
			t.Fatalf("journal: got %+v, want two attempts sharing one token", runs)
		}
		for _, e := range runs {
			if e.Status != journal.StatusSucceeded || !slices.Equal(e.ResultIDs, ids) {
				t.Errorf("journal entry %d: got %s %v, want succeeded with %v", e.ID, e.Status, e.ResultIDs, ids)
			}
		}
	})

	t.Run("termination is policy-gated and protection is its own step", func(t *testing.T) {
		b := motoBed(t, srv, func(o *engine.Options) {
			p := policy.Default()
			p.AllowClusterDeletion = true
			o.Policy = p
		})
		id := b.create(strings.Replace(groupsSpec, "  jobFlowRole: EMR_EC2_DefaultRole\n", "  jobFlowRole: EMR_EC2_DefaultRole\n  terminationProtected: true\n", 1))
		var pe *engine.PolicyError
		if _, err := b.eng.DeleteCluster(ctx, callAs(policy.Script, &approver{}), id); !errors.As(err, &pe) {
			t.Errorf("script terminating: got %v, want a policy refusal", err)
		}
		if _, err := b.eng.DeleteCluster(ctx, callAs(policy.Agent, &approver{}), id); !errors.As(err, &pe) {
			t.Errorf("agent terminating: got %v, want a policy refusal", err)
		}
		if _, err := b.eng.DeleteCluster(ctx, callAs(policy.Human, &approver{}), id); !errors.As(err, &pe) {
			t.Errorf("person terminating a protected cluster: got %v, want a policy refusal", err)
		}
		if _, err := b.eng.SetTerminationProtection(ctx, callAs(policy.Script, nil), engine.ProtectionInput{ClusterID: id, On: false}); !errors.Is(err, engine.ErrNotConfirmed) {
			t.Errorf("protection off unconfirmed: got %v, want not confirmed", err)
		}
		ok := &approver{}
		if _, err := b.eng.SetTerminationProtection(ctx, callAs(policy.Script, ok), engine.ProtectionInput{ClusterID: id, On: false}); err != nil {
			t.Fatal(err)
		}
		if len(ok.asked) != 1 {
			t.Errorf("protection off: got %d confirmations, want 1", len(ok.asked))
		}
		typed := &approver{}
		if _, err := b.eng.DeleteCluster(ctx, callAs(policy.Human, typed), id); err != nil {
			t.Fatal(err)
		}
		if len(typed.asked) != 1 || typed.asked[0].RequireTypedName != "etl" {
			t.Errorf("termination confirmation: got %+v, want the name typed back", typed.asked)
		}
		if c, _ := b.eng.GetCluster(ctx, id); c.State != "TERMINATED" {
			t.Errorf("state: got %s, want TERMINATED", c.State)
		}
	})

	t.Run("termination is refused by default", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		var pe *engine.PolicyError
		if _, err := b.eng.DeleteCluster(ctx, callAs(policy.Human, &approver{}), id); !errors.As(err, &pe) || pe.Limit != policy.RuleClusterDeletion {
			t.Errorf("got %v, want the refusal of cluster deletion", err)
		}
	})

	t.Run("steps", func(t *testing.T) {
		b := motoBed(t, srv, func(o *engine.Options) { o.OwnBuckets = []string{"emrctl-code"} })
		id := b.create(groupsSpec)
		res, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, spec.AWSStep{
			Name: "wc", Type: spec.StepPySpark, Script: "s3://emrctl-code/wc.py", Args: []string{"s3://in/a,b", "two words"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Command != "spark-submit s3://emrctl-code/wc.py s3://in/a,b 'two words'" {
			t.Errorf("equivalent command: got %q", res.Command)
		}
		st, err := b.eng.GetStep(ctx, id, res.StepID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"spark-submit", "s3://emrctl-code/wc.py", "s3://in/a,b", "two words"}, st.Args); diff != "" {
			t.Errorf("arguments are never split (-want +got):\n%s", diff)
		}
		if st.ActionOnFailure != "CONTINUE" {
			t.Errorf("action on failure: got %s, want CONTINUE by default", st.ActionOnFailure)
		}

		var pe *engine.PolicyError
		cmdStep := spec.AWSStep{Name: "cp", Type: spec.StepCommand, Command: "s3-dist-cp", Args: []string{"--src", "s3://a/"}}
		if _, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, cmdStep); !errors.As(err, &pe) {
			t.Errorf("command step from a script: got %v, want a refusal", err)
		}
		if _, err := b.eng.AddStep(ctx, callAs(policy.Human, nil), id, cmdStep); err != nil {
			t.Errorf("command step from a person: %v", err)
		}
		// The engine applies the agent rules itself, before the policy: the
		// foreign jar is an input error on its field.
		foreign := spec.AWSStep{Name: "x", Type: spec.StepSpark, Jar: "s3://someone-else/x.jar"}
		var ie *engine.InputError
		if _, err := b.eng.AddStep(ctx, callAs(policy.Agent, &approver{}), id, foreign); !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != "step.jar" {
			t.Errorf("agent step with foreign code: got %v, want a refusal on step.jar", err)
		}
		agentOK := &approver{}
		if _, err := b.eng.AddStep(ctx, callAs(policy.Agent, agentOK), id, spec.AWSStep{Name: "own", Type: spec.StepSpark, Jar: "s3://emrctl-code/x.jar", MainClass: "a.B"}); err != nil {
			t.Fatal(err)
		}
		if len(agentOK.asked) != 1 || !strings.Contains(agentOK.asked[0].Summary.Impact, "spark-submit --class a.B s3://emrctl-code/x.jar") {
			t.Errorf("agent step confirmation: got %+v, want the equivalent spark-submit shown", agentOK.asked)
		}
		if _, err := b.eng.AddStep(ctx, callAs(policy.Human, nil), id, spec.AWSStep{Name: "bad", Type: spec.StepSpark, Jar: "http://evil/x.jar", Args: []string{"a\x00"}}); !errors.As(err, &ie) || len(ie.Problems) != 2 {
			t.Errorf("bad step: got %v, want two input problems (code location, argument)", err)
		}

		pending, err := b.eng.ListSteps(ctx, id, []string{"pending"})
		if err != nil {
			t.Fatal(err)
		}
		all, err := b.eng.ListSteps(ctx, id, []string{"all"})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || len(pending) != 2 {
			t.Errorf("steps: got %d in all, %d pending; want 3 and 2", len(all), len(pending))
		}
		if _, err := b.eng.ListSteps(ctx, id, []string{"sleeping"}); !errors.As(err, &ie) {
			t.Errorf("unknown state name: got %v, want an input error", err)
		}

		cp, err := b.eng.CopyToCluster(ctx, callAs(policy.Human, nil), engine.CopyInput{ClusterID: id, Bucket: "emrctl-code", Key: "data/lookup.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if cp.Command != "aws s3 cp s3://emrctl-code/data/lookup.csv /home/hadoop/" {
			t.Errorf("copy: got %q", cp.Command)
		}
		if _, err := b.eng.CopyToCluster(ctx, callAs(policy.Script, nil), engine.CopyInput{ClusterID: id, Bucket: "emrctl-code", Key: "x"}); !errors.As(err, &pe) {
			t.Errorf("copy from a script: got %v, want a refusal (command steps are for people)", err)
		}
		run, err := b.eng.RunScript(ctx, callAs(policy.Script, nil), engine.RunInput{ClusterID: id, Bucket: "emrctl-code", Key: "jobs/etl.jar", MainClass: "com.x.Etl", Args: []string{"a b"}})
		if err != nil {
			t.Fatal(err)
		}
		if run.Command != "spark-submit --class com.x.Etl s3://emrctl-code/jobs/etl.jar 'a b'" {
			t.Errorf("run: got %q", run.Command)
		}
	})

	t.Run("step logs from the log URI", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		res, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, spec.AWSStep{Name: "wc", Type: spec.StepPySpark, Script: "s3://emrctl-code/wc.py"})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.p.CreateBucket(ctx, "emrctl-logs"); err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte("Traceback: boom\n"))
		zw.Close()
		if err := b.p.Put(ctx, "emrctl-logs", "emr/"+id+"/steps/"+res.StepID+"/stderr.gz", gz.Bytes()); err != nil {
			t.Fatal(err)
		}
		l, err := b.eng.StepLogs(ctx, id, res.StepID, "stderr")
		if err != nil {
			t.Fatal(err)
		}
		if l.Content != "Traceback: boom\n" || l.URI != "s3://emrctl-logs/emr/"+id+"/steps/"+res.StepID+"/stderr.gz" {
			t.Errorf("stderr: got %q from %s", l.Content, l.URI)
		}
		if _, err := b.eng.StepLogs(ctx, id, res.StepID, "stdout"); !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("stdout not uploaded yet: got %v, want not found", err)
		}
	})

	t.Run("instance groups and auto-scaling", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		v, err := b.eng.DescribeAWSCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		group := func(role string) awsprov.InstanceGroup {
			for _, g := range v.InstanceGroups {
				if g.Role == role {
					return g
				}
			}
			t.Fatalf("no %s group", role)
			return awsprov.InstanceGroup{}
		}
		task, core := group("TASK"), group("CORE")

		added, err := b.eng.AddInstanceGroup(ctx, callAs(policy.Script, &approver{}), id, awsprov.GroupSpec{Name: "more", Role: "task", InstanceType: "m5.large", Count: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(added.IDs) != 1 {
			t.Errorf("added group IDs: got %v, want the new group", added.IDs)
		}
		var ie *engine.InputError
		if _, err := b.eng.AddInstanceGroup(ctx, callAs(policy.Script, &approver{}), id, awsprov.GroupSpec{Role: "CORE", InstanceType: "m5.large", Count: 1}); !errors.As(err, &ie) {
			t.Errorf("adding a CORE group: got %v, want an input error", err)
		}

		var pe *engine.PolicyError
		for _, tc := range []struct {
			name    string
			in      engine.ResizeInput
			refused bool
			limit   string
		}{
			{name: "grow core", in: engine.ResizeInput{ClusterID: id, GroupID: core.ID, Count: 4}},
			{name: "grow past the per-call limit", in: engine.ResizeInput{ClusterID: id, GroupID: task.ID, Count: 60}, refused: true, limit: policy.LimitIncreaseMaxPerCall},
			{name: "shrink core", in: engine.ResizeInput{ClusterID: id, GroupID: core.ID, Count: 1, AckZero: true}, refused: true, limit: policy.RuleTaskOnlyScaleIn},
			{name: "shrink task to zero unacknowledged", in: engine.ResizeInput{ClusterID: id, GroupID: task.ID, Count: 0}, refused: true, limit: policy.RuleScaleToZero},
			{name: "shrink task", in: engine.ResizeInput{ClusterID: id, GroupID: task.ID, Count: 1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := b.eng.ResizeInstanceGroup(ctx, callAs(policy.Script, &approver{}), tc.in)
				if tc.refused {
					if !errors.As(err, &pe) || pe.Limit != tc.limit {
						t.Errorf("got %v, want a refusal by %s", err, tc.limit)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.To != tc.in.Count {
					t.Errorf("got %+v, want count %d", res, tc.in.Count)
				}
			})
		}
		groups, err := b.p.InstanceGroups(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if g.ID == task.ID && g.DesiredNodes != 1 || g.ID == core.ID && g.DesiredNodes != 4 {
				t.Errorf("group %s (%s): got %d requested", g.ID, g.Role, g.DesiredNodes)
			}
		}

		cool := 300
		pol := awsprov.AutoScalingPolicy{
			Constraints: awsprov.ScalingConstraints{MinCapacity: 1, MaxCapacity: 10},
			Rules: []awsprov.ScalingRule{{Name: "out",
				Action: awsprov.ScalingAction{SimpleScalingPolicyConfiguration: awsprov.SimpleScalingPolicyCfg{ScalingAdjustment: 2, CoolDown: &cool}},
				Trigger: awsprov.ScalingTrigger{CloudWatchAlarmDefinition: awsprov.AlarmDefinition{
					ComparisonOperator: "LESS_THAN", MetricName: "YARNMemoryAvailablePercentage", Period: 300, Threshold: 15, EvaluationPeriods: 1, Statistic: "AVERAGE"}},
			}},
		}
		noCool := pol
		noCool.Rules = []awsprov.ScalingRule{pol.Rules[0]}
		noCool.Rules[0].Action.SimpleScalingPolicyConfiguration.CoolDown = nil
		huge := pol
		huge.Constraints.MaxCapacity = 150
		for _, tc := range []struct {
			name  string
			group string
			pol   awsprov.AutoScalingPolicy
			limit string
		}{
			{name: "scale-out without cooldown", group: task.ID, pol: noCool, limit: policy.LimitScaleOutMinCooldown},
			{name: "max capacity above the limit", group: task.ID, pol: huge, limit: policy.LimitAutoScalingMaxCapacity},
			{name: "core group", group: core.ID, pol: pol, limit: policy.RuleAutoScalingTaskOnly},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := b.eng.PutInstanceGroupAutoScaling(ctx, callAs(policy.Script, &approver{}), id, tc.group, tc.pol); !errors.As(err, &pe) || pe.Limit != tc.limit {
					t.Errorf("got %v, want a refusal by %s", err, tc.limit)
				}
			})
		}
		bad := pol
		bad.Rules = nil
		if _, err := b.eng.PutInstanceGroupAutoScaling(ctx, callAs(policy.Script, &approver{}), id, task.ID, bad); !errors.As(err, &ie) {
			t.Errorf("policy without rules: got %v, want an input error", err)
		}

		first := &approver{}
		if _, err := b.eng.PutInstanceGroupAutoScaling(ctx, callAs(policy.Script, first), id, task.ID, pol); err != nil {
			t.Fatal(err)
		}
		if len(first.asked) != 1 || !strings.Contains(first.asked[0].Summary.Impact, "sets the first auto-scaling policy") {
			t.Errorf("first put: got %+v, want a confirmation of the first policy", first.asked)
		}
		next := pol
		next.Rules = []awsprov.ScalingRule{pol.Rules[0]}
		longer := 600
		next.Rules[0].Action.SimpleScalingPolicyConfiguration.CoolDown = &longer
		replace := &approver{}
		change, err := b.eng.PutInstanceGroupAutoScaling(ctx, callAs(policy.Script, replace), id, task.ID, next)
		if err != nil {
			t.Fatal(err)
		}
		if change.Previous == nil || len(replace.asked) != 1 || !strings.Contains(replace.asked[0].Summary.Impact, "CoolDown: 300 -> 600") {
			t.Errorf("replace: got previous %+v and %+v, want the current policy shown with the change", change.Previous, replace.asked)
		}
		got, err := b.eng.InstanceGroupAutoScaling(ctx, id, task.ID)
		if err != nil || got == nil || *got.Rules[0].Action.SimpleScalingPolicyConfiguration.CoolDown != 600 {
			t.Errorf("get: got %+v, %v; want the replaced policy", got, err)
		}
		if _, err := b.eng.RemoveInstanceGroupAutoScaling(ctx, callAs(policy.Script, &approver{}), id, task.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := b.eng.InstanceGroupAutoScaling(ctx, id, task.ID); got != nil {
			t.Errorf("after remove: got %+v, want none", got)
		}
		// Re-running the same removal is answered from the journal; a new
		// removal (another idempotency key) finds no policy and is refused.
		again := callAs(policy.Script, &approver{})
		again.IdempotencyKey = "again"
		if _, err := b.eng.RemoveInstanceGroupAutoScaling(ctx, again, id, task.ID); !errors.As(err, &pe) || pe.Limit != policy.RuleNoPolicy {
			t.Errorf("removing no policy: got %v, want a refusal", err)
		}
	})

	t.Run("instances by cloudmesh names", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		for _, tc := range []struct {
			name string
			f    engine.AWSInstanceFilter
			want int
		}{
			{name: "all", f: engine.AWSInstanceFilter{Roles: []string{"all"}}, want: 5},
			{name: "core and task running", f: engine.AWSInstanceFilter{Roles: []string{"core", "task"}, States: []string{"run"}}, want: 4},
			{name: "master", f: engine.AWSInstanceFilter{Roles: []string{"MASTER"}}, want: 1},
			{name: "down", f: engine.AWSInstanceFilter{States: []string{"down"}}, want: 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				nodes, err := b.eng.AWSInstances(ctx, id, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if len(nodes) != tc.want {
					t.Errorf("got %d instances, want %d", len(nodes), tc.want)
				}
			})
		}
	})

	t.Run("serverless", func(t *testing.T) {
		b := motoBed(t, srv, func(o *engine.Options) { o.OwnBuckets = []string{"emrctl-code"} })
		app := awsprov.ApplicationSpec{Name: "etl", Type: "spark", ReleaseLabel: "emr-7.2.0", MaximumCapacity: &awsprov.Capacity{CPU: "100 vCPU", Memory: "400 GB"}}
		asked := &approver{}
		created, err := b.eng.CreateServerlessApp(ctx, callAs(policy.Script, asked), app)
		if err != nil {
			t.Fatal(err)
		}
		if len(asked.asked) != 1 {
			t.Errorf("create: got %d confirmations, want 1", len(asked.asked))
		}
		again, err := b.eng.CreateServerlessApp(ctx, callAs(policy.Script, &approver{}), app)
		if err != nil || !again.Outcome.Replayed || again.ID != created.ID {
			t.Errorf("same create again: got %+v, %v; want a replay", again, err)
		}
		apps, err := b.eng.ListServerlessApps(ctx, nil)
		if err != nil || len(apps) != 1 {
			t.Errorf("applications: got %v, %v; want one", apps, err)
		}
		creates := b.entries("CreateApplication")
		if len(creates) != 2 || creates[0].TokenKind != journal.TokenClient || creates[0].Token != creates[1].Token {
			t.Errorf("journal: got %+v, want two attempts with one client token", creates)
		}

		job := awsprov.JobRunSpec{ApplicationID: created.ID, ExecutionRoleARN: "arn:aws:iam::123456789012:role/Job", EntryPoint: "s3://emrctl-code/wc.py", Args: []string{"a,b"}}
		agent := &approver{}
		run, err := b.eng.StartServerlessJob(ctx, callAs(policy.Agent, agent), job)
		if err != nil {
			t.Fatal(err)
		}
		if len(agent.asked) != 1 || !strings.Contains(agent.asked[0].Summary.Impact, "spark-submit s3://emrctl-code/wc.py a,b") {
			t.Errorf("agent job: got %+v, want the equivalent spark-submit confirmed", agent.asked)
		}
		done, err := b.eng.WaitServerlessJob(ctx, created.ID, run.ID, engine.WaitOptions{})
		if err != nil || done.State != awsprov.RunSuccess {
			t.Errorf("wait: got %+v, %v; want SUCCESS", done, err)
		}
		var ie *engine.InputError
		badJob := job
		badJob.ExecutionRoleARN, badJob.EntryPoint = "admin", "ftp://x/y.py"
		if _, err := b.eng.StartServerlessJob(ctx, callAs(policy.Script, nil), badJob); !errors.As(err, &ie) || len(ie.Problems) != 2 {
			t.Errorf("bad job: got %v, want two input problems", err)
		}
		if _, err := b.eng.CancelServerlessJob(ctx, callAs(policy.Script, nil), created.ID, run.ID); !errors.Is(err, engine.ErrNotConfirmed) {
			t.Errorf("cancel unconfirmed: got %v, want not confirmed", err)
		}
		if _, err := b.eng.CancelServerlessJob(ctx, callAs(policy.Script, &approver{}), created.ID, run.ID); err != nil {
			t.Fatal(err)
		}
		if runs, err := b.eng.ListServerlessJobs(ctx, created.ID, []string{"cancelled"}); err != nil || len(runs) != 1 {
			t.Errorf("cancelled runs: got %v, %v; want one", runs, err)
		}
		if _, err := b.eng.StopServerlessApp(ctx, callAs(policy.Script, nil), created.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := b.eng.UpdateServerlessApp(ctx, callAs(policy.Script, nil), created.ID, awsprov.ApplicationSpec{AutoStopIdleMinutes: 30}); err != nil {
			t.Fatal(err)
		}
		var pe *engine.PolicyError
		if _, err := b.eng.DeleteServerlessApp(ctx, callAs(policy.Human, &approver{}), created.ID); !errors.As(err, &pe) {
			t.Errorf("delete: got %v, want the default refusal", err)
		}
	})

	t.Run("upload and quick start", func(t *testing.T) {
		b := motoBed(t, srv)
		if err := b.p.CreateBucket(ctx, "emrctl-code"); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "job.py")
		if err := os.WriteFile(path, []byte("print(1)\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		up, err := b.eng.UploadObject(ctx, callAs(policy.Script, nil), engine.UploadInput{Path: path, Bucket: "emrctl-code", Key: "jobs/job.py", Size: 9})
		if err != nil {
			t.Fatal(err)
		}
		if up.URI != "s3://emrctl-code/jobs/job.py" || up.Object.Size != 9 {
			t.Errorf("upload: got %+v", up)
		}
		if got, err := b.p.Read(ctx, "emrctl-code", "jobs/job.py", 100); err != nil || string(got) != "print(1)\n" {
			t.Errorf("object: got %q, %v", got, err)
		}
		var ie *engine.InputError
		if _, err := b.eng.UploadObject(ctx, callAs(policy.Script, nil), engine.UploadInput{Path: path, Bucket: "Bad_Bucket", Key: "/abs"}); !errors.As(err, &ie) {
			t.Errorf("bad bucket: got %v, want an input error", err)
		}

		s := b.eng.QuickStartSpec(engine.QuickStart{Name: "analysis", Count: 4})
		res, err := b.eng.CreateCluster(ctx, callAs(policy.Script, &approver{}), engine.CreateClusterInput{Spec: s})
		if err != nil {
			t.Fatal(err)
		}
		v, err := b.eng.DescribeAWSCluster(ctx, res.ClusterID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Cluster.ReleaseVersion != engine.DefaultAWSRelease || v.Nodes != 4 || len(v.InstanceGroups) != 2 {
			t.Errorf("quick start: got release %s, %d instances in %d groups; want %s, 4 in 2", v.Cluster.ReleaseVersion, v.Nodes, len(v.InstanceGroups), engine.DefaultAWSRelease)
		}
	})
}

func TestResolveNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []string
		table map[string][]string
		want  []string
		bad   bool
	}{
		{name: "union", in: []string{"start", "boot"}, table: engine.AWSClusterStatusNames(), want: []string{"STARTING", "BOOTSTRAPPING"}},
		{name: "comma list and EMR names", in: []string{"run,WAITING"}, table: engine.AWSClusterStatusNames(), want: []string{"RUNNING", "WAITING"}},
		{name: "all wins", in: []string{"error", "all"}, table: engine.AWSClusterStatusNames(), want: nil},
		{name: "none", in: nil, table: engine.AWSClusterStatusNames(), want: nil},
		{name: "instances", in: []string{"start", "provision", "run", "down"}, table: engine.AWSInstanceStatusNames(), want: []string{"AWAITING_FULFILLMENT", "PROVISIONING", "RUNNING", "TERMINATED"}},
		{name: "steps", in: []string{"canceling", "interrupted"}, table: engine.AWSStepStatusNames(), want: []string{"CANCEL_PENDING", "INTERRUPTED"}},
		{name: "types", in: []string{"Master", "task"}, table: engine.AWSInstanceTypeNames(), want: []string{"MASTER", "TASK"}},
		{name: "unknown", in: []string{"asleep"}, table: engine.AWSClusterStatusNames(), bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := engine.ResolveNames("status", tc.in, tc.table)
			var ie *engine.InputError
			if tc.bad != errors.As(err, &ie) {
				t.Fatalf("got error %v, want an input error: %v", err, tc.bad)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
