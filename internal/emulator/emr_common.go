package emulator

import (
	"net/http"
	"time"
)

func ptr[T any](v T) *T { return &v }

func i64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

// regionOf returns the inventory of the call's region, or InvalidRegionId.
func (c *call) regionOf(w *World) (*regionRec, error) {
	if c.region == "" {
		return nil, errMissing("MissingParameter", "RegionId is mandatory for this action")
	}
	r, ok := w.region(c.region)
	if !ok {
		return nil, invalidRegion(c.region)
	}
	return r, nil
}

func invalidRegion(id string) *apiError {
	return newError(http.StatusBadRequest, "InvalidRegionId", "The specified region %q does not exist or is not served; use a region ID such as cn-hangzhou (not hangzhou)", id)
}

// page applies MaxResults/NextToken to n items: the result is the slice
// bounds and the next token ("" on the last page).
type page struct {
	start, end int
	max        int64
	next       string
}

func paginate(n int, maxResults *int64, nextToken string) (page, error) {
	return tokenPage(n, maxResults, nextToken, 20, 100)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// after reports whether now has reached t (a zero t never is reached).
func reached(now, t time.Time) bool { return !t.IsZero() && !now.Before(t) }
