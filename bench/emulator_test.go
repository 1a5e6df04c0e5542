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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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

// send sends an EMR action whose parameters all go in the query, as the
// official SDK does (flat values are flattened by openapiutil.Query).
// Every EMR 2021-03-20 action is RPC over POST with these parameters, as
// the product SDK declares them; the benchmark is a client of its own, so
// it does not read emrctl's contracts.
func send(cl *openapi.Client, action string, query map[string]any) (map[string]any, error) {
	p := &openapiutil.Params{
		Action: dara.String(action), Version: dara.String("2021-03-20"), Protocol: dara.String("HTTPS"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	runtime := &dara.RuntimeOptions{ReadTimeout: dara.Int(10000), ConnectTimeout: dara.Int(5000), Autoretry: dara.Bool(false)}
	out, err := cl.CallApiWithCtx(context.Background(), p, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, runtime)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	body, _ := out["body"].(map[string]any)
	return body, nil
}

// call is send for the benchmark's goroutine: a failure stops it.
func call(b *testing.B, cl *openapi.Client, action string, query map[string]any) map[string]any {
	body, err := send(cl, action, query)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// callAsync is send for another goroutine: it reports a failure without
// stopping the goroutine.
func callAsync(b *testing.B, cl *openapi.Client, action string, query map[string]any) map[string]any {
	body, err := send(cl, action, query)
	if err != nil {
		b.Error(err)
	}
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

// concurrentTarget is an emulator holding n clusters (seeded directly,
// see emulator.SeedClusters) behind a real HTTP listener, and their IDs.
func concurrentTarget(b *testing.B, n int) (endpoint string, ids []string) {
	b.Helper()
	st := emulator.NewMemoryStore()
	srv, err := emulator.New(emulator.Options{Store: st, Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	if err := emulator.SeedClusters(st, "cn-hangzhou", n, srv.Clock().Now()); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	endpoint = strings.TrimPrefix(ts.URL, "http://")
	cl := newClient(b, endpoint, pooledHTTP())
	body := call(b, cl, "ListClusters", map[string]any{"RegionId": "cn-hangzhou", "MaxResults": 100})
	for _, c := range body["Clusters"].([]any) {
		ids = append(ids, c.(map[string]any)["ClusterId"].(string))
	}
	return endpoint, ids
}

// pooledHTTP keeps enough idle connections for 32 concurrent clients, so
// the benchmark measures requests, not TCP handshakes.
func pooledHTTP() dara.HttpClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return httpClient{&http.Client{Transport: tr}}
}

// BenchmarkConcurrent measures req/s over HTTP with 8 and 32 clients at
// once: GetCluster, and the first page (MaxResults 100, with its
// TotalCount) of ListClusters over 10 and 1,000 clusters. One op is one
// request. Run with -benchtime 2000x or more.
func BenchmarkConcurrent(b *testing.B) {
	for _, n := range []int{10, 1000} {
		endpoint, ids := concurrentTarget(b, n)
		for _, conc := range []int{8, 32} {
			name := fmt.Sprintf("clusters=%d/c=%d", n, conc)
			b.Run("ListClusters/"+name, func(b *testing.B) {
				runConcurrent(b, endpoint, conc, func(cl *openapi.Client, _ int) {
					body := callAsync(b, cl, "ListClusters", map[string]any{"RegionId": "cn-hangzhou", "MaxResults": 100})
					if page, _ := body["Clusters"].([]any); len(page) != min(n, 100) {
						b.Errorf("got a page of %d clusters, want %d", len(page), min(n, 100))
					}
				})
			})
			if n != 1000 {
				continue
			}
			b.Run("GetCluster/"+name, func(b *testing.B) {
				runConcurrent(b, endpoint, conc, func(cl *openapi.Client, i int) {
					body := callAsync(b, cl, "GetCluster", map[string]any{"RegionId": "cn-hangzhou", "ClusterId": ids[i%len(ids)]})
					if _, ok := body["Cluster"]; !ok {
						b.Errorf("GetCluster: no Cluster in %v", body)
					}
				})
			})
		}
	}
}

// runConcurrent spreads b.N requests over conc goroutines, each with its
// own client, and reports req/s.
func runConcurrent(b *testing.B, endpoint string, conc int, do func(cl *openapi.Client, i int)) {
	hc := pooledHTTP()
	clients := make([]*openapi.Client, conc)
	for i := range clients {
		clients[i] = newClient(b, endpoint, hc)
	}
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				do(clients[g], i)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU per request (client and server: one process) does not depend
	// on what else the machine runs, unlike req/s.
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N)/1e3, "cpu-µs/req")
}

// processCPU is the user+sys time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
