//go:build unix

package gateway

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The crash tests re-run the test binary as the writer: TestMain sees
// crashWriterEnv and runs crashWriter instead of the tests.
const (
	crashWriterEnv = "EMRCTL_GATEWAY_CRASH_WRITER"
	crashRootEnv   = "EMRCTL_GATEWAY_CRASH_ROOT"
	crashStepEnv   = "EMRCTL_GATEWAY_CRASH_AFTER_STEP"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashWriterEnv) != "" {
		os.Exit(crashWriter())
	}
	os.Exit(m.Run())
}

// crashSets are the two file sets the crash tests switch between; they
// differ in content, in which files exist and in which conf dirs exist.
func crashSets() (old, next Set) {
	var oldFiles, newFiles []File
	for i := range 8 {
		oldFiles = append(oldFiles, File{App: "HDFS", Name: fmt.Sprintf("site-%d.xml", i), Items: []Item{{"k", "old"}}})
		newFiles = append(newFiles, File{App: "HDFS", Name: fmt.Sprintf("site-%d.xml", i), Items: []Item{{"k", "next"}}})
	}
	oldFiles = append(oldFiles, File{App: "HIVE", Name: "hive-site.xml", Items: []Item{{"hive.only.old", "1"}}})
	newFiles = append(newFiles, File{App: "FLINK", Name: "flink-conf.yaml", Items: []Item{{"flink.only.next", "1"}}})
	old, err := Render(oldFiles, RenderOptions{})
	if err != nil {
		panic(err) // fixed test input
	}
	next, err = Render(newFiles, RenderOptions{})
	if err != nil {
		panic(err)
	}
	return old, next
}

// crashWriter applies the next set under the root. With a step number it
// SIGKILLs itself right after that step; without, it prints "ready" and
// alternates between the sets until the parent kills it.
func crashWriter() int {
	old, next := crashSets()
	s := NewStore(os.Getenv(crashRootEnv))
	if k, err := strconv.Atoi(os.Getenv(crashStepEnv)); err == nil {
		n := 0
		s.afterStep = func(string) {
			if n++; n == k {
				// The process dies here; an error would mean it cannot.
				if err := syscall.Kill(os.Getpid(), syscall.SIGKILL); err != nil {
					panic(err)
				}
			}
		}
		if _, err := s.Apply(next, Meta{ClusterID: "c-next"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	fmt.Println("ready")
	for i := range 500 {
		set, cluster := next, "c-next"
		if i%2 == 1 {
			set, cluster = old, "c-old"
		}
		if _, err := s.Apply(set, Meta{ClusterID: cluster}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func startWriter(t *testing.T, root string, step int) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), crashWriterEnv+"=1", crashRootEnv+"="+root)
	if step > 0 {
		cmd.Env = append(cmd.Env, crashStepEnv+"="+strconv.Itoa(step))
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewReader(out)
}

// which reports whether the visible tree is exactly old or next.
func which(t *testing.T, root string, old, next Set) string {
	t.Helper()
	got := visible(t, root, old, next)
	switch {
	case cmp.Equal(hashes(got), hashes(old)):
		return "old"
	case cmp.Equal(hashes(got), hashes(next)):
		return "next"
	}
	t.Fatalf("visible tree is a mix of old and new:\n%s", cmp.Diff(hashes(old), hashes(got)))
	return ""
}

// applySteps lists the durable steps of applying next over old.
func applySteps(t *testing.T) []string {
	old, next := crashSets()
	s := NewStore(t.TempDir())
	mustApply(t, s, old, "c-old")
	var steps []string
	s.afterStep = func(name string) { steps = append(steps, name) }
	mustApply(t, s, next, "c-next")
	return steps
}

// recoverAndCheck applies next again in process, as a rerun after a crash
// would, and checks the tree is then next and free of drift.
func recoverAndCheck(t *testing.T, root string, old, next Set) {
	t.Helper()
	s := NewStore(root)
	mustApply(t, s, next, "c-next")
	if got := which(t, root, old, next); got != "next" {
		t.Fatalf("after rerun, tree is %s, want next", got)
	}
	st, err := s.Status(next)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Files {
		if f.Drifted() {
			t.Errorf("after rerun, %s drifted: %+v", f.Path, f)
		}
	}
}

func TestCrashAfterEachStep(t *testing.T) {
	old, next := crashSets()
	steps := applySteps(t)
	for k := 1; k <= len(steps); k++ {
		t.Run(strconv.Itoa(k)+" "+steps[k-1], func(t *testing.T) {
			root := t.TempDir()
			mustApply(t, NewStore(root), old, "c-old")
			cmd, _ := startWriter(t, root, k)
			err := cmd.Wait()
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("writer exited with %v, want killed by SIGKILL after step %d", err, k)
			}
			want := "old"
			if k >= stepIndex(steps, "switch")+1 {
				want = "next"
			}
			if got := which(t, root, old, next); got != want {
				t.Errorf("killed after step %d (%s): tree is %s, want %s", k, steps[k-1], got, want)
			}
			recoverAndCheck(t, root, old, next)
		})
	}
}

func stepIndex(steps []string, name string) int {
	for i, s := range steps {
		if s == name {
			return i
		}
	}
	return len(steps)
}

func TestCrashAtRandomTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 30 writer processes")
	}
	old, next := crashSets()
	seen := map[string]int{}
	for i := range 30 {
		root := t.TempDir()
		mustApply(t, NewStore(root), old, "c-old")
		cmd, out := startWriter(t, root, 0)
		if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("writer %d: got %q %v, want ready", i, line, err)
		}
		time.Sleep(rand.N(20 * time.Millisecond))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill writer %d: %v", i, err)
		}
		// Wait reports the kill as an error; the tree is what counts.
		_ = cmd.Wait()
		seen[which(t, root, old, next)]++
		recoverAndCheck(t, root, old, next)
	}
	t.Logf("outcomes after random kills: %v", seen)
}
