package journal

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func testFinishRecordsOutcome(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	a, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	c.Set(t0.Add(3 * time.Second))
	out := Outcome{
		Status:    StatusSucceeded,
		ResultIDs: []string{"c-b933c5aac8fe4d1b"},
		RequestID: "6F2A1B0C-9D8E-4F7A-B6C5-D4E3F2A1B0C9",
		Detail:    map[string]any{"OperationId": "op-1"},
	}
	if err := j.Finish(ctx, a.ID, out); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	got, err := j.Get(ctx, a.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	finished := t0.Add(3 * time.Second)
	want := a.Entry
	want.Status = StatusSucceeded
	want.ResultIDs = out.ResultIDs
	want.RequestID = out.RequestID
	want.FinishedAt = &finished
	want.Detail = json.RawMessage(`{"OperationId":"op-1"}`)
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("Get after Finish mismatch (-want +got):\n%s", diff)
	}
	if got, want := string(got.Params), `{"ClusterName":"etl","ClusterType":"DATALAKE","PaymentType":"PayAsYouGo"}`; got != want {
		t.Errorf("params = %s, want %s", got, want)
	}
}

func testFinishErrors(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	a, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := j.Finish(ctx, a.ID, Outcome{Status: StatusFailed, ErrorCode: "InvalidParameter"}); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	tests := []struct {
		name    string
		id      int64
		out     Outcome
		wantErr error
	}{
		{name: "already finished", id: a.ID, out: Outcome{Status: StatusSucceeded}, wantErr: ErrFinished},
		{name: "missing attempt", id: a.ID + 100, out: Outcome{Status: StatusSucceeded}, wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := j.Finish(ctx, tt.id, tt.out); !errors.Is(err, tt.wantErr) {
				t.Errorf("Finish = %v, want %v", err, tt.wantErr)
			}
		})
	}
	for _, s := range []Status{StatusPending, "done", ""} {
		if err := j.Finish(ctx, a.ID, Outcome{Status: s}); err == nil {
			t.Errorf("Finish with status %q succeeded, want error", s)
		}
	}
}

func testStalePendingReadsUnknown(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	a, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	status := func(t *testing.T) (Status, bool) {
		t.Helper()
		e, err := j.Get(ctx, a.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		return e.Status, e.Stale
	}
	count := func(t *testing.T, s Status) int {
		t.Helper()
		n, err := j.Count(ctx, Filter{Status: string(s)})
		if err != nil {
			t.Fatalf("Count: %v", err)
		}
		return n
	}

	c.Set(t0.Add(DefaultStaleAfter - time.Second))
	if s, stale := status(t); s != StatusPending || stale {
		t.Errorf("before the deadline: status %s stale %v, want pending", s, stale)
	}
	if n, err := j.MarkStale(ctx, 0); err != nil || n != 0 {
		t.Errorf("MarkStale before the deadline = %d, %v, want 0", n, err)
	}

	c.Set(t0.Add(DefaultStaleAfter + time.Second))
	if s, stale := status(t); s != StatusUnknown || !stale {
		t.Errorf("after the deadline: status %s stale %v, want unknown and stale", s, stale)
	}
	if got := count(t, StatusUnknown); got != 1 {
		t.Errorf("Count(unknown) = %d, want 1", got)
	}
	if got := count(t, StatusPending); got != 0 {
		t.Errorf("Count(pending) = %d, want 0", got)
	}
	pending, err := j.Pending(ctx, a.IntentHash)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if len(pending) != 1 || pending[0].ID != a.ID {
		t.Errorf("Pending = %v, want attempt %d", pending, a.ID)
	}

	n, err := j.MarkStale(ctx, 0)
	if err != nil || n != 1 {
		t.Fatalf("MarkStale = %d, %v, want 1", n, err)
	}
	if s, stale := status(t); s != StatusUnknown || stale {
		t.Errorf("after MarkStale: status %s stale %v, want stored unknown", s, stale)
	}
	if n, err := j.MarkStale(ctx, 0); err != nil || n != 0 {
		t.Errorf("second MarkStale = %d, %v, want 0", n, err)
	}

	// Reconciliation may resolve an unknown attempt later.
	if err := j.Finish(ctx, a.ID, Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-1"}}); err != nil {
		t.Fatalf("Finish after unknown: %v", err)
	}
	if pending, err := j.Pending(ctx, a.IntentHash); err != nil || len(pending) != 0 {
		t.Errorf("Pending after resolution = %v, %v, want none", pending, err)
	}
	latest, err := j.LatestForIntent(ctx, a.IntentHash)
	if err != nil {
		t.Fatalf("LatestForIntent: %v", err)
	}
	if latest.ID != a.ID || latest.Status != StatusSucceeded {
		t.Errorf("LatestForIntent = attempt %d %s, want %d succeeded", latest.ID, latest.Status, a.ID)
	}
}

func testMarkStaleOlderThan(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	for i := range 3 {
		c.Set(t0.Add(time.Duration(i) * time.Minute))
		in := createCluster("etl")
		in.IdempotencyKey = string(rune('a' + i))
		if _, err := j.Begin(ctx, in); err != nil {
			t.Fatalf("Begin: %v", err)
		}
	}
	c.Set(t0.Add(2*time.Minute + 45*time.Second))
	// Attempts at 0m and 1m are older than 90 s; the one at 2m is not.
	n, err := j.MarkStale(ctx, 90*time.Second)
	if err != nil || n != 2 {
		t.Errorf("MarkStale(90s) = %d, %v, want 2", n, err)
	}
}

func testLatestForIntentNotFound(t *testing.T, bk backend) {
	j, _ := bk.openTest(t)
	if _, err := j.LatestForIntent(context.Background(), "0000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LatestForIntent = %v, want %v", err, ErrNotFound)
	}
	if _, err := j.Get(context.Background(), 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get = %v, want %v", err, ErrNotFound)
	}
}

