package emulator

import (
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Kyuubi gateways (their tokens and applications are in
// spark_kyuubi_tokens.go and spark_kyuubi_apps.go).

// Kyuubi gateway states (skill).
const (
	kbNotStarted  = "NOT_STARTED"
	kbStarting    = "STARTING"
	kbRunning     = "RUNNING"
	kbTerminating = "TERMINATING"
)

// Kyuubi application states (SDK).
const (
	appStarting   = "STARTING"
	appRunning    = "RUNNING"
	appTerminated = "TERMINATED"
)

const (
	kyuubiStartingFor    = 2 * time.Minute
	kyuubiStoppingFor    = time.Minute
	appStartingFor       = 20 * time.Second
	defaultKyuubiRelease = "1.9.2-0.0.2"
)

var computeInstances = []string{"1c4g", "2c8g", "4c16g", "8c32g", "16c64g"}

func kyuubiState(k *kyuubiRec, now time.Time) string {
	switch {
	case k.StartAt.IsZero() || reached(now, k.StoppedAt):
		return kbNotStarted
	case reached(now, k.StopAt):
		return kbTerminating
	case reached(now, k.RunningAt):
		return kbRunning
	}
	return kbStarting
}

func appState(a *kyuubiAppRec, now time.Time) string {
	switch {
	case reached(now, a.EndAt):
		return appTerminated
	case reached(now, a.RunningAt):
		return appRunning
	}
	return appStarting
}

// appInterval is the part of [from, to) in which an application held CU.
func appInterval(a *kyuubiAppRec, from, to time.Time) time.Duration {
	start, end := maxTime(a.StartedAt, from), to
	if !a.EndAt.IsZero() && a.EndAt.Before(to) {
		end = a.EndAt
	}
	return max(0, end.Sub(start))
}

func (c *call) kyuubi(w *World, wsID, id string) (*workspaceRec, *kyuubiRec, error) {
	ws, err := c.workspace(w, wsID)
	if err != nil {
		return nil, nil, err
	}
	k, ok := w.Kyuubis.Get(id)
	if !ok || k.WorkspaceID != ws.ID {
		return nil, nil, errNotFoundSpark("Kyuubi service", id, " in workspace "+ws.ID+"; call ListKyuubiServices")
	}
	return ws, k, nil
}

// kyuubiSettings are the members CreateKyuubiService and
// UpdateKyuubiService share.
type kyuubiSettings struct {
	name, queue, release, computeInstance, kyuubiRelease, kyuubiConfigs, sparkConfigs string
	public                                                                            *bool
	replica                                                                           *int64
}

// apply checks settings and writes them into k.
func (s kyuubiSettings) apply(w *World, ws *workspaceRec, k *kyuubiRec) error {
	if s.queue != "" {
		if _, ok := queueOf(w, ws, s.queue); !ok {
			return errInvalidParameter("queue %q is not a queue of %s; call ListWorkspaceQueues", s.queue, ws.ID)
		}
		k.Queue = s.queue
	}
	if s.release != "" || k.Release == "" {
		rel, err := w.sparkAccount().releaseOrDefault("releaseVersion", s.release)
		if err != nil {
			return err
		}
		k.Release = rel.Version
	}
	if s.computeInstance != "" {
		if !equalFoldAny(computeInstances, s.computeInstance) {
			return errInvalidParameter("computeInstance %q is not offered: use one of %s", s.computeInstance, strings.Join(computeInstances, ", "))
		}
		k.ComputeInstance = strings.ToLower(s.computeInstance)
	}
	if s.replica != nil {
		if *s.replica < 1 || *s.replica > 3 {
			return errInvalidParameter("replica must be 1 to 3, got %d", *s.replica)
		}
		k.Replica = *s.replica
	}
	if s.name != "" {
		k.Name = s.name
	}
	if s.kyuubiRelease != "" {
		k.KyuubiRelease = s.kyuubiRelease
	}
	if s.kyuubiConfigs != "" {
		k.KyuubiConfigs = s.kyuubiConfigs
	}
	if s.sparkConfigs != "" {
		k.SparkConfigs = s.sparkConfigs
	}
	if s.public != nil {
		k.Public = *s.public
	}
	return nil
}

func createKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.CreateKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	k := &kyuubiRec{
		ID: w.newID("kb-", 32), WorkspaceID: ws.ID, Queue: "root_queue", ComputeInstance: "2c8g",
		KyuubiRelease: defaultKyuubiRelease, Replica: 1, CreatedAt: c.now,
	}
	s := kyuubiSettings{
		name: req.Name, queue: req.Queue, release: req.ReleaseVersion, computeInstance: req.ComputeInstance,
		kyuubiRelease: req.KyuubiReleaseVersion, kyuubiConfigs: req.KyuubiConfigs, sparkConfigs: req.SparkConfigs,
		public: req.PublicEndpointEnabled, replica: req.Replica,
	}
	if err := s.apply(w, ws, k); err != nil {
		return nil, err
	}
	k.Name = orDefault(k.Name, k.ID)
	w.Kyuubis.Put(k.ID, k)
	return &sparkwire.CreateKyuubiServiceResponse{Data: &sparkwire.CreateKyuubiServiceResponseData{KyuubiServiceId: k.ID}, RequestId: c.requestID}, nil
}

func kyuubiEndpoints(ws *workspaceRec, k *kyuubiRec, state string) (inner, public string) {
	if state != kbRunning {
		return "", ""
	}
	inner = k.ID + "-" + ws.Region + "-internal.spark.emr.aliyuncs.com"
	if k.Public {
		public = k.ID + "-" + ws.Region + ".spark.emr.aliyuncs.com"
	}
	return inner, public
}

func getKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.GetKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	state := kyuubiState(k, c.now)
	inner, public := kyuubiEndpoints(ws, k, state)
	return &sparkwire.GetKyuubiServiceResponse{RequestId: c.requestID, Data: &sparkwire.GetKyuubiServiceResponseData{
		KyuubiServiceId: k.ID, Name: k.Name, State: state, Queue: k.Queue, ReleaseVersion: k.Release,
		ComputeInstance: k.ComputeInstance, KyuubiReleaseVersion: k.KyuubiRelease, KyuubiConfigs: k.KyuubiConfigs,
		SparkConfigs: k.SparkConfigs, PublicEndpointEnabled: ptr(k.Public), Replica: ptr(k.Replica), Creator: sandboxUID,
		CreateTime: msString(k.CreatedAt), StartTime: msString(k.StartAt), InnerEndpoint: inner, PublicEndpoint: public,
	}}, nil
}

