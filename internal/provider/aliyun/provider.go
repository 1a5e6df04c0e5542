package aliyun

import (
	"context"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Provider is the Alibaba EMR adapter behind the engine.
type Provider struct {
	c *Client
}

// New returns a Provider over a client.
func New(c *Client) *Provider { return &Provider{c: c} }

// Client returns the underlying client (for conformance tests).
func (p *Provider) Client() *Client { return p.c }

// Region returns the region the provider works in.
func (p *Provider) Region() string { return p.c.Region() }

func (p *Provider) emr(ctx context.Context, action string, req, resp any) error {
	return p.c.Call(ctx, contract.EMR, action, req, resp)
}

func fromMillis(p *int64) time.Time {
	if p == nil || *p == 0 {
		return time.Time{}
	}
	return time.UnixMilli(*p).UTC()
}

func i64(p *int64) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func boolv(p *bool) bool { return p != nil && *p }

func ptr[T any](v T) *T { return &v }

func pageSize(n int) *int64 {
	if n <= 0 {
		return nil
	}
	return ptr(int64(min(n, 100)))
}

func tagsOf(ts []emrwire.Tag) []provider.Tag {
	var out []provider.Tag
	for _, t := range ts {
		out = append(out, provider.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func reasonOf(code, msg string) *provider.StateReason {
	if code == "" && msg == "" {
		return nil
	}
	return &provider.StateReason{Code: code, Message: msg}
}
