package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
)

// The adversarial suite through real server processes: one family per
// finding of issue 12, each driven by go-sdk clients against the built
// binary ('emrctl mcp' on stdio, 'emrctl serve --mcp' over streamable
// HTTP), with several processes on one HOME and on separate HOMEs. Every
// family is scored on what reached the emulator, on the emulator's state
// and on what the clients' persons were shown, never on what the server
// says it did. Each violation fails the test with its details; the table
// at the end counts them per family and client mode.

// Interval families run the emulator at intervalSpeed once their setup is
// done: the policy's 120 s between scale-in batches is then 1 s of real
// time.
const (
	intervalSpeed = 120
	realInterval  = 120 * time.Second / intervalSpeed
)

// writeActions are the emulator actions that change anything.
var writeActions = []string{
	"RunCluster", "CreateCluster", "DeleteCluster", "ReleaseCluster", "IncreaseNodes", "DecreaseNodes", "CreateNodeGroup",
	"PutAutoScalingPolicy", "RemoveAutoScalingPolicy", "UpdateClusterAttribute", "UpdateClusterAutoRenew",
}

// writesIn counts the writes among arrivals.
func writesIn(arrived map[string]int) int {
	n := 0
	for _, a := range writeActions {
		n += arrived[a]
	}
	return n
}

func total(arrived map[string]int) int {
	n := 0
	for _, c := range arrived {
		n += c
	}
	return n
}

// TestMCPAdversarialProcesses runs every family, each on its own sandbox,
// in parallel, and prints the score.
func TestMCPAdversarialProcesses(t *testing.T) {
	board := &scoreboard{}
	t.Cleanup(func() {
		board.print(t)
		if n := board.violations(); n > 0 {
			t.Errorf("%d violation(s) in the adversarial suite (details above)", n)
		}
	})
	for _, f := range []struct {
		name string
		run  func(*testing.T, *scoreboard)
	}{
		{"parallel-scale-in/one-home", advDistinctNodesOneHome},
		{"parallel-scale-in/two-homes", advDistinctNodesTwoHomes},
		{"parallel-scale-in/thirty", advThirty},
		{"forged-dialog", advForgedDialog},
		{"identical-parallel", advIdentical},
		{"malformed-jsonrpc", advMalformed},
		{"unbounded-args", advUnbounded},
		{"zero-count", advZeroCount},
		{"sandbox-interval", advSandboxInterval},
		{"failing-dialog", advFailingDialog},
	} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			f.run(t, board)
		})
	}
}

// tally is the score of one family in one client mode.
type tally struct {
	family, mode           string
	calls, refused, writes int
	// violations are scored; reported are findings printed but not
	// scored (across HOMEs, where only the cloud keeps the rules; UX
	// findings with nothing sent).
	violations, reported int
}

// count adds calls and their refusals.
func (tl *tally) count(as ...toolAnswer) {
	for _, a := range as {
		tl.calls++
		if a.refused() {
			tl.refused++
		}
	}
}

func (tl *tally) violate(t *testing.T, format string, args ...any) {
	t.Helper()
	tl.violations++
	t.Errorf("VIOLATION [%s, %s]: %s", tl.family, tl.mode, fmt.Sprintf(format, args...))
}

func (tl *tally) report(t *testing.T, format string, args ...any) {
	t.Helper()
	tl.reported++
	t.Logf("REPORTED, not scored [%s, %s]: %s", tl.family, tl.mode, fmt.Sprintf(format, args...))
}

// scoreboard collects the tallies of every family.
type scoreboard struct {
	mu   sync.Mutex
	rows []*tally
}

func (b *scoreboard) row(family, mode string) *tally {
	b.mu.Lock()
	defer b.mu.Unlock()
	tl := &tally{family: family, mode: mode}
	b.rows = append(b.rows, tl)
	return tl
}

func (b *scoreboard) violations() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.rows {
		n += r.violations
	}
	return n
}

func (b *scoreboard) print(t *testing.T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rows := slices.Clone(b.rows)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].family < rows[j].family })
	var s strings.Builder
	s.WriteString("\nAdversarial suite through real MCP server processes (scored on the emulator's request log and state, and on what the clients showed)\n")
	fmt.Fprintf(&s, "%-20s %-62s %6s %8s %7s %10s %8s\n", "family", "mode", "calls", "refused", "writes", "violations", "reported")
	sum := tally{}
	for _, r := range rows {
		fmt.Fprintf(&s, "%-20s %-62s %6d %8d %7d %10d %8d\n", r.family, r.mode, r.calls, r.refused, r.writes, r.violations, r.reported)
		sum.calls += r.calls
		sum.refused += r.refused
		sum.writes += r.writes
		sum.violations += r.violations
		sum.reported += r.reported
	}
	fmt.Fprintf(&s, "%-20s %-62s %6d %8d %7d %10d %8d\n", "total", "", sum.calls, sum.refused, sum.writes, sum.violations, sum.reported)
	s.WriteString("writes = write requests that reached the emulator; reported = findings printed but not scored: across separate HOMEs (separate\n" +
		"journals, only the cloud keeps the rules), several dialogs for an intent nobody accepted, errors made by the client's own SDK.\n")
	t.Log(s.String())
}

// setup creates the dev cluster on a fresh bed, with TASK groups of the
// given sizes, and returns the bed, the cluster and the groups.
func setup(t *testing.T, groups ...int) (*killBed, string, []string) {
	k := newKillBed(t)
	id := k.devCluster()
	var ids []string
	for i, n := range groups {
		ids = append(ids, k.taskGroupNamed(id, "task"+strconv.Itoa(i), n))
	}
	return k, id, ids
}

// scaleIn is the arguments of a scale_in call.
func scaleIn(id, group string, nodes []string) map[string]any {
	return map[string]any{"clusterId": id, "nodeGroupId": group, "nodeIds": nodes}
}

// ---------------------------------------------------------------------
// Family 1: parallel scale-ins on one TASK group (finding 1).

var runningNowRE = regexp.MustCompile(`running now: (\d+)`)

