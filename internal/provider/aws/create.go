package aws

import (
	"context"
	"encoding/json"
	"errors"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// requestTagShown stands in for the request tag's value where a request is
// shown or hashed: the value is the journal token, known only when sent.
const requestTagShown = "(the journal token of this attempt)"

// ClusterRequest is a RunJobFlow request built from a spec. The request
// tag is added when it is sent.
type ClusterRequest struct {
	in *emr.RunJobFlowInput
}

// Name returns the cluster name.
func (r *ClusterRequest) Name() string { return str(r.in.Name) }

// Shown returns the request as it goes on the wire, with the request tag's
// value replaced by a placeholder: what the confirmation shows and the
// journal hashes.
func (r *ClusterRequest) Shown() any {
	in := *r.in
	in.Tags = append(append([]types.Tag(nil), in.Tags...), types.Tag{Key: ptr(RequestTagKey), Value: ptr(requestTagShown)})
	return Wire(&in)
}

// Wire returns v (an SDK input) as the JSON value of its fields, without
// unset ones: the request as shown to people and hashed by the journal.
func Wire(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil
	}
	return prune(out)
}

// prune drops nulls, empty strings, empty lists and empty objects.
func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if x = prune(x); x == nil {
				delete(t, k)
			} else {
				t[k] = x
			}
		}
		if len(t) == 0 {
			return nil
		}
		return t
	case []any:
		var out []any
		for _, x := range t {
			if x = prune(x); x != nil {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if t == "" {
			return nil
		}
	}
	return v
}

