// Package bench measures emrctl's behaviour at scale against the in-process
// emulator. Run with:
//
//	go test ./bench -run '^$' -bench ListClustersStreaming -benchtime 3x
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
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

// The remote listing: 'emrctl --endpoint ... cluster list -o json' (one
// process) against 'emrctl sandbox serve' on a SQLite state holding N
// clusters (another process), as a user with a large sandbox runs it.
// Reports the wall time, the peak RSS of both processes, and checks that
// every cluster was listed. Needs /usr/bin/time (apt install time). Run
// with:
//
//	go test ./bench -run '^$' -bench ListClustersRemote -benchtime 1x
//
// N=100000 seeds for a minute or two first (BENCH_STATE_DIR keeps the
// states for the next run); -bench 'ListClustersRemote/N=1000$' picks one
// size. EMRCTL_BIN names the binary to run (default: built from
// ./cmd/emrctl).
func BenchmarkListClustersRemote(b *testing.B) {
	bin := remoteBinary(b)
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			state := remoteState(b, n)
			srv := startRemoteServer(b, bin, state)
			var last remoteListing
			for b.Loop() {
				last = remoteList(b, bin, srv.addr)
			}
			if last.clusters != n {
				b.Fatalf("listed %d clusters, want %d", last.clusters, n)
			}
			b.ReportMetric(last.wall.Seconds(), "wall-s")
			b.ReportMetric(float64(last.maxRSS)/(1<<20), "client-peak-MiB")
			b.ReportMetric(float64(srv.peakRSS(b))/(1<<20), "server-peak-MiB")
		})
	}
}

// remoteBinary builds emrctl once per run (or takes EMRCTL_BIN).
func remoteBinary(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("EMRCTL_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "emrctl")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/emrctl/emrctl/cmd/emrctl").CombinedOutput(); err != nil {
		b.Fatalf("build emrctl: %v\n%s", err, out)
	}
	return bin
}

// remoteState writes a SQLite state holding n running clusters in
// cn-hangzhou (emulator.SeedClusters: direct writes, not RunCluster).
// With BENCH_STATE_DIR set, the state is kept there and reused by later
// runs (seeding 100,000 clusters takes a while).
func remoteState(b *testing.B, n int) string {
	b.Helper()
	dir := os.Getenv("BENCH_STATE_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("sandbox-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	st, err := emulator.OpenSQLiteStore(path)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := emulator.New(emulator.Options{Store: st, Clock: emulator.NewClock(emulator.SpeedInstant)})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := emulator.SeedClusters(st, "cn-hangzhou", n, srv.Clock().Now()); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d clusters in %s", n, time.Since(start).Round(time.Millisecond))
	if err := srv.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// remoteServer is a running 'emrctl sandbox serve'.
type remoteServer struct {
	cmd  *exec.Cmd
	addr string
}

// startRemoteServer serves state without throttling on a free port.
func startRemoteServer(b *testing.B, bin, state string) *remoteServer {
	b.Helper()
	portFile := filepath.Join(b.TempDir(), "port")
	cmd := exec.Command(bin, "sandbox", "serve", "--state", state, "--listen", "127.0.0.1:0", "--port-file", portFile,
		"--quiet", "--speed", "0", "--rate", "off")
	cmd.Env = remoteEnv(b)
	// BENCH_SERVER_GOGC / BENCH_SERVER_GOMEMLIMIT tune the server's
	// collector only, to see what its peak RSS owes to the GC's headroom.
	for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
		if v := os.Getenv("BENCH_SERVER_" + k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for range 600 {
		if addr, err := os.ReadFile(portFile); err == nil && len(addr) > 0 {
			return &remoteServer{cmd: cmd, addr: "http://" + strings.TrimSpace(string(addr))}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatal("sandbox serve wrote no port file within 30 s")
	return nil
}

// peakRSS is the server's peak resident set so far (VmHWM).
func (s *remoteServer) peakRSS(b *testing.B) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}

// remoteEnv is an empty HOME, so no profile of the user's is read.
func remoteEnv(b *testing.B) []string {
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		env = append(env, k+"="+filepath.Join(home, strings.ToLower(k)))
	}
	return env
}

// remoteListing is what one client run did.
type remoteListing struct {
	clusters int
	wall     time.Duration
	maxRSS   int64 // bytes
}

// remoteList runs the client once and counts the clusters it printed.
// Its peak RSS comes from /usr/bin/time: the rusage of a child started
// by this process would count this process's own peak, which the kernel
// carries across exec into the child's.
func remoteList(b *testing.B, bin, addr string) remoteListing {
	b.Helper()
	rssFile := filepath.Join(b.TempDir(), "rss")
	cmd := exec.Command("/usr/bin/time", "-f", "%M", "-o", rssFile, bin, "--endpoint", addr, "cluster", "list", "-o", "json")
	cmd.Env = remoteEnv(b)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	n, err := countClusters(out)
	if werr := cmd.Wait(); werr != nil || err != nil {
		b.Fatalf("cluster list: %v %v\n%s", werr, err, stderr.String())
	}
	wall := time.Since(start)
	raw, err := os.ReadFile(rssFile)
	if err != nil {
		b.Fatal(err)
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		b.Fatalf("/usr/bin/time wrote %q: %v", raw, err)
	}
	return remoteListing{clusters: n, wall: wall, maxRSS: kb << 10}
}

// countClusters counts the cluster IDs in the JSON output.
func countClusters(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	n := 0
	for sc.Scan() {
		n += strings.Count(sc.Text(), `"c-`)
	}
	return n, sc.Err()
}