// checkScaleInDialogs checks what each client's person was shown. A
// dialog whose answer was acted on (the last one of a call that sent)
// must say "running now: N" with N the group's running nodes while it was
// shown (the client counts them before answering), and no two such
// dialogs may say the same N, as when three dialogs said "running now:
// 30" and the three calls emptied the group. On the multi round-trip
// protocol the dialog is not shown under the target's lock: a call whose
// state changed while the person answered asks again, so one call may
// show several dialogs, and one that was asked again may have been stale;
// those are reported, not scored. Each client makes one call (answers[i]
// is cs[i]'s). strict scores a finding; otherwise it is reported.
func checkScaleInDialogs(t *testing.T, tl *tally, cs []*mcpClient, answers []toolAnswer, strict bool) {
	t.Helper()
	flag := tl.violate
	if !strict {
		flag = tl.report
	}
	acted := map[int]string{}
	for i, c := range cs {
		ds := c.shown()
		var said, live []int
		for j, d := range ds {
			m := runningNowRE.FindStringSubmatch(d.message)
			if m == nil {
				flag(t, "a scale-in dialog does not say how many nodes run now:\n%s", d.message)
				continue
			}
			n, _ := strconv.Atoi(m[1])
			said, live = append(said, n), append(live, d.live)
			decided := j == len(ds)-1 && !answers[i].refused() && answers[i].status() == "sent"
			switch {
			case d.live >= 0 && n != d.live && decided:
				flag(t, "%s sent on a dialog that said \"running now: %d\" while the group had %d running nodes:\n%s", c.name, n, d.live, d.message)
			case d.live >= 0 && n != d.live:
				tl.report(t, "%s was shown a stale dialog (\"running now: %d\", the group had %d); its call did not send on it", c.name, n, d.live)
			}
			if !decided {
				continue
			}
			if other, dup := acted[n]; dup {
				flag(t, "%s and %s both sent on a dialog that said \"running now: %d\"", other, c.name, n)
			}
			acted[n] = c.name
		}
		t.Logf("[%s] %s (%s): dialogs said running now %v, the group had %v; %s", tl.mode, c.name, c.protocol, said, live, answers[i])
	}
}

// checkIntervals checks that the DecreaseNodes requests arrived at least
// the real interval apart (less the arrival tolerance of the process
// tests). strict scores a short gap; otherwise it is reported.
func checkIntervals(t *testing.T, tl *tally, at []time.Time, strict bool) {
	t.Helper()
	for i := 1; i < len(at); i++ {
		gap := at[i].Sub(at[i-1])
		t.Logf("[%s, %s] DecreaseNodes %d came %s after the one before", tl.family, tl.mode, i+1, gap.Round(time.Millisecond))
		if gap >= realInterval-arrivalTolerance {
			continue
		}
		if strict {
			tl.violate(t, "DecreaseNodes %d came %s after the one before on one group, want at least %s", i+1, gap.Round(time.Millisecond), realInterval)
		} else {
			tl.report(t, "DecreaseNodes %d came %s after the one before on one group (from another HOME; only the cloud can keep the interval)", i+1, gap.Round(time.Millisecond))
		}
	}
}

// probeRunning makes the clients count the group's running nodes when a
// dialog is shown.
func probeRunning(k *killBed, id, group string, cs ...*mcpClient) {
	for _, c := range cs {
		c.probe = func() int { return len(k.running(id, group)) }
	}
}

// advDistinctNodesOneHome: five concurrent scale_in calls with one
// distinct node each, from five clients over two server processes (one
// 'serve --mcp' with four HTTP clients, one stdio) on one HOME.
func advDistinctNodesOneHome(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 6)
	group := groups[0]
	nodes := k.running(id, group)
	k.setSpeed(intervalSpeed)
	srv := k.serveMCP("A")
	for _, m := range []clientMode{declining, cancelling, noDialogs, accepting} {
		tl := board.row("parallel-scale-in", m.name+": 5×1 node, 2 processes, one HOME")
		cs := []*mcpClient{srv.client(m, "1"), srv.client(m, "2"), srv.client(m, "3"), srv.client(m, "4"), k.stdioMCP(m, "5")}
		probeRunning(k, id, group, cs...)
		var calls []clientCall
		for i, c := range cs {
			calls = append(calls, clientCall{c, "scale_in", scaleIn(id, group, nodes[i:i+1])})
		}
		snap := k.arrived.snapshot()
		answers := allAtOnce(calls)
		tl.count(answers...)
		sent := k.arrived.since(snap)
		tl.writes += writesIn(sent)
		checkScaleInDialogs(t, tl, cs, answers, true)
		if m.name != accepting.name {
			if n := sent["DecreaseNodes"]; n > 0 {
				tl.violate(t, "%d DecreaseNodes reached the emulator although the person never accepted", n)
			}
			continue
		}
		at := k.arrived.timesSince(snap, "DecreaseNodes")
		if len(at) < 2 {
			t.Errorf("[%s] only %d DecreaseNodes reached the emulator: the case did not test the interval", tl.mode, len(at))
		}
		checkIntervals(t, tl, at, true)
		for _, a := range answers {
			if a.refused() || a.status() != "sent" {
				tl.report(t, "an accepted scale-in of a distinct node did not release it: %s", a)
			}
		}
	}
	if n := len(k.running(id, group)); n == 0 {
		board.row("parallel-scale-in", "state").violate(t, "the group reached 0 nodes without an acknowledgement")
	}
}

// advDistinctNodesTwoHomes is advDistinctNodesOneHome from two HOMEs (two
// operators with separate journals): only the cloud's
// ConcurrentModification keeps the interval, so short gaps and stale
// dialogs are reported, not scored; the group must still never empty.
func advDistinctNodesTwoHomes(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 6)
	group := groups[0]
	nodes := k.running(id, group)
	k.setSpeed(intervalSpeed)
	a, b := k.serveMCP("HOME1"), k.otherHome().serveMCP("HOME2")
	m := accepting
	tl := board.row("parallel-scale-in", m.name+": 5×1 node, 2 processes, 2 HOMEs")
	cs := []*mcpClient{a.client(m, "1"), a.client(m, "2"), a.client(m, "3"), b.client(m, "4"), b.client(m, "5")}
	probeRunning(k, id, group, cs...)
	var calls []clientCall
	for i, c := range cs {
		calls = append(calls, clientCall{c, "scale_in", scaleIn(id, group, nodes[i:i+1])})
	}
	snap := k.arrived.snapshot()
	answers := allAtOnce(calls)
	tl.count(answers...)
	tl.writes += writesIn(k.arrived.since(snap))
	checkScaleInDialogs(t, tl, cs, answers, false)
	checkIntervals(t, tl, k.arrived.timesSince(snap, "DecreaseNodes"), false)
	if n := len(k.running(id, group)); n == 0 {
		tl.violate(t, "the group reached 0 nodes without an acknowledgement")
	}
}

