package emulator

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Session clusters (their SQL statements are in spark_statements.go).

// Session cluster states: NotStarted as the skill names a session that was
// created but not started, the others as the SDK spells them.
const (
	scNotStarted = "NotStarted"
	scStarting   = "Starting"
	scRunning    = "Running"
	scStopping   = "Stopping"
	scStopped    = "Stopped"
)

const (
	sessionStartingFor = time.Minute
	sessionStoppingFor = 30 * time.Second
	defaultIdleMinutes = 45
)

// idleStop is when an auto-stop session stops for being idle (zero: it
// does not).
func idleStop(s *sessionRec) time.Time {
	if !s.AutoStop || s.StartAt.IsZero() || !s.StopAt.IsZero() {
		return time.Time{}
	}
	last := s.RunningAt
	if s.LastActive.After(last) {
		last = s.LastActive
	}
	return last.Add(time.Duration(s.IdleMinutes) * time.Minute)
}

func sessionState(s *sessionRec, now time.Time) string {
	switch {
	case s.StartAt.IsZero():
		return scNotStarted
	case reached(now, s.StoppedAt), reached(now, idleStop(s)):
		return scStopped
	case reached(now, s.StopAt):
		return scStopping
	case reached(now, s.RunningAt):
		return scRunning
	}
	return scStarting
}

func (c *call) session(w *World, ws *workspaceRec, id string) (*sessionRec, error) {
	if id == "" {
		return nil, errMissing("MissingParameter", "sessionClusterId is mandatory for this action")
	}
	s, ok := w.Sessions.Get(id)
	if !ok || s.WorkspaceID != ws.ID {
		return nil, errNotFoundSpark("session cluster", id, " in workspace "+ws.ID+"; call ListSessionClusters")
	}
	return s, nil
}

func createSessionCluster(c *call, w *World) (any, error) {
	var req sparkwire.CreateSessionClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	s := &sessionRec{
		ID: w.newID("sc-", 16), WorkspaceID: ws.ID, Name: req.Name, Queue: orDefault(req.QueueName, "root_queue"),
		Kind: orDefault(req.Kind, "SQL"), EnvID: req.EnvId, Fusion: boolv(req.Fusion), Public: boolv(req.PublicEndpointEnabled),
		CreatedAt: c.now,
	}
	if s.Kind != "SQL" && s.Kind != "NOTEBOOK" {
		return nil, errInvalidParameter("kind %q is not valid: use SQL or NOTEBOOK", req.Kind)
	}
	if _, ok := queueOf(w, ws, s.Queue); !ok {
		return nil, errInvalidParameter("queueName %q is not a queue of %s; call ListWorkspaceQueues", s.Queue, ws.ID)
	}
	rel, err := w.sparkAccount().releaseOrDefault("releaseVersion", req.ReleaseVersion)
	if err != nil {
		return nil, err
	}
	s.Release, s.Display = rel.Version, orDefault(req.DisplayReleaseVersion, rel.Display)
	for _, a := range req.ApplicationConfigs {
		s.AppConfigs = append(s.AppConfigs, sparkwire.Configuration{ConfigFileName: a.ConfigFileName, ConfigItemKey: a.ConfigItemKey, ConfigItemValue: a.ConfigItemValue})
	}
	if a := req.AutoStopConfiguration; a != nil && boolv(a.Enable) {
		s.AutoStop, s.IdleMinutes = true, defaultIdleMinutes
		if a.IdleTimeoutMinutes != nil {
			if *a.IdleTimeoutMinutes < 1 {
				return nil, errInvalidParameter("autoStopConfiguration.idleTimeoutMinutes must be 1 or more, got %d", *a.IdleTimeoutMinutes)
			}
			s.IdleMinutes = *a.IdleTimeoutMinutes
		}
	}
	s.Name = orDefault(s.Name, s.ID)
	if a := req.AutoStartConfiguration; a != nil && boolv(a.Enable) {
		s.AutoStart = true
		startSession(c, s)
	}
	w.Sessions.Put(s.ID, s)
	return &sparkwire.CreateSessionClusterResponse{SessionClusterId: s.ID, RequestId: c.requestID}, nil
}

