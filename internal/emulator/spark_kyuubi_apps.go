package emulator

import (
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// The Spark applications Kyuubi gateways run for JDBC sessions.

func listKyuubiSparkApplications(c *call, w *World) (any, error) {
	var req sparkwire.ListKyuubiSparkApplicationsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	states, err := jsonStrings("states", req.States)
	if err != nil {
		return nil, err
	}
	latest, err := jsonStrings("latestSqlStatementStatuses", req.LatestSqlStatementStatuses)
	if err != nil {
		return nil, err
	}
	kr, err := sparkKeyset(req.MaxResults, req.NextToken, 20, 100)
	if err != nil {
		return nil, err
	}
	matched := w.KyuubiApps.Select(func(a *kyuubiAppRec) bool {
		return a.KyuubiID == k.ID && appMatches(a, &req, states, latest, c.now)
	})
	keys := make([]indexKey, len(matched))
	for i, a := range matched {
		keys[i] = indexKey{Rank: -a.StartedAt.UnixNano(), ID: a.ID} // newest first
		if strings.EqualFold(req.Sort, "asc") {
			keys[i].Rank = a.StartedAt.UnixNano()
		}
	}
	page, total, next := keyedPage(matched, keys, kr)
	resp := &sparkwire.ListKyuubiSparkApplicationsResponse{
		MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total),
		Applications: []sparkwire.ListKyuubiSparkApplicationsResponseApplicationsItem{},
	}
	for _, a := range page {
		resp.Applications = append(resp.Applications, appView(ws, a, c.now))
	}
	return resp, nil
}

// jsonStrings reads a filter the SDK passes as JSON text: ["RUNNING"].
func jsonStrings(name, v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, errInvalidParameter("%s must be a JSON list of strings such as [\"RUNNING\"], got %q", name, v)
	}
	return out, nil
}

func appMatches(a *kyuubiAppRec, req *sparkwire.ListKyuubiSparkApplicationsRequest, states, latest []string, now time.Time) bool {
	end := now
	if reached(now, a.EndAt) {
		end = a.EndAt
	}
	switch {
	case req.ApplicationId != "" && req.ApplicationId != a.ID,
		req.ApplicationName != "" && !strings.Contains(a.Name, req.ApplicationName),
		req.ResourceQueueId != "" && req.ResourceQueueId != a.Queue,
		len(states) > 0 && !equalFoldAny(states, appState(a, now)),
		len(latest) > 0 && !equalFoldAny(latest, a.LatestStatus),
		req.MinDuration != nil && end.Sub(a.StartedAt).Milliseconds() < *req.MinDuration:
		return false
	}
	if r := req.StartTime; r != nil && !inRange(a.StartedAt, r.StartTime, r.EndTime) {
		return false
	}
	if r := req.EndTime; r != nil && (!reached(now, a.EndAt) || !inRange(a.EndAt, r.StartTime, r.EndTime)) {
		return false
	}
	return true
}

func appView(ws *workspaceRec, a *kyuubiAppRec, now time.Time) sparkwire.ListKyuubiSparkApplicationsResponseApplicationsItem {
	ran := appInterval(a, a.StartedAt, now)
	v := sparkwire.ListKyuubiSparkApplicationsResponseApplicationsItem{
		ApplicationId: a.ID, ApplicationName: a.Name, KyuubiServiceId: a.KyuubiID, State: appState(a, now),
		ResourceQueueId: a.Queue, StartTime: sparkTime(a.StartedAt), ExitReason: a.ExitReason,
		LatestSqlStatementStatus: a.LatestStatus, Priority: "5", WebUI: sparkUI(ws, a.ID), Tags: []sparkwire.Tag{},
		CuHours: ptr(math.Round(a.CU*ran.Hours()*1e6) / 1e6), VcoreSeconds: ptr(int64(a.CU * ran.Seconds())),
		MbSeconds: ptr(int64(a.CU * 4096 * ran.Seconds())),
	}
	if reached(now, a.EndAt) {
		v.EndTime = sparkTime(a.EndAt)
		dir := logDir(ws, a.ID)
		v.RunLog = &sparkwire.RunLog{DriverStdOut: dir + "stdout.log", DriverStdError: dir + "stderr.log", DriverSyslog: dir + "syslog.log", DriverStartup: dir + "startup.log"}
	}
	return v
}

func cancelKyuubiSparkApplication(c *call, w *World) (any, error) {
	var req sparkwire.CancelKyuubiSparkApplicationRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	a, ok := w.KyuubiApps.Get(req.ApplicationId)
	if !ok || a.KyuubiID != k.ID {
		return nil, errNotFoundSpark("Spark application", req.ApplicationId, " of Kyuubi service "+k.ID+"; call ListKyuubiSparkApplications")
	}
	if st := appState(a, c.now); st == appTerminated {
		return nil, errDenied("OperationDenied", "Spark application %s is already %s", a.ID, st)
	}
	a.EndAt, a.ExitReason, a.LatestStatus = c.now, "Exit Code: 143, Exit Reason: cancelled by user (CancelKyuubiSparkApplication)", "CANCELED"
	return &sparkwire.CancelKyuubiSparkApplicationResponse{
		Body: &sparkwire.CancelKyuubiSparkApplicationResponseBody{ApplicationId: a.ID, Success: ptr(true)}, RequestId: c.requestID,
	}, nil
}
