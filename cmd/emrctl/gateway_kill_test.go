//go:build unix

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// failpointEnv makes a binary built with -tags failpoints SIGKILL itself
// after the N-th step of a gateway apply whose name starts with PREFIX
// (internal/gateway/failpoint.go).
const failpointEnv = "EMRCTL_FAILPOINT_GATEWAY"

var (
	failpointOnce sync.Once
	failpointBin  string
	failpointOut  []byte
	failpointErr  error
)

// failpointBinary builds emrctl with -tags failpoints once, next to the
// plain binary (removed with it by TestMain).
func failpointBinary(t *testing.T) string {
	t.Helper()
	plain := emrctlBinary(t)
	failpointOnce.Do(func() {
		failpointBin = filepath.Join(filepath.Dir(plain), "failpoints", "emrctl")
		failpointOut, failpointErr = exec.Command("go", "build", "-tags", "failpoints", "-o", failpointBin, ".").CombinedOutput()
	})
	if failpointErr != nil {
		t.Fatalf("build with -tags failpoints: %v\n%s", failpointErr, failpointOut)
	}
	return failpointBin
}

// gatewayBed is a sandbox cluster whose client configuration each stage
// changes, the plain emrctl and the one with failpoints.
type gatewayBed struct {
	t         *testing.T
	plain, fp *killBed
	id        string
	value     *int // the last value stage set, shared by subtests
}

func newGatewayBed(t *testing.T) *gatewayBed {
	k := newKillBed(t)
	fp := *k
	fp.bin = failpointBinary(t)
	return &gatewayBed{t: t, plain: k, fp: &fp, id: k.devCluster(), value: new(int)}
}

// in returns the bed for subtest t, on the same cluster.
func (g *gatewayBed) in(t *testing.T) *gatewayBed {
	c, plain, fp := *g, *g.plain, *g.fp
	plain.t, fp.t = t, t
	c.t, c.plain, c.fp = t, &plain, &fp
	return &c
}

// clusterChange is one item stage sets on the cluster, and how it shows in the
// file a gateway renders.
type clusterChange struct {
	app, file, key string
	value          func(v int) string
}

// clusterChanges touch four files in three conf dirs, in XML and in
// spark-defaults format.
var clusterChanges = []clusterChange{
	{"HDFS", "core-site.xml", "fs.trash.interval", func(v int) string { return fmt.Sprint(v) }},
	{"YARN", "yarn-site.xml", "yarn.scheduler.minimum-allocation-mb", func(v int) string { return fmt.Sprint(1000 + v) }},
	{"HIVE", "hive-site.xml", "hive.server2.thrift.port", func(v int) string { return fmt.Sprint(10000 + v) }},
	{"SPARK3", "spark-defaults.conf", "spark.eventLog.dir", func(v int) string { return fmt.Sprintf("hdfs:///spark-history-%d", v) }},
}

// confDirOf is where the sandbox gateway keeps each changed file.
var confDirOf = map[string]string{"HDFS": "etc/hadoop/conf", "YARN": "etc/hadoop/conf", "HIVE": "etc/hive/conf", "SPARK3": "etc/spark3/conf"}

// stage deploys the cluster's gateway into a new root, then changes the
// cluster's configuration. It returns the root, the deployed tree (the
// old set) and the tree a refresh must give (the new set): the old one
// with exactly the changed values replaced.
func (g *gatewayBed) stage() (root string, old, next tree) {
	g.t.Helper()
	root = g.t.TempDir()
	g.plain.run("gateway", "deploy", g.id, "--root", root, "--java-home", "/usr/lib/jvm/java-1.8.0", "--yes")
	old = visibleTree(g.t, root)
	*g.value++
	next = maps.Clone(old)
	for _, c := range clusterChanges {
		v := c.value(*g.value)
		g.plain.run("gateway", "set-config", g.id, "--app", c.app, "--file", c.file, c.key+"="+v, "--yes")
		next.set(g.t, confDirOf[c.app]+"/"+c.file, c.key, v)
	}
	return root, old, next
}

// tree is the visible file set under a root: path -> mode and contents.
type tree map[string]string

