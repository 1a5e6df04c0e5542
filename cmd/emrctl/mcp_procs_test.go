package main

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
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The MCP side of the process tests: emrctl's MCP servers run as real
// processes ('emrctl mcp' on stdio, 'emrctl serve --mcp' over streamable
// HTTP) against a killBed's emulator, and go-sdk clients drive them. What
// a client's person was shown is recorded in its dialog handler; what was
// sent is read from the emulator's arrivals.

// legacyProtocol is the last protocol version in which the server asks
// the client's person itself (server-initiated elicitation); later ones
// send the dialog back in the tool result (multi round-trip).
const legacyProtocol = "2025-11-25"

// clientMode is how a test client answers emrctl's confirmations.
type clientMode struct {
	name string
	// answer answers a dialog; nil: the client has no elicitation
	// capability.
	answer func(*mcp.ElicitRequest) (*mcp.ElicitResult, error)
	// protocol pins the protocol version ("" = the SDK's latest).
	protocol string
}

// answerAction answers every dialog with action and content.
func answerAction(action string, content map[string]any) func(*mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	return func(*mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: action, Content: content}, nil
	}
}

// tickEverything accepts with every box of the form ticked.
func tickEverything(r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	content := map[string]any{}
	for _, box := range formBoxes(r) {
		content[box] = true
	}
	return &mcp.ElicitResult{Action: "accept", Content: content}, nil
}

var (
	// accepting ticks "continue" only and leaves the other boxes (cost,
	// empty group) unticked, as a form sends them.
	accepting = clientMode{name: "accept", answer: func(r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		content := map[string]any{}
		for _, box := range formBoxes(r) {
			content[box] = box == "continue"
		}
		return &mcp.ElicitResult{Action: "accept", Content: content}, nil
	}}
	acceptingAll = clientMode{name: "accept-all", answer: tickEverything}
	declining    = clientMode{name: "decline", answer: answerAction("decline", nil)}
	cancelling   = clientMode{name: "cancel", answer: answerAction("cancel", nil)}
	noDialogs    = clientMode{name: "no-elicitation"}
	// failingDialog is a client whose dialog breaks: its handler returns
	// an error, which the SDK sends to the server as the request's error.
	failingDialog = clientMode{name: "failing-dialog", protocol: legacyProtocol,
		answer: func(*mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return nil, errors.New("the dialog window could not be opened")
		}}
	// oddAnswer answers with an action the protocol does not have.
	oddAnswer = clientMode{name: "odd-action", protocol: legacyProtocol, answer: answerAction("approve", map[string]any{"continue": true})}
)

// dialog is one confirmation a client's person was shown.
type dialog struct {
	message string
	// boxes are the form's property names; fields their titles and
	// descriptions, shown next to the boxes.
	boxes, fields []string
	// live is what the client's probe counted when the dialog was shown
	// (-1 without a probe).
	live int
}

// formBoxes lists the property names of an elicitation's form.
func formBoxes(r *mcp.ElicitRequest) []string {
	var boxes []string
	for name := range formProperties(r) {
		boxes = append(boxes, name)
	}
	sort.Strings(boxes)
	return boxes
}

func formProperties(r *mcp.ElicitRequest) map[string]any {
	s, _ := r.Params.RequestedSchema.(map[string]any)
	props, _ := s["properties"].(map[string]any)
	return props
}

// mcpClient is one client session on an emrctl MCP server process.
type mcpClient struct {
	t    *testing.T
	name string
	mode clientMode
	cs   *mcp.ClientSession
	// stderr is the server's stderr, for stdio clients (diagnostics).
	stderr *lockedBuffer
	// protocol is the protocol version the session negotiated.
	protocol string
	// probe, when set before the calls start, is run when a dialog is
	// shown, while the server waits for the answer.
	probe func() int

	mu      sync.Mutex
	dialogs []dialog
}

func (c *mcpClient) elicit(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	d := dialog{message: r.Params.Message, boxes: formBoxes(r), live: -1}
	for _, name := range d.boxes {
		p, _ := formProperties(r)[name].(map[string]any)
		for _, k := range []string{"title", "description"} {
			if s, ok := p[k].(string); ok {
				d.fields = append(d.fields, s)
			}
		}
	}
	if c.probe != nil {
		d.live = c.probe()
	}
	c.mu.Lock()
	c.dialogs = append(c.dialogs, d)
	c.mu.Unlock()
	return c.mode.answer(r)
}

