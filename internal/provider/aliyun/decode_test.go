package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// canned answers every request with one status and body.
type canned struct {
	status int
	body   string
	reads  int
}

func (c *canned) RoundTrip(r *http.Request) (*http.Response, error) {
	c.reads++
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Request: r,
		Header: http.Header{"Content-Type": {"application/json;charset=utf-8"}},
		Body:   io.NopCloser(strings.NewReader(c.body)),
	}, nil
}

func cannedClient(t testing.TB, tr http.RoundTripper, viaMap bool) *Client {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{Type: ptr("access_key"), AccessKeyId: ptr("id"), AccessKeySecret: ptr("secret")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Config{Region: testRegion, Endpoint: "canned.local", Insecure: true, Credential: cred, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	c.viaMap = viaMap
	return c
}

// outcome is what a caller can see of a call.
type outcome struct {
	Err      string
	APIError *provider.APIError
	Resp     any
}

func callWith(t *testing.T, viaMap bool, status int, body string, call func(*Client) (any, error)) outcome {
	t.Helper()
	tr := &canned{status: status, body: body}
	resp, err := call(cannedClient(t, tr, viaMap))
	if tr.reads != 1 {
		t.Fatalf("%d requests sent, want 1", tr.reads)
	}
	o := outcome{Resp: resp}
	if err != nil {
		o.Err = err.Error()
		var ae *provider.APIError
		if errors.As(err, &ae) {
			cp := *ae
			cp.Err = nil
			o.APIError = &cp
		}
	}
	return o
}

// TestDecodeBodyMatchesGenericClient: decoding the raw body once gives
// what the generic client's "json" body type and a round trip gave, for
// good answers, odd ones and errors alike.
func TestDecodeBodyMatchesGenericClient(t *testing.T) {
	listClusters := func(c *Client) (any, error) {
		var resp emrwire.ListClustersResponse
		err := c.Call(context.Background(), contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: testRegion}, &resp)
		return resp, err
	}
	noResp := func(c *Client) (any, error) {
		return nil, c.Call(context.Background(), contract.EMR, "DeleteCluster", &emrwire.DeleteClusterRequest{RegionId: testRegion, ClusterId: "c-1"}, nil)
	}
	getWorkspace := func(c *Client) (any, error) {
		var resp sparkwire.ListWorkspacesResponse
		err := c.Call(context.Background(), contract.Spark, "ListWorkspaces", &sparkwire.ListWorkspacesRequest{RegionId: testRegion}, &resp)
		return resp, err
	}
	full := `{"RequestId":"R-1","TotalCount":2,"MaxResults":100,"NextToken":"t<&>\u00e9",
		"Clusters":[{"ClusterId":"c-1","ClusterName":"a \"b\" \\ c","CreateTime":1733200000123,"DeletionProtection":true,
		"Tags":[{"Key":"k","Value":"v"}],"StateChangeReason":{"Code":"x","Message":"ü 世界"}},
		{"ClusterId":"c-2","EndTime":null,"Description":""}]}`
	tests := []struct {
		name   string
		status int
		body   string
		call   func(*Client) (any, error)
	}{
		{"full page", 200, full, listClusters},
		{"leading space", 200, "\n  " + full, listClusters},
		{"trailing text", 200, `{"RequestId":"R-2"} and more`, listClusters},
		{"null members", 200, `{"RequestId":null,"Clusters":null,"TotalCount":null}`, listClusters},
		{"empty body", 200, ``, listClusters},
		{"null body", 200, `null`, listClusters},
		{"array body", 200, `[1,2]`, listClusters},
		{"string body", 200, `"ok"`, listClusters},
		{"not json", 200, `<html>bad gateway</html>`, listClusters},
		{"cut short", 200, `{"RequestId":"R-3","Clusters":[{`, listClusters},
		{"wrong type", 200, `{"RequestId":"R-4","TotalCount":"many"}`, listClusters},
		{"no resp wanted", 200, `{"RequestId":"R-5"}`, noResp},
		{"no resp, not json", 200, `oops`, noResp},
		{"client error", 400, `{"RequestId":"R-6","Code":"InvalidParameter","Message":"bad"}`, listClusters},
		{"throttled", 400, `{"RequestId":"R-7","Code":"Throttling.User","Message":"slow down"}`, listClusters},
		{"server error", 503, `{"RequestId":"R-8","Code":"ServiceUnavailable","Message":"later"}`, listClusters},
		{"error, not json", 502, `bad gateway`, listClusters},
		{"roa page", 200, `{"requestId":"R-9","totalCount":1,"workspaces":[{"workspaceId":"w-1","workspaceName":"n"}]}`, getWorkspace},
		{"roa error", 404, `{"requestId":"R-10","code":"NotFound","message":"no"}`, getWorkspace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := callWith(t, true, tt.status, tt.body, tt.call)
			got := callWith(t, false, tt.status, tt.body, tt.call)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("one decode differs from the generic client (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeBodyFillsResponse guards the comparison above against two
// paths that agree on nothing.
func TestDecodeBodyFillsResponse(t *testing.T) {
	tr := &canned{status: 200, body: `{"RequestId":"R-1","TotalCount":3,"Clusters":[{"ClusterId":"c-1","Tags":[{"Key":"k","Value":"v"}]}]}`}
	var resp emrwire.ListClustersResponse
	if err := cannedClient(t, tr, false).Call(context.Background(), contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: testRegion}, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.RequestId != "R-1" || resp.TotalCount == nil || *resp.TotalCount != 3 || len(resp.Clusters) != 1 ||
		resp.Clusters[0].ClusterId != "c-1" || len(resp.Clusters[0].Tags) != 1 || resp.Clusters[0].Tags[0].Value != "v" {
		t.Errorf("got %+v", resp)
	}
}

// BenchmarkListClustersPage: one ListClusters call of a 100-cluster page
// over a canned transport, decoded the generic client's way and once.
//
//	go test ./internal/provider/aliyun -run '^$' -bench ListClustersPage -benchmem
func BenchmarkListClustersPage(b *testing.B) {
	page := emrwire.ListClustersResponse{RequestId: "R-1", NextToken: "next"}
	for i := range 100 {
		created, ready := int64(1733200000000+i), int64(1733200600000+i)
		protect := i%2 == 0
		page.Clusters = append(page.Clusters, emrwire.ClusterSummary{
			ClusterId: fmt.Sprintf("c-%016x", i), ClusterName: fmt.Sprintf("cluster-%d", i), ClusterState: "RUNNING",
			ClusterType: "DATALAKE", CreateTime: &created, ReadyTime: &ready, DeletionProtection: &protect,
			PaymentType: "PayAsYouGo", ReleaseVersion: "EMR-5.16.0", ResourceGroupId: "rg-acfmzabjyop",
			EmrDefaultRole: "AliyunECSInstanceForEMRRole", Tags: []emrwire.Tag{{Key: "team", Value: "data"}, {Key: "env", Value: "prod"}},
		})
	}
	body, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	for _, viaMap := range []bool{true, false} {
		name := map[bool]string{true: "via-map", false: "once"}[viaMap]
		b.Run(name, func(b *testing.B) {
			tr := &canned{status: 200, body: string(body)}
			c := cannedClient(b, tr, viaMap)
			req := &emrwire.ListClustersRequest{RegionId: testRegion, MaxResults: ptr(int64(100))}
			b.ReportAllocs()
			for range b.N {
				var resp emrwire.ListClustersResponse
				if err := c.Call(context.Background(), contract.EMR, "ListClusters", req, &resp); err != nil || len(resp.Clusters) != 100 {
					b.Fatalf("got %d clusters, %v", len(resp.Clusters), err)
				}
			}
		})
	}
}
