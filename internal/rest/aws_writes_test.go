package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// ownBucket is the AWS bed's own bucket, where code may come from.
const ownBucket = "my-bucket"

// newAWSBed is the REST API over an engine on moto (the AWS emulator)
// with one running cluster from the AWS example; it skips without moto.
func newAWSBed(t *testing.T) (*bed, string) {
	t.Helper()
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
	if err := p.CreateBucket(ctx, ownBucket); err != nil {
		t.Fatal(err)
	}
	secrets := redact.NewRegistry()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"), journal.Options{Registry: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	eng, err := engine.New(engine.Options{Profile: "aws-test", Provider: p, Region: mototest.Region, Journal: j,
		Secrets: secrets, OwnBuckets: []string{ownBucket}, Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := readExample("aws-spark-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.CreateCluster(ctx, setupCall(), engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("create AWS cluster: %v", err)
	}
	b := &bed{t: t, eng: eng, secrets: secrets, tokens: map[auth.Role]string{}, logs: &syncBuffer{}}
	b.serve(j, bedOptions{})
	return b, res.ClusterID
}

// TestAWSWriteRoutes drives the AWS routes on moto: an upload of the
// request body, a step and a script run from it, and a step's cancel,
// which a person must approve.
func TestAWSWriteRoutes(t *testing.T) {
	b, c := newAWSBed(t)
	ctx := context.Background()
	op := b.client(auth.Operator)

	up := checker{t}.done(op.UploadObject(ctx, oas.UploadObjectReq{Data: strings.NewReader("print('hello')\n")},
		oas.UploadObjectParams{URI: "s3://" + ownBucket + "/jobs/hello.py", IdempotencyKey: oas.NewOptString("up-1")}))
	if up.Status != engine.StatusSent || !strings.Contains(string(up.Result), `"uri":"s3://my-bucket/jobs/hello.py"`) {
		t.Errorf("upload: got %+v, want sent to s3://my-bucket/jobs/hello.py", up)
	}
	again := checker{t}.done(op.UploadObject(ctx, oas.UploadObjectReq{Data: strings.NewReader("print('hello')\n")},
		oas.UploadObjectParams{URI: "s3://" + ownBucket + "/jobs/hello.py", IdempotencyKey: oas.NewOptString("up-1")}))
	if again.Status != engine.StatusReplayed {
		t.Errorf("the same upload with the same key: got status %s, want replayed", again.Status)
	}
	_, err := op.UploadObject(ctx, oas.UploadObjectReq{Data: strings.NewReader("print('other')\n")},
		oas.UploadObjectParams{URI: "s3://" + ownBucket + "/jobs/hello.py", IdempotencyKey: oas.NewOptString("up-1")})
	if p := problemOf(t, err); p.Type != TypeConflict {
		t.Errorf("other content with the same key: got %+v, want a conflict", p)
	}

	steps := func() int {
		all, err := b.eng.ListSteps(ctx, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	before := steps()
	added := checker{t}.done(op.AddStep(ctx, object(t, `{"name": "etl", "type": "pyspark", "script": "s3://my-bucket/jobs/hello.py", "actionOnFailure": "CONTINUE"}`),
		oas.AddStepParams{ClusterId: c}))
	ran := checker{t}.done(op.RunScript(ctx, &oas.RunRequest{URI: "s3://my-bucket/jobs/hello.py", Args: []string{"a b"}}, oas.RunScriptParams{ClusterId: c}))
	if added.Status != engine.StatusSent || ran.Status != engine.StatusSent || steps() != before+2 {
		t.Errorf("add step and run: got %s and %s with %d steps, want both sent and %d steps", added.Status, ran.Status, steps(), before+2)
	}
	var step struct {
		StepID string `json:"stepId"`
	}
	if err := json.Unmarshal(added.Result, &step); err != nil || step.StepID == "" {
		t.Fatalf("add step result %s: %v, want a step ID", added.Result, err)
	}
	res, err := op.CancelStep(ctx, oas.CancelStepParams{ClusterId: c, StepId: step.StepID})
	if err != nil {
		t.Fatal(err)
	}
	switch r := res.(type) {
	case *oas.WriteQueuedHeaders:
		out := b.approveAll(t, r.Response)
		if out.Status != oas.ApprovalStatusExecuted && out.Status != oas.ApprovalStatusFailed {
			t.Errorf("approved cancel: got %s, want it run", out.Status)
		}
	default:
		t.Errorf("cancel step: got %T, want 202: cancelling needs a person's confirmation", res)
	}
}

// TestStaleApproval: the target changes between the request and its
// approval (another scale-out), so the request the approver saw (an
// absolute size on AWS) is not the one that would be sent: nothing is
// sent and the approval ends failed with an approval-stale problem.
func TestStaleApproval(t *testing.T) {
	b, c := newAWSBed(t)
	ctx := context.Background()
	groups, err := b.eng.ListNodeGroups(ctx, c, provider.NodeGroupFilter{Roles: []string{"CORE"}})
	if err != nil || len(groups) == 0 {
		t.Fatalf("CORE group: %v", err)
	}
	g := groups[0]
	res, err := b.client(auth.Operator).ScaleOut(ctx, &oas.ScaleOutRequest{Count: 1}, oas.ScaleOutParams{ClusterId: c, NodeGroupId: g.ID})
	a := checker{t}.queued(res, err)
	if _, err := b.eng.ScaleOut(ctx, setupCall(), engine.ScaleOutInput{ClusterID: c, NodeGroupID: g.ID, Count: 2}); err != nil {
		t.Fatalf("the other scale-out: %v", err)
	}
	out := b.approveAll(t, a)
	var p oas.Problem
	if err := p.UnmarshalJSON(out.Result); err != nil {
		t.Fatalf("approval result %s: %v", out.Result, err)
	}
	if out.Status != oas.ApprovalStatusFailed || p.Code.Or("") != "approval-stale" {
		t.Errorf("stale approval: got %s with %+v, want failed with an approval-stale problem", out.Status, p)
	}
	after, err := b.eng.ListNodeGroups(ctx, c, provider.NodeGroupFilter{Roles: []string{"CORE"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := g.DesiredNodes + 2; after[0].DesiredNodes != want {
		t.Errorf("CORE group requested size: got %d, want %d (the other scale-out only)", after[0].DesiredNodes, want)
	}
	_, err = b.approve(b.approver2, a.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Status != http.StatusConflict || p.Code.Or("") != "approval-failed" {
		t.Errorf("approve the failed approval again: got %+v, want 409 approval-failed", p)
	}
}
