package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/spec"
)

// apiCall is one request that reached the emulator.
type apiCall struct {
	Action string
	Params url.Values
}

// recorder is a transport in front of the in-process emulator that
// records every API call reaching it, so tests score what was sent, not
// what the server says it sent.
type recorder struct {
	next http.RoundTripper

	mu    sync.Mutex
	calls []apiCall
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	action := req.Header.Get("x-acs-action")
	if action == "" {
		for k, v := range req.Header {
			if strings.EqualFold(k, "x-acs-action") && len(v) > 0 {
				action = v[0]
			}
		}
	}
	params := url.Values{}
	for k, v := range req.URL.Query() {
		params[k] = v
	}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				params[k] = v
			}
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, apiCall{Action: action, Params: params})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// writes returns the recorded calls of the given actions since mark.
func (r *recorder) since(mark int, actions ...string) []apiCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []apiCall
	for _, c := range r.calls[mark:] {
		for _, a := range actions {
			if c.Action == a {
				out = append(out, c)
			}
		}
	}
	return out
}

func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// writeActions are the emulator actions that change anything.
var writeActions = []string{
	"RunCluster", "CreateCluster", "DeleteCluster", "ReleaseCluster", "TerminateJobFlows", "DeleteApplication",
	"IncreaseNodes", "DecreaseNodes", "CreateNodeGroup", "PutAutoScalingPolicy", "RemoveAutoScalingPolicy",
	"UpdateClusterAttribute", "UpdateClusterAutoRenew",
}

// bed is an engine on the in-process emulator with a real journal.
type bed struct {
	t       *testing.T
	srv     *emulator.Server
	eng     *engine.Engine
	rec     *recorder
	secrets *redact.Registry
}

type bedOptions struct {
	ownBuckets []string
	policy     *policy.Policy
	// timeScale divides the engine's waits (default: instant).
	timeScale float64
}

