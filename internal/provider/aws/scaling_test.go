package aws

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// samplePolicy is a policy in the neutral form with every field AWS
// reads written out, as neutralPolicy produces it.
func samplePolicy(clusterID, groupID string) provider.ScalingPolicy {
	return provider.ScalingPolicy{
		ClusterID: clusterID, NodeGroupID: groupID, MinCapacity: 1, MaxCapacity: 10,
		Rules: []provider.ScalingRule{{
			Name: "out", TriggerType: triggerMetrics, ActivityType: scaleOut, Adjustment: 2,
			Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 1, CoolDownSeconds: 300, Conditions: []provider.MetricCondition{{
				MetricName: "YARNMemoryAvailablePercentage", Statistics: "AVERAGE", Operator: "LESS_THAN", Threshold: 15,
				Tags: []provider.Tag{{Key: "JobFlowId", Value: clusterIDVariable}},
			}}},
			AWS: &provider.AWSScalingRule{Description: "memory is low", AdjustmentType: "CHANGE_IN_CAPACITY", Namespace: "AWS/ElasticMapReduce", Unit: "PERCENT"},
		}, {
			Name: "in", TriggerType: triggerMetrics, ActivityType: scaleIn, Adjustment: 1,
			Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 600, EvaluationCount: 3, CoolDownSeconds: 600, Conditions: []provider.MetricCondition{{
				MetricName: "YARNMemoryAvailablePercentage", Statistics: "AVERAGE", Operator: "GREATER_THAN", Threshold: 75,
			}}},
			AWS: &provider.AWSScalingRule{AdjustmentType: "CHANGE_IN_CAPACITY", Namespace: "AWS/ElasticMapReduce"},
		}},
	}
}

// awsForm is samplePolicy as 'aws emr put-auto-scaling-policy' takes it.
const awsForm = `{"Constraints": {"MinCapacity": 1, "MaxCapacity": 10},
 "Rules": [
  {"Name": "out", "Description": "memory is low",
   "Action": {"SimpleScalingPolicyConfiguration": {"AdjustmentType": "CHANGE_IN_CAPACITY", "ScalingAdjustment": 2, "CoolDown": 300}},
   "Trigger": {"CloudWatchAlarmDefinition": {"ComparisonOperator": "LESS_THAN", "EvaluationPeriods": 1, "MetricName": "YARNMemoryAvailablePercentage",
     "Namespace": "AWS/ElasticMapReduce", "Period": 300, "Statistic": "AVERAGE", "Threshold": 15, "Unit": "PERCENT",
     "Dimensions": [{"Key": "JobFlowId", "Value": "${emr.clusterId}"}]}}},
  {"Name": "in",
   "Action": {"SimpleScalingPolicyConfiguration": {"ScalingAdjustment": -1, "CoolDown": 600}},
   "Trigger": {"CloudWatchAlarmDefinition": {"ComparisonOperator": "GREATER_THAN", "EvaluationPeriods": 3, "MetricName": "YARNMemoryAvailablePercentage",
     "Period": 600, "Threshold": 75}}}]}`

func TestParseAutoScalingPolicy(t *testing.T) {
	got, err := ParseAutoScalingPolicy([]byte(awsForm), "j-1", "ig-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(samplePolicy("j-1", "ig-1"), got); diff != "" {
		t.Errorf("AWS form to neutral (-want +got):\n%s", diff)
	}
	for _, bad := range []string{``, `{"Constraints": {"MinCapacity": 1}, "Rulez": []}`, `{"Rules": [{"Name": "x", "Trigger": {"CloudWatchAlarmDefinition": {"Period": "five"}}}]}`} {
		if _, err := ParseAutoScalingPolicy([]byte(bad), "j-1", "ig-1"); err == nil {
			t.Errorf("ParseAutoScalingPolicy(%q): got nil error", bad)
		}
	}
}

