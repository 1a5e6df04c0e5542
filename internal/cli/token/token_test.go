package token_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/session"
)

var rawToken = regexp.MustCompile(`emrctl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}`)

// env is one profile (data and config directories) on which commands run
// in process, each like a separate emrctl process.
type env struct {
	t           *testing.T
	dataDir     string
	now         time.Time
	out, errOut *bytes.Buffer
	f           *cmdutil.Factory
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dataDir: filepath.Join(dir, "data"), now: time.Now().UTC().Truncate(time.Second)}
	vars := map[string]string{"EMRCTL_DATA_DIR": e.dataDir, "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "0"}
	ios, _, out, errOut := iostreams.Test()
	e.out, e.errOut = out, errOut
	e.f = &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return vars[k] },
		Now: func() time.Time { return e.now }, OpenSession: session.Open}
	return e
}

// run runs one command line and returns its exit code; e.out and e.errOut
// hold its output.
func (e *env) run(args ...string) int {
	e.t.Helper()
	e.out.Reset()
	e.errOut.Reset()
	return cli.Run(context.Background(), e.f, args)
}

func (e *env) mustRun(args ...string) string {
	e.t.Helper()
	if code := e.run(args...); code != 0 {
		e.t.Fatalf("emrctl %s: exit %d\nstderr: %s", strings.Join(args, " "), code, e.errOut)
	}
	return e.out.String()
}

// journal opens the profile's journal, as another process would.
func (e *env) journal() *journal.Journal {
	e.t.Helper()
	j, err := journal.Open(context.Background(), filepath.Join(e.dataDir, "journal.db"), journal.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { j.Close() })
	return j
}