// set replaces the value of key in file p, as the renderer writes it
// (XML property or "key value" line); the key must be there once.
func (tr tree) set(t *testing.T, p, key, value string) {
	t.Helper()
	q := regexp.QuoteMeta(key)
	re := regexp.MustCompile(`(<name>` + q + `</name><value>)[^<]*(</value>)`)
	repl := "${1}" + value + "${2}"
	if !strings.HasSuffix(p, ".xml") {
		re, repl = regexp.MustCompile(`(?m)^(`+q+` ).*$`), "${1}"+value
	}
	if n := len(re.FindAllStringIndex(tr[p], -1)); n != 1 {
		t.Fatalf("%s holds %s %d times, want once:\n%s", p, key, n, tr[p])
	}
	tr[p] = re.ReplaceAllString(tr[p], repl)
}

// visibleTree reads what a user of the gateway sees under root: every
// file, links followed, its mode and contents; the state directory is
// left out and a dangling link is no file.
func visibleTree(t *testing.T, root string) tree {
	t.Helper()
	out := tree{}
	var walk func(dir, rel string)
	walk = func(dir, rel string) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			p := strings.TrimPrefix(rel+"/"+e.Name(), "/")
			if p == ".emrctl-gateway" {
				continue
			}
			full := filepath.Join(dir, e.Name())
			fi, err := os.Stat(full)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue
			case err != nil:
				t.Fatal(err)
			case fi.IsDir():
				walk(full, p)
				continue
			}
			b, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = fi.Mode().Perm().String() + "\n" + string(b)
		}
	}
	walk(root, "")
	return out
}

// which says whether got is exactly old or exactly next, and fails the
// test on a mix.
func which(t *testing.T, got, old, next tree) string {
	t.Helper()
	switch {
	case cmp.Equal(got, old):
		return "old"
	case cmp.Equal(got, next):
		return "new"
	}
	t.Fatalf("the visible tree is neither the old nor the new set\n-old +got:\n%s\n-new +got:\n%s", cmp.Diff(old, got), cmp.Diff(next, got))
	return ""
}

// killed runs emrctl with env and reports whether SIGKILL ended it; any
// other end is returned as an error.
func (k *killBed) killed(env []string, args ...string) error {
	cmd := k.with(env...).command(args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		return nil
	}
	return fmt.Errorf("emrctl %s ended with %v, want killed by SIGKILL\n%s", strings.Join(args, " "), err, out.String())
}

// gatewayStatus runs 'gateway status' and returns its exit code and how
// many files drifted.
func (g *gatewayBed) gatewayStatus(root string) (code, drifted int) {
	g.t.Helper()
	p := g.plain.exec("gateway", "status", "--root", root, "-o", "json")
	var rows []struct {
		Path    string `json:"path"`
		Drifted bool   `json:"drifted"`
	}
	if err := json.Unmarshal([]byte(p.stdout), &rows); err != nil || len(rows) == 0 {
		g.t.Fatalf("gateway status gave no rows (%v):\n%s", err, p)
	}
	for _, r := range rows {
		if r.Drifted {
			drifted++
		}
	}
	return p.code, drifted
}

// checkAfterKill checks that status works on what the kill left (the old
// set has the cluster's changes as drift, the new one none), that a
// refresh then completes to the new set, and that no half-written
// generation is left behind.
func (g *gatewayBed) checkAfterKill(root, outcome string, next tree) {
	g.t.Helper()
	code, drifted := g.gatewayStatus(root)
	want := map[string][2]int{"old": {8, len(clusterChanges)}, "new": {0, 0}}[outcome]
	if code != want[0] || drifted != want[1] {
		g.t.Errorf("gateway status after the kill (%s set): got exit %d with %d drifted files, want exit %d with %d", outcome, code, drifted, want[0], want[1])
	}
	g.plain.run("gateway", "refresh", g.id, "--root", root, "--yes")
	if diff := cmp.Diff(next, visibleTree(g.t, root)); diff != "" {
		g.t.Errorf("after the kill and a refresh, the tree is not the new set (-want +got):\n%s", diff)
	}
	if code, drifted := g.gatewayStatus(root); code != 0 || drifted != 0 {
		g.t.Errorf("gateway status after the refresh: got exit %d with %d drifted files, want 0 and 0", code, drifted)
	}
	tmp, err := filepath.Glob(filepath.Join(root, ".emrctl-gateway", "generations", ".tmp-*"))
	if err != nil || len(tmp) > 0 {
		g.t.Errorf("half-written generations left after the refresh: %v %v", tmp, err)
	}
}

