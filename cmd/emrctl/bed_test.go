package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
)

// killBed is a sandbox emulator over HTTP and the emrctl binary pointed
// at it, with its own journal and config (one operator's HOME).
type killBed struct {
	t   *testing.T
	bin string
	env []string
	srv *emulator.Server
	// arrived records when each action's requests reached the emulator.
	arrived *arrivals
}

func newKillBed(t *testing.T) *killBed {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	arrived := newArrivals()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("x-acs-action"); a != "" {
			arrived.record(a)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	k := newBed(t, "EMRCTL_ENDPOINT="+hs.URL, "EMRCTL_SANDBOX_SPEED=0")
	k.srv, k.arrived = srv, arrived
	return k
}

// newBed is the emrctl binary with a fresh HOME and env, for a cloud the
// caller sets up.
func newBed(t *testing.T, env ...string) *killBed {
	k := &killBed{t: t, bin: emrctlBinary(t), arrived: newArrivals()}
	k.env = append(append(os.Environ(), "NO_COLOR=1", "EMRCTL_PROFILE="), env...)
	k.env = append(k.env, homeEnv(t)...)
	return k
}

// devSpec is the example cluster the sandbox tests create.
var devSpec = filepath.Join("..", "..", "examples", "dev-cluster.yaml")

// devCluster creates the example dev cluster, waits until it runs and
// returns its ID.
func (k *killBed) devCluster() string {
	k.t.Helper()
	return unquote(k.run("cluster", "create", "-f", devSpec, "--yes", "--wait", "-o", "json", "--query", "id"))
}

// group returns the ID of the cluster's first node group of role.
func (k *killBed) group(id, role string) string {
	k.t.Helper()
	return unquote(k.run("nodegroup", "list", id, "--role", role, "-o", "json", "--query", "[0].id"))
}

// taskGroup adds a TASK group of n nodes to the cluster and returns its ID.
func (k *killBed) taskGroup(id string, n int) string {
	k.t.Helper()
	return unquote(k.run("nodegroup", "create", id, "--name", "task", "--role", "TASK", "--count", strconv.Itoa(n),
		"--instance-type", "ecs.g8i.xlarge", "--yes", "-o", "json", "--query", "nodeGroupId"))
}

// homeEnv is a fresh journal and configuration: another operator.
func homeEnv(t *testing.T) []string {
	return []string{"EMRCTL_DATA_DIR=" + t.TempDir(), "EMRCTL_CONFIG_DIR=" + t.TempDir()}
}

// with returns the bed with more environment (later values win), on the
// same emulator and, unless env names other directories, the same HOME.
func (k *killBed) with(env ...string) *killBed {
	c := *k
	c.env = append(append([]string{}, k.env...), env...)
	return &c
}

// otherHome returns the bed as another operator sees it: the same
// emulator, its own journal and configuration.
func (k *killBed) otherHome() *killBed { return k.with(homeEnv(k.t)...) }

func (k *killBed) command(args ...string) *exec.Cmd {
	cmd := exec.Command(k.bin, args...)
	cmd.Env = k.env
	return cmd
}

// startUntil starts emrctl and returns once its request of action has
// reached the emulator.
func (k *killBed) startUntil(action string, args ...string) *exec.Cmd {
	k.t.Helper()
	seen := k.arrived.count(action)
	cmd := k.command(args...)
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	if !k.arrived.wait(action, seen+1, 30*time.Second) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		k.t.Fatalf("%s never reached the emulator", action)
	}
	return cmd
}

