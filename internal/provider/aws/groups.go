package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/emr"

	"github.com/emrctl/emrctl/internal/provider"
)

// InstanceFleets lists the instance fleets of a cluster (every page).
func (p *Provider) InstanceFleets(ctx context.Context, clusterID string) ([]provider.InstanceFleet, error) {
	out := []provider.InstanceFleet{}
	var marker *string
	for {
		page, err := p.emr.ListInstanceFleets(ctx, &emr.ListInstanceFleetsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListInstanceFleets", true, err)
		}
		for _, f := range page.InstanceFleets {
			fl := provider.InstanceFleet{
				ClusterID: clusterID, ID: str(f.Id), Name: str(f.Name), Role: string(f.InstanceFleetType),
				TargetOnDemandCapacity: i32(f.TargetOnDemandCapacity), TargetSpotCapacity: i32(f.TargetSpotCapacity),
				ProvisionedOnDemandCapacity: i32(f.ProvisionedOnDemandCapacity), ProvisionedSpotCapacity: i32(f.ProvisionedSpotCapacity),
			}
			if s := f.Status; s != nil {
				fl.State = string(s.State)
				if r := s.StateChangeReason; r != nil {
					fl.StateReason = reasonOf(string(r.Code), str(r.Message))
				}
			}
			for _, t := range f.InstanceTypeSpecifications {
				it := provider.FleetInstanceType{InstanceType: str(t.InstanceType), WeightedCapacity: i32(t.WeightedCapacity), BidPrice: str(t.BidPrice)}
				if t.BidPriceAsPercentageOfOnDemandPrice != nil {
					it.BidPricePercent = *t.BidPriceAsPercentageOfOnDemandPrice
				}
				fl.InstanceTypes = append(fl.InstanceTypes, it)
			}
			out = append(out, fl)
		}
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

// BootstrapActions lists the bootstrap actions of a cluster.
func (p *Provider) BootstrapActions(ctx context.Context, clusterID string) ([]provider.BootstrapAction, error) {
	out := []provider.BootstrapAction{}
	var marker *string
	for {
		page, err := p.emr.ListBootstrapActions(ctx, &emr.ListBootstrapActionsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListBootstrapActions", true, err)
		}
		for _, c := range page.BootstrapActions {
			a := provider.BootstrapAction{Name: str(c.Name), Path: str(c.ScriptPath)}
			if len(c.Args) > 0 {
				a.Args = c.Args
			}
			out = append(out, a)
		}
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

// AddInstanceFleet adds an instance fleet (TASK) to a cluster.
func (p *Provider) AddInstanceFleet(ctx context.Context, clusterID string, f provider.FleetSpec) (*provider.WriteResult, error) {
	fl := sdkFleet(f)
	out, err := p.emr.AddInstanceFleet(ctx, &emr.AddInstanceFleetInput{ClusterId: &clusterID, InstanceFleet: &fl})
	if err != nil {
		return nil, mapError(ctx, "AddInstanceFleet", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.InstanceFleetId)}, RequestID: requestID(out.ResultMetadata)}, nil
}
