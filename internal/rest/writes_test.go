package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/go-faster/jx"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// TestWriteRoutesNeedTheirRole sends every write and decision route with
// a token whose role may not: writes need an operator, decisions an
// approver; each refusal is a 403 forbidden problem and sends nothing.
func TestWriteRoutesNeedTheirRole(t *testing.T) {
	b := newBed(t, bedOptions{})
	param := regexp.MustCompile(`\{[^}]+\}`)
	checked := 0
	for _, op := range documentOperations(t) {
		if op.method == http.MethodGet {
			continue
		}
		refused := []auth.Role{auth.Viewer, auth.Approver}
		if strings.HasPrefix(op.path, "/v1/approvals/") {
			refused = []auth.Role{auth.Viewer, auth.Operator}
		}
		for _, role := range refused {
			req, err := http.NewRequest(op.method, b.url+param.ReplaceAllString(op.path, "x1"), strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+b.tokens[role])
			req.Header.Set("Content-Type", "application/json")
			resp, body := do(t, req)
			if p := decodeProblem(t, resp, body); p.Type != TypeForbidden || p.Status != http.StatusForbidden {
				t.Errorf("%s %s as %s: got %d %s, want 403 forbidden", op.method, op.path, role, resp.StatusCode, p.Type)
			}
			checked++
		}
	}
	if checked < 2*16 {
		t.Errorf("checked %d refusals, want every write and decision route", checked)
	}
	if got := b.emu.Stats(); len(got) > 0 {
		for action, n := range got {
			if strings.HasPrefix(action, "Increase") || strings.HasPrefix(action, "Create") || strings.HasPrefix(action, "Delete") {
				t.Errorf("%s sent %d times by refused requests", action, n)
			}
		}
	}
}

// object turns JSON or YAML into ogen's free-form object.
func object(t *testing.T, doc string) map[string]jx.Raw {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]jx.Raw{}
	for k, val := range v {
		raw, err := json.Marshal(val)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = raw
	}
	return out
}

// approveAll answers a queued write's approval with every acknowledgement
// it asks for and returns the approval afterwards.
func (b *bed) approveAll(t *testing.T, a oas.Approval) *oas.Approval {
	t.Helper()
	out, err := b.approve(b.tokens[auth.Approver], a.ID, oas.ApproveRequest{CostAck: oas.NewOptBool(a.NeedsCostAck.Or(false)),
		ZeroAck: oas.NewOptBool(a.RequireZeroAck.Or(false)), TypedName: a.RequireTypedName})
	if err != nil {
		t.Fatalf("approve %s (%s): %v", a.ID, a.Operation, err)
	}
	return out
}

