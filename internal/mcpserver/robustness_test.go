package mcpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// stdioSession is a server on StdioTransport driven line by line, as a
// client that writes whatever it likes would.
type stdioSession struct {
	t   *testing.T
	in  *io.PipeWriter
	out *bufio.Scanner
}

func newStdioSession(t *testing.T, srv *Server, maxLine int) *stdioSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, &StdioTransport{In: inR, Out: outW, MaxLine: maxLine}) }()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		outR.Close()
		<-done
	})
	sc := bufio.NewScanner(outR)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	s := &stdioSession{t: t, in: inW, out: sc}
	s.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	if got := s.reply(); !strings.Contains(got, `"id":1,"result"`) {
		t.Fatalf("initialize: %s", got)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return s
}

func (s *stdioSession) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatalf("write %.60q: %v", line, err)
	}
}

// reply reads the next line the server writes, failing after 10 s.
func (s *stdioSession) reply() string {
	s.t.Helper()
	got := make(chan string, 1)
	go func() {
		if s.out.Scan() {
			got <- s.out.Text()
		}
		close(got)
	}()
	select {
	case line, ok := <-got:
		if !ok {
			s.t.Fatalf("the server ended the session: %v", s.out.Err())
		}
		return line
	case <-time.After(10 * time.Second):
		s.t.Fatal("no reply in 10 s")
		return ""
	}
}

// TestStdioAnswersBadLinesAndKeepsServing sends what a broken or hostile
// client sends; each gets its JSON-RPC error, and the session goes on.
func TestStdioAnswersBadLinesAndKeepsServing(t *testing.T) {
	b := newBed(t, bedOptions{})
	s := newStdioSession(t, b.server(false), 1<<16)
	parseError := `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,`
	cases := []struct {
		name, line string
		want       []string
	}{
		{"not JSON", `{bad json`, []string{parseError}},
		{"truncated", `{"jsonrpc":"2.0","id":7,"method":"tools/list"`, []string{parseError}},
		{"batch", `[{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":"b","method":"ping"}]`,
			[]string{`[{"jsonrpc":"2.0","id":2,"error":{"code":-32600,`, `{"jsonrpc":"2.0","id":"b","error":{"code":-32600,`, "batches are not supported"}},
		{"empty batch", `[]`, []string{`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,`}},
		{"empty object", `{}`, []string{`"id":null,"error":{"code":-32600,`}},
		{"no version", `{"id":5,"method":"tools/list"}`, []string{`"id":5,"error":{"code":-32600,`}},
		{"scalar", `42`, []string{`"id":null,"error":{"code":-32600,`}},
		{"too long", `{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"x":"` + strings.Repeat("a", 1<<17) + `"}}`, []string{`"id":null,"error":{"code":-32600,`, "longer than"}},
	}
	for i, c := range cases {
		s.send(c.line)
		got := s.reply()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply %.300s, want it to contain %s", c.name, got, w)
			}
		}
		// The session still serves.
		id := 100 + i
		s.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, id))
		if got := s.reply(); !strings.Contains(got, fmt.Sprintf(`"id":%d,"result"`, id)) {
			t.Fatalf("after %s: tools/list answered %.300s", c.name, got)
		}
	}
}

// TestListArgumentsAreCapped checks that every list argument of every
// tool has a bound, that a longer list is refused before anything is
// sent, and that a repeated name is checked once.
func TestListArgumentsAreCapped(t *testing.T) {
	b := newBed(t, bedOptions{})
	srv := b.server(true)
	cs, _ := connect(t, srv, declining)
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, tool := range tools.Tools {
		raw, _ := json.Marshal(tool.InputSchema)
		var schema struct {
			Properties map[string]map[string]any `json:"properties"`
		}
		_ = json.Unmarshal(raw, &schema)
		for name, p := range schema.Properties {
			if !strings.Contains(fmt.Sprint(p["type"]), "array") {
				continue
			}
			lists++
			if p["maxItems"] != float64(100) {
				t.Errorf("%s.%s: maxItems %v, want 100", tool.Name, name, p["maxItems"])
			}
		}
	}
	if lists < 5 {
		t.Fatalf("found %d list arguments; the tool set has more", lists)
	}

	names := make([]string, 101)
	for i := range names {
		names[i] = fmt.Sprintf("key-%d", i)
	}
	mark := b.rec.mark()
	res := call(t, cs, "check_prerequisites", map[string]any{"keyPairNames": names})
	if !res.IsError || !strings.Contains(text(res), "keyPairNames") || !strings.Contains(text(res), "100") {
		t.Errorf("101 key pairs: got %q, want a refusal naming keyPairNames and the cap", text(res))
	}
	if calls := b.rec.since(mark); len(calls) != 0 {
		t.Errorf("101 key pairs: %d API calls were made, want none", len(calls))
	}

	count := func(keys []string) int {
		mark := b.rec.mark()
		res := call(t, cs, "check_prerequisites", map[string]any{"keyPairNames": keys})
		if res.IsError {
			t.Fatalf("check_prerequisites: %s", text(res))
		}
		return len(b.rec.since(mark))
	}
	one := count([]string{"emrctl-sandbox"})
	same := make([]string, 100)
	for i := range same {
		same[i] = "emrctl-sandbox"
	}
	if many := count(same); many != one {
		t.Errorf("100 copies of one key pair made %d API calls; one made %d", many, one)
	}
}

