package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
)

// These tests cover the engine paths of APIs moto 5.2.1 lacks (CancelSteps,
// managed scaling, instance fleets, steps that finish) with recorded
// exchanges: each request the engine makes is checked against the
// recording, in order, and answered with the recorded response.

const recCluster = "j-1K48XXXXXXHCB"

func exchange(op, request, response string) mototest.Exchange {
	x := mototest.Exchange{Op: op, Response: json.RawMessage(response)}
	if request != "" {
		x.Request = json.RawMessage(request)
	}
	return x
}

func recordedBed(t *testing.T, xs ...mototest.Exchange) *awsBed {
	t.Helper()
	return newAWSBed(t, mototest.Replay(t, xs).URL)
}

func describeStep(state, failure string) mototest.Exchange {
	return exchange("ElasticMapReduce.DescribeStep", `{"ClusterId":"`+recCluster+`","StepId":"s-3M8XXXXXXDEK2"}`,
		`{"Step":{"Id":"s-3M8XXXXXXDEK2","Name":"etl","ActionOnFailure":"CONTINUE",
		  "Config":{"Jar":"command-runner.jar","Args":["spark-submit","s3://emrctl-code/etl.py"]},
		  "Status":{"State":"`+state+`","StateChangeReason":{}`+failure+`,"Timeline":{"CreationDateTime":1769846400.0}}}}`)
}

func TestAWSWaitStepRecorded(t *testing.T) {
	ctx := context.Background()
	t.Run("completes", func(t *testing.T) {
		b := recordedBed(t, describeStep("PENDING", ""), describeStep("RUNNING", ""), describeStep("COMPLETED", ""))
		var seen []string
		s, err := b.eng.WaitStep(ctx, recCluster, "s-3M8XXXXXXDEK2", engine.WaitOptions{Progress: func(state string, _ time.Duration) { seen = append(seen, state) }})
		if err != nil || s.State != "COMPLETED" {
			t.Fatalf("got %+v, %v; want COMPLETED", s, err)
		}
		if diff := cmp.Diff([]string{"PENDING", "RUNNING", "COMPLETED"}, seen); diff != "" {
			t.Errorf("progress (-want +got):\n%s", diff)
		}
	})
	t.Run("fails with the reason and log", func(t *testing.T) {
		failure := `,"FailureDetails":{"Reason":"Unknown Error.","Message":"FileNotFoundException","LogFile":"s3://emrctl-logs/emr/` + recCluster + `/steps/s-3M8XXXXXXDEK2/stderr.gz"}`
		b := recordedBed(t, describeStep("RUNNING", ""), describeStep("FAILED", failure))
		_, err := b.eng.WaitStep(ctx, recCluster, "s-3M8XXXXXXDEK2", engine.WaitOptions{})
		var sf *engine.StepFailedError
		if !errors.As(err, &sf) {
			t.Fatalf("got %v, want a step failure", err)
		}
		if sf.Wait.State != "FAILED" || sf.Wait.Reason == nil || sf.Wait.Reason.Code != "Unknown Error." || sf.Wait.Reason.Message != "FileNotFoundException" {
			t.Errorf("wait: got state %s reason %+v, want FAILED with EMR's failure details", sf.Wait.State, sf.Wait.Reason)
		}
		if sf.Step.Failure == nil || sf.Step.Failure.LogFile != "s3://emrctl-logs/emr/"+recCluster+"/steps/s-3M8XXXXXXDEK2/stderr.gz" {
			t.Errorf("step failure: got %+v, want the log file", sf.Step.Failure)
		}
		var we *provider.WaitError
		if !errors.As(err, &we) {
			t.Error("the step failure does not unwrap to the wait error (exit code 5)")
		}
	})
}

func TestAWSCancelStepRecorded(t *testing.T) {
	ctx := context.Background()
	b := recordedBed(t,
		describeStep("RUNNING", ""), // unconfirmed: read, then nothing sent
		describeStep("RUNNING", ""),
		exchange("ElasticMapReduce.CancelSteps",
			`{"ClusterId":"`+recCluster+`","StepIds":["s-3M8XXXXXXDEK2"],"StepCancellationOption":"SEND_INTERRUPT"}`,
			`{"CancelStepsInfoList":[{"StepId":"s-3M8XXXXXXDEK2","Status":"SUBMITTED","Reason":""}]}`),
		describeStep("CANCEL_PENDING", ""),
		describeStep("COMPLETED", ""),
	)
	if _, err := b.eng.CancelStep(ctx, callAs(policy.Script, nil), recCluster, "s-3M8XXXXXXDEK2"); !errors.Is(err, engine.ErrNotConfirmed) {
		t.Errorf("unconfirmed: got %v, want not confirmed (and nothing sent)", err)
	}
	ok := &approver{}
	res, err := b.eng.CancelStep(ctx, callAs(policy.Script, ok), recCluster, "s-3M8XXXXXXDEK2")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "SUBMITTED" || len(ok.asked) != 1 || ok.asked[0].Summary.API != "CancelSteps" {
		t.Errorf("got %+v after %+v, want SUBMITTED after one CancelSteps confirmation", res, ok.asked)
	}
	again := &approver{}
	res, err = b.eng.CancelStep(ctx, callAs(policy.Script, again), recCluster, "s-3M8XXXXXXDEK2")
	if err != nil || res.Outcome.Status != engine.StatusUnchanged || len(again.asked) != 0 {
		t.Errorf("a step being cancelled: got %+v, %v after %d confirmations; want unchanged, nothing asked or sent", res, err, len(again.asked))
	}
	var ie *engine.InputError
	if _, err := b.eng.CancelStep(ctx, callAs(policy.Script, &approver{}), recCluster, "s-3M8XXXXXXDEK2"); !errors.As(err, &ie) || ie.Problems[0].Field != "stepId" {
		t.Errorf("a completed step: got %v, want an input error on stepId and nothing sent", err)
	}
}

