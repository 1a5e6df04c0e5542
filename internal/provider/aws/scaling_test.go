package aws

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func samplePolicy() AutoScalingPolicy {
	cool := 300
	return AutoScalingPolicy{
		Constraints: ScalingConstraints{MinCapacity: 1, MaxCapacity: 10},
		Rules: []ScalingRule{{
			Name: "out", Description: "memory is low",
			Action: ScalingAction{SimpleScalingPolicyConfiguration: SimpleScalingPolicyCfg{AdjustmentType: "CHANGE_IN_CAPACITY", ScalingAdjustment: 2, CoolDown: &cool}},
			Trigger: ScalingTrigger{CloudWatchAlarmDefinition: AlarmDefinition{
				ComparisonOperator: "LESS_THAN", EvaluationPeriods: 1, MetricName: "YARNMemoryAvailablePercentage", Namespace: "AWS/ElasticMapReduce",
				Period: 300, Statistic: "AVERAGE", Threshold: 15, Unit: "PERCENT", Dimensions: []MetricDimension{{Key: "JobFlowId", Value: "${emr.clusterId}"}},
			}},
		}},
	}
}

func TestInstanceGroupScalingAndAutoScaling(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "groups.yaml", "t")
	if _, err := p.AddInstanceGroups(ctx, id, []GroupSpec{{Name: "extra", Role: "TASK", InstanceType: "r5.xlarge", Count: 3, Market: "SPOT"}}); err != nil {
		t.Fatal(err)
	}
	groups, err := p.InstanceGroups(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(groups, func(g InstanceGroup) bool { return g.Name == "extra" })
	if i < 0 {
		t.Fatalf("groups: got %+v, want the added one", groups)
	}
	extra := groups[i]
	if extra.Role != "TASK" || extra.DesiredNodes != 3 || extra.Market != "SPOT" || extra.InstanceTypes[0] != "r5.xlarge" {
		t.Errorf("added group: got %+v, want TASK SPOT r5.xlarge x3", extra.NodeGroup)
	}
	if _, err := p.ModifyInstanceGroup(ctx, id, extra.ID, 5, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PutAutoScalingPolicy(ctx, id, extra.ID, samplePolicy()); err != nil {
		t.Fatal(err)
	}
	groups, _ = p.InstanceGroups(ctx, id)
	extra = groups[slices.IndexFunc(groups, func(g InstanceGroup) bool { return g.ID == extra.ID })]
	if extra.DesiredNodes != 5 {
		t.Errorf("after ModifyInstanceGroups: got %d requested, want 5", extra.DesiredNodes)
	}
	if extra.AutoScaling == nil {
		t.Fatal("auto-scaling policy: got none, want the one put")
	}
	want := samplePolicy()
	// EMR fills in the cluster ID for ${emr.clusterId}.
	want.Rules[0].Trigger.CloudWatchAlarmDefinition.Dimensions[0].Value = id
	want.State = "ATTACHED"
	if diff := cmp.Diff(want, *extra.AutoScaling); diff != "" {
		t.Errorf("auto-scaling policy read back (-want +got):\n%s", diff)
	}
	if _, err := p.RemoveAutoScalingPolicy(ctx, id, extra.ID); err != nil {
		t.Fatal(err)
	}
	groups, _ = p.InstanceGroups(ctx, id)
	if g := groups[slices.IndexFunc(groups, func(g InstanceGroup) bool { return g.ID == extra.ID })]; g.AutoScaling != nil {
		t.Errorf("after remove: got policy %+v, want none", g.AutoScaling)
	}
}

func TestAutoScalingProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*AutoScalingPolicy)
		fields []string
	}{
		{name: "valid", change: func(*AutoScalingPolicy) {}},
		{name: "max below min", change: func(a *AutoScalingPolicy) { a.Constraints.MaxCapacity = 0 }, fields: []string{"Constraints.MaxCapacity"}},
		{name: "no rules", change: func(a *AutoScalingPolicy) { a.Rules = nil }, fields: []string{"Rules"}},
		{name: "zero adjustment", change: func(a *AutoScalingPolicy) { a.Rules[0].Action.SimpleScalingPolicyConfiguration.ScalingAdjustment = 0 },
			fields: []string{"Rules[0].Action.SimpleScalingPolicyConfiguration.ScalingAdjustment"}},
		{name: "bad operator and period", change: func(a *AutoScalingPolicy) {
			a.Rules[0].Trigger.CloudWatchAlarmDefinition.ComparisonOperator = ">"
			a.Rules[0].Trigger.CloudWatchAlarmDefinition.Period = 90
		}, fields: []string{"Rules[0].Trigger.CloudWatchAlarmDefinition.ComparisonOperator", "Rules[0].Trigger.CloudWatchAlarmDefinition.Period"}},
		{name: "duplicate names", change: func(a *AutoScalingPolicy) { a.Rules = append(a.Rules, a.Rules[0]) }, fields: []string{"Rules[1].Name"}},
		{name: "unknown statistic and unit", change: func(a *AutoScalingPolicy) {
			a.Rules[0].Trigger.CloudWatchAlarmDefinition.Statistic = "MEDIAN"
			a.Rules[0].Trigger.CloudWatchAlarmDefinition.Unit = "LITRES"
		}, fields: []string{"Rules[0].Trigger.CloudWatchAlarmDefinition.Statistic", "Rules[0].Trigger.CloudWatchAlarmDefinition.Unit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := samplePolicy()
			tc.change(&a)
			var got []string
			for _, pr := range a.Problems() {
				got = append(got, pr.Field)
				if pr.Message == "" || pr.Fix == "" {
					t.Errorf("problem %+v: want a message and a fix", pr)
				}
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("fields with problems (-want +got):\n%s", diff)
			}
		})
	}
}
