package emulator

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
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
	max := int64(20)
	if maxResults != nil {
		max = *maxResults
		if max < 1 || max > 100 {
			return page{}, errInvalidParameter("MaxResults must be between 1 and 100, got %d", max)
		}
	}
	start := 0
	if nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(nextToken)
		off, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || perr != nil || !strings.HasPrefix(string(raw), "offset:") || off < 0 {
			return page{}, errInvalidParameter("NextToken %q is not valid; pass the NextToken of the previous page unchanged", nextToken)
		}
		start = min(off, n)
	}
	end := min(start+int(max), n)
	p := page{start: start, end: end, max: max}
	if end < n {
		p.next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return p, nil
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
