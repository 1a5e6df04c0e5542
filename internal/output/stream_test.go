package output

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// benchCluster returns a cluster with every field set, so its JSON (about
// 330 bytes) is the size of a real listing entry.
func benchCluster(i int) fixtureCluster {
	return fixtureCluster{
		ID:                 fmt.Sprintf("c-%016x", i),
		Name:               fmt.Sprintf("etl-cluster-%d", i),
		State:              "RUNNING",
		StateReason:        &fixtureReason{Code: "OK", Message: "running normally"},
		NodeCount:          i % 50,
		DeletionProtection: i%2 == 0,
		CreateTime:         time.UnixMilli(1700000000000 + int64(i)*1000).UTC(),
		Uptime:             time.Duration(i) * time.Minute,
		Description:        fmt.Sprintf("nightly batch %d, owner data-platform", i),
		Tags:               map[string]string{"team": "data", "env": "prod"},
	}
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// streamHeapGrowth streams total fresh items in pages of pageSize through a
// ListWriter to io.Discard and returns how much the live heap grew between
// the first page and the last, with the writer still open (so anything it
// kept is still reachable).
func streamHeapGrowth(t *testing.T, format Format, total, pageSize int, opts ...Option) int64 {
	t.Helper()
	lw := NewListWriter(io.Discard, format, fixtureColumns(), opts...)
	page := make([]any, pageSize)
	var base uint64
	for start := 0; start < total; start += pageSize {
		for i := range page {
			page[i] = benchCluster(start + i)
		}
		if err := lw.WriteItems(page...); err != nil {
			t.Fatalf("WriteItems: %v", err)
		}
		if start == 0 {
			// Measure from here: the writer's buffers now exist.
			base = heapInUse()
		}
	}
	clear(page)
	grown := int64(heapInUse()) - int64(base)
	runtime.KeepAlive(lw)
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return grown
}

// maxStreamGrowth bounds how much the live heap may grow while streaming
// 50,000 items. Holding them would cost far more: each item's JSON alone is
// about 330 bytes, so 50,000 of them is about 16 MB, and as Go values or
// table rows more. The writer itself legitimately keeps one page's
// rendering (100 items, about 40 KB). 1 MiB leaves room for runtime noise
// and is still more than ten times below what keeping the items would take.
// The check is on live heap after GC, not on time, so it is not flaky.
const maxStreamGrowth = 1 << 20

func TestListWriterMemoryDoesNotGrowWithN(t *testing.T) {
	tests := []struct {
		format Format
		total  int
	}{
		{format: JSON, total: 50_000},
		// The other formats share the page buffer logic; 10,000 items
		// (3 MB as JSON) keep the test fast and still dwarf the bound.
		{format: CSV, total: 10_000},
		{format: Table, total: 10_000},
		{format: Wide, total: 10_000},
		{format: YAML, total: 10_000},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			grown := streamHeapGrowth(t, tt.format, tt.total, 100)
			t.Logf("live heap grew by %d bytes over %d items", grown, tt.total)
			if grown > maxStreamGrowth {
				t.Errorf("live heap grew by %d bytes streaming %d items, want at most %d", grown, tt.total, maxStreamGrowth)
			}
		})
	}
}

// TestQueryBuffersTheList shows that the measurement above can fail: with a
// query the writer must keep every item, and the heap grows past the bound.
func TestQueryBuffersTheList(t *testing.T) {
	grown := streamHeapGrowth(t, JSON, 10_000, 100, WithQuery("length(@)"))
	t.Logf("live heap grew by %d bytes", grown)
	if grown <= maxStreamGrowth {
		t.Errorf("live heap grew by %d bytes with a query, want more than %d (the list is buffered)", grown, maxStreamGrowth)
	}
}

// BenchmarkListWriterJSON streams 5,000 clusters as JSON in pages of 100,
// the shape of a full paginated listing.
func BenchmarkListWriterJSON(b *testing.B) {
	const total, pageSize = 5000, 100
	pages := make([][]any, 0, total/pageSize)
	for start := 0; start < total; start += pageSize {
		page := make([]any, pageSize)
		for i := range page {
			page[i] = benchCluster(start + i)
		}
		pages = append(pages, page)
	}
	cols := fixtureColumns()
	b.ReportAllocs()
	for b.Loop() {
		lw := NewListWriter(io.Discard, JSON, cols)
		for _, p := range pages {
			if err := lw.WriteItems(p...); err != nil {
				b.Fatal(err)
			}
		}
		if err := lw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(total, "items/op")
}
