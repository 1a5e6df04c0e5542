package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// childEnv selects what TestChild does in a re-executed test binary.
const childEnv = "PGTEST_CHILD"

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStart(t *testing.T) {
	var (
		pid  int
		dir  string
		port int
	)
	t.Run("running", func(t *testing.T) {
		s := Start(t)
		pid, dir, port = s.proc.cmd.Process.Pid, s.dir, s.Port

		if want := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port); s.URL != want {
			t.Errorf("URL: got %q, want %q", s.URL, want)
		}
		conn := connect(t, s.URL)
		for name, want := range map[string]string{
			"fsync":                   "off",
			"max_connections":         "200",
			"listen_addresses":        "127.0.0.1",
			"port":                    strconv.Itoa(s.Port),
			"unix_socket_directories": filepath.Join(s.dir, sockDirName),
		} {
			var got string
			if err := conn.QueryRow(t.Context(), "SELECT current_setting($1)", name).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("setting %s: got %q, want %q", name, got, want)
			}
		}
		if os.Geteuid() == 0 && runtime.GOOS == "linux" {
			if uid := processUID(t, pid); uid == 0 {
				t.Errorf("postgres (pid %d) runs as root, want an unprivileged user", pid)
			}
		}
	})
	if t.Failed() || t.Skipped() {
		return
	}
	if alive(pid) && !exited(pid) {
		t.Errorf("postgres (pid %d) still runs after the test's cleanup", pid)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server directory %s after cleanup: got %v, want it removed", dir, err)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections after cleanup", port)
	}
}

func TestNewDatabase(t *testing.T) {
	s := Shared(t)
	var names []string
	outer := t
	t.Run("isolated", func(t *testing.T) {
		// Connections closed by the outer test stay open during this
		// test's cleanup: the drop must not wait for them.
		a, b := connect(outer, s.NewDatabase(t)), connect(outer, s.NewDatabase(t))
		for _, c := range []*pgx.Conn{a, b} {
			names = append(names, c.Config().Database)
		}
		if names[0] == names[1] {
			t.Fatalf("two NewDatabase calls gave the same database %q", names[0])
		}
		if _, err := a.Exec(t.Context(), "CREATE TABLE seen (id int); INSERT INTO seen VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		var table *string
		if err := b.QueryRow(t.Context(), "SELECT to_regclass('seen')::text").Scan(&table); err != nil {
			t.Fatal(err)
		}
		if table != nil {
			t.Errorf("database %s sees table %s of database %s", names[1], *table, names[0])
		}
	})
	if len(names) != 2 {
		return
	}
	conn := connect(t, s.URL)
	var left int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = ANY($1)", names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after the test's cleanup: got %d of databases %v, want both dropped", left, names)
	}
}

func TestSharedIsOneServer(t *testing.T) {
	a, b := Shared(t), Shared(t)
	if a != b {
		t.Errorf("Shared: got servers on ports %d and %d, want one", a.Port, b.Port)
	}
}

// TestKilledBinaryLeavesNoServer SIGKILLs a test binary that started a
// server: nothing runs its cleanup, so only the death signal ends the
// server. The next start removes the files it left.
func TestKilledBinaryLeavesNoServer(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux only")
	}
	if _, err := locateBinaries(); err != nil {
		unavailable(t, err)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	child.Env = append(os.Environ(), childEnv+"=hold")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })

	var pid, port int
	var dir string
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		if _, err := fmt.Sscanf(line, "READY %d %d %s", &pid, &port, &dir); !ok || err != nil {
			t.Fatalf("child: got %q, want READY <pid> <port> <dir>", line)
		}
	case <-time.After(time.Minute):
		t.Fatal("child started no server within a minute")
	}
	workers := childProcesses(t, pid)
	if len(workers) == 0 {
		t.Fatalf("postgres (pid %d) has no worker processes; is it running?", pid)
	}

	if err := child.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	procs := append([]int{pid}, workers...)
	if !eventually(10*time.Second, func() bool { return allExited(procs) }) {
		t.Errorf("10 s after SIGKILL of its test binary, postgres processes still run: %v of %v", running(procs), procs)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections", port)
	}

	Start(t)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory %s of the killed binary's server after the next start: got %v, want it swept", dir, err)
	}
}

// TestMissingBinaries runs a test binary whose search finds no server:
// the test skips, or fails when PostgreSQL is required.
func TestMissingBinaries(t *testing.T) {
	tests := []struct {
		name     string
		require  string
		wantMark string
		wantExit bool
	}{
		{name: "skip", require: "", wantMark: "--- SKIP: TestChild"},
		{name: "required", require: "1", wantMark: "--- FAIL: TestChild", wantExit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), childEnv+"=start", BinEnv+"="+t.TempDir(), RequireEnv+"="+tt.require)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.wantExit {
				t.Errorf("child failed: got %v (%v), want %v", failed, err, tt.wantExit)
			}
			if !strings.Contains(string(out), tt.wantMark) {
				t.Errorf("child output: got\n%s\nwant a line %q", out, tt.wantMark)
			}
		})
	}
}

// TestChild is the re-executed test binary of the tests above.
func TestChild(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "":
		t.Skip("runs only as the child of another test")
	case "start":
		Start(t)
	case "hold":
		s := Start(t)
		fmt.Printf("READY %d %d %s\n", s.proc.cmd.Process.Pid, s.Port, s.dir)
		time.Sleep(2 * time.Minute) // until the parent kills this process
	}
}

// eventually reports whether cond holds within limit, checking every 100 ms.
func eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

func allExited(pids []int) bool { return len(running(pids)) == 0 }

func running(pids []int) []int {
	var r []int
	for _, p := range pids {
		if !exited(p) {
			r = append(r, p)
		}
	}
	return r
}

// exited reports whether pid is gone or a zombie: an orphan that PID 1
// of a container may never reap, but that runs no more.
func exited(pid int) bool {
	state, _, ok := procStat(pid)
	return !ok || state == "Z"
}

// procStat returns a process's state and parent from /proc (Linux).
func procStat(pid int) (state string, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return fields[0], ppid, err == nil
}

// childProcesses lists the running children of pid (the postmaster's
// checkpointer, writers, launchers).
func childProcesses(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, ppid, ok := procStat(p); ok && ppid == pid && state != "Z" {
			kids = append(kids, p)
		}
	}
	return kids
}

// processUID returns the real user ID of a process (Linux).
func processUID(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			uid, err := strconv.Atoi(strings.Fields(rest)[0])
			if err != nil {
				t.Fatal(err)
			}
			return uid
		}
	}
	t.Fatalf("no Uid line in /proc/%d/status", pid)
	return 0
}
