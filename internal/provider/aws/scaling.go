package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
)

// AutoScalingPolicy is an instance group's automatic scaling policy in
// EMR's CloudWatch rule form. Field names are those of the API and the aws
// CLI, so a policy file works with both.
type AutoScalingPolicy struct {
	Constraints ScalingConstraints `json:"Constraints" yaml:"Constraints"`
	Rules       []ScalingRule      `json:"Rules" yaml:"Rules"`
	// State is the policy's status (ATTACHED, PENDING, FAILED, ...) when
	// read back; it is ignored when putting a policy.
	State string `json:"State,omitempty" yaml:"State,omitempty"`
}

// ScalingConstraints bound the instance count.
type ScalingConstraints struct {
	MinCapacity int `json:"MinCapacity" yaml:"MinCapacity"`
	MaxCapacity int `json:"MaxCapacity" yaml:"MaxCapacity"`
}

// ScalingRule is one rule: a CloudWatch alarm and the action it triggers.
type ScalingRule struct {
	Name        string         `json:"Name" yaml:"Name"`
	Description string         `json:"Description,omitempty" yaml:"Description,omitempty"`
	Action      ScalingAction  `json:"Action" yaml:"Action"`
	Trigger     ScalingTrigger `json:"Trigger" yaml:"Trigger"`
}

// ScalingAction is what a rule does.
type ScalingAction struct {
	Market                           string                 `json:"Market,omitempty" yaml:"Market,omitempty"`
	SimpleScalingPolicyConfiguration SimpleScalingPolicyCfg `json:"SimpleScalingPolicyConfiguration" yaml:"SimpleScalingPolicyConfiguration"`
}

// SimpleScalingPolicyCfg adds or removes capacity.
type SimpleScalingPolicyCfg struct {
	// AdjustmentType is CHANGE_IN_CAPACITY (default),
	// PERCENT_CHANGE_IN_CAPACITY or EXACT_CAPACITY.
	AdjustmentType    string `json:"AdjustmentType,omitempty" yaml:"AdjustmentType,omitempty"`
	ScalingAdjustment int    `json:"ScalingAdjustment" yaml:"ScalingAdjustment"`
	// CoolDown is in seconds; nil means not given.
	CoolDown *int `json:"CoolDown,omitempty" yaml:"CoolDown,omitempty"`
}

// ScalingTrigger is the CloudWatch alarm of a rule.
type ScalingTrigger struct {
	CloudWatchAlarmDefinition AlarmDefinition `json:"CloudWatchAlarmDefinition" yaml:"CloudWatchAlarmDefinition"`
}

// AlarmDefinition is a CloudWatch alarm on an EMR metric.
type AlarmDefinition struct {
	ComparisonOperator string            `json:"ComparisonOperator" yaml:"ComparisonOperator"`
	EvaluationPeriods  int               `json:"EvaluationPeriods,omitempty" yaml:"EvaluationPeriods,omitempty"`
	MetricName         string            `json:"MetricName" yaml:"MetricName"`
	Namespace          string            `json:"Namespace,omitempty" yaml:"Namespace,omitempty"`
	Period             int               `json:"Period" yaml:"Period"`
	Statistic          string            `json:"Statistic,omitempty" yaml:"Statistic,omitempty"`
	Threshold          float64           `json:"Threshold" yaml:"Threshold"`
	Unit               string            `json:"Unit,omitempty" yaml:"Unit,omitempty"`
	Dimensions         []MetricDimension `json:"Dimensions,omitempty" yaml:"Dimensions,omitempty"`
}

// MetricDimension narrows a metric, e.g. JobFlowId=${emr.clusterId}.
type MetricDimension struct {
	Key   string `json:"Key" yaml:"Key"`
	Value string `json:"Value" yaml:"Value"`
}

