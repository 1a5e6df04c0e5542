package wizard_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// These tests drive the real emrctl binary on a pseudo-terminal: keystrokes
// in, the screen out, against the embedded sandbox.

// Keys as a terminal sends them. Printable keys are sent one per write
// (or last in a write): bubbletea reads a run of printable characters as
// one key message, so "jjj" would not move down three times.
const (
	enter = "\r"
	down  = "\x1b[B"
	home  = "\x1b[H"
)

// ansi matches the escape sequences a terminal interprets: CSI, OSC and
// the short ESC forms.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78MDEc]`)

// step waits for text on the screen, then types keys.
type step struct {
	wait string
	keys string
}

// screen is the output of a program on a pseudo-terminal.
type screen struct {
	t     *testing.T
	pty   *os.File
	cmd   *exec.Cmd
	mu    sync.Mutex
	raw   bytes.Buffer
	news  chan struct{} // a value when output arrived
	done  chan struct{} // closed when the output ended
	from  int           // where the next expect starts, in the clean text
	asked int           // raw offset up to which terminal queries are answered
}

// build compiles emrctl once for the test.
func build(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build emrctl: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "emrctl")
	args := append(append([]string{"build"}, buildFlags()...), "-o", bin, "github.com/emrctl/emrctl/cmd/emrctl")
	out, err := exec.Command(goBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build emrctl: %v\n%s", err, out)
	}
	return bin
}

// env is a sandbox environment of its own: fresh data and configuration,
// instant sandbox time, nothing of the caller's profile.
func env(t *testing.T, extra ...string) []string {
	t.Helper()
	var e []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "EMRCTL_") || strings.HasPrefix(kv, "HIVE_RDS_PASSWORD=") || strings.HasPrefix(kv, "TERM=") {
			continue
		}
		e = append(e, kv)
	}
	base := t.TempDir()
	e = append(e, "EMRCTL_DATA_DIR="+filepath.Join(base, "data"), "EMRCTL_CONFIG_DIR="+filepath.Join(base, "config"),
		"EMRCTL_SANDBOX_SPEED=0", "TERM=xterm-256color")
	return append(e, extra...)
}

// start runs bin on a pseudo-terminal in dir.
func start(t *testing.T, bin, dir string, environ []string, args ...string) *screen {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, environ
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 160})
	if err != nil {
		t.Skipf("cannot allocate a pseudo-terminal here, so the wizard cannot be driven: %v", err)
	}
	s := &screen{t: t, pty: f, cmd: cmd, news: make(chan struct{}, 1), done: make(chan struct{})}
	go s.read()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		f.Close()
	})
	return s
}

func (s *screen) read() {
	defer close(s.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := s.pty.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.raw.Write(buf[:n])
			s.answerQueries()
			s.mu.Unlock()
			select {
			case s.news <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return // EIO once the program exits
		}
	}
}

// Terminal queries and a real terminal's answers. Bubble Tea's package
// init asks for the background colour (OSC 11) and the cursor position
// (CPR) in every process whose stdout is a terminal, and waits 5 s for
// an answer a terminal that ignores both never sends.
const (
	queryBackground  = "\x1b]11;?"
	answerBackground = "\x1b]11;rgb:0000/0000/0000\x1b\\"
	queryCursor      = "\x1b[6n"
	answerCursor     = "\x1b[1;1R"
)

// answerQueries answers the queries written since the last call, in
// order, like a terminal emulator. s.mu is held.
func (s *screen) answerQueries() {
	for {
		rest := s.raw.Bytes()[s.asked:]
		bg, cur := bytes.Index(rest, []byte(queryBackground)), bytes.Index(rest, []byte(queryCursor))
		switch {
		case bg >= 0 && (cur < 0 || bg < cur):
			io.WriteString(s.pty, answerBackground)
			s.asked += bg + len(queryBackground)
		case cur >= 0:
			io.WriteString(s.pty, answerCursor)
			s.asked += cur + len(queryCursor)
		default:
			return
		}
	}
}

// text is everything shown so far, without escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(s.raw.String(), "")
}

// expect waits until want appears after the previous match.
func (s *screen) expect(want string) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		clean := s.text()
		if i := strings.Index(clean[s.from:], want); i >= 0 {
			s.from += i + len(want)
			return
		}
		select {
		case <-s.news:
		case <-s.done:
			if strings.Contains(s.text()[s.from:], want) {
				continue
			}
			s.t.Fatalf("the program ended before showing %q; screen since the last match:\n%s", want, tail(clean[s.from:]))
		case <-deadline:
			s.t.Fatalf("got no %q on the screen within 10 s; screen since the last match:\n%s", want, tail(clean[s.from:]))
		}
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

