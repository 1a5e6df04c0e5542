// Package bench measures emrctl's behaviour at scale against the in-process
// emulator. Run with:
//
//	go test ./bench -run '^$' -bench ListClustersStreaming -benchtime 3x
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/spec"
)

// pageSize is what 'emrctl cluster list' asks for per call.
const pageSize = 100

// fleet is an engine over an emulator holding n clusters.
type fleet struct {
	eng *engine.Engine
	n   int
}

// newFleet seeds n clusters with RunCluster through the emulator's
// in-process transport: instant clock, no throttling.
func newFleet(tb testing.TB, n int) *fleet {
	tb.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.bench", Insecure: true, Credential: cred, Transport: srv.Transport()})
	if err != nil {
		tb.Fatal(err)
	}
	p := aliyun.New(c)

	raw, err := os.ReadFile(filepath.Join("..", "examples", "dev-cluster.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := spec.Load(raw)
	if err != nil {
		tb.Fatal(err)
	}
	spec.SetDefaults(s)
	ctx := context.Background()
	for i := range n {
		s.Name = fmt.Sprintf("bench-%05d", i)
		req, err := p.PrepareCreate(s, &spec.Resolved{})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := p.CreateCluster(ctx, req, fmt.Sprintf("bench-token-%05d", i)); err != nil {
			tb.Fatalf("seed cluster %d: %v", i, err)
		}
	}

	j, err := journal.Open(ctx, filepath.Join(tb.TempDir(), "journal.db"), journal.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	eng, err := engine.New(engine.Options{Profile: "bench", Provider: p, Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6, Journal: j})
	if err != nil {
		tb.Fatal(err)
	}
	return &fleet{eng: eng, n: n}
}

// countingWriter counts the writes that reach the output.
type countingWriter struct {
	writes int
	bytes  int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.writes++
	w.bytes += int64(len(b))
	return io.Discard.Write(b)
}

// listing is what one listing did.
type listing struct {
	clusters, pages, writes int
	// peakGrowth is the largest live heap seen during the listing, after a
	// collection, above the live heap before it: what the listing holds.
	peakGrowth int64
}

// list streams every cluster into the JSON list writer, as 'emrctl cluster
// list -o json' does. With measure, the live heap is sampled after each
// page.
func (f *fleet) list(tb testing.TB, measure bool) listing {
	tb.Helper()
	var out listing
	w := &countingWriter{}
	var base int64
	sample := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapInuse)
	}
	if measure {
		base = sample()
	}
	lw := output.NewListWriter(w, output.JSON, nil)
	err := f.eng.ListClusters(context.Background(), provider.ClusterFilter{}, pageSize, func(page []provider.Cluster) error {
		out.pages++
		out.clusters += len(page)
		items := make([]any, len(page))
		for i := range page {
			items[i] = page[i]
		}
		if err := lw.WriteItems(items...); err != nil {
			return err
		}
		if measure {
			out.peakGrowth = max(out.peakGrowth, sample()-base)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := lw.Close(); err != nil {
		tb.Fatal(err)
	}
	out.writes = w.writes
	return out
}

// BenchmarkListClustersStreaming lists N clusters page by page into the JSON writer
// and reports the peak live heap the listing holds: it stays flat as N
// grows, since only one page is held at a time.
func BenchmarkListClustersStreaming(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			f := newFleet(b, n)
			m := f.list(b, true)
			if m.clusters != n {
				b.Fatalf("listed %d clusters, want %d", m.clusters, n)
			}
			b.ReportAllocs()
			for b.Loop() {
				f.list(b, false)
			}
			// Reported after the loop: resetting the timer drops metrics.
			b.ReportMetric(float64(m.peakGrowth), "peak-heap-B")
			b.ReportMetric(float64(m.pages), "pages")
			b.ReportMetric(float64(n), "clusters/op")
		})
	}
}

// TestListingStreamsPageByPage checks at a smaller scale what the
// benchmark measures: one write per page plus the closing one, and a live
// heap that does not grow fivefold with five times the clusters.
func TestListingStreamsPageByPage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 1,500 clusters")
	}
	start := time.Now()
	small, large := newFleet(t, 300), newFleet(t, 1500)
	t.Logf("seeded 1,800 clusters in %s", time.Since(start).Round(time.Millisecond))
	ms, ml := small.list(t, true), large.list(t, true)
	for _, tt := range []struct {
		name string
		m    listing
		n    int
	}{{"300", ms, 300}, {"1500", ml, 1500}} {
		wantPages := (tt.n + pageSize - 1) / pageSize
		if tt.m.clusters != tt.n || tt.m.pages != wantPages || tt.m.writes != wantPages+1 {
			t.Errorf("N=%s: got %d clusters in %d pages and %d writes, want %d in %d pages and %d writes",
				tt.name, tt.m.clusters, tt.m.pages, tt.m.writes, tt.n, wantPages, wantPages+1)
		}
	}
	t.Logf("peak live heap held by the listing: N=300 %d B, N=1500 %d B", ms.peakGrowth, ml.peakGrowth)
	// Five times the clusters; a listing that kept them would hold about
	// five times the heap. Allow noise, not growth.
	if limit := 2*ms.peakGrowth + 1<<20; ml.peakGrowth > limit {
		t.Errorf("listing 1,500 clusters held %d B of heap, listing 300 held %d B: memory grows with N", ml.peakGrowth, ms.peakGrowth)
	}
}
