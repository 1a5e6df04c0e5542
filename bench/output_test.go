package bench

// Rendering a large listing: -o table and -o wide against -o json, in pages
// of 100 as 'emrctl cluster list' writes them. Run with:
//
//	go test ./bench -run '^$' -bench 'Render' -benchtime 3x -benchmem

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cluster"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// renderTotal is how many clusters one rendering writes.
const renderTotal = 100_000

// renderColumns are the columns of 'emrctl cluster list', so the
// benchmark renders what users see.
var renderColumns = cluster.ListColumns()

// renderCluster is cluster i of a listing, with the fields an Alibaba
// listing fills in.
func renderCluster(i int) provider.Cluster {
	created := time.UnixMilli(1700000000000 + int64(i)*1000).UTC()
	c := provider.Cluster{
		Provider:           "aliyun",
		Region:             "cn-hangzhou",
		ID:                 fmt.Sprintf("c-%016x", i),
		Name:               fmt.Sprintf("etl-cluster-%d", i),
		Type:               "DATALAKE",
		State:              "RUNNING",
		ReleaseVersion:     "EMR-5.15.1",
		DeployMode:         "NORMAL",
		PaymentType:        "PayAsYouGo",
		DeletionProtection: i%2 == 0,
		CreateTime:         created,
		ReadyTime:          created.Add(4 * time.Minute),
		Tags:               []provider.Tag{{Key: "team", Value: "data"}, {Key: "env", Value: "prod"}},
		Aliyun:             &provider.AliyunInfo{VpcID: "vpc-bp1abc", ZoneID: "cn-hangzhou-h", SecurityGroupID: "sg-bp1abc"},
	}
	if i%10 == 0 {
		c.State = "START_FAILED"
		c.StateReason = &provider.StateReason{Code: "NotEnoughStock", Message: "instance type sold out"}
	}
	return c
}

// renderPage fills page with clusters start, start+1, ...
func renderPage(page []any, start int) {
	for i := range page {
		page[i] = renderCluster(start + i)
	}
}

// renderPages builds the whole listing once, so the timed loop measures
// rendering only.
func renderPages() [][]any {
	var pages [][]any
	for start := 0; start < renderTotal; start += pageSize {
		page := make([]any, pageSize)
		renderPage(page, start)
		pages = append(pages, page)
	}
	return pages
}

// render writes pages through one ListWriter to w.
func render(tb testing.TB, w io.Writer, format output.Format, pages [][]any) {
	tb.Helper()
	lw := output.NewListWriter(w, format, renderColumns, output.WithLocation(time.UTC))
	for _, p := range pages {
		if err := lw.WriteItems(p...); err != nil {
			tb.Fatal(err)
		}
	}
	if err := lw.Close(); err != nil {
		tb.Fatal(err)
	}
}

// renderPeakHeap streams the listing with fresh pages, as a real listing
// gets them, and returns the largest live heap seen after a page, above
// the live heap before the first: what the writer holds. Sampling costs a
// collection, so it samples every 50 pages.
func renderPeakHeap(tb testing.TB, format output.Format) int64 {
	tb.Helper()
	live := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	page := make([]any, pageSize)
	base := live()
	var peak int64
	lw := output.NewListWriter(io.Discard, format, renderColumns, output.WithLocation(time.UTC))
	for n, start := 0, 0; start < renderTotal; n, start = n+1, start+pageSize {
		renderPage(page, start)
		if err := lw.WriteItems(page...); err != nil {
			tb.Fatal(err)
		}
		if n%50 == 0 {
			peak = max(peak, live()-base)
		}
	}
	if err := lw.Close(); err != nil {
		tb.Fatal(err)
	}
	return peak
}

// BenchmarkRender renders 100,000 clusters in each format. Compare ns/op
// of table and wide with json: the target is at most about 1.2x. peak-heap-B
// is the live heap the writer holds while streaming; it must not depend on
// the number of clusters.
func BenchmarkRender(b *testing.B) {
	pages := renderPages()
	for _, format := range []output.Format{output.JSON, output.Table, output.Wide} {
		b.Run(string(format), func(b *testing.B) {
			peak := renderPeakHeap(b, format)
			out := &countingWriter{}
			b.ReportAllocs()
			for b.Loop() {
				render(b, out, format, pages)
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
			b.ReportMetric(float64(out.bytes)/float64(b.N), "out-B/op")
			b.ReportMetric(renderTotal, "clusters/op")
		})
	}
}

// BenchmarkListClustersFormat lists 1,000 clusters from the in-process
// emulator, page by page, in each format: the rendering share of a real
// 'emrctl cluster list'.
func BenchmarkListClustersFormat(b *testing.B) {
	const n = 1000
	f := newFleet(b, n)
	for _, format := range []output.Format{output.JSON, output.Table, output.Wide} {
		b.Run(string(format), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lw := output.NewListWriter(io.Discard, format, renderColumns)
				err := f.eng.ListClusters(context.Background(), provider.ClusterFilter{}, pageSize, func(page []provider.Cluster) error {
					items := make([]any, len(page))
					for i := range page {
						items[i] = page[i]
					}
					return lw.WriteItems(items...)
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := lw.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(n, "clusters/op")
		})
	}
}