func (s *screen) send(keys string) {
	s.t.Helper()
	if keys == "" {
		return
	}
	if _, err := io.WriteString(s.pty, keys); err != nil {
		s.t.Fatalf("type %q: %v", keys, err)
	}
}

func (s *screen) run(script []step) {
	s.t.Helper()
	for _, st := range script {
		s.expect(st.wait)
		s.send(st.keys)
	}
}

// wait waits for the program to exit and returns its exit code.
func (s *screen) wait() int {
	s.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatalf("wait for emrctl: %v", err)
		}
		return 0
	case <-time.After(15 * time.Second):
		s.t.Fatalf("emrctl did not exit within 15 s; screen:\n%s", tail(s.text()))
	}
	return -1
}

func TestTerminal(t *testing.T) {
	bin := build(t)

	t.Run("dev cluster created on the sandbox", func(t *testing.T) {
		dir := t.TempDir()
		environ := env(t)
		s := start(t, bin, dir, environ, "cluster", "create", "--interactive")
		// Each wait is text only the next form shows: keys typed before a
		// form runs would reach the previous one, or be lost.
		s.run([]step{
			{"Region", enter},                                          // cn-hangzhou, the profile's
			{"What is the cluster for?", enter},                        // dev/test
			{"NORMAL: 1 MASTER node (dev/test)  (recommended)", enter}, // deploy mode
			{"PayAsYouGo: billed by the hour  (recommended)", enter},
			{"DATALAKE: data lake, batch processing", enter},
			{"EMR-5.21.0  (recommended)", enter},
			{"Components of the DATALAKE cluster", ""},
			{"The selection satisfies every dependency and exclusion.", enter}, // recommended components
			{"MYSQL added", ""},
			{"Local MySQL on the MASTER node (dev/test)  (recommended)", enter},
			{"vpc-bp1sandbox0000000001  emrctl-sandbox-vpc", enter},
			{"vsw-bp1sandboxzoneh00001  zone cn-hangzhou-h, 4000 free IPs", enter},
			{"Zone: cn-hangzhou-h", ""},
			{"sg-bp1sandboxenterprise1 \"emrctl-sandbox-enterprise\": enterprise security group", ""},
			{"sg-bp1sandboxnormal0001  emrctl-sandbox-normal  normal", enter},
			{"For SSH logins to the nodes", enter},      // emrctl-sandbox
			{"Storage-compute integrated: HDFS", enter}, // what the components use
			{"MASTER instance type (1 node(s)", enter},  // ecs.g8i.xlarge
			{"CORE instance type", enter},               // ecs.g8i.xlarge
			{"Number of CORE nodes", enter},             // 2
			{"CORE data disks (per node)", enter},       // cloud_essd 80 GB × 2
			{"No TASK group  (recommended)", enter},
			{"Valid name.", enter}, // dev-datalake
			{"Description (optional)", enter},
			{"Deletion protection", enter}, // off
			{"Total:               3 nodes, 12 vCPUs", ""},
			{"OK  key-pair        emrctl-sandbox", ""},
			{"Create this cluster?", enter},
			{"Saved the spec to dev-datalake.emrctl.yaml", ""},
			{"Continue? [y/N]", "y" + enter}, // the engine's own confirmation
			{"CLUSTER", ""},
		})
		if code := s.wait(); code != 0 {
			t.Fatalf("got exit code %d, want 0; screen:\n%s", code, tail(s.text()))
		}
		if strings.Contains(s.text(), "DATA RACE") {
			t.Fatalf("the race detector found a data race:\n%s", s.text())
		}

		list := exec.Command(bin, "cluster", "list", "-o", "json")
		list.Dir, list.Env = dir, environ
		out, err := list.Output()
		if err != nil {
			t.Fatalf("cluster list: %v", err)
		}
		var clusters []struct {
			ID, Name, Type, State string
		}
		if err := json.Unmarshal(out, &clusters); err != nil {
			t.Fatalf("cluster list -o json: %v\n%s", err, out)
		}
		if len(clusters) != 1 || clusters[0].Name != "dev-datalake" || clusters[0].Type != "DATALAKE" {
			t.Errorf("got clusters %+v, want one DATALAKE cluster named dev-datalake", clusters)
		}

		validate := exec.Command(bin, "cluster", "validate", "-f", "dev-datalake.emrctl.yaml")
		validate.Dir, validate.Env = dir, environ
		if out, err := validate.CombinedOutput(); err != nil {
			t.Errorf("cluster validate -f dev-datalake.emrctl.yaml: %v\n%s", err, out)
		}
	})

	t.Run("HA forces the ZooKeeper and RDS questions", func(t *testing.T) {
		const secret = "Sandbox4Wizard7"
		dir := t.TempDir()
		environ := env(t, "HIVE_RDS_PASSWORD="+secret)
		s := start(t, bin, dir, environ, "cluster", "create", "--interactive")
		s.run([]step{
			{"Region", enter},
			{"What is the cluster for?", down + enter}, // small production
			{"HA: 3 MASTER nodes, ZOOKEEPER, external RDS metastore (production)  (recommended)", enter},
			{"Subscription: prepaid by month or year  (recommended)", enter},
			{"1 month(s)  (recommended)", enter},
			{"Auto-renew monthly", enter},
			{"DATALAKE: data lake, batch processing", enter},
			{"EMR-5.21.0  (recommended)", enter},
			// Unselect ZOOKEEPER (fifth in the list) to see HA insist on it.
			{"HA mode: ZOOKEEPER is required", ""},
			{"The selection satisfies every dependency and exclusion.", home + down + down + down + down + "x"},
			{"HA needs ZOOKEEPER for master failover", enter},
			{"ZooKeeper is required by HA", ""},
			{"Add ZOOKEEPER to the components", enter},
			{"HA mode: the Hive metastore must be an external RDS MySQL", ""},
			{"RDS MySQL address", "rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com" + enter},
			{"RDS database for the metastore", enter}, // hivemeta
			{"RDS account name", "hive_user" + enter},
			{"$HIVE_RDS_PASSWORD is set in this environment.", enter},
			{"vpc-bp1sandbox0000000001  emrctl-sandbox-vpc", enter},
			{"vsw-bp1sandboxzoneh00001  zone cn-hangzhou-h, 4000 free IPs", enter},
			{"Is the RDS instance in vpc-bp1sandbox0000000001?", enter},
			{"sg-bp1sandboxnormal0001  emrctl-sandbox-normal  normal", enter},
			{"For SSH logins to the nodes", enter},
			{"Storage-compute integrated: HDFS", enter},
			{"MASTER instance type (3 node(s): HA mode runs 3 MASTER nodes)", enter},
			{"CORE instance type", enter},
			{"Number of CORE nodes", enter},
			{"CORE data disks (per node)", enter},
			{"No TASK group  (recommended)", enter},
			{"Valid name.", enter}, // prod-datalake
			{"Description (optional)", enter},
			{"Deletion protection", enter}, // on
			{"USER_RDS jdbc:mysql://rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com:3306/hivemeta", ""},
			{"password from $HIVE_RDS_PASSWORD", ""},
			{"Create this cluster?", down + enter}, // save only
			{"Saved the spec to prod-datalake.emrctl.yaml", ""},
		})
		if code := s.wait(); code != 0 {
			t.Fatalf("got exit code %d, want 0; screen:\n%s", code, tail(s.text()))
		}
		if strings.Contains(s.text(), "DATA RACE") {
			t.Fatalf("the race detector found a data race:\n%s", s.text())
		}
		if strings.Contains(s.text(), secret) {
			t.Errorf("the screen shows the RDS password")
		}
		raw, err := os.ReadFile(filepath.Join(dir, "prod-datalake.emrctl.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"deployMode: HA", "ZOOKEEPER", "type: USER_RDS", "passwordEnv: HIVE_RDS_PASSWORD", "count: 3"} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("the saved spec has no %q:\n%s", want, raw)
			}
		}
		if strings.Contains(string(raw), secret) {
			t.Errorf("the saved spec holds the RDS password")
		}
		validate := exec.Command(bin, "cluster", "validate", "-f", "prod-datalake.emrctl.yaml")
		validate.Dir, validate.Env = dir, environ
		if out, err := validate.CombinedOutput(); err != nil {
			t.Errorf("cluster validate -f prod-datalake.emrctl.yaml: %v\n%s", err, out)
		}
	})
}