// TestGatewayRefreshKilledAtEachStep kills the real 'emrctl gateway
// refresh' (built with -tags failpoints) right after each kind of durable
// step of the file store, at several counts, and checks that the visible
// tree is exactly the old or the new set: before the switch of the
// current link the old one, from it on the new one.
func TestGatewayRefreshKilledAtEachStep(t *testing.T) {
	g := newGatewayBed(t)
	_, old, _ := g.stage()
	files := len(old)
	type killCase struct {
		failpoint string
		want      string
		// unlink are conf dir links removed before the refresh, so that
		// the refresh makes them again (the only "link" steps of a
		// refresh); "old" is then the deployed set the links restore, so
		// the kill comes after the last of them.
		unlink []string
	}
	cases := []killCase{
		{failpoint: "write etc/:1", want: "old"},
		{failpoint: fmt.Sprintf("write etc/:%d", files/2), want: "old"},
		{failpoint: fmt.Sprintf("write etc/:%d", files), want: "old"},
		{failpoint: "write manifest:1", want: "old"},
		{failpoint: "rename generation:1", want: "old"},
		{failpoint: "switch:1", want: "new"},
		{failpoint: "link:1", want: "old", unlink: []string{"etc/spark3/conf"}},
		{failpoint: "link:2", want: "old", unlink: []string{"etc/hive/conf", "etc/spark3/conf"}},
		{failpoint: "switch:1", want: "new", unlink: []string{"etc/hive/conf"}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(append([]string{tc.failpoint}, tc.unlink...), " "), func(t *testing.T) {
			g := g.in(t)
			root, old, next := g.stage()
			for _, u := range tc.unlink {
				if err := os.Remove(filepath.Join(root, filepath.FromSlash(u))); err != nil {
					t.Fatal(err)
				}
			}
			if err := g.fp.killed([]string{failpointEnv + "=" + tc.failpoint}, "gateway", "refresh", g.id, "--root", root, "--yes"); err != nil {
				t.Fatal(err)
			}
			if got := which(t, visibleTree(t, root), old, next); got != tc.want {
				t.Errorf("killed at %s: the tree is the %s set, want the %s set", tc.failpoint, got, tc.want)
			}
			g.checkAfterKill(root, tc.want, next)
		})
	}
}

// TestGatewayFailpointsNotInProduction runs the plain binary with a
// failpoint set: it must ignore it and complete the refresh.
func TestGatewayFailpointsNotInProduction(t *testing.T) {
	g := newGatewayBed(t)
	root, _, next := g.stage()
	p := g.plain.with(failpointEnv+"=write etc/:1").exec("gateway", "refresh", g.id, "--root", root, "--yes")
	if p.code != 0 {
		t.Fatalf("the plain binary with %s set: %s, want exit 0", failpointEnv, p)
	}
	if diff := cmp.Diff(next, visibleTree(t, root)); diff != "" {
		t.Errorf("the plain binary with %s set did not complete the refresh (-want +got):\n%s", failpointEnv, diff)
	}
}

// TestGatewayRefreshKilledAtRandomTimes SIGKILLs the plain binary's
// refresh at random times: whatever the moment, the tree is the old or
// the new set. The window follows the runs, so that the kills land
// around the end of a refresh, where it writes: it shrinks when a
// refresh ended before its kill and grows when a kill found the old set.
func TestGatewayRefreshKilledAtRandomTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 10 emrctl processes")
	}
	g := newGatewayBed(t)
	root, _, _ := g.stage()
	start := time.Now()
	g.plain.run("gateway", "refresh", g.id, "--root", root, "--yes")
	window := time.Since(start)
	seen := map[string]int{}
	for i := range 10 {
		root, old, next := g.stage()
		cmd := g.plain.command("gateway", "refresh", g.id, "--root", root, "--yes")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(window/2 + rand.N(window/2))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill refresh %d: %v", i, err)
		}
		_ = cmd.Wait() // killed, or ended first: the tree is what counts
		outcome := which(t, visibleTree(t, root), old, next)
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case !ws.Signaled():
			seen["ended before the kill"]++
			window = window * 4 / 5
		case outcome == "old":
			seen["killed, old set"]++
			window = window * 5 / 4
		default:
			seen["killed, new set"]++
		}
		g.checkAfterKill(root, outcome, next)
	}
	t.Logf("outcomes of random kills: %v", seen)
}
