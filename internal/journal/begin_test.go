package journal

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func testBeginFirstAttempt(t *testing.T, bk backend) {
	j, _ := bk.openTest(t)
	in := createCluster("etl")
	a, err := j.Begin(context.Background(), in)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if !uuidV4.MatchString(a.Token) {
		t.Errorf("token = %q, want a lower-case UUID v4", a.Token)
	}
	if a.Reused || a.Previous != nil {
		t.Errorf("got Reused=%v Previous=%v, want a fresh attempt", a.Reused, a.Previous)
	}
	if a.Attempt != 1 || a.Status != StatusPending {
		t.Errorf("got attempt %d status %s, want 1 pending", a.Attempt, a.Status)
	}
	hash, err := j.IntentHash(in)
	if err != nil {
		t.Fatalf("IntentHash: %v", err)
	}
	if a.IntentHash != hash {
		t.Errorf("IntentHash = %s, want the attempt's %s", hash, a.IntentHash)
	}
	got, err := j.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Token != a.Token || got.Status != StatusPending || !got.Time.Equal(t0) {
		t.Errorf("stored token %s status %s time %v, want %s pending %v", got.Token, got.Status, got.Time, a.Token, t0)
	}
}

func testBeginRejectsBadIntent(t *testing.T, bk backend) {
	j, _ := bk.openTest(t)
	tests := []struct {
		name   string
		modify func(*Intent)
	}{
		{name: "no operation", modify: func(in *Intent) { in.Operation = "" }},
		{name: "no token kind", modify: func(in *Intent) { in.TokenKind = "" }},
		{name: "unknown token kind", modify: func(in *Intent) { in.TokenKind = "uuid" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := createCluster("etl")
			tt.modify(&in)
			if _, err := j.Begin(context.Background(), in); err == nil {
				t.Errorf("Begin succeeded, want error")
			}
		})
	}
	n, err := j.Count(context.Background(), Filter{})
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	if n != 0 {
		t.Errorf("Count = %d after rejected intents, want 0", n)
	}
}

