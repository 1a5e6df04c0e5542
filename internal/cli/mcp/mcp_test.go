package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	mcpsdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

// binary is emrctl built once for the tests that run the real program.
var binary struct {
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "emrctl-mcp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary.path = filepath.Join(dir, "emrctl")
	out, err := exec.Command("go", "build", "-o", binary.path, "github.com/emrctl/emrctl/cmd/emrctl").CombinedOutput()
	if err != nil {
		binary.err = fmt.Errorf("go build: %v\n%s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

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

func testFactory(t *testing.T, in io.Reader, out, errOut io.Writer) *cmdutil.Factory {
	t.Helper()
	env := sandboxEnv(t)
	ios, _, _, _ := iostreams.Test()
	ios.In, ios.Out, ios.ErrOut = in, out, errOut
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr        string
		allowRemote bool
		wantErr     string
	}{
		{addr: "127.0.0.1:8765"},
		{addr: "127.0.0.2:1"},
		{addr: "[::1]:8765"},
		{addr: "localhost:8765"},
		{addr: "0.0.0.0:8765", wantErr: "--allow-remote"},
		{addr: ":8765", wantErr: "every interface"},
		{addr: "192.168.1.5:80", wantErr: "not on loopback"},
		{addr: "mcp.example.com:443", wantErr: "not on loopback"},
		{addr: "0.0.0.0:8765", allowRemote: true},
		{addr: "8765", wantErr: "host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkListen(tt.addr, tt.allowRemote)
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

func TestServeFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantRun bool
		wantErr string
	}{
		{name: "no --mcp", args: nil, wantErr: "pass --mcp"},
		{name: "remote refused", args: []string{"--mcp", "--listen", "0.0.0.0:9000"}, wantErr: "--allow-remote"},
		{name: "remote allowed", args: []string{"--mcp", "--listen", "0.0.0.0:9000", "--allow-remote"}, wantRun: true},
		{name: "default", args: []string{"--mcp"}, wantRun: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFactory(t, strings.NewReader(""), io.Discard, io.Discard)
			ran := false
			var got *serveOptions
			cmd := newServeCmd(f, func(_ context.Context, o *serveOptions) error { ran, got = true, o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if ran != tt.wantRun {
				t.Errorf("ran: got %v, want %v", ran, tt.wantRun)
			}
			if tt.name == "default" && got.listen != DefaultListen {
				t.Errorf("listen: got %q, want %q", got.listen, DefaultListen)
			}
		})
	}
}

// TestServeHTTP runs 'serve --mcp' on a free loopback port and talks to it
// with the SDK's streamable client.
func TestServeHTTP(t *testing.T) {
	errOut := &syncBuffer{}
	f := testFactory(t, strings.NewReader(""), io.Discard, errOut)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := newServeCmd(f, nil)
	cmd.SetArgs([]string{"--mcp", "--listen", "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/mcp`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(errOut.String()); m != nil {
			url = "http://" + m[1] + "/mcp"
		}
	}
	if url == "" {
		t.Fatalf("no address announced on stderr: %q", errOut.String())
	}
	client := mcpsdk.NewClient(&mcpsdk.Implementation{Name: "serve-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcpsdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1}, nil)
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
	res, err := cs.CallTool(ctx, &mcpsdk.CallToolParams{Name: "list_clusters", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("list_clusters: got %v %+v, want a result", err, res)
	}
	checkBrowserRefused(t, url)
	cs.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: got %v, want a clean shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
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

// lineRecorder keeps every line a reader yields.
type lineRecorder struct {
	r   io.ReadCloser
	buf syncBuffer
}

func (l *lineRecorder) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.buf.Write(p[:n])
	return n, err
}

func (l *lineRecorder) Close() error { return l.r.Close() }

// checkProtocolOnly fails unless every line is a JSON-RPC 2.0 message.
func checkProtocolOnly(t *testing.T, stdout string) {
	t.Helper()
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		lines++
		var msg map[string]any
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil || msg["jsonrpc"] != "2.0" {
			t.Errorf("stdout line %d is not JSON-RPC: %.200q", lines, sc.Text())
		}
	}
	if lines < 4 {
		t.Errorf("stdout: got %d protocol lines, want a whole session", lines)
	}
}

// session exercises the server: reads that reach the sandbox through the
// Alibaba SDK, a refusal, an error from the API and the journal.
func exercise(t *testing.T, cs *mcpsdk.ClientSession, spec string) {
	t.Helper()
	ctx := context.Background()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		tool      string
		args      map[string]any
		wantError bool
	}{
		{tool: "list_clusters", args: map[string]any{}},
		{tool: "check_prerequisites", args: map[string]any{}},
		{tool: "plan_cluster", args: map[string]any{"specYaml": spec}},
		{tool: "create_cluster", args: map[string]any{"specYaml": spec}, wantError: true}, // no elicitation: refused
		{tool: "get_cluster", args: map[string]any{"clusterId": "c-doesnotexist1"}, wantError: true},
		{tool: "list_audit", args: map[string]any{}},
	}
	for _, c := range calls {
		res, err := cs.CallTool(ctx, &mcpsdk.CallToolParams{Name: c.tool, Arguments: c.args})
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		if res.IsError != c.wantError {
			t.Errorf("%s: isError %v, want %v: %.300s", c.tool, res.IsError, c.wantError, textOf(res))
		}
	}
}

func textOf(res *mcpsdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcpsdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func devSpec(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "dev-cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestStdioInProcess runs 'emrctl mcp --allow-writes' in process on pipes.
func TestStdioInProcess(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	errOut := &syncBuffer{}
	f := testFactory(t, inR, outW, errOut)
	cmd := newMCPCmd(f, nil)
	cmd.SetArgs([]string{"--allow-writes"})
	done := make(chan error, 1)
	go func() {
		done <- cmd.ExecuteContext(context.Background())
		outW.Close()
	}()
	rec := &lineRecorder{r: outR}
	client := mcpsdk.NewClient(&mcpsdk.Implementation{Name: "stdio-test", Version: "1"}, nil)
	cs, err := client.Connect(context.Background(), &mcpsdk.IOTransport{Reader: rec, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, cs, devSpec(t))
	cs.Close()
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("mcp: got %v, want a clean end when the client closes stdin", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mcp did not end after stdin closed")
	}
	checkProtocolOnly(t, rec.buf.String())
	if !strings.Contains(errOut.String(), "emrctl MCP server on stdio (profile sandbox") {
		t.Errorf("stderr: got %q, want the banner", errOut.String())
	}
}

// TestBinaryStdoutIsOnlyProtocol runs the real binary with the Alibaba
// SDK's debug switches on (DEBUG=tea,dara, which would print requests to
// stdout) and checks that every line on stdout is JSON-RPC.
func TestBinaryStdoutIsOnlyProtocol(t *testing.T) {
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	for _, debug := range []string{"tea,dara", "sdk", "*"} {
		t.Run(debug, func(t *testing.T) {
			cmd := exec.Command(binary.path, "mcp", "--allow-writes")
			cmd.Env = []string{"DEBUG=" + debug, "PATH=" + os.Getenv("PATH")}
			for k, v := range sandboxEnv(t) {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			rec := &lineRecorder{r: stdout}
			client := mcpsdk.NewClient(&mcpsdk.Implementation{Name: "binary-test", Version: "1"}, nil)
			cs, err := client.Connect(context.Background(), &mcpsdk.IOTransport{Reader: rec, Writer: stdin}, nil)
			if err != nil {
				cmd.Process.Kill()
				t.Fatalf("connect: %v; stderr: %s", err, stderr.String())
			}
			exercise(t, cs, devSpec(t))
			cs.Close()
			stdin.Close()
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err := <-waited:
				if err != nil {
					t.Errorf("emrctl mcp exited with %v; stderr: %s", err, stderr.String())
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("emrctl mcp did not exit after stdin closed")
			}
			checkProtocolOnly(t, rec.buf.String())
			if strings.Contains(stderr.String()+rec.buf.String(), "AccessKeySecret") {
				t.Errorf("output mentions the access key secret")
			}
		})
	}
}
