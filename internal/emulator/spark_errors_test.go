package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// TestSparkRegion covers where an ROA request's region comes from: a
// write needs ?regionId= in its URL, also where the SDK model has no such
// member; a GET may do without when it names a workspace.
func TestSparkRegion(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	noRegion := sparkPiJob(seedWorkspaceID, "no-region")
	noRegion.RegionId = ""
	for _, c := range []struct {
		name   string
		action string
		req    any
		code   string
	}{
		{"write without regionId", "StartKyuubiService", &sparkwire.StartKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID}, "MissingParameter.regionId"},
		{"write whose model has regionId, left out", "StartJobRun", noRegion, "MissingParameter.regionId"},
		{"GET of the account without regionId", "ListWorkspaces", &sparkwire.ListWorkspacesRequest{}, "MissingParameter.regionId"},
		{"GET of a workspace without regionId", "GetKyuubiService", &sparkwire.GetKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID}, ""},
		{"unknown region", "ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: "hangzhou"}, "InvalidRegionId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := spec(t, c.action)
			r := sdkRequest(t, a, c.req)
			_, err := h.send(withPath(t, a, c.req), r, clientOpts{})
			if c.code == "" {
				if err != nil {
					t.Fatalf("got %s, want success", describe(err))
				}
				return
			}
			wantCode(t, err, c.code)
		})
	}
	var list sparkwire.ListJobRunsResponse
	h.spark("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region}, &list)
	if got := *list.TotalCount; got != 0 {
		t.Errorf("after the refused StartJobRun: got %d job runs, want 0", got)
	}
}

func sdkRequestFor(query map[string]string) *openapiutil.OpenApiRequest {
	q := map[string]*string{}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	return &openapiutil.OpenApiRequest{Query: q}
}

func TestHostRegion(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"emr-serverless-spark.cn-hangzhou.aliyuncs.com", "cn-hangzhou"},
		{"emr-serverless-spark-vpc.ap-southeast-1.aliyuncs.com:443", "ap-southeast-1"},
		{"127.0.0.1:8080", ""},
		{"emr.cn-hangzhou.aliyuncs.com", ""},
	} {
		if got := hostRegion(c.host); got != c.want {
			t.Errorf("hostRegion(%q): got %q, want %q", c.host, got, c.want)
		}
	}
}

// nullCode is what darabonba's client reports as the code of an error
// body whose code is null.
const nullCode = "<nil>"

// TestSparkErrorBodies covers the codes of the skill's error table and the
// body the ROA gateway writes.
func TestSparkErrorBodies(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	t.Run("List* on an unknown workspace has no code", func(t *testing.T) {
		err := h.sparkErr("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: "w-nope", RegionId: region})
		// darabonba formats the null code with %v: a caller sees "<nil>".
		if err == nil || codeOf(err) != nullCode {
			t.Fatalf("got %v, want an error whose code is null (%q to the client)", err, nullCode)
		}
		e, _ := h.wire.last("ListJobRuns")
		var body map[string]any
		if jerr := json.Unmarshal(e.response, &body); jerr != nil {
			t.Fatal(jerr)
		}
		if code, present := body["code"]; !present || code != nil || e.status != http.StatusForbidden {
			t.Errorf("got status %d body %s, want 403 with \"code\": null", e.status, e.response)
		}
		checkRequestID(t, "ListJobRuns", e, "requestId")
	})
	t.Run("List* on another region's workspace has no code", func(t *testing.T) {
		err := h.sparkErr("ListSessionClusters", &sparkwire.ListSessionClustersRequest{WorkspaceId: seedWorkspaceID, RegionId: "cn-shanghai"})
		if err == nil || codeOf(err) != nullCode {
			t.Fatalf("got %v, want an error whose code is null", err)
		}
	})
	for _, c := range []struct {
		name   string
		action string
		req    any
		code   string
	}{
		{"Get on an unknown workspace", "GetJobRun", &sparkwire.GetJobRunRequest{WorkspaceId: "w-nope", JobRunId: "jr-1", RegionId: region}, "ResourceNotFound"},
		{"unknown job run", "GetJobRun", &sparkwire.GetJobRunRequest{WorkspaceId: seedWorkspaceID, JobRunId: "jr-1", RegionId: region}, "ResourceNotFound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, h.sparkErr(c.action, c.req), c.code)
		})
	}
	t.Run("DeleteWorkspace is not an action", func(t *testing.T) {
		spark := contract.MustLoad(contract.Spark)
		a := &contract.Action{
			Name: "DeleteWorkspace", Version: spark.Version, Protocol: "HTTPS", Method: "DELETE", Pathname: "/api/v1/workspaces/" + seedWorkspaceID,
			Style: "ROA", AuthType: "AK", ReqBodyType: "json", BodyType: "json",
		}
		_, err := h.send(a, sdkRequestFor(map[string]string{"regionId": region}), clientOpts{})
		wantCode(t, err, "InvalidAction.NotFound")
		if e, _ := h.wire.last("DeleteWorkspace"); e.status != http.StatusNotFound {
			t.Errorf("got status %d, want 404", e.status)
		}
		if got := h.workspaceStatus(seedWorkspaceID); got != wsRunning {
			t.Errorf("the workspace after DeleteWorkspace: got %s, want RUNNING", got)
		}
	})
	t.Run("throttling", func(t *testing.T) {
		if err := h.srv.AddFault(FaultRule{Action: "ListWorkspaces", ThrottleNext: 1}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, h.sparkErr("ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: region}), "Throttling")
		if e, _ := h.wire.last("ListWorkspaces"); e.header.Get("x-ratelimit-user-api") == "" {
			t.Errorf("a throttled answer has no x-ratelimit-user-api header")
		}
	})
	t.Run("read-only RAM user", func(t *testing.T) {
		ro := clientOpts{cred: SandboxReadOnlyCredential}
		a := spec(t, "StartJobRun")
		req := sparkPiJob(seedWorkspaceID, "read-only")
		_, err := h.send(withPath(t, a, req), sdkRequest(t, a, req), ro)
		wantCode(t, err, "Forbidden.RAM")
		if !strings.Contains(messageOf(err), "emr-serverless-spark:StartJobRun") {
			t.Errorf("message %q does not name the action", messageOf(err))
		}
		list := spec(t, "ListJobRuns")
		lreq := &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region}
		if _, err := h.send(withPath(t, list, lreq), sdkRequest(t, list, lreq), ro); err != nil {
			t.Errorf("ListJobRuns by the read-only user: got %s, want success", describe(err))
		}
	})
}