func testBeginTokenReuse(t *testing.T, bk backend) {
	tests := []struct {
		name string
		// outcome of the first attempt; nil leaves it pending.
		outcome *Outcome
		// gap between the first and second attempt.
		gap time.Duration
		// change makes the second intent differ from the first.
		change       func(*Intent)
		wantReused   bool
		wantPrevious bool
		wantAttempt  int
	}{
		{name: "pending within window", gap: 10 * time.Second, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "stale pending within window", gap: 5 * time.Minute, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "unknown within window", outcome: &Outcome{Status: StatusUnknown}, gap: 29 * time.Minute, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "throttled", outcome: &Outcome{Status: StatusFailed, ErrorCode: "Throttling.User"}, gap: time.Minute, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "internal error", outcome: &Outcome{Status: StatusFailed, ErrorCode: "InternalError"}, gap: time.Minute, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "definite failure", outcome: &Outcome{Status: StatusFailed, ErrorCode: "InvalidParameter"}, gap: time.Minute, wantAttempt: 1},
		// A finished write repeated is a new write: never a duplicate.
		{name: "succeeded within window", outcome: &Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-1"}}, gap: time.Minute, wantAttempt: 1},
		{name: "succeeded after window", outcome: &Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-1"}}, gap: 31 * time.Minute, wantAttempt: 1},
		{name: "window boundary", outcome: &Outcome{Status: StatusSucceeded}, gap: 30 * time.Minute, wantAttempt: 1},
		{name: "unknown after window gets fresh token but previous", outcome: &Outcome{Status: StatusUnknown}, gap: 31 * time.Minute, wantPrevious: true, wantAttempt: 1},
		{name: "other actor same intent", gap: time.Minute, change: func(in *Intent) { in.Actor, in.ActorKind, in.Client = "agent", "mcp", "claude" }, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "different params", gap: time.Minute, change: func(in *Intent) { in.Params = map[string]any{"ClusterName": "other"} }, wantAttempt: 1},
		{name: "idempotency key is not part of the intent", gap: time.Minute, change: func(in *Intent) { in.IdempotencyKey = "second-cluster" }, wantReused: true, wantPrevious: true, wantAttempt: 2},
		{name: "different scope", gap: time.Minute, change: func(in *Intent) { in.Scope = "sandbox:0123456789abcdef" }, wantAttempt: 1},
		{name: "different region", gap: time.Minute, change: func(in *Intent) { in.Region = "cn-shanghai" }, wantAttempt: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			j, c := bk.openTest(t)
			first, err := j.Begin(ctx, createCluster("etl"))
			if err != nil {
				t.Fatalf("Begin 1: %v", err)
			}
			if tt.outcome != nil {
				if err := j.Finish(ctx, first.ID, *tt.outcome); err != nil {
					t.Fatalf("Finish: %v", err)
				}
			}
			c.Set(t0.Add(tt.gap))
			in := createCluster("etl")
			if tt.change != nil {
				tt.change(&in)
			}
			second, err := j.Begin(ctx, in)
			if err != nil {
				t.Fatalf("Begin 2: %v", err)
			}
			if second.ID == first.ID {
				t.Fatalf("second attempt has id %d, want a new row", second.ID)
			}
			if second.Reused != tt.wantReused || (second.Previous != nil) != tt.wantPrevious {
				t.Errorf("got Reused=%v Previous=%v, want %v %v",
					second.Reused, second.Previous != nil, tt.wantReused, tt.wantPrevious)
			}
			if sameToken := second.Token == first.Token; sameToken != tt.wantReused {
				t.Errorf("second token %s, first %s: same = %v, want %v", second.Token, first.Token, sameToken, tt.wantReused)
			}
			if tt.wantPrevious && second.Previous.ID != first.ID {
				t.Errorf("Previous.ID = %d, want %d", second.Previous.ID, first.ID)
			}
			if second.Attempt != tt.wantAttempt {
				t.Errorf("attempt = %d, want %d", second.Attempt, tt.wantAttempt)
			}
			n, err := j.Count(ctx, Filter{})
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			if n != 2 {
				t.Errorf("Count = %d, want 2 rows, one per attempt", n)
			}
		})
	}
}

// A chain of retries keeps its token only while the token's first use is
// within the window: the cloud forgets it 30 minutes after first seeing it.
func testBeginWindowCountsFromFirstUse(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	var tokens []string
	for i, gap := range []time.Duration{0, 20 * time.Minute, 35 * time.Minute} {
		c.Set(t0.Add(gap))
		a, err := j.Begin(ctx, createCluster("etl"))
		if err != nil {
			t.Fatalf("Begin %d: %v", i, err)
		}
		if err := j.Finish(ctx, a.ID, Outcome{Status: StatusUnknown}); err != nil {
			t.Fatalf("Finish %d: %v", i, err)
		}
		tokens = append(tokens, a.Token)
		if i == 2 && (a.Reused || a.Previous == nil || a.Attempt != 1) {
			t.Errorf("third attempt: Reused=%v Previous=%v attempt=%d, want fresh token, open previous, attempt 1",
				a.Reused, a.Previous != nil, a.Attempt)
		}
	}
	if tokens[1] != tokens[0] {
		t.Errorf("token at 20m = %s, want reused %s", tokens[1], tokens[0])
	}
	if tokens[2] == tokens[0] {
		t.Errorf("token at 35m = %s, want a fresh one", tokens[2])
	}
}

// A repeat of a write that succeeded is a new write with a fresh token,
// while an earlier unfinished attempt of the same intent stays open for
// reconciliation.
func testBeginAfterSuccessIsANewWrite(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	first, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := j.Finish(ctx, first.ID, Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-b933c5aac8fe4d1b"}}); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	c.Set(t0.Add(time.Minute))
	second, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if second.Reused || second.Previous != nil || second.Token == first.Token {
		t.Fatalf("after a success: Reused=%v Previous=%v token %s (first %s), want a fresh token and no previous",
			second.Reused, second.Previous, second.Token, first.Token)
	}
	// The second stays unfinished; hours later it is open and must be
	// reconciled, though its token is too old to reuse.
	c.Set(t0.Add(2 * time.Hour))
	a, err := j.Begin(ctx, createCluster("etl"))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if a.Reused || a.Previous == nil || a.Previous.ID != second.ID || a.Previous.Status != StatusUnknown {
		t.Errorf("after 2h: Reused=%v Previous=%+v, want a fresh token and the open unknown attempt %d", a.Reused, a.Previous, second.ID)
	}
}

func testBeginConcurrentHandlesShareToken(t *testing.T, bk backend) {
	ctx := context.Background()
	path := bk.location(t)
	handles := []*Journal{openAt(t, path, Options{}), openAt(t, path, Options{})}
	for round := range 10 {
		in := createCluster(fmt.Sprintf("etl-%d", round))
		var (
			wg       sync.WaitGroup
			start    = make(chan struct{})
			attempts = make([]*Attempt, len(handles))
			errs     = make([]error, len(handles))
		)
		for i, j := range handles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				attempts[i], errs[i] = j.Begin(ctx, in)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: Begin on handle %d: %v", round, i, err)
			}
		}
		a, b := attempts[0], attempts[1]
		if a.Token != b.Token {
			t.Errorf("round %d: tokens %s and %s, want one shared token", round, a.Token, b.Token)
		}
		if a.Reused == b.Reused {
			t.Errorf("round %d: Reused = %v and %v, want exactly one reuse", round, a.Reused, b.Reused)
		}
		if got := []int{a.Attempt, b.Attempt}; got[0]+got[1] != 3 {
			t.Errorf("round %d: attempt numbers %v, want 1 and 2", round, got)
		}
	}
}

