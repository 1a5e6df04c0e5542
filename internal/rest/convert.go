package rest

import (
	"encoding/json"
	"time"

	"github.com/go-faster/jx"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// The functions below turn engine and provider types into the contract's
// types: the contract stays stable when internal types grow.

func optTime(t time.Time) oas.OptDateTime {
	if t.IsZero() {
		return oas.OptDateTime{}
	}
	return oas.NewOptDateTime(t)
}

func optInt(n int) oas.OptInt {
	if n == 0 {
		return oas.OptInt{}
	}
	return oas.NewOptInt(n)
}

func optReason(r *provider.StateReason) oas.OptStateReason {
	if r == nil || (r.Code == "" && r.Message == "") {
		return oas.OptStateReason{}
	}
	return oas.NewOptStateReason(oas.StateReason{Code: optString(r.Code), Message: optString(r.Message)})
}

func tags(ts []provider.Tag) []oas.Tag {
	if len(ts) == 0 {
		return nil
	}
	out := make([]oas.Tag, len(ts))
	for i, t := range ts {
		out[i] = oas.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func clusterOf(c provider.Cluster) oas.Cluster {
	return oas.Cluster{
		ID: c.ID, Name: c.Name, Type: c.Type, State: c.State, StateReason: optReason(c.StateReason),
		Provider: c.Provider, Region: c.Region, ReleaseVersion: optString(c.ReleaseVersion), DeployMode: optString(c.DeployMode),
		PaymentType: optString(c.PaymentType), DeletionProtection: oas.NewOptBool(c.DeletionProtection), Description: optString(c.Description),
		CreateTime: optTime(c.CreateTime), ReadyTime: optTime(c.ReadyTime), EndTime: optTime(c.EndTime), ExpireTime: optTime(c.ExpireTime),
		Tags: tags(c.Tags),
	}
}

func nodeGroupOf(v engine.NodeGroupView) oas.NodeGroup {
	g := v.NodeGroup
	states := oas.NodeGroupNodeStates{}
	for k, n := range v.NodeStates {
		states[k] = n
	}
	return oas.NodeGroup{
		ClusterId: g.ClusterID, ID: g.ID, Name: g.Name, Role: g.Role, State: g.State, StateReason: optReason(g.StateReason),
		RunningNodes: g.RunningNodes, DesiredNodes: optInt(g.DesiredNodes), InstanceTypes: g.InstanceTypes,
		PaymentType: optString(g.PaymentType), SpotStrategy: optString(g.SpotStrategy), ZoneId: optString(g.ZoneID),
		Market: optString(g.Market), Fleet: oas.NewOptBool(g.Fleet), NodeStates: states,
	}
}

func nodeOf(n provider.Node) oas.Node {
	return oas.Node{
		ClusterId: n.ClusterID, ID: n.ID, Name: optString(n.Name), NodeGroupId: n.NodeGroupID, Role: n.Role, State: n.State,
		InstanceType: n.InstanceType, PrivateIp: optString(n.PrivateIP), PublicIp: optString(n.PublicIP), ZoneId: optString(n.ZoneID),
		PaymentType: optString(n.PaymentType), CreateTime: optTime(n.CreateTime), ExpireTime: optTime(n.ExpireTime),
	}
}

func ruleOf(r provider.ScalingRule, summary string) oas.ScalingRule {
	return oas.ScalingRule{
		Name: r.Name, TriggerType: r.TriggerType, ActivityType: r.ActivityType, Adjustment: r.Adjustment,
		MinAdjustment: optInt(r.MinAdjust), Summary: optString(summary),
	}
}

func policyViewOf(v engine.ScalingPolicyView) oas.ScalingPolicy {
	p := oas.ScalingPolicy{
		ClusterId: v.ClusterID, NodeGroupId: v.NodeGroupID, NodeGroupName: optString(v.NodeGroupName), Role: optString(v.Role),
		RunningNodes: oas.NewOptInt(v.RunningNodes), Exists: v.Exists, ID: optString(v.ID),
		MinCapacity: v.MinCapacity, MaxCapacity: v.MaxCapacity, Rules: []oas.ScalingRule{},
	}
	for _, r := range v.Rules {
		p.Rules = append(p.Rules, ruleOf(r.ScalingRule, r.Summary))
	}
	return p
}

func policyOf(sp provider.ScalingPolicy) oas.ScalingPolicy {
	p := oas.ScalingPolicy{
		ClusterId: sp.ClusterID, NodeGroupId: sp.NodeGroupID, Exists: true, ID: optString(sp.ID),
		MinCapacity: sp.MinCapacity, MaxCapacity: sp.MaxCapacity, Rules: []oas.ScalingRule{},
	}
	for _, r := range sp.Rules {
		p.Rules = append(p.Rules, ruleOf(r, ""))
	}
	return p
}

func activityOf(v engine.ActivityView) oas.ScalingActivity {
	a := v.ScalingActivity
	return oas.ScalingActivity{
		ID: a.ID, ClusterId: a.ClusterID, NodeGroupId: a.NodeGroupID, NodeGroupName: optString(a.NodeGroupName),
		RuleName: optString(a.RuleName), Type: a.Type, State: a.State, Cause: optString(a.Cause), ExpectNum: a.ExpectNum,
		OperationId: optString(a.OperationID), StartTime: optTime(a.StartTime), EndTime: optTime(a.EndTime),
		NodeIds: a.NodeIDs, Result: optString(v.Result),
	}
}

func stepOf(s provider.Step) oas.Step {
	out := oas.Step{
		ClusterId: s.ClusterID, ID: s.ID, Name: s.Name, State: s.State, StateReason: optReason(s.StateReason),
		ActionOnFailure: optString(s.ActionOnFailure), Jar: optString(s.Jar), MainClass: optString(s.MainClass), Args: s.Args,
		CreateTime: optTime(s.CreateTime), StartTime: optTime(s.StartTime), EndTime: optTime(s.EndTime),
	}
	if f := s.Failure; f != nil {
		out.FailureReason, out.FailureMessage, out.FailureLogFile = optString(f.Reason), optString(f.Message), optString(f.LogFile)
	}
	return out
}

func workspaceOf(w provider.SparkWorkspace) oas.SparkWorkspace {
	return oas.SparkWorkspace{
		ID: w.ID, Name: w.Name, Region: optString(w.Region), State: w.State, StateReason: optReason(w.StateReason),
		PaymentType: optString(w.PaymentType), Cu: optInt(w.CU), Storage: optString(w.Storage), CreateTime: optTime(w.CreateTime),
		Tags: tags(w.Tags),
	}
}

func jobRunOf(r provider.SparkJobRun) oas.SparkJobRun {
	return oas.SparkJobRun{
		WorkspaceId: r.WorkspaceID, ID: r.ID, Name: r.Name, State: r.State, StateReason: optReason(r.StateReason),
		CodeType: optString(r.CodeType), Queue: optString(r.Queue), ReleaseVersion: optString(r.ReleaseVersion),
		EntryPoint: optString(r.EntryPoint), Creator: optString(r.Creator), WebUI: optString(r.WebUI),
		SubmitTime: optTime(r.SubmitTime), EndTime: optTime(r.EndTime),
	}
}

// entryOf converts a journal entry; its params were redacted when stored.
func entryOf(e journal.Entry) oas.JournalEntry {
	out := oas.JournalEntry{
		ID: e.ID, Time: e.Time, Actor: e.Actor, ActorKind: e.ActorKind, Client: optString(e.Client), Profile: optString(e.Profile),
		Provider: optString(e.Provider), Region: optString(e.Region), Operation: e.Operation, Target: e.Target,
		IdempotencyKey: optString(e.IdempotencyKey), Attempt: e.Attempt, Status: string(e.Status), ResultIds: e.ResultIDs,
		RequestId: optString(e.RequestID), ErrorCode: optString(e.ErrorCode), ErrorMessage: optString(e.ErrorMessage),
	}
	if e.FinishedAt != nil {
		out.FinishedAt = optTime(*e.FinishedAt)
	}
	var params map[string]json.RawMessage
	if len(e.Params) > 0 && json.Unmarshal(e.Params, &params) == nil {
		m := oas.JournalEntryParams{}
		for k, v := range params {
			m[k] = jx.Raw(v)
		}
		out.Params = oas.NewOptJournalEntryParams(m)
	}
	return out
}

func eventOf(e journal.AuditEvent) oas.AuditEvent {
	return oas.AuditEvent{
		ID: e.ID, Time: e.Time, Actor: e.Actor, ActorKind: e.ActorKind, Client: optString(e.Client), Event: e.Event,
		Operation: optString(e.Operation), Target: optString(e.Target), Detail: optString(e.Detail),
	}
}
