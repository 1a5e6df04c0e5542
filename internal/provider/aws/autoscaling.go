package aws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/provider"
)

// Documented defaults of a CloudWatch scaling rule, written out in the
// neutral form so that a policy read back compares equal to the one put.
const (
	defaultNamespace      = "AWS/ElasticMapReduce"
	defaultStatistic      = string(types.StatisticAverage)
	defaultAdjustmentType = string(types.AdjustmentTypeChangeInCapacity)
	defaultEvaluations    = 1
	// clusterIDVariable is what EMR replaces with the cluster's ID in a
	// dimension value; read back, the ID becomes the variable again.
	clusterIDVariable = "${emr.clusterId}"
)

// Neutral rule types of a CloudWatch rule.
const (
	triggerMetrics = "METRICS_TRIGGER"
	scaleOut       = "SCALE_OUT"
	scaleIn        = "SCALE_IN"
)

// ParseAutoScalingPolicy reads an instance group's policy in AWS's own
// form, as 'aws emr put-auto-scaling-policy --auto-scaling-policy' takes
// it (JSON, or the same keys in YAML; unknown keys are errors), for the
// group groupID of cluster clusterID.
func ParseAutoScalingPolicy(raw []byte, clusterID, groupID string) (provider.ScalingPolicy, error) {
	var a AutoScalingPolicy
	d := yaml.NewDecoder(bytes.NewReader(raw))
	d.KnownFields(true)
	if err := d.Decode(&a); err != nil {
		if errors.Is(err, io.EOF) {
			return provider.ScalingPolicy{}, errors.New("the auto-scaling policy is empty: give Constraints and Rules")
		}
		return provider.ScalingPolicy{}, fmt.Errorf("auto-scaling policy: %w", err)
	}
	return neutralPolicy(a, clusterID, groupID), nil
}

// neutralPolicy maps a CloudWatch policy to the neutral form (see
// provider.AWSScalingRule): one metric condition per rule, the adjustment's
// sign as the activity type, the documented defaults written out.
func neutralPolicy(a AutoScalingPolicy, clusterID, groupID string) provider.ScalingPolicy {
	out := provider.ScalingPolicy{
		ClusterID: clusterID, NodeGroupID: groupID,
		MinCapacity: a.Constraints.MinCapacity, MaxCapacity: a.Constraints.MaxCapacity, Rules: []provider.ScalingRule{},
	}
	for _, r := range a.Rules {
		s := r.Action.SimpleScalingPolicyConfiguration
		c := r.Trigger.CloudWatchAlarmDefinition
		nr := provider.ScalingRule{Name: r.Name, TriggerType: triggerMetrics, ActivityType: scaleOut, Adjustment: s.ScalingAdjustment}
		if s.ScalingAdjustment < 0 {
			nr.ActivityType, nr.Adjustment = scaleIn, -s.ScalingAdjustment
		}
		cond := provider.MetricCondition{
			MetricName: c.MetricName, Statistics: orText(c.Statistic, defaultStatistic), Operator: c.ComparisonOperator, Threshold: c.Threshold,
		}
		for _, dim := range c.Dimensions {
			cond.Tags = append(cond.Tags, provider.Tag{Key: dim.Key, Value: dim.Value})
		}
		nr.Metrics = &provider.MetricsTrigger{
			TimeWindowSeconds: c.Period, EvaluationCount: c.EvaluationPeriods, Conditions: []provider.MetricCondition{cond},
		}
		if nr.Metrics.EvaluationCount == 0 {
			nr.Metrics.EvaluationCount = defaultEvaluations
		}
		if s.CoolDown != nil {
			nr.Metrics.CoolDownSeconds = *s.CoolDown
		}
		nr.AWS = &provider.AWSScalingRule{
			Description: r.Description, Market: r.Action.Market, AdjustmentType: orText(s.AdjustmentType, defaultAdjustmentType),
			Namespace: orText(c.Namespace, defaultNamespace), Unit: c.Unit,
		}
		out.Rules = append(out.Rules, nr)
	}
	return out
}