func testIntentHash(t *testing.T, bk backend) {
	j, _ := bk.openTest(t)
	type params struct {
		ClusterName string `json:"ClusterName"`
		ClusterType string `json:"ClusterType"`
		PaymentType string `json:"PaymentType"`
	}
	base := createCluster("etl")
	hash := func(t *testing.T, in Intent) string {
		t.Helper()
		h, err := j.IntentHash(in)
		if err != nil {
			t.Fatalf("IntentHash: %v", err)
		}
		return h
	}
	want := hash(t, base)
	if len(want) != 64 {
		t.Fatalf("hash %q has %d characters, want 64 hex digits", want, len(want))
	}
	same := []struct {
		name   string
		change func(*Intent)
	}{
		{name: "actor", change: func(in *Intent) { in.Actor, in.ActorKind, in.Client = "bob", "cli-script", "ci" }},
		{name: "time", change: func(in *Intent) { in.Now = t0.Add(time.Hour) }},
		{name: "token kind", change: func(in *Intent) { in.TokenKind = TokenNone }},
		{name: "idempotency key", change: func(in *Intent) { in.IdempotencyKey = "k" }},
		{name: "params as struct", change: func(in *Intent) {
			in.Params = params{ClusterName: "etl", ClusterType: "DATALAKE", PaymentType: "PayAsYouGo"}
		}},
	}
	for _, tt := range same {
		t.Run("ignores "+tt.name, func(t *testing.T) {
			in := createCluster("etl")
			tt.change(&in)
			if got := hash(t, in); got != want {
				t.Errorf("hash = %s, want %s", got, want)
			}
		})
	}
	differ := []struct {
		name   string
		change func(*Intent)
	}{
		{name: "provider", change: func(in *Intent) { in.Provider = "aws" }},
		{name: "profile", change: func(in *Intent) { in.Profile = "prod" }},
		{name: "region", change: func(in *Intent) { in.Region = "cn-beijing" }},
		{name: "operation", change: func(in *Intent) { in.Operation = "CreateNodeGroup" }},
		{name: "target", change: func(in *Intent) { in.Target = "etl2" }},
		{name: "params", change: func(in *Intent) { in.Params = map[string]any{"ClusterName": "etl"} }},
		{name: "scope", change: func(in *Intent) { in.Scope = "aws:us-east-1" }},
	}
	for _, tt := range differ {
		t.Run("depends on "+tt.name, func(t *testing.T) {
			in := createCluster("etl")
			tt.change(&in)
			if got := hash(t, in); got == want {
				t.Errorf("hash = %s, want it to differ from the base intent's", got)
			}
		})
	}
}

func BenchmarkBeginFinish(b *testing.B) {
	ctx := context.Background()
	j := openAt(b, filepath.Join(b.TempDir(), "journal.db"), Options{})
	in := createCluster("etl")
	for i := 0; b.Loop(); i++ {
		in.IdempotencyKey = fmt.Sprint(i)
		a, err := j.Begin(ctx, in)
		if err != nil {
			b.Fatalf("Begin: %v", err)
		}
		if err := j.Finish(ctx, a.ID, Outcome{Status: StatusSucceeded, ResultIDs: []string{"c-1"}, RequestID: "r-1"}); err != nil {
			b.Fatalf("Finish: %v", err)
		}
	}
}
