package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/api"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

func readExample(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "..", "examples", name))
}

// TestListClustersPages walks five clusters two at a time: three pages,
// every cluster once, in ID order, and no cursor after the last page.
func TestListClustersPages(t *testing.T) {
	b := newBed(t, bedOptions{})
	var want []string
	for _, name := range []string{"rest-a", "rest-b", "rest-c", "rest-d", "rest-e"} {
		want = append(want, b.createCluster(name))
	}
	slices.Sort(want)
	c := b.client(auth.Viewer)
	ctx := context.Background()
	var got []string
	var sizes []int
	p := oas.ListClustersParams{Limit: oas.NewOptInt(2)}
	for range 10 {
		page, err := c.ListClusters(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page.Items))
		for _, cl := range page.Items {
			got = append(got, cl.ID)
		}
		next, ok := page.NextCursor.Get()
		if !ok {
			break
		}
		p.Cursor = oas.NewOptString(next)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cluster IDs over all pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 2, 1}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
}

// TestListClustersFilters checks the state, type and name filters, and a
// bad state answered as an input problem naming the field.
func TestListClustersFilters(t *testing.T) {
	b := newBed(t, bedOptions{})
	alpha := b.createCluster("filter-alpha")
	beta := b.createCluster("filter-beta")
	c := b.client(auth.Viewer)
	ctx := context.Background()
	tests := []struct {
		name string
		p    oas.ListClustersParams
		want []string
	}{
		{name: "no filter", want: []string{alpha, beta}},
		{name: "active alias", p: oas.ListClustersParams{State: []string{"active"}}, want: []string{alpha, beta}},
		{name: "terminated", p: oas.ListClustersParams{State: []string{"terminated"}}, want: nil},
		{name: "name", p: oas.ListClustersParams{Name: oas.NewOptString("filter-beta")}, want: []string{beta}},
		{name: "type", p: oas.ListClustersParams{Type: []string{"DATALAKE"}}, want: []string{alpha, beta}},
		{name: "other type", p: oas.ListClustersParams{Type: []string{"OLAP"}}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := c.ListClusters(ctx, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, cl := range page.Items {
				got = append(got, cl.ID)
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
	_, err := c.ListClusters(ctx, oas.ListClustersParams{State: []string{"bogus"}})
	p := problemOf(t, err)
	if p.Type != TypeInput || p.Status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "state" {
		t.Errorf("bad state: got %+v, want a 400 input problem naming state", p)
	}
}

// TestCursorRefused checks that a changed cursor, a cursor of another
// list, and a cursor used with other filters are refused with a 400 input
// problem naming cursor.
func TestCursorRefused(t *testing.T) {
	b := newBed(t, bedOptions{})
	id := b.createCluster("cursor-a")
	b.createCluster("cursor-b")
	c := b.client(auth.Viewer)
	ctx := context.Background()
	page, err := c.ListClusters(ctx, oas.ListClustersParams{Limit: oas.NewOptInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	cur, ok := page.NextCursor.Get()
	if !ok {
		t.Fatal("no nextCursor after a page of one of two clusters")
	}
	payload, sig, _ := strings.Cut(cur, ".")
	forged := b.cursorsForTest(cursorData{List: "clusters", Query: newQuery("clusters", "", "", "").hash(), After: "zzzz"})
	tests := []struct {
		name string
		call func(cursor string) error
	}{
		{name: "changed payload", call: func(string) error {
			_, err := c.ListClusters(ctx, oas.ListClustersParams{Cursor: oas.NewOptString(flip(payload) + "." + sig)})
			return err
		}},
		{name: "forged signature", call: func(string) error {
			_, err := c.ListClusters(ctx, oas.ListClustersParams{Cursor: oas.NewOptString(forged)})
			return err
		}},
		{name: "garbage", call: func(string) error {
			_, err := c.ListClusters(ctx, oas.ListClustersParams{Cursor: oas.NewOptString("not-a-cursor")})
			return err
		}},
		{name: "other list", call: func(cur string) error {
			_, err := c.ListNodes(ctx, oas.ListNodesParams{ClusterId: id, Cursor: oas.NewOptString(cur)})
			return err
		}},
		{name: "other filters", call: func(cur string) error {
			_, err := c.ListClusters(ctx, oas.ListClustersParams{Name: oas.NewOptString("cursor"), Cursor: oas.NewOptString(cur)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := problemOf(t, tt.call(cur))
			if p.Type != TypeInput || p.Status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "cursor" {
				t.Errorf("got %+v, want a 400 input problem naming cursor", p)
			}
		})
	}
	// The untouched cursor still works.
	if _, err := c.ListClusters(ctx, oas.ListClustersParams{Limit: oas.NewOptInt(1), Cursor: oas.NewOptString(cur)}); err != nil {
		t.Errorf("the issued cursor: %v", err)
	}
}

// cursorsForTest signs d with a key other than the server's.
func (b *bed) cursorsForTest(d cursorData) string {
	c := cursors{key: []byte("not the server's key")}
	return c.encode(query{list: d.List}, d.After)
}

func flip(s string) string {
	r := []byte(s)
	if r[len(r)/2] == 'A' {
		r[len(r)/2] = 'B'
	} else {
		r[len(r)/2] = 'A'
	}
	return string(r)
}

// TestReadRoutes drives every read route through the generated client
// with a viewer token.
func TestReadRoutes(t *testing.T) {
	b := newBed(t, bedOptions{})
	id := b.createCluster("reads")
	ctx := context.Background()
	groups, err := b.eng.ListNodeGroups(ctx, id, provider.NodeGroupFilter{})
	if err != nil || len(groups) == 0 {
		t.Fatalf("node groups of the new cluster: %v %v", groups, err)
	}
	group := groups[0]
	c := b.client(auth.Viewer)

	t.Run("regions", func(t *testing.T) {
		got, err := c.ListRegions(ctx, oas.ListRegionsParams{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got.Items, func(r oas.Region) bool { return r.ID == "cn-hangzhou" }) {
			t.Errorf("regions: got %+v, want cn-hangzhou among them", got.Items)
		}
	})
	t.Run("get cluster", func(t *testing.T) {
		got, err := c.GetCluster(ctx, oas.GetClusterParams{ClusterId: id})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != id || got.Name != "reads" || got.State != "RUNNING" || got.Provider == "" {
			t.Errorf("got %+v, want the RUNNING cluster %s named reads", got, id)
		}
	})
	t.Run("node groups", func(t *testing.T) {
		got, err := c.ListNodeGroups(ctx, oas.ListNodeGroupsParams{ClusterId: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != len(groups) {
			t.Errorf("got %d groups, want %d", len(got.Items), len(groups))
		}
		core, err := c.ListNodeGroups(ctx, oas.ListNodeGroupsParams{ClusterId: id, Role: []string{"CORE"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(core.Items) != 1 || core.Items[0].Role != "CORE" {
			t.Errorf("role CORE: got %+v, want one CORE group", core.Items)
		}
	})
	t.Run("node group", func(t *testing.T) {
		got, err := c.GetNodeGroup(ctx, oas.GetNodeGroupParams{ClusterId: id, NodeGroupId: group.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.Group.ID != group.ID || len(got.Nodes) != group.RunningNodes {
			t.Errorf("got group %s with %d nodes, want %s with %d", got.Group.ID, len(got.Nodes), group.ID, group.RunningNodes)
		}
	})
	t.Run("auto scaling policy", func(t *testing.T) {
		got, err := c.GetAutoScalingPolicy(ctx, oas.GetAutoScalingPolicyParams{ClusterId: id, NodeGroupId: group.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.NodeGroupId != group.ID || got.Exists {
			t.Errorf("got %+v, want group %s without a policy", got, group.ID)
		}
	})
	t.Run("nodes paged and filtered", func(t *testing.T) {
		all, err := c.ListNodes(ctx, oas.ListNodesParams{ClusterId: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) < 2 {
			t.Fatalf("got %d nodes, want the cluster's nodes", len(all.Items))
		}
		first, err := c.ListNodes(ctx, oas.ListNodesParams{ClusterId: id, Limit: oas.NewOptInt(1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Items) != 1 || !first.NextCursor.IsSet() || first.Items[0].ID != all.Items[0].ID {
			t.Errorf("limit 1: got %d items, cursor %v, want the first node and a cursor", len(first.Items), first.NextCursor.IsSet())
		}
		inGroup, err := c.ListNodes(ctx, oas.ListNodesParams{ClusterId: id, NodeGroupId: []string{group.ID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range inGroup.Items {
			if n.NodeGroupId != group.ID {
				t.Errorf("node %s of group %s listed for group %s", n.ID, n.NodeGroupId, group.ID)
			}
		}
		if len(inGroup.Items) != group.RunningNodes {
			t.Errorf("group filter: got %d nodes, want %d", len(inGroup.Items), group.RunningNodes)
		}
	})
	t.Run("scaling activities", func(t *testing.T) {
		var want []string
		if err := b.eng.ListScalingActivities(ctx, id, provider.ActivityFilter{}, 100, func(page []engine.ActivityView) error {
			for _, a := range page {
				want = append(want, a.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := c.ListScalingActivities(ctx, oas.ListScalingActivitiesParams{ClusterId: id})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got.Items {
			ids = append(ids, a.ID)
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("activities vs the engine's (-engine +REST):\n%s", diff)
		}
		_, err = c.ListScalingActivities(ctx, oas.ListScalingActivitiesParams{ClusterId: id, Type: oas.NewOptString("SIDEWAYS")})
		if p := problemOf(t, err); p.Type != TypeInput || len(p.Errors) != 1 || p.Errors[0].Field != "type" {
			t.Errorf("bad type: got %+v, want an input problem naming type", p)
		}
		_, err = c.GetScalingActivity(ctx, oas.GetScalingActivityParams{ClusterId: id, ActivityId: "asa-doesnotexist0001"})
		if p := problemOf(t, err); p.Type != TypeNotFound || p.Status != http.StatusNotFound {
			t.Errorf("unknown activity: got %+v, want a 404 not-found problem", p)
		}
	})
	t.Run("steps unsupported on Alibaba", func(t *testing.T) {
		_, err := c.ListSteps(ctx, oas.ListStepsParams{ClusterId: id})
		if p := problemOf(t, err); p.Type != TypeUnsupported || p.Status != http.StatusNotImplemented {
			t.Errorf("list steps: got %+v, want a 501 unsupported problem", p)
		}
		_, err = c.GetStep(ctx, oas.GetStepParams{ClusterId: id, StepId: "s-ABCDEFGHIJKLM"})
		if p := problemOf(t, err); p.Type != TypeUnsupported {
			t.Errorf("get step: got %+v, want an unsupported problem", p)
		}
	})
	t.Run("spark", func(t *testing.T) {
		ws, err := c.ListSparkWorkspaces(ctx, oas.ListSparkWorkspacesParams{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(ws.Items, func(w oas.SparkWorkspace) bool { return w.ID == sparkWS }) {
			t.Fatalf("workspaces: got %+v, want the seeded %s", ws.Items, sparkWS)
		}
		w, err := c.GetSparkWorkspace(ctx, oas.GetSparkWorkspaceParams{WorkspaceId: sparkWS})
		if err != nil || w.ID != sparkWS {
			t.Fatalf("get workspace: got %+v, %v", w, err)
		}
		runA, runB := b.submitSparkRun("rest-pi-a"), b.submitSparkRun("rest-pi-b")
		first, err := c.ListSparkJobRuns(ctx, oas.ListSparkJobRunsParams{WorkspaceId: sparkWS, Limit: oas.NewOptInt(1)})
		if err != nil {
			t.Fatal(err)
		}
		cur, ok := first.NextCursor.Get()
		if len(first.Items) != 1 || !ok {
			t.Fatalf("limit 1 of two runs: got %d items, cursor %v", len(first.Items), ok)
		}
		second, err := c.ListSparkJobRuns(ctx, oas.ListSparkJobRunsParams{WorkspaceId: sparkWS, Limit: oas.NewOptInt(1), Cursor: oas.NewOptString(cur)})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{first.Items[0].ID}
		for _, r := range second.Items {
			got = append(got, r.ID)
		}
		want := []string{runA, runB}
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" || second.NextCursor.IsSet() {
			t.Errorf("job runs over two pages (-want +got):\n%s (last cursor %v)", diff, second.NextCursor.IsSet())
		}
		run, err := c.GetSparkJobRun(ctx, oas.GetSparkJobRunParams{WorkspaceId: sparkWS, JobRunId: runA})
		if err != nil || run.ID != runA || run.Name != "rest-pi-a" {
			t.Errorf("get job run: got %+v, %v, want %s named rest-pi-a", run, err, runA)
		}
	})
	t.Run("audit", func(t *testing.T) {
		entries, err := c.ListAuditEntries(ctx, oas.ListAuditEntriesParams{Operation: oas.NewOptString("RunCluster")})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries.Items) != 1 || !slices.Contains(entries.Items[0].ResultIds, id) || entries.Items[0].Status != "succeeded" {
			t.Fatalf("RunCluster entries: got %+v, want the one that created %s", entries.Items, id)
		}
		one, err := c.GetAuditEntry(ctx, oas.GetAuditEntryParams{EntryId: entries.Items[0].ID})
		if err != nil || one.ID != entries.Items[0].ID || one.Actor != "test-setup" {
			t.Errorf("get entry: got %+v, %v, want entry %d by test-setup", one, err, entries.Items[0].ID)
		}
		_, err = c.GetAuditEntry(ctx, oas.GetAuditEntryParams{EntryId: 999999})
		if p := problemOf(t, err); p.Type != TypeNotFound || p.Status != http.StatusNotFound {
			t.Errorf("unknown entry: got %+v, want a 404 not-found problem", p)
		}
		if _, err := c.ListAuditEvents(ctx, oas.ListAuditEventsParams{}); err != nil {
			t.Errorf("audit events: %v", err)
		}
	})
}

// TestAuditEntriesPages pages the journal newest first, including
// entries recorded between two pages (they do not shift the pages).
func TestAuditEntriesPages(t *testing.T) {
	b := newBed(t, bedOptions{})
	b.createCluster("journal-a")
	b.createCluster("journal-b")
	b.createCluster("journal-c")
	ctx := context.Background()
	j := b.eng.Journal()
	all, err := j.List(ctx, journalFilterAll())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 3 {
		t.Fatalf("the journal has %d entries, want at least 3 for paging", len(all))
	}
	var want []int64
	for _, e := range all {
		want = append(want, e.ID)
	}
	c := b.client(auth.Viewer)
	var got []int64
	p := oas.ListAuditEntriesParams{Limit: oas.NewOptInt(2)}
	for i := 0; ; i++ {
		page, err := c.ListAuditEntries(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			got = append(got, e.ID)
		}
		if i == 0 {
			b.createCluster("journal-d") // newer entries: not on later pages
		}
		next, ok := page.NextCursor.Get()
		if !ok || i > 50 {
			break
		}
		p.Cursor = oas.NewOptString(next)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry IDs over all pages, newest first (-want +got):\n%s", diff)
	}
}

// TestProblems checks the problem+json shapes of the classes a read can
// meet: not found, no route, wrong method, bad parameter, no token.
func TestProblems(t *testing.T) {
	b := newBed(t, bedOptions{})
	tests := []struct {
		name       string
		method     string
		path       string
		role       auth.Role
		wantStatus int
		wantType   oas.ProblemType
		wantField  string
		wantHeader string
	}{
		{name: "missing cluster", path: "/v1/clusters/c-doesnotexist0001", role: auth.Viewer, wantStatus: 404, wantType: TypeNotFound},
		{name: "no route", path: "/v1/nothing", role: auth.Viewer, wantStatus: 404, wantType: TypeNotFound},
		{name: "wrong method", method: http.MethodDelete, path: "/v1/clusters", role: auth.Viewer, wantStatus: 405, wantType: TypeMethodNotAllowed, wantHeader: "Allow"},
		{name: "limit too big", path: "/v1/clusters?limit=501", role: auth.Viewer, wantStatus: 400, wantType: TypeInput, wantField: "limit"},
		{name: "limit not a number", path: "/v1/clusters?limit=ten", role: auth.Viewer, wantStatus: 400, wantType: TypeInput, wantField: "limit"},
		{name: "bad cluster ID", path: "/v1/clusters/not%20an%20id", role: auth.Viewer, wantStatus: 400, wantType: TypeInput},
		{name: "no token", path: "/v1/clusters", wantStatus: 401, wantType: TypeUnauthenticated, wantHeader: "WWW-Authenticate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, b.url+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.role != "" {
				req.Header.Set("Authorization", "Bearer "+b.tokens[tt.role])
			}
			resp, body := do(t, req)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			p := decodeProblem(t, resp, body)
			if p.Type != tt.wantType || p.Title == "" || !p.Detail.IsSet() || p.Instance.Or("") != strings.Split(tt.path, "?")[0] {
				t.Errorf("got %+v, want type %s with a title, a detail and the path as instance", p, tt.wantType)
			}
			if tt.wantField != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.wantField || !p.Errors[0].Fix.IsSet()) {
				t.Errorf("errors: got %+v, want one naming %s with a fix", p.Errors, tt.wantField)
			}
			if tt.wantHeader != "" && resp.Header.Get(tt.wantHeader) == "" {
				t.Errorf("header %s missing", tt.wantHeader)
			}
		})
	}
}

// TestAuthentication checks 401 through the generated client for a
// missing and a bad token, and that every role reads.
func TestAuthentication(t *testing.T) {
	b := newBed(t, bedOptions{})
	ctx := context.Background()
	p := problemOf(t, func() error {
		_, err := b.clientWith(bearer("x"), oas.WithClient(&http.Client{Transport: noAuthorization{}})).ListClusters(ctx, oas.ListClustersParams{})
		return err
	}())
	if p.Type != TypeUnauthenticated || p.Status != http.StatusUnauthorized {
		t.Errorf("no token: got %+v, want 401 unauthenticated", p)
	}
	// The advice reaches the client whole: the scrubber must not take
	// emrctl's own words for a credential.
	if d := p.Detail.Or(""); !strings.Contains(d, "emrctl token create") || strings.Contains(d, redact.Marker) {
		t.Errorf("no token: detail %q, want the advice unredacted", d)
	}
	for _, raw := range []string{"garbage", "emrctl_" + strings.Repeat("a", 40), b.tokens[auth.Viewer] + "x"} {
		_, err := b.clientWith(bearer(raw)).ListClusters(ctx, oas.ListClustersParams{})
		if p := problemOf(t, err); p.Type != TypeUnauthenticated || p.Status != http.StatusUnauthorized {
			t.Errorf("token %.12q...: got %+v, want 401 unauthenticated", raw, p)
		}
	}
	for _, r := range allRoles {
		if _, err := b.client(r).ListClusters(ctx, oas.ListClustersParams{}); err != nil {
			t.Errorf("role %s: %v, want reads allowed", r, err)
		}
	}
	// Health, readiness and the document need no token.
	for _, path := range []string{"/healthz", "/readyz", "/openapi.json"} {
		if resp, body := b.get(path, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("%s without a token: got %d %s, want 200", path, resp.StatusCode, body)
		}
	}
}

// fixedAuth authenticates every token as one principal.
type fixedAuth struct{ p auth.Principal }

func (f fixedAuth) Authenticate(ctx context.Context, raw string) (*auth.Principal, error) {
	p := f.p
	return &p, nil
}

// TestForbidden checks that a principal whose role allows nothing gets a
// 403 forbidden problem on a read.
func TestForbidden(t *testing.T) {
	b := newBed(t, bedOptions{auth: fixedAuth{p: auth.Principal{TokenID: "t1", Name: "odd", Role: "intruder"}}})
	_, err := b.clientWith(bearer("anything")).ListClusters(context.Background(), oas.ListClustersParams{})
	if p := problemOf(t, err); p.Type != TypeForbidden || p.Status != http.StatusForbidden {
		t.Errorf("got %+v, want 403 forbidden", p)
	}
}

// TestRateLimited checks the 429 problem with Retry-After once a token
// has used its burst.
func TestRateLimited(t *testing.T) {
	b := newBed(t, bedOptions{limiter: auth.NewLimiter(0.01, 2)})
	for i := range 2 {
		if resp, body := b.get("/v1/regions", auth.Viewer); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: got %d %s, want 200 within the burst", i+1, resp.StatusCode, body)
		}
	}
	resp, body := b.get("/v1/regions", auth.Viewer)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third request: got %d, want 429", resp.StatusCode)
	}
	p := decodeProblem(t, resp, body)
	after, ok := p.RetryAfter.Get()
	if p.Type != TypeRateLimited || !ok || after < 1 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("got %+v with Retry-After %q, want rate-limited with retryAfter and the header", p, resp.Header.Get("Retry-After"))
	}
	if d := p.Detail.Or(""); !strings.Contains(d, "wait") || strings.Contains(d, redact.Marker) {
		t.Errorf("detail %q, want the advice to wait, unredacted", d)
	}
	// Another token has its own bucket.
	if resp, _ := b.get("/v1/regions", auth.Operator); resp.StatusCode != http.StatusOK {
		t.Errorf("another token: got %d, want 200", resp.StatusCode)
	}
}

// TestOpenAPIJSON checks that /openapi.json is the embedded document.
func TestOpenAPIJSON(t *testing.T) {
	b := newBed(t, bedOptions{})
	resp, body := b.get("/openapi.json", "")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("got %d %s, want 200 JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	want, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got, wantDoc any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &wantDoc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantDoc, got); diff != "" {
		t.Errorf("/openapi.json differs from api/openapi.yaml (-want +got):\n%s", diff)
	}
}

// TestRequestLog checks one JSON line per request with the route and the
// token's name, and never the token itself.
func TestRequestLog(t *testing.T) {
	b := newBed(t, bedOptions{})
	b.get("/v1/clusters/c-doesnotexist0001", auth.Viewer)
	b.get("/v1/clusters", "")
	lines := b.logs.lines(t)
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2: %s", len(lines), b.logs.String())
	}
	want := []map[string]any{
		{"method": "GET", "route": "/v1/clusters/{clusterId}", "path": "/v1/clusters/c-doesnotexist0001", "status": 404.0, "token": "ci-viewer", "problem": string(TypeNotFound)},
		{"method": "GET", "route": "/v1/clusters", "path": "/v1/clusters", "status": 401.0, "problem": string(TypeUnauthenticated)},
	}
	for i, w := range want {
		got := lines[i]
		if _, ok := got["duration"]; !ok {
			t.Errorf("line %d has no duration: %v", i, got)
		}
		for _, k := range []string{"time", "level", "msg", "duration"} {
			delete(got, k)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("line %d (-want +got):\n%s", i, diff)
		}
	}
	for _, raw := range b.tokens {
		if strings.Contains(b.logs.String(), raw) {
			t.Errorf("the log holds a raw token")
		}
	}
}

// TestProblemScrubsSecrets checks that a secret quoted by an error never
// reaches the problem.
func TestProblemScrubsSecrets(t *testing.T) {
	b := newBed(t, bedOptions{})
	secret := "Sandbox-Secret-Value-123"
	b.secrets.Add(secret)
	errs := []error{
		&provider.APIError{Provider: "aliyun", Action: "GetCluster", Code: "Bad." + secret, Message: "key " + secret, RequestID: "r-1"},
		&engine.InputError{Problems: []engine.FieldProblem{{Field: "region", Problem: "unknown region " + secret, Fix: "not " + secret}}},
		errors.New("boom " + secret),
	}
	for _, err := range errs {
		p := problemFor(context.Background(), err, b.secrets)
		raw, merr := p.Response.MarshalJSON()
		if merr != nil {
			t.Fatal(merr)
		}
		if strings.Contains(string(raw), secret) {
			t.Errorf("%T: problem holds the secret: %s", err, raw)
		}
	}
}

// TestEveryOperationHasANeed keeps the role table and the document in
// step: every operation of the document has a need, and every need an
// operation.
func TestEveryOperationHasANeed(t *testing.T) {
	ops := documentOperations(t)
	var ids []string
	for _, op := range ops {
		ids = append(ids, op.id)
	}
	var named []string
	for name := range needs {
		named = append(named, strings.ToLower(name[:1])+name[1:])
	}
	slices.Sort(ids)
	slices.Sort(named)
	if diff := cmp.Diff(ids, named); diff != "" {
		t.Errorf("operations of the document vs the role table (-document +table):\n%s", diff)
	}
	for _, op := range ops {
		if strings.HasPrefix(op.path, "/v1/") && needs[strings.ToUpper(op.id[:1])+op.id[1:]] == needNothing {
			t.Errorf("%s %s needs no role, want every /v1 route to need one", op.method, op.path)
		}
	}
}

// TestNewRequiresAuth checks that the API refuses to start without an
// authenticator.
func TestNewRequiresAuth(t *testing.T) {
	b := newBed(t, bedOptions{})
	if _, err := New(Options{Engine: b.eng}); err == nil {
		t.Error("New without Auth: got no error, want one")
	}
}

func journalFilterAll() journal.Filter { return journal.Filter{} }
