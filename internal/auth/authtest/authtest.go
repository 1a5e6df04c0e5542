// Package authtest is the conformance suite every auth.Store passes: the
// memory store, the SQLite store in the journal, and any later one (a
// PostgreSQL store) run the same tests.
package authtest

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/auth"
)

// Clock is a settable clock for stores under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Open makes an empty store reading the time from now.
type Open func(t *testing.T, now func() time.Time) auth.Store

var rawFormat = regexp.MustCompile(`^emrctl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$`)

// Run runs the suite against stores made by open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(t *testing.T, s auth.Store, c *Clock)
	}{
		{"CreateAndAuthenticate", testCreateAndAuthenticate},
		{"BadTokensAreOneError", testBadTokens},
		{"Expired", testExpired},
		{"Revoke", testRevoke},
		{"NamesUniqueAmongLive", testNamesUniqueAmongLive},
		{"InvalidInput", testInvalidInput},
		{"LastUsedTouchedOncePerMinute", testLastUsed},
		{"ListHidesSecrets", testListHidesSecrets},
		{"ConcurrentAuthenticateAndRevoke", testConcurrentRevoke},
		{"TimesToTheSecond", testTimesToTheSecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			tt.run(t, open(t, c.Now), c)
		})
	}
}

func mustCreate(t *testing.T, s auth.Store, name string, role auth.Role, ttl time.Duration) (string, *auth.Token) {
	t.Helper()
	raw, tok, err := s.Create(context.Background(), name, role, ttl, "ana")
	if err != nil {
		t.Fatalf("Create(%q, %s, %s) = %v", name, role, ttl, err)
	}
	return raw, tok
}

func wantUnauthenticated(t *testing.T, s auth.Store, raw, why string) {
	t.Helper()
	p, err := s.Authenticate(context.Background(), raw)
	if !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("Authenticate(%s) = %+v, %v; want ErrUnauthenticated", why, p, err)
	}
}

func testCreateAndAuthenticate(t *testing.T, s auth.Store, c *Clock) {
	ctx := context.Background()
	raw, tok, err := s.Create(ctx, "ci-deploy", auth.Operator, 720*time.Hour, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if !rawFormat.MatchString(raw) {
		t.Errorf("raw token %q, want emrctl_<16 hex>_<43 base64url>", raw)
	}
	if !strings.Contains(raw, tok.ID) {
		t.Errorf("raw token does not carry its ID %q", tok.ID)
	}
	now := c.Now()
	want := &auth.Token{ID: tok.ID, Name: "ci-deploy", Role: auth.Operator, CreatedAt: now, ExpiresAt: now.Add(720 * time.Hour), CreatedBy: "ana"}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("Create token (-want +got):\n%s", diff)
	}
	p, err := s.Authenticate(ctx, raw)
	if err != nil {
		t.Fatalf("Authenticate(fresh token) = %v", err)
	}
	if diff := cmp.Diff(&auth.Principal{TokenID: tok.ID, Name: "ci-deploy", Role: auth.Operator}, p); diff != "" {
		t.Errorf("principal (-want +got):\n%s", diff)
	}
	raw2, _ := mustCreate(t, s, "viewer-bot", auth.Viewer, time.Hour)
	if raw2 == raw {
		t.Errorf("two tokens share the raw value %q", raw)
	}
}

