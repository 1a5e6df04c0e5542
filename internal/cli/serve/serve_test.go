package serve

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	mcpsdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

// sandboxEnv is an environment with fresh emrctl directories and the
// instant sandbox.
func sandboxEnv(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	return map[string]string{
		"HOME": dir, "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_DATA_DIR": filepath.Join(dir, "data"),
		"EMRCTL_SANDBOX_SPEED": "0",
	}
}

// syncBuffer is a buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testFactory(t *testing.T, errOut io.Writer) *cmdutil.Factory {
	t.Helper()
	env := sandboxEnv(t)
	ios, _, _, _ := iostreams.Test()
	ios.In, ios.Out, ios.ErrOut = strings.NewReader(""), io.Discard, errOut
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr        string
		allowRemote bool
		mcp         bool
		wantErr     string
	}{
		{addr: "127.0.0.1:8765"},
		{addr: "127.0.0.2:1"},
		{addr: "[::1]:8765"},
		{addr: "localhost:8765"},
		{addr: "0.0.0.0:8765", mcp: true, wantErr: "no authentication"},
		{addr: "0.0.0.0:8765", wantErr: "--tls-cert"},
		{addr: ":8765", mcp: true, wantErr: "every interface"},
		{addr: "192.168.1.5:80", wantErr: "not on loopback"},
		{addr: "mcp.example.com:443", mcp: true, wantErr: "not on loopback"},
		{addr: "0.0.0.0:8765", allowRemote: true, mcp: true},
		{addr: "0.0.0.0:8765", allowRemote: true},
		{addr: "8765", wantErr: "host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkListen(tt.addr, tt.allowRemote, tt.mcp)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("got %v, want no error", err)
				}
				return
			}
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want a flag error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantRun bool
		wantErr string
	}{
		{name: "nothing", args: nil, wantErr: "nothing to serve"},
		{name: "console", args: []string{"--console"}, wantRun: true},
		{name: "console with rest", args: []string{"--rest", "--console"}, wantRun: true},
		{name: "no approval time", args: []string{"--rest", "--approval-ttl", "0s"}, wantErr: "--approval-ttl"},
		{name: "no approval wait", args: []string{"--mcp", "--approvals", "--approval-wait", "0s"}, wantErr: "--approval-wait"},
		{name: "remote MCP refused", args: []string{"--mcp", "--listen", "0.0.0.0:9000"}, wantErr: "--allow-remote"},
		{name: "remote REST refused", args: []string{"--rest", "--listen", "0.0.0.0:9000"}, wantErr: "--allow-remote"},
		{name: "remote allowed", args: []string{"--rest", "--mcp", "--listen", "0.0.0.0:9000", "--allow-remote"}, wantRun: true},
		{name: "cert without key", args: []string{"--rest", "--tls-cert", "c.pem"}, wantErr: "--tls-key"},
		{name: "no shutdown time", args: []string{"--rest", "--shutdown-timeout", "0s"}, wantErr: "--shutdown-timeout"},
		{name: "bad burst", args: []string{"--rest", "--rate-burst", "0"}, wantErr: "--rate-burst"},
		{name: "rest", args: []string{"--rest"}, wantRun: true},
		{name: "mcp", args: []string{"--mcp"}, wantRun: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFactory(t, io.Discard)
			var got *options
			cmd := newCmd(f, func(_ context.Context, o *options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want a flag error containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Errorf("got %v, want no error", err)
			}
			if (got != nil) != tt.wantRun {
				t.Errorf("ran: got %v, want %v", got != nil, tt.wantRun)
			}
			if tt.name == "rest" && (got.listen != DefaultListen || got.shutdownTimeout != DefaultShutdownTimeout) {
				t.Errorf("defaults: got listen %q, shutdown %s", got.listen, got.shutdownTimeout)
			}
		})
	}
}

// server is one 'emrctl serve' run in process on a free loopback port.
type server struct {
	t      *testing.T
	f      *cmdutil.Factory
	stderr *syncBuffer
	base   string
	cancel context.CancelFunc
	done   chan error
}

var announced = regexp.MustCompile(`emrctl (?:REST API|MCP server|web console) on (https?://127\.0\.0\.1:\d+)/`)