// shown returns the dialogs the client was shown so far.
func (c *mcpClient) shown() []dialog {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.dialogs)
}

// connectMCP connects a client in mode m over transport.
func connectMCP(t *testing.T, transport mcp.Transport, m clientMode, name string) *mcpClient {
	t.Helper()
	c := &mcpClient{t: t, name: name + "/" + m.name, mode: m}
	opts := &mcp.ClientOptions{}
	if m.answer != nil {
		opts.ElicitationHandler = c.elicit
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "adversary-" + m.name, Version: "1.0"}, opts).
		Connect(ctx, transport, &mcp.ClientSessionOptions{ProtocolVersion: m.protocol})
	if err != nil {
		t.Fatalf("connect %s: %v", c.name, err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	c.cs = cs
	if r := cs.InitializeResult(); r != nil {
		c.protocol = r.ProtocolVersion
	}
	return c
}

// stdioMCP starts 'emrctl mcp --allow-writes' (plus args) on the bed's
// HOME and connects a client to it: one process per client.
func (k *killBed) stdioMCP(m clientMode, name string, args ...string) *mcpClient {
	k.t.Helper()
	cmd := k.command(append([]string{"mcp", "--allow-writes"}, args...)...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	c := connectMCP(k.t, &mcp.CommandTransport{Command: cmd, TerminateDuration: 2 * time.Second}, m, "stdio "+name)
	c.stderr = stderr
	return c
}

// mcpHTTP is one 'emrctl serve --mcp' process.
type mcpHTTP struct {
	t      *testing.T
	name   string
	url    string
	stderr *lockedBuffer
	// token, when set, is sent as a bearer token (a server that serves
	// REST too requires one on /mcp).
	token string
}

// serveMCP starts 'emrctl serve --mcp --allow-writes' on a free loopback
// port, on the bed's HOME, and returns once it listens.
func (k *killBed) serveMCP(name string, args ...string) *mcpHTTP {
	k.t.Helper()
	cmd := k.command(append([]string{"serve", "--mcp", "--listen", "127.0.0.1:0", "--allow-writes"}, args...)...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	p := startBackground(k.t, cmd, nil)
	const marker = "emrctl MCP server on "
	deadline := time.After(30 * time.Second)
	for {
		out, changed := stderr.next()
		if i := strings.Index(out, marker); i >= 0 {
			rest := out[i+len(marker):]
			if j := strings.IndexAny(rest, " \n"); j > 0 {
				return &mcpHTTP{t: k.t, name: name, url: rest[:j], stderr: stderr}
			}
		}
		select {
		case <-changed:
		case <-p.exited:
			k.t.Fatalf("emrctl serve --mcp ended before it listened:\n%s", stderr)
		case <-deadline:
			k.t.Fatalf("emrctl serve --mcp did not start listening within 30s:\n%s", stderr)
		}
	}
}

// client connects a new HTTP client session to the server.
func (s *mcpHTTP) client(m clientMode, name string) *mcpClient {
	s.t.Helper()
	tr := &mcp.StreamableClientTransport{Endpoint: s.url, MaxRetries: -1}
	if s.token != "" {
		tr.HTTPClient = &http.Client{Transport: bearerTransport(s.token)}
	}
	return connectMCP(s.t, tr, m, "http "+s.name+" "+name)
}

// bgProcess is a process a test started and stops at its end.
type bgProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// startBackground starts cmd; at the test's end it is interrupted, and
// killed if it does not end in time. after runs once it has ended.
func startBackground(t *testing.T, cmd *exec.Cmd, after func()) *bgProcess {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &bgProcess{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		if after != nil {
			after()
		}
		close(p.exited)
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *bgProcess) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// toolAnswer is what one tools/call returned.
type toolAnswer struct {
	client string
	tool   string
	// err is a protocol error (the call never produced a tool result).
	err        error
	isError    bool
	text       string
	structured map[string]any
	took       time.Duration
}

// refused reports whether the call ended in an error of any kind.
func (a toolAnswer) refused() bool { return a.err != nil || a.isError }

// message is the error or text the agent read.
func (a toolAnswer) message() string {
	if a.err != nil {
		return a.err.Error()
	}
	return a.text
}

// status is the outcome status of a write's result: outcome.status, or
// status for tools whose result is the outcome itself.
func (a toolAnswer) status() string {
	if o, ok := a.structured["outcome"].(map[string]any); ok {
		s, _ := o["status"].(string)
		return s
	}
	s, _ := a.structured["status"].(string)
	return s
}

func (a toolAnswer) String() string {
	switch {
	case a.err != nil:
		return fmt.Sprintf("%s %s: protocol error after %s: %v", a.client, a.tool, a.took.Round(time.Millisecond), a.err)
	case a.isError:
		return fmt.Sprintf("%s %s: tool error after %s: %s", a.client, a.tool, a.took.Round(time.Millisecond), a.text)
	}
	return fmt.Sprintf("%s %s: status %q after %s", a.client, a.tool, a.status(), a.took.Round(time.Millisecond))
}

// callTool calls a tool, with a limit well above any wait of these tests.
func (c *mcpClient) callTool(tool string, args map[string]any) toolAnswer {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	res, err := c.cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	a := toolAnswer{client: c.name, tool: tool, err: err, took: time.Since(start)}
	if err != nil {
		return a
	}
	a.isError = res.IsError
	var b strings.Builder
	for _, content := range res.Content {
		if tc, ok := content.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	a.text = b.String()
	if raw, err := json.Marshal(res.StructuredContent); err == nil {
		_ = json.Unmarshal(raw, &a.structured)
	}
	return a
}

// toolNames lists the tools the server offers the client.
func (c *mcpClient) toolNames() []string {
	c.t.Helper()
	res, err := c.cs.ListTools(context.Background(), nil)
	if err != nil {
		c.t.Fatalf("%s: tools/list: %v", c.name, err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	return names
}

// clientCall is one call to make in a concurrent round.
type clientCall struct {
	c    *mcpClient
	tool string
	args map[string]any
}

// allAtOnce makes the calls concurrently, released together by a
// barrier, and returns their answers in order.
func allAtOnce(calls []clientCall) []toolAnswer {
	out := make([]toolAnswer, len(calls))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	for i, cl := range calls {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = cl.c.callTool(cl.tool, cl.args)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// dialogsOf collects the dialogs the clients were shown.
func dialogsOf(cs ...*mcpClient) []dialog {
	var out []dialog
	for _, c := range cs {
		out = append(out, c.shown()...)
	}
	return out
}

// lockedBuffer is a bytes.Buffer safe for a process's writes and the
// test's reads, which can wait for the next write.
type lockedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// next returns the contents and a channel closed at the next write.
func (b *lockedBuffer) next() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed == nil {
		b.changed = make(chan struct{})
	}
	return b.buf.String(), b.changed
}

// rawStdio is 'emrctl mcp' driven line by line, without an SDK client.
type rawStdio struct {
	t      *testing.T
	in     io.WriteCloser
	lines  chan []byte
	ended  chan struct{} // closed when its output ended
	stderr *lockedBuffer
}

func (k *killBed) rawMCP() *rawStdio {
	k.t.Helper()
	cmd := k.command("mcp", "--allow-writes")
	r := &rawStdio{t: k.t, lines: make(chan []byte, 256), ended: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = r.stderr
	var err error
	if r.in, err = cmd.StdinPipe(); err != nil {
		k.t.Fatal(err)
	}
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	go func() {
		defer close(r.ended)
		br := bufio.NewReaderSize(pr, 1<<20)
		for {
			line, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				select {
				case r.lines <- line:
				default: // nobody reads that many: drop rather than block the process's output
				}
			}
			if err != nil {
				return
			}
		}
	}()
	p := startBackground(k.t, cmd, func() { _ = pw.Close() })
	// Closing stdin first lets it end as a client would end it.
	k.t.Cleanup(func() {
		_ = r.in.Close()
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
		}
	})
	return r
}

// send writes one line.
func (r *rawStdio) send(line string) error {
	_, err := io.WriteString(r.in, line+"\n")
	return err
}

// next returns the next message the server wrote, or nil when none came
// within limit or the server ended its output.
func (r *rawStdio) next(limit time.Duration) []byte {
	select {
	case l := <-r.lines:
		return l
	case <-r.ended:
		select {
		case l := <-r.lines:
			return l
		default:
			return nil
		}
	case <-time.After(limit):
		return nil
	}
}

// alive reports whether the server still runs and reads.
func (r *rawStdio) alive() bool {
	select {
	case <-r.ended:
		return false
	default:
		return true
	}
}

// bearerTransport adds a bearer token to every request.
type bearerTransport string

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}
