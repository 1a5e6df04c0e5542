package emulator

import (
	"context"
	"fmt"
)

// Injection makes something happen that the real cloud does on its own:
// a node fails, a metric breaches a scaling rule, a cluster dies.
type Injection struct {
	// Kind is node-failure, metric-breach or cluster-failure.
	Kind        string `json:"kind"`
	Region      string `json:"region"`
	ClusterID   string `json:"clusterId"`
	NodeGroupID string `json:"nodeGroupId,omitempty"`
	NodeID      string `json:"nodeId,omitempty"`
	RuleName    string `json:"ruleName,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// InjectionResult says what the injection did.
type InjectionResult struct {
	Kind       string `json:"kind"`
	NodeID     string `json:"nodeId,omitempty"`
	ActivityID string `json:"activityId,omitempty"`
	State      string `json:"state,omitempty"`
	Detail     string `json:"detail"`
}

// Inject applies an injection to the world.
func (s *Server) Inject(in Injection) (InjectionResult, error) {
	var out InjectionResult
	if _, err := s.loadControls(); err != nil { // the clock another process moved
		return out, err
	}
	c := &call{ctx: context.Background(), server: s, region: in.Region, now: s.clock.Now()}
	err := s.store.Update(func(w *World) error {
		reg, cl, err := c.clusterFor(w, in.ClusterID)
		if err != nil {
			return err
		}
		switch in.Kind {
		case "node-failure":
			out, err = injectNodeFailure(c, w, in)
		case "metric-breach":
			out, err = injectMetricBreach(c, w, reg, cl, in)
		case "cluster-failure":
			out, err = injectClusterFailure(c, w, reg, cl, in)
		default:
			err = fmt.Errorf("unknown injection kind %q: use node-failure, metric-breach or cluster-failure", in.Kind)
		}
		return err
	})
	return out, err
}

// injectClusterFailure ends a cluster as the service does when the
// account falls into arrears: TERMINATED_WITH_ERRORS, instances released.
func injectClusterFailure(c *call, w *World, reg *regionRec, cl *clusterRec, in Injection) (InjectionResult, error) {
	switch st := clusterState(cl, c.now); st {
	case stateTerminating, stateTerminated, stateTerminatedWithErrors:
		return InjectionResult{}, fmt.Errorf("cluster %s is already %s", cl.ID, st)
	}
	cl.FailCode, cl.FailMessage = "AccountException", orDefault(in.Reason, "The account is in arrears; pay-as-you-go resources were released.")
	cl.TerminatedAt = c.now
	for _, n := range w.Nodes.Select(func(n *nodeRec) bool { return n.ClusterID == cl.ID && n.TerminatedAt.IsZero() }) {
		n.StoppingAt, n.TerminatedAt = c.now, c.now
		releaseCapacity(reg, n)
	}
	return InjectionResult{Kind: in.Kind, State: stateTerminatedWithErrors, Detail: cl.FailMessage}, nil
}

func injectNodeFailure(c *call, w *World, in Injection) (InjectionResult, error) {
	var target *nodeRec
	for _, n := range w.Nodes.Select(func(n *nodeRec) bool { return n.ClusterID == in.ClusterID }) {
		if (in.NodeID == "" || n.ID == in.NodeID) && (in.NodeGroupID == "" || n.NodeGroupID == in.NodeGroupID) && nodeState(n, c.now) == nodeRunning {
			target = n
			break
		}
	}
	if target == nil {
		return InjectionResult{}, fmt.Errorf("no running node matches %+v", in)
	}
	target.StoppedAt = c.now
	target.StopReason = orDefault(in.Reason, "The instance stopped unexpectedly (disk full or out of memory).")
	return InjectionResult{Kind: in.Kind, NodeID: target.ID, State: nodeStopped, Detail: target.StopReason}, nil
}

func injectMetricBreach(c *call, w *World, reg *regionRec, cl *clusterRec, in Injection) (InjectionResult, error) {
	p, ok := w.Policies.Get(in.NodeGroupID)
	if !ok || p.ClusterID != cl.ID {
		return InjectionResult{}, fmt.Errorf("node group %s has no auto scaling policy", in.NodeGroupID)
	}
	g, _ := w.NodeGroups.Get(in.NodeGroupID)
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.TriggerType != "METRICS_TRIGGER" || (in.RuleName != "" && r.RuleName != in.RuleName) {
			continue
		}
		cond := r.MetricsTrigger.Conditions[0]
		cause := fmt.Sprintf("Metric %s %s %s %v for %d period(s) of %ds", cond.MetricName, cond.Statistics, cond.ComparisonOperator,
			*cond.Threshold, i64(r.MetricsTrigger.EvaluationCount), i64(r.MetricsTrigger.TimeWindow))
		a := applyRule(c, w, reg, cl, g, p, r, c.now, cause)
		return InjectionResult{Kind: in.Kind, ActivityID: a.ID, State: activityState(a, c.now), Detail: a.Cause}, nil
	}
	return InjectionResult{}, fmt.Errorf("node group %s has no METRICS_TRIGGER rule %q", in.NodeGroupID, in.RuleName)
}
