// Package bench_test measures the throughput of emrctl's embedded Alibaba
// EMR emulator as a client sees it: every request goes through
// darabonba-openapi's generic client (signing included) and the emulator's
// verification, decoding, store and encoding, in process or over HTTP.
//
//	go test ./bench -run '^$' -bench . -benchtime=200x
package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/emulator"
)

// seeded is how many clusters the benchmarks list.
const seeded = 1000

// httpClient adapts an *http.Client to the SDK's HttpClient interface.
type httpClient struct{ c *http.Client }

func (h httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return h.c.Do(req)
}

// target is one way of reaching the emulator.
type target struct {
	name string
	cl   *openapi.Client
}

func newClient(b *testing.B, endpoint string, hc dara.HttpClient) *openapi.Client {
	b.Helper()
	cl, err := openapi.NewClient(&openapi.Config{
		AccessKeyId:     dara.String(emulator.SandboxCredential.AccessKeyID),
		AccessKeySecret: dara.String(emulator.SandboxCredential.AccessKeySecret),
		Endpoint:        dara.String(endpoint), Protocol: dara.String("HTTP"), RegionId: dara.String("cn-hangzhou"),
		HttpClient: hc,
	})
	if err != nil {
		b.Fatal(err)
	}
	cl.DisableSDKError = dara.Bool(true)
	return cl
}

// setup starts an emulator without throttling, seeds it through the API
// and returns an in-process and an HTTP client for it.
func setup(b *testing.B) []target {
	b.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	inproc := newClient(b, "sandbox.local", httpClient{&http.Client{Transport: srv.Transport()}})
	for i := 0; i < seeded; i++ {
		call(b, inproc, "CreateCluster", seedRequest(i))
	}
	return []target{
		{"inprocess", inproc},
		// The SDK's own HTTP client, as any program using the SDK has.
		{"http", newClient(b, strings.TrimPrefix(ts.URL, "http://"), nil)},
	}
}

// seedRequest is a one-node cluster; the instance types spread the 1,000
// nodes over stock of 500 per type.
func seedRequest(i int) map[string]any {
	return map[string]any{
		"RegionId": "cn-hangzhou", "ClusterName": fmt.Sprintf("bench-%04d", i), "ClusterType": "DATALAKE",
		"ReleaseVersion": "EMR-5.21.0", "Applications": []any{map[string]any{"ApplicationName": "HADOOP-COMMON"}},
		"NodeAttributes": map[string]any{"VpcId": "vpc-bp1sandbox0000000001", "ZoneId": "cn-hangzhou-h", "SecurityGroupId": "sg-bp1sandboxnormal0001"},
		"NodeGroups": []any{map[string]any{
			"NodeGroupType": "MASTER", "NodeGroupName": "master", "NodeCount": 1,
			"InstanceTypes": []any{"ecs.g8i.xlarge", "ecs.g8i.2xlarge", "ecs.c8i.2xlarge"},
			"VSwitchIds":    []any{"vsw-bp1sandboxzoneh00001"},
		}},
	}
}

// call sends an EMR action whose parameters all go in the query, as the
// official SDK does (flat values are flattened by openapiutil.Query).
// Every EMR 2021-03-20 action is RPC over POST with these parameters, as
// the product SDK declares them; the benchmark is a client of its own, so
// it does not read emrctl's contracts.
func call(b *testing.B, cl *openapi.Client, action string, query map[string]any) map[string]any {
	p := &openapiutil.Params{
		Action: dara.String(action), Version: dara.String("2021-03-20"), Protocol: dara.String("HTTPS"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	runtime := &dara.RuntimeOptions{ReadTimeout: dara.Int(10000), ConnectTimeout: dara.Int(5000), Autoretry: dara.Bool(false)}
	out, err := cl.CallApiWithCtx(context.Background(), p, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, runtime)
	if err != nil {
		b.Fatalf("%s: %v", action, err)
	}
	body, _ := out["body"].(map[string]any)
	return body
}

// clusterIDs lists every seeded cluster.
func clusterIDs(b *testing.B, cl *openapi.Client) []string {
	var ids []string
	token := ""
	for {
		q := map[string]any{"RegionId": "cn-hangzhou", "MaxResults": 100}
		if token != "" {
			q["NextToken"] = token
		}
		body := call(b, cl, "ListClusters", q)
		list, _ := body["Clusters"].([]any)
		for _, c := range list {
			ids = append(ids, c.(map[string]any)["ClusterId"].(string))
		}
		if token, _ = body["NextToken"].(string); token == "" {
			break
		}
	}
	if len(ids) != seeded {
		b.Fatalf("got %d clusters, want %d", len(ids), seeded)
	}
	return ids
}

func reportRate(b *testing.B, requests int) {
	b.ReportMetric(float64(requests)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkGetCluster(b *testing.B) {
	targets := setup(b)
	ids := clusterIDs(b, targets[0].cl)
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				body := call(b, tg.cl, "GetCluster", map[string]any{"RegionId": "cn-hangzhou", "ClusterId": ids[n%len(ids)]})
				if _, ok := body["Cluster"]; !ok {
					b.Fatalf("GetCluster: no Cluster in %v", body)
				}
				n++
			}
			reportRate(b, n)
		})
	}
}

// BenchmarkListClusters pages through the 1,000 clusters 100 at a time,
// following NextToken; one op is one page (one request), so allocs/op is
// per request.
func BenchmarkListClusters(b *testing.B) {
	targets := setup(b)
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			n, listed, token := 0, 0, ""
			for b.Loop() {
				q := map[string]any{"RegionId": "cn-hangzhou", "MaxResults": 100}
				if token != "" {
					q["NextToken"] = token
				}
				body := call(b, tg.cl, "ListClusters", q)
				page, _ := body["Clusters"].([]any)
				if len(page) != 100 {
					b.Fatalf("got a page of %d clusters, want 100", len(page))
				}
				listed += len(page)
				token, _ = body["NextToken"].(string)
				n++
			}
			reportRate(b, n)
			b.ReportMetric(float64(listed)/b.Elapsed().Seconds(), "clusters/s")
		})
	}
}
