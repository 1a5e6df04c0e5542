package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/spec"
)

// readEnv is an engine on an instant in-process emulator, with the raw
// provider for setting up state the engine only reads.
type readEnv struct {
	t   *testing.T
	srv *emulator.Server
	eng *engine.Engine
	p   *aliyun.Provider
}

func sandboxProvider(t *testing.T, srv *emulator.Server, region string) *aliyun.Provider {
	t.Helper()
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: region, Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: srv.Transport(), ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return aliyun.New(c)
}

func newReadEnv(t *testing.T) *readEnv {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"), journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	env := &readEnv{t: t, srv: srv, p: sandboxProvider(t, srv, "cn-hangzhou")}
	env.eng, err = engine.New(engine.Options{
		Profile: "test", Provider: env.p, Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: policy.Default(),
		ForRegion: func(region string) (provider.Provider, error) { return sandboxProvider(t, srv, region), nil },
		Backoff:   func(int) time.Duration { return time.Millisecond },
		Now:       func() time.Time { return srv.Clock().Now() },
	})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

type approve struct{}

func (approve) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true, CostAck: true}, nil
}

func (env *readEnv) call() engine.Call {
	return engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: approve{}}
}

// example loads a spec of examples/, edited by the replacements (old, new
// pairs).
func example(t *testing.T, name string, replace ...string) *spec.Cluster {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for i := 0; i+1 < len(replace); i += 2 {
		text = strings.ReplaceAll(text, replace[i], replace[i+1])
	}
	c, err := spec.Load([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// create creates a cluster from a spec (without the plan's look-ups, so
// that bad networks reach the cloud) and returns its ID.
func (env *readEnv) create(c *spec.Cluster) string {
	env.t.Helper()
	res, err := env.eng.CreateCluster(context.Background(), env.call(), engine.CreateClusterInput{
		Spec: c, Getenv: func(string) (string, bool) { return "", false }, SkipLiveChecks: true,
	})
	if err != nil {
		env.t.Fatalf("create %s: %v", c.Name, err)
	}
	return res.ClusterID
}

// badNetwork is the dev cluster with an enterprise security group and a
// vSwitch of another zone.
func badNetwork(t *testing.T) *spec.Cluster {
	return example(t, "dev-cluster.yaml",
		"name: dev-datalake", "name: bad-network",
		"sg-bp1sandboxnormal0001", "sg-bp1sandboxenterprise1",
		"vsw-bp1sandboxzoneh00001", "vsw-bp1sandboxzonei00001")
}
