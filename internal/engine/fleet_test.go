package engine_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
)

// fleet is a readEnv seeded with clusters, and a way to scan it through
// another emulator server on the same state (its own throttle) and a
// transport of the test's.
type fleet struct {
	*readEnv
	store   emulator.Store
	clock   *emulator.Clock
	ids     []string // the clusters, as created
	stopped []string // running clusters with a stopped node
}

// newFleet creates n dev clusters, every third with a stopped node and
// the last two failing to start.
func newFleet(t *testing.T, n int) *fleet {
	t.Helper()
	store, clock := emulator.NewMemoryStore(), emulator.NewClock(emulator.SpeedInstant)
	env := newReadEnvOn(t, emulator.Options{Store: store, Clock: clock, Throttle: emulator.ThrottleConfig{Rate: -1}})
	f := &fleet{readEnv: env, store: store, clock: clock}
	for i := range n {
		name := "fleet-" + string(rune('a'+i))
		c := example(t, "dev-cluster.yaml", "name: dev-datalake", "name: "+name)
		if i >= n-2 {
			c = example(t, "dev-cluster.yaml", "name: dev-datalake", "name: "+name, "sg-bp1sandboxnormal0001", "sg-bp1sandboxenterprise1")
		}
		id := env.create(c)
		f.ids = append(f.ids, id)
		if i%3 == 1 && i < n-2 {
			if _, err := env.srv.Inject(emulator.Injection{Kind: "node-failure", Region: "cn-hangzhou", ClusterID: id}); err != nil {
				t.Fatal(err)
			}
			f.stopped = append(f.stopped, id)
		}
	}
	return f
}

// newReadEnvOn is newReadEnv on a server with the given options.
func newReadEnvOn(t *testing.T, o emulator.Options) *readEnv {
	t.Helper()
	srv, err := emulator.New(o)
	if err != nil {
		t.Fatal(err)
	}
	env := &readEnv{t: t, srv: srv, p: sandboxProvider(t, srv, "cn-hangzhou")}
	env.eng = scanEngine(t, srv, nil)
	return env
}

// scanEngine is a sandbox engine on srv whose requests go through wrap
// (srv may be nil when wrap brings its own transport).
func scanEngine(t *testing.T, srv *emulator.Server, wrap func(http.RoundTripper) http.RoundTripper) *engine.Engine {
	t.Helper()
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"), journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	var rt http.RoundTripper
	if srv != nil {
		rt = srv.Transport()
	}
	if wrap != nil {
		rt = wrap(rt)
	}
	eng, err := engine.New(engine.Options{
		Profile: "test", Provider: wrappedProvider(t, rt, "cn-hangzhou"), Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: policy.Default(),
		ForRegion: func(region string) (provider.Provider, error) { return wrappedProvider(t, rt, region), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func wrappedProvider(t *testing.T, rt http.RoundTripper, region string) *aliyun.Provider {
	t.Helper()
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: region, Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: rt, ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return aliyun.New(c)
}

// server opens another emulator server on the fleet's state.
func (f *fleet) server(throttle emulator.ThrottleConfig) *emulator.Server {
	f.t.Helper()
	srv, err := emulator.New(emulator.Options{Store: f.store, Clock: f.clock, Throttle: throttle})
	if err != nil {
		f.t.Fatal(err)
	}
	return srv
}

// jitter delays each request by up to 3 ms, so answers come back in
// another order than the requests went out.
type jitter struct{ next http.RoundTripper }

func (j jitter) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(time.Duration(rand.N(3000)) * time.Microsecond)
	return j.next.RoundTrip(r)
}

// inFlight counts the requests under way and remembers the most at once.
type inFlight struct {
	next      http.RoundTripper
	now, most atomic.Int64
}

func (c *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond)
	return c.next.RoundTrip(r)
}

// delta is what the server received since before.
func delta(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func TestInspectOrderDoesNotDependOnConcurrency(t *testing.T) {
	f := newFleet(t, 14)
	want, err := f.eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Findings) != len(f.stopped)+2 {
		t.Fatalf("sequential: got %d findings, want %d: %v", len(want.Findings), len(f.stopped)+2, kinds(want.Findings))
	}
	// Findings follow the listing's order, whatever the order of answers.
	var listed []string
	err = f.eng.ListClusters(context.Background(), provider.ClusterFilter{}, 100, func(page []provider.Cluster) error {
		for _, c := range page {
			listed = append(listed, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for _, fd := range want.Findings {
		order = append(order, slices.Index(listed, fd.ClusterID))
	}
	if !slices.IsSorted(order) {
		t.Errorf("findings in listing positions %v, want ascending", order)
	}
	eng := scanEngine(t, f.server(emulator.ThrottleConfig{Rate: -1}), func(rt http.RoundTripper) http.RoundTripper { return jitter{rt} })
	for range 3 {
		got, err := eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true, Concurrency: 8})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("concurrent inspection differs from the sequential one (-want +got):\n%s", diff)
		}
	}
}

func TestInspectCallsOnlyWhatTheReportNeeds(t *testing.T) {
	f := newFleet(t, 9)
	before := f.srv.Stats()
	rep, err := f.eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true})
	if err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, r := range rep.Regions {
		running += r.Running
	}
	if running != 7 {
		t.Fatalf("got %d running clusters, want 7", running)
	}
	want := map[string]int{"DescribeRegions": 1, "ListClusters": 4, "ListNodes": running}
	if diff := cmp.Diff(want, delta(before, f.srv.Stats())); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestInspectAbsorbsThrottling(t *testing.T) {
	f := newFleet(t, 14)
	want, err := f.eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true})
	if err != nil {
		t.Fatal(err)
	}
	// A bucket far smaller than the engine's table expects.
	srv := f.server(emulator.ThrottleConfig{Rate: 20, Burst: 1})
	eng := scanEngine(t, srv, nil)
	got, err := eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true, Concurrency: 8})
	if err != nil {
		t.Fatalf("throttled inspection: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("throttled inspection differs (-want +got):\n%s", diff)
	}
	throttled := 0
	for k, v := range srv.Stats() {
		if strings.HasSuffix(k, ":Throttling.User") {
			throttled += v
		}
	}
	if throttled == 0 {
		t.Error("the server throttled nothing: the test proves nothing")
	}
	t.Logf("%d Throttling answers absorbed", throttled)
}