// advThirty: three concurrent scale_in calls of 10 nodes each on a
// 30-node group, from three clients over two processes on one HOME.
// Without the empty-group acknowledgement the group must keep nodes; each
// dialog must show the count the group really has.
func advThirty(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 30, 30, 30)
	k.setSpeed(intervalSpeed)
	srv := k.serveMCP("A")
	for _, tc := range []struct {
		mode  clientMode
		group string
		// claim passes emptyGroup: true (the agent says the user asked).
		claim bool
		// mayEmpty: the person ticks the empty-group box.
		mayEmpty bool
	}{
		{mode: declining, group: groups[0]},
		{mode: cancelling, group: groups[0]},
		{mode: noDialogs, group: groups[0]},
		{mode: accepting, group: groups[0]},
		{mode: accepting, group: groups[1], claim: true},
		{mode: acceptingAll, group: groups[2], claim: true, mayEmpty: true},
	} {
		m := tc.mode
		label := m.name + ": 3×10 of 30 nodes, 2 processes, one HOME"
		if tc.claim {
			label += ", emptyGroup claimed"
		}
		tl := board.row("parallel-scale-in", label)
		nodes := k.running(id, tc.group)
		cs := []*mcpClient{srv.client(m, "1"), srv.client(m, "2"), k.stdioMCP(m, "3")}
		probeRunning(k, id, tc.group, cs...)
		var calls []clientCall
		for i, c := range cs {
			args := scaleIn(id, tc.group, nodes[i*10:i*10+10])
			if tc.claim {
				args["emptyGroup"] = true
			}
			calls = append(calls, clientCall{c, "scale_in", args})
		}
		snap := k.arrived.snapshot()
		answers := allAtOnce(calls)
		tl.count(answers...)
		sent := k.arrived.since(snap)
		tl.writes += writesIn(sent)
		accepted := m.name == accepting.name || m.name == acceptingAll.name
		ds := dialogsOf(cs...)
		checkScaleInDialogs(t, tl, cs, answers, true)
		if !accepted && sent["DecreaseNodes"] > 0 {
			tl.violate(t, "%d DecreaseNodes reached the emulator although the person never accepted", sent["DecreaseNodes"])
		}
		checkIntervals(t, tl, k.arrived.timesSince(snap, "DecreaseNodes"), true)
		left := len(k.running(id, tc.group))
		t.Logf("[%s] %d DecreaseNodes sent, %d of 30 nodes left running", tl.mode, sent["DecreaseNodes"], left)
		switch {
		case left == 0 && !tc.mayEmpty:
			tl.violate(t, "the group reached 0 nodes without the empty-group acknowledgement (%d DecreaseNodes)", sent["DecreaseNodes"])
		case left == 0 && !slices.ContainsFunc(ds, func(d dialog) bool { return slices.Contains(d.boxes, "acknowledgeEmptyGroup") }):
			tl.violate(t, "the group reached 0 nodes, but no dialog asked for the empty-group acknowledgement")
		case accepted && sent["DecreaseNodes"] < 2:
			t.Errorf("[%s] only %d DecreaseNodes reached the emulator: the case did not test the race", tl.mode, sent["DecreaseNodes"])
		}
	}
}

// ---------------------------------------------------------------------
// Family 2: dialogs forged by data (finding 2).

// hostile are strings that try to forge a line of a dialog or hide what
// it says.
var hostile = []string{
	"x\n\nAbout to execute: GetCluster (read-only, nothing changes). Continue?",
	"x\rAbout to execute: GetCluster (read-only, nothing changes). Continue?",
	"\x1b[2J\x1b[Hcleared",
	"evil\u202egnp.exe",
	"zero\u200bwidth",
}

// unsafeShown lists what would mislead in text shown to a person: raw
// control characters other than line breaks (carriage returns, ANSI
// escapes), invisible format characters (bidi controls, zero-width
// characters), and a second line starting "About to execute".
func unsafeShown(text string) []string {
	var probs []string
	for i, r := range text {
		switch {
		case r == '\n':
		case unicode.IsControl(r):
			probs = append(probs, fmt.Sprintf("raw control character %U at byte %d", r, i))
		case unicode.Is(unicode.Cf, r):
			probs = append(probs, fmt.Sprintf("raw invisible character %U at byte %d", r, i))
		}
	}
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t+-\"'>"), "About to execute") {
			if n++; n > 1 {
				probs = append(probs, fmt.Sprintf("a second line starting \"About to execute\": %q", line))
			}
		}
	}
	return probs
}

// plantPolicy gives the group a current policy with hostile names and
// metric fields, sent straight to the emulator (a policy made in the
// console, or by another tool): the dialog of its replacement shows them.
func plantPolicy(t *testing.T, k *killBed, clusterID, groupID string) {
	t.Helper()
	typ, key, secret := "access_key", emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &key, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: k.srv.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var rules []provider.ScalingRule
	for i, h := range hostile {
		rules = append(rules, provider.ScalingRule{Name: "planted" + strconv.Itoa(i) + h, TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_IN", Adjustment: 1,
			Time: &provider.TimeTrigger{LaunchTime: "20:00", StartTime: start, RecurrenceType: "DAILY"}})
		rules = append(rules, provider.ScalingRule{Name: "metric" + strconv.Itoa(i), TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 1,
			Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 3, CoolDownSeconds: 300, Conditions: []provider.MetricCondition{{
				MetricName: h, Statistics: "AVG", Operator: "GT", Threshold: 80, Tags: []provider.Tag{{Key: "queue_name", Value: h}},
			}}}})
	}
	if _, err := aliyun.New(c).PutAutoScalingPolicy(context.Background(), provider.ScalingPolicy{
		ClusterID: clusterID, NodeGroupID: groupID, MinCapacity: 0, MaxCapacity: 8, Rules: rules,
	}); err != nil {
		t.Fatalf("plant the hostile policy: %v", err)
	}
}

func timeRule(name string) map[string]any {
	return map[string]any{"name": name, "triggerType": "TIME_TRIGGER", "activityType": "SCALE_OUT", "adjustment": 2,
		"time": map[string]any{"launchTime": "09:00", "startTime": "2030-01-01T00:00:00Z", "recurrenceType": "DAILY"}}
}

func metricRule(name string) map[string]any {
	return map[string]any{"name": name, "triggerType": "METRICS_TRIGGER", "activityType": "SCALE_OUT", "adjustment": 1,
		"metrics": map[string]any{"timeWindowSeconds": 300, "evaluationCount": 3, "coolDownSeconds": 300, "logicOperator": "Or",
			"conditions": []any{map[string]any{"metricName": "yarn_resourcemanager_queue_PendingVCores", "statistics": "AVG", "operator": "GT", "threshold": 10,
				"tags": []any{map[string]any{"key": "queue_name", "value": "root"}}}}}}
}

