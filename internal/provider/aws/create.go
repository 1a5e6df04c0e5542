package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// DescriptionTagKey is the tag that carries a cluster's description:
// RunJobFlow has no description field. GetCluster shows it back as the
// cluster's Description.
const DescriptionTagKey = "emrctl:description"

// ClusterRequest is a RunJobFlow request built from a spec. The request
// tag is added when it is sent. It implements provider.CreateRequest.
type ClusterRequest struct {
	in *emr.RunJobFlowInput
}

// Name returns the cluster name.
func (r *ClusterRequest) Name() string { return str(r.in.Name) }

// API implements provider.CreateRequest.
func (r *ClusterRequest) API() string { return "RunJobFlow" }

// ClientToken implements provider.CreateRequest: RunJobFlow has none (the
// request tag stands in for it).
func (r *ClusterRequest) ClientToken() bool { return false }

// Shown implements provider.CreateRequest: the request as it goes on the
// wire, without the request tag, whose value is the token of each
// attempt (the Alibaba adapter leaves its token out too). It is what the
// confirmation shows and the journal hashes.
func (r *ClusterRequest) Shown() any { return Wire(r.in) }

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
		if k == provider.RequestTagKey || k == DescriptionTagKey {
			return nil, invalid("RunJobFlow", "tags."+k, "the tag is emrctl's own", "remove it (a description goes in description)")
		}
		in.Tags = append(in.Tags, types.Tag{Key: ptr(k), Value: ptr(c.Tags[k])})
	}
	if c.Description != "" {
		if bad := strings.TrimFunc(c.Description, tagRune); bad != "" {
			return nil, invalid("RunJobFlow", "description", fmt.Sprintf("the character %q cannot be kept in the EMR tag %s that carries the description", []rune(bad)[0], DescriptionTagKey),
				"use letters, digits, spaces and + - = . _ : / @")
		}
		in.Tags = append(in.Tags, types.Tag{Key: ptr(DescriptionTagKey), Value: ptr(c.Description)})
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
		in.ManagedScalingPolicy = &types.ManagedScalingPolicy{ComputeLimits: computeLimits(provider.ManagedScaling{
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

// FleetFromSpec maps a spec instance fleet.
func FleetFromSpec(f spec.AWSInstanceFleet) provider.FleetSpec {
	out := provider.FleetSpec{
		Name: f.Name, Role: string(f.Role), TargetOnDemandCapacity: f.TargetOnDemandCapacity, TargetSpotCapacity: f.TargetSpotCapacity,
		SpotTimeoutMinutes: f.SpotTimeoutMinutes, SpotTimeoutAction: string(f.SpotTimeoutAction),
	}
	for _, t := range f.InstanceTypeConfigs {
		out.InstanceTypes = append(out.InstanceTypes, provider.FleetInstanceType{
			InstanceType: t.InstanceType, WeightedCapacity: t.WeightedCapacity, BidPrice: t.BidPrice, BidPricePercent: t.BidPriceAsPercentageOfOnDemandPrice,
		})
	}
	return out
}

func sdkFleet(f provider.FleetSpec) types.InstanceFleetConfig {
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

// tagRune reports whether EMR accepts r in a tag value.
func tagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune("+-=._:/@", r)
}

// PrepareCreate implements provider.ClusterCreator: the RunJobFlow request
// of a validated AWS spec (AWS specs name no secrets). Nothing is sent.
func (p *Provider) PrepareCreate(c *spec.Cluster, _ *spec.Resolved) (provider.CreateRequest, error) {
	return BuildCluster(c)
}

// CreateCluster implements provider.ClusterCreator: RunJobFlow of a request
// from PrepareCreate, tagged with the request tag (RequestTagKey=token).
func (p *Provider) CreateCluster(ctx context.Context, r provider.CreateRequest, token string) (*provider.WriteResult, error) {
	cr, ok := r.(*ClusterRequest)
	if !ok || cr == nil || cr.in == nil {
		return nil, fmt.Errorf("aws: CreateCluster needs a request from this provider's PrepareCreate, got %T", r)
	}
	return p.runJobFlow(ctx, cr, token)
}

// FindCreated implements provider.ClusterCreator: the clusters named name,
// created after after, that carry the request tag token.
func (p *Provider) FindCreated(ctx context.Context, token, name string, after time.Time) ([]string, error) {
	return p.FindByTag(ctx, provider.RequestTagKey, token, name, after)
}

// runJobFlow creates the cluster, tagged with the request tag, and returns
// its ID and the request ID.
func (p *Provider) runJobFlow(ctx context.Context, r *ClusterRequest, requestTag string) (*provider.WriteResult, error) {
	if requestTag == "" {
		return nil, errors.New("aws: RunJobFlow needs a request tag: it has no client token")
	}
	in := *r.in
	in.Tags = append(append([]types.Tag(nil), in.Tags...), types.Tag{Key: ptr(provider.RequestTagKey), Value: ptr(requestTag)})
	out, err := p.emr.RunJobFlow(ctx, &in)
	if err != nil {
		return nil, mapError(ctx, "RunJobFlow", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.JobFlowId)}, RequestID: requestID(out.ResultMetadata)}, nil
}