// TestCallDeadlineSaysWhatWasDone stops a two-batch scale-in at the call's
// deadline, after its first batch: the error says so, names the released
// nodes and their journal entry, and how to resume.
func TestCallDeadlineSaysWhatWasDone(t *testing.T) {
	// The batch interval (120 s) is 12 s of real time; the deadline 1 s.
	b := newBed(t, bedOptions{timeScale: 10})
	f := b.createCluster("deadline", 13)
	srv := b.serverWith(Options{AllowWrites: true, CallTimeout: time.Second})
	cs, log := connect(t, srv, acceptingAll)
	mark := b.rec.mark()
	start := time.Now()
	res := call(t, cs, "scale_in", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "nodeIds": f.taskNodes[:12]})
	took := time.Since(start)
	got := text(res)
	t.Log(got)
	if !res.IsError {
		t.Fatalf("scale_in past its deadline: %s", got)
	}
	for _, want := range []string{"ran past its deadline of 1s", "batch 1 released " + strings.Join(f.taskNodes[:10], ", "), "journal entry", "not released: " + strings.Join(f.taskNodes[10:12], ", "), "To resume"} {
		if !strings.Contains(got, want) {
			t.Errorf("error %q\nwant it to contain %q", got, want)
		}
	}
	if sent := b.rec.since(mark, "DecreaseNodes"); len(sent) != 1 {
		t.Errorf("%d DecreaseNodes sent, want 1 (the first batch)", len(sent))
	}
	// The dialog said what would really happen on this sandbox.
	if dialogs := log.all(); len(dialogs) != 1 || !strings.Contains(dialogs[0], "2m0s apart on the sandbox's clock (12s of real time") {
		t.Errorf("dialogs %q: want one, giving the interval in real time (12s)", dialogs)
	}
	if took > 8*time.Second {
		t.Errorf("the call took %s; its deadline was 1s", took)
	}
}

// TestDeadlineStopsWhileThePersonAnswers checks that the time a person
// takes in the dialog does not count against the call's deadline.
func TestDeadlineStopsWhileThePersonAnswers(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("slow-person", 1)
	srv := b.serverWith(Options{AllowWrites: true, CallTimeout: 300 * time.Millisecond})
	slow := legacy(clientMode{name: "slow", elicit: func(*mcp.ElicitRequest) *mcp.ElicitResult {
		time.Sleep(time.Second)
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: true}}
	}})
	cs, log := connect(t, srv, slow)
	res := call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 1})
	if res.IsError {
		t.Fatalf("scale_out with a person who took 1s (deadline 300ms): %s", text(res))
	}
	if n := len(log.all()); n != 1 {
		t.Errorf("%d dialogs, want 1", n)
	}
}

// TestFailingDialogSaysNothingWasDone: a client whose dialog fails gets
// plain words, and nothing is sent.
func TestFailingDialogSaysNothingWasDone(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("failing-dialog", 1)
	srv := b.server(true)
	for _, fail := range []struct {
		name   string
		handle func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)
		want   string
	}{
		{"error", func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return nil, errors.New("window system crashed")
		}, "confirmation dialog failed"},
		{"odd action", func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return &mcp.ElicitResult{Action: "maybe"}, nil
		}, "unknown answer"},
	} {
		t.Run(fail.name, func(t *testing.T) {
			ctx, ct := serve(t, srv)
			c := mcp.NewClient(&mcp.Implementation{Name: "failing", Version: "1"}, &mcp.ClientOptions{ElicitationHandler: fail.handle})
			cs := connectClient(t, ctx, ct, c, "2025-11-25")
			mark := b.rec.mark()
			res := call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 1})
			got := text(res)
			if !res.IsError || !strings.HasPrefix(got, "Nothing was done; nothing was sent to the cloud") || !strings.Contains(got, fail.want) {
				t.Errorf("got %q, want an error saying nothing was done and %q", got, fail.want)
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != 0 {
				t.Errorf("writes were sent: %v", sent)
			}
		})
	}
}

// TestHTTPAnswersBadBodies is TestStdioAnswersBadLinesAndKeepsServing over
// streamable HTTP: a bad body gets a JSON-RPC error, and the session goes on.
func TestHTTPAnswersBadBodies(t *testing.T) {
	b := newBed(t, bedOptions{})
	ts := httptest.NewServer(b.server(false).HTTPHandler())
	t.Cleanup(ts.Close)
	post := func(session, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp, string(raw)
	}
	resp, _ := post("", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	session := resp.Header.Get("Mcp-Session-Id")
	if session == "" {
		t.Fatal("no session ID")
	}
	post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for i, c := range []struct{ body, want string }{
		{`{bad`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,`},
		{`[{"jsonrpc":"2.0","id":2,"method":"tools/list"}]`, `[{"jsonrpc":"2.0","id":2,"error":{"code":-32600,`},
		{`{"id":3}`, `{"jsonrpc":"2.0","id":3,"error":{"code":-32600,`},
	} {
		resp, got := post(session, c.body)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %s %s %q, want 400 application/json %s", c.body, resp.Status, resp.Header.Get("Content-Type"), got, c.want)
		}
		id := 100 + i
		if _, got := post(session, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, id)); !strings.Contains(got, fmt.Sprintf(`"id":%d,"result"`, id)) {
			t.Fatalf("after %s: tools/list answered %.300q", c.body, got)
		}
	}
}
