package emulator

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

func (h *harness) queues(ws string) map[string]sparkwire.ListWorkspaceQueuesResponseQueuesItem {
	h.t.Helper()
	var resp sparkwire.ListWorkspaceQueuesResponse
	h.spark("ListWorkspaceQueues", &sparkwire.ListWorkspaceQueuesRequest{WorkspaceId: ws, RegionId: region}, &resp)
	out := map[string]sparkwire.ListWorkspaceQueuesResponseQueuesItem{}
	for _, q := range resp.Queues {
		out[q.QueueName] = q
	}
	return out
}

func (h *harness) workspaceStatus(id string) string {
	h.t.Helper()
	var resp sparkwire.ListWorkspacesResponse
	h.spark("ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: region}, &resp)
	for _, ws := range resp.Workspaces {
		if ws.WorkspaceId == id {
			return ws.WorkspaceStatus
		}
	}
	h.t.Fatalf("ListWorkspaces does not list %s", id)
	return ""
}

func newWorkspace(name, cu string) *sparkwire.CreateWorkspaceRequest {
	return &sparkwire.CreateWorkspaceRequest{
		RegionId: region, WorkspaceName: name, OssBucket: "oss://" + seedBucket + "/", RamRoleName: jobRunRole,
		PaymentType: "PayAsYouGo", ResourceSpec: &sparkwire.CreateWorkspaceRequestResourceSpec{Cu: cu},
	}
}

func TestWorkspaceGoesRunning(t *testing.T) {
	h := newLifecycle(t, Options{})
	var created sparkwire.CreateWorkspaceResponse
	h.spark("CreateWorkspace", newWorkspace("life", "8"), &created)
	if got := h.workspaceStatus(created.WorkspaceId); got != wsStarting {
		t.Fatalf("after CreateWorkspace: got %s, want STARTING", got)
	}
	for _, c := range []struct {
		action string
		req    any
	}{
		{"EditWorkspaceQueue", &sparkwire.EditWorkspaceQueueRequest{RegionId: region, WorkspaceId: created.WorkspaceId, WorkspaceQueueName: "dev_queue", ResourceSpec: &sparkwire.EditWorkspaceQueueRequestResourceSpec{Cu: i64p(1)}}},
		{"StartJobRun", sparkPiJob(created.WorkspaceId, "too-early")},
	} {
		wantCode(t, h.sparkErr(c.action, c.req), "OperationDenied")
	}
	h.advance(2 * time.Minute)
	if got := h.workspaceStatus(created.WorkspaceId); got != wsRunning {
		t.Fatalf("2 minutes later: got %s, want RUNNING", got)
	}
	got := map[string]string{}
	for name, q := range h.queues(created.WorkspaceId) {
		got[name] = q.MaxResource
	}
	want := map[string]string{"root_queue": cuText(6), "dev_queue": cuText(2)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queues of an 8 CU workspace (-want +got):\n%s", diff)
	}
}

// TestWorkspaceRefusals covers the create checks, with the skill's own
// example body (cu as a JSON number) accepted.
func TestWorkspaceRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, create := action(t, contract.Spark, "CreateWorkspace")
	body := func(change func(map[string]any)) map[string]any {
		b := map[string]any{"workspaceName": "w", "ossBucket": "oss://my-spark-bucket", "ramRoleName": jobRunRole, "paymentType": "PayAsYouGo", "resourceSpec": map[string]any{"cu": 8}}
		change(b)
		return b
	}
	for _, c := range []struct {
		name     string
		body     map[string]any
		noRegion bool
		code     string
		mentions string
	}{
		{name: "skill example", body: body(func(map[string]any) {})},
		{name: "no regionId in the URL", body: body(func(map[string]any) {}), noRegion: true, code: "MissingParameter.regionId", mentions: "?regionId="},
		{name: "unknown RAM role", body: body(func(b map[string]any) { b["ramRoleName"] = "MyRole" }), code: "Forbidden.RAM", mentions: "MyRole"},
		{name: "bucket not in the account", body: body(func(b map[string]any) { b["ossBucket"] = "oss://someone-else/" }), code: "InvalidParameter", mentions: "someone-else"},
		{name: "Subscription spelling", body: body(func(b map[string]any) { b["paymentType"] = "Subscription" }), code: "InvalidParameter", mentions: "Pre"},
		{name: "zero CU", body: body(func(b map[string]any) { b["resourceSpec"] = map[string]any{"cu": "0"} }), code: "InvalidParameter", mentions: "resourceSpec.cu"},
		{name: "missing name", body: body(func(b map[string]any) { delete(b, "workspaceName") }), code: "MissingParameter", mentions: "workspaceName"},
		{name: "unknown member", body: body(func(b map[string]any) { b["workspaceNmae"] = "x" }), code: "InvalidParameter", mentions: "workspaceNmae"},
		{name: "unknown nested member", body: body(func(b map[string]any) { b["resourceSpec"] = map[string]any{"cus": 8} }), code: "InvalidParameter", mentions: "resourceSpec.cus"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := sdkRequest(t, create, &sparkwire.CreateWorkspaceRequest{})
			req.Body = c.body
			if req.Query == nil {
				req.Query = map[string]*string{}
			}
			if !c.noRegion {
				req.Query["regionId"] = ptr(region)
			}
			_, err := h.send(create, req, clientOpts{})
			if c.code == "" {
				if err != nil {
					t.Fatalf("got %s, want success", describe(err))
				}
				return
			}
			wantCode(t, err, c.code)
			if !strings.Contains(messageOf(err), c.mentions) {
				t.Errorf("message %q does not mention %s", messageOf(err), c.mentions)
			}
		})
	}
	var list sparkwire.ListWorkspacesResponse
	h.spark("ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: region}, &list)
	if got := *list.TotalCount; got != 2 {
		t.Errorf("after the refusals: got %d workspaces, want 2 (the seeded one and the skill example)", got)
	}
}

