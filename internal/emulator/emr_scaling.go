package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

func registerScaling(s *Server) error {
	for _, h := range []struct {
		name  string
		write bool
		fn    handlerFunc
	}{
		{"PutAutoScalingPolicy", true, putAutoScalingPolicy},
		{"GetAutoScalingPolicy", false, getAutoScalingPolicy},
		{"RemoveAutoScalingPolicy", true, removeAutoScalingPolicy},
		// Listing fires scheduled rules that fell due, so it runs as a write.
		{"ListAutoScalingActivities", true, listAutoScalingActivities},
		{"GetAutoScalingActivity", true, getAutoScalingActivity},
	} {
		if err := s.handle("emr-20210320", h.name, h.write, h.fn); err != nil {
			return err
		}
	}
	return nil
}

var launchTimeRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

func putAutoScalingPolicy(c *call, w *World) (any, error) {
	var req emrwire.PutAutoScalingPolicyRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	g, err := c.nodeGroup(w, cl, req.NodeGroupId)
	if err != nil {
		return nil, err
	}
	if g.Config.NodeGroupType != "TASK" {
		return nil, errDenied("OperationDenied.NodeGroupType", "auto scaling applies only to TASK node groups; %s is %s", g.ID, g.Config.NodeGroupType)
	}
	cons := &emrwire.ScalingConstraints{MinCapacity: ptr(int64(0)), MaxCapacity: ptr(int64(2000))}
	if req.Constraints != nil {
		if req.Constraints.MinCapacity != nil {
			cons.MinCapacity = req.Constraints.MinCapacity
		}
		if req.Constraints.MaxCapacity != nil {
			cons.MaxCapacity = req.Constraints.MaxCapacity
		}
	}
	if i64(cons.MinCapacity) < 0 || i64(cons.MaxCapacity) > 2000 || i64(cons.MinCapacity) > i64(cons.MaxCapacity) {
		return nil, errInvalidParameter("Constraints must satisfy 0 <= MinCapacity <= MaxCapacity <= 2000, got %d and %d", i64(cons.MinCapacity), i64(cons.MaxCapacity))
	}
	if len(req.ScalingRules) > 100 {
		return nil, errInvalidParameter("ScalingRules takes at most 100 rules, got %d", len(req.ScalingRules))
	}
	names := map[string]bool{}
	for i, r := range req.ScalingRules {
		if err := checkRule(fmt.Sprintf("ScalingRules.%d", i+1), r); err != nil {
			return nil, err
		}
		if names[r.RuleName] {
			return nil, errInvalidParameter("ScalingRules.%d.RuleName %q is used twice", i+1, r.RuleName)
		}
		names[r.RuleName] = true
	}
	p, ok := w.Policies.Get(g.ID)
	if !ok {
		p = &policyRec{ID: w.newID("asp-", 16), ClusterID: cl.ID, NodeGroupID: g.ID}
	}
	p.Constraints, p.Rules, p.UpdatedAt = cons, req.ScalingRules, c.now
	w.Policies.Put(g.ID, p)
	return &emrwire.PutAutoScalingPolicyResponse{RequestId: c.requestID}, nil
}