func TestScanKeepsToItsConcurrency(t *testing.T) {
	f := newFleet(t, 14)
	for _, limit := range []int{1, 3} {
		counter := &inFlight{next: f.server(emulator.ThrottleConfig{Rate: -1}).Transport()}
		eng := scanEngine(t, nil, func(http.RoundTripper) http.RoundTripper { return counter })
		if _, err := eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true, Concurrency: limit}); err != nil {
			t.Fatal(err)
		}
		if got := counter.most.Load(); got != int64(limit) {
			t.Errorf("concurrency %d: got at most %d requests in flight, want %d", limit, got, limit)
		}
	}
	if _, err := f.eng.Inspect(context.Background(), engine.InspectOptions{Concurrency: engine.MaxConcurrency + 1}); err == nil {
		t.Error("concurrency above the maximum: got no error")
	}
}

func TestDiagnoseClustersInOrder(t *testing.T) {
	f := newFleet(t, 8)
	ids := slices.Clone(f.ids)
	slices.Reverse(ids)
	var want []*engine.ClusterDiagnosis
	for _, id := range ids {
		d, err := f.eng.DiagnoseCluster(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, d)
	}
	eng := scanEngine(t, f.server(emulator.ThrottleConfig{Rate: -1}), func(rt http.RoundTripper) http.RoundTripper { return jitter{rt} })
	got, err := eng.DiagnoseClusters(context.Background(), ids, engine.DiagnoseOptions{Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("side by side differs from one by one (-want +got):\n%s", diff)
	}
	mixed, err := eng.DiagnoseClusters(context.Background(), []string{"c-doesnotexist0000", ids[0]}, engine.DiagnoseOptions{})
	if err != nil {
		t.Fatalf("one unknown cluster of two failed the whole diagnosis: %v", err)
	}
	if len(mixed) != 2 || mixed[0].Cluster.ID != "c-doesnotexist0000" || !strings.Contains(mixed[0].Error, "c-doesnotexist0000") ||
		mixed[1].Error != "" || mixed[1].Cluster.Name == "" {
		t.Errorf("an unknown and a known cluster: got %+v and %+v; want the first with its error, the second diagnosed", mixed[0], mixed[1])
	}
	if _, err := eng.DiagnoseClusters(context.Background(), []string{"c-doesnotexist0000", "c-doesnotexist0001"}, engine.DiagnoseOptions{}); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("only unknown clusters: got %v, want not found", err)
	}
}

