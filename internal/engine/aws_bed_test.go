package engine_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
	"github.com/emrctl/emrctl/internal/spec"
)

// awsBed is an engine on an AWS endpoint (moto, a fault proxy in front of
// it, or a replay of recorded exchanges) with a real SQLite journal.
type awsBed struct {
	t   *testing.T
	eng *engine.Engine
	p   *awsprov.Provider
}

func newAWSBed(t *testing.T, endpoint string, tweak ...func(*engine.Options)) *awsBed {
	t.Helper()
	ctx := context.Background()
	p, err := awsprov.New(ctx, awsprov.Config{
		Region: mototest.Region, Endpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider(mototest.AccessKeyID, mototest.SecretAccessKey, ""),
		ReadTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"), journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	opts := engine.Options{
		Profile: "aws-test", Provider: p, Region: mototest.Region, Journal: j, Policy: policy.Default(),
		Backoff:  func(int) time.Duration { return time.Millisecond },
		Timeouts: engine.Timeouts{Poll: time.Millisecond, Wait: 10 * time.Second},
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range tweak {
		f(&opts)
	}
	eng, err := engine.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &awsBed{t: t, eng: eng, p: p}
}

// motoBed resets the shared moto server and returns a bed on it.
func motoBed(t *testing.T, srv *mototest.Server, tweak ...func(*engine.Options)) *awsBed {
	t.Helper()
	if err := srv.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	return newAWSBed(t, srv.URL, tweak...)
}

// startMoto starts moto for the test (and its subtests), or skips.
func startMoto(t *testing.T) *mototest.Server {
	t.Helper()
	srv, err := mototest.Start()
	if err != nil {
		if mototest.Required() {
			t.Fatalf("moto_server is required (EMRCTL_REQUIRE_MOTO=1): %v", err)
		}
		t.Skipf("moto_server unavailable: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// approver approves every confirmation, typing the name back, and keeps
// what it was shown.
type approver struct {
	asked []engine.Confirmation
}

func (a *approver) Confirm(_ context.Context, c engine.Confirmation) (engine.Answer, error) {
	a.asked = append(a.asked, c)
	return engine.Answer{Yes: true, CostAck: true, ZeroAck: true, TypedName: c.RequireTypedName}, nil
}

func callAs(kind policy.ActorKind, c engine.Confirmer) engine.Call {
	return engine.Call{Actor: policy.Actor{Kind: kind, Name: "tester"}, Confirm: c}
}

const groupsSpec = `apiVersion: emrctl.io/v1alpha1
kind: Cluster
name: etl
provider: aws
region: us-east-1
releaseVersion: emr-7.2.0
tags: {env: test}
applications: [Hadoop, Spark]
nodeGroups:
  - {name: master, role: MASTER, count: 1, instanceTypes: [m5.xlarge]}
  - {name: core, role: CORE, count: 2, instanceTypes: [m5.xlarge]}
  - {name: task, role: TASK, count: 2, instanceTypes: [m5.xlarge], spot: {strategy: SpotAsPriceGo}}
bootstrapScripts:
  - {name: deps, path: s3://emrctl-code/deps.sh}
aws:
  logUri: s3://emrctl-logs/emr/
  serviceRole: EMR_DefaultRole
  jobFlowRole: EMR_EC2_DefaultRole
`

func loadAWSSpec(t *testing.T, raw string) *spec.Cluster {
	t.Helper()
	c, err := spec.Load([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (b *awsBed) create(raw string) string {
	b.t.Helper()
	res, err := b.eng.CreateCluster(context.Background(), callAs(policy.Script, &approver{}), engine.CreateClusterInput{Spec: loadAWSSpec(b.t, raw)})
	if err != nil {
		b.t.Fatalf("create: %v", err)
	}
	return res.ClusterID
}

func (b *awsBed) clusterIDs() []string {
	b.t.Helper()
	var ids []string
	err := b.eng.ListClusters(context.Background(), provider.ClusterFilter{}, 50, func(p []provider.Cluster) error {
		for _, c := range p {
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return ids
}

func (b *awsBed) entries(op string) []journal.Entry {
	b.t.Helper()
	es, err := b.eng.Journal().List(context.Background(), journal.Filter{Operation: op, Limit: 100})
	if err != nil {
		b.t.Fatal(err)
	}
	return es
}

// dropFirst is a proxy to target that lets the first request of the
// X-Amz-Target op reach the service and then loses its response.
func dropFirst(t *testing.T, target, op string) *mototest.Proxy {
	t.Helper()
	p, err := mototest.NewProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	p.Drop(op, 1)
	return p
}