type listed struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	State      string     `json:"state"`
	RevokedAt  *time.Time `json:"revokedAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

func (e *env) list() []listed {
	e.t.Helper()
	var out []listed
	if err := json.Unmarshal([]byte(e.mustRun("token", "list", "-o", "json")), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestCreatePrintsTheTokenOnce(t *testing.T) {
	e := newEnv(t)
	out := e.mustRun("token", "create", "--name", "ci-deploy", "--role", "operator")
	raw := strings.TrimSpace(out)
	if !rawToken.MatchString(raw) || out != raw+"\n" {
		t.Fatalf("stdout %q, want the raw token alone on one line", out)
	}
	if got := e.errOut.String(); !strings.Contains(got, "only time the token is shown") || strings.Contains(got, raw) {
		t.Errorf("stderr %q, want the shown-once warning and no token", got)
	}

	// The printed token works: another process authenticates it.
	p, err := auth.NewSQLiteStore(e.journal()).Authenticate(context.Background(), raw)
	if err != nil {
		t.Fatalf("Authenticate(printed token) = %v", err)
	}
	if p.Name != "ci-deploy" || p.Role != auth.Operator {
		t.Errorf("principal %+v, want ci-deploy as operator", p)
	}

	secret := raw[strings.LastIndexByte(raw[:len(raw)-43], '_')+1:]
	for _, args := range [][]string{
		{"token", "list"}, {"token", "list", "-o", "wide"}, {"token", "list", "-o", "json"}, {"token", "list", "-o", "yaml"},
		{"token", "list", "-o", "csv"},
		{"audit", "list", "--events", "-o", "json"}, {"audit", "list", "--events", "-o", "wide"}, {"audit", "list", "-o", "json"},
	} {
		got := e.mustRun(args...)
		if strings.Contains(got, secret) || strings.Contains(got+e.errOut.String(), raw) {
			t.Errorf("emrctl %s shows the token:\n%s", strings.Join(args, " "), got)
		}
	}
	if got := e.list(); len(got) != 1 || got[0].Name != "ci-deploy" || got[0].State != auth.StateActive || got[0].LastUsedAt == nil {
		t.Errorf("token list = %+v, want ci-deploy active and used", got)
	}
	var evs []journal.AuditEvent
	if err := json.Unmarshal([]byte(e.mustRun("audit", "list", "--events", "--event", "token.created", "-o", "json")), &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Operation != "CreateToken" || !strings.Contains(evs[0].Detail, `"name":"ci-deploy"`) {
		t.Errorf("audit events %+v, want one token.created for ci-deploy", evs)
	}
}

func TestCreateJSON(t *testing.T) {
	e := newEnv(t)
	var got map[string]any
	if err := json.Unmarshal([]byte(e.mustRun("token", "create", "--name", "portal", "--role", "viewer", "-o", "json")), &got); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if diff := cmp.Diff([]string{"expiresAt", "id", "name", "role", "token"}, keys); diff != "" {
		t.Errorf("JSON keys (-want +got):\n%s", diff)
	}
	if tok, _ := got["token"].(string); !rawToken.MatchString(tok) || !strings.Contains(tok, got["id"].(string)) {
		t.Errorf("token %q, want a raw token carrying id %v", tok, got["id"])
	}
	// No expiry flag: 90 days.
	if want := e.now.Add(auth.DefaultTTL).Format(time.RFC3339); got["expiresAt"] != want {
		t.Errorf("expiresAt %v, want %s (90 days)", got["expiresAt"], want)
	}
}

func TestCreateExpiry(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name string
		args []string
		want time.Time
	}{
		{"expires-in", []string{"--expires-in", "720h"}, e.now.Add(720 * time.Hour)},
		{"expires-at", []string{"--expires-at", e.now.Add(48 * time.Hour).Format(time.RFC3339)}, e.now.Add(48 * time.Hour)},
		{"a-year", []string{"--expires-in", "8760h"}, e.now.Add(auth.MaxTTL)},
	} {
		var got struct{ ExpiresAt time.Time }
		args := append([]string{"token", "create", "--name", tt.name, "--role", "viewer", "-o", "json"}, tt.args...)
		if err := json.Unmarshal([]byte(e.mustRun(args...)), &got); err != nil {
			t.Fatal(err)
		}
		if !got.ExpiresAt.Equal(tt.want) {
			t.Errorf("%s: expiresAt %s, want %s", tt.name, got.ExpiresAt, tt.want)
		}
	}
}

func TestRevokeByNameAndByID(t *testing.T) {
	e := newEnv(t)
	byName := strings.TrimSpace(e.mustRun("token", "create", "--name", "bot", "--role", "operator"))
	var created struct{ ID, Token string }
	if err := json.Unmarshal([]byte(e.mustRun("token", "create", "--name", "oncall", "--role", "approver", "-o", "json")), &created); err != nil {
		t.Fatal(err)
	}
	kept := strings.TrimSpace(e.mustRun("token", "create", "--name", "viewer-1", "--role", "viewer"))

	e.mustRun("token", "revoke", "bot")
	if !strings.Contains(e.errOut.String(), "Revoked token") {
		t.Errorf("stderr %q, want the revocation confirmed", e.errOut)
	}
	var revoked listed
	if err := json.Unmarshal([]byte(e.mustRun("token", "revoke", created.ID, "-o", "json")), &revoked); err != nil {
		t.Fatal(err)
	}
	if revoked.Name != "oncall" || revoked.State != auth.StateRevoked || revoked.RevokedAt == nil {
		t.Errorf("revoke by ID printed %+v, want oncall revoked", revoked)
	}

	store := auth.NewSQLiteStore(e.journal())
	for _, raw := range []string{byName, created.Token} {
		if _, err := store.Authenticate(context.Background(), raw); err == nil {
			t.Errorf("a revoked token still authenticates")
		}
	}
	if _, err := store.Authenticate(context.Background(), kept); err != nil {
		t.Errorf("the token not revoked fails: %v", err)
	}
	states := map[string]string{}
	for _, l := range e.list() {
		states[l.Name] = l.State
	}
	if diff := cmp.Diff(map[string]string{"bot": "revoked", "oncall": "revoked", "viewer-1": "active"}, states); diff != "" {
		t.Errorf("listed states (-want +got):\n%s", diff)
	}

	// Again: nothing changes, and that is not an error.
	if code := e.run("token", "revoke", "bot"); code != 0 || !strings.Contains(e.errOut.String(), "already revoked") {
		t.Errorf("revoke twice: exit %d, stderr %q; want 0 and 'already revoked'", code, e.errOut)
	}
	if code := e.run("token", "revoke", "nobody"); code != cmdutil.ExitUsage || !strings.Contains(e.errOut.String(), "token list") {
		t.Errorf("revoke unknown: exit %d, stderr %q; want %d and a pointer to 'token list'", code, e.errOut, cmdutil.ExitUsage)
	}
	var evs []journal.AuditEvent
	if err := json.Unmarshal([]byte(e.mustRun("audit", "list", "--events", "--event", "token.revoked", "-o", "json")), &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Errorf("%d token.revoked audit events, want 2 (none for the repeat)", len(evs))
	}
}

func TestCreateBadInput(t *testing.T) {
	e := newEnv(t)
	e.mustRun("token", "create", "--name", "taken", "--role", "viewer")
	now := e.now
	for _, tt := range []struct {
		name string
		args []string
		want []string // in stderr: the flag, the problem, the fix
	}{
		{"no name", []string{"--role", "viewer"}, []string{"--name", "needs a name", "e.g. --name"}},
		{"name with a space", []string{"--name", "ci deploy", "--role", "viewer"}, []string{"--name", `' '`, "letters, digits"}},
		{"name with a control character", []string{"--name", "ci\x1b[2J", "--role", "viewer"}, []string{"--name", `\x1b`, "letters, digits"}},
		{"reserved name", []string{"--name", "unknown", "--role", "viewer"}, []string{"--name", "emrctl records", "choose a name"}},
		{"name too long", []string{"--name", strings.Repeat("n", 65), "--role", "viewer"}, []string{"--name", "65 characters", "1-64"}},
		{"live name taken", []string{"--name", "taken", "--role", "viewer"}, []string{"--name", "already has this name", "token revoke taken"}},
		{"no role", []string{"--name", "ci"}, []string{"--role", "needs a role", "--role viewer"}},
		{"bad role", []string{"--name", "ci", "--role", "admin"}, []string{"--role", `"admin"`, "viewer", "operator", "approver"}},
		{"zero lifetime", []string{"--name", "ci", "--role", "viewer", "--expires-in", "0s"}, []string{"--expires-in", "not in the future", "720h"}},
		{"negative lifetime", []string{"--name", "ci", "--role", "viewer", "--expires-in", "-1h"}, []string{"--expires-in", "not in the future"}},
		{"over a year", []string{"--name", "ci", "--role", "viewer", "--expires-in", "8761h"}, []string{"--expires-in", "longer than a year", "8760h"}},
		{"not a duration", []string{"--name", "ci", "--role", "viewer", "--expires-in", "90d"}, []string{"--expires-in", "90d"}},
		{"expires-at not RFC 3339", []string{"--name", "ci", "--role", "viewer", "--expires-at", "tomorrow"}, []string{"--expires-at", `"tomorrow"`, "2027-01-31T00:00:00Z"}},
		{"expires-at past", []string{"--name", "ci", "--role", "viewer", "--expires-at", now.Add(-time.Minute).Format(time.RFC3339)}, []string{"--expires-at", "not in the future", "later"}},
		{"expires-at beyond a year", []string{"--name", "ci", "--role", "viewer", "--expires-at", now.Add(auth.MaxTTL + time.Hour).Format(time.RFC3339)}, []string{"--expires-at", "more than a year"}},
		{"both expiries", []string{"--name", "ci", "--role", "viewer", "--expires-in", "1h", "--expires-at", now.Add(time.Hour).Format(time.RFC3339)}, []string{"--expires-in", "--expires-at", "only one"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code := e.run(append([]string{"token", "create"}, tt.args...)...)
			if code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, cmdutil.ExitUsage, e.errOut)
			}
			if e.out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", e.out)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.errOut.String(), w) {
					t.Errorf("stderr %q does not mention %q", e.errOut, w)
				}
			}
		})
	}
	if got := e.list(); len(got) != 1 {
		t.Errorf("%d tokens after refused creates, want only the first", len(got))
	}
}