// run runs emrctl to completion and returns its trimmed stdout; a
// non-zero exit fails the test.
func (k *killBed) run(args ...string) string {
	k.t.Helper()
	r := k.exec(args...)
	if r.code != 0 {
		k.t.Fatalf("emrctl %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// exec runs emrctl to completion, whatever its exit code.
func (k *killBed) exec(args ...string) proc {
	k.t.Helper()
	return k.together(args)[0]
}

// together runs one emrctl per argument list, all released at once by a
// barrier so that they overlap, and returns what each did, in order.
func (k *killBed) together(runs ...[]string) []proc {
	k.t.Helper()
	out := make([]proc, len(runs))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	for i, args := range runs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			var stdout, stderr strings.Builder
			cmd := k.command(args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			ready.Done()
			<-start
			out[i] = proc{args: args, code: -1}
			if err := cmd.Start(); err != nil {
				out[i].stderr = err.Error()
				return
			}
			out[i].pid = cmd.Process.Pid
			err := cmd.Wait()
			out[i].stdout, out[i].stderr = stdout.String(), stderr.String()
			var ee *exec.ExitError
			switch {
			case err == nil:
				out[i].code = 0
			case errors.As(err, &ee):
				out[i].code = ee.ExitCode()
			default:
				out[i].stderr += err.Error()
			}
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	for _, p := range out {
		if p.code < 0 {
			k.t.Fatalf("emrctl %s did not run: %s", strings.Join(p.args, " "), p.stderr)
		}
	}
	return out
}

// proc is one finished emrctl process.
type proc struct {
	args           []string
	pid, code      int
	stdout, stderr string
}

// writeOut is the part of a write command's -o json result the tests
// read.
type writeOut struct {
	ClusterID  string   `json:"clusterId"`
	JournalIDs []int64  `json:"journalIds"`
	NodeIDs    []string `json:"nodeIds"`
	Notes      []string `json:"notes"`
	Outcome    struct {
		Status    string `json:"status"`
		JournalID int64  `json:"journalId"`
		Note      string `json:"note"`
	} `json:"outcome"`
}

// result decodes the process's -o json result.
func (p proc) result(t *testing.T) writeOut {
	t.Helper()
	var w writeOut
	if err := json.Unmarshal([]byte(p.stdout), &w); err != nil {
		t.Fatalf("emrctl %s (exit %d): stdout is not a JSON result: %v\nstdout: %s\nstderr: %s",
			strings.Join(p.args, " "), p.code, err, p.stdout, p.stderr)
	}
	return w
}

// errorCode is the code of the JSON error on stderr ("" when there is
// none): progress lines come first, the error object last.
func (p proc) errorCode() string {
	i := strings.LastIndex(p.stderr, "\n{")
	if i < 0 && !strings.HasPrefix(p.stderr, "{") {
		return ""
	}
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(p.stderr[i+1:]), &e) != nil {
		return ""
	}
	return e.Error.Code
}

func (p proc) String() string {
	return "emrctl " + strings.Join(p.args, " ") + " (pid " + strconv.Itoa(p.pid) + ", exit " + strconv.Itoa(p.code) + ")\nstdout: " + p.stdout + "\nstderr: " + p.stderr
}

func unquote(s string) string { return strings.Trim(s, `"`) }

// nodes counts the node group's nodes through the CLI, in any state.
func (k *killBed) nodes(id, group string) int {
	k.t.Helper()
	n := 0
	for _, l := range strings.Split(k.run("node", "list", id, "--node-group", group, "-o", "csv", "--no-headers"), "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// running lists the IDs of the node group's running nodes.
func (k *killBed) running(id, group string) []string {
	k.t.Helper()
	var ids []string
	if err := json.Unmarshal([]byte(k.run("node", "list", id, "--node-group", group, "--state", "Running", "-o", "json", "--query", "[].id")), &ids); err != nil {
		k.t.Fatal(err)
	}
	return ids
}

func (k *killBed) waitNodes(id, group string, want int) {
	k.t.Helper()
	k.waitFor(func() bool { return k.nodes(id, group) == want }, "the node group never reached %d nodes", want)
}

// waitFor polls cond through the CLI until it holds (at most 30 s).
func (k *killBed) waitFor(cond func() bool, format string, args ...any) {
	k.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			k.t.Fatalf(format, args...)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// arrivals records when requests reached the emulator, by action, and
// lets a test wait for the n-th one.
type arrivals struct {
	mu      sync.Mutex
	times   map[string][]time.Time
	changed chan struct{} // closed and replaced on every arrival
}

func newArrivals() *arrivals {
	return &arrivals{times: map[string][]time.Time{}, changed: make(chan struct{})}
}

func (a *arrivals) record(action string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.times[action] = append(a.times[action], time.Now())
	close(a.changed)
	a.changed = make(chan struct{})
}

func (a *arrivals) count(action string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.times[action])
}

// of returns when action's requests arrived, oldest first.
func (a *arrivals) of(action string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time{}, a.times[action]...)
}

// wait reports whether n requests of action arrived within limit.
func (a *arrivals) wait(action string, n int, limit time.Duration) bool {
	timeout := time.After(limit)
	for {
		a.mu.Lock()
		got, changed := len(a.times[action]), a.changed
		a.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-changed:
		case <-timeout:
			return false
		}
	}
}

// setSpeed sets the emulator's clock speed. emrctl processes started
// afterwards read it (GET /_emulator/clock) and scale their waits by it,
// so a bed set up at SpeedInstant and then set to 120 makes the policy's
// 120 s scale-in interval 1 s of real time.
func (k *killBed) setSpeed(speed float64) {
	k.t.Helper()
	if err := k.srv.SetClockSpeed(speed); err != nil {
		k.t.Fatal(err)
	}
}

// taskGroupNamed adds a TASK group called name, of n nodes, to the
// cluster and returns its ID (a cluster can have several).
func (k *killBed) taskGroupNamed(id, name string, n int) string {
	k.t.Helper()
	return unquote(k.run("nodegroup", "create", id, "--name", name, "--role", "TASK", "--count", strconv.Itoa(n),
		"--instance-type", "ecs.g8i.xlarge", "--yes", "-o", "json", "--query", "nodeGroupId"))
}

// snapshot returns how many requests of each action have arrived so far.
func (a *arrivals) snapshot() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.times))
	for action, ts := range a.times {
		out[action] = len(ts)
	}
	return out
}

// since returns the requests per action that arrived after snapshot s;
// actions with none are left out.
func (a *arrivals) since(s map[string]int) map[string]int {
	out := map[string]int{}
	for action, n := range a.snapshot() {
		if d := n - s[action]; d > 0 {
			out[action] = d
		}
	}
	return out
}

// timesSince returns when action's requests after snapshot s arrived.
func (a *arrivals) timesSince(s map[string]int, action string) []time.Time {
	return a.of(action)[s[action]:]
}
