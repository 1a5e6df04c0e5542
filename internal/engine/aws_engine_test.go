package engine_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
		if !slices.Contains(c.Tags, provider.Tag{Key: provider.RequestTagKey, Value: runs[0].Token}) {
			t.Errorf("tags: got %v, want %s=%s (the journal token)", c.Tags, provider.RequestTagKey, runs[0].Token)
		}

		v, err := b.eng.DescribeAWSCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.InstanceGroups) != 3 || v.Nodes != 5 || len(v.NodeGroups) != 3 {
			t.Errorf("view: got %d groups, %d node groups, %d nodes; want 3, 3, 5", len(v.InstanceGroups), len(v.NodeGroups), v.Nodes)
		}
		if diff := cmp.Diff([]provider.BootstrapAction{{Name: "deps", Path: "s3://emrctl-code/deps.sh"}}, v.BootstrapActions); diff != "" {
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
		// moto's clusters are WAITING at once: the shared names that mean
		// "up" list it, RUNNING (and cloudmesh's "run") do not.
		for _, tc := range []struct {
			name   string
			filter func() (provider.ClusterFilter, error)
			want   []string
		}{
			{name: "--active", filter: sharedNames(b.eng, "active"), want: []string{id}},
			{name: "--running", filter: sharedNames(b.eng, "running"), want: []string{id}},
			{name: "cloudmesh run", filter: func() (provider.ClusterFilter, error) { return engine.AWSClusterFilter([]string{"run"}) }, want: nil},
			{name: "RUNNING", filter: func() (provider.ClusterFilter, error) { return engine.AWSClusterFilter([]string{"RUNNING"}) }, want: nil},
			{name: "cloudmesh wait", filter: func() (provider.ClusterFilter, error) { return engine.AWSClusterFilter([]string{"wait"}) }, want: []string{id}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f, err := tc.filter()
				if err != nil {
					t.Fatal(err)
				}
				var listed []string
				if err := b.eng.ListClusters(ctx, f, 50, func(p []provider.Cluster) error {
					for _, c := range p {
						listed = append(listed, c.ID)
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, listed); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}

		again, err := b.eng.CreateCluster(ctx, callAs(policy.Script, &approver{}), engine.CreateClusterInput{Spec: loadAWSSpec(t, groupsSpec)})
		if err != nil {
			t.Fatal(err)
		}
		if again.Outcome.Status != engine.StatusExists || again.ClusterID != id {
			t.Errorf("same create again: got %+v, want %s found and nothing sent", again.Outcome, id)
		}
		if got := b.clusterIDs(); len(got) != 1 {
			t.Errorf("clusters: got %v, want one", got)
		}
	})

	t.Run("the plan shows the request and checks release and instance types", func(t *testing.T) {
		b := motoBed(t, srv)
		for _, tc := range []struct {
			name, from, to string
			problem        string
		}{
			{name: "valid", from: "", to: ""},
			{name: "unknown release", from: "emr-7.2.0", to: "emr-9.9.9", problem: "releaseVersion"},
			{name: "unknown instance type", from: "{name: core, role: CORE, count: 2, instanceTypes: [m5.xlarge]}", to: "{name: core, role: CORE, count: 2, instanceTypes: [m5.nonsense]}", problem: "nodeGroups[1].instanceTypes[0]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				plan, err := b.eng.PlanCluster(ctx, policy.Actor{Kind: policy.Script, Name: "tester"}, loadAWSSpec(t, strings.Replace(groupsSpec, tc.from, tc.to, 1)), nil)
				if err != nil {
					t.Fatal(err)
				}
				if plan.API != "RunJobFlow" || plan.Request == nil {
					t.Errorf("request: got %s %v, want the RunJobFlow request", plan.API, plan.Request)
				}
				var errs []string
				for _, p := range plan.Problems {
					if !p.Warning {
						errs = append(errs, p.Field)
					}
				}
				want := []string(nil)
				if tc.problem != "" {
					want = []string{tc.problem}
				}
				if diff := cmp.Diff(want, errs); diff != "" || plan.Ready != (tc.problem == "") {
					t.Errorf("ready %v, problems (-want +got):\n%s", plan.Ready, diff)
				}
			})
		}
	})

	t.Run("CORE nodes on spot are warned about and confirmed", func(t *testing.T) {
		b := motoBed(t, srv)
		coreSpot := strings.Replace(groupsSpec, "{name: core, role: CORE, count: 2, instanceTypes: [m5.xlarge]}",
			"{name: core, role: CORE, count: 2, instanceTypes: [m5.xlarge], spot: {strategy: SpotAsPriceGo}}", 1)
		plan, err := b.eng.PlanCluster(ctx, policy.Actor{Kind: policy.Script, Name: "tester"}, loadAWSSpec(t, coreSpot), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(plan.Problems, func(p engine.FieldProblem) bool { return p.Warning && p.Field == "nodeGroups[1].spot.strategy" }) {
			t.Errorf("plan: got %+v, want a warning on the CORE group's spot strategy", plan.Problems)
		}
		if _, err := b.eng.CreateCluster(ctx, engine.Call{Actor: policy.Actor{Kind: policy.Human, Name: "ana"}}, engine.CreateClusterInput{Spec: loadAWSSpec(t, coreSpot)}); !errors.Is(err, engine.ErrNotConfirmed) {
			t.Errorf("create without anyone to ask: got %v, want not confirmed", err)
		}
		asked := &approver{}
		if _, err := b.eng.CreateCluster(ctx, callAs(policy.Script, asked), engine.CreateClusterInput{Spec: loadAWSSpec(t, coreSpot)}); err != nil {
			t.Fatal(err)
		}
		if len(asked.asked) != 1 || !slices.ContainsFunc(asked.asked[0].Reasons, func(r string) bool { return strings.Contains(r, "HDFS") }) {
			t.Errorf("confirmation: got %+v, want the CORE spot reason", asked.asked)
		}
		if impact := asked.asked[0].Summary.Impact.String(); strings.Contains(impact, "billed") || !strings.Contains(impact, `CORE "core" x2 (spot)`) {
			t.Errorf("impact %q: want the spot CORE group named and no billing method AWS does not have", impact)
		}
		fleets := `apiVersion: emrctl.io/v1alpha1
kind: Cluster
name: fleets
provider: aws
region: us-east-1
releaseVersion: emr-7.2.0
applications: [Spark]
aws:
  serviceRole: EMR_DefaultRole
  jobFlowRole: EMR_EC2_DefaultRole
  instanceFleets:
    - {name: master, role: MASTER, targetOnDemandCapacity: 1, instanceTypeConfigs: [{instanceType: m5.xlarge}]}
    - {name: core, role: CORE, targetOnDemandCapacity: 1, targetSpotCapacity: 2, instanceTypeConfigs: [{instanceType: m5.xlarge}]}
`
		plan, err = b.eng.PlanCluster(ctx, policy.Actor{Kind: policy.Script, Name: "tester"}, loadAWSSpec(t, fleets), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(plan.Problems, func(p engine.FieldProblem) bool {
			return p.Warning && p.Field == "aws.instanceFleets[1].targetSpotCapacity"
		}) {
			t.Errorf("plan of a CORE fleet with spot capacity: got %+v, want a warning", plan.Problems)
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
		if res.Outcome.Status != engine.StatusReconciled || res.ClusterID != ids[0] {
			t.Errorf("retry: got %+v, want the cluster found by its tag and nothing sent", res.Outcome)
		}
		runs := b.entries("RunJobFlow")
		if len(runs) != 1 || runs[0].Status != journal.StatusSucceeded || !slices.Equal(runs[0].ResultIDs, ids) {
			t.Errorf("journal: got %+v, want the one attempt settled as succeeded with %v", runs, ids)
		}
	})

	t.Run("termination is policy-gated and protection is its own step", func(t *testing.T) {
		b := motoBed(t, srv, func(o *engine.Options) {
			p := policy.Default()
			p.AllowClusterDeletion = true
			o.Policy = p
		})
		id := b.create(strings.Replace(groupsSpec, "  jobFlowRole: EMR_EC2_DefaultRole\n", "  jobFlowRole: EMR_EC2_DefaultRole\n  terminationProtected: true\n", 1))
		if c, err := b.eng.GetCluster(ctx, id); err != nil || !c.DeletionProtection {
			t.Fatalf("cluster get: got %+v, %v; want deletion protection on (termination protection)", c, err)
		}
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
		off, on := false, true
		protection := func(v *bool) engine.AttributesInput {
			return engine.AttributesInput{ClusterID: id, DeletionProtection: v}
		}
		if out, err := b.eng.UpdateAttributes(ctx, callAs(policy.Script, &approver{}), protection(&on)); err != nil || out.Status != engine.StatusUnchanged {
			t.Errorf("protection on again: got %+v, %v; want unchanged, nothing sent", out, err)
		}
		var ie *engine.InputError
		if _, err := b.eng.UpdateAttributes(ctx, callAs(policy.Human, &approver{}), engine.AttributesInput{ClusterID: id, Name: "renamed"}); !errors.As(err, &ie) {
			t.Errorf("rename on AWS: got %v, want an input error (EMR cannot rename)", err)
		}
		if _, err := b.eng.UpdateAttributes(ctx, callAs(policy.Script, nil), protection(&off)); !errors.Is(err, engine.ErrNotConfirmed) {
			t.Errorf("protection off unconfirmed: got %v, want not confirmed", err)
		}
		ok := &approver{}
		if out, err := b.eng.UpdateAttributes(ctx, callAs(policy.Script, ok), protection(&off)); err != nil || out.Status != engine.StatusSent {
			t.Fatalf("protection off: got %+v, %v; want it sent", out, err)
		}
		if len(ok.asked) != 1 || ok.asked[0].Summary.API != "UpdateClusterAttribute" {
			t.Errorf("protection off: got %+v, want 1 confirmation", ok.asked)
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
		if strings.Contains(pe.Error(), "Skill") || !strings.Contains(pe.Error(), "emrctl does not terminate") {
			t.Errorf("refusal %q: want emrctl speaking", pe.Error())
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
		if len(agentOK.asked) != 1 || !strings.Contains(agentOK.asked[0].Summary.Impact.String(), "spark-submit --class a.B s3://emrctl-code/x.jar") {
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

		// The same step again is another step: AddJobFlowSteps is additive.
		if _, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, spec.AWSStep{
			Name: "wc", Type: spec.StepPySpark, Script: "s3://emrctl-code/wc.py", Args: []string{"s3://in/a,b", "two words"},
		}); err != nil {
			t.Fatal(err)
		}
		if all, _ := b.eng.ListSteps(ctx, id, nil); len(all) != 4 {
			t.Errorf("steps after the same step again: got %d, want 4", len(all))
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

	t.Run("a terminated cluster takes no steps", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		if _, err := b.p.TerminateCluster(ctx, id); err != nil {
			t.Fatal(err)
		}
		before, err := b.eng.ListSteps(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ie *engine.InputError
		_, err = b.eng.AddStep(ctx, callAs(policy.Human, &approver{}), id, spec.AWSStep{Name: "late", Type: spec.StepPySpark, Script: "s3://emrctl-code/wc.py"})
		if !errors.As(err, &ie) || ie.Problems[0].Field != "clusterId" || !strings.Contains(ie.Problems[0].Problem, "TERMINATED") {
			t.Errorf("got %v, want an input error naming the cluster's state", err)
		}
		if after, _ := b.eng.ListSteps(ctx, id, nil); len(after) != len(before) {
			t.Errorf("steps: got %d, want %d (nothing sent)", len(after), len(before))
		}
		if n := len(b.entries("AddJobFlowSteps")); n != 0 {
			t.Errorf("journal: got %d AddJobFlowSteps, want none", n)
		}
	})

	t.Run("a lost AddJobFlowSteps response adds one step", func(t *testing.T) {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		proxy := dropFirst(t, srv.URL, "ElasticMapReduce.AddJobFlowSteps")
		b := newAWSBed(t, proxy.URL)
		id := b.create(groupsSpec)
		step := spec.AWSStep{Name: "wc", Type: spec.StepPySpark, Script: "s3://emrctl-code/wc.py", Args: []string{"a"}}
		var unknown *engine.OutcomeUnknownError
		if _, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, step); !errors.As(err, &unknown) {
			t.Fatalf("first add: got %v, want an unknown outcome", err)
		}
		res, err := b.eng.AddStep(ctx, callAs(policy.Script, nil), id, step)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := b.eng.ListSteps(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 1 || res.Outcome.Status != engine.StatusReconciled || res.StepID != steps[0].ID {
			t.Errorf("got %d steps and %+v, want the one step found and nothing sent again", len(steps), res)
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

	t.Run("instance groups and auto-scaling on the neutral writes", func(t *testing.T) {
		b := motoBed(t, srv)
		id := b.create(groupsSpec)
		v, err := b.eng.DescribeAWSCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		group := func(role string) engine.InstanceGroupView {
			for _, g := range v.InstanceGroups {
				if g.Role == role {
					return g
				}
			}
			t.Fatalf("no %s group", role)
			return engine.InstanceGroupView{}
		}
		task, core := group("TASK"), group("CORE")

		two, one := 2, 1
		added, err := b.eng.CreateNodeGroup(ctx, callAs(policy.Script, &approver{}), engine.NodeGroupInput{ClusterID: id,
			Group: spec.NodeGroup{Name: "more", Role: spec.RoleTask, Count: &two, InstanceTypes: []string{"m5.large"}, Spot: &spec.Spot{Strategy: spec.SpotAsPriceGo}}})
		if err != nil {
			t.Fatal(err)
		}
		if g, err := b.eng.GetNodeGroup(ctx, id, added.NodeGroupID); err != nil || g.Name != "more" || g.Market != "SPOT" || g.DesiredNodes != 2 {
			t.Errorf("added group: got %+v, %v; want more, SPOT, 2", g, err)
		}
		var ie *engine.InputError
		if _, err := b.eng.CreateNodeGroup(ctx, callAs(policy.Script, &approver{}), engine.NodeGroupInput{ClusterID: id,
			Group: spec.NodeGroup{Name: "core2", Role: spec.RoleCore, Count: &one, InstanceTypes: []string{"m5.large"}}}); !errors.As(err, &ie) {
			t.Errorf("adding a CORE group: got %v, want an input error", err)
		}

		var pe *engine.PolicyError
		for _, tc := range []struct {
			name    string
			in      engine.ResizeInput
			status  string
			refused bool
			limit   string
		}{
			{name: "grow core", in: engine.ResizeInput{ClusterID: id, NodeGroupID: core.ID, Count: 4}, status: engine.StatusSent},
			{name: "grow core to the same size", in: engine.ResizeInput{ClusterID: id, NodeGroupID: core.ID, Count: 4}, status: engine.StatusUnchanged},
			{name: "grow past the per-call limit", in: engine.ResizeInput{ClusterID: id, NodeGroupID: task.ID, Count: 60}, refused: true, limit: policy.LimitIncreaseMaxPerCall},
			{name: "shrink core", in: engine.ResizeInput{ClusterID: id, NodeGroupID: core.ID, Count: 3}, refused: true, limit: policy.RuleTaskOnlyScaleIn},
			{name: "shrink task to zero unacknowledged", in: engine.ResizeInput{ClusterID: id, NodeGroupID: task.ID, Count: 0}, refused: true, limit: policy.RuleScaleToZero},
			{name: "shrink task", in: engine.ResizeInput{ClusterID: id, NodeGroupID: task.ID, Count: 1}, status: engine.StatusSent},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := b.eng.ResizeNodeGroup(ctx, callAs(policy.Script, &approver{}), tc.in)
				if tc.refused {
					if !errors.As(err, &pe) || pe.Limit != tc.limit {
						t.Errorf("got %v, want a refusal by %s", err, tc.limit)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Outcome.Status != tc.status {
					t.Errorf("got %+v, want %s", res.Outcome, tc.status)
				}
			})
		}
		for _, want := range []struct {
			id    string
			count int
		}{{task.ID, 1}, {core.ID, 4}} {
			if g, err := b.eng.GetNodeGroup(ctx, id, want.id); err != nil || g.DesiredNodes != want.count {
				t.Errorf("group %s: got %+v, %v; want %d requested", want.id, g, err, want.count)
			}
		}

		policyJSON := func(maxCap int, cooldown string) provider.ScalingPolicy {
			t.Helper()
			raw := `{"Constraints": {"MinCapacity": 1, "MaxCapacity": ` + fmt.Sprint(maxCap) + `},
			  "Rules": [{"Name": "out", "Action": {"SimpleScalingPolicyConfiguration": {"ScalingAdjustment": 2` + cooldown + `}},
			    "Trigger": {"CloudWatchAlarmDefinition": {"ComparisonOperator": "LESS_THAN", "MetricName": "YARNMemoryAvailablePercentage", "Period": 300, "Threshold": 15}}}]}`
			sp, err := awsprov.ParseAutoScalingPolicy([]byte(raw), id, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			return sp
		}
		pol := policyJSON(10, `, "CoolDown": 300`)
		onCore := pol
		onCore.NodeGroupID = core.ID
		for _, tc := range []struct {
			name  string
			pol   provider.ScalingPolicy
			limit string
		}{
			{name: "scale-out without cooldown", pol: policyJSON(10, ""), limit: policy.LimitScaleOutMinCooldown},
			{name: "max capacity above the limit", pol: policyJSON(150, `, "CoolDown": 300`), limit: policy.LimitAutoScalingMaxCapacity},
			{name: "core group", pol: onCore, limit: policy.RuleAutoScalingTaskOnly},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, _, err := b.eng.PutAutoScalingPolicy(ctx, callAs(policy.Script, &approver{}), tc.pol); !errors.As(err, &pe) || pe.Limit != tc.limit {
					t.Errorf("got %v, want a refusal by %s", err, tc.limit)
				}
			})
		}
		bad := pol
		bad.Rules = nil
		if _, _, err := b.eng.PutAutoScalingPolicy(ctx, callAs(policy.Script, &approver{}), bad); !errors.As(err, &ie) {
			t.Errorf("policy without rules: got %v, want an input error", err)
		}

		first := &approver{}
		if _, out, err := b.eng.PutAutoScalingPolicy(ctx, callAs(policy.Script, first), pol); err != nil || out.Status != engine.StatusSent {
			t.Fatalf("first put: got %+v, %v", out, err)
		}
		if len(first.asked) != 1 || !strings.Contains(first.asked[0].Summary.Impact.String(), "sets the first auto-scaling policy") {
			t.Errorf("first put: got %+v, want a confirmation of the first policy", first.asked)
		}
		same := &approver{}
		if _, out, err := b.eng.PutAutoScalingPolicy(ctx, callAs(policy.Script, same), pol); err != nil || out.Status != engine.StatusUnchanged || len(same.asked) != 0 {
			t.Errorf("the same policy again: got %+v, %v after %d confirmations; want unchanged, nothing asked or sent", out, err, len(same.asked))
		}
		replace := &approver{}
		change, _, err := b.eng.PutAutoScalingPolicy(ctx, callAs(policy.Script, replace), policyJSON(10, `, "CoolDown": 600`))
		if err != nil {
			t.Fatal(err)
		}
		if change.Current == nil || len(replace.asked) != 1 || !strings.Contains(replace.asked[0].Summary.Impact.String(), "cooldown 600s") {
			t.Errorf("replace: got current %+v and %+v, want the current policy shown with the change", change.Current, replace.asked)
		}
		got, err := b.eng.GetScalingPolicy(ctx, id, task.ID)
		if err != nil || !got.Exists || got.Rules[0].Metrics.CoolDownSeconds != 600 {
			t.Errorf("get: got %+v, %v; want the replaced policy", got, err)
		}
		if _, out, err := b.eng.RemoveAutoScalingPolicy(ctx, callAs(policy.Script, &approver{}), id, task.ID); err != nil || out.Status != engine.StatusSent {
			t.Fatalf("remove: got %+v, %v", out, err)
		}
		if got, _ := b.eng.GetScalingPolicy(ctx, id, task.ID); got.Exists {
			t.Errorf("after remove: got %+v, want none", got)
		}
		if _, out, err := b.eng.RemoveAutoScalingPolicy(ctx, callAs(policy.Script, &approver{}), id, task.ID); err != nil || out.Status != engine.StatusUnchanged {
			t.Errorf("removing no policy: got %+v, %v; want unchanged, nothing sent", out, err)
		}
	})

	t.Run("the scale-in interval holds across separate calls", func(t *testing.T) {
		// The AWS path runs the same scale-in code as Alibaba's. Sandbox
		// timing (an interval 600 times shorter) keeps the test quick.
		const scale = 600
		b := motoBed(t, srv, func(o *engine.Options) { o.Sandbox, o.TimeScale = true, scale })
		id := b.create(groupsSpec)
		v, err := b.eng.DescribeAWSCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var task string
		for _, g := range v.InstanceGroups {
			if g.Role == "TASK" {
				task = g.ID
			}
		}
		if _, err := b.eng.ResizeNodeGroup(ctx, callAs(policy.Script, &approver{}), engine.ResizeInput{ClusterID: id, NodeGroupID: task, Count: 4}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := b.eng.ScaleIn(ctx, callAs(policy.Script, &approver{}), engine.ScaleInInput{ClusterID: id, NodeGroupID: task, Count: 1}); err != nil {
				t.Fatal(err)
			}
		}
		es := b.entries("DecreaseNodes")
		if len(es) != 2 {
			t.Fatalf("releases: %d, want 2", len(es))
		}
		// Newest first; the second waited from the answer to the first.
		gap := es[0].Time.Sub(*es[1].FinishedAt)
		if min := 120 * time.Second / scale; gap < min {
			t.Errorf("the second release came %s after the first, want at least %s", gap, min)
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
		app := provider.ServerlessAppSpec{Name: "etl", Type: "spark", ReleaseLabel: "emr-7.2.0", MaximumCapacity: &provider.Capacity{CPU: "100 vCPU", Memory: "400 GB"}}
		asked := &approver{}
		created, err := b.eng.CreateServerlessApp(ctx, callAs(policy.Script, asked), app)
		if err != nil {
			t.Fatal(err)
		}
		if len(asked.asked) != 1 || strings.Contains(asked.asked[0].Summary.Impact.String(), "billed") {
			t.Errorf("create: got %+v, want 1 confirmation naming no billing method", asked.asked)
		}
		apps, err := b.eng.ListServerlessApps(ctx, nil)
		if err != nil || len(apps) != 1 {
			t.Errorf("applications: got %v, %v; want one", apps, err)
		}
		if creates := b.entries("CreateApplication"); len(creates) != 1 || creates[0].TokenKind != journal.TokenClient {
			t.Errorf("journal: got %+v, want one attempt with a client token", creates)
		}

		job := provider.JobRunSpec{ApplicationID: created.ID, ExecutionRoleARN: "arn:aws:iam::123456789012:role/Job", EntryPoint: "s3://emrctl-code/wc.py", Args: []string{"a,b"}}
		agent := &approver{}
		run, err := b.eng.StartServerlessJob(ctx, callAs(policy.Agent, agent), job)
		if err != nil {
			t.Fatal(err)
		}
		if len(agent.asked) != 1 || !strings.Contains(agent.asked[0].Summary.Impact.String(), "spark-submit s3://emrctl-code/wc.py a,b") {
			t.Errorf("agent job: got %+v, want the equivalent spark-submit confirmed", agent.asked)
		}
		done, err := b.eng.WaitServerlessJob(ctx, created.ID, run.ID, engine.WaitOptions{})
		if err != nil || done.State != provider.RunSuccess {
			t.Errorf("wait: got %+v, %v; want SUCCESS", done, err)
		}
		var ie *engine.InputError
		badJob := job
		badJob.ExecutionRoleARN, badJob.EntryPoint = "admin", "ftp://x/y.py"
		if _, err := b.eng.StartServerlessJob(ctx, callAs(policy.Script, nil), badJob); !errors.As(err, &ie) || len(ie.Problems) != 2 {
			t.Errorf("bad job: got %v, want two input problems", err)
		}
		// A finished run is not cancelled: refused before anything is
		// sent or asked, and it stays SUCCESS.
		cancel := &approver{}
		if _, err := b.eng.CancelServerlessJob(ctx, callAs(policy.Script, cancel), created.ID, run.ID); !errors.As(err, &ie) || ie.Problems[0].Field != "jobRunId" {
			t.Errorf("cancel a finished run: got %v, want an input error on jobRunId", err)
		}
		if r, _ := b.eng.GetServerlessJob(ctx, created.ID, run.ID); r.State != provider.RunSuccess || len(cancel.asked) != 0 || len(b.entries("CancelJobRun")) != 0 {
			t.Errorf("after the refused cancel: state %s, %d confirmations, journal %v; want SUCCESS, none, none", r.State, len(cancel.asked), b.entries("CancelJobRun"))
		}

		// start/stop are declarative: start, stop, start, stop ends
		// stopped, and only the changes are sent. (The job run started
		// the application: stop it first.)
		if _, err := b.eng.StopServerlessApp(ctx, callAs(policy.Script, nil), created.ID); err != nil {
			t.Fatal(err)
		}
		starts, stops := len(b.entries("StartApplication")), len(b.entries("StopApplication"))
		for i, step := range []struct {
			op, status string
		}{{"start", engine.StatusSent}, {"start", engine.StatusUnchanged}, {"stop", engine.StatusSent}, {"stop", engine.StatusUnchanged}, {"start", engine.StatusSent}, {"stop", engine.StatusSent}} {
			do := b.eng.StartServerlessApp
			if step.op == "stop" {
				do = b.eng.StopServerlessApp
			}
			res, err := do(ctx, callAs(policy.Script, nil), created.ID)
			if err != nil || res.Outcome.Status != step.status {
				t.Errorf("step %d, %s: got %+v, %v; want %s", i, step.op, res, err, step.status)
			}
		}
		if a, _ := b.eng.GetServerlessApp(ctx, created.ID); a.State != provider.AppStopped {
			t.Errorf("after start, stop, start, stop: got %s, want STOPPED", a.State)
		}
		if n, m := len(b.entries("StartApplication"))-starts, len(b.entries("StopApplication"))-stops; n != 2 || m != 2 {
			t.Errorf("journal: got %d starts and %d stops sent, want 2 and 2", n, m)
		}

		off, on := false, true
		for i, tc := range []struct {
			spec   provider.ServerlessAppSpec
			status string
			auto   bool
		}{
			{spec: provider.ServerlessAppSpec{AutoStart: &off, AutoStopIdleMinutes: 30}, status: engine.StatusSent, auto: false},
			{spec: provider.ServerlessAppSpec{AutoStart: &off, AutoStopIdleMinutes: 30}, status: engine.StatusUnchanged, auto: false},
			{spec: provider.ServerlessAppSpec{AutoStart: &on}, status: engine.StatusSent, auto: true},
		} {
			res, err := b.eng.UpdateServerlessApp(ctx, callAs(policy.Script, nil), created.ID, tc.spec)
			if err != nil || res.Outcome.Status != tc.status {
				t.Errorf("update %d: got %+v, %v; want %s", i, res, err, tc.status)
			}
			if a, _ := b.eng.GetServerlessApp(ctx, created.ID); a.AutoStart != tc.auto {
				t.Errorf("update %d: auto-start got %v, want %v", i, a.AutoStart, tc.auto)
			}
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

// sharedNames is a filter of the names every cloud shares (Traits).
func sharedNames(e *engine.Engine, name string) func() (provider.ClusterFilter, error) {
	return func() (provider.ClusterFilter, error) {
		states, err := e.ClusterStates("state", []string{name})
		return provider.ClusterFilter{States: states}, err
	}
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
