package aliyun

import (
	"context"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// GetAutoScalingPolicy implements provider.AutoScaler: the group's
// policy, or nil when it has none. The emulator answers a group without a
// policy with no ScalingPolicy; the API reference does not say what the
// service answers, so a ScalingPolicy with neither an ID nor rules counts
// as none too.
func (p *Provider) GetAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*provider.ScalingPolicy, error) {
	var resp emrwire.GetAutoScalingPolicyResponse
	if err := p.emr(ctx, "GetAutoScalingPolicy", &emrwire.GetAutoScalingPolicyRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: groupID}, &resp); err != nil {
		return nil, err
	}
	sp := resp.ScalingPolicy
	if sp == nil || sp.ScalingPolicyId == "" && len(sp.ScalingRules) == 0 {
		return nil, nil
	}
	out := &provider.ScalingPolicy{ID: sp.ScalingPolicyId, ClusterID: clusterID, NodeGroupID: groupID, Rules: []provider.ScalingRule{}}
	if c := sp.Constraints; c != nil {
		out.MinCapacity, out.MaxCapacity = i64(c.MinCapacity), i64(c.MaxCapacity)
	}
	for _, r := range sp.ScalingRules {
		out.Rules = append(out.Rules, ruleOf(emrwire.ScalingRule{
			ActivityType: r.ActivityType, AdjustmentValue: r.AdjustmentValue, MetricsTrigger: r.MetricsTrigger,
			RuleName: r.RuleName, TimeTrigger: r.TimeTrigger, TriggerType: r.TriggerType,
		}))
	}
	return out, nil
}

func ruleOf(r emrwire.ScalingRule) provider.ScalingRule {
	out := provider.ScalingRule{Name: r.RuleName, TriggerType: r.TriggerType, ActivityType: r.ActivityType, Adjustment: i64(r.AdjustmentValue), MinAdjust: i64(r.MinAdjustmentValue)}
	if t := r.TimeTrigger; t != nil {
		out.Time = &provider.TimeTrigger{
			LaunchTime: t.LaunchTime, StartTime: fromMillis(t.StartTime), EndTime: fromMillis(t.EndTime),
			ExpireSeconds: i64(t.LaunchExpirationTime), RecurrenceType: t.RecurrenceType, RecurrenceValue: t.RecurrenceValue,
		}
	}
	if m := r.MetricsTrigger; m != nil {
		mt := &provider.MetricsTrigger{TimeWindowSeconds: i64(m.TimeWindow), EvaluationCount: i64(m.EvaluationCount), CoolDownSeconds: i64(m.CoolDownInterval), LogicOperator: m.ConditionLogicOperator}
		for _, c := range m.Conditions {
			cond := provider.MetricCondition{MetricName: c.MetricName, Statistics: c.Statistics, Operator: c.ComparisonOperator, Tags: tagsOf(c.Tags)}
			if c.Threshold != nil {
				cond.Threshold = *c.Threshold
			}
			mt.Conditions = append(mt.Conditions, cond)
		}
		out.Metrics = mt
	}
	return out
}

func wireRule(r provider.ScalingRule) emrwire.ScalingRule {
	out := emrwire.ScalingRule{RuleName: r.Name, TriggerType: r.TriggerType, ActivityType: r.ActivityType, AdjustmentValue: ptr(int64(r.Adjustment))}
	if r.MinAdjust > 0 {
		out.MinAdjustmentValue = ptr(int64(r.MinAdjust))
	}
	if t := r.Time; t != nil {
		out.TimeTrigger = &emrwire.TimeTrigger{LaunchTime: t.LaunchTime, StartTime: millisOf(t.StartTime), EndTime: millisOf(t.EndTime), RecurrenceType: t.RecurrenceType, RecurrenceValue: t.RecurrenceValue}
		if t.ExpireSeconds > 0 {
			out.TimeTrigger.LaunchExpirationTime = ptr(int64(t.ExpireSeconds))
		}
	}
	if m := r.Metrics; m != nil {
		mt := &emrwire.MetricsTrigger{TimeWindow: ptr(int64(m.TimeWindowSeconds)), EvaluationCount: ptr(int64(m.EvaluationCount)), CoolDownInterval: ptr(int64(m.CoolDownSeconds)), ConditionLogicOperator: m.LogicOperator}
		for _, c := range m.Conditions {
			tc := emrwire.TriggerCondition{MetricName: c.MetricName, Statistics: c.Statistics, ComparisonOperator: c.Operator, Threshold: ptr(c.Threshold)}
			for _, t := range c.Tags {
				tc.Tags = append(tc.Tags, emrwire.Tag{Key: t.Key, Value: t.Value})
			}
			mt.Conditions = append(mt.Conditions, tc)
		}
		out.MetricsTrigger = mt
	}
	return out
}