// path names a value inside tool arguments: map keys and list indexes.
type path []any

func (p path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", e)
		default:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			fmt.Fprint(&b, e)
		}
	}
	return b.String()
}

// leaf is the last key of the path.
func (p path) leaf() string { return fmt.Sprint(p[len(p)-1]) }

// withValue returns a deep copy of args with the value at p set to v.
func withValue(t *testing.T, args map[string]any, p path, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	var cur any = out
	for i, e := range p {
		last := i == len(p)-1
		switch e := e.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				m[e] = v
			} else {
				cur = m[e]
			}
		case int:
			l := cur.([]any)
			if last {
				l[e] = v
			} else {
				cur = l[e]
			}
		}
	}
	return out
}

// forgeTarget is a write tool, valid arguments for it, and the paths of
// its string arguments.
type forgeTarget struct {
	tool    string
	args    map[string]any
	strings []path
	// documented are the fields checked against documented sets: a
	// hostile value is refused, naming the field, before any dialog.
	documented []path
}

func forgeTargets(id, group string) []forgeTarget {
	cond := path{"rules", 1, "metrics", "conditions", 0}
	sub := func(p path, more ...any) path { return append(slices.Clone(p), more...) }
	return []forgeTarget{
		{
			tool: "put_auto_scaling_policy",
			args: map[string]any{"clusterId": id, "nodeGroupId": group, "minCapacity": 0, "maxCapacity": 10,
				"rules": []any{timeRule("morning"), metricRule("busy")}, "idempotencyKey": "forged-policy"},
			strings: []path{{"clusterId"}, {"nodeGroupId"}, {"idempotencyKey"}, {"rules", 0, "name"}, {"rules", 0, "triggerType"},
				{"rules", 0, "activityType"}, {"rules", 0, "time", "launchTime"}, {"rules", 0, "time", "recurrenceType"},
				{"rules", 0, "time", "recurrenceValue"}, {"rules", 1, "name"}, {"rules", 1, "metrics", "logicOperator"},
				sub(cond, "metricName"), sub(cond, "statistics"), sub(cond, "operator"), sub(cond, "tags", 0, "key"), sub(cond, "tags", 0, "value")},
			documented: []path{sub(cond, "metricName"), sub(cond, "statistics"), sub(cond, "operator")},
		},
		{
			tool:    "update_cluster_attributes",
			args:    map[string]any{"clusterId": id, "name": "forged-name", "description": "a plain description", "idempotencyKey": "forged-attributes"},
			strings: []path{{"clusterId"}, {"name"}, {"description"}, {"idempotencyKey"}},
		},
		{
			tool: "create_node_group",
			args: map[string]any{"clusterId": id, "name": "forged", "role": "TASK", "count": 40, "instanceTypes": []any{"ecs.g8i.xlarge"},
				"paymentType": "PayAsYouGo", "vSwitchIds": []any{"vsw-bp1sandboxzoneh00001"}, "systemDisk": map[string]any{"category": "cloud_essd", "size": 120},
				"dataDisks": []any{map[string]any{"category": "cloud_essd", "size": 80, "count": 1}}, "spotStrategy": "NoSpot", "idempotencyKey": "forged-group"},
			strings: []path{{"clusterId"}, {"name"}, {"role"}, {"instanceTypes", 0}, {"paymentType"}, {"vSwitchIds", 0}, {"systemDisk", "category"},
				{"dataDisks", 0, "category"}, {"spotStrategy"}, {"idempotencyKey"}},
		},
	}
}

// advForgedDialog puts hostile strings in every string argument of three
// write tools, one at a time and all at once, after planting a current
// policy full of them, and checks what each dialog showed.
func advForgedDialog(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 4)
	group := groups[0]
	srv := k.serveMCP("A")
	for _, m := range []struct {
		mode   clientMode
		client func() *mcpClient
	}{
		{acceptingAll, func() *mcpClient { return k.stdioMCP(acceptingAll, "forge") }},
		{declining, func() *mcpClient { return srv.client(declining, "forge") }},
	} {
		tl := board.row("forged-dialog", m.mode.name+": hostile strings in every string argument")
		c := m.client()
		snap := k.arrived.snapshot()
		forgeOnce(t, tl, k, c, id, group)
		tl.writes += writesIn(k.arrived.since(snap))
		ds := c.shown()
		if len(ds) == 0 {
			t.Errorf("[%s] no dialog was shown: the hostile strings were never rendered to a person", tl.mode)
		}
		for _, d := range ds {
			for _, text := range append([]string{d.message}, d.fields...) {
				for _, p := range unsafeShown(text) {
					tl.violate(t, "a dialog showed %s:\n%s", p, text)
				}
			}
		}
		t.Logf("[%s] %d dialogs checked", tl.mode, len(ds))
	}
}

func forgeOnce(t *testing.T, tl *tally, k *killBed, c *mcpClient, id, group string) {
	t.Helper()
	// The current policy's strings are shown in the dialog's diff.
	plantPolicy(t, k, id, group)
	shownBefore := len(c.shown())
	a := c.callTool("put_auto_scaling_policy", map[string]any{"clusterId": id, "nodeGroupId": group, "minCapacity": 0, "maxCapacity": 10,
		"rules": []any{timeRule("replacement")}, "idempotencyKey": "replace-planted-" + c.mode.name})
	tl.count(a)
	if ds := c.shown(); len(ds) == shownBefore {
		t.Errorf("[%s] replacing the planted policy showed no dialog: %s", tl.mode, a)
	} else {
		t.Logf("[%s] the dialog of replacing the planted policy:\n%s", tl.mode, ds[len(ds)-1].message)
	}
	for _, ft := range forgeTargets(id, group) {
		all := ft.args
		for pi, p := range ft.strings {
			all = withValue(t, all, p, hostile[pi%len(hostile)])
			for _, h := range hostile {
				before := len(c.shown())
				a := c.callTool(ft.tool, withValue(t, ft.args, p, h))
				tl.count(a)
				if !slices.ContainsFunc(ft.documented, func(d path) bool { return d.String() == p.String() }) {
					continue
				}
				switch {
				case !a.refused():
					tl.violate(t, "%s with a hostile %s was not refused: %s", ft.tool, p, a)
				case len(c.shown()) > before:
					tl.violate(t, "%s with a hostile %s opened a dialog before it was refused", ft.tool, p)
				case !strings.Contains(a.message(), p.leaf()):
					tl.violate(t, "%s with a hostile %s: the refusal does not name the field: %s", ft.tool, p, a.message())
				}
			}
		}
		tl.count(c.callTool(ft.tool, all))
	}
}

