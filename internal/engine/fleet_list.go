package engine

import (
	"context"
	"sync"

	"github.com/emrctl/emrctl/internal/provider"
)

// RegionsOptions choose the regions of a listing across regions.
type RegionsOptions struct {
	// Regions to list; empty means the engine's region.
	Regions []string
	// AllRegions lists every region the cloud serves.
	AllRegions bool
	// Concurrency is how many reads are in flight at most (default
	// DefaultConcurrency).
	Concurrency int
}

// regionPage is one page of a region's listing, or the error that ended it.
type regionPage struct {
	items []provider.Cluster
	err   error
}

// pagesAhead is how many pages a region's lister reads before they are
// written: memory stays bounded whatever the number of clusters.
const pagesAhead = 2

// ListClustersInRegions streams the clusters matching f of several regions
// to each, region after region in the order given (sorted by ID for every
// region), each region's pages in order. Regions are read side by side, a
// few pages ahead of the writer, each page paced by the ListClusters
// bucket. A region that cannot be read ends the listing with its error
// once the regions before it are written.
func (e *Engine) ListClustersInRegions(ctx context.Context, o RegionsOptions, f provider.ClusterFilter, pageSize int,
	each func(region string, page []provider.Cluster) error) error {
	if err := distinctEach(namedList{"states", &f.States}, namedList{"types", &f.Types}, namedList{"ids", &f.IDs}, namedList{"paymentTypes", &f.PaymentTypes}); err != nil {
		return err
	}
	if err := CheckConcurrency("concurrency", o.Concurrency); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := e.newScan(o.Concurrency, nil)
	regions, err := e.regionsToScan(ctx, s, o.Regions, o.AllRegions)
	if err != nil {
		return err
	}
	feeds := make([]chan regionPage, len(regions))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs first: listers blocked on a full feed give up
	for i, region := range regions {
		feeds[i] = make(chan regionPage, pagesAhead)
		wg.Go(func() { e.feedRegion(ctx, s, region, f, pageSize, feeds[i]) })
	}
	for i, feed := range feeds {
		for pg := range feed {
			if pg.err != nil {
				return pg.err
			}
			if err := each(regions[i], pg.items); err != nil {
				return err
			}
		}
	}
	return nil
}

// feedRegion reads a region's pages into feed and closes it.
func (e *Engine) feedRegion(ctx context.Context, s *scan, region string, f provider.ClusterFilter, pageSize int, feed chan<- regionPage) {
	defer close(feed)
	send := func(pg regionPage) bool {
		select {
		case feed <- pg:
			return true
		case <-ctx.Done():
			return false
		}
	}
	p, err := e.inRegion(region)
	if err != nil {
		send(regionPage{err: err})
		return
	}
	token := ""
	for {
		page, err := scanRead(ctx, s, apiListClusters, func(ctx context.Context) (*provider.Page[provider.Cluster], error) {
			return p.ListClusters(ctx, f, token, pageSize)
		})
		if err != nil {
			send(regionPage{err: err})
			return
		}
		if len(page.Items) > 0 && !send(regionPage{items: page.Items}) {
			return
		}
		if token = page.NextToken; token == "" {
			return
		}
	}
}