func orText(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// CloudWatchPolicy is a neutral policy in AWS's own form: what
// PutAutoScalingPolicy sends, and what 'emrctl aws autoscaling get' shows
// so that its output can be put again.
func CloudWatchPolicy(sp provider.ScalingPolicy) AutoScalingPolicy {
	out := AutoScalingPolicy{Constraints: ScalingConstraints{MinCapacity: sp.MinCapacity, MaxCapacity: sp.MaxCapacity}, Rules: []ScalingRule{}}
	for _, r := range sp.Rules {
		aws := provider.AWSScalingRule{}
		if r.AWS != nil {
			aws = *r.AWS
		}
		adj := r.Adjustment
		if r.ActivityType == scaleIn && aws.AdjustmentType != string(types.AdjustmentTypeExactCapacity) {
			adj = -adj
		}
		sr := ScalingRule{Name: r.Name, Description: aws.Description}
		sr.Action = ScalingAction{Market: aws.Market, SimpleScalingPolicyConfiguration: SimpleScalingPolicyCfg{AdjustmentType: aws.AdjustmentType, ScalingAdjustment: adj}}
		if m := r.Metrics; m != nil {
			if m.CoolDownSeconds != 0 {
				sr.Action.SimpleScalingPolicyConfiguration.CoolDown = ptr(m.CoolDownSeconds)
			}
			alarm := AlarmDefinition{Period: m.TimeWindowSeconds, EvaluationPeriods: m.EvaluationCount, Namespace: aws.Namespace, Unit: aws.Unit}
			if len(m.Conditions) > 0 {
				c := m.Conditions[0]
				alarm.MetricName, alarm.Statistic, alarm.ComparisonOperator, alarm.Threshold = c.MetricName, c.Statistics, c.Operator, c.Threshold
				for _, t := range c.Tags {
					alarm.Dimensions = append(alarm.Dimensions, MetricDimension{Key: t.Key, Value: t.Value})
				}
			}
			sr.Trigger.CloudWatchAlarmDefinition = alarm
		}
		out.Rules = append(out.Rules, sr)
	}
	return out
}

// GetAutoScalingPolicy implements provider.AutoScaler: the instance
// group's policy, or nil when it has none. A dimension value EMR filled in
// with the cluster's ID reads back as ${emr.clusterId}, as it was put.
func (p *Provider) GetAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*provider.ScalingPolicy, error) {
	groups, err := p.instanceGroups(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(groups, func(g types.InstanceGroup) bool { return str(g.Id) == groupID })
	if i < 0 {
		return nil, groupNotFound(clusterID, groupID)
	}
	a := groups[i].AutoScalingPolicy
	if a == nil || a.Constraints == nil && len(a.Rules) == 0 {
		return nil, nil
	}
	pol := autoScalingOf(a.Constraints, a.Rules)
	for _, r := range pol.Rules {
		for j, d := range r.Trigger.CloudWatchAlarmDefinition.Dimensions {
			if d.Value == clusterID {
				r.Trigger.CloudWatchAlarmDefinition.Dimensions[j].Value = clusterIDVariable
			}
		}
	}
	sp := neutralPolicy(pol, clusterID, groupID)
	return &sp, nil
}

// AutoScalingRequest implements provider.AutoScaler: the
// PutAutoScalingPolicy request.
func (p *Provider) AutoScalingRequest(sp provider.ScalingPolicy) any {
	return Wire(putAutoScalingInput(sp))
}

func putAutoScalingInput(sp provider.ScalingPolicy) *emr.PutAutoScalingPolicyInput {
	return &emr.PutAutoScalingPolicyInput{
		ClusterId: ptr(sp.ClusterID), InstanceGroupId: ptr(sp.NodeGroupID), AutoScalingPolicy: sdkAutoScaling(CloudWatchPolicy(sp)),
	}
}

// PutAutoScalingPolicy implements provider.AutoScaler: it replaces the
// instance group's whole policy.
func (p *Provider) PutAutoScalingPolicy(ctx context.Context, sp provider.ScalingPolicy) (*provider.WriteResult, error) {
	out, err := p.emr.PutAutoScalingPolicy(ctx, putAutoScalingInput(sp))
	if err != nil {
		return nil, mapError(ctx, "PutAutoScalingPolicy", false, err)
	}
	return &provider.WriteResult{IDs: []string{sp.NodeGroupID}, RequestID: requestID(out.ResultMetadata)}, nil
}

// RemoveAutoScalingPolicy implements provider.AutoScaler.
func (p *Provider) RemoveAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*provider.WriteResult, error) {
	out, err := p.emr.RemoveAutoScalingPolicy(ctx, &emr.RemoveAutoScalingPolicyInput{ClusterId: &clusterID, InstanceGroupId: &groupID})
	if err != nil {
		return nil, mapError(ctx, "RemoveAutoScalingPolicy", false, err)
	}
	return &provider.WriteResult{IDs: []string{groupID}, RequestID: requestID(out.ResultMetadata)}, nil
}

// cloudWatchName is what CloudWatch metric names and namespaces may hold
// here: printable ASCII words, no control characters.
var cloudWatchName = regexp.MustCompile(`^[A-Za-z0-9._/#:\- ]{1,255}$`)