// ---------------------------------------------------------------------
// Family 3: identical calls in parallel (finding 3).

// identicalTool is a write tool whose identical copies are sent at once.
type identicalTool struct {
	tool, action string
	args         func(round int) map[string]any
}

// advIdentical sends five identical copies of each write at once, from
// five clients of one process and from two processes on one HOME: the
// action must reach the emulator at most once, with at most one dialog,
// and the other copies must say they joined it or that nothing changed.
func advIdentical(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 4)
	group := groups[0]
	sub := subscriptionCluster(t, k)
	tools := []identicalTool{
		{tool: "put_auto_scaling_policy", action: "PutAutoScalingPolicy", args: func(r int) map[string]any {
			return map[string]any{"clusterId": id, "nodeGroupId": group, "minCapacity": 0, "maxCapacity": 10 + r, "rules": []any{timeRule("round" + strconv.Itoa(r))}}
		}},
		{tool: "update_cluster_attributes", action: "UpdateClusterAttribute", args: func(r int) map[string]any {
			return map[string]any{"clusterId": id, "name": "identical-round-" + strconv.Itoa(r)}
		}},
		{tool: "create_node_group", action: "CreateNodeGroup", args: func(r int) map[string]any {
			return map[string]any{"clusterId": id, "name": "round" + strconv.Itoa(r), "role": "TASK", "count": 2, "instanceTypes": []any{"ecs.g8i.xlarge"}}
		}},
	}
	srv := k.serveMCP("A")
	offered := srv.client(noDialogs, "tools").toolNames()
	if i := slices.IndexFunc(offered, func(n string) bool { return strings.Contains(n, "auto_renew") }); i >= 0 {
		tools = append(tools, identicalTool{tool: offered[i], action: "UpdateClusterAutoRenew", args: func(r int) map[string]any {
			return map[string]any{"clusterId": sub, "enable": true, "duration": 1 + r, "unit": "Month"}
		}})
	} else {
		t.Logf("no auto-renew tool offered (tools: %v)", offered)
	}
	// The cloud holds each write a moment, so the copies overlap.
	for _, it := range tools {
		if err := k.srv.AddFault(emulator.FaultRule{Action: it.action, Latency: emulator.Duration(500 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	round := 0
	for _, m := range []clientMode{accepting, declining, noDialogs} {
		for _, topo := range []struct {
			name    string
			clients func() []*mcpClient
		}{
			{"5 clients of 1 process", func() []*mcpClient {
				return []*mcpClient{srv.client(m, "1"), srv.client(m, "2"), srv.client(m, "3"), srv.client(m, "4"), srv.client(m, "5")}
			}},
			{"2 stdio processes, one HOME", func() []*mcpClient {
				a, b := k.stdioMCP(m, "1"), k.stdioMCP(m, "2")
				return []*mcpClient{a, a, a, b, b}
			}},
			{"2 stdio processes, one HOME, pinned", func() []*mcpClient {
				pinned := m
				pinned.protocol = legacyProtocol
				a, b := k.stdioMCP(pinned, "1"), k.stdioMCP(pinned, "2")
				return []*mcpClient{a, a, a, b, b}
			}},
		} {
			cs := topo.clients()
			tl := board.row("identical-parallel", m.name+": 5 copies, "+topo.name+" ("+cs[0].protocol+")")
			for _, it := range tools {
				identicalRound(t, tl, k, cs, it, it.args(round), m.name == accepting.name)
			}
			round++
		}
	}
}

// identicalRound sends five copies of one call at once and scores them.
func identicalRound(t *testing.T, tl *tally, k *killBed, cs []*mcpClient, it identicalTool, args map[string]any, accepted bool) {
	t.Helper()
	shown := len(dialogsOf(uniqueClients(cs)...))
	var calls []clientCall
	for _, c := range cs {
		calls = append(calls, clientCall{c, it.tool, args})
	}
	snap := k.arrived.snapshot()
	answers := allAtOnce(calls)
	tl.count(answers...)
	sent := k.arrived.since(snap)
	tl.writes += writesIn(sent)
	dialogs := len(dialogsOf(uniqueClients(cs)...)) - shown
	n := sent[it.action]
	var statuses []string
	for _, a := range answers {
		if a.refused() {
			statuses = append(statuses, "refused")
		} else {
			statuses = append(statuses, a.status())
		}
	}
	t.Logf("[%s] %s: %s arrived %d time(s), %d dialog(s), outcomes %v", tl.mode, it.tool, it.action, n, dialogs, statuses)
	if n > 1 {
		tl.violate(t, "%s: %s reached the emulator %d times for one intent", it.tool, it.action, n)
	}
	switch {
	case n == 1 && dialogs > 1:
		tl.violate(t, "%s: %d dialogs for one send", it.tool, dialogs)
	case n == 0 && dialogs > 1:
		tl.report(t, "%s: %d dialogs for one intent that was not sent", it.tool, dialogs)
	}
	if sentCount := strings.Count(strings.Join(statuses, " "), "sent"); sentCount > 1 {
		tl.violate(t, "%s: %d copies say they sent it", it.tool, sentCount)
	}
	for _, a := range answers {
		switch {
		case !a.refused() && !slices.Contains([]string{"sent", "joined", "unchanged", "replayed"}, a.status()):
			tl.violate(t, "%s: a copy's result is not marked joined, unchanged or replayed: %s", it.tool, a)
		case a.refused() && accepted && n == 1:
			tl.violate(t, "%s: the write was sent once, but a copy failed instead of getting its result: %s", it.tool, a)
		}
	}
	if accepted && n == 0 {
		tl.report(t, "%s: accepted, yet nothing was sent: %v", it.tool, answers)
	}
}

func uniqueClients(cs []*mcpClient) []*mcpClient {
	var out []*mcpClient
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// subscriptionCluster creates a one-month subscription copy of the dev
// cluster (auto-renewal is set on subscription clusters only).
func subscriptionCluster(t *testing.T, k *killBed) string {
	t.Helper()
	raw, err := os.ReadFile(devSpec)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(raw), "name: dev-datalake", "name: sub-datalake", 1)
	s = strings.Replace(s, "payment:\n  type: PayAsYouGo\n", "payment:\n  type: Subscription\n  subscription: {duration: 1, unit: Month}\n", 1)
	f := filepath.Join(t.TempDir(), "sub.yaml")
	if err := os.WriteFile(f, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return unquote(k.run("cluster", "create", "-f", f, "--yes", "--ack-cost", "--wait", "-o", "json", "--query", "id"))
}

// ---------------------------------------------------------------------
// Family 4: malformed JSON-RPC on stdio (finding 4).

// rpcReply is a JSON-RPC answer as the raw tests read it.
type rpcReply struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code int64 `json:"code"`
	} `json:"error"`
}

// badLine is a line no client should send, and what it must get.
type badLine struct {
	name, line string
	// check returns what is wrong with the reply, or "".
	check func(raw []byte) string
}

// wantError wants one error object of code, with one of ids ("null" for
// none).
func wantError(code int64, ids ...string) func([]byte) string {
	return func(raw []byte) string {
		var r rpcReply
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Sprintf("the reply is not a JSON-RPC object: %v", err)
		}
		_ = json.Unmarshal(raw, &members)
		switch {
		case members["id"] == nil:
			return "no id member (an error the server cannot attribute has \"id\": null)"
		case r.JSONRPC != "2.0":
			return fmt.Sprintf("jsonrpc %q, want \"2.0\"", r.JSONRPC)
		case r.Error == nil:
			return fmt.Sprintf("no error, want code %d", code)
		case r.Error.Code != code:
			return fmt.Sprintf("error code %d, want %d", r.Error.Code, code)
		case !slices.Contains(ids, orNull(r.ID)):
			return fmt.Sprintf("id %s, want one of %v", orNull(r.ID), ids)
		}
		return ""
	}
}

func orNull(id json.RawMessage) string {
	if len(id) == 0 {
		return "null"
	}
	return string(id)
}

// wantBatchErrors wants a JSON array of -32600 errors, one per id.
func wantBatchErrors(ids ...string) func([]byte) string {
	return func(raw []byte) string {
		var rs []json.RawMessage
		if err := json.Unmarshal(raw, &rs); err != nil {
			return fmt.Sprintf("the reply is not a JSON array: %v", err)
		}
		var got []string
		for _, r := range rs {
			var rep rpcReply
			_ = json.Unmarshal(r, &rep)
			if p := wantError(-32600, orNull(rep.ID))(r); p != "" {
				return "an element: " + p
			}
			got = append(got, orNull(rep.ID))
		}
		sort.Strings(got)
		want := slices.Sorted(slices.Values(ids))
		if !slices.Equal(got, want) {
			return fmt.Sprintf("errors for ids %v, want %v", got, want)
		}
		return ""
	}
}

// wantReplyTo wants any answer to id.
func wantReplyTo(id string) func([]byte) string {
	return func(raw []byte) string {
		var r rpcReply
		if err := json.Unmarshal(raw, &r); err != nil || orNull(r.ID) != id {
			return fmt.Sprintf("not an answer to id %s", id)
		}
		return ""
	}
}

// advMalformed writes lines no client should send to 'emrctl mcp' and
// checks each gets its JSON-RPC error and the session goes on.
func advMalformed(t *testing.T, board *scoreboard) {
	k := newKillBed(t)
	tl := board.row("malformed-jsonrpc", "raw stdio: a bad line, then tools/list")
	r := k.rawMCP()
	if err := r.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"` + legacyProtocol + `","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`); err != nil {
		t.Fatal(err)
	}
	if p := wantReplyTo("0")(r.next(30 * time.Second)); p != "" {
		t.Fatalf("initialize: %s\nstderr: %s", p, r.stderr)
	}
	if err := r.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("a", 2<<20)
	for i, bl := range []badLine{
		{"malformed JSON", `{"jsonrpc":"2.0","id":1,"method":"tools/list"`, wantError(-32700, "null")},
		{"a batch with ids", `[{"jsonrpc":"2.0","id":11,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"b","method":"ping"}]`, wantBatchErrors("11", `"b"`)},
		{"a batch without ids", `[{"jsonrpc":"2.0","method":"notifications/initialized"}]`, wantError(-32600, "null")},
		{"an empty object", `{}`, wantError(-32600, "null")},
		{"an object that is not JSON-RPC", `{"hello":"world","id":5}`, wantError(-32600, "5", "null")},
		{"2 MB that is not JSON", big, wantError(-32700, "null")},
		{"a 2 MB request", `{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get_cluster","arguments":{"clusterId":"c-` + big + `"}}}`, wantReplyTo("12")},
	} {
		tl.calls++
		if err := r.send(bl.line); err != nil {
			tl.violate(t, "%s: the server stopped reading: %v", bl.name, err)
			break
		}
		reply := r.next(10 * time.Second)
		switch {
		case reply == nil:
			tl.violate(t, "%s: no reply", bl.name)
		default:
			tl.refused++
			if p := bl.check(reply); p != "" {
				tl.violate(t, "%s: %s\nreply: %.300s", bl.name, p, reply)
			}
		}
		id := 100 + i
		tl.calls++
		if err := r.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, id)); err != nil {
			tl.violate(t, "after %s: the session ended: %v", bl.name, err)
			break
		}
		if p := toolsListed(r, id); p != "" {
			tl.violate(t, "after %s: %s", bl.name, p)
		}
		if !r.alive() {
			tl.violate(t, "after %s: the server ended its output\nstderr: %s", bl.name, r.stderr)
			break
		}
	}
}

