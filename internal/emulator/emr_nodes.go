package emulator

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Node states (SDK enum).
const (
	nodePending    = "Pending"
	nodeStarting   = "Starting"
	nodeRunning    = "Running"
	nodeStopping   = "Stopping"
	nodeStopped    = "Stopped"
	nodeTerminated = "Terminated"
)

func registerNodes(s *Server) error {
	for _, h := range []struct {
		name  string
		write bool
		fn    handlerFunc
	}{
		{"ListNodeGroups", false, listNodeGroups},
		{"GetNodeGroup", false, getNodeGroup},
		{"CreateNodeGroup", true, createNodeGroup},
		{"ListNodes", false, listNodes},
		{"IncreaseNodes", true, increaseNodes},
		{"DecreaseNodes", true, decreaseNodes},
		{"GetOperation", false, getOperation},
	} {
		if err := s.handle("emr-20210320", h.name, h.write, h.fn); err != nil {
			return err
		}
	}
	return nil
}

func nodeState(n *nodeRec, now time.Time) string {
	switch {
	case reached(now, n.TerminatedAt):
		return nodeTerminated
	case reached(now, n.StoppingAt):
		return nodeStopping
	case reached(now, n.StoppedAt):
		return nodeStopped
	case reached(now, n.RunningAt):
		return nodeRunning
	case reached(now, n.StartingAt):
		return nodeStarting
	}
	return nodePending
}

// nodeGroupState derives a node group's state from its cluster and any
// resize under way.
func nodeGroupState(g *nodeGroupRec, cl *clusterRec, now time.Time) string {
	switch clusterState(cl, now) {
	case stateTerminated, stateTerminatedWithErrors, stateStartFailed:
		return "TERMINATED"
	case stateTerminating:
		return "TERMINATING"
	case stateStarting, stateBootstrapping:
		return "CREATING"
	}
	if now.Before(g.ResizeUntil) {
		return g.ResizeKind
	}
	return "RUNNING"
}

func groupsOf(w *World, clusterID string) []*nodeGroupRec {
	gs := w.groupsByCluster.Select(clusterID, nil)
	slices.SortStableFunc(gs, func(a, b *nodeGroupRec) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return groupRank(a.Config.NodeGroupType) - groupRank(b.Config.NodeGroupType)
	})
	return gs
}

func groupRank(t string) int {
	return strings.Index("MASTER MASTER-EXTEND CORE TASK GATEWAY", t)
}

func nodesOf(w *World, groupID string) []*nodeRec {
	ns := w.nodesByGroup.Select(groupID, nil)
	slices.SortStableFunc(ns, func(a, b *nodeRec) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return ns
}

func countState(nodes []*nodeRec, now time.Time, states ...string) int {
	n := 0
	for _, x := range nodes {
		if contains(states, nodeState(x, now)) {
			n++
		}
	}
	return n
}

func nodeGroupView(w *World, g *nodeGroupRec, cl *clusterRec, now time.Time) emrwire.NodeGroup {
	cfg := g.Config
	state := nodeGroupState(g, cl, now)
	return emrwire.NodeGroup{
		AdditionalSecurityGroupIds: cfg.AdditionalSecurityGroupIds, CompensateWithOnDemand: cfg.CompensateWithOnDemand,
		CostOptimizedConfig: cfg.CostOptimizedConfig, DataDisks: cfg.DataDisks, DeploymentSetStrategy: cfg.DeploymentSetStrategy,
		GracefulShutdown: cfg.GracefulShutdown, InstanceTypes: cfg.InstanceTypes, NodeGroupId: g.ID,
		NodeGroupName: cfg.NodeGroupName, NodeGroupState: state, NodeGroupType: cfg.NodeGroupType,
		NodeResizeStrategy: cfg.NodeResizeStrategy, PaymentType: cfg.PaymentType, PrivatePoolOptions: cfg.PrivatePoolOptions,
		RunningNodeCount: ptr(int64(countState(nodesOf(w, g.ID), now, nodeRunning))), SpotBidPrices: cfg.SpotBidPrices,
		SpotInstanceRemedy: cfg.SpotInstanceRemedy, SpotStrategy: orDefault(cfg.SpotStrategy, "NoSpot"), Status: state,
		SystemDisk: cfg.SystemDisk, VSwitchIds: cfg.VSwitchIds, WithPublicIp: ptr(boolv(cfg.WithPublicIp)), ZoneId: g.ZoneID,
	}
}

func (c *call) nodeGroup(w *World, cl *clusterRec, id string) (*nodeGroupRec, error) {
	if id == "" {
		return nil, errMissing("MissingParameter", "NodeGroupId is mandatory for this action")
	}
	g, ok := w.NodeGroups.Get(id)
	if !ok || g.ClusterID != cl.ID {
		return nil, errNotFound("NodeGroupNotFound", "node group %s does not exist in cluster %s; call ListNodeGroups to find the ID", id, cl.ID)
	}
	return g, nil
}

// clusterFor resolves the region and the cluster of a request.
func (c *call) clusterFor(w *World, id string) (*regionRec, *clusterRec, error) {
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, nil, err
	}
	cl, err := c.cluster(w, id)
	return reg, cl, err
}

