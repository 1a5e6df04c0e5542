package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/safetext"
	"github.com/emrctl/emrctl/internal/validate"
)

// PolicyChange is what replacing an auto scaling policy would do.
type PolicyChange struct {
	Current *provider.ScalingPolicy `json:"current"`
	New     *provider.ScalingPolicy `json:"new"`
	// Diff is one line per fact, "+ " added and "- " removed, with the
	// policy's fields as data (escaped and quoted): policyDiff rendered.
	Diff string `json:"diff"`
}

// PutAutoScalingPolicy replaces a node group's policy. It reads the
// current policy first and shows it with a diff in the confirmation
// (PutAutoScalingPolicy replaces every rule); a policy equal to the
// current one is not sent again.
func (e *Engine) PutAutoScalingPolicy(ctx context.Context, call Call, sp provider.ScalingPolicy) (*PolicyChange, *Outcome, error) {
	if err := e.checkScalingPolicy(sp); err != nil {
		return nil, nil, err
	}
	p, err := capability[provider.AutoScaler](e, "auto scaling")
	if err != nil {
		return nil, nil, err
	}
	sp.ID = ""
	res, err := run(ctx, e, call, job[*policyResult]{
		operation: "PutAutoScalingPolicy", target: groupTarget(sp.ClusterID, sp.NodeGroupID), input: sp, mark: markPolicy,
		do: func(ctx context.Context, f *flight) (*policyResult, error) {
			st, err := e.readGroup(ctx, sp.ClusterID, sp.NodeGroupID)
			if err != nil {
				return nil, err
			}
			cur, err := e.currentPolicy(ctx, p, sp.ClusterID, sp.NodeGroupID)
			if err != nil {
				return nil, err
			}
			diff := policyDiff(cur, &sp)
			change := &PolicyChange{Current: cur, New: &sp, Diff: diff.String()}
			op := policy.PutAutoScalingPolicy{
				ClusterID: sp.ClusterID, NodeGroupID: sp.NodeGroupID, Role: st.group.Role,
				MinCapacity: sp.MinCapacity, MaxCapacity: sp.MaxCapacity, Rules: policyRules(sp.Rules), Current: snapshot(cur), Diff: diff,
			}
			if cur != nil && slices.EqualFunc(policyText(cur), policyText(&sp), safetext.Text.Equal) {
				return &policyResult{Change: change, Outcome: f.unchanged(ctx, op, "node group "+sp.NodeGroupID+" already has this auto-scaling policy")}, nil
			}
			out, err := f.apply(ctx, write{
				op: op, operation: "PutAutoScalingPolicy", target: groupTarget(sp.ClusterID, sp.NodeGroupID), tokenKind: journal.TokenNone,
				request: p.AutoScalingRequest(sp),
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.PutAutoScalingPolicy(ctx, sp)
				},
			})
			if err != nil {
				return nil, err
			}
			return &policyResult{Change: change, Outcome: out}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	return res.Change, res.Outcome, nil
}

// policyResult is what a put or remove of a policy did.
type policyResult struct {
	Change  *PolicyChange `json:"change"`
	Outcome *Outcome      `json:"outcome"`
}

func (r *policyResult) outcome() *Outcome { return r.Outcome }

func markPolicy(r *policyResult, status, note string) *policyResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// currentPolicy reads a group's policy; nil when it has none.
func (e *Engine) currentPolicy(ctx context.Context, p provider.AutoScaler, clusterID, groupID string) (*provider.ScalingPolicy, error) {
	cur, err := read(ctx, e, func(ctx context.Context) (*provider.ScalingPolicy, error) {
		return p.GetAutoScalingPolicy(ctx, clusterID, groupID)
	})
	if errors.Is(err, provider.ErrNotFound) {
		return nil, nil
	}
	if cur != nil && cur.ID == "" && len(cur.Rules) == 0 && cur.MaxCapacity == 0 {
		return nil, err
	}
	return cur, err
}

// RemoveAutoScalingPolicy deletes a node group's policy after showing it;
// a group without one is left alone and said so.
func (e *Engine) RemoveAutoScalingPolicy(ctx context.Context, call Call, clusterID, groupID string) (*provider.ScalingPolicy, *Outcome, error) {
	if err := e.checkGroup(clusterID, groupID); err != nil {
		return nil, nil, err
	}
	p, err := capability[provider.AutoScaler](e, "auto scaling")
	if err != nil {
		return nil, nil, err
	}
	in := map[string]string{"clusterId": clusterID, "nodeGroupId": groupID}
	res, err := run(ctx, e, call, job[*policyResult]{
		operation: "RemoveAutoScalingPolicy", target: groupTarget(clusterID, groupID), input: in, mark: markPolicy,
		do: func(ctx context.Context, f *flight) (*policyResult, error) {
			cur, err := e.currentPolicy(ctx, p, clusterID, groupID)
			if err != nil {
				return nil, err
			}
			op := policy.RemoveAutoScalingPolicy{ClusterID: clusterID, NodeGroupID: groupID, Current: snapshot(cur)}
			change := &PolicyChange{Current: cur}
			if cur == nil {
				return &policyResult{Change: change, Outcome: f.unchanged(ctx, op, "node group "+groupID+" already has no auto-scaling policy")}, nil
			}
			out, err := f.apply(ctx, write{
				op: op, operation: "RemoveAutoScalingPolicy", target: groupTarget(clusterID, groupID), tokenKind: journal.TokenNone,
				request: in,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.RemoveAutoScalingPolicy(ctx, clusterID, groupID)
				},
			})
			if err != nil {
				return nil, err
			}
			return &policyResult{Change: change, Outcome: out}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	return res.Change.Current, res.Outcome, nil
}

func snapshot(sp *provider.ScalingPolicy) *policy.PolicySnapshot {
	if sp == nil {
		return nil
	}
	return &policy.PolicySnapshot{MinCapacity: sp.MinCapacity, MaxCapacity: sp.MaxCapacity, Rules: policyRules(sp.Rules)}
}

func policyRules(rules []provider.ScalingRule) []policy.Rule {
	out := make([]policy.Rule, 0, len(rules))
	for _, r := range rules {
		pr := policy.Rule{Name: r.Name, TriggerType: r.TriggerType, ActivityType: r.ActivityType, Adjustment: r.Adjustment}
		if r.Metrics != nil {
			pr.CoolDownSeconds, pr.HasCoolDown = r.Metrics.CoolDownSeconds, true
		}
		out = append(out, pr)
	}
	return out
}

var hhmm = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// checkScalingPolicy validates a policy before anything is sent: the
// rules every cloud shares here, the cloud's documented names and bounds
// in its adapter; every problem is reported with its field.
func (e *Engine) checkScalingPolicy(sp provider.ScalingPolicy) error {
	var probs []FieldProblem
	add := func(field, problem, fix string) {
		probs = append(probs, FieldProblem{Field: field, Problem: problem, Fix: fix})
	}
	if err := e.checkGroup(sp.ClusterID, sp.NodeGroupID); err != nil {
		return err
	}
	if a, ok := e.opts.Provider.(provider.AutoScaler); ok {
		for _, pr := range a.AutoScalingProblems(sp) {
			add(pr.Field, pr.Message, pr.Fix)
		}
	}
	if sp.MinCapacity < 0 || sp.MaxCapacity < sp.MinCapacity {
		add("maxCapacity", fmt.Sprintf("need 0 <= minCapacity <= maxCapacity, got %d and %d", sp.MinCapacity, sp.MaxCapacity), "fix the capacities")
	}
	names := map[string]bool{}
	for i, r := range sp.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		if err := validate.Name(p+".name", r.Name); err != nil {
			add(err.Field, err.Rule, err.Fix)
		}
		if names[r.Name] {
			add(p+".name", "rule name "+r.Name+" is used twice", "give every rule its own name")
		}
		names[r.Name] = true
		if r.ActivityType != "SCALE_OUT" && r.ActivityType != "SCALE_IN" {
			add(p+".activityType", fmt.Sprintf("%q is not SCALE_OUT or SCALE_IN", r.ActivityType), "use SCALE_OUT or SCALE_IN")
		}
		if r.Adjustment < 1 {
			add(p+".adjustment", "must be a positive number of nodes", "set adjustment: N")
		}
		if r.AWS != nil {
			continue // CloudWatch rules: the adapter checked them
		}
		switch r.TriggerType {
		case "TIME_TRIGGER":
			if r.Time == nil || !hhmm.MatchString(r.Time.LaunchTime) || r.Time.StartTime.IsZero() {
				add(p+".time", "a TIME_TRIGGER rule needs time.launchTime (HH:MM) and time.startTime", "add them")
			}
		case "METRICS_TRIGGER":
			m := r.Metrics
			switch {
			case m == nil || len(m.Conditions) == 0:
				add(p+".metrics", "a METRICS_TRIGGER rule needs metrics with conditions", "add metrics.conditions")
			case m.TimeWindowSeconds < 30 || m.TimeWindowSeconds > 1800:
				add(p+".metrics.timeWindowSeconds", fmt.Sprintf("must be 30 to 1800, got %d", m.TimeWindowSeconds), "300 is a good start")
			case m.EvaluationCount < 1 || m.EvaluationCount > 5:
				add(p+".metrics.evaluationCount", fmt.Sprintf("must be 1 to 5, got %d", m.EvaluationCount), "3 to scale out, 5 to scale in")
			case m.CoolDownSeconds < 0 || m.CoolDownSeconds > 10800:
				add(p+".metrics.coolDownSeconds", fmt.Sprintf("must be 0 to 10800, got %d", m.CoolDownSeconds), "300 or more")
			}
		default:
			add(p+".triggerType", fmt.Sprintf("%q is not TIME_TRIGGER or METRICS_TRIGGER", r.TriggerType), "use TIME_TRIGGER or METRICS_TRIGGER")
		}
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

// policyText renders a policy one fact per line, for diffs. Names and
// metric fields are data from the caller: a line break in them cannot
// forge a line of the diff a person confirms.
func policyText(sp *provider.ScalingPolicy) []safetext.Text {
	if sp == nil {
		return []safetext.Text{safetext.F("(no policy)")}
	}
	lines := []safetext.Text{safetext.F("capacity: min %d, max %d", sp.MinCapacity, sp.MaxCapacity)}
	for _, r := range sp.Rules {
		l := safetext.F("rule %s: %s %s by %d", r.Name, safetext.ID(r.TriggerType), safetext.ID(r.ActivityType), r.Adjustment)
		if t := r.Time; t != nil {
			l = safetext.F("%s at %s %s %s", l, safetext.ID(t.LaunchTime), safetext.ID(t.RecurrenceType), safetext.ID(t.RecurrenceValue))
		}
		if m := r.Metrics; m != nil {
			conds := make([]safetext.Text, len(m.Conditions))
			for i, c := range m.Conditions {
				conds[i] = safetext.F("%s %s %s %v", safetext.ID(c.MetricName), safetext.ID(c.Statistics), safetext.ID(c.Operator), c.Threshold)
				for _, t := range c.Tags {
					conds[i] = safetext.F("%s [%s=%s]", conds[i], safetext.ID(t.Key), safetext.ID(t.Value))
				}
			}
			logic := safetext.F(" %s ", safetext.ID(orText(m.LogicOperator, "Or")))
			l = safetext.F("%s when %s over %ds x%d, cooldown %ds", l, joinText(conds, logic), m.TimeWindowSeconds, m.EvaluationCount, m.CoolDownSeconds)
		}
		if a := r.AWS; a != nil {
			l = safetext.F("%s (%s %s %s %s %s)", l, safetext.ID(a.Market), safetext.ID(a.AdjustmentType), safetext.ID(a.Namespace), safetext.ID(a.Unit), a.Description)
		}
		lines = append(lines, l)
	}
	return lines
}

// joinText joins items with sep between them.
func joinText(items []safetext.Text, sep safetext.Text) safetext.Text {
	var out safetext.Text
	for i, it := range items {
		if i > 0 {
			out = safetext.F("%s%s", out, sep)
		}
		out = safetext.F("%s%s", out, it)
	}
	return out
}

// policyDiff is a line diff of two policies ("-" removed, "+" added).
func policyDiff(cur, next *provider.ScalingPolicy) safetext.Text {
	return safetext.Lines(lineDiff(policyText(cur), policyText(next))...)
}

// lineDiff returns the lines of a and b prefixed "  ", "- " or "+ " by a
// longest-common-subsequence alignment.
func lineDiff(a, b []safetext.Text) []safetext.Text {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i].Equal(b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []safetext.Text
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i].Equal(b[j]):
			out = append(out, safetext.F("  %s", a[i]))
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, safetext.F("- %s", a[i]))
			i++
		default:
			out = append(out, safetext.F("+ %s", b[j]))
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, safetext.F("- %s", a[i]))
	}
	for ; j < m; j++ {
		out = append(out, safetext.F("+ %s", b[j]))
	}
	return out
}
