package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
)

// ReleaseLabels lists the EMR release labels of the region, optionally
// those starting with prefix (e.g. emr-7) or offering an application
// (e.g. Spark), every page.
func (p *Provider) ReleaseLabels(ctx context.Context, prefix, application string) ([]provider.ReleaseVersion, error) {
	in := &emr.ListReleaseLabelsInput{}
	if prefix != "" || application != "" {
		in.Filters = &types.ReleaseLabelFilter{Prefix: optStr(prefix), Application: optStr(application)}
	}
	out := []provider.ReleaseVersion{}
	for {
		page, err := p.emr.ListReleaseLabels(ctx, in, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListReleaseLabels", false, err)
		}
		for _, l := range page.ReleaseLabels {
			// The emulator may ignore the filter: apply it here too.
			if prefix != "" && !strings.HasPrefix(l, prefix) {
				continue
			}
			out = append(out, provider.ReleaseVersion{Version: l, Series: series(l)})
		}
		if in.NextToken = page.NextToken; str(in.NextToken) == "" {
			return out, nil
		}
	}
}

// series returns "emr-7" for "emr-7.2.0".
func series(label string) string {
	if i := strings.Index(label, "."); i > 0 {
		return label[:i]
	}
	return ""
}

// SupportedInstanceTypes lists the instance types a release supports in
// the region, every page.
func (p *Provider) SupportedInstanceTypes(ctx context.Context, release string) ([]provider.InstanceType, error) {
	in := &emr.ListSupportedInstanceTypesInput{ReleaseLabel: &release}
	out := []provider.InstanceType{}
	for {
		page, err := p.emr.ListSupportedInstanceTypes(ctx, in, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListSupportedInstanceTypes", false, err)
		}
		for _, t := range page.SupportedInstanceTypes {
			it := provider.InstanceType{
				Type: str(t.Type), Family: str(t.InstanceFamilyId), Arch: str(t.Architecture),
				VCPUs: i32(t.VCPU), LocalDisks: i32(t.NumberOfDisks), LocalDiskGB: i32(t.StorageGB),
			}
			if t.MemoryGB != nil {
				it.MemoryGiB = float64(*t.MemoryGB)
			}
			out = append(out, it)
		}
		if in.Marker = page.Marker; str(in.Marker) == "" {
			return out, nil
		}
	}
}

// ListReleaseVersions implements provider.ReleaseLister: the release
// labels by prefix and application (AWS has no cluster types: the query's
// ClusterType is ignored).
func (p *Provider) ListReleaseVersions(ctx context.Context, q provider.ReleaseQuery) ([]provider.ReleaseVersion, error) {
	return p.ReleaseLabels(ctx, q.Prefix, q.Application)
}

// ListInstanceTypes implements provider.InstanceTypeLister: the instance
// types q.ReleaseVersion supports in the region (the only field AWS
// reads; Traits.InstanceTypeQuery).
func (p *Provider) ListInstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	if q.ReleaseVersion == "" {
		return nil, invalid("ListSupportedInstanceTypes", "releaseVersion", "is required", "name the release, e.g. emr-7.2.0 ('emrctl discover releases' lists them)")
	}
	return p.SupportedInstanceTypes(ctx, q.ReleaseVersion)
}
