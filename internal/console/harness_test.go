package console

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/rest"
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// bed is the console on a real listener, over an engine on the
// in-process emulator, a real journal with its approval queue, and one
// token per role.
type bed struct {
	t         *testing.T
	emu       *emulator.Server
	prov      *aliyun.Provider
	eng       *engine.Engine
	journal   *journal.Journal
	approvals *approval.Store
	tokens    *auth.MemoryStore
	raw       map[auth.Role]string
	clock     *clock
	console   *Console
	rest      *rest.Server
	url       string
	transport http.RoundTripper // nil: the default
	logs      *syncBuffer
}

type bedOptions struct {
	limiter *auth.Limiter
	// tighten changes the policy's limits.
	tighten func(*policy.Limits)
	// tls serves the console over HTTPS.
	tls bool
}

// clock is a settable clock for session expiry; it starts at the real
// time so journal and emulator times stay plausible.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func newBed(t *testing.T, o bedOptions) *bed {
	t.Helper()
	ctx := context.Background()
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: emu.Transport(), ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	secrets := redact.NewRegistry(secret)
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"), journal.Options{Registry: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	// Scale-outs of more than one node wait for an approver, so a test
	// reaches the queue with a small write.
	pol := policy.Default()
	pol.Limits.IncreaseConfirmAbove = 1
	if o.tighten != nil {
		o.tighten(&pol.Limits)
	}
	prov := aliyun.New(c)
	eng, err := engine.New(engine.Options{
		Profile: "sandbox", Provider: prov, Scope: "sandbox:test", Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: pol, Secrets: secrets, Backoff: func(int) time.Duration { return time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := approval.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{}
	b := &bed{
		t: t, emu: emu, prov: prov, eng: eng, journal: j, approvals: approval.NewStore(j.DB(), sealer, time.Hour, nil),
		tokens: auth.NewMemoryStore(auth.WithClock(clk.now)), raw: map[auth.Role]string{}, clock: clk, logs: &syncBuffer{},
	}
	for _, r := range []auth.Role{auth.Viewer, auth.Operator, auth.Approver} {
		raw, _, err := b.tokens.Create(ctx, "alice-"+string(r), r, 24*time.Hour, "test")
		if err != nil {
			t.Fatal(err)
		}
		b.raw[r] = raw
	}
	// The REST layer queues the writes and runs the approved ones, as in
	// 'emrctl serve --rest --console'.
	b.rest, err = rest.New(rest.Options{Engine: eng, Auth: b.tokens, Approvals: b.approvals, Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	b.console, err = New(Options{
		Engine: eng, Tokens: b.tokens, Approvals: b.approvals, Journal: j, Decide: b.rest.Decide,
		Logger: slog.New(slog.NewJSONHandler(b.logs, nil)), Now: clk.now, LoginLimiter: o.limiter,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(Prefix+"/", b.console)
	mux.Handle(Prefix, b.console)
	mux.Handle("/v1/", b.rest)
	srv := httptest.NewUnstartedServer(mux)
	if o.tls {
		srv.StartTLS()
		b.transport = srv.Client().Transport
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	b.url = srv.URL
	return b
}

// yesConfirmer approves the test's own setup writes.
type yesConfirmer struct{}

func (yesConfirmer) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true, CostAck: true, ZeroAck: true}, nil
}

func setupCall() engine.Call {
	return engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test-setup"}, Confirm: yesConfirmer{}}
}

// fixture is a cluster the tests look at.
type fixture struct {
	clusterID string
	core      string
}

// createCluster creates the example dev cluster named name and waits for it.
func (b *bed) createCluster(name string) fixture {
	b.t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "dev-cluster.yaml"))
	if err != nil {
		b.t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		b.t.Fatal(err)
	}
	c.Name = name
	res, err := b.eng.CreateCluster(ctx, setupCall(), engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		b.t.Fatalf("create cluster: %v", err)
	}
	if _, err := b.eng.WaitCluster(ctx, res.ClusterID, engine.WaitOptions{Timeout: 10 * time.Second}); err != nil {
		b.t.Fatalf("wait cluster: %v", err)
	}
	f := fixture{clusterID: res.ClusterID}
	groups, err := b.eng.ListNodeGroups(ctx, f.clusterID, provider.NodeGroupFilter{})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, g := range groups {
		if g.Role == "CORE" {
			f.core = g.ID
		}
	}
	if f.core == "" {
		b.t.Fatalf("cluster %s has no CORE group", f.clusterID)
	}
	return f
}

// rename gives a cluster a name in the cloud that emrctl would never
// accept: another actor renamed it.
func (b *bed) rename(clusterID, name string) {
	b.t.Helper()
	if _, err := b.prov.UpdateClusterAttributes(context.Background(), clusterID, provider.ClusterAttributes{Name: name}); err != nil {
		b.t.Fatalf("rename cluster: %v", err)
	}
}

// askScaleOut asks, as a service, to add count nodes to the CORE group:
// a write the policy sends to an approver. It returns the pending
// approval.
func (b *bed) askScaleOut(f fixture, count int) *approval.Approval {
	b.t.Helper()
	c, err := oas.NewClient(b.url, bearer(b.raw[auth.Operator]), oas.WithClient(b.httpClient()))
	if err != nil {
		b.t.Fatal(err)
	}
	res, err := c.ScaleOut(context.Background(), &oas.ScaleOutRequest{Count: count}, oas.ScaleOutParams{ClusterId: f.clusterID, NodeGroupId: f.core})
	q, ok := res.(*oas.WriteQueuedHeaders)
	if err != nil || !ok {
		b.t.Fatalf("POST scale-out as an operator: got %T %+v, %v; want 202 with an approval", res, res, err)
	}
	a, err := b.approvals.Get(context.Background(), q.Response.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return a
}

// bearer is the operator token the generated client sends.
type bearer string

func (t bearer) BearerAuth(context.Context, oas.OperationName) (oas.BearerAuth, error) {
	return oas.BearerAuth{Token: string(t)}, nil
}

func (b *bed) httpClient() *http.Client {
	if b.transport != nil {
		return &http.Client{Transport: b.transport}
	}
	return http.DefaultClient
}

// groupSize is the number of running nodes of a group.
func (b *bed) groupSize(f fixture) int {
	b.t.Helper()
	groups, err := b.eng.ListNodeGroups(context.Background(), f.clusterID, provider.NodeGroupFilter{IDs: []string{f.core}})
	if err != nil || len(groups) != 1 {
		b.t.Fatalf("read the CORE group: %v (%d groups)", err, len(groups))
	}
	return groups[0].RunningNodes
}

// browser is an HTTP client with a cookie jar: a person's browser,
// without JavaScript.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (b *bed) browser() *browser {
	b.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return &browser{t: b.t, base: b.url, c: &http.Client{
		Jar: jar, Transport: b.transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// page is one answer of the console.
type page struct {
	status int
	header http.Header
	body   string
}

func (p page) location() string { return p.header.Get("Location") }

// do sends req and reads the whole answer.
func (br *browser) do(req *http.Request) page {
	br.t.Helper()
	resp, err := br.c.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		br.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (br *browser) get(path string) page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodGet, br.base+path, nil)
	if err != nil {
		br.t.Fatal(err)
	}
	return br.do(req)
}

// post sends a form; header adds headers such as Origin.
func (br *browser) post(path string, form url.Values, header map[string]string) page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodPost, br.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		br.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return br.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the forms of a page.
func (br *browser) csrf(p page) string {
	br.t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		br.t.Fatalf("no CSRF field on the page:\n%s", p.body)
	}
	return m[1]
}

// login fills in the login form with token and returns the answer.
func (br *browser) login(token string) page {
	br.t.Helper()
	form := br.get(Prefix + "/login")
	if form.status != http.StatusOK {
		br.t.Fatalf("GET login: status %d", form.status)
	}
	return br.post(Prefix+"/login", url.Values{"csrf": {br.csrf(form)}, "token": {token}}, nil)
}

// mustLogin logs in and fails the test unless it worked.
func (br *browser) mustLogin(token string) {
	br.t.Helper()
	if p := br.login(token); p.status != http.StatusSeeOther || p.location() != Prefix+"/" {
		br.t.Fatalf("login: got status %d to %q, want 303 to %s/\n%s", p.status, p.location(), Prefix, p.body)
	}
}

// postForm fetches from (for its CSRF token) and posts form to path.
func (br *browser) postForm(from, path string, form url.Values) page {
	br.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", br.csrf(br.get(from)))
	return br.post(path, form, nil)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