// TestAliyunWriteRoutes drives each write route on the Alibaba Cloud
// sandbox: those a person must confirm answer 202 and run once when
// approved; the policy's refusals and the AWS-only routes are problems.
func TestAliyunWriteRoutes(t *testing.T) {
	b := newBed(t, bedOptions{})
	ctx := context.Background()
	c := b.createCluster("writes")
	task, _ := b.addTaskGroup(c, 1)
	run := b.submitSparkRun("finished")
	op := b.client(auth.Operator)
	raw, err := readExample("dev-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := object(t, strings.Replace(string(raw), "name: dev-datalake", "name: rest-created", 1))
	policy := &oas.AutoScalingPolicyRequest{MinCapacity: 0, MaxCapacity: 4, Rules: []oas.AutoScalingPolicyRequestRulesItem{object(t,
		`{"name": "morning", "triggerType": "TIME_TRIGGER", "activityType": "SCALE_OUT", "adjustment": 2,
		  "time": {"launchTime": "09:00", "startTime": "2030-01-01T00:00:00Z", "recurrenceType": "DAILY"}}`)}}
	approved := []struct {
		name   string
		action string
		send   func() (any, error)
	}{
		{"create cluster", "RunCluster", func() (any, error) { return op.CreateCluster(ctx, spec, oas.CreateClusterParams{}) }},
		{"create node group", "CreateNodeGroup", func() (any, error) {
			return op.CreateNodeGroup(ctx, object(t, `{"name": "more", "role": "TASK", "count": 1, "instanceTypes": ["ecs.g7.xlarge"]}`),
				oas.CreateNodeGroupParams{ClusterId: c})
		}},
		{"put auto scaling policy", "PutAutoScalingPolicy", func() (any, error) {
			return op.PutAutoScalingPolicy(ctx, policy, oas.PutAutoScalingPolicyParams{ClusterId: c, NodeGroupId: task})
		}},
		{"remove auto scaling policy", "RemoveAutoScalingPolicy", func() (any, error) {
			return op.RemoveAutoScalingPolicy(ctx, oas.RemoveAutoScalingPolicyParams{ClusterId: c, NodeGroupId: task})
		}},
		{"submit spark job run", "StartJobRun", func() (any, error) {
			return op.SubmitSparkJobRun(ctx, object(t, `{"name": "pi", "codeType": "JAR", "queue": "root_queue",
				"entryPoint": "oss://emrctl-sandbox-spark/jars/spark-examples.jar", "mainClass": "org.apache.spark.examples.SparkPi"}`),
				oas.SubmitSparkJobRunParams{WorkspaceId: sparkWS})
		}},
	}
	for _, tc := range approved {
		t.Run(tc.name, func(t *testing.T) {
			before := b.sent(tc.action)
			a := checker{t}.queued(tc.send())
			if n := b.sent(tc.action) - before; n != 0 {
				t.Fatalf("%s sent %d times before approval, want 0", tc.action, n)
			}
			out := b.approveAll(t, a)
			if out.Status != oas.ApprovalStatusExecuted || resultStatus(t, out) != "sent" {
				t.Errorf("approved: got %s with result %s, want executed and sent", out.Status, out.Result)
			}
			if n := b.sent(tc.action) - before; n != 1 {
				t.Errorf("%s sent %d times, want 1", tc.action, n)
			}
		})
	}

	refused := []struct {
		name   string
		typ    oas.ProblemType
		status int
		send   func() (any, error)
	}{
		{"delete cluster", TypePolicyRefusal, http.StatusForbidden, func() (any, error) {
			return op.DeleteCluster(ctx, oas.DeleteClusterParams{ClusterId: c})
		}},
		{"cancel a finished job run", TypePolicyRefusal, http.StatusForbidden, func() (any, error) {
			return op.CancelSparkJobRun(ctx, oas.CancelSparkJobRunParams{WorkspaceId: sparkWS, JobRunId: run})
		}},
		{"add step", TypeUnsupported, http.StatusNotImplemented, func() (any, error) {
			return op.AddStep(ctx, object(t, `{"name": "s", "type": "spark", "jar": "s3://emrctl-sandbox-spark/x.jar"}`), oas.AddStepParams{ClusterId: c})
		}},
		{"cancel step", TypeUnsupported, http.StatusNotImplemented, func() (any, error) {
			return op.CancelStep(ctx, oas.CancelStepParams{ClusterId: c, StepId: "s-ABCDEFGHIJKLM"})
		}},
		// Copying runs a command step, which the engine keeps for people.
		{"copy", TypeInput, http.StatusBadRequest, func() (any, error) {
			return op.CopyToCluster(ctx, &oas.CopyRequest{URI: "s3://my-bucket/k"}, oas.CopyToClusterParams{ClusterId: c})
		}},
		{"run", TypeUnsupported, http.StatusNotImplemented, func() (any, error) {
			return op.RunScript(ctx, &oas.RunRequest{URI: "s3://emrctl-sandbox-spark/k.sh"}, oas.RunScriptParams{ClusterId: c})
		}},
		{"upload", TypeUnsupported, http.StatusNotImplemented, func() (any, error) {
			return op.UploadObject(ctx, oas.UploadObjectReq{Data: strings.NewReader("hello")}, oas.UploadObjectParams{URI: "s3://my-bucket/k"})
		}},
		{"copy with a bad URI", TypeInput, http.StatusBadRequest, func() (any, error) {
			return op.CopyToCluster(ctx, &oas.CopyRequest{URI: "/etc/passwd"}, oas.CopyToClusterParams{ClusterId: c})
		}},
		{"node group with an unknown field", TypeInput, http.StatusBadRequest, func() (any, error) {
			return op.CreateNodeGroup(ctx, object(t, `{"name": "x", "role": "TASK", "count": 1, "instanceTypes": ["ecs.g7.xlarge"], "colour": "red"}`),
				oas.CreateNodeGroupParams{ClusterId: c})
		}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.send()
			if p := problemOf(t, err); p.Type != tc.typ || p.Status != tc.status {
				t.Errorf("got %d %s (%s %+v), want %d %s", p.Status, p.Type, p.Detail.Or(""), p.Errors, tc.status, tc.typ)
			}
		})
	}
}

// TestUploadTooLarge refuses a body over the limit before anything else.
func TestUploadTooLarge(t *testing.T) {
	b := newBed(t, bedOptions{})
	req, err := http.NewRequest(http.MethodPost, b.url+"/v1/uploads?uri=s3://b/big", bytes.NewReader(make([]byte, maxUpload+1)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+b.tokens[auth.Operator])
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, body := do(t, req)
	if p := decodeProblem(t, resp, body); p.Type != TypeTooLarge || p.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d %s, want 413 too-large", resp.StatusCode, p.Type)
	}
}

// TestJSONBodyTooLarge: a write's JSON body over 1 MiB is refused with
// 413 before it is read whole, and nothing is queued or sent.
func TestJSONBodyTooLarge(t *testing.T) {
	b := newBed(t, bedOptions{})
	body := `{"count":1,"pad":"` + strings.Repeat("x", 2<<20) + `"}`
	req, err := http.NewRequest(http.MethodPost, b.url+"/v1/clusters/c-0000000000000000/node-groups/ng-0000000000000000/scale-out", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+b.tokens[auth.Operator])
	req.Header.Set("Content-Type", "application/json")
	resp, raw := do(t, req)
	if p := decodeProblem(t, resp, raw); p.Type != TypeTooLarge || p.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d %s, want 413 too-large", resp.StatusCode, p.Type)
	}
	if list, err := b.approvals.List(context.Background(), approval.Filter{}); err != nil || len(list) != 0 {
		t.Errorf("approvals after the refused body: %d, %v; want none", len(list), err)
	}
}