// start runs serve with args (and --listen 127.0.0.1:0); before, when
// set, gets the session first (to create tokens, set faults).
func start(t *testing.T, args []string, before func(*session.Session)) *server {
	t.Helper()
	s := &server{t: t, stderr: &syncBuffer{}, done: make(chan error, 1)}
	s.f = testFactory(t, s.stderr)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	t.Cleanup(cancel)
	if before != nil {
		sess, err := s.f.Session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		before(sess)
	}
	cmd := newCmd(s.f, nil)
	cmd.SetArgs(append(args, "--listen", "127.0.0.1:0"))
	go func() { s.done <- cmd.ExecuteContext(ctx) }()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if m := announced.FindStringSubmatch(s.stderr.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve ended before it listened: %v\n%s", err, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no address announced on stderr: %q", s.stderr)
	return nil
}

// stop ends the server's context and waits for a clean end.
func (s *server) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Errorf("serve: got %v, want a clean shutdown", err)
		}
	case <-time.After(20 * time.Second):
		s.t.Fatal("serve did not stop after its context ended")
	}
}

// token creates a token of role in the session's journal.
func token(t *testing.T, sess *session.Session, role auth.Role) string {
	t.Helper()
	raw, _, err := auth.NewSQLiteStore(sess.Engine.Journal()).Create(context.Background(), "test-"+string(role), role, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func get(t *testing.T, c *http.Client, url, tok string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeRESTAndMCP runs REST and MCP on one listener: health,
// readiness, the document, /v1 with and without a token, and MCP tools.
func TestServeRESTAndMCP(t *testing.T) {
	var tok string
	s := start(t, []string{"--rest", "--mcp"}, func(sess *session.Session) { tok = token(t, sess, auth.Viewer) })
	c := http.DefaultClient
	for _, tt := range []struct {
		path, token string
		want        int
	}{
		{path: "/healthz", want: 200},
		{path: "/readyz", want: 200},
		{path: "/openapi.json", want: 200},
		{path: "/v1/clusters", want: 401},
		{path: "/v1/clusters", token: tok, want: 200},
		{path: "/v1/clusters", token: tok + "x", want: 401},
		{path: "/nothing", token: tok, want: 404},
	} {
		if got, body := get(t, c, s.base+tt.path, tt.token); got != tt.want {
			t.Errorf("GET %s (token %v): got %d %s, want %d", tt.path, tt.token != "", got, body, tt.want)
		}
	}
	ctx := context.Background()
	// Beside the REST API, /mcp needs a token too.
	if _, err := mcpClient(ctx, s.base, "serve-test", ""); err == nil {
		t.Errorf("an MCP client without a token connected to /mcp next to the REST API")
	}
	cs, err := mcpClient(ctx, s.base, "serve-test", tok)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.CallTool(ctx, &mcpsdk.CallToolParams{Name: "list_clusters", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("list_clusters: got %v %+v, want a result", err, res)
	}
	cs.Close()
	s.stop()
	checkLog(t, s.stderr.String(), tok)
}

// mcpClient connects to /mcp as the named client, with a bearer token
// unless tok is empty.
func mcpClient(ctx context.Context, base, name, tok string) (*mcpsdk.ClientSession, error) {
	client := mcpsdk.NewClient(&mcpsdk.Implementation{Name: name, Version: "1"}, nil)
	hc := &http.Client{Transport: withToken{tok: tok}}
	return client.Connect(ctx, &mcpsdk.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1, HTTPClient: hc}, nil)
}

// withToken adds a bearer token to every request.
type withToken struct{ tok string }

func (w withToken) RoundTrip(r *http.Request) (*http.Response, error) {
	if w.tok != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+w.tok)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// checkLog checks that the request log has a JSON line for a /v1 request
// with the token's name and for /mcp, and never the raw token.
func checkLog(t *testing.T, stderr, tok string) {
	t.Helper()
	if strings.Contains(stderr, tok) {
		t.Errorf("stderr holds the raw token")
	}
	var sawV1, sawMCP bool
	for _, line := range strings.Split(stderr, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["msg"] != "request" {
			continue
		}
		if m["route"] == "/v1/clusters" && m["token"] == "test-viewer" && m["status"] == 200.0 {
			sawV1 = true
		}
		if m["route"] == "/mcp" && m["method"] == "POST" {
			sawMCP = true
		}
	}
	if !sawV1 || !sawMCP {
		t.Errorf("request log: /v1 line with the token's name %v, /mcp line %v; want both:\n%s", sawV1, sawMCP, stderr)
	}
}

// TestServeMCP runs 'serve --mcp' alone: read-only tools, health, and the
// browser protections.
func TestServeMCP(t *testing.T) {
	s := start(t, []string{"--mcp"}, nil)
	ctx := context.Background()
	client := mcpsdk.NewClient(&mcpsdk.Implementation{Name: "serve-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcpsdk.StreamableClientTransport{Endpoint: s.base + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools.Tools {
		if tl.Annotations == nil || !tl.Annotations.ReadOnlyHint {
			t.Errorf("tool %s: not read-only, want only read tools without --allow-writes", tl.Name)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if got, body := get(t, http.DefaultClient, s.base+path, ""); got != 200 {
			t.Errorf("GET %s: got %d %s, want 200", path, got, body)
		}
	}
	if got, _ := get(t, http.DefaultClient, s.base+"/v1/clusters", ""); got != 404 {
		t.Errorf("GET /v1/clusters without --rest: got %d, want 404", got)
	}
	checkBrowserRefused(t, s.base+"/mcp")
	// The client's event stream stays open: stopping must not wait for it.
	began := time.Now()
	s.stop()
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("stopping took %s with an MCP session open, want the event stream ended at once", took)
	}
	cs.Close()
}

// checkBrowserRefused sends what a web page could: a request through a
// rebound DNS name, and a cross-site request. Both must be refused before
// any tool runs.
func checkBrowserRefused(t *testing.T, url string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"page","version":"1"}}}`
	for _, tc := range []struct {
		name   string
		header map[string]string
	}{
		{name: "rebound host name", header: map[string]string{"Host": "evil.example:8765"}},
		{name: "cross-site page", header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}},
	} {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range tc.header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: got HTTP %d, want 403", tc.name, resp.StatusCode)
		}
	}
}

// TestGracefulShutdown stops the server while a slow request (the
// sandbox answers ListClusters after a delay) is in flight: the request
// gets its whole answer, then serve ends cleanly and the port is closed.
func TestGracefulShutdown(t *testing.T) {
	const latency = 2 * time.Second
	var tok string
	s := start(t, []string{"--rest"}, func(sess *session.Session) {
		tok = token(t, sess, auth.Viewer)
		if err := sess.Emulator.AddFault(emulator.FaultRule{Action: "ListClusters", Latency: emulator.Duration(latency)}); err != nil {
			t.Fatal(err)
		}
	})
	sent := make(chan struct{})
	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	began := time.Now()
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.base+"/v1/clusters", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(sent) }}))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- result{status: resp.StatusCode, body: string(body), err: err}
	}()
	<-sent
	// Let the server pick the request up before stopping it; the answer
	// takes far longer than this.
	<-time.After(latency / 4)
	s.stop()
	r := <-got
	if r.err != nil || r.status != http.StatusOK || !strings.Contains(r.body, `"items"`) {
		t.Errorf("in-flight request: got %d %q %v, want 200 with the clusters", r.status, r.body, r.err)
	}
	if took := time.Since(began); took < latency {
		t.Errorf("the request took %s, want at least the sandbox's %s delay", took, latency)
	}
	if !strings.Contains(s.stderr.String(), "stopping: letting requests in flight finish") {
		t.Errorf("stderr: got %q, want the stopping notice", s.stderr)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), time.Second); err == nil {
		t.Errorf("the port still accepts connections after shutdown")
	}
}

// TestServeTLS serves the REST API over HTTPS with a self-signed
// certificate.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s := start(t, []string{"--rest", "--tls-cert", certFile, "--tls-key", keyFile}, nil)
	if !strings.HasPrefix(s.base, "https://") {
		t.Fatalf("announced %s, want https", s.base)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if got, body := get(t, c, s.base+"/healthz", ""); got != 200 {
		t.Errorf("GET /healthz over TLS: got %d %s, want 200", got, body)
	}
	// A plain request gets no answer from the TLS listener.
	if resp, err := http.Get(strings.Replace(s.base, "https://", "http://", 1) + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP got 200 from the TLS listener")
		}
	}
	s.stop()
}

// TestServeTLSBadFiles checks that an unreadable certificate is a flag
// error naming both flags, before anything listens.
func TestServeTLSBadFiles(t *testing.T) {
	f := testFactory(t, io.Discard)
	cmd := newCmd(f, nil)
	dir := t.TempDir()
	cmd.SetArgs([]string{"--rest", "--listen", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", filepath.Join(dir, "none.key")})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--tls-cert") {
		t.Errorf("got %v, want a flag error naming --tls-cert", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "emrctl test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
