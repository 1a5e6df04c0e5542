package rest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// TestAWSSteps reads the steps of an AWS EMR cluster on moto (the AWS
// emulator) through the REST API: the list in pages, one step, and a
// missing one.
func TestAWSSteps(t *testing.T) {
	moto, err := mototest.Start()
	if err != nil {
		if mototest.Required() {
			t.Fatalf("moto_server is required (EMRCTL_REQUIRE_MOTO=1): %v", err)
		}
		t.Skipf("moto_server unavailable: %v", err)
	}
	t.Cleanup(func() { moto.Close() })
	ctx := context.Background()
	p, err := awsprov.New(ctx, awsprov.Config{Region: mototest.Region, Endpoint: moto.URL,
		Credentials: credentials.NewStaticCredentialsProvider(mototest.AccessKeyID, mototest.SecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	secrets := redact.NewRegistry()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"), journal.Options{Registry: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	eng, err := engine.New(engine.Options{Profile: "aws-test", Provider: p, Region: mototest.Region, Journal: j,
		Secrets: secrets, OwnBuckets: []string{"my-bucket"}, Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := readExample("aws-spark-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil || c.AWS == nil || len(c.AWS.Steps) == 0 {
		t.Fatalf("the AWS example: %v, want a cluster with a step", err)
	}
	// A second and a third step, so that the steps fill pages of one.
	for _, name := range []string{"Process More", "Process Again"} {
		s := c.AWS.Steps[0]
		s.Name = name
		c.AWS.Steps = append(c.AWS.Steps, s)
	}
	res, err := eng.CreateCluster(ctx, setupCall(), engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("create AWS cluster: %v", err)
	}
	steps, err := eng.ListSteps(ctx, res.ClusterID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 {
		t.Fatalf("the example cluster has %d steps, want 3 to page", len(steps))
	}
	var want []string
	for _, s := range steps {
		want = append(want, s.ID)
	}
	slices.Sort(want)

	store := auth.NewMemoryStore()
	tok, _, err := store.Create(ctx, "ci", auth.Viewer, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Engine: eng, Auth: store, Secrets: secrets, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cl, err := oas.NewClient(srv.URL, bearer(tok))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	params := oas.ListStepsParams{ClusterId: res.ClusterID, Limit: oas.NewOptInt(1)}
	for range len(want) + 1 {
		page, err := cl.ListSteps(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			got = append(got, s.ID)
		}
		next, ok := page.NextCursor.Get()
		if !ok {
			break
		}
		params.Cursor = oas.NewOptString(next)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps over pages of one (-engine +REST):\n%s", diff)
	}
	one, err := cl.GetStep(ctx, oas.GetStepParams{ClusterId: res.ClusterID, StepId: want[0]})
	if err != nil || one.ID != want[0] || one.ClusterId != res.ClusterID || one.Name == "" {
		t.Errorf("get step: got %+v, %v, want step %s of %s", one, err, want[0], res.ClusterID)
	}
	_, err = cl.GetStep(ctx, oas.GetStepParams{ClusterId: res.ClusterID, StepId: "s-ZZZZZZZZZZZZZ"})
	if p := problemOf(t, err); p.Type != TypeNotFound || p.Status != http.StatusNotFound {
		t.Errorf("missing step: got %+v, want a 404 not-found problem", p)
	}
}