func startSession(c *call, s *sessionRec) {
	s.StartAt, s.RunningAt = c.now, c.now.Add(c.scale(sessionStartingFor))
	s.StopAt, s.StoppedAt, s.LastActive = time.Time{}, time.Time{}, time.Time{}
}

func sessionView(ws *workspaceRec, s *sessionRec, now time.Time) *sparkwire.GetSessionClusterResponseSessionCluster {
	state := sessionState(s, now)
	v := &sparkwire.GetSessionClusterResponseSessionCluster{
		SessionClusterId: s.ID, WorkspaceId: ws.ID, Name: s.Name, State: state, QueueName: s.Queue, Kind: s.Kind,
		ReleaseVersion: s.Release, DisplayReleaseVersion: s.Display, EnvId: s.EnvID, Fusion: ptr(s.Fusion),
		PublicEndpointEnabled: ptr(s.Public), GmtCreate: millis(s.CreatedAt), StartTime: millis(s.StartAt),
		UserId: sandboxUID, UserName: sandboxUser,
		AutoStartConfiguration: &sparkwire.GetSessionClusterResponseSessionClusterAutoStartConfiguration{Enable: ptr(s.AutoStart)},
		AutoStopConfiguration:  &sparkwire.GetSessionClusterResponseSessionClusterAutoStopConfiguration{Enable: ptr(s.AutoStop)},
		ApplicationConfigs:     []sparkwire.GetSessionClusterResponseSessionClusterApplicationConfigsItem{},
	}
	if s.AutoStop {
		v.AutoStopConfiguration.IdleTimeoutMinutes = ptr(s.IdleMinutes)
	}
	for _, a := range s.AppConfigs {
		v.ApplicationConfigs = append(v.ApplicationConfigs, sparkwire.GetSessionClusterResponseSessionClusterApplicationConfigsItem{ConfigFileName: a.ConfigFileName, ConfigItemKey: a.ConfigItemKey, ConfigItemValue: a.ConfigItemValue})
	}
	if state == scRunning {
		v.WebUI = sparkUI(ws, s.ID)
		v.DomainInner = "emr-spark-gateway-" + ws.Region + "-internal.data.aliyuncs.com"
		if s.Public {
			v.Domain = "emr-spark-gateway-" + ws.Region + ".data.aliyuncs.com"
		}
	}
	if state == scStopped && s.StopAt.IsZero() {
		v.StateChangeReason = &sparkwire.GetSessionClusterResponseSessionClusterStateChangeReason{Code: "IdleTimeout", Message: "The session was idle for the auto-stop timeout and was stopped."}
	}
	return v
}

func getSessionCluster(c *call, w *World) (any, error) {
	var req sparkwire.GetSessionClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	s, err := c.session(w, ws, req.SessionClusterId)
	if err != nil {
		return nil, err
	}
	return &sparkwire.GetSessionClusterResponse{SessionCluster: sessionView(ws, s, c.now), RequestId: c.requestID}, nil
}

func listSessionClusters(c *call, w *World) (any, error) {
	var req sparkwire.ListSessionClustersRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	kr, err := sparkKeyset(req.MaxResults, req.NextToken, 20, 100)
	if err != nil {
		return nil, err
	}
	matched := w.Sessions.Select(func(s *sessionRec) bool {
		return s.WorkspaceID == ws.ID && (req.SessionClusterId == "" || req.SessionClusterId == s.ID) &&
			(req.QueueName == "" || req.QueueName == s.Queue) && (req.Kind == "" || strings.EqualFold(req.Kind, s.Kind))
	})
	keys := make([]indexKey, len(matched))
	for i, s := range matched {
		keys[i] = indexKey{Rank: -s.CreatedAt.UnixNano(), ID: s.ID} // newest first
	}
	page, total, next := keyedPage(matched, keys, kr)
	resp := &sparkwire.ListSessionClustersResponse{
		MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total),
		SessionClusters: []sparkwire.ListSessionClustersResponseSessionClustersItem{},
	}
	for _, s := range page {
		var item sparkwire.ListSessionClustersResponseSessionClustersItem
		if err := sameShape(sessionView(ws, s, c.now), &item); err != nil {
			return nil, err
		}
		resp.SessionClusters = append(resp.SessionClusters, item)
	}
	return resp, nil
}