func checkRule(p string, r emrwire.ScalingRule) error {
	switch {
	case r.RuleName == "":
		return errMissing("MissingRuleName", "%s.RuleName is mandatory", p)
	case r.ActivityType != "SCALE_OUT" && r.ActivityType != "SCALE_IN":
		return errInvalidParameter("%s.ActivityType %q is not valid; use SCALE_OUT or SCALE_IN", p, r.ActivityType)
	case i64(r.AdjustmentValue) < 1:
		return errInvalidParameter("%s.AdjustmentValue must be a positive integer", p)
	}
	switch r.TriggerType {
	case "TIME_TRIGGER":
		t := r.TimeTrigger
		if t == nil {
			return errMissing("MissingTimeTrigger", "%s.TimeTrigger is mandatory for TIME_TRIGGER rules", p)
		}
		if !launchTimeRE.MatchString(t.LaunchTime) {
			return errInvalidParameter("%s.TimeTrigger.LaunchTime must be HH:MM, got %q", p, t.LaunchTime)
		}
		if t.StartTime == nil {
			return errMissing("MissingStartTime", "%s.TimeTrigger.StartTime is mandatory", p)
		}
		if rt := t.RecurrenceType; rt != "" && rt != "DAILY" && rt != "WEEKLY" && rt != "MONTHLY" {
			return errInvalidParameter("%s.TimeTrigger.RecurrenceType %q is not valid; use DAILY, WEEKLY or MONTHLY", p, rt)
		}
	case "METRICS_TRIGGER":
		m := r.MetricsTrigger
		if m == nil {
			return errMissing("MissingMetricsTrigger", "%s.MetricsTrigger is mandatory for METRICS_TRIGGER rules", p)
		}
		if tw := i64(m.TimeWindow); tw < 30 || tw > 1800 {
			return errInvalidParameter("%s.MetricsTrigger.TimeWindow must be 30 to 1800 seconds, got %d", p, tw)
		}
		if ec := i64(m.EvaluationCount); ec < 1 || ec > 5 {
			return errInvalidParameter("%s.MetricsTrigger.EvaluationCount must be 1 to 5, got %d", p, ec)
		}
		if cd := i64(m.CoolDownInterval); cd < 0 || cd > 10800 {
			return errInvalidParameter("%s.MetricsTrigger.CoolDownInterval must be 0 to 10800 seconds, got %d", p, cd)
		}
		if len(m.Conditions) == 0 {
			return errMissing("MissingConditions", "%s.MetricsTrigger.Conditions is mandatory", p)
		}
		for j, cond := range m.Conditions {
			if cond.MetricName == "" || !contains([]string{"MAX", "MIN", "AVG"}, cond.Statistics) ||
				!contains([]string{"EQ", "NE", "GT", "LT", "GE", "LE"}, cond.ComparisonOperator) || cond.Threshold == nil {
				return errInvalidParameter("%s.MetricsTrigger.Conditions.%d needs MetricName, Statistics (MAX/MIN/AVG), ComparisonOperator (EQ/NE/GT/LT/GE/LE) and Threshold", p, j+1)
			}
		}
	default:
		return errInvalidParameter("%s.TriggerType %q is not valid; use TIME_TRIGGER or METRICS_TRIGGER", p, r.TriggerType)
	}
	return nil
}

func policyFor(c *call, w *World, clusterID, groupID string) (*clusterRec, *nodeGroupRec, *policyRec, error) {
	_, cl, err := c.clusterFor(w, clusterID)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := c.nodeGroup(w, cl, groupID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, _ := w.Policies.Get(g.ID)
	return cl, g, p, nil
}

func getAutoScalingPolicy(c *call, w *World) (any, error) {
	var req emrwire.GetAutoScalingPolicyRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, _, p, err := policyFor(c, w, req.ClusterId, req.NodeGroupId)
	if err != nil {
		return nil, err
	}
	resp := &emrwire.GetAutoScalingPolicyResponse{RequestId: c.requestID}
	if p == nil {
		return resp, nil
	}
	sp := &emrwire.GetAutoScalingPolicyResponseScalingPolicy{
		ClusterId: p.ClusterID, NodeGroupId: p.NodeGroupID, ScalingPolicyId: p.ID,
		Constraints: &emrwire.GetAutoScalingPolicyResponseScalingPolicyConstraints{MaxCapacity: p.Constraints.MaxCapacity, MinCapacity: p.Constraints.MinCapacity},
	}
	for _, r := range p.Rules {
		sp.ScalingRules = append(sp.ScalingRules, emrwire.GetAutoScalingPolicyResponseScalingPolicyScalingRulesItem{
			ActivityType: r.ActivityType, AdjustmentType: "CHANGE_IN_CAPACITY", AdjustmentValue: r.AdjustmentValue,
			MetricsTrigger: r.MetricsTrigger, RuleName: r.RuleName, TimeTrigger: r.TimeTrigger, TriggerType: r.TriggerType,
		})
	}
	resp.ScalingPolicy = sp
	return resp, nil
}

func removeAutoScalingPolicy(c *call, w *World) (any, error) {
	var req emrwire.RemoveAutoScalingPolicyRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, g, p, err := policyFor(c, w, req.ClusterId, req.NodeGroupId)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errNotFound("ScalingPolicyNotFound", "node group %s has no auto scaling policy", g.ID)
	}
	w.Policies.Delete(g.ID)
	return &emrwire.RemoveAutoScalingPolicyResponse{RequestId: c.requestID}, nil
}

