package bench

// The fleet scan: 'emrctl cluster inspect --all-regions' over 50 and 500
// running clusters, every call delayed 50 ms by the emulator, against the
// bound its rate limits and the engine's concurrency allow. Run with:
//
//	go test ./bench -run '^$' -bench FleetScan -benchtime 3x

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/spec"
)

// The emulator's defaults (internal/emulator/throttle.go) and the
// engine's concurrency: what the bound is computed from.
const (
	fleetLatency     = 50 * time.Millisecond
	fleetRate        = 50.0 // requests per second per action
	fleetBurst       = 100
	fleetConcurrency = 8
)

// fleetStore seeds n running clusters in cn-hangzhou into a store, through
// an emulator without throttling and with an instant clock.
func fleetStore(tb testing.TB, n int) (emulator.Store, *emulator.Clock) {
	tb.Helper()
	store, clock := emulator.NewMemoryStore(), emulator.NewClock(emulator.SpeedInstant)
	srv, err := emulator.New(emulator.Options{Store: store, Clock: clock, Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		tb.Fatal(err)
	}
	p := fleetProvider(tb, srv, "cn-hangzhou")
	raw, err := os.ReadFile(filepath.Join("..", "examples", "dev-cluster.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := spec.Load(raw)
	if err != nil {
		tb.Fatal(err)
	}
	spec.SetDefaults(s)
	// The sandbox zone has stock for 500 instances of each type: rotate
	// the types so that every cluster runs.
	types := []string{"ecs.g8i.xlarge", "ecs.g8i.2xlarge", "ecs.g8i.4xlarge", "ecs.g7.xlarge"}
	for i := range n {
		s.Name = fmt.Sprintf("scan-%05d", i)
		for g := range s.NodeGroups {
			s.NodeGroups[g].InstanceTypes = []string{types[i%len(types)]}
		}
		req, err := p.PrepareCreate(s, &spec.Resolved{})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := p.CreateCluster(context.Background(), req, fmt.Sprintf("scan-token-%05d", i)); err != nil {
			tb.Fatalf("seed cluster %d: %v", i, err)
		}
	}
	return store, clock
}

func fleetProvider(tb testing.TB, srv *emulator.Server, region string) *aliyun.Provider {
	tb.Helper()
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: region, Endpoint: "emr.bench", Insecure: true, Credential: cred, Transport: srv.Transport()})
	if err != nil {
		tb.Fatal(err)
	}
	return aliyun.New(c)
}

// fleetScan is what one scan did.
type fleetScan struct {
	wall      time.Duration
	calls     int // requests the emulator answered
	throttled int // of which Throttling answers
	clusters  int
	running   int
	regions   int
}

// scanOnce runs one inspection as a fresh 'emrctl' process would: a new
// emulator server on the seeded store (its buckets full), a new engine
// (its buckets full), 50 ms on every call.
func scanOnce(tb testing.TB, store emulator.Store, clock *emulator.Clock) fleetScan {
	tb.Helper()
	srv, err := emulator.New(emulator.Options{Store: store, Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	j, err := journal.Open(context.Background(), filepath.Join(tb.TempDir(), "journal.db"), journal.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer j.Close()
	eng, err := engine.New(engine.Options{Profile: "bench", Provider: fleetProvider(tb, srv, "cn-hangzhou"), Region: "cn-hangzhou",
		Sandbox: true, TimeScale: 1e6, Journal: j,
		ForRegion: func(region string) (provider.Provider, error) { return fleetProvider(tb, srv, region), nil }})
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	rep, err := eng.Inspect(context.Background(), engine.InspectOptions{AllRegions: true})
	wall := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	out := fleetScan{wall: wall, regions: len(rep.Regions)}
	for _, r := range rep.Regions {
		if r.Error != "" {
			tb.Fatalf("%s: %s", r.Region, r.Error)
		}
		out.clusters += r.Clusters
		out.running += r.Running
	}
	for k, v := range srv.Stats() {
		switch {
		case strings.Contains(k, ":Throttling"):
			out.throttled += v
		case !strings.Contains(k, ":"):
			out.calls += v
		}
	}
	return out
}

// fleetNeeded is the number of calls the report needs: the regions, a
// page of clusters per 100 in each region (at least one), and one page of
// abnormal nodes per running cluster.
func fleetNeeded(regions, clusters int) int {
	pages := regions - 1 + max(1, int(math.Ceil(float64(clusters)/100)))
	return 1 + pages + clusters
}

// fleetBound is the shortest a scan can take: the regions, then the first
// page of clusters (one latency each, nothing else can run before), then
// the nodes of every cluster, at most fleetConcurrency at a time and, past
// the burst, at most fleetRate a second.
func fleetBound(clusters int) time.Duration {
	byConcurrency := time.Duration(math.Ceil(float64(clusters)/fleetConcurrency)) * fleetLatency
	byRate := time.Duration(float64(max(0, clusters-fleetBurst))/fleetRate*float64(time.Second)) + fleetLatency
	return 2*fleetLatency + max(byConcurrency, byRate)
}

// BenchmarkFleetScan reports wall time, calls and the bound of a scan.
func BenchmarkFleetScan(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			store, clock := fleetStore(b, n)
			fault := emulator.FaultRule{Action: "*", Latency: emulator.Duration(fleetLatency)}
			if err := fleetAddFault(store, clock, fault); err != nil {
				b.Fatal(err)
			}
			var last fleetScan
			var walls time.Duration
			runs, calls, throttled := 0, 0, 0
			for b.Loop() {
				last = scanOnce(b, store, clock)
				walls += last.wall
				runs++
				calls = max(calls, last.calls)
				throttled += last.throttled
				if last.clusters != n || last.running != n {
					b.Fatalf("inspected %d clusters (%d running), want %d running", last.clusters, last.running, n)
				}
			}
			wall := walls / time.Duration(runs)
			bound := fleetBound(n)
			need := fleetNeeded(last.regions, n)
			b.ReportMetric(wall.Seconds(), "wall-s")
			b.ReportMetric(bound.Seconds(), "bound-s")
			b.ReportMetric(wall.Seconds()/bound.Seconds(), "x-bound")
			b.ReportMetric(float64(calls), "calls")
			b.ReportMetric(float64(need), "calls-needed")
			b.ReportMetric(float64(throttled), "throttled")
			b.Logf("clusters=%d runs=%d mean wall=%s calls=%d (needed %d) throttled answers=%d (absorbed) bound=%s ratio=%.2f",
				n, runs, wall.Round(time.Millisecond), calls, need, throttled, bound, wall.Seconds()/bound.Seconds())
		})
	}
}

// fleetAddFault installs a fault rule in the store's controls.
func fleetAddFault(store emulator.Store, clock *emulator.Clock, r emulator.FaultRule) error {
	srv, err := emulator.New(emulator.Options{Store: store, Clock: clock, Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		return err
	}
	return srv.AddFault(r)
}

// TestFleetBound pins the bound's arithmetic.
func TestFleetBound(t *testing.T) {
	for _, tt := range []struct {
		clusters int
		want     time.Duration
	}{
		{50, 100*time.Millisecond + 7*50*time.Millisecond},
		{500, 100*time.Millisecond + 8*time.Second + 50*time.Millisecond},
	} {
		if got := fleetBound(tt.clusters); got != tt.want {
			t.Errorf("bound(%d): got %s, want %s", tt.clusters, got, tt.want)
		}
	}
	if got := fleetNeeded(4, 500); got != 1+3+5+500 {
		t.Errorf("needed(4 regions, 500 clusters): got %d, want %d", got, 1+3+5+500)
	}
}