func TestAWSManagedScalingRecorded(t *testing.T) {
	ctx := context.Background()
	none := exchange("ElasticMapReduce.GetManagedScalingPolicy", `{"ClusterId":"`+recCluster+`"}`, `{}`)
	limits := `{"UnitType":"Instances","MinimumCapacityUnits":2,"MaximumCapacityUnits":20}`
	current := exchange("ElasticMapReduce.GetManagedScalingPolicy", `{"ClusterId":"`+recCluster+`"}`, `{"ManagedScalingPolicy":{"ComputeLimits":`+limits+`}}`)
	b := recordedBed(t,
		none, // the refused put reads the current policy, then sends nothing
		none,
		exchange("ElasticMapReduce.PutManagedScalingPolicy", `{"ClusterId":"`+recCluster+`","ManagedScalingPolicy":{"ComputeLimits":`+limits+`}}`, `{"ClusterId":"`+recCluster+`"}`),
		current,
		current,
		exchange("ElasticMapReduce.RemoveManagedScalingPolicy", `{"ClusterId":"`+recCluster+`"}`, `{}`),
	)
	var pe *engine.PolicyError
	if _, err := b.eng.PutManagedScaling(ctx, callAs(policy.Script, &approver{}), recCluster, provider.ManagedScaling{MinimumCapacityUnits: 2, MaximumCapacityUnits: 500, UnitType: "Instances"}); !errors.As(err, &pe) || pe.Limit != policy.LimitAutoScalingMaxCapacity {
		t.Errorf("max 500: got %v, want a refusal by %s", err, policy.LimitAutoScalingMaxCapacity)
	}
	var ie *engine.InputError
	if _, err := b.eng.PutManagedScaling(ctx, callAs(policy.Script, &approver{}), recCluster, provider.ManagedScaling{MinimumCapacityUnits: 0, MaximumCapacityUnits: 5, UnitType: "Nodes"}); !errors.As(err, &ie) || len(ie.Problems) != 2 {
		t.Errorf("bad policy: got %v, want two input problems before anything is read", err)
	}
	put := &approver{}
	want := provider.ManagedScaling{MinimumCapacityUnits: 2, MaximumCapacityUnits: 20, UnitType: "Instances"}
	if _, err := b.eng.PutManagedScaling(ctx, callAs(policy.Script, put), recCluster, want); err != nil {
		t.Fatal(err)
	}
	if len(put.asked) != 1 {
		t.Errorf("put: got %d confirmations, want 1", len(put.asked))
	}
	got, err := b.eng.ManagedScaling(ctx, recCluster)
	if err != nil || got == nil || *got != want {
		t.Errorf("get: got %+v, %v; want %+v", got, err, want)
	}
	removed, err := b.eng.RemoveManagedScaling(ctx, callAs(policy.Script, &approver{}), recCluster)
	if err != nil {
		t.Fatal(err)
	}
	if removed.Previous == nil || *removed.Previous != want {
		t.Errorf("remove: got previous %+v, want %+v", removed.Previous, want)
	}
}