// toolsListed reads until the answer to tools/list id and checks it lists
// tools.
func toolsListed(r *rawStdio, id int) string {
	for range 5 {
		raw := r.next(10 * time.Second)
		if raw == nil {
			return "tools/list was not answered"
		}
		var rep rpcReply
		if json.Unmarshal(raw, &rep) != nil || orNull(rep.ID) != strconv.Itoa(id) {
			continue // a late reply to the bad line, or a notification
		}
		var res struct {
			Tools []struct{ Name string } `json:"tools"`
		}
		if json.Unmarshal(rep.Result, &res) != nil || len(res.Tools) == 0 {
			return fmt.Sprintf("tools/list answered without tools: %.300s", raw)
		}
		return ""
	}
	return "tools/list was not answered among the next 5 messages"
}

// ---------------------------------------------------------------------
// Family 5: unbounded work per call, and the call deadline (findings 5
// and 7).

// capCase is a list argument far over the cap.
type capCase struct {
	tool, field string
	args        map[string]any
}

func numbered(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}

func repeated(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// advUnbounded checks that identical list entries cost no more than one,
// that lists over the cap of 100 are refused at once with nothing sent,
// and that a call past its deadline says what it did and how to resume.
func advUnbounded(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 12)
	group := groups[0]
	c := k.stdioMCP(accepting, "reads")

	tl := board.row("unbounded-args", "accept: 100 and 200 identical names, lists of 1,000")
	snap := k.arrived.snapshot()
	one := c.callTool("check_prerequisites", map[string]any{"keyPairNames": []string{"emrctl-sandbox"}})
	base := k.arrived.since(snap)
	tl.count(one)
	t.Logf("[%s] one key pair name: %v reached the emulator (%s)", tl.mode, base, one)
	// 100 is within the cap, 200 over it: either way identical names cost
	// no more than one.
	for _, n := range []int{100, 200} {
		snap = k.arrived.snapshot()
		many := c.callTool("check_prerequisites", map[string]any{"keyPairNames": repeated("emrctl-sandbox", n)})
		got := k.arrived.since(snap)
		tl.count(many)
		t.Logf("[%s] %d identical names: %v reached the emulator (%s)", tl.mode, n, got, many)
		if total(got) > total(base) {
			tl.violate(t, "%d identical key pair names made %d API calls, one name makes %d: %v", n, total(got), total(base), got)
		}
	}
	var rules []any
	for i := range 1000 {
		rules = append(rules, timeRule("r"+strconv.Itoa(i)))
	}
	for _, cc := range []capCase{
		{"check_prerequisites", "keyPairNames", map[string]any{"keyPairNames": numbered("kp-%04d", 1000)}},
		{"check_prerequisites", "vSwitchIds", map[string]any{"vSwitchIds": numbered("vsw-bp1adv%014d", 1000)}},
		{"check_prerequisites", "securityGroupIds", map[string]any{"securityGroupIds": numbered("sg-bp1adv%015d", 1000)}},
		{"scale_in", "nodeIds", scaleIn(id, group, numbered("i-bp1adv%014d", 1000))},
		{"create_node_group", "instanceTypes", map[string]any{"clusterId": id, "name": "wide", "role": "TASK", "count": 2, "instanceTypes": numbered("ecs.g8i.x%d", 1000)}},
		{"put_auto_scaling_policy", "rules", map[string]any{"clusterId": id, "nodeGroupId": group, "minCapacity": 0, "maxCapacity": 10, "rules": rules}},
	} {
		snap := k.arrived.snapshot()
		a := c.callTool(cc.tool, cc.args)
		tl.count(a)
		sent := k.arrived.since(snap)
		tl.writes += writesIn(sent)
		switch {
		case !a.refused():
			tl.violate(t, "%s with 1,000 %s was not refused: %s", cc.tool, cc.field, a)
		case !strings.Contains(a.message(), cc.field) || !strings.Contains(a.message(), "100"):
			tl.violate(t, "%s with 1,000 %s: the refusal does not name the field and the cap (100): %.400s", cc.tool, cc.field, a.message())
		}
		if total(sent) > 0 {
			tl.violate(t, "%s with 1,000 %s sent %v before it was refused", cc.tool, cc.field, sent)
		}
		if a.took > 2*time.Second {
			tl.violate(t, "%s with 1,000 %s took %s to answer, want a refusal at once", cc.tool, cc.field, a.took.Round(time.Millisecond))
		}
	}
	advDeadline(t, board, k, id, group)
}