func activityState(a *activityRec, now time.Time) string {
	if a.State == "IN_PROGRESS" && reached(now, a.EndAt) {
		return "SUCCESSFUL"
	}
	return a.State
}

func listAutoScalingActivities(c *call, w *World) (any, error) {
	var req emrwire.ListAutoScalingActivitiesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	kr, err := emrKeyset(req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	fireSchedules(c, w, reg, cl)
	acts := w.activitiesByCluster.Select(cl.ID, func(a *activityRec) bool {
		return (req.NodeGroupId == "" || a.NodeGroupID == req.NodeGroupId) &&
			(req.ScalingActivityType == "" || a.Type == req.ScalingActivityType) &&
			(req.ScalingRuleName == "" || a.RuleName == req.ScalingRuleName) &&
			(req.ScalingPolicyType == "" || req.ScalingPolicyType == "AUTO_SCALING") &&
			(len(req.InstanceChargeTypes) == 0 || contains(req.InstanceChargeTypes, chargeTypeOf(w, a.NodeGroupID))) &&
			(len(req.ScalingActivityStates) == 0 || contains(req.ScalingActivityStates, activityState(a, c.now))) &&
			(req.StartTime == nil || a.StartedAt.UnixMilli() >= *req.StartTime) &&
			(req.EndTime == nil || a.StartedAt.UnixMilli() <= *req.EndTime)
	})
	keys := make([]indexKey, len(acts))
	for i, a := range acts {
		keys[i] = indexKey{Rank: -a.StartedAt.UnixNano(), ID: a.ID} // newest first
	}
	page, total, next := keyedPage(acts, keys, kr)
	resp := &emrwire.ListAutoScalingActivitiesResponse{MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total)}
	for _, a := range page {
		resp.ScalingActivities = append(resp.ScalingActivities, emrwire.ListAutoScalingActivitiesResponseScalingActivitiesItem{
			ActivityId: a.ID, ActivityState: activityState(a, c.now), ActivityType: a.Type, ClusterId: a.ClusterID,
			Description: a.Cause, EndTime: millis(a.EndAt), ExpectNum: ptr(a.ExpectNum), NodeGroupId: a.NodeGroupID,
			NodeGroupName: groupName(w, a.NodeGroupID), OperationId: a.OperationID, PolicyType: "AUTO_SCALING",
			RuleName: a.RuleName, StartTime: millis(a.StartedAt),
		})
	}
	return resp, nil
}

// chargeTypeOf is how a node group's instances are billed, in the terms
// of the InstanceChargeTypes filter.
func chargeTypeOf(w *World, groupID string) string {
	if g, ok := w.NodeGroups.Get(groupID); ok && g.Config.SpotStrategy != "" && g.Config.SpotStrategy != "NoSpot" {
		return "SPOT"
	}
	return "ONDEMAND"
}

func groupName(w *World, id string) string {
	if g, ok := w.NodeGroups.Get(id); ok {
		return g.Config.NodeGroupName
	}
	return ""
}

func getAutoScalingActivity(c *call, w *World) (any, error) {
	var req emrwire.GetAutoScalingActivityRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	fireSchedules(c, w, reg, cl)
	a, ok := w.Activities.Get(req.ScalingActivityId)
	if !ok || a.ClusterID != cl.ID {
		return nil, errNotFound("ScalingActivityNotFound", "scaling activity %s does not exist in cluster %s", req.ScalingActivityId, cl.ID)
	}
	v := &emrwire.GetAutoScalingActivityResponseScalingActivity{
		ActivityId: a.ID, ActivityState: activityState(a, c.now), ActivityType: a.Type, ClusterId: a.ClusterID,
		Description: a.Cause, EndTime: millis(a.EndAt), ExpectNum: ptr(a.ExpectNum), NodeGroupId: a.NodeGroupID,
		NodeGroupName: groupName(w, a.NodeGroupID), OperationId: a.OperationID, PolicyType: "AUTO_SCALING",
		RuleDetail: a.Rule, RuleName: a.RuleName, StartTime: millis(a.StartedAt),
	}
	for _, id := range a.NodeIDs {
		v.ActivityResults = append(v.ActivityResults, emrwire.ScalingActivityResult{InstanceId: id})
	}
	return &emrwire.GetAutoScalingActivityResponse{RequestId: c.requestID, ScalingActivity: v}, nil
}