func TestAWSDescribeFleetClusterRecorded(t *testing.T) {
	cluster := exchange("ElasticMapReduce.DescribeCluster", `{"ClusterId":"`+recCluster+`"}`,
		`{"Cluster":{"Id":"`+recCluster+`","Name":"nightly","Status":{"State":"RUNNING","StateChangeReason":{"Message":"Running step"},"Timeline":{"CreationDateTime":1769846400.0}},
		  "InstanceCollectionType":"INSTANCE_FLEET","ReleaseLabel":"emr-7.2.0","LogUri":"s3n://emrctl-logs/emr/","AutoTerminate":true,"TerminationProtected":false,
		  "Applications":[{"Name":"Spark","Version":"3.5.1"}],"Tags":[]}}`)
	fleets := exchange("ElasticMapReduce.ListInstanceFleets", `{"ClusterId":"`+recCluster+`"}`,
		`{"InstanceFleets":[{"Id":"if-1A2B3C4D5E6F7","Name":"master","InstanceFleetType":"MASTER","Status":{"State":"RUNNING"},"TargetOnDemandCapacity":1,"ProvisionedOnDemandCapacity":1,"InstanceTypeSpecifications":[{"InstanceType":"m5.xlarge"}]},
		  {"Id":"if-2B3C4D5E6F7G8","Name":"core","InstanceFleetType":"CORE","Status":{"State":"RUNNING"},"TargetOnDemandCapacity":1,"TargetSpotCapacity":1,"ProvisionedOnDemandCapacity":1,"ProvisionedSpotCapacity":1,"InstanceTypeSpecifications":[{"InstanceType":"m5.2xlarge"},{"InstanceType":"c5.2xlarge"}]}]}`)
	b := recordedBed(t,
		cluster, // the detail
		exchange("ElasticMapReduce.ListBootstrapActions", `{"ClusterId":"`+recCluster+`"}`, `{"BootstrapActions":[]}`),
		cluster, fleets, // the node groups: a fleet cluster's are its fleets
		fleets, // the fleets in detail; the instances' roles are known from the node groups
		exchange("ElasticMapReduce.ListInstances", `{"ClusterId":"`+recCluster+`"}`,
			`{"Instances":[{"Id":"ci-1","Ec2InstanceId":"i-0aaa","InstanceFleetId":"if-1A2B3C4D5E6F7","InstanceType":"m5.xlarge","Market":"ON_DEMAND","Status":{"State":"RUNNING"}},
			  {"Id":"ci-2","Ec2InstanceId":"i-0bbb","InstanceFleetId":"if-2B3C4D5E6F7G8","InstanceType":"m5.2xlarge","Market":"ON_DEMAND","Status":{"State":"RUNNING"}},
			  {"Id":"ci-3","Ec2InstanceId":"i-0ccc","InstanceFleetId":"if-2B3C4D5E6F7G8","InstanceType":"c5.2xlarge","Market":"SPOT","Status":{"State":"BOOTSTRAPPING"}}]}`),
	)
	v, err := b.eng.DescribeAWSCluster(context.Background(), recCluster)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Role           string
		Running, Desired   int
		Types              string
		RunningN, BootingN int
	}
	var got []row
	for _, g := range v.NodeGroups {
		got = append(got, row{g.ID, g.Role, g.RunningNodes, g.DesiredNodes, strings.Join(g.InstanceTypes, ","), g.NodeStates["RUNNING"], g.NodeStates["BOOTSTRAPPING"]})
	}
	want := []row{{"if-1A2B3C4D5E6F7", "MASTER", 1, 1, "m5.xlarge", 1, 0}, {"if-2B3C4D5E6F7G8", "CORE", 2, 2, "m5.2xlarge,c5.2xlarge", 1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fleets as node groups (-want +got):\n%s", diff)
	}
	if v.Nodes != 3 || len(v.InstanceFleets) != 2 || len(v.Applications) != 1 || v.Applications[0].Version != "3.5.1" {
		t.Errorf("view: got %d nodes, %d fleets, apps %v", v.Nodes, len(v.InstanceFleets), v.Applications)
	}
}

func TestAWSWaitClusterRecorded(t *testing.T) {
	describe := func(state, reason string) mototest.Exchange {
		return exchange("ElasticMapReduce.DescribeCluster", `{"ClusterId":"`+recCluster+`"}`,
			`{"Cluster":{"Id":"`+recCluster+`","Name":"etl","ReleaseLabel":"emr-7.2.0","Status":{"State":"`+state+`","StateChangeReason":`+reason+`}}}`)
	}
	ctx := context.Background()
	t.Run("up when WAITING", func(t *testing.T) {
		b := recordedBed(t, describe("STARTING", `{}`), describe("BOOTSTRAPPING", `{}`), describe("WAITING", `{"Message":"Cluster ready to run steps."}`))
		c, err := b.eng.WaitCluster(ctx, recCluster, engine.WaitOptions{})
		if err != nil || c.State != "WAITING" {
			t.Errorf("got %+v, %v; want WAITING", c, err)
		}
	})
	t.Run("fails with the reason", func(t *testing.T) {
		b := recordedBed(t, describe("STARTING", `{}`),
			describe("TERMINATED_WITH_ERRORS", `{"Code":"VALIDATION_ERROR","Message":"The subnet does not exist."}`))
		_, err := b.eng.WaitCluster(ctx, recCluster, engine.WaitOptions{})
		var cf *engine.ClusterFailedError
		if !errors.As(err, &cf) || cf.Wait.Reason == nil || cf.Wait.Reason.Code != "VALIDATION_ERROR" || cf.Wait.Reason.Message != "The subnet does not exist." {
			t.Errorf("got %v, want a failure carrying VALIDATION_ERROR and its message", err)
		}
	})
	t.Run("terminated waits through a transient cluster's steps", func(t *testing.T) {
		b := recordedBed(t, describe("RUNNING", `{}`), describe("TERMINATING", `{}`), describe("TERMINATED", `{"Code":"ALL_STEPS_COMPLETED","Message":"Steps completed"}`))
		c, err := b.eng.WaitCluster(ctx, recCluster, engine.WaitOptions{Target: "TERMINATED"})
		if err != nil || c.State != "TERMINATED" {
			t.Errorf("got %+v, %v; want TERMINATED", c, err)
		}
	})
}