func testBadTokens(t *testing.T, s auth.Store, c *Clock) {
	raw, tok := mustCreate(t, s, "ci", auth.Viewer, time.Hour)
	other, _ := mustCreate(t, s, "other", auth.Viewer, time.Hour)
	secret := raw[len(auth.Prefix)+len(tok.ID)+1:]
	flipped := []byte(raw)
	last := len(flipped) - 1
	if flipped[last] == 'A' {
		flipped[last] = 'B'
	} else {
		flipped[last] = 'A'
	}
	for _, tt := range []struct{ why, raw string }{
		{"empty", ""},
		{"garbage", "hunter2"},
		{"bearer scheme left on", "Bearer " + raw},
		{"trailing newline", raw + "\n"},
		{"one character short", raw[:len(raw)-1]},
		{"one character more", raw + "x"},
		{"wrong secret", string(flipped)},
		{"unknown id", auth.Prefix + "0123456789abcdef_" + secret},
		{"another token's secret", raw[:len(auth.Prefix)+len(tok.ID)+1] + other[len(other)-len(secret):]},
		{"upper-case id", auth.Prefix + strings.ToUpper(tok.ID) + "_" + secret},
		{"other prefix", "emrctx_" + raw[len(auth.Prefix):]},
		{"secret not base64url", raw[:len(raw)-1] + "="},
	} {
		wantUnauthenticated(t, s, tt.raw, tt.why)
	}
	if _, err := s.Authenticate(context.Background(), raw); err != nil {
		t.Errorf("Authenticate(good token) after bad ones = %v", err)
	}
}

func testExpired(t *testing.T, s auth.Store, c *Clock) {
	raw, tok := mustCreate(t, s, "short", auth.Approver, time.Hour)
	c.Advance(time.Hour - time.Second)
	if _, err := s.Authenticate(context.Background(), raw); err != nil {
		t.Fatalf("Authenticate 1s before expiry = %v", err)
	}
	c.Advance(time.Second)
	wantUnauthenticated(t, s, raw, "expired")
	got := findToken(t, s, tok.ID)
	if st := got.State(c.Now()); st != auth.StateExpired {
		t.Errorf("listed state %q, want %q (expired tokens stay listed)", st, auth.StateExpired)
	}
}

func testRevoke(t *testing.T, s auth.Store, c *Clock) {
	ctx := context.Background()
	byName, _ := mustCreate(t, s, "by-name", auth.Operator, time.Hour)
	byID, idTok := mustCreate(t, s, "by-id", auth.Operator, time.Hour)
	kept, _ := mustCreate(t, s, "kept", auth.Operator, time.Hour)
	c.Advance(time.Second)
	for _, ref := range []string{"by-name", idTok.ID} {
		got, err := s.Revoke(ctx, ref)
		if err != nil {
			t.Fatalf("Revoke(%q) = %v", ref, err)
		}
		if got.RevokedAt == nil || !got.RevokedAt.Equal(c.Now()) {
			t.Errorf("Revoke(%q).RevokedAt = %v, want %v", ref, got.RevokedAt, c.Now())
		}
	}
	wantUnauthenticated(t, s, byName, "revoked by name")
	wantUnauthenticated(t, s, byID, "revoked by id")
	if _, err := s.Authenticate(ctx, kept); err != nil {
		t.Errorf("Authenticate(token not revoked) = %v", err)
	}
	if _, err := s.Revoke(ctx, "by-name"); !errors.Is(err, auth.ErrAlreadyRevoked) {
		t.Errorf("Revoke twice = %v, want ErrAlreadyRevoked", err)
	}
	if _, err := s.Revoke(ctx, "nobody"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("Revoke(unknown) = %v, want ErrNotFound", err)
	}
	// Whoever holds a token can revoke it with the token itself; the
	// secret is never quoted back.
	got, err := s.Revoke(ctx, kept)
	if err != nil || got.Name != "kept" {
		t.Fatalf("Revoke(raw token) = %+v, %v; want kept revoked", got, err)
	}
	wantUnauthenticated(t, s, kept, "revoked by its raw token")
	unknown := auth.Prefix + "0123456789abcdef" + kept[len(kept)-44:]
	if _, err := s.Revoke(ctx, unknown); !errors.Is(err, auth.ErrNotFound) || strings.Contains(err.Error(), unknown[len(unknown)-43:]) {
		t.Errorf("Revoke(unknown raw token) = %v, want ErrNotFound without the secret", err)
	}
	if st := findToken(t, s, idTok.ID).State(c.Now()); st != auth.StateRevoked {
		t.Errorf("listed state %q, want %q (revoked tokens stay listed)", st, auth.StateRevoked)
	}
}