func listKyuubiServices(c *call, w *World) (any, error) {
	var req sparkwire.ListKyuubiServicesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	data := &sparkwire.ListKyuubiServicesResponseData{KyuubiServices: []sparkwire.ListKyuubiServicesResponseDataKyuubiServicesItem{}}
	for _, k := range w.Kyuubis.Select(func(k *kyuubiRec) bool { return k.WorkspaceID == ws.ID }) {
		state := kyuubiState(k, c.now)
		inner, public := kyuubiEndpoints(ws, k, state)
		// The list writes times as the SDK's examples show: creation in
		// RFC 3339 UTC, the last start in China Standard Time.
		data.KyuubiServices = append(data.KyuubiServices, sparkwire.ListKyuubiServicesResponseDataKyuubiServicesItem{
			KyuubiServiceId: k.ID, Name: k.Name, State: state, Queue: k.Queue, ReleaseVersion: k.Release,
			ComputeInstance: k.ComputeInstance, KyuubiReleaseVersion: k.KyuubiRelease, KyuubiConfigs: k.KyuubiConfigs,
			SparkConfigs: k.SparkConfigs, Replica: ptr(k.Replica), Creator: sandboxUID,
			CreateTime: k.CreatedAt.UTC().Format(time.RFC3339), StartTime: sparkTime(k.StartAt),
			InnerEndpoint: inner, PublicEndpoint: public,
		})
	}
	return &sparkwire.ListKyuubiServicesResponse{Data: data, RequestId: c.requestID}, nil
}

func startKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.StartKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	if _, err := c.runningWorkspace(w, ws.ID); err != nil {
		return nil, err
	}
	if st := kyuubiState(k, c.now); st != kbNotStarted {
		return nil, errDenied("OperationDenied", "Kyuubi service %s is %s: only a NOT_STARTED service can be started", k.ID, st)
	}
	k.StartAt, k.RunningAt, k.StopAt, k.StoppedAt = c.now, c.now.Add(c.scale(kyuubiStartingFor)), time.Time{}, time.Time{}
	return &sparkwire.StartKyuubiServiceResponse{Data: true, RequestId: c.requestID}, nil
}

func stopKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.StopKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	if st := kyuubiState(k, c.now); st != kbRunning && st != kbStarting {
		return nil, errDenied("OperationDenied", "Kyuubi service %s is %s: only a RUNNING or STARTING service can be stopped", k.ID, st)
	}
	k.StopAt, k.StoppedAt = c.now, c.now.Add(c.scale(kyuubiStoppingFor))
	endApps(w, k, c.now, "Exit Code: 143, Exit Reason: the Kyuubi service was stopped")
	return &sparkwire.StopKyuubiServiceResponse{Data: true, RequestId: c.requestID}, nil
}

// endApps terminates the applications of a gateway that still run: its
// JDBC sessions end with it.
func endApps(w *World, k *kyuubiRec, now time.Time, reason string) {
	for _, a := range w.KyuubiApps.Select(func(a *kyuubiAppRec) bool { return a.KyuubiID == k.ID && !reached(now, a.EndAt) }) {
		a.EndAt, a.ExitReason, a.LatestStatus = now, reason, "CANCELED"
	}
}

func updateKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.UpdateKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"name", req.Name}, {"queue", req.Queue}} {
		if err := required(f.name, f.v); err != nil {
			return nil, err
		}
	}
	ws, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	if _, err := c.runningWorkspace(w, ws.ID); err != nil {
		return nil, err
	}
	st := kyuubiState(k, c.now)
	if st != kbNotStarted && st != kbRunning {
		return nil, errDenied("OperationDenied", "Kyuubi service %s is %s: wait until it is RUNNING or NOT_STARTED", k.ID, st)
	}
	s := kyuubiSettings{
		name: req.Name, queue: req.Queue, release: req.ReleaseVersion, computeInstance: req.ComputeInstance,
		kyuubiRelease: req.KyuubiReleaseVersion, kyuubiConfigs: req.KyuubiConfigs, sparkConfigs: req.SparkConfigs,
		public: req.PublicEndpointEnabled, replica: req.Replica,
	}
	if err := s.apply(w, ws, k); err != nil {
		return nil, err
	}
	if boolv(req.Restart) && st == kbRunning {
		endApps(w, k, c.now, "Exit Code: 143, Exit Reason: the Kyuubi service was restarted")
		k.StartAt, k.RunningAt = c.now, c.now.Add(c.scale(kyuubiStartingFor))
	}
	return &sparkwire.UpdateKyuubiServiceResponse{Data: true, RequestId: c.requestID}, nil
}

func deleteKyuubiService(c *call, w *World) (any, error) {
	var req sparkwire.DeleteKyuubiServiceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	if st := kyuubiState(k, c.now); st != kbNotStarted {
		return nil, errDenied("OperationDenied", "Kyuubi service %s is %s: stop it (StopKyuubiService) and wait for NOT_STARTED before deleting it", k.ID, st)
	}
	for _, t := range w.KyuubiTokens.Select(func(t *kyuubiTokenRec) bool { return t.KyuubiID == k.ID }) {
		w.KyuubiTokens.Delete(t.ID)
	}
	for _, a := range w.KyuubiApps.Select(func(a *kyuubiAppRec) bool { return a.KyuubiID == k.ID }) {
		w.KyuubiApps.Delete(a.ID)
	}
	w.Kyuubis.Delete(k.ID)
	return &sparkwire.DeleteKyuubiServiceResponse{Data: true, RequestId: c.requestID}, nil
}