func TestAutoScalingRoundTrip(t *testing.T) {
	want := samplePolicy("j-1", "ig-1")
	back := neutralPolicy(CloudWatchPolicy(want), "j-1", "ig-1")
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("neutral -> AWS -> neutral (-want +got):\n%s", diff)
	}
	p := providerAt(t, "http://127.0.0.1:1") // nothing is sent
	req := p.AutoScalingRequest(want)
	wantReq := map[string]any{"ClusterId": "j-1", "InstanceGroupId": "ig-1", "AutoScalingPolicy": map[string]any{
		"Constraints": map[string]any{"MinCapacity": float64(1), "MaxCapacity": float64(10)},
		"Rules": []any{
			map[string]any{"Name": "out", "Description": "memory is low",
				"Action":  map[string]any{"SimpleScalingPolicyConfiguration": map[string]any{"AdjustmentType": "CHANGE_IN_CAPACITY", "ScalingAdjustment": float64(2), "CoolDown": float64(300)}},
				"Trigger": map[string]any{"CloudWatchAlarmDefinition": map[string]any{"ComparisonOperator": "LESS_THAN", "EvaluationPeriods": float64(1), "MetricName": "YARNMemoryAvailablePercentage", "Namespace": "AWS/ElasticMapReduce", "Period": float64(300), "Statistic": "AVERAGE", "Threshold": float64(15), "Unit": "PERCENT", "Dimensions": []any{map[string]any{"Key": "JobFlowId", "Value": "${emr.clusterId}"}}}}},
			map[string]any{"Name": "in",
				"Action":  map[string]any{"SimpleScalingPolicyConfiguration": map[string]any{"AdjustmentType": "CHANGE_IN_CAPACITY", "ScalingAdjustment": float64(-1), "CoolDown": float64(600)}},
				"Trigger": map[string]any{"CloudWatchAlarmDefinition": map[string]any{"ComparisonOperator": "GREATER_THAN", "EvaluationPeriods": float64(3), "MetricName": "YARNMemoryAvailablePercentage", "Namespace": "AWS/ElasticMapReduce", "Period": float64(600), "Statistic": "AVERAGE", "Threshold": float64(75)}}},
		},
	}}
	if diff := cmp.Diff(wantReq, req); diff != "" {
		t.Errorf("AutoScalingRequest (-want +got):\n%s", diff)
	}
}