func TestListClustersInRegions(t *testing.T) {
	f := newFleet(t, 7)
	before := f.srv.Stats()
	var regions []string
	var ids []string
	err := f.eng.ListClustersInRegions(context.Background(), engine.RegionsOptions{AllRegions: true, Concurrency: 4}, provider.ClusterFilter{}, 3,
		func(region string, page []provider.Cluster) error {
			if len(regions) == 0 || regions[len(regions)-1] != region {
				regions = append(regions, region)
			}
			for _, c := range page {
				if c.Region != region {
					t.Errorf("cluster %s of %s listed under %s", c.ID, c.Region, region)
				}
				ids = append(ids, c.ID)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	// 7 clusters by 3 in cn-hangzhou, one empty page in each other region.
	if diff := cmp.Diff(map[string]int{"DescribeRegions": 1, "ListClusters": 3 + 3}, delta(before, f.srv.Stats())); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	var want []string
	err = f.eng.ListClusters(context.Background(), provider.ClusterFilter{}, 3, func(page []provider.Cluster) error {
		for _, c := range page {
			want = append(want, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"cn-hangzhou"}, regions); diff != "" {
		t.Errorf("regions with clusters (-want +got):\n%s", diff)
	}
	// A writer that stops early ends the listing, and no lister is left
	// behind blocked.
	stop := errors.New("enough")
	pages := 0
	err = f.eng.ListClustersInRegions(context.Background(), engine.RegionsOptions{AllRegions: true}, provider.ClusterFilter{}, 1,
		func(string, []provider.Cluster) error {
			pages++
			return stop
		})
	if !errors.Is(err, stop) || pages != 1 {
		t.Errorf("stopped writer: got %v after %d page(s), want %v after 1", err, pages, stop)
	}
}

// countingProvider is a provider whose node groups are complete (or not)
// and which counts its calls.
type countingProvider struct {
	mu    sync.Mutex
	calls map[string]int
	short bool // a group misses a node
	provider.Provider
}

func (p *countingProvider) count(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[name]++
}

func (p *countingProvider) Traits() provider.Traits {
	return provider.Traits{Name: "fake", AbnormalNodeStates: []string{"TERMINATED"}, NodeStates: []string{"RUNNING", "TERMINATED"}}
}

func (p *countingProvider) GetCluster(_ context.Context, id string) (*provider.Cluster, error) {
	p.count("GetCluster")
	return &provider.Cluster{ID: id, Name: "fake", State: engine.StateRunning, Region: "r-1"}, nil
}

func (p *countingProvider) ListNodeGroups(context.Context, string, provider.NodeGroupFilter) ([]provider.NodeGroup, error) {
	p.count("ListNodeGroups")
	core := provider.NodeGroup{ID: "ig-core", Role: "CORE", State: engine.StateRunning, RunningNodes: 2, DesiredNodes: 2}
	if p.short {
		core.RunningNodes = 1
	}
	return []provider.NodeGroup{{ID: "ig-master", Role: "MASTER", State: engine.StateRunning, RunningNodes: 1, DesiredNodes: 1}, core}, nil
}

func (p *countingProvider) ListNodes(context.Context, string, provider.NodeFilter, string, int) (*provider.Page[provider.Node], error) {
	p.count("ListNodes")
	page := &provider.Page[provider.Node]{}
	if p.short {
		page.Items = []provider.Node{{ID: "i-gone", NodeGroupID: "ig-core", State: "TERMINATED", Phase: provider.PhaseReleased}}
	}
	return page, nil
}

func TestDiagnoseReadsNodesOnlyWhenAGroupIsShort(t *testing.T) {
	tests := []struct {
		name      string
		short     bool
		nodes     bool
		wantNodes int
		wantFinds int
	}{
		{name: "complete groups", wantNodes: 0},
		{name: "complete groups, nodes asked for", nodes: true, wantNodes: 1},
		{name: "a group short of a node", short: true, wantNodes: 1, wantFinds: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &countingProvider{calls: map[string]int{}, short: tt.short}
			j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"), journal.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			eng, err := engine.New(engine.Options{Provider: p, Region: "r-1", Journal: j})
			if err != nil {
				t.Fatal(err)
			}
			d, err := eng.DiagnoseClusterWith(context.Background(), "c-0123456789abcdef", engine.DiagnoseOptions{Nodes: tt.nodes})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"GetCluster": 1, "ListNodeGroups": 1}
			if tt.wantNodes > 0 {
				want["ListNodes"] = tt.wantNodes
			}
			if diff := cmp.Diff(want, p.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if len(d.Findings) != tt.wantFinds {
				t.Errorf("got findings %v, want %d", kinds(d.Findings), tt.wantFinds)
			}
		})
	}
}