func millisOf(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	return ptr(t.UnixMilli())
}

// AutoScalingRequest implements provider.AutoScaler: the
// PutAutoScalingPolicy request.
func (p *Provider) AutoScalingRequest(sp provider.ScalingPolicy) any {
	return autoScalingRequest(p.Region(), sp)
}

func autoScalingRequest(region string, sp provider.ScalingPolicy) *emrwire.PutAutoScalingPolicyRequest {
	req := &emrwire.PutAutoScalingPolicyRequest{
		RegionId: region, ClusterId: sp.ClusterID, NodeGroupId: sp.NodeGroupID,
		Constraints: &emrwire.ScalingConstraints{MinCapacity: ptr(int64(sp.MinCapacity)), MaxCapacity: ptr(int64(sp.MaxCapacity))},
	}
	for _, r := range sp.Rules {
		req.ScalingRules = append(req.ScalingRules, wireRule(r))
	}
	return req
}

// PutAutoScalingPolicy implements provider.AutoScaler: it replaces the
// group's whole policy.
func (p *Provider) PutAutoScalingPolicy(ctx context.Context, sp provider.ScalingPolicy) (*provider.WriteResult, error) {
	var resp emrwire.PutAutoScalingPolicyResponse
	if err := p.emr(ctx, "PutAutoScalingPolicy", autoScalingRequest(p.Region(), sp), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{RequestID: resp.RequestId}, nil
}

// RemoveAutoScalingPolicy implements provider.AutoScaler.
func (p *Provider) RemoveAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*provider.WriteResult, error) {
	var resp emrwire.RemoveAutoScalingPolicyResponse
	if err := p.emr(ctx, "RemoveAutoScalingPolicy", &emrwire.RemoveAutoScalingPolicyRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: groupID}, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{RequestID: resp.RequestId}, nil
}

// ListScalingActivities returns one page of scaling activities.
func (p *Provider) ListScalingActivities(ctx context.Context, clusterID string, f provider.ActivityFilter, token string, size int) (*provider.Page[provider.ScalingActivity], error) {
	req := &emrwire.ListAutoScalingActivitiesRequest{
		RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: f.NodeGroupID, ScalingActivityStates: f.States,
		ScalingActivityType: f.Type, ScalingRuleName: f.RuleName, NextToken: token, MaxResults: pageSize(size),
	}
	var resp emrwire.ListAutoScalingActivitiesResponse
	if err := p.emr(ctx, "ListAutoScalingActivities", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.ScalingActivity]{NextToken: resp.NextToken, Total: i64(resp.TotalCount)}
	for _, a := range resp.ScalingActivities {
		page.Items = append(page.Items, provider.ScalingActivity{
			ID: a.ActivityId, ClusterID: a.ClusterId, NodeGroupID: a.NodeGroupId, NodeGroupName: a.NodeGroupName,
			RuleName: a.RuleName, Type: a.ActivityType, State: a.ActivityState, Cause: a.Description,
			ExpectNum: i64(a.ExpectNum), OperationID: a.OperationId, StartTime: fromMillis(a.StartTime), EndTime: fromMillis(a.EndTime),
		})
	}
	return page, nil
}

// GetScalingActivity returns one scaling activity with its instances.
func (p *Provider) GetScalingActivity(ctx context.Context, clusterID, id string) (*provider.ScalingActivity, error) {
	var resp emrwire.GetAutoScalingActivityResponse
	if err := p.emr(ctx, "GetAutoScalingActivity", &emrwire.GetAutoScalingActivityRequest{RegionId: p.Region(), ClusterId: clusterID, ScalingActivityId: id}, &resp); err != nil {
		return nil, err
	}
	a := resp.ScalingActivity
	if a == nil {
		return nil, &provider.APIError{Provider: provider.Aliyun, Action: "GetAutoScalingActivity", Kind: provider.KindNotFound, Code: "ScalingActivityNotFound"}
	}
	out := &provider.ScalingActivity{
		ID: a.ActivityId, ClusterID: a.ClusterId, NodeGroupID: a.NodeGroupId, NodeGroupName: a.NodeGroupName,
		RuleName: a.RuleName, Type: a.ActivityType, State: a.ActivityState, Cause: a.Description,
		ExpectNum: i64(a.ExpectNum), OperationID: a.OperationId, StartTime: fromMillis(a.StartTime), EndTime: fromMillis(a.EndTime),
	}
	for _, r := range a.ActivityResults {
		out.NodeIDs = append(out.NodeIDs, r.InstanceId)
	}
	return out, nil
}