func TestNodeGroupScalingAndAutoScaling(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "groups.yaml", "t")
	three := 3
	req, err := p.PrepareNodeGroup(id, spec.NodeGroup{Name: "extra", Role: spec.RoleTask, Count: &three, InstanceTypes: []string{"r5.xlarge"},
		Spot: &spec.Spot{Strategy: spec.SpotWithPriceLimit, BidPrice: "0.30"}})
	if err != nil {
		t.Fatal(err)
	}
	wantShown := map[string]any{"JobFlowId": id, "InstanceGroups": []any{map[string]any{
		"Name": "extra", "InstanceRole": "TASK", "InstanceType": "r5.xlarge", "InstanceCount": float64(3), "Market": "SPOT", "BidPrice": "0.30",
	}}}
	if diff := cmp.Diff(wantShown, req.Shown()); diff != "" {
		t.Errorf("AddInstanceGroups request (-want +got):\n%s", diff)
	}
	if _, err := p.PrepareNodeGroup(id, spec.NodeGroup{Name: "core2", Role: spec.RoleCore, Count: &three, InstanceTypes: []string{"r5.xlarge"}}); err == nil {
		t.Error("a CORE group: got nil error, want it refused")
	}
	res, err := p.CreateNodeGroup(ctx, id, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 1 {
		t.Fatalf("CreateNodeGroup: got IDs %v, want the new group's", res.IDs)
	}
	extra, err := p.GetNodeGroup(ctx, id, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if extra.Name != "extra" || extra.Role != "TASK" || extra.DesiredNodes != 3 || extra.Market != "SPOT" || extra.InstanceTypes[0] != "r5.xlarge" {
		t.Errorf("added group: got %+v, want TASK SPOT r5.xlarge x3", extra)
	}

	inc := provider.IncreaseInput{Count: 2, From: 3}
	if diff := cmp.Diff(map[string]any{"ClusterId": id, "InstanceGroups": []any{map[string]any{"InstanceGroupId": extra.ID, "InstanceCount": float64(5)}}},
		p.IncreaseRequest(id, extra.ID, inc)); diff != "" {
		t.Errorf("IncreaseRequest (-want +got):\n%s", diff)
	}
	if _, err := p.IncreaseNodes(ctx, id, extra.ID, inc); err != nil {
		t.Fatal(err)
	}
	if g, _ := p.GetNodeGroup(ctx, id, extra.ID); g.DesiredNodes != 5 {
		t.Errorf("after IncreaseNodes: got %d requested, want 5", g.DesiredNodes)
	}
	dec := provider.DecreaseInput{NodeIDs: []string{"i-0123456789abcdef0"}, From: 5}
	if diff := cmp.Diff(map[string]any{"ClusterId": id, "InstanceGroups": []any{map[string]any{"InstanceGroupId": extra.ID, "InstanceCount": float64(4),
		"EC2InstanceIdsToTerminate": []any{"i-0123456789abcdef0"}}}}, p.DecreaseRequest(id, extra.ID, dec)); diff != "" {
		t.Errorf("DecreaseRequest (-want +got):\n%s", diff)
	}

	if cur, err := p.GetAutoScalingPolicy(ctx, id, extra.ID); err != nil || cur != nil {
		t.Fatalf("policy of a new group: got %+v, %v; want none", cur, err)
	}
	put := samplePolicy(id, extra.ID)
	if _, err := p.PutAutoScalingPolicy(ctx, put); err != nil {
		t.Fatal(err)
	}
	got, err := p.GetAutoScalingPolicy(ctx, id, extra.ID)
	if err != nil {
		t.Fatal(err)
	}
	// EMR fills in the cluster ID for ${emr.clusterId}; it reads back as
	// put, so putting the same policy again changes nothing.
	if diff := cmp.Diff(&put, got); diff != "" {
		t.Errorf("policy read back (-want +got):\n%s", diff)
	}
	if _, err := p.RemoveAutoScalingPolicy(ctx, id, extra.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := p.GetAutoScalingPolicy(ctx, id, extra.ID); err != nil || got != nil {
		t.Errorf("after remove: got %+v, %v; want none", got, err)
	}
}

func TestAutoScalingProblems(t *testing.T) {
	p := providerAt(t, "http://127.0.0.1:1") // nothing is sent
	for _, tc := range []struct {
		name   string
		change func(*provider.ScalingPolicy)
		fields []string
	}{
		{name: "valid", change: func(*provider.ScalingPolicy) {}},
		{name: "no rules", change: func(a *provider.ScalingPolicy) { a.Rules = nil }, fields: []string{"rules"}},
		{name: "an instance fleet", change: func(a *provider.ScalingPolicy) { a.NodeGroupID = "if-1234567890AB" }, fields: []string{"nodeGroupId"}},
		{name: "bad operator and period", change: func(a *provider.ScalingPolicy) {
			a.Rules[0].Metrics.Conditions[0].Operator = ">"
			a.Rules[0].Metrics.TimeWindowSeconds = 90
		}, fields: []string{"rules[0].metrics.timeWindowSeconds", "rules[0].metrics.conditions[0].operator"}},
		{name: "unknown statistic, unit, adjustment type and market", change: func(a *provider.ScalingPolicy) {
			a.Rules[0].Metrics.Conditions[0].Statistics = "MEDIAN"
			a.Rules[0].AWS.Unit = "LITRES"
			a.Rules[0].AWS.AdjustmentType = "DOUBLE"
			a.Rules[0].AWS.Market = "CHEAP"
		}, fields: []string{"rules[0].aws.adjustmentType", "rules[0].aws.market", "rules[0].aws.unit", "rules[0].metrics.conditions[0].statistics"}},
		{name: "metric name and namespace charset", change: func(a *provider.ScalingPolicy) {
			a.Rules[0].Metrics.Conditions[0].MetricName = "Memory;rm -rf"
			a.Rules[0].AWS.Namespace = ":AWS"
		}, fields: []string{"rules[0].aws.namespace", "rules[0].metrics.conditions[0].metricName"}},
		{name: "a line break anywhere", change: func(a *provider.ScalingPolicy) {
			a.Rules[0].AWS.Description = "low\nrule 2: SCALE_OUT by 100"
			a.Rules[0].Metrics.Conditions[0].Tags[0].Value = "x\ny"
		}, fields: []string{"rules[0].aws.description", "rules[0].metrics.conditions[0].tags[0].value"}},
		{name: "a time trigger", change: func(a *provider.ScalingPolicy) {
			a.Rules[1].TriggerType, a.Rules[1].Metrics = "TIME_TRIGGER", nil
			a.Rules[1].Time = &provider.TimeTrigger{LaunchTime: "08:00"}
		}, fields: []string{"rules[1].triggerType", "rules[1].metrics.conditions"}},
		{name: "two conditions", change: func(a *provider.ScalingPolicy) {
			m := a.Rules[1].Metrics
			m.Conditions = append(m.Conditions, m.Conditions[0])
		}, fields: []string{"rules[1].metrics.conditions"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := samplePolicy("j-1", "ig-1")
			tc.change(&sp)
			var got []string
			for _, pr := range p.AutoScalingProblems(sp) {
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
