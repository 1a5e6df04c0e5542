package bench

// Start-up cost of the built binary: wall time and CPU (user+sys, from the
// child's rusage) of one short command, median over the iterations. Run with:
//
//	go test ./bench -run '^$' -bench Startup -benchtime 30x
//
// EMRCTL_BIN names a binary to measure (e.g. an older build, to compare);
// without it the benchmark builds ./cmd/emrctl once.

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startupBinary returns the binary to measure.
func startupBinary(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("EMRCTL_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "emrctl")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/emrctl/emrctl/cmd/emrctl")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// freshHome is an empty HOME (and XDG dirs), so no profile of the user's
// is read and the sandbox state is new.
func freshHome(b *testing.B) []string {
	b.Helper()
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		env = append(env, k+"="+filepath.Join(home, strings.ToLower(k)))
	}
	return env
}

// startupRun runs bin once and returns its wall time and CPU time.
func startupRun(b *testing.B, bin string, env []string, args ...string) (wall, cpu time.Duration) {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return wall, cpu
}

// startupMeasure runs the command b.N times after one warm-up run and reports
// the medians in milliseconds.
func startupMeasure(b *testing.B, bin string, env []string, args ...string) {
	startupRun(b, bin, env, args...)
	walls := make([]time.Duration, 0, b.N)
	cpus := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		w, c := startupRun(b, bin, env, args...)
		walls = append(walls, w)
		cpus = append(cpus, c)
	}
	b.StopTimer()
	b.ReportMetric(ms(startupMedian(walls)), "wall-ms")
	b.ReportMetric(ms(startupMedian(cpus)), "cpu-ms")
}

func startupMedian(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// startupServe starts 'emrctl sandbox serve' on a free port and returns its
// address.
func startupServe(b *testing.B, bin string, env []string) string {
	b.Helper()
	portFile := filepath.Join(b.TempDir(), "port")
	cmd := exec.Command(bin, "sandbox", "serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--memory", "--quiet", "--speed", "0")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for range 200 {
		if addr, err := os.ReadFile(portFile); err == nil && len(addr) > 0 {
			return "http://" + strings.TrimSpace(string(addr))
		}
		time.Sleep(25 * time.Millisecond)
	}
	b.Fatal("sandbox serve wrote no port file within 5 s")
	return ""
}

func BenchmarkStartup(b *testing.B) {
	bin := startupBinary(b)
	b.Run("version", func(b *testing.B) {
		startupMeasure(b, bin, freshHome(b), "version")
	})
	b.Run("sandbox-cluster-list", func(b *testing.B) {
		startupMeasure(b, bin, freshHome(b), "cluster", "list", "-o", "json")
	})
	b.Run("endpoint-cluster-list", func(b *testing.B) {
		env := freshHome(b)
		addr := startupServe(b, bin, env)
		startupMeasure(b, bin, freshHome(b), "--endpoint", addr, "cluster", "list", "-o", "json")
	})
}