func listNodeGroups(c *call, w *World) (any, error) {
	var req emrwire.ListNodeGroupsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	kr, err := emrKeyset(req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	var views []emrwire.NodeGroup
	var keys []indexKey
	for _, g := range groupsOf(w, cl.ID) {
		v := nodeGroupView(w, g, cl, c.now)
		if (len(req.NodeGroupIds) > 0 && !contains(req.NodeGroupIds, v.NodeGroupId)) ||
			(len(req.NodeGroupNames) > 0 && !contains(req.NodeGroupNames, v.NodeGroupName)) ||
			(len(req.NodeGroupTypes) > 0 && !contains(req.NodeGroupTypes, v.NodeGroupType)) ||
			(len(req.NodeGroupStates) > 0 && !contains(req.NodeGroupStates, v.NodeGroupState)) ||
			(req.ZoneId != "" && req.ZoneId != v.ZoneId) {
			continue
		}
		views = append(views, v)
		keys = append(keys, indexKey{ID: groupKey(g)})
	}
	page, total, next := keyedPage(views, keys, kr)
	return &emrwire.ListNodeGroupsResponse{
		MaxResults: ptr(kr.max), NextToken: next, NodeGroups: page,
		RequestId: c.requestID, TotalCount: ptr(total),
	}, nil
}

// groupKey orders groups as groupsOf does: by creation, then MASTER
// before CORE before TASK, then by ID.
func groupKey(g *nodeGroupRec) string {
	return compositeID(timeRank(g.CreatedAt), fmt.Sprintf("%03d", groupRank(g.Config.NodeGroupType)+1), g.ID)
}

func getNodeGroup(c *call, w *World) (any, error) {
	var req emrwire.GetNodeGroupRequest
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
	v := nodeGroupView(w, g, cl, c.now)
	return &emrwire.GetNodeGroupResponse{NodeGroup: &v, RequestId: c.requestID}, nil
}

func listNodes(c *call, w *World) (any, error) {
	var req emrwire.ListNodesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	kr, err := emrKeyset(req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	var views []emrwire.Node
	var keys []indexKey
	for _, g := range groupsOf(w, cl.ID) {
		if len(req.NodeGroupIds) > 0 && !contains(req.NodeGroupIds, g.ID) {
			continue
		}
		for _, n := range nodesOf(w, g.ID) {
			v := nodeView(n, g, c.now)
			if (len(req.NodeIds) > 0 && !contains(req.NodeIds, v.NodeId)) ||
				(len(req.NodeNames) > 0 && !contains(req.NodeNames, v.NodeName)) ||
				(len(req.NodeStates) > 0 && !contains(req.NodeStates, v.NodeState)) ||
				(len(req.PrivateIps) > 0 && !contains(req.PrivateIps, v.PrivateIp)) ||
				(len(req.PublicIps) > 0 && !contains(req.PublicIps, v.PublicIp)) {
				continue
			}
			views = append(views, v)
			keys = append(keys, indexKey{ID: compositeID(groupKey(g), timeRank(n.CreatedAt), n.ID)})
		}
	}
	page, total, next := keyedPage(views, keys, kr)
	return &emrwire.ListNodesResponse{
		MaxResults: ptr(kr.max), NextToken: next, Nodes: page,
		RequestId: c.requestID, TotalCount: ptr(total),
	}, nil
}

func nodeView(n *nodeRec, g *nodeGroupRec, now time.Time) emrwire.Node {
	v := emrwire.Node{
		CreateTime: millis(n.CreatedAt), ExpireTime: millis(n.ExpireAt), InstanceType: n.InstanceType,
		NodeGroupId: n.NodeGroupID, NodeGroupType: g.Config.NodeGroupType, NodeId: n.ID, NodeName: n.Name,
		NodeState: nodeState(n, now), PrivateIp: n.PrivateIP, PublicIp: n.PublicIP, ZoneId: n.ZoneID,
		MaintenanceStatus: "ON_SERVICE",
	}
	if n.PaymentType == "Subscription" {
		v.AutoRenew = ptr(n.AutoRenew)
	}
	if !n.StoppedAt.IsZero() && reached(now, n.StoppedAt) {
		v.MaintenanceStatus = "ABNORMAL"
	}
	return v
}

// addNodes creates n nodes of a group: Pending now, Starting shortly after,
// Running at runAt. They consume stock and vSwitch addresses.
func addNodes(c *call, w *World, reg *regionRec, cl *clusterRec, g *nodeGroupRec, instanceType string, n int, now, runAt time.Time) []*nodeRec {
	out := make([]*nodeRec, 0, n)
	vsw := g.Config.VSwitchIds[0]
	for i := 0; i < n; i++ {
		g.Created++
		node := &nodeRec{
			ID: w.newID("i-", 20), ClusterID: cl.ID, NodeGroupID: g.ID,
			Name:         fmt.Sprintf("%s-%d", g.Config.NodeGroupName, g.Created),
			InstanceType: instanceType, ZoneID: g.ZoneID, VSwitchID: vsw, PrivateIP: reg.allocateIP(vsw),
			PaymentType: g.Config.PaymentType, CreatedAt: now,
			StartingAt: now.Add(c.scale(nodeStartAfter)), RunningAt: runAt,
		}
		if boolv(g.Config.WithPublicIp) {
			node.PublicIP = fmt.Sprintf("47.%d.%d.%d", 96+len(node.ID)%32, g.Created%250, 10+i%240)
		}
		if node.PaymentType == "Subscription" {
			node.ExpireAt = cl.ExpireAt
			if node.ExpireAt.IsZero() {
				node.ExpireAt = now.Add(30 * 24 * time.Hour)
			}
		}
		reg.Stock[g.ZoneID][instanceType]--
		w.Nodes.Put(node.ID, node)
		out = append(out, node)
	}
	return out
}

// allocateIP hands out the next address of a vSwitch's CIDR block.
func (r *regionRec) allocateIP(vswID string) string {
	for i := range r.VSwitches {
		v := &r.VSwitches[i]
		if v.ID != vswID {
			continue
		}
		if r.NextIP == nil {
			r.NextIP = map[string]int{}
		}
		r.NextIP[vswID]++
		v.AvailableIPs--
		p, err := netip.ParsePrefix(v.CIDR)
		if err != nil {
			return ""
		}
		a := p.Addr().As4()
		n := r.NextIP[vswID] + 10
		a[2] += byte(n / 250)
		a[3] = byte(n%250) + 1
		return netip.AddrFrom4(a).String()
	}
	return ""
}

// freeIPs is the number of free addresses of a vSwitch.
func (r *regionRec) freeIPs(vswID string) int {
	if v, ok := r.vswitch(vswID); ok {
		return max(0, v.AvailableIPs)
	}
	return 0
}

// needIPs refuses to add n nodes to a vSwitch without room for them, as
// ECS does when it cannot give the instances an address.
func needIPs(reg *regionRec, vswID string, n int) error {
	if free := reg.freeIPs(vswID); free < n {
		return errDenied("InvalidVSwitchId.IpNotEnough", "vSwitch %s has %d free IP addresses, %d needed; use another vSwitch or fewer nodes", vswID, free, n)
	}
	return nil
}

// releaseCapacity returns a node's instance and its address to the
// vSwitch it came from (records written before VSwitchID existed fall back
// to the first vSwitch of the zone).
func releaseCapacity(reg *regionRec, n *nodeRec) {
	reg.Stock[n.ZoneID][n.InstanceType]++
	for i := range reg.VSwitches {
		v := &reg.VSwitches[i]
		if v.ID == n.VSwitchID || (n.VSwitchID == "" && v.ZoneID == n.ZoneID) {
			v.AvailableIPs++
			return
		}
	}
}

// requireRunning refuses changes unless the cluster is RUNNING.
func requireRunning(cl *clusterRec, now time.Time) error {
	if st := clusterState(cl, now); st != stateRunning {
		return errDenied("OperationDenied.ClusterStatus", "cluster %s is %s; this operation needs a RUNNING cluster (wait for RUNNING and retry)", cl.ID, st)
	}
	return nil
}

// requireIdle refuses a second resize while one is under way.
func requireIdle(g *nodeGroupRec, now time.Time) error {
	if now.Before(g.ResizeUntil) {
		return errDenied("ConcurrentModification", "node group %s is %s until %s; wait for RUNNING before another scaling operation", g.ID, g.ResizeKind, g.ResizeUntil.UTC().Format(time.RFC3339))
	}
	return nil
}

// pickInstanceType returns the first of the group's types with at least
// want instances in stock, or the one with the most stock.
func pickInstanceType(reg *regionRec, g *nodeGroupRec, want int) (string, int) {
	best, bestN := g.Config.InstanceTypes[0], -1
	for _, t := range g.Config.InstanceTypes {
		n := reg.Stock[g.ZoneID][t]
		if n >= want {
			return t, n
		}
		if n > bestN {
			best, bestN = t, n
		}
	}
	return best, max(bestN, 0)
}

func createNodeGroup(c *call, w *World) (any, error) {
	var req emrwire.CreateNodeGroupRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if req.NodeGroup == nil {
		return nil, errMissing("MissingParameter", "NodeGroup is mandatory for this action")
	}
	if err := requireRunning(cl, c.now); err != nil {
		return nil, err
	}
	cfg := *req.NodeGroup
	if err := checkNewGroup(reg, w, cl, &cfg); err != nil {
		return nil, err
	}
	n := int(i64(cfg.NodeCount))
	it, avail := pickInstanceType(reg, &nodeGroupRec{Config: cfg, ZoneID: cl.NodeAttributes.ZoneId}, n)
	if avail < n {
		return nil, errDenied("ResourceNotEnough", "the instance types %s have %d instances in stock in %s, %d requested; try other types or a smaller count", strings.Join(cfg.InstanceTypes, ", "), avail, cl.NodeAttributes.ZoneId, n)
	}
	if err := needIPs(reg, cfg.VSwitchIds[0], n); err != nil {
		return nil, err
	}
	if cfg.PaymentType == "" {
		cfg.PaymentType = "PayAsYouGo"
	}
	g := &nodeGroupRec{ID: w.newID("ng-", 16), ClusterID: cl.ID, Config: cfg, ZoneID: cl.NodeAttributes.ZoneId, CreatedAt: c.now}
	if n > 0 {
		g.ResizeKind, g.ResizeUntil = "CREATING", c.now.Add(c.scale(resizeFor))
	}
	w.NodeGroups.Put(g.ID, g)
	addNodes(c, w, reg, cl, g, it, n, c.now, c.now.Add(c.scale(nodeRunAfter)))
	return &emrwire.CreateNodeGroupResponse{NodeGroupId: g.ID, RequestId: c.requestID}, nil
}

func checkNewGroup(reg *regionRec, w *World, cl *clusterRec, cfg *emrwire.NodeGroupConfig) error {
	if err := checkGroupConfig(reg, "NodeGroup", cfg); err != nil {
		return err
	}
	switch cfg.NodeGroupType {
	case "MASTER":
		return errDenied("OperationDenied.NodeGroupType", "a cluster has one MASTER node group; create CORE, TASK or GATEWAY groups")
	case "MASTER-EXTEND":
		if cl.DeployMode != "HA" {
			return errDenied("OperationDenied.NodeGroupType", "MASTER-EXTEND node groups need an HA cluster; %s is %s", cl.ID, cl.DeployMode)
		}
	}
	if cfg.NodeGroupName == "" {
		return errMissing("MissingNodeGroupName", "NodeGroup.NodeGroupName is mandatory")
	}
	for _, g := range groupsOf(w, cl.ID) {
		if g.Config.NodeGroupName == cfg.NodeGroupName {
			return errInvalidParameter("NodeGroup.NodeGroupName %q is used by node group %s", cfg.NodeGroupName, g.ID)
		}
	}
	for _, id := range cfg.VSwitchIds {
		if f := groupNetworkProblem(reg, &cl.NodeAttributes, emrwire.NodeGroupConfig{VSwitchIds: []string{id}}); f != nil {
			return errInvalidParameter("NodeGroup.VSwitchIds: %s", f.message)
		}
	}
	return nil
}

// resizable finds a node group that may change size now: its cluster
// RUNNING and no other resize of the group under way.
func (c *call) resizable(w *World, clusterID, groupID string) (*regionRec, *clusterRec, *nodeGroupRec, error) {
	reg, cl, err := c.clusterFor(w, clusterID)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := c.nodeGroup(w, cl, groupID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := requireRunning(cl, c.now); err != nil {
		return nil, nil, nil, err
	}
	if err := requireIdle(g, c.now); err != nil {
		return nil, nil, nil, err
	}
	return reg, cl, g, nil
}

func increaseNodes(c *call, w *World) (any, error) {
	var req emrwire.IncreaseNodesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, g, err := c.resizable(w, req.ClusterId, req.NodeGroupId)
	if err != nil {
		return nil, err
	}
	if g.Config.NodeGroupType == "MASTER" {
		return nil, errDenied("OperationDenied.NodeGroupType", "MASTER node groups cannot be scaled")
	}
	want := int(i64(req.IncreaseNodeCount))
	if want < 1 || want > 500 {
		return nil, errInvalidParameter("IncreaseNodeCount must be 1 to 500, got %d", want)
	}
	least := want
	if req.MinIncreaseNodeCount != nil {
		least = int(*req.MinIncreaseNodeCount)
		if least < 1 || least > want {
			return nil, errInvalidParameter("MinIncreaseNodeCount must be 1 to IncreaseNodeCount (%d), got %d", want, least)
		}
	}
	if g.Config.PaymentType == "Subscription" && req.PaymentDuration == nil {
		return nil, errInvalidParameter("PaymentDuration is required to add nodes to Subscription node group %s", g.ID)
	}
	it, avail := pickInstanceType(reg, g, want)
	if avail < least {
		return nil, errDenied("ResourceNotEnough", "the instance types %s have %d instances in stock in %s, at least %d needed; lower MinIncreaseNodeCount or change the instance type", strings.Join(g.Config.InstanceTypes, ", "), avail, g.ZoneID, least)
	}
	if err := needIPs(reg, g.Config.VSwitchIds[0], least); err != nil {
		return nil, err
	}
	n := min(want, avail, reg.freeIPs(g.Config.VSwitchIds[0]))
	g.Config.NodeCount = ptr(i64(g.Config.NodeCount) + int64(n))
	g.ResizeKind, g.ResizeUntil = "INCREASING", c.now.Add(c.scale(resizeFor))
	for _, node := range addNodes(c, w, reg, cl, g, it, n, c.now, c.now.Add(c.scale(nodeRunAfter))) {
		if node.PaymentType == "Subscription" {
			// Added subscription nodes are bought for PaymentDuration
			// months (the only unit IncreaseNodes takes).
			node.ExpireAt = c.now.Add(time.Duration(i64(req.PaymentDuration)) * 30 * 24 * time.Hour)
			node.AutoRenew = boolv(req.AutoRenew)
		}
	}
	op := &operationRec{
		ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "INCREASE_NODES", CreatedAt: c.now, DoneAt: g.ResizeUntil,
		Description: fmt.Sprintf("Add %d node(s) to %s", n, g.Config.NodeGroupName),
	}
	w.Operations.Put(op.ID, op)
	return &emrwire.IncreaseNodesResponse{OperationId: op.ID, RequestId: c.requestID}, nil
}

func decreaseNodes(c *call, w *World) (any, error) {
	var req emrwire.DecreaseNodesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, g, err := c.resizable(w, req.ClusterId, req.NodeGroupId)
	if err != nil {
		return nil, err
	}
	if g.Config.NodeGroupType != "TASK" {
		return nil, errDenied("OperationDenied.NodeGroupType", "DecreaseNodes supports only TASK node groups; %s is %s", g.ID, g.Config.NodeGroupType)
	}
	if g.Config.PaymentType == "Subscription" {
		return nil, errDenied("OperationDenied.Subscription", "node group %s is Subscription; release its nodes in the ECS console", g.ID)
	}
	victims, err := chooseVictims(c, w, g, &req)
	if err != nil {
		return nil, err
	}
	batch, interval := len(victims), time.Duration(0)
	if req.BatchSize != nil && *req.BatchSize > 0 {
		batch = int(*req.BatchSize)
	}
	if req.BatchInterval != nil {
		interval = time.Duration(*req.BatchInterval) * time.Second
	}
	var last time.Time
	for i, n := range victims {
		at := c.now.Add(c.scale(time.Duration(i/batch) * interval))
		n.StoppingAt, n.TerminatedAt = at, at.Add(c.scale(nodeStopFor))
		last = n.TerminatedAt
		releaseCapacity(reg, n)
	}
	g.Config.NodeCount = ptr(max(0, i64(g.Config.NodeCount)-int64(len(victims))))
	g.ResizeKind, g.ResizeUntil = "DECREASING", last
	op := &operationRec{
		ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "DECREASE_NODES", CreatedAt: c.now, DoneAt: last,
		Description: fmt.Sprintf("Release %d node(s) of %s", len(victims), g.Config.NodeGroupName),
	}
	w.Operations.Put(op.ID, op)
	return &emrwire.DecreaseNodesResponse{OperationId: op.ID, RequestId: c.requestID}, nil
}

// chooseVictims resolves the nodes to release: the given IDs (each must be
// a live node of the group) or the newest nodes when a count is given.
func chooseVictims(c *call, w *World, g *nodeGroupRec, req *emrwire.DecreaseNodesRequest) ([]*nodeRec, error) {
	live := map[string]*nodeRec{}
	var order []*nodeRec
	for _, n := range nodesOf(w, g.ID) {
		if st := nodeState(n, c.now); st != nodeStopping && st != nodeTerminated {
			live[n.ID] = n
			order = append(order, n)
		}
	}
	if len(req.NodeIds) > 0 && req.DecreaseNodeCount != nil {
		return nil, errInvalidParameter("give either NodeIds or DecreaseNodeCount, not both")
	}
	if len(req.NodeIds) > 0 {
		out := make([]*nodeRec, 0, len(req.NodeIds))
		seen := map[string]bool{}
		for i, id := range req.NodeIds {
			n, ok := live[id]
			if !ok || seen[id] {
				return nil, errInvalidParameter("NodeIds.%d %s is not a live node of node group %s (released already, or in another group); call ListNodes", i+1, id, g.ID)
			}
			if n.PaymentType == "Subscription" {
				return nil, errDenied("OperationDenied.Subscription", "node %s is Subscription; release it in the ECS console", id)
			}
			seen[id] = true
			out = append(out, n)
		}
		return out, nil
	}
	if req.DecreaseNodeCount == nil {
		return nil, errMissing("MissingParameter", "give NodeIds (recommended) or DecreaseNodeCount")
	}
	k := int(*req.DecreaseNodeCount)
	if k < 1 || k > len(order) {
		return nil, errInvalidParameter("DecreaseNodeCount must be 1 to %d (the live nodes of %s), got %d", len(order), g.ID, k)
	}
	slices.SortStableFunc(order, func(a, b *nodeRec) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return order[:k], nil
}

func getOperation(c *call, w *World) (any, error) {
	var req emrwire.GetOperationRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	op, ok := w.Operations.Get(req.OperationId)
	if !ok || op.ClusterID != cl.ID {
		return nil, errNotFound("OperationNotFound", "operation %s does not exist in cluster %s", req.OperationId, cl.ID)
	}
	v := &emrwire.Operation{
		ClusterId: op.ClusterID, CreateTime: millis(op.CreatedAt), Description: op.Description,
		OperationId: op.ID, OperationType: op.Type, StartTime: millis(op.CreatedAt), OperationState: "IN_PROGRESS",
	}
	if reached(c.now, op.DoneAt) {
		v.EndTime = millis(op.DoneAt)
		v.OperationState = "COMPLETED"
		if op.FailCode != "" {
			v.OperationState = "FAILED"
			v.StateChangeReason = &emrwire.OperationStateChangeReason{Code: op.FailCode, Message: op.FailMessage}
		}
	}
	return &emrwire.GetOperationResponse{Operation: v, RequestId: c.requestID}, nil
}
