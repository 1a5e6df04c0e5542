package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Scaling activity types and states (ListAutoScalingActivities).
const (
	ActivityScaleOut   = "SCALE_OUT"
	ActivityScaleIn    = "SCALE_IN"
	ActivityInProgress = "IN_PROGRESS"
	ActivitySuccessful = "SUCCESSFUL"
	ActivityFailed     = "FAILED"
	ActivityRejected   = "REJECTED"
)

// ActivityStates lists the states of a scaling activity.
func ActivityStates() []string {
	return []string{ActivityInProgress, ActivitySuccessful, ActivityFailed, ActivityRejected}
}

// ScalingPolicyView is a node group's auto scaling policy with every rule
// rendered as a sentence.
type ScalingPolicyView struct {
	ClusterID     string `json:"clusterId"`
	NodeGroupID   string `json:"nodeGroupId"`
	NodeGroupName string `json:"nodeGroupName,omitempty"`
	Role          string `json:"role,omitempty"`
	RunningNodes  int    `json:"runningNodes"`
	// Exists is false when the group has no policy.
	Exists      bool       `json:"exists"`
	ID          string     `json:"id,omitempty"`
	MinCapacity int        `json:"minCapacity"`
	MaxCapacity int        `json:"maxCapacity"`
	Rules       []RuleView `json:"rules"`
}

// RuleView is a scaling rule and its summary.
type RuleView struct {
	provider.ScalingRule
	Summary string `json:"summary"`
}

// GetScalingPolicy returns a node group's auto scaling policy; a group
// without one gives a view with Exists false, not an error.
func (e *Engine) GetScalingPolicy(ctx context.Context, clusterID, groupID string) (*ScalingPolicyView, error) {
	if err := e.checkGroup(clusterID, groupID); err != nil {
		return nil, err
	}
	p, err := capability[provider.AutoScaler](e, "auto scaling")
	if err != nil {
		return nil, err
	}
	g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) {
		return e.opts.Provider.GetNodeGroup(ctx, clusterID, groupID)
	})
	if err != nil {
		return nil, err
	}
	v := &ScalingPolicyView{ClusterID: clusterID, NodeGroupID: groupID, NodeGroupName: g.Name, Role: g.Role, RunningNodes: g.RunningNodes, Rules: []RuleView{}}
	sp, err := read(ctx, e, func(ctx context.Context) (*provider.ScalingPolicy, error) {
		return p.GetAutoScalingPolicy(ctx, clusterID, groupID)
	})
	if err != nil && !errors.Is(err, provider.ErrNotFound) {
		return nil, err
	}
	if sp == nil || (sp.ID == "" && len(sp.Rules) == 0 && sp.MaxCapacity == 0) {
		return v, nil
	}
	v.Exists, v.ID, v.MinCapacity, v.MaxCapacity = true, sp.ID, sp.MinCapacity, sp.MaxCapacity
	for _, r := range sp.Rules {
		v.Rules = append(v.Rules, RuleView{ScalingRule: r, Summary: RuleSummary(r)})
	}
	return v, nil
}

// RuleSummary renders a scaling rule as one readable sentence, e.g.
// "add 5 nodes at 09:00 every MON,TUE,WED,THU,FRI (from 2023-11-14)" or
// "remove 2 nodes when AVG yarn_resourcemanager_queue_AvailableVCoresPercentage
// > 80 for 3 x 300 s; cool down 300 s". Dates are local time.
func RuleSummary(r provider.ScalingRule) string {
	var b strings.Builder
	verb, unit := "add", "node"
	if r.ActivityType == ActivityScaleIn {
		verb = "remove"
	}
	if r.Adjustment != 1 {
		unit += "s"
	}
	fmt.Fprintf(&b, "%s %d %s", verb, r.Adjustment, unit)
	if r.MinAdjust > 0 && r.MinAdjust < r.Adjustment {
		fmt.Fprintf(&b, " (at least %d)", r.MinAdjust)
	}
	switch {
	case r.Time != nil:
		b.WriteString(" " + timeTriggerText(r.Time))
	case r.Metrics != nil:
		b.WriteString(" " + metricsTriggerText(r.Metrics))
	default:
		b.WriteString(" (" + orText(r.TriggerType, "no trigger") + ")")
	}
	return b.String()
}

func timeTriggerText(t *provider.TimeTrigger) string {
	var s string
	switch t.RecurrenceType {
	case "DAILY":
		s = "at " + t.LaunchTime + " every day"
		if t.RecurrenceValue != "" && t.RecurrenceValue != "1" {
			s = "at " + t.LaunchTime + " every " + t.RecurrenceValue + " days"
		}
	case "WEEKLY":
		s = "at " + t.LaunchTime + " every " + t.RecurrenceValue
	case "MONTHLY":
		s = "at " + t.LaunchTime + " on day " + t.RecurrenceValue + " of every month"
	default:
		s = "once at " + t.LaunchTime
	}
	var window []string
	if !t.StartTime.IsZero() {
		window = append(window, "from "+t.StartTime.Local().Format("2006-01-02"))
	}
	if !t.EndTime.IsZero() {
		window = append(window, "until "+t.EndTime.Local().Format("2006-01-02"))
	}
	if t.ExpireSeconds > 0 {
		window = append(window, fmt.Sprintf("may start up to %d s late", t.ExpireSeconds))
	}
	if len(window) > 0 {
		s += " (" + strings.Join(window, ", ") + ")"
	}
	return s
}

