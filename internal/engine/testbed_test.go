package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/spec"
)

// bed is an engine on the in-process emulator with a real SQLite journal.
type bed struct {
	t       *testing.T
	srv     *emulator.Server
	eng     *Engine
	jpath   string
	logs    *bytes.Buffer
	secrets *redact.Registry
	cred    credentials.Credential
	tweak   []func(*Options)
	logMu   sync.Mutex
}

// lockedWriter lets several engines of a bed log to one buffer.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newBed(t *testing.T, tweak ...func(*Options)) *bed {
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
	b := &bed{t: t, srv: srv, jpath: filepath.Join(t.TempDir(), "journal.db"), logs: &bytes.Buffer{}, secrets: redact.NewRegistry(), cred: cred, tweak: tweak}
	b.eng = b.engine(b.jpath)
	return b
}

// engine opens another engine on the bed's emulator with the journal at
// jpath: another process sharing a HOME (the same path) or another
// operator (a path of their own).
func (b *bed) engine(jpath string, tweak ...func(*Options)) *Engine {
	t := b.t
	t.Helper()
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: b.cred, Transport: b.srv.Transport(), ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(context.Background(), jpath, journal.Options{Registry: b.secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	opts := Options{
		Profile: "test", Provider: aliyun.New(c), Scope: "sandbox:test", Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: policy.Default(), Secrets: b.secrets,
		Backoff: func(int) time.Duration { return time.Millisecond },
		Log:     slog.New(slog.NewTextHandler(&lockedWriter{w: b.logs, mu: &b.logMu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range append(append([]func(*Options){}, b.tweak...), tweak...) {
		f(&opts)
	}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// yes is a confirmer that approves, optionally acknowledging cost and zero.
type yes struct {
	cost, zero bool
	asked      []Confirmation
}

func (y *yes) Confirm(_ context.Context, c Confirmation) (Answer, error) {
	y.asked = append(y.asked, c)
	return Answer{Yes: true, CostAck: y.cost, ZeroAck: y.zero}, nil
}

func scriptCall(c Confirmer) Call {
	return Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: c}
}

func loadExample(t *testing.T, name string) *spec.Cluster {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func noEnv(string) (string, bool) { return "", false }

// createDev creates the dev cluster and returns its ID.
func (b *bed) createDev() string {
	b.t.Helper()
	res, err := b.eng.CreateCluster(context.Background(), scriptCall(&yes{}), CreateClusterInput{Spec: loadExample(b.t, "dev-cluster.yaml"), Getenv: noEnv})
	if err != nil {
		b.t.Fatalf("create: %v", err)
	}
	return res.ClusterID
}

// addTask adds a TASK group of n nodes and returns its ID.
func (b *bed) addTask(clusterID string, n int) string {
	b.t.Helper()
	g := spec.NodeGroup{Name: "task", Role: spec.RoleTask, Count: &n, InstanceTypes: []string{"ecs.g8i.xlarge"}}
	out, err := b.eng.CreateNodeGroup(context.Background(), scriptCall(&yes{}), NodeGroupInput{ClusterID: clusterID, Group: g})
	if err != nil {
		b.t.Fatalf("create node group: %v", err)
	}
	return out.NodeGroupID
}

func (b *bed) clusters() int {
	b.t.Helper()
	n := 0
	err := b.eng.ListClusters(context.Background(), provider.ClusterFilter{}, 100, func(p []provider.Cluster) error { n += len(p); return nil })
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// liveNodes counts the nodes of a group that are not stopping or released.
func (b *bed) liveNodes(clusterID, groupID string) int {
	b.t.Helper()
	st, err := b.eng.readGroup(context.Background(), clusterID, groupID)
	if err != nil {
		b.t.Fatal(err)
	}
	return st.live
}

func (b *bed) entries(op string) []journal.Entry {
	b.t.Helper()
	es, err := b.eng.opts.Journal.List(context.Background(), journal.Filter{Operation: op, Limit: 1000})
	if err != nil {
		b.t.Fatal(err)
	}
	return es
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
