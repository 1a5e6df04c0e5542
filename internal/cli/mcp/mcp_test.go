package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