// comparison renders a ComparisonOperator as a symbol.
func comparison(op string) string {
	switch op {
	case "EQ":
		return "="
	case "NE":
		return "!="
	case "GT":
		return ">"
	case "LT":
		return "<"
	case "GE":
		return ">="
	case "LE":
		return "<="
	}
	return op
}

func metricsTriggerText(m *provider.MetricsTrigger) string {
	conds := make([]string, 0, len(m.Conditions))
	for _, c := range m.Conditions {
		name := c.MetricName
		if len(c.Tags) > 0 {
			tags := make([]string, len(c.Tags))
			for i, t := range c.Tags {
				tags[i] = t.Key + "=" + t.Value
			}
			name += "{" + strings.Join(tags, ",") + "}"
		}
		conds = append(conds, fmt.Sprintf("%s %s %s %v", c.Statistics, name, comparison(c.Operator), c.Threshold))
	}
	join := " or "
	if strings.EqualFold(m.LogicOperator, "And") {
		join = " and "
	}
	s := "when " + strings.Join(conds, join)
	s += fmt.Sprintf(" for %d x %d s", m.EvaluationCount, m.TimeWindowSeconds)
	if m.CoolDownSeconds > 0 {
		s += fmt.Sprintf("; cool down %d s", m.CoolDownSeconds)
	}
	return s
}

// ActivityView is a scaling activity with its outcome in words.
type ActivityView struct {
	provider.ScalingActivity
	Result string `json:"result"`
}

// ActivityResult says what an activity did or why it did not.
func ActivityResult(a provider.ScalingActivity) string {
	n := a.ExpectNum
	if len(a.NodeIDs) > 0 {
		n = len(a.NodeIDs)
	}
	what := fmt.Sprintf("%d node(s)", n)
	switch a.State {
	case ActivitySuccessful:
		if a.Type == ActivityScaleIn {
			return "removed " + what
		}
		return "added " + what
	case ActivityInProgress:
		if a.Type == ActivityScaleIn {
			return "removing " + what
		}
		return "adding " + what
	case ActivityFailed:
		return "failed: see the cause; 'emrctl cluster diagnose " + a.ClusterID + "'"
	case ActivityRejected:
		return "rejected: the group was at its limit, cooling down or busy"
	}
	return strings.ToLower(a.State)
}

func (e *Engine) checkActivityFilter(clusterID string, f provider.ActivityFilter) error {
	errs := []*validate.Error{e.clusterID(clusterID)}
	if f.NodeGroupID != "" {
		errs = append(errs, e.groupID("node group ID", f.NodeGroupID))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	if f.Type != "" && f.Type != ActivityScaleOut && f.Type != ActivityScaleIn {
		return inputError("type", fmt.Sprintf("%q is not an activity type", validate.Render(f.Type)), "use SCALE_OUT or SCALE_IN")
	}
	for _, s := range f.States {
		if !slices.Contains(ActivityStates(), s) {
			return inputError("state", fmt.Sprintf("%q is not an activity state", validate.Render(s)), "use one of "+strings.Join(ActivityStates(), ", "))
		}
	}
	return nil
}

// ListScalingActivities streams every page of a cluster's scaling
// activities matching f to each.
func (e *Engine) ListScalingActivities(ctx context.Context, clusterID string, f provider.ActivityFilter, pageSize int, each func([]ActivityView) error) error {
	if err := e.checkActivityFilter(clusterID, f); err != nil {
		return err
	}
	p, err := capability[provider.ScalingActivities](e, "scaling activities")
	if err != nil {
		return err
	}
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.ScalingActivity], error) {
			return p.ListScalingActivities(ctx, clusterID, f, token, pageSize)
		})
		if err != nil {
			return err
		}
		if len(page.Items) > 0 {
			views := make([]ActivityView, len(page.Items))
			for i, a := range page.Items {
				views[i] = ActivityView{ScalingActivity: a, Result: ActivityResult(a)}
			}
			if err := each(views); err != nil {
				return err
			}
		}
		if token = page.NextToken; token == "" {
			return nil
		}
	}
}

// GetScalingActivity returns one scaling activity with the nodes it
// touched, its cause and its result.
func (e *Engine) GetScalingActivity(ctx context.Context, clusterID, activityID string) (*ActivityView, error) {
	if err := checkInput(e.clusterID(clusterID), validate.ID(validate.ScalingActivityID, "activity ID", activityID)); err != nil {
		return nil, err
	}
	p, err := capability[provider.ScalingActivities](e, "scaling activities")
	if err != nil {
		return nil, err
	}
	a, err := read(ctx, e, func(ctx context.Context) (*provider.ScalingActivity, error) {
		return p.GetScalingActivity(ctx, clusterID, activityID)
	})
	if err != nil {
		return nil, err
	}
	return &ActivityView{ScalingActivity: *a, Result: ActivityResult(*a)}, nil
}