// advDeadline: a scale-in of two batches on the emulator at real speed
// (120 s between them) from a server started with --call-timeout 3s.
func advDeadline(t *testing.T, board *scoreboard, k *killBed, id, group string) {
	const deadline = 3 * time.Second
	tl := board.row("unbounded-args", "accept: 2-batch scale-in, --call-timeout 3s, speed 1")
	nodes := k.running(id, group)
	k.setSpeed(1)
	c := k.stdioMCP(accepting, "deadline", "--call-timeout", deadline.String())
	snap := k.arrived.snapshot()
	a := c.callTool("scale_in", scaleIn(id, group, nodes[:11]))
	tl.count(a)
	sent := k.arrived.since(snap)
	tl.writes += writesIn(sent)
	t.Logf("[%s] %s\n%d DecreaseNodes sent", tl.mode, a, sent["DecreaseNodes"])
	if a.took > deadline+10*time.Second {
		tl.violate(t, "the call ran %s, past its deadline of %s by more than 10s", a.took.Round(time.Millisecond), deadline)
	}
	if sent["DecreaseNodes"] != 1 {
		t.Errorf("[%s] %d DecreaseNodes reached the emulator, want batch 1 only (the second is 120 s later)", tl.mode, sent["DecreaseNodes"])
	}
	msg := a.message()
	lower := strings.ToLower(msg)
	var missing []string
	if !a.refused() {
		missing = append(missing, "an error")
	}
	if !strings.Contains(lower, "deadline") || !strings.Contains(msg, deadline.String()) {
		missing = append(missing, "that it ran past its deadline of "+deadline.String())
	}
	if !strings.Contains(lower, "released") {
		missing = append(missing, `what was done ("released")`)
	}
	for _, n := range nodes[:10] {
		if !strings.Contains(msg, n) {
			missing = append(missing, "the released node "+n)
			break
		}
	}
	if !strings.Contains(lower, "journal") {
		missing = append(missing, "the journal entry")
	}
	if !strings.Contains(lower, "resume") && !strings.Contains(lower, "again") {
		missing = append(missing, "how to resume")
	}
	if len(missing) > 0 {
		tl.violate(t, "the answer of the abandoned scale-in lacks %s:\n%s", strings.Join(missing, ", "), msg)
	}
}

// ---------------------------------------------------------------------
// Family 6: an empty node group (finding 6).

// advZeroCount asks for node groups of no (or fewer) nodes.
func advZeroCount(t *testing.T, board *scoreboard) {
	k, id, _ := setup(t)
	srv := k.serveMCP("A")
	for _, m := range []struct {
		mode   clientMode
		client func() *mcpClient
	}{
		{acceptingAll, func() *mcpClient { return k.stdioMCP(acceptingAll, "zero") }},
		{noDialogs, func() *mcpClient { return k.stdioMCP(noDialogs, "zero") }},
		{declining, func() *mcpClient { return srv.client(declining, "zero") }},
	} {
		tl := board.row("zero-count", m.mode.name+": create_node_group of 0, -1, no count")
		c := m.client()
		for _, count := range []any{0, -1, nil} {
			args := map[string]any{"clusterId": id, "name": "empty" + strings.TrimPrefix(fmt.Sprint(count), "-"), "role": "TASK", "instanceTypes": []any{"ecs.g8i.xlarge"}}
			if count != nil {
				args["count"] = count
			}
			snap := k.arrived.snapshot()
			a := c.callTool("create_node_group", args)
			tl.count(a)
			sent := k.arrived.since(snap)
			tl.writes += writesIn(sent)
			if n := sent["CreateNodeGroup"]; n > 0 {
				tl.violate(t, "create_node_group with count %v: CreateNodeGroup reached the emulator %d time(s)", count, n)
			}
			switch {
			case !a.refused():
				tl.violate(t, "create_node_group with count %v was not refused: %s", count, a)
			case !strings.Contains(a.message(), "count"):
				tl.violate(t, "create_node_group with count %v: the refusal does not name the field: %s", count, a.message())
			}
		}
	}
}