// BuildCluster maps a validated AWS spec to RunJobFlow: instance groups or
// fleets, spot and on-demand markets, bootstrap actions, configurations,
// steps, keep-alive, auto-termination, tags, log URI, roles and security
// configuration.
func BuildCluster(c *spec.Cluster) (*ClusterRequest, error) {
	if c == nil || c.Provider != spec.ProviderAWS {
		return nil, errors.New("aws: the spec is not for provider aws")
	}
	a := c.AWS
	if a == nil {
		a = &spec.AWS{}
	}
	in := &emr.RunJobFlowInput{
		Name:                  ptr(c.Name),
		ReleaseLabel:          optStr(c.ReleaseVersion),
		LogUri:                optStr(a.LogURI),
		ServiceRole:           optStr(a.ServiceRole),
		JobFlowRole:           optStr(a.JobFlowRole),
		SecurityConfiguration: optStr(a.SecurityConfiguration),
		StepConcurrencyLevel:  optI32(a.StepConcurrencyLevel),
		VisibleToAllUsers:     ptr(true),
		Configurations:        sdkConfigurations(a.Configurations),
		Instances: &types.JobFlowInstancesConfig{
			KeepJobFlowAliveWhenNoSteps: ptr(a.KeepAlive == nil || *a.KeepAlive),
			TerminationProtected:        ptr(a.TerminationProtected),
			Ec2SubnetId:                 optStr(a.EC2SubnetID),
			Ec2SubnetIds:                a.EC2SubnetIDs,
			Ec2KeyName:                  optStr(a.EC2KeyName),
		},
	}
	for _, app := range c.Applications {
		in.Applications = append(in.Applications, types.Application{Name: ptr(app)})
	}
	for _, k := range sortedKeys(c.Tags) {
		in.Tags = append(in.Tags, types.Tag{Key: ptr(k), Value: ptr(c.Tags[k])})
	}
	for _, b := range c.BootstrapScripts {
		in.BootstrapActions = append(in.BootstrapActions, types.BootstrapActionConfig{
			Name:                  ptr(b.Name),
			ScriptBootstrapAction: &types.ScriptBootstrapActionConfig{Path: ptr(b.Path), Args: b.AWSArgs()},
		})
	}
	for _, s := range a.Steps {
		in.Steps = append(in.Steps, sdkStep(s))
	}
	if d, ok := a.IdleTimeout(); ok {
		in.AutoTerminationPolicy = &types.AutoTerminationPolicy{IdleTimeout: ptr(int64(d.Seconds()))}
	}
	if m := a.ManagedScaling; m != nil {
		in.ManagedScalingPolicy = &types.ManagedScalingPolicy{ComputeLimits: computeLimits(ManagedScaling{
			MinimumCapacityUnits: m.MinimumCapacityUnits, MaximumCapacityUnits: m.MaximumCapacityUnits,
			MaximumOnDemandCapacityUnits: m.MaximumOnDemandCapacityUnits, MaximumCoreCapacityUnits: m.MaximumCoreCapacityUnits,
			UnitType: string(m.UnitType),
		})}
	}
	if len(a.InstanceFleets) > 0 {
		for _, f := range a.InstanceFleets {
			in.Instances.InstanceFleets = append(in.Instances.InstanceFleets, sdkFleet(FleetFromSpec(f)))
		}
	} else {
		for _, g := range c.NodeGroups {
			in.Instances.InstanceGroups = append(in.Instances.InstanceGroups, sdkGroup(GroupFromSpec(g)))
		}
	}
	return &ClusterRequest{in: in}, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sdkConfigurations(cs []spec.AWSConfiguration) []types.Configuration {
	var out []types.Configuration
	for _, c := range cs {
		out = append(out, types.Configuration{Classification: ptr(c.Classification), Properties: c.Properties, Configurations: sdkConfigurations(c.Configurations)})
	}
	return out
}

func sdkStep(s spec.AWSStep) types.StepConfig {
	jar, main, args := s.HadoopJarStep()
	return types.StepConfig{
		Name:            ptr(s.Name),
		ActionOnFailure: types.ActionOnFailure(s.ActionOnFailure),
		HadoopJarStep:   &types.HadoopJarStepConfig{Jar: ptr(jar), MainClass: optStr(main), Args: args},
	}
}

// GroupSpec is an instance group to create.
type GroupSpec struct {
	Name         string `json:"name,omitempty"`
	Role         string `json:"role"`
	InstanceType string `json:"instanceType"`
	Count        int    `json:"count"`
	// Market is ON_DEMAND or SPOT; BidPrice (USD) applies to SPOT only,
	// empty meaning capped at the on-demand price.
	Market   string `json:"market,omitempty"`
	BidPrice string `json:"bidPrice,omitempty"`
}

// GroupFromSpec maps a spec node group to an instance group.
func GroupFromSpec(g spec.NodeGroup) GroupSpec {
	out := GroupSpec{Name: g.Name, Role: string(g.Role)}
	if len(g.InstanceTypes) > 0 {
		out.InstanceType = g.InstanceTypes[0]
	}
	if g.Count != nil {
		out.Count = *g.Count
	}
	out.Market, out.BidPrice = g.AWSMarket()
	return out
}

func sdkGroup(g GroupSpec) types.InstanceGroupConfig {
	market := g.Market
	if market == "" {
		market = string(types.MarketTypeOnDemand)
	}
	return types.InstanceGroupConfig{
		Name:          optStr(g.Name),
		InstanceRole:  types.InstanceRoleType(g.Role),
		InstanceType:  ptr(g.InstanceType),
		InstanceCount: ptr(int32(g.Count)),
		Market:        types.MarketType(market),
		BidPrice:      optStr(g.BidPrice),
	}
}

// FleetSpec is an instance fleet to create.
type FleetSpec struct {
	Name                   string              `json:"name,omitempty"`
	Role                   string              `json:"role"`
	TargetOnDemandCapacity int                 `json:"targetOnDemandCapacity,omitempty"`
	TargetSpotCapacity     int                 `json:"targetSpotCapacity,omitempty"`
	InstanceTypes          []FleetInstanceType `json:"instanceTypes"`
	SpotTimeoutMinutes     int                 `json:"spotTimeoutMinutes,omitempty"`
	SpotTimeoutAction      string              `json:"spotTimeoutAction,omitempty"`
}

// FleetInstanceType is one instance type a fleet may use.
type FleetInstanceType struct {
	InstanceType     string  `json:"instanceType"`
	WeightedCapacity int     `json:"weightedCapacity,omitempty"`
	BidPrice         string  `json:"bidPrice,omitempty"`
	BidPricePercent  float64 `json:"bidPriceAsPercentageOfOnDemandPrice,omitempty"`
}

// FleetFromSpec maps a spec instance fleet.
func FleetFromSpec(f spec.AWSInstanceFleet) FleetSpec {
	out := FleetSpec{
		Name: f.Name, Role: string(f.Role), TargetOnDemandCapacity: f.TargetOnDemandCapacity, TargetSpotCapacity: f.TargetSpotCapacity,
		SpotTimeoutMinutes: f.SpotTimeoutMinutes, SpotTimeoutAction: string(f.SpotTimeoutAction),
	}
	for _, t := range f.InstanceTypeConfigs {
		out.InstanceTypes = append(out.InstanceTypes, FleetInstanceType{
			InstanceType: t.InstanceType, WeightedCapacity: t.WeightedCapacity, BidPrice: t.BidPrice, BidPricePercent: t.BidPriceAsPercentageOfOnDemandPrice,
		})
	}
	return out
}

func sdkFleet(f FleetSpec) types.InstanceFleetConfig {
	out := types.InstanceFleetConfig{
		Name:                   optStr(f.Name),
		InstanceFleetType:      types.InstanceFleetType(f.Role),
		TargetOnDemandCapacity: optI32(f.TargetOnDemandCapacity),
		TargetSpotCapacity:     optI32(f.TargetSpotCapacity),
	}
	for _, t := range f.InstanceTypes {
		c := types.InstanceTypeConfig{InstanceType: ptr(t.InstanceType), WeightedCapacity: optI32(t.WeightedCapacity), BidPrice: optStr(t.BidPrice)}
		if t.BidPricePercent != 0 {
			c.BidPriceAsPercentageOfOnDemandPrice = ptr(t.BidPricePercent)
		}
		out.InstanceTypeConfigs = append(out.InstanceTypeConfigs, c)
	}
	if f.TargetSpotCapacity > 0 && (f.SpotTimeoutMinutes > 0 || f.SpotTimeoutAction != "") {
		// Both are required once either is given; the documented
		// defaults fill the other.
		minutes, action := f.SpotTimeoutMinutes, f.SpotTimeoutAction
		if minutes == 0 {
			minutes = 60
		}
		if action == "" {
			action = string(types.SpotProvisioningTimeoutActionSwitchToOnDemand)
		}
		out.LaunchSpecifications = &types.InstanceFleetProvisioningSpecifications{SpotSpecification: &types.SpotProvisioningSpecification{
			TimeoutDurationMinutes: ptr(int32(minutes)), TimeoutAction: types.SpotProvisioningTimeoutAction(action),
		}}
	}
	return out
}

// RunJobFlow creates the cluster, tagged with the request tag, and returns
// its ID and the request ID.
func (p *Provider) RunJobFlow(ctx context.Context, r *ClusterRequest, requestTag string) (*provider.WriteResult, error) {
	if requestTag == "" {
		return nil, errors.New("aws: RunJobFlow needs a request tag: it has no client token")
	}
	in := *r.in
	in.Tags = append(append([]types.Tag(nil), in.Tags...), types.Tag{Key: ptr(RequestTagKey), Value: ptr(requestTag)})
	out, err := p.emr.RunJobFlow(ctx, &in)
	if err != nil {
		return nil, mapError(ctx, "RunJobFlow", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.JobFlowId)}, RequestID: requestID(out.ResultMetadata)}, nil
}
