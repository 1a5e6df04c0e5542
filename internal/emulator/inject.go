package emulator

import (
	"context"
	"fmt"
	"strings"
)

// Injection makes something happen that the real cloud does on its own:
// a node fails, a metric breaches a scaling rule, a cluster dies, a JDBC
// client opens a session on a Kyuubi gateway.
type Injection struct {
	// Kind is node-failure, metric-breach, cluster-failure or
	// kyuubi-application.
	Kind        string `json:"kind"`
	Region      string `json:"region"`
	ClusterID   string `json:"clusterId,omitempty"`
	NodeGroupID string `json:"nodeGroupId,omitempty"`
	NodeID      string `json:"nodeId,omitempty"`
	RuleName    string `json:"ruleName,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// WorkspaceID and KyuubiServiceID name the gateway of a
	// kyuubi-application (Serverless Spark).
	WorkspaceID     string `json:"workspaceId,omitempty"`
	KyuubiServiceID string `json:"kyuubiServiceId,omitempty"`
}

// InjectionResult says what the injection did.
type InjectionResult struct {
	Kind          string `json:"kind"`
	NodeID        string `json:"nodeId,omitempty"`
	ActivityID    string `json:"activityId,omitempty"`
	ApplicationID string `json:"applicationId,omitempty"`
	State         string `json:"state,omitempty"`
	Detail        string `json:"detail"`
}

// Inject applies an injection to the world.
func (s *Server) Inject(in Injection) (InjectionResult, error) {
	var out InjectionResult
	if _, err := s.loadControls(); err != nil { // the clock another process moved
		return out, err
	}
	c := &call{ctx: context.Background(), server: s, region: in.Region, now: s.clock.Now()}
	if in.Kind == "kyuubi-application" {
		err := s.store.Update(func(w *World) error {
			var err error
			out, err = injectKyuubiApplication(c, w, in)
			return err
		})
		return out, err
	}
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
			err = fmt.Errorf("unknown injection kind %q: use node-failure, metric-breach, cluster-failure or kyuubi-application", in.Kind)
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

// injectKyuubiApplication starts a Spark application on a RUNNING Kyuubi
// gateway, as a JDBC client (beeline) connecting to it would.
func injectKyuubiApplication(c *call, w *World, in Injection) (InjectionResult, error) {
	ws, ok := w.Workspaces.Get(in.WorkspaceID)
	if !ok || (in.Region != "" && ws.Region != in.Region) {
		return InjectionResult{}, fmt.Errorf("workspace %s does not exist in %s", in.WorkspaceID, in.Region)
	}
	k, ok := w.Kyuubis.Get(in.KyuubiServiceID)
	if !ok || k.WorkspaceID != ws.ID {
		return InjectionResult{}, fmt.Errorf("the Kyuubi service %s does not exist in workspace %s", in.KyuubiServiceID, ws.ID)
	}
	if st := kyuubiState(k, c.now); st != kbRunning {
		return InjectionResult{}, fmt.Errorf("the Kyuubi service %s is %s; a JDBC client can connect only to a RUNNING service", k.ID, st)
	}
	a := &kyuubiAppRec{
		ID: "spark-" + strings.TrimPrefix(w.newID("x", 32), "x"), WorkspaceID: ws.ID, KyuubiID: k.ID, Queue: k.Queue, CU: 4,
		StartedAt: c.now, RunningAt: c.now.Add(c.scale(appStartingFor)), LatestStatus: "RUNNING",
	}
	a.Name = "kyuubi-connection-spark-sql-anonymous-" + a.ID[len(a.ID)-12:]
	w.KyuubiApps.Put(a.ID, a)
	return InjectionResult{Kind: in.Kind, ApplicationID: a.ID, State: appState(a, c.now), Detail: "a JDBC session opened " + a.Name}, nil
}