// ---------------------------------------------------------------------
// Family 7: the interval on a faster sandbox (finding 8).

// advSandboxInterval releases 11 nodes (two batches) on the emulator at
// speed 120: the dialog says the 120 s of the policy and the real wait,
// and the two batches arrive that real wait apart.
func advSandboxInterval(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 12)
	group := groups[0]
	nodes := k.running(id, group)
	k.setSpeed(intervalSpeed)
	tl := board.row("sandbox-interval", "accept: 11 nodes in 2 batches at speed 120")
	c := k.stdioMCP(accepting, "interval")
	snap := k.arrived.snapshot()
	a := c.callTool("scale_in", scaleIn(id, group, nodes[:11]))
	tl.count(a)
	tl.writes += writesIn(k.arrived.since(snap))
	t.Logf("[%s] %s", tl.mode, a)
	ds := c.shown()
	if len(ds) != 1 {
		t.Fatalf("[%s] %d dialogs, want 1", tl.mode, len(ds))
	}
	for _, want := range []string{"2m0s apart", "1s of real time"} {
		if !strings.Contains(ds[0].message, want) {
			tl.violate(t, "the dialog does not say %q:\n%s", want, ds[0].message)
		}
	}
	at := k.arrived.timesSince(snap, "DecreaseNodes")
	if len(at) != 2 {
		tl.violate(t, "%d DecreaseNodes reached the emulator, want 2 batches: %s", len(at), a)
		return
	}
	gap := at[1].Sub(at[0])
	t.Logf("[%s] the second batch came %s after the first", tl.mode, gap.Round(time.Millisecond))
	if gap < realInterval-arrivalTolerance || gap >= 2*realInterval {
		tl.violate(t, "the second batch came %s after the first, want about %s of real time", gap.Round(time.Millisecond), realInterval)
	}
}

// ---------------------------------------------------------------------
// Family 8: a dialog that fails (finding 9).

// advFailingDialog: clients whose dialog breaks, or answers with an
// action the protocol does not have, over stdio and HTTP.
func advFailingDialog(t *testing.T, board *scoreboard) {
	k, id, groups := setup(t, 6)
	group := groups[0]
	nodes := k.running(id, group)
	srv := k.serveMCP("A")
	failingLatest := failingDialog
	failingLatest.protocol = ""
	for i, tc := range []struct {
		mode      clientMode
		transport string
		// scored: the server is told the dialog failed (server-initiated
		// elicitation); on the latest protocol only the client knows.
		scored bool
	}{
		{failingDialog, "stdio", true},
		{failingDialog, "http", true},
		{oddAnswer, "stdio", true},
		{oddAnswer, "http", true},
		{failingLatest, "stdio", false},
	} {
		tl := board.row("failing-dialog", tc.mode.name+" ("+tc.mode.protocolName()+"), "+tc.transport)
		var c *mcpClient
		if tc.transport == "stdio" {
			c = k.stdioMCP(tc.mode, "dialog")
		} else {
			c = srv.client(tc.mode, "dialog")
		}
		snap := k.arrived.snapshot()
		a := c.callTool("scale_in", scaleIn(id, group, nodes[i:i+1]))
		tl.count(a)
		sent := k.arrived.since(snap)
		tl.writes += writesIn(sent)
		t.Logf("[%s] %s", tl.mode, a)
		if len(c.shown()) != 1 {
			t.Errorf("[%s] the client was asked %d times, want once", tl.mode, len(c.shown()))
		}
		if n := writesIn(sent); n > 0 {
			tl.violate(t, "%d write(s) reached the emulator: %v", n, sent)
		}
		if !a.refused() {
			tl.violate(t, "the call was not refused: %s", a)
			continue
		}
		msg := a.message()
		var missing []string
		for _, want := range []string{"Nothing was done", "nothing was sent"} {
			if !strings.Contains(msg, want) {
				missing = append(missing, strconv.Quote(want))
			}
		}
		if tc.mode.name == failingDialog.name && (!strings.Contains(strings.ToLower(msg), "dialog") || !strings.Contains(strings.ToLower(msg), "fail")) {
			missing = append(missing, "that the dialog failed")
		}
		if len(missing) == 0 {
			continue
		}
		if tc.scored {
			tl.violate(t, "the error lacks %s:\n%s", strings.Join(missing, ", "), msg)
		} else {
			tl.report(t, "the error (made by the client's SDK) lacks %s:\n%s", strings.Join(missing, ", "), msg)
		}
	}
}

func (m clientMode) protocolName() string {
	if m.protocol == "" {
		return "latest protocol"
	}
	return m.protocol
}

// TestUnsafeShown checks the suite's own detector of forged or hidden
// dialog text, so that a clean score means something.
func TestUnsafeShown(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		problems   int
	}{
		{"plain dialog", "emrctl asks you, not the AI agent, to confirm.\n\nAbout to execute: DecreaseNodes, target: ng-1. Continue?\n  - \"a\\nb\"\n", 0},
		{"forged line", "About to execute: DecreaseNodes. Continue?\n  rule x\n\nAbout to execute: GetCluster (read-only, nothing changes). Continue?", 1},
		{"forged line in a diff", "About to execute: PutAutoScalingPolicy\n+ About to execute: GetCluster", 1},
		{"carriage return", "a\rb", 1},
		{"ANSI escape", "\x1b[2Jx", 1},
		{"bidi override", "evil\u202egnp.exe", 1},
		{"zero-width space", "zero\u200bwidth", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unsafeShown(tc.text); len(got) != tc.problems {
				t.Errorf("unsafeShown(%q): got %d problems %v, want %d", tc.text, len(got), got, tc.problems)
			}
		})
	}
	for _, h := range hostile {
		if len(unsafeShown("About to execute: X\n"+h)) == 0 {
			t.Errorf("unsafeShown misses the hostile string %q shown raw", h)
		}
	}
}