// scheduleZone is the time zone scheduled rules run in (Alibaba's consoles
// default to China Standard Time).
var scheduleZone = time.FixedZone("CST", 8*3600)

// fireSchedules runs the TIME_TRIGGER rules whose launch time passed since
// they were last evaluated (at most the latest few occurrences).
func fireSchedules(c *call, w *World, reg *regionRec, cl *clusterRec) {
	for _, p := range w.policiesByCluster.Select(cl.ID, nil) {
		g, ok := w.NodeGroups.Get(p.NodeGroupID)
		if !ok {
			continue
		}
		for i := range p.Rules {
			r := &p.Rules[i]
			if r.TriggerType != "TIME_TRIGGER" {
				continue
			}
			for _, at := range dueLaunches(r.TimeTrigger, p.UpdatedAt, c.now) {
				applyRule(c, w, reg, cl, g, p, r, at, fmt.Sprintf("Scheduled rule %s fired at %s %s", r.RuleName, at.In(scheduleZone).Format("2006-01-02 15:04"), "CST"))
			}
		}
		p.UpdatedAt = c.now
	}
}

// dueLaunches lists launch times of t in (since, now], newest last, at
// most three.
func dueLaunches(t *emrwire.TimeTrigger, since, now time.Time) []time.Time {
	if t == nil || !launchTimeRE.MatchString(t.LaunchTime) {
		return nil
	}
	hh, _ := strconv.Atoi(t.LaunchTime[:2])
	mm, _ := strconv.Atoi(t.LaunchTime[3:])
	start := since
	if t.StartTime != nil && time.UnixMilli(*t.StartTime).After(start) {
		start = time.UnixMilli(*t.StartTime)
	}
	var out []time.Time
	day := time.Date(now.In(scheduleZone).Year(), now.In(scheduleZone).Month(), now.In(scheduleZone).Day(), hh, mm, 0, 0, scheduleZone)
	for i := 0; i < 62 && len(out) < 3; i++ {
		at := day.AddDate(0, 0, -i)
		if at.After(now) {
			continue
		}
		if !at.After(start) {
			break
		}
		if t.EndTime != nil && at.After(time.UnixMilli(*t.EndTime)) {
			continue
		}
		if recurs(t, at) {
			out = append([]time.Time{at}, out...)
		}
	}
	return out
}

var weekdays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

func recurs(t *emrwire.TimeTrigger, at time.Time) bool {
	vals := strings.Split(strings.ToUpper(t.RecurrenceValue), ",")
	switch t.RecurrenceType {
	case "WEEKLY":
		return contains(vals, weekdays[at.In(scheduleZone).Weekday()])
	case "MONTHLY":
		return contains(vals, strconv.Itoa(at.In(scheduleZone).Day()))
	}
	return true
}