func TestQueueScaling(t *testing.T) {
	h := newLifecycle(t, Options{})
	edit := func(queue string, cu, maxCU *int64) error {
		return h.sparkErr("EditWorkspaceQueue", &sparkwire.EditWorkspaceQueueRequest{
			RegionId: region, WorkspaceId: seedWorkspaceID, WorkspaceQueueName: queue,
			ResourceSpec: &sparkwire.EditWorkspaceQueueRequestResourceSpec{Cu: cu, MaxCu: maxCU},
		})
	}
	// The seeded workspace has 200 CU: root_queue 150, dev_queue 50.
	for _, s := range []struct {
		name    string
		queue   string
		cu, max *int64
		advance time.Duration
		code    string
	}{
		{name: "beyond the workspace's rest", queue: "dev_queue", cu: i64p(64), max: i64p(128), code: "UnSupportedOperator"},
		{name: "negative", queue: "dev_queue", cu: i64p(-1), code: "InvalidParameter"},
		{name: "maxCu below cu", queue: "dev_queue", cu: i64p(10), max: i64p(5), code: "InvalidParameter"},
		{name: "unknown queue", queue: "prod_queue", cu: i64p(1), code: "InvalidParameter"},
		{name: "scale root_queue down", queue: "root_queue", cu: i64p(100)},
		{name: "another edit at once", queue: "root_queue", cu: i64p(90), code: "Error.Internal"},
		{name: "then dev_queue up", queue: "dev_queue", cu: i64p(64), max: i64p(100), advance: 10 * time.Second},
	} {
		h.advance(s.advance)
		err := edit(s.queue, s.cu, s.max)
		if s.code != "" {
			wantCode(t, err, s.code)
			continue
		}
		if err != nil {
			t.Fatalf("%s: got %s, want success", s.name, describe(err))
		}
	}
	q := h.queues(seedWorkspaceID)
	if got := []string{q["root_queue"].MinResource, q["dev_queue"].MinResource, q["dev_queue"].MaxResource}; !cmp.Equal(got, []string{cuText(100), cuText(64), cuText(100)}) {
		t.Errorf("queues after scaling: got %v, want root 100, dev 64 (max 100)", got)
	}
	if st := q["dev_queue"].QueueStatus; st != "UPDATING" {
		t.Errorf("dev_queue right after an edit: got %s, want UPDATING", st)
	}
}

// TestSparkSeedOfOldState gives a state written before Serverless Spark
// existed its Spark inventory when it is opened, keeping what it had.
func TestSparkSeedOfOldState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	id := newHarness(t, newServer(t, Options{Store: s}), false).runCluster(goodCluster("old"))
	if err := s.Update(func(w *World) error {
		w.SparkAccount.clear()
		w.Workspaces.clear()
		w.Queues.clear()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, newServer(t, Options{Store: s2}), false)
	if got := h.workspaceStatus(seedWorkspaceID); got != wsRunning {
		t.Errorf("the seeded workspace in an old state: got %s, want RUNNING", got)
	}
	if got := h.getCluster(id).ClusterName; got != "old" {
		t.Errorf("old state's cluster: got name %q, want old (opening must not reset)", got)
	}
}