func testNamesUniqueAmongLive(t *testing.T, s auth.Store, c *Clock) {
	ctx := context.Background()
	mustCreate(t, s, "ci", auth.Viewer, time.Hour)
	if _, _, err := s.Create(ctx, "ci", auth.Operator, time.Hour, "ana"); !errors.Is(err, auth.ErrNameTaken) {
		t.Fatalf("Create(live name again) = %v, want ErrNameTaken", err)
	}
	if _, err := s.Revoke(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	second, tok2 := mustCreate(t, s, "ci", auth.Viewer, time.Hour)
	c.Advance(time.Hour)
	third, tok3 := mustCreate(t, s, "ci", auth.Viewer, time.Hour) // the second expired
	// By name, Revoke means the live token, not the expired one.
	got, err := s.Revoke(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok3.ID {
		t.Errorf("Revoke(\"ci\") revoked %s, want the live token %s (not the expired %s)", got.ID, tok3.ID, tok2.ID)
	}
	wantUnauthenticated(t, s, third, "revoked")
	wantUnauthenticated(t, s, second, "expired")
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Errorf("List has %d tokens, want 3 (revoked and expired ones stay)", len(list))
	}
	mustCreate(t, s, "same-second-1", auth.Viewer, time.Hour)
	mustCreate(t, s, "same-second-2", auth.Viewer, time.Hour)
	if list, err = s.List(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tok := range list {
		names = append(names, tok.Name)
	}
	if diff := cmp.Diff([]string{"ci", "ci", "ci", "same-second-1", "same-second-2"}, names); diff != "" {
		t.Errorf("List order (-want +got), want oldest first, in creation order within a second:\n%s", diff)
	}
}

func testInvalidInput(t *testing.T, s auth.Store, c *Clock) {
	for _, tt := range []struct {
		why       string
		name      string
		role      auth.Role
		ttl       time.Duration
		wantField string
	}{
		{"empty name", "", auth.Viewer, time.Hour, "--name"},
		{"too long", strings.Repeat("a", 65), auth.Viewer, time.Hour, "--name"},
		{"space", "ci deploy", auth.Viewer, time.Hour, "--name"},
		{"control character", "ci\x1b[31m", auth.Viewer, time.Hour, "--name"},
		{"newline", "ci\nadmin", auth.Viewer, time.Hour, "--name"},
		{"non-ASCII look-alike", "аna", auth.Viewer, time.Hour, "--name"},
		{"reserved actor", "Unknown", auth.Viewer, time.Hour, "--name"},
		{"shaped like an ID", "0123456789abcdef", auth.Viewer, time.Hour, "--name"},
		{"shaped like an ID, upper case", "0123456789ABCDEF", auth.Viewer, time.Hour, "--name"},
		{"shaped like a token", "emrctl_x", auth.Viewer, time.Hour, "--name"},
		{"unknown role", "ci", auth.Role("admin"), time.Hour, "--role"},
		{"empty role", "ci", auth.Role(""), time.Hour, "--role"},
		{"zero lifetime", "ci", auth.Viewer, 0, "--expires-in"},
		{"negative lifetime", "ci", auth.Viewer, -time.Hour, "--expires-in"},
		{"over a year", "ci", auth.Viewer, auth.MaxTTL + time.Second, "--expires-in"},
	} {
		_, _, err := s.Create(context.Background(), tt.name, tt.role, tt.ttl, "ana")
		var ie *auth.InputError
		if !errors.As(err, &ie) || ie.Field != tt.wantField {
			t.Errorf("Create(%s) = %v, want an InputError for %s", tt.why, err, tt.wantField)
		}
	}
	if list, err := s.List(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("List after refused creates = %d tokens, %v; want none", len(list), err)
	}
	for _, name := range []string{"a", strings.Repeat("z", 64), "ci.deploy_2-x", "0123456789abcdeg"} {
		if _, _, err := s.Create(context.Background(), name, auth.Viewer, auth.MaxTTL, "ana"); err != nil {
			t.Errorf("Create(%q, a year) = %v, want it accepted", name, err)
		}
	}
}

func testLastUsed(t *testing.T, s auth.Store, c *Clock) {
	ctx := context.Background()
	raw, tok := mustCreate(t, s, "ci", auth.Viewer, time.Hour)
	if got := findToken(t, s, tok.ID).LastUsedAt; got != nil {
		t.Errorf("LastUsedAt before use = %v, want none", got)
	}
	first := c.Now()
	steps := []struct {
		advance time.Duration
		want    time.Time
	}{
		{0, first},
		{30 * time.Second, first},             // within the minute: no write
		{29 * time.Second, first},             // still within
		{time.Second, first.Add(time.Minute)}, // a minute on: touched
	}
	for i, st := range steps {
		c.Advance(st.advance)
		if _, err := s.Authenticate(ctx, raw); err != nil {
			t.Fatal(err)
		}
		got := findToken(t, s, tok.ID).LastUsedAt
		if got == nil || !got.Equal(st.want) {
			t.Errorf("step %d: LastUsedAt = %v, want %v", i, got, st.want)
		}
	}
}

func testListHidesSecrets(t *testing.T, s auth.Store, c *Clock) {
	raw, tok := mustCreate(t, s, "ci", auth.Operator, time.Hour)
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	secret := raw[len(auth.Prefix)+len(tok.ID)+1:]
	if strings.Contains(string(b), secret) {
		t.Errorf("List JSON %s holds the secret", b)
	}
	if !strings.Contains(string(b), tok.ID) {
		t.Errorf("List JSON %s lacks the token ID %s", b, tok.ID)
	}
}

// testConcurrentRevoke authenticates from many goroutines while the token
// is revoked: once Revoke has returned, no Authenticate that starts later
// may succeed. Run with -race.
func testConcurrentRevoke(t *testing.T, s auth.Store, c *Clock) {
	ctx := context.Background()
	raw, _ := mustCreate(t, s, "busy", auth.Operator, time.Hour)
	var revoked atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range 40 {
				after := revoked.Load()
				_, err := s.Authenticate(ctx, raw)
				if after && err == nil {
					errs <- errors.New("Authenticate succeeded after Revoke returned")
					return
				}
				if err != nil && !errors.Is(err, auth.ErrUnauthenticated) {
					errs <- err
					return
				}
			}
		}()
	}
	close(start)
	c.Advance(auth.TouchEvery) // some Authenticate calls write last-used meanwhile
	if _, err := s.Revoke(ctx, "busy"); err != nil {
		t.Fatal(err)
	}
	revoked.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantUnauthenticated(t, s, raw, "revoked under load")
}

// testTimesToTheSecond: a caller that computed ttl from an expiry time a
// moment before the store read its clock still gets that expiry exactly.
func testTimesToTheSecond(t *testing.T, s auth.Store, c *Clock) {
	start := c.Now()
	c.Advance(300 * time.Millisecond)
	_, tok := mustCreate(t, s, "ci", auth.Viewer, time.Hour-200*time.Millisecond)
	if want := start.Add(time.Hour); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt %s, want %s", tok.ExpiresAt, want)
	}
	got := findToken(t, s, tok.ID)
	if !got.CreatedAt.Equal(start) || !got.ExpiresAt.Equal(start.Add(time.Hour)) {
		t.Errorf("listed created %s, expires %s; want %s, %s", got.CreatedAt, got.ExpiresAt, start, start.Add(time.Hour))
	}
}

func findToken(t *testing.T, s auth.Store, id string) auth.Token {
	t.Helper()
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range list {
		if tok.ID == id {
			return tok
		}
	}
	t.Fatalf("token %s not listed", id)
	return auth.Token{}
}