// sameShape copies a struct into another with the same JSON members (the
// SDK has one type for Get and another for List).
func sameShape(from, to any) error {
	raw, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, to)
}

func startSessionCluster(c *call, w *World) (any, error) {
	var req sparkwire.StartSessionClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	s, err := c.session(w, ws, req.SessionClusterId)
	if err != nil {
		return nil, err
	}
	if req.QueueName != "" && req.QueueName != s.Queue {
		return nil, errInvalidParameter("queueName %q is not the queue of session cluster %s (%s)", req.QueueName, s.ID, s.Queue)
	}
	if st := sessionState(s, c.now); st != scNotStarted && st != scStopped {
		return nil, errDenied("OperationDenied", "session cluster %s is %s: only a NotStarted or Stopped session can be started", s.ID, st)
	}
	startSession(c, s)
	return &sparkwire.StartSessionClusterResponse{SessionClusterId: s.ID, RequestId: c.requestID}, nil
}

func stopSessionCluster(c *call, w *World) (any, error) {
	var req sparkwire.StopSessionClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	s, err := c.session(w, ws, req.SessionClusterId)
	if err != nil {
		return nil, err
	}
	if st := sessionState(s, c.now); st != scRunning && st != scStarting {
		return nil, errDenied("OperationDenied", "session cluster %s is %s: only a Running or Starting session can be stopped", s.ID, st)
	}
	s.StopAt, s.StoppedAt = c.now, c.now.Add(c.scale(sessionStoppingFor))
	return &sparkwire.StopSessionClusterResponse{SessionClusterId: s.ID, RequestId: c.requestID}, nil
}

// deleteSessionClusterAction describes DeleteSessionCluster, which the
// skill documents (DELETE
// /api/v1/workspaces/{workspaceId}/sessionClusters/{sessionClusterId},
// regionId in the query) but the SDK, and so the contract, lacks.
func deleteSessionClusterAction() *contract.Action {
	spark := sparkSpec()
	return &contract.Action{
		Name: "DeleteSessionCluster", Summary: "Deletes a session cluster (documented by the skill; not in the SDK).",
		Version: spark.Version, Protocol: "HTTPS", Method: "DELETE",
		Pathname: "/api/v1/workspaces/{workspaceId}/sessionClusters/{sessionClusterId}",
		Style:    "ROA", AuthType: "AK", ReqBodyType: "json", BodyType: "json",
		Params: []*contract.Node{
			{Name: "workspaceId", In: contract.InPath, Serialization: contract.SerPath, Type: "string", Required: true},
			{Name: "sessionClusterId", In: contract.InPath, Serialization: contract.SerPath, Type: "string", Required: true},
		},
		Response: []*contract.Node{{Name: "requestId", Type: "string"}},
	}
}

// deleteSessionClusterResponse is the DeleteSessionCluster response body.
type deleteSessionClusterResponse struct {
	RequestId string `json:"requestId"`
}

func deleteSessionCluster(c *call, w *World) (any, error) {
	ws, err := c.workspace(w, c.pathVars["workspaceId"])
	if err != nil {
		return nil, err
	}
	s, err := c.session(w, ws, c.pathVars["sessionClusterId"])
	if err != nil {
		return nil, err
	}
	if st := sessionState(s, c.now); st != scStopped && st != scNotStarted {
		return nil, errDenied("OperationDenied", "session cluster %s is %s: stop it (StopSessionCluster) and wait for Stopped before deleting it", s.ID, st)
	}
	for _, st := range w.Statements.Select(func(st *statementRec) bool { return st.SessionID == s.ID }) {
		w.Statements.Delete(st.ID)
	}
	w.Sessions.Delete(s.ID)
	return &deleteSessionClusterResponse{RequestId: c.requestID}, nil
}