func TestListWorkspaces(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	for _, name := range []string{"etl-a", "etl-b", "ml"} {
		req := newWorkspace(name, "8")
		req.Tag = []sparkwire.CreateWorkspaceRequestTagItem{{Key: "team", Value: name[:2]}}
		h.spark("CreateWorkspace", req, nil)
	}
	var names []string
	token := ""
	for {
		var resp sparkwire.ListWorkspacesResponse
		h.spark("ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: region, MaxResults: i64p(3), NextToken: token}, &resp)
		for _, ws := range resp.Workspaces {
			names = append(names, ws.WorkspaceName)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	if len(names) != 4 {
		t.Errorf("all pages: got %v, want the 3 new workspaces and the seeded one", names)
	}
	for _, c := range []struct {
		name string
		req  *sparkwire.ListWorkspacesRequest
		want int64
	}{
		{"name", &sparkwire.ListWorkspacesRequest{Name: "ETL"}, 2},
		{"tag", &sparkwire.ListWorkspacesRequest{Tag: []sparkwire.ListWorkspacesRequestTagItem{{Key: "team", Value: "ml"}}}, 1},
		{"state", &sparkwire.ListWorkspacesRequest{State: "starting"}, 0},
		{"other region", &sparkwire.ListWorkspacesRequest{RegionId: "cn-shanghai"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.req.RegionId == "" {
				c.req.RegionId = region
			}
			var resp sparkwire.ListWorkspacesResponse
			h.spark("ListWorkspaces", c.req, &resp)
			if *resp.TotalCount != c.want {
				t.Errorf("got %d workspaces, want %d", *resp.TotalCount, c.want)
			}
		})
	}
}

func TestUpdateWorkspace(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	update := func(req *sparkwire.UpdateWorkspaceRequest) error {
		req.RegionId, req.WorkspaceId = region, seedWorkspaceID
		return h.sparkErr("UpdateWorkspace", req)
	}
	wantCode(t, update(&sparkwire.UpdateWorkspaceRequest{Cu: i64p(150)}), "UnSupportedOperator") // the queues hold 200
	wantCode(t, update(&sparkwire.UpdateWorkspaceRequest{Subscription: &sparkwire.UpdateWorkspaceRequestSubscription{Duration: "1", PaymentDurationUnit: "WEEK"}}), "InvalidParameter")
	var resp sparkwire.UpdateWorkspaceResponse
	h.spark("UpdateWorkspace", &sparkwire.UpdateWorkspaceRequest{RegionId: region, WorkspaceId: seedWorkspaceID, Cu: i64p(400),
		Subscription: &sparkwire.UpdateWorkspaceRequestSubscription{Duration: "1", PaymentDurationUnit: "MONTH"}}, &resp)
	if resp.OrderId == "" || resp.Data == nil || resp.Data.OrderId != resp.OrderId {
		t.Errorf("a conversion to subscription: got order %q / %+v, want one order ID", resp.OrderId, resp.Data)
	}
	var list sparkwire.ListWorkspacesResponse
	h.spark("ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: region}, &list)
	if ws := list.Workspaces[0]; ws.ResourceSpec != "400cu" || ws.PaymentType != "Pre" {
		t.Errorf("after the update: got %s %s, want 400cu Pre", ws.ResourceSpec, ws.PaymentType)
	}
	wantCode(t, update(&sparkwire.UpdateWorkspaceRequest{Subscription: &sparkwire.UpdateWorkspaceRequestSubscription{Duration: "1", PaymentDurationUnit: "MONTH"}}), "OperationDenied")
}

// TestSparkClientTokens: the three creations the skill names as needing an
// idempotency token create one resource per token.
func TestSparkClientTokens(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	ws := newWorkspace("once", "8")
	ws.ClientToken = "tok-ws"
	job := sparkPiJob(seedWorkspaceID, "once")
	job.ClientToken = "tok-jr"
	session := &sparkwire.CreateSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, Name: "once", ClientToken: "tok-sc"}
	for _, c := range []struct {
		action string
		req    any
		id     func(map[string]any) string
		count  func() int
	}{
		{"CreateWorkspace", ws, func(b map[string]any) string { return b["workspaceId"].(string) }, func() int { return h.srv.records(func(w *World) int { return w.Workspaces.Len() }) }},
		{"StartJobRun", job, func(b map[string]any) string { return b["jobRunId"].(string) }, func() int { return h.srv.records(func(w *World) int { return w.JobRuns.Len() }) }},
		{"CreateSessionCluster", session, func(b map[string]any) string { return b["sessionClusterId"].(string) }, func() int { return h.srv.records(func(w *World) int { return w.Sessions.Len() }) }},
	} {
		t.Run(c.action, func(t *testing.T) {
			before := c.count()
			var ids []string
			for range 2 {
				var body map[string]any
				h.spark(c.action, c.req, &body)
				ids = append(ids, c.id(body))
			}
			if ids[0] != ids[1] || c.count() != before+1 {
				t.Errorf("two calls with one token: got %v and %d new, want one ID and 1 new", ids, c.count()-before)
			}
		})
	}
}

// records reads a number from the world.
func (s *Server) records(f func(*World) int) int {
	var n int
	_ = s.store.View(func(w *World) error { n = f(w); return nil })
	return n
}
