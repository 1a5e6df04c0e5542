package aliyun

import (
	"context"
	"slices"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// ExportSpec implements provider.Exporter with GetClusterCloneMeta. A
// cluster without clone metadata is a typed not-found error.
func (p *Provider) ExportSpec(ctx context.Context, clusterID string) (*spec.Cluster, error) {
	var resp emrwire.GetClusterCloneMetaResponse
	if err := p.emr(ctx, "GetClusterCloneMeta", &emrwire.GetClusterCloneMetaRequest{RegionId: p.Region(), ClusterId: clusterID}, &resp); err != nil {
		return nil, err
	}
	if resp.ClusterCloneMeta == nil {
		return nil, &provider.APIError{
			Provider: provider.Aliyun, Action: "GetClusterCloneMeta", Kind: provider.KindNotFound, Code: "ClusterNotFound",
			Message: "no clone metadata for " + clusterID, RequestID: resp.RequestId, Sent: true,
		}
	}
	return fromCloneMeta(resp.ClusterCloneMeta, p.Region()), nil
}

// fromCloneMeta turns GetClusterCloneMeta into a spec, so that clone → edit
// → create round-trips. IDs, states and scaling policies are dropped; node
// groups, applications and configs are kept; the metastore and OSS-HDFS
// items are pulled back into the metastore and ossHdfs blocks. No password
// is ever carried: where one was, the spec names an environment variable
// (spec.DefaultMetastorePasswordEnv, spec.DefaultRootPasswordEnv) for the
// user to set. When every node group uses the same vSwitches they move to
// network.vSwitchIds. region is used when the metadata has none.
func fromCloneMeta(meta *emrwire.GetClusterCloneMetaResponseClusterCloneMeta, region string) *spec.Cluster {
	if meta == nil {
		return nil
	}
	if meta.RegionId != "" && region == "" {
		region = meta.RegionId
	}
	c := &spec.Cluster{
		APIVersion:      spec.APIVersion,
		Kind:            spec.KindCluster,
		Name:            meta.ClusterName,
		Provider:        spec.ProviderAliyun,
		Region:          region,
		ClusterType:     spec.ClusterType(meta.ClusterType),
		ReleaseVersion:  meta.ReleaseVersion,
		DeployMode:      spec.DeployMode(meta.DeployMode),
		SecurityMode:    spec.SecurityMode(meta.SecurityMode),
		ResourceGroupID: meta.ResourceGroupId,
	}
	if meta.DeletionProtection != nil {
		c.DeletionProtection = *meta.DeletionProtection
	}
	if meta.PaymentType != "" {
		c.Payment = &spec.Payment{Type: spec.PaymentType(meta.PaymentType)}
		if s := meta.SubscriptionConfig; s != nil && c.Payment.Type == spec.PaymentSubscription {
			c.Payment.Subscription = fromSubscription(s)
		}
	}
	for _, t := range meta.Tags {
		if t.Key == provider.RequestTagKey {
			continue // the clone gets its own when it is created
		}
		if c.Tags == nil {
			c.Tags = map[string]string{}
		}
		c.Tags[t.Key] = t.Value
	}
	for _, a := range meta.Applications {
		c.Applications = append(c.Applications, a.ApplicationName)
	}
	groupNames := map[string]string{}
	for _, ng := range meta.NodeGroups {
		groupNames[ng.NodeGroupId] = ng.NodeGroupName
	}
	c.CollapseConfigs(specConfigs(meta.ApplicationConfigs, groupNames))
	if na := meta.NodeAttributes; na != nil {
		c.Network = &spec.Network{VpcID: na.VpcId, ZoneID: na.ZoneId, SecurityGroupID: na.SecurityGroupId, KeyPairName: na.KeyPairName, RAMRole: na.RamRole}
		if na.KeyPairName == "" {
			c.Network.MasterRootPasswordEnv = spec.DefaultRootPasswordEnv
		}
		if deref(na.SystemDiskEncrypted) || deref(na.DataDiskEncrypted) {
			c.DiskEncryption = &spec.DiskEncryption{
				SystemDisk: deref(na.SystemDiskEncrypted), SystemDiskKMSKeyID: na.SystemDiskKMSKeyId,
				DataDisk: deref(na.DataDiskEncrypted), DataDiskKMSKeyID: na.DataDiskKMSKeyId,
			}
		}
	}
	for _, ng := range meta.NodeGroups {
		c.NodeGroups = append(c.NodeGroups, fromNodeGroup(ng))
	}
	c.LiftVSwitches()
	for _, s := range meta.BootstrapScripts {
		c.BootstrapScripts = append(c.BootstrapScripts, fromScript(s, groupNames))
	}
	return c
}

// specConfigs maps config items, naming node groups by name.
func specConfigs(configs []emrwire.ApplicationConfig, groupNames map[string]string) []spec.AppConfig {
	out := make([]spec.AppConfig, 0, len(configs))
	for _, ac := range configs {
		item := spec.AppConfig{
			Application: ac.ApplicationName, File: ac.ConfigFileName, Key: ac.ConfigItemKey, Value: ac.ConfigItemValue,
			Scope: spec.ConfigScope(ac.ConfigScope), NodeGroupName: ac.NodeGroupName,
		}
		if item.NodeGroupName == "" && ac.NodeGroupId != "" {
			item.NodeGroupName = groupNames[ac.NodeGroupId]
		}
		out = append(out, item)
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func fromSubscription(s *emrwire.SubscriptionConfig) *spec.Subscription {
	out := &spec.Subscription{
		Duration: int(deref(s.PaymentDuration)), Unit: spec.DurationUnit(s.PaymentDurationUnit),
		AutoRenew: deref(s.AutoRenew),
	}
	if out.AutoRenew {
		out.AutoRenewDuration = int(deref(s.AutoRenewDuration))
		out.AutoRenewUnit = spec.DurationUnit(s.AutoRenewDurationUnit)
	}
	return out
}

func fromNodeGroup(ng emrwire.NodeGroup) spec.NodeGroup {
	g := spec.NodeGroup{
		Name:                       ng.NodeGroupName,
		Role:                       spec.NodeRole(ng.NodeGroupType),
		Count:                      ptr(int(deref(ng.RunningNodeCount))),
		InstanceTypes:              slices.Clone(ng.InstanceTypes),
		VSwitchIDs:                 slices.Clone(ng.VSwitchIds),
		PublicIP:                   deref(ng.WithPublicIp),
		PaymentType:                spec.PaymentType(ng.PaymentType),
		GracefulShutdown:           deref(ng.GracefulShutdown),
		SpotInstanceRemedy:         deref(ng.SpotInstanceRemedy),
		CompensateWithOnDemand:     deref(ng.CompensateWithOnDemand),
		ResizeStrategy:             spec.ResizeStrategy(ng.NodeResizeStrategy),
		DeploymentSetStrategy:      spec.DeploymentSetStrategy(ng.DeploymentSetStrategy),
		AdditionalSecurityGroupIDs: slices.Clone(ng.AdditionalSecurityGroupIds),
	}
	if d := ng.SystemDisk; d != nil {
		g.SystemDisk = &spec.SystemDisk{Category: spec.DiskCategory(d.Category), Size: int(deref(d.Size)), PerformanceLevel: spec.PerformanceLevel(d.PerformanceLevel)}
	}
	for _, d := range ng.DataDisks {
		g.DataDisks = append(g.DataDisks, spec.DataDisk{
			Category: spec.DiskCategory(d.Category), Size: int(deref(d.Size)), Count: int(deref(d.Count)), PerformanceLevel: spec.PerformanceLevel(d.PerformanceLevel),
		})
	}
	if ng.SpotStrategy != "" && ng.SpotStrategy != string(spec.NoSpot) {
		g.Spot = &spec.Spot{Strategy: spec.SpotStrategy(ng.SpotStrategy)}
		for _, b := range ng.SpotBidPrices {
			g.Spot.BidPrices = append(g.Spot.BidPrices, spec.BidPrice{InstanceType: b.InstanceType, Price: deref(b.BidPrice)})
		}
	}
	if co := ng.CostOptimizedConfig; co != nil {
		g.CostOptimized = &spec.CostOptimized{
			OnDemandBaseCapacity:                int(deref(co.OnDemandBaseCapacity)),
			OnDemandPercentageAboveBaseCapacity: int(deref(co.OnDemandPercentageAboveBaseCapacity)),
			SpotInstancePools:                   int(deref(co.SpotInstancePools)),
		}
	}
	if pp := ng.PrivatePoolOptions; pp != nil {
		g.PrivatePool = &spec.PrivatePool{MatchCriteria: spec.MatchCriteria(pp.MatchCriteria), IDs: slices.Clone(pp.PrivatePoolIds)}
	}
	return g
}

func fromScript(s emrwire.Script, groupNames map[string]string) spec.BootstrapScript {
	b := spec.BootstrapScript{
		Name: s.ScriptName, Path: s.ScriptPath, Args: s.ScriptArgs,
		Moment: spec.ScriptMoment(s.ExecutionMoment), FailStrategy: spec.FailStrategy(s.ExecutionFailStrategy),
	}
	if ns := s.NodeSelector; ns != nil {
		sel := &spec.NodeSelector{Type: spec.NodeSelectType(ns.NodeSelectType), NodeGroupNames: slices.Clone(ns.NodeGroupNames), NodeNames: slices.Clone(ns.NodeNames)}
		for _, id := range ns.NodeGroupIds {
			if n := groupNames[id]; n != "" && !slices.Contains(sel.NodeGroupNames, n) {
				sel.NodeGroupNames = append(sel.NodeGroupNames, n)
			}
		}
		for _, t := range ns.NodeGroupTypes {
			sel.NodeGroupTypes = append(sel.NodeGroupTypes, spec.NodeRole(t))
		}
		b.NodeSelector = sel
	}
	return b
}