func enumValues[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func autoScalingOf(c *types.ScalingConstraints, rules []types.ScalingRule) AutoScalingPolicy {
	var out AutoScalingPolicy
	if c != nil {
		out.Constraints = ScalingConstraints{MinCapacity: i32(c.MinCapacity), MaxCapacity: i32(c.MaxCapacity)}
	}
	for _, r := range rules {
		sr := ScalingRule{Name: str(r.Name), Description: str(r.Description)}
		if a := r.Action; a != nil {
			sr.Action.Market = string(a.Market)
			if s := a.SimpleScalingPolicyConfiguration; s != nil {
				sr.Action.SimpleScalingPolicyConfiguration = SimpleScalingPolicyCfg{AdjustmentType: string(s.AdjustmentType), ScalingAdjustment: i32(s.ScalingAdjustment)}
				if s.CoolDown != nil {
					sr.Action.SimpleScalingPolicyConfiguration.CoolDown = ptr(int(*s.CoolDown))
				}
			}
		}
		if t := r.Trigger; t != nil && t.CloudWatchAlarmDefinition != nil {
			a := t.CloudWatchAlarmDefinition
			d := AlarmDefinition{
				ComparisonOperator: string(a.ComparisonOperator), EvaluationPeriods: i32(a.EvaluationPeriods), MetricName: str(a.MetricName),
				Namespace: str(a.Namespace), Period: i32(a.Period), Statistic: string(a.Statistic), Unit: string(a.Unit),
			}
			if a.Threshold != nil {
				d.Threshold = *a.Threshold
			}
			for _, dim := range a.Dimensions {
				d.Dimensions = append(d.Dimensions, MetricDimension{Key: str(dim.Key), Value: str(dim.Value)})
			}
			sr.Trigger.CloudWatchAlarmDefinition = d
		}
		out.Rules = append(out.Rules, sr)
	}
	return out
}

func sdkAutoScaling(a AutoScalingPolicy) *types.AutoScalingPolicy {
	out := &types.AutoScalingPolicy{Constraints: &types.ScalingConstraints{
		MinCapacity: ptr(int32(a.Constraints.MinCapacity)), MaxCapacity: ptr(int32(a.Constraints.MaxCapacity)),
	}}
	for _, r := range a.Rules {
		s := r.Action.SimpleScalingPolicyConfiguration
		sc := &types.SimpleScalingPolicyConfiguration{ScalingAdjustment: ptr(int32(s.ScalingAdjustment)), AdjustmentType: types.AdjustmentType(s.AdjustmentType)}
		if s.CoolDown != nil {
			sc.CoolDown = ptr(int32(*s.CoolDown))
		}
		c := r.Trigger.CloudWatchAlarmDefinition
		alarm := &types.CloudWatchAlarmDefinition{
			ComparisonOperator: types.ComparisonOperator(c.ComparisonOperator), MetricName: ptr(c.MetricName),
			Period: ptr(int32(c.Period)), Threshold: ptr(c.Threshold), EvaluationPeriods: optI32(c.EvaluationPeriods),
			Namespace: optStr(c.Namespace), Statistic: types.Statistic(c.Statistic), Unit: types.Unit(c.Unit),
		}
		for _, d := range c.Dimensions {
			alarm.Dimensions = append(alarm.Dimensions, types.MetricDimension{Key: ptr(d.Key), Value: ptr(d.Value)})
		}
		out.Rules = append(out.Rules, types.ScalingRule{
			Name: ptr(r.Name), Description: optStr(r.Description),
			Action:  &types.ScalingAction{Market: types.MarketType(r.Action.Market), SimpleScalingPolicyConfiguration: sc},
			Trigger: &types.ScalingTrigger{CloudWatchAlarmDefinition: alarm},
		})
	}
	return out
}

func computeLimits(m provider.ManagedScaling) *types.ComputeLimits {
	return &types.ComputeLimits{
		MinimumCapacityUnits: ptr(int32(m.MinimumCapacityUnits)), MaximumCapacityUnits: ptr(int32(m.MaximumCapacityUnits)),
		MaximumOnDemandCapacityUnits: optI32(m.MaximumOnDemandCapacityUnits), MaximumCoreCapacityUnits: optI32(m.MaximumCoreCapacityUnits),
		UnitType: types.ComputeLimitsUnitType(m.UnitType),
	}
}

// ManagedScalingPolicy returns the cluster's managed scaling policy, or nil
// when it has none.
func (p *Provider) ManagedScalingPolicy(ctx context.Context, clusterID string) (*provider.ManagedScaling, error) {
	out, err := p.emr.GetManagedScalingPolicy(ctx, &emr.GetManagedScalingPolicyInput{ClusterId: &clusterID}, p.emrRead)
	if err != nil {
		return nil, mapError(ctx, "GetManagedScalingPolicy", true, err)
	}
	if out.ManagedScalingPolicy == nil || out.ManagedScalingPolicy.ComputeLimits == nil {
		return nil, nil
	}
	c := out.ManagedScalingPolicy.ComputeLimits
	return &provider.ManagedScaling{
		MinimumCapacityUnits: i32(c.MinimumCapacityUnits), MaximumCapacityUnits: i32(c.MaximumCapacityUnits),
		MaximumOnDemandCapacityUnits: i32(c.MaximumOnDemandCapacityUnits), MaximumCoreCapacityUnits: i32(c.MaximumCoreCapacityUnits),
		UnitType: string(c.UnitType),
	}, nil
}

// PutManagedScalingPolicy sets the cluster's managed scaling policy.
func (p *Provider) PutManagedScalingPolicy(ctx context.Context, clusterID string, m provider.ManagedScaling) (*provider.WriteResult, error) {
	out, err := p.emr.PutManagedScalingPolicy(ctx, &emr.PutManagedScalingPolicyInput{
		ClusterId: &clusterID, ManagedScalingPolicy: &types.ManagedScalingPolicy{ComputeLimits: computeLimits(m)},
	})
	if err != nil {
		return nil, mapError(ctx, "PutManagedScalingPolicy", false, err)
	}
	return &provider.WriteResult{IDs: []string{clusterID}, RequestID: requestID(out.ResultMetadata)}, nil
}

// RemoveManagedScalingPolicy removes the cluster's managed scaling policy.
func (p *Provider) RemoveManagedScalingPolicy(ctx context.Context, clusterID string) (*provider.WriteResult, error) {
	out, err := p.emr.RemoveManagedScalingPolicy(ctx, &emr.RemoveManagedScalingPolicyInput{ClusterId: &clusterID})
	if err != nil {
		return nil, mapError(ctx, "RemoveManagedScalingPolicy", false, err)
	}
	return &provider.WriteResult{IDs: []string{clusterID}, RequestID: requestID(out.ResultMetadata)}, nil
}
