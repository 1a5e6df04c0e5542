package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// sparkWS is the Serverless Spark workspace the sandbox seeds.
const sparkWS = "w-sandbox000000001"

// bed is the REST API on a real listener, over an engine on the
// in-process emulator with a real journal, with one token per role.
type bed struct {
	t       *testing.T
	emu     *emulator.Server
	eng     *engine.Engine
	secrets *redact.Registry
	url     string
	tokens  map[auth.Role]string
	logs    *syncBuffer
	// srv is the REST server; approvals its queue, on clock.
	srv       *Server
	approvals *approval.Store
	clock     *testClock
	// approver2 is a second approver's token (racing decisions).
	approver2 string
	// store holds the tokens.
	store *auth.MemoryStore
}

// testClock is the approval queue's settable clock.
type testClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
}

type bedOptions struct {
	limiter   RateLimiter
	auth      Authenticator
	cursorKey []byte
}

func newBed(t *testing.T, o bedOptions) *bed {
	t.Helper()
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
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"), journal.Options{Registry: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	eng, err := engine.New(engine.Options{
		Profile: "sandbox", Provider: aliyun.New(c), Scope: "sandbox:test", Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: policy.Default(), Secrets: secrets, Backoff: func(int) time.Duration { return time.Millisecond },
		OwnBuckets: []string{"emrctl-sandbox-spark"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &bed{t: t, emu: emu, eng: eng, secrets: secrets, tokens: map[auth.Role]string{}, logs: &syncBuffer{}}
	b.serve(j, o)
	return b
}

// serve starts the REST API over b's engine, with a token per role and
// an approval queue in journal j.
func (b *bed) serve(j *journal.Journal, o bedOptions) {
	t := b.t
	t.Helper()
	var err error
	store := auth.NewMemoryStore()
	b.store = store
	for _, r := range allRoles {
		raw, _, err := store.Create(context.Background(), "ci-"+string(r), r, time.Hour, "test")
		if err != nil {
			t.Fatal(err)
		}
		b.tokens[r] = raw
	}
	if b.approver2, _, err = store.Create(context.Background(), "ci-approver-2", auth.Approver, time.Hour, "test"); err != nil {
		t.Fatal(err)
	}
	sealer, err := approval.NewSealer(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	b.clock = &testClock{}
	b.approvals = approval.NewStore(j.DB(), sealer, time.Hour, b.clock.now)
	if o.auth == nil {
		o.auth = store
	}
	h, err := New(Options{Engine: b.eng, Auth: o.auth, Limiter: o.limiter, Secrets: b.secrets,
		Logger: slog.New(slog.NewJSONHandler(b.logs, nil)), Approvals: b.approvals, UploadDir: t.TempDir(), CursorKey: o.cursorKey})
	if err != nil {
		t.Fatal(err)
	}
	b.srv = h
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b.url = srv.URL
}

// bearer is the client's security source: one raw token.
type bearer string

func (b bearer) BearerAuth(ctx context.Context, op oas.OperationName) (oas.BearerAuth, error) {
	return oas.BearerAuth{Token: string(b)}, nil
}

// noAuthorization removes the Authorization header the generated client
// always sends, to test requests without a token.
type noAuthorization struct{}

func (noAuthorization) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Authorization")
	return http.DefaultTransport.RoundTrip(r)
}

// client returns the generated client with the token of role.
func (b *bed) client(role auth.Role) *oas.Client {
	b.t.Helper()
	return b.clientWith(bearer(b.tokens[role]))
}

func (b *bed) clientWith(src oas.SecuritySource, opts ...oas.ClientOption) *oas.Client {
	b.t.Helper()
	c, err := oas.NewClient(b.url, src, opts...)
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}

// get sends a raw GET with the token of role ("" for none).
func (b *bed) get(path string, role auth.Role) (*http.Response, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.url+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+b.tokens[role])
	}
	return do(b.t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp, buf.Bytes()
}

// yesConfirmer approves the test's own setup writes.
type yesConfirmer struct{}

func (yesConfirmer) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true, CostAck: true, ZeroAck: true}, nil
}

func setupCall() engine.Call {
	return engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test-setup"}, Confirm: yesConfirmer{}}
}

// createCluster creates the example dev cluster named name and waits for it.
func (b *bed) createCluster(name string) string {
	b.t.Helper()
	ctx := context.Background()
	raw, err := readExample("dev-cluster.yaml")
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
	return res.ClusterID
}

// submitSparkRun runs the SparkPi example in the seeded workspace to its
// end and returns the run's ID.
func (b *bed) submitSparkRun(name string) string {
	b.t.Helper()
	ctx := context.Background()
	res, err := b.eng.SubmitSparkJob(ctx, setupCall(), sparkWS, provider.SparkJobRunInput{Name: name, CodeType: provider.SparkCodeJAR,
		Queue: "root_queue", EntryPoint: "oss://emrctl-sandbox-spark/jars/spark-examples.jar", MainClass: "org.apache.spark.examples.SparkPi"})
	if err != nil {
		b.t.Fatalf("submit %s: %v", name, err)
	}
	if _, err := b.eng.WaitSparkJobRun(ctx, sparkWS, res.ID, engine.WaitOptions{}); err != nil {
		b.t.Fatalf("wait %s: %v", name, err)
	}
	return res.ID
}

// problemOf returns the problem a generated client call failed with.
func problemOf(t *testing.T, err error) oas.Problem {
	t.Helper()
	var ps *oas.ProblemStatusCode
	if !errors.As(err, &ps) {
		t.Fatalf("got error %v (%T), want a problem", err, err)
	}
	return ps.Response
}

// decodeProblem parses a raw problem+json body.
func decodeProblem(t *testing.T, resp *http.Response, body []byte) oas.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type: got %q, want application/problem+json", ct)
	}
	var p oas.Problem
	if err := p.UnmarshalJSON(body); err != nil {
		t.Fatalf("body is not a problem: %v: %s", err, body)
	}
	if p.Status != resp.StatusCode {
		t.Errorf("problem status %d, HTTP status %d: want them equal", p.Status, resp.StatusCode)
	}
	return p
}

// syncBuffer is a buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// lines returns the JSON log lines written so far.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(s.buf.Bytes()))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		out = append(out, m)
	}
	return out
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// allRoles are the token roles.
var allRoles = []auth.Role{auth.Viewer, auth.Operator, auth.Approver}
