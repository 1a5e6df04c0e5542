package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/validate"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// Regions lists the regions the cloud serves (VPC DescribeRegions), sorted
// by ID.
func (e *Engine) Regions(ctx context.Context) ([]provider.Region, error) {
	p, err := e.aliyun("listing regions")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.Region, error) { return describeRegions(ctx, p.Client()) })
}

// describeRegions calls VPC DescribeRegions. The adapter has no method for
// it yet; the call goes through its client with the contract's encoding.
func describeRegions(ctx context.Context, c *aliyun.Client) ([]provider.Region, error) {
	var resp vpcwire.DescribeRegionsResponse
	if err := c.Call(ctx, contract.VPC, "DescribeRegions", &vpcwire.DescribeRegionsRequest{AcceptLanguage: "en-US"}, &resp); err != nil {
		return nil, err
	}
	var out []provider.Region
	if resp.Regions != nil {
		for _, r := range resp.Regions.Region {
			out = append(out, provider.Region{ID: r.RegionId, Name: r.LocalName})
		}
	}
	slices.SortFunc(out, func(a, b provider.Region) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// inRegion returns the Alibaba provider of a region: the engine's own, or
// one opened with ForRegion.
func (e *Engine) inRegion(region string) (*aliyun.Provider, error) {
	p, err := e.aliyun("reading another region")
	if err != nil {
		return nil, err
	}
	if region == "" || region == e.opts.Region {
		return p, nil
	}
	if err := checkInput(validate.ID(validate.RegionID, "region", region)); err != nil {
		return nil, err
	}
	if e.opts.ForRegion == nil {
		return nil, inputError("region", "this profile reads only region "+e.opts.Region, "use --profile/--region for "+region)
	}
	return e.opts.ForRegion(region)
}