func testListFilters(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	type row struct {
		at        time.Duration
		op        string
		target    string
		actorKind string
		provider  string
		outcome   Status // "" leaves it pending
	}
	rows := []row{
		{at: 0, op: "CreateCluster", target: "etl", actorKind: "cli-terminal", provider: "aliyun", outcome: StatusSucceeded},
		{at: 1 * time.Minute, op: "IncreaseNodes", target: "c-1/ng-task", actorKind: "mcp", provider: "aliyun", outcome: StatusFailed},
		{at: 2 * time.Minute, op: "IncreaseNodes", target: "c-1/ng-task", actorKind: "mcp", provider: "aliyun", outcome: StatusUnknown},
		{at: 3 * time.Minute, op: "RunJobFlow", target: "etl", actorKind: "cli-script", provider: "aws", outcome: StatusSucceeded},
		{at: 10 * time.Minute, op: "DecreaseNodes", target: "c-1/ng-task", actorKind: "cli-terminal", provider: "aliyun"},
		{at: 10*time.Minute + 30*time.Second, op: "CreateCluster", target: "bi", actorKind: "cli-terminal", provider: "aliyun"},
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		c.Set(t0.Add(r.at))
		in := createCluster(r.target)
		in.Operation, in.ActorKind, in.Provider = r.op, r.actorKind, r.provider
		a, err := j.Begin(ctx, in)
		if err != nil {
			t.Fatalf("Begin %d: %v", i, err)
		}
		ids[i] = a.ID
		if r.outcome != "" {
			if err := j.Finish(ctx, a.ID, Outcome{Status: r.outcome}); err != nil {
				t.Fatalf("Finish %d: %v", i, err)
			}
		}
	}
	// At 11m15s the DecreaseNodes attempt (10m) is past the deadline, the
	// CreateCluster at 10m30s is not.
	c.Set(t0.Add(11*time.Minute + 15*time.Second))
	tests := []struct {
		name   string
		filter Filter
		want   []int // indexes into rows, newest first
	}{
		{name: "all", filter: Filter{}, want: []int{5, 4, 3, 2, 1, 0}},
		{name: "limit", filter: Filter{Limit: 2}, want: []int{5, 4}},
		{name: "operation", filter: Filter{Operation: "IncreaseNodes"}, want: []int{2, 1}},
		{name: "target", filter: Filter{Target: "etl"}, want: []int{3, 0}},
		{name: "actor kind", filter: Filter{ActorKind: "mcp"}, want: []int{2, 1}},
		{name: "provider", filter: Filter{Provider: "aws"}, want: []int{3}},
		{name: "since until", filter: Filter{Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, want: []int{2, 1}},
		{name: "succeeded", filter: Filter{Status: "succeeded"}, want: []int{3, 0}},
		{name: "unknown includes stale pending", filter: Filter{Status: "unknown"}, want: []int{4, 2}},
		{name: "pending excludes stale", filter: Filter{Status: "pending"}, want: []int{5}},
		{name: "combined", filter: Filter{Operation: "IncreaseNodes", Status: "failed", ActorKind: "mcp"}, want: []int{1}},
		{name: "no match", filter: Filter{Operation: "DeleteCluster"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := j.List(ctx, tt.filter)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			var got, want []int64
			for _, e := range es {
				got = append(got, e.ID)
			}
			for _, i := range tt.want {
				want = append(want, ids[i])
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("List ids mismatch (-want +got):\n%s", diff)
			}
			n, err := j.Count(ctx, tt.filter)
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			wantCount := len(tt.want)
			if tt.filter.Limit > 0 {
				wantCount = len(rows)
			}
			if n != wantCount {
				t.Errorf("Count = %d, want %d", n, wantCount)
			}
		})
	}
	if _, err := j.List(ctx, Filter{Status: "done"}); err == nil {
		t.Errorf("List with status %q succeeded, want error", "done")
	}
}

func testAuditEvents(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	events := []AuditEvent{
		{Actor: "agent", ActorKind: "mcp", Client: "claude", Event: EventPolicyDenied, Operation: "DeleteCluster", Target: "c-1", Detail: "cluster deletion is not available to agents"},
		{Actor: "alice", ActorKind: "cli-terminal", Event: EventConfirmDeclined, Operation: "DecreaseNodes", Target: "c-1/ng-task"},
		{Actor: "alice", ActorKind: "cli-terminal", Event: EventPolicyLoosened, Detail: "limits.increaseNodes.maxPerCall=80"},
		{Actor: "agent", ActorKind: "mcp", Client: "claude", Event: EventMCPTool, Operation: "ListClusters"},
	}
	for i, ev := range events {
		c.Set(t0.Add(time.Duration(i) * time.Minute))
		if err := j.Audit(ctx, ev); err != nil {
			t.Fatalf("Audit %d: %v", i, err)
		}
	}
	if err := j.Audit(ctx, AuditEvent{Actor: "x"}); err == nil {
		t.Errorf("Audit without event succeeded, want error")
	}
	tests := []struct {
		name   string
		filter Filter
		want   []string // events, newest first
	}{
		{name: "all", filter: Filter{}, want: []string{EventMCPTool, EventPolicyLoosened, EventConfirmDeclined, EventPolicyDenied}},
		{name: "event", filter: Filter{Event: EventPolicyDenied}, want: []string{EventPolicyDenied}},
		{name: "actor kind", filter: Filter{ActorKind: "mcp"}, want: []string{EventMCPTool, EventPolicyDenied}},
		{name: "operation", filter: Filter{Operation: "DecreaseNodes"}, want: []string{EventConfirmDeclined}},
		{name: "target", filter: Filter{Target: "c-1"}, want: []string{EventPolicyDenied}},
		{name: "since", filter: Filter{Since: t0.Add(2 * time.Minute)}, want: []string{EventMCPTool, EventPolicyLoosened}},
		{name: "limit", filter: Filter{Limit: 1}, want: []string{EventMCPTool}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := j.ListAudit(ctx, tt.filter)
			if err != nil {
				t.Fatalf("ListAudit: %v", err)
			}
			var got []string
			for _, ev := range evs {
				got = append(got, ev.Event)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ListAudit events mismatch (-want +got):\n%s", diff)
			}
		})
	}
	evs, err := j.ListAudit(ctx, Filter{Event: EventPolicyDenied})
	if err != nil || len(evs) != 1 {
		t.Fatalf("ListAudit = %v, %v, want one event", evs, err)
	}
	want := events[0]
	want.ID, want.Time = evs[0].ID, t0
	if diff := cmp.Diff(want, evs[0]); diff != "" {
		t.Errorf("stored event mismatch (-want +got):\n%s", diff)
	}
}

func testEntryJSONFieldNames(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	a, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := j.Finish(ctx, a.ID, Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-1"}, Detail: map[string]any{"k": 1}}); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	e, err := j.Get(ctx, a.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	for _, name := range []string{"id", "time", "actor", "actorKind", "client", "profile", "provider", "region",
		"operation", "target", "params", "intentHash", "tokenKind", "token", "attempt", "status", "resultIds",
		"requestId", "errorCode", "errorMessage", "finishedAt", "detail"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("JSON of Entry lacks %q: %s", name, b)
		}
	}
}
