package engine

import (
	"context"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Regions lists the regions the cloud serves, sorted by ID.
func (e *Engine) Regions(ctx context.Context) ([]provider.Region, error) {
	p, err := capability[provider.RegionLister](e, "listing regions")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.Region, error) { return p.Regions(ctx) })
}

// inRegion returns the provider of a region: the engine's own, or one
// opened with ForRegion.
func (e *Engine) inRegion(region string) (provider.Provider, error) {
	if region == "" || region == e.opts.Region {
		return e.opts.Provider, nil
	}
	if err := checkInput(validate.ID(validate.RegionID, "region", region)); err != nil {
		return nil, err
	}
	if e.opts.ForRegion == nil {
		return nil, inputError("region", "this profile reads only region "+e.opts.Region, "use --profile/--region for "+region)
	}
	return e.opts.ForRegion(region)
}