// applyRule performs one scaling activity for rule r at time at,
// respecting the policy's capacity and the rule's cooldown.
func applyRule(c *call, w *World, reg *regionRec, cl *clusterRec, g *nodeGroupRec, p *policyRec, r *emrwire.ScalingRule, at time.Time, cause string) *activityRec {
	rule := *r
	a := &activityRec{
		ID: w.newID("asa-", 16), ClusterID: cl.ID, NodeGroupID: g.ID, RuleName: r.RuleName, Rule: &rule,
		Type: r.ActivityType, StartedAt: at, EndAt: at, State: "REJECTED",
	}
	w.Activities.Put(a.ID, a)
	live := countState(nodesOf(w, g.ID), at, nodePending, nodeStarting, nodeRunning)
	adj := int(i64(r.AdjustmentValue))
	if msg := cooldownBlock(w, g, r, at); msg != "" {
		a.Cause = cause + "; rejected: " + msg
		return a
	}
	if clusterState(cl, at) != stateRunning || at.Before(g.ResizeUntil) {
		a.Cause = cause + "; rejected: the cluster or node group is busy (not RUNNING)"
		return a
	}
	if r.ActivityType == "SCALE_OUT" {
		n := min(adj, int(i64(p.Constraints.MaxCapacity))-live)
		if n <= 0 {
			a.Cause = fmt.Sprintf("%s; rejected: the node group is at MaxCapacity %d", cause, i64(p.Constraints.MaxCapacity))
			return a
		}
		it, avail := pickInstanceType(reg, g, n)
		if avail < 1 {
			a.State, a.Cause = "FAILED", fmt.Sprintf("%s; failed: %s out of stock in %s", cause, it, g.ZoneID)
			return a
		}
		if reg.freeIPs(g.Config.VSwitchIds[0]) < 1 {
			a.State, a.Cause = "FAILED", fmt.Sprintf("%s; failed: vSwitch %s has no free IP address", cause, g.Config.VSwitchIds[0])
			return a
		}
		n = min(n, avail, reg.freeIPs(g.Config.VSwitchIds[0]))
		nodes := addNodes(c, w, reg, cl, g, it, n, at, at.Add(c.scale(nodeRunAfter)))
		g.Config.NodeCount = ptr(i64(g.Config.NodeCount) + int64(n))
		g.ResizeKind, g.ResizeUntil = "INCREASING", at.Add(c.scale(resizeFor))
		for _, nd := range nodes {
			a.NodeIDs = append(a.NodeIDs, nd.ID)
		}
		a.ExpectNum, a.State, a.EndAt = int64(n), "IN_PROGRESS", g.ResizeUntil
		a.Cause = fmt.Sprintf("%s; adding %d node(s) (max %d)", cause, n, i64(p.Constraints.MaxCapacity))
		return a
	}
	n := min(adj, live-int(i64(p.Constraints.MinCapacity)))
	if n <= 0 {
		a.Cause = fmt.Sprintf("%s; rejected: the node group is at MinCapacity %d", cause, i64(p.Constraints.MinCapacity))
		return a
	}
	victims := newestLive(w, g, at, n)
	for _, v := range victims {
		v.StoppingAt, v.TerminatedAt = at, at.Add(c.scale(nodeStopFor))
		releaseCapacity(reg, v)
		a.NodeIDs = append(a.NodeIDs, v.ID)
	}
	g.Config.NodeCount = ptr(max(0, i64(g.Config.NodeCount)-int64(len(victims))))
	g.ResizeKind, g.ResizeUntil = "DECREASING", at.Add(c.scale(nodeStopFor))
	a.ExpectNum, a.State, a.EndAt = int64(len(victims)), "IN_PROGRESS", g.ResizeUntil
	a.Cause = fmt.Sprintf("%s; releasing %d node(s) (min %d)", cause, len(victims), i64(p.Constraints.MinCapacity))
	return a
}

func newestLive(w *World, g *nodeGroupRec, at time.Time, n int) []*nodeRec {
	var live []*nodeRec
	for _, x := range nodesOf(w, g.ID) {
		if contains([]string{nodePending, nodeStarting, nodeRunning}, nodeState(x, at)) {
			live = append(live, x)
		}
	}
	slices.SortStableFunc(live, func(a, b *nodeRec) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return live[:min(n, len(live))]
}

// cooldownBlock explains why a metric rule may not fire yet.
func cooldownBlock(w *World, g *nodeGroupRec, r *emrwire.ScalingRule, at time.Time) string {
	if r.MetricsTrigger == nil {
		return ""
	}
	cd := time.Duration(i64(r.MetricsTrigger.CoolDownInterval)) * time.Second
	for _, a := range w.activitiesByCluster.Select(g.ClusterID, func(a *activityRec) bool {
		return a.NodeGroupID == g.ID && a.RuleName == r.RuleName && a.State != "REJECTED"
	}) {
		if at.Sub(a.StartedAt) < cd {
			return fmt.Sprintf("rule %s is cooling down until %s", r.RuleName, a.StartedAt.Add(cd).UTC().Format(time.RFC3339))
		}
	}
	return ""
}