// AutoScalingProblems implements provider.AutoScaler: the policy against
// EMR's CloudWatch rules (one alarm per rule, the documented comparison
// operators, statistics, units, adjustment types and markets, periods in
// whole minutes). The capacities, rule names and adjustments every cloud
// shares are the engine's to check. Nothing is sent.
func (p *Provider) AutoScalingProblems(sp provider.ScalingPolicy) []provider.Problem {
	var out []provider.Problem
	add := func(field, msg, fix string) {
		out = append(out, provider.Problem{Field: field, Message: msg, Fix: fix})
	}
	if strings.HasPrefix(sp.NodeGroupID, "if-") {
		add("nodeGroupId", sp.NodeGroupID+" is an instance fleet: CloudWatch rules apply to instance groups only", "use managed scaling for fleets ('emrctl aws managed-scaling put')")
	}
	if len(sp.Rules) == 0 {
		add("rules", "no rules", "add at least one rule with a CloudWatch metric condition")
	}
	for i, r := range sp.Rules {
		ruleProblems(fmt.Sprintf("rules[%d]", i), r, add)
	}
	return out
}

func ruleProblems(p string, r provider.ScalingRule, add func(field, msg, fix string)) {
	text(p+".name", r.Name, add)
	if r.TriggerType != triggerMetrics || r.Time != nil {
		add(p+".triggerType", fmt.Sprintf("%q is not a CloudWatch rule: AWS scales instance groups on metrics only", r.TriggerType), "use METRICS_TRIGGER with one metric condition")
	}
	if r.MinAdjust != 0 {
		add(p+".minAdjustment", "AWS rules have no minimum adjustment", "remove it")
	}
	a := provider.AWSScalingRule{}
	if r.AWS != nil {
		a = *r.AWS
	}
	text(p+".aws.description", a.Description, add)
	oneOf(p+".aws.adjustmentType", "adjustment type", a.AdjustmentType, enumValues(types.AdjustmentType("").Values()), add)
	oneOf(p+".aws.market", "market", a.Market, enumValues(types.MarketType("").Values()), add)
	oneOf(p+".aws.unit", "CloudWatch unit", a.Unit, enumValues(types.Unit("").Values()), add)
	if a.Namespace != "" && (!cloudWatchName.MatchString(a.Namespace) || a.Namespace[0] == ':') {
		add(p+".aws.namespace", fmt.Sprintf("%q is not a CloudWatch namespace", a.Namespace), "use "+defaultNamespace)
	}
	m := r.Metrics
	if m == nil || len(m.Conditions) != 1 {
		add(p+".metrics.conditions", "an AWS rule is one CloudWatch alarm: it needs exactly one metric condition", "give one condition per rule; split the others into rules of their own")
		return
	}
	if m.TimeWindowSeconds < 60 || m.TimeWindowSeconds%60 != 0 {
		add(p+".metrics.timeWindowSeconds", fmt.Sprintf("%d is not a whole number of minutes of at least 60 seconds (the alarm's Period)", m.TimeWindowSeconds), "use 300: EMR publishes its metrics every 5 minutes")
	}
	if m.EvaluationCount < 0 {
		add(p+".metrics.evaluationCount", "must not be negative (EvaluationPeriods)", "use 1 or more")
	}
	if m.CoolDownSeconds < 0 {
		add(p+".metrics.coolDownSeconds", "must not be negative (CoolDown)", "give the cooldown in seconds")
	}
	c := m.Conditions[0]
	q := p + ".metrics.conditions[0]"
	if !cloudWatchName.MatchString(c.MetricName) {
		add(q+".metricName", fmt.Sprintf("%q is not a CloudWatch metric name", c.MetricName), "name an EMR metric, e.g. YARNMemoryAvailablePercentage")
	}
	oneOf(q+".operator", "comparison operator", c.Operator, enumValues(types.ComparisonOperator("").Values()), add)
	if c.Operator == "" {
		add(q+".operator", "missing (ComparisonOperator)", "use GREATER_THAN_OR_EQUAL, GREATER_THAN, LESS_THAN or LESS_THAN_OR_EQUAL")
	}
	oneOf(q+".statistics", "statistic", c.Statistics, enumValues(types.Statistic("").Values()), add)
	for j, t := range c.Tags {
		if t.Key == "" {
			add(fmt.Sprintf("%s.tags[%d].key", q, j), "missing (a dimension's Key)", "name the dimension, e.g. JobFlowId")
		}
		text(fmt.Sprintf("%s.tags[%d].key", q, j), t.Key, add)
		text(fmt.Sprintf("%s.tags[%d].value", q, j), t.Value, add)
	}
}

// oneOf reports a value outside a documented set; empty is the default.
func oneOf(field, what, v string, valid []string, add func(field, msg, fix string)) {
	if v != "" && !slices.Contains(valid, v) {
		add(field, fmt.Sprintf("%q is not a %s", v, what), "use one of "+strings.Join(valid, ", "))
	}
}

// text reports a control character (a line break could forge a line of
// the summary a person confirms).
func text(field, v string, add func(field, msg, fix string)) {
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		add(field, "contains a control character (a line break, a tab)", "write it on one line")
	}
}