func newBed(t *testing.T, o bedOptions) *bed {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: srv.Transport()}
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: rec, ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	secrets := redact.NewRegistry(secret)
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"), journal.Options{Registry: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	pol := o.policy
	if pol == nil {
		pol = policy.Default()
	}
	if o.timeScale == 0 {
		o.timeScale = 1e6
	}
	eng, err := engine.New(engine.Options{
		Profile: "sandbox", Provider: aliyun.New(c), Scope: "sandbox:test", Region: "cn-hangzhou", Sandbox: true, TimeScale: o.timeScale,
		Journal: j, Policy: pol, Secrets: secrets, OwnBuckets: o.ownBuckets,
		Backoff: func(int) time.Duration { return time.Millisecond },
		// Forged and abandoned confirmations are never answered: identical
		// calls wait for them briefly.
		Timeouts: engine.Timeouts{Answer: 3 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &bed{t: t, srv: srv, eng: eng, rec: rec, secrets: secrets}
}

// server builds the MCP server on the bed's engine.
func (b *bed) server(allowWrites bool) *Server {
	b.t.Helper()
	return b.serverWith(Options{AllowWrites: allowWrites})
}

// serverWith builds the MCP server on the bed's engine with o.
func (b *bed) serverWith(o Options) *Server {
	b.t.Helper()
	o.Engine, o.Version, o.Secrets = b.eng, "test", b.secrets
	o.Getenv = func(k string) (string, bool) {
		v, ok := map[string]string{"EMR_ROOT_PASSWORD": "Sandbox1234x"}[k]
		return v, ok
	}
	s, err := New(o)
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// yesConfirmer approves setup writes made by the test itself (a script).
type yesConfirmer struct{}

func (yesConfirmer) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true, CostAck: true, ZeroAck: true}, nil
}

func setupCall() engine.Call {
	return engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test-setup"}, Confirm: yesConfirmer{}}
}

func loadExample(t *testing.T, name string) *spec.Cluster {
	t.Helper()
	raw, err := os.ReadFile(exampleFile(name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func exampleFile(name string) string { return filepath.Join("..", "..", "examples", name) }

func exampleYAML(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(exampleFile(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// fixture is a cluster the tests act on.
type fixture struct {
	clusterID string
	master    string // MASTER node group
	core      string // CORE node group
	task      string // TASK node group
	taskNodes []string
	coreNodes []string
}

// createCluster creates the dev cluster named name, with a TASK group of
// taskNodes nodes, as the test's own script.
func (b *bed) createCluster(name string, taskNodes int) fixture {
	b.t.Helper()
	return b.createClusterWith(name, taskNodes, nil)
}

// createClusterWith is createCluster with the spec changed by mutate.
func (b *bed) createClusterWith(name string, taskNodes int, mutate func(*spec.Cluster)) fixture {
	b.t.Helper()
	ctx := context.Background()
	c := loadExample(b.t, "dev-cluster.yaml")
	c.Name = name
	if mutate != nil {
		mutate(c)
	}
	res, err := b.eng.CreateCluster(ctx, setupCall(), engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		b.t.Fatalf("create cluster: %v", err)
	}
	f := fixture{clusterID: res.ClusterID}
	if _, err := b.eng.WaitCluster(ctx, f.clusterID, engine.WaitOptions{Timeout: 10 * time.Second}); err != nil {
		b.t.Fatalf("wait cluster: %v", err)
	}
	if taskNodes > 0 {
		g := spec.NodeGroup{Name: "task", Role: spec.RoleTask, Count: &taskNodes, InstanceTypes: []string{"ecs.g8i.xlarge"}}
		out, err := b.eng.CreateNodeGroup(ctx, setupCall(), engine.NodeGroupInput{ClusterID: f.clusterID, Group: g})
		if err != nil {
			b.t.Fatalf("create node group: %v", err)
		}
		f.task = out.NodeGroupID
		if err := b.eng.WaitNodeGroup(ctx, f.clusterID, f.task); err != nil {
			b.t.Fatalf("wait node group: %v", err)
		}
	}
	groups, err := b.eng.ListNodeGroups(ctx, f.clusterID, provider.NodeGroupFilter{})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, g := range groups {
		switch g.Role {
		case "CORE":
			f.core = g.ID
		case "MASTER":
			f.master = g.ID
		}
	}
	f.taskNodes = b.liveNodes(f.clusterID, f.task)
	f.coreNodes = b.liveNodes(f.clusterID, f.core)
	return f
}

// liveNodes returns the IDs of the group's nodes that are not going away.
func (b *bed) liveNodes(clusterID, groupID string) []string {
	b.t.Helper()
	if groupID == "" {
		return nil
	}
	var ids []string
	err := b.eng.ListNodes(context.Background(), clusterID, provider.NodeFilter{NodeGroupIDs: []string{groupID}}, 100, func(page []provider.Node) error {
		for _, n := range page {
			if n.State != "Stopping" && n.State != "Terminated" {
				ids = append(ids, n.ID)
			}
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return ids
}

// clusterNodes counts the live nodes of a cluster.
func (b *bed) clusterNodes(clusterID string) int {
	b.t.Helper()
	n := 0
	err := b.eng.ListNodes(context.Background(), clusterID, provider.NodeFilter{}, 100, func(page []provider.Node) error {
		for _, node := range page {
			if node.State != "Stopping" && node.State != "Terminated" {
				n++
			}
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// clientMode is how the test client answers confirmations.
type clientMode struct {
	name string
	// elicit answers elicitations; nil: the client has no elicitation
	// capability.
	elicit func(*mcp.ElicitRequest) *mcp.ElicitResult
	// protocol pins the protocol version ("" = the SDK's latest).
	protocol string
}

var (
	declining  = clientMode{name: "decline", elicit: func(*mcp.ElicitRequest) *mcp.ElicitResult { return &mcp.ElicitResult{Action: "decline"} }}
	cancelling = clientMode{name: "cancel", elicit: func(*mcp.ElicitRequest) *mcp.ElicitResult { return &mcp.ElicitResult{Action: "cancel"} }}
	noElicit   = clientMode{name: "no-elicitation"}
	// accepting ticks "continue" only: no cost or empty-group
	// acknowledgement.
	accepting = clientMode{name: "accept", elicit: func(*mcp.ElicitRequest) *mcp.ElicitResult {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: true}}
	}}
	// acceptingAll ticks every box it is shown.
	acceptingAll = clientMode{name: "accept-all", elicit: func(r *mcp.ElicitRequest) *mcp.ElicitResult {
		content := map[string]any{}
		if s, ok := r.Params.RequestedSchema.(map[string]any); ok {
			if props, ok := s["properties"].(map[string]any); ok {
				for k := range props {
					content[k] = true
				}
			}
		}
		return &mcp.ElicitResult{Action: "accept", Content: content}
	}}
)

// legacy pins a client mode to the last protocol with server-initiated
// elicitation.
func legacy(m clientMode) clientMode {
	m.name += "-2025-11-25"
	m.protocol = "2025-11-25"
	return m
}

// elicitLog counts the confirmations a client was shown.
type elicitLog struct {
	mu       sync.Mutex
	messages []string
}

func (l *elicitLog) add(m string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.messages = append(l.messages, m)
}

func (l *elicitLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.messages...)
}

// connect starts srv on in-memory transports and returns a client session.
func connect(t *testing.T, srv *Server, m clientMode) (*mcp.ClientSession, *elicitLog) {
	t.Helper()
	ctx, ct := serve(t, srv)
	log := &elicitLog{}
	return connectClient(t, ctx, ct, newClient(m, log), m.protocol), log
}

// serve starts a session of srv on in-memory transports and returns the
// client's end, with a context that ends with the test.
func serve(t *testing.T, srv *Server) (context.Context, mcp.Transport) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.MCP().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	return ctx, ct
}

// connectClient connects client c on transport ct with the protocol
// version ("" = the SDK's latest).
func connectClient(t *testing.T, ctx context.Context, ct mcp.Transport, c *mcp.Client, protocol string) *mcp.ClientSession {
	t.Helper()
	cs, err := c.Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: protocol})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func newClient(m clientMode, log *elicitLog) *mcp.Client {
	opts := &mcp.ClientOptions{}
	if m.elicit != nil {
		opts.ElicitationHandler = func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			log.add(r.Params.Message)
			return m.elicit(r), nil
		}
	}
	return mcp.NewClient(&mcp.Implementation{Name: "test-agent-" + m.name, Version: "1.0"}, opts)
}

// call invokes a tool and returns the result, failing on protocol errors.
func call(t *testing.T, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}

// text is the text content of a result.
func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// decode reads a result's structured content into v.
func decode(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	if res.IsError {
		t.Fatalf("tool error: %s", text(res))
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func mustTime(t *testing.T, v string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
