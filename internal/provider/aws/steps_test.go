package aws

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

func TestStepsAddListDescribe(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "fleets.yaml", "t")
	steps := []spec.AWSStep{
		{Name: "jar", Type: spec.StepJar, ActionOnFailure: "CANCEL_AND_WAIT", Jar: "s3://code/app.jar", MainClass: "com.example.Main", Args: []string{"a,b", "--x=1 2"}},
		{Name: "cmd", Type: spec.StepCommand, ActionOnFailure: "CONTINUE", Command: "s3-dist-cp", Args: []string{"--src", "s3://a/b", "--dest", "hdfs:///c"}},
	}
	res, err := p.AddSteps(ctx, id, steps)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 2 {
		t.Fatalf("step IDs: got %v, want 2", res.IDs)
	}
	got, err := p.Step(ctx, id, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	// moto does not echo MainClass; the recorded DescribeStep test does.
	want := provider.Step{ClusterID: id, ID: res.IDs[0], Name: "jar", ActionOnFailure: "CANCEL_AND_WAIT", Jar: "s3://code/app.jar", Args: []string{"a,b", "--x=1 2"}}
	if diff := cmp.Diff(want, *got, cmpIgnoreStatus); diff != "" {
		t.Errorf("DescribeStep (-want +got):\n%s", diff)
	}
	cmdStep, err := p.Step(ctx, id, res.IDs[1])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s3-dist-cp", "--src", "s3://a/b", "--dest", "hdfs:///c"}, cmdStep.Args); diff != "" {
		t.Errorf("command step args (-want +got):\n%s", diff)
	}
	if cmdStep.Jar != spec.CommandRunnerJar {
		t.Errorf("command step jar: got %q, want %q", cmdStep.Jar, spec.CommandRunnerJar)
	}
	pending, err := p.Steps(ctx, id, []string{"pending"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pending {
		if s.State != provider.StepPending {
			t.Errorf("state filter PENDING: got a %s step", s.State)
		}
	}
	if len(pending) != 2 {
		t.Errorf("pending steps: got %d, want the 2 queued behind the cluster's first step", len(pending))
	}
	if _, err := p.Step(ctx, id, "s-NOSUCHSTEP12"); err == nil {
		t.Error("describing an unknown step: got nil error")
	}
}

var cmpIgnoreStatus = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".State", ".StateReason", ".CreateTime", ".StartTime", ".EndTime", ".Failure":
		return true
	}
	return false
}, cmp.Ignore())
