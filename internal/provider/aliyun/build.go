package aliyun

import (
	"fmt"
	"slices"
	"sort"

	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// maxTags is the most tags RunCluster takes (Tags: 0-20 in the contract).
// emrctl adds its request tag, so a spec may bring one less.
const maxTags = 20

// buildRunCluster builds the exact RunCluster request a defaulted, valid
// spec stands for. The application configs come from spec.ExpandConfigs
// (the metastore and ossHdfs blocks expanded as cluster-lifecycle.md's
// templates write them). RegionId is the spec's region; ClientToken and
// the request tag are left to CreateCluster, which knows the token. Pass
// secrets.Redacted() to build a request for printing.
func buildRunCluster(c *spec.Cluster, secrets *spec.Resolved) (*emrwire.RunClusterRequest, error) {
	if c == nil || c.Provider != spec.ProviderAliyun {
		name := ""
		if c != nil {
			name = string(c.Provider)
		}
		return nil, fmt.Errorf("aliyun: provider %q: %w: RunCluster is for provider aliyun", name, spec.ErrNotMappable)
	}
	if len(c.Tags) >= maxTags {
		return nil, fmt.Errorf("aliyun: tags: %w: %d tags given, at most %d fit beside the tag emrctl adds to find the cluster again; remove %d",
			spec.ErrNotMappable, len(c.Tags), maxTags-1, len(c.Tags)-maxTags+1)
	}
	if secrets == nil {
		secrets = &spec.Resolved{}
	}
	req := &emrwire.RunClusterRequest{
		RegionId:           c.Region,
		ClusterName:        c.Name,
		ClusterType:        string(c.ClusterType),
		ReleaseVersion:     c.ReleaseVersion,
		DeployMode:         string(c.DeployMode),
		SecurityMode:       string(c.SecurityMode),
		Description:        c.Description,
		ResourceGroupId:    c.ResourceGroupID,
		DeletionProtection: ptr(c.DeletionProtection),
	}
	if c.Payment != nil {
		req.PaymentType = string(c.Payment.Type)
		if s := c.Payment.Subscription; s != nil && c.Payment.Type == spec.PaymentSubscription {
			req.SubscriptionConfig = subscriptionConfig(s)
		}
	}
	for _, k := range sortedKeys(c.Tags) {
		req.Tags = append(req.Tags, emrwire.Tag{Key: k, Value: c.Tags[k]})
	}
	for _, a := range c.Applications {
		req.Applications = append(req.Applications, emrwire.Application{ApplicationName: a})
	}
	configs, err := c.ExpandConfigs(secrets)
	if err != nil {
		return nil, err
	}
	for _, ac := range configs {
		req.ApplicationConfigs = append(req.ApplicationConfigs, emrwire.ApplicationConfig{
			ApplicationName: ac.Application, ConfigFileName: ac.File, ConfigItemKey: ac.Key, ConfigItemValue: ac.Value,
			ConfigScope: string(ac.Scope), NodeGroupName: ac.NodeGroupName,
		})
	}
	if c.Network != nil {
		na, err := nodeAttributes(c, secrets)
		if err != nil {
			return nil, err
		}
		req.NodeAttributes = na
	}
	for i, g := range c.NodeGroups {
		ng, err := nodeGroupConfig(g)
		if err != nil {
			return nil, fmt.Errorf("aliyun: nodeGroups[%d]: %w", i, err)
		}
		req.NodeGroups = append(req.NodeGroups, ng)
	}
	for _, b := range c.BootstrapScripts {
		req.BootstrapScripts = append(req.BootstrapScripts, script(b))
	}
	return req, nil
}

func nodeAttributes(c *spec.Cluster, secrets *spec.Resolved) (*emrwire.NodeAttributes, error) {
	n := c.Network
	na := &emrwire.NodeAttributes{
		VpcId: n.VpcID, ZoneId: n.ZoneID, SecurityGroupId: n.SecurityGroupID,
		KeyPairName: n.KeyPairName, RamRole: n.RAMRole,
	}
	if n.MasterRootPasswordEnv != "" {
		if secrets.MasterRootPassword == "" {
			return nil, fmt.Errorf("aliyun: network.masterRootPasswordEnv: %w: the root password is not resolved (call spec.Resolve)", spec.ErrNotMappable)
		}
		na.MasterRootPassword = secrets.MasterRootPassword
	}
	if e := c.DiskEncryption; e != nil {
		if e.SystemDisk {
			na.SystemDiskEncrypted = ptr(true)
			na.SystemDiskKMSKeyId = e.SystemDiskKMSKeyID
		}
		if e.DataDisk {
			na.DataDiskEncrypted = ptr(true)
			na.DataDiskKMSKeyId = e.DataDiskKMSKeyID
		}
	}
	return na, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func subscriptionConfig(s *spec.Subscription) *emrwire.SubscriptionConfig {
	sc := &emrwire.SubscriptionConfig{
		PaymentDuration:     ptr(int64(s.Duration)),
		PaymentDurationUnit: string(s.Unit),
		AutoRenew:           ptr(s.AutoRenew),
	}
	if s.AutoRenew {
		sc.AutoRenewDuration = ptr(int64(s.AutoRenewDuration))
		sc.AutoRenewDurationUnit = string(s.AutoRenewUnit)
	}
	return sc
}

// nodeGroupConfig maps a spec node group, for RunCluster and
// CreateNodeGroup alike.
func nodeGroupConfig(g spec.NodeGroup) (emrwire.NodeGroupConfig, error) {
	if g.Count == nil {
		return emrwire.NodeGroupConfig{}, fmt.Errorf("%w: count is not set", spec.ErrNotMappable)
	}
	ng := emrwire.NodeGroupConfig{
		NodeGroupType:              string(g.Role),
		NodeGroupName:              g.Name,
		NodeCount:                  ptr(int64(*g.Count)),
		InstanceTypes:              slices.Clone(g.InstanceTypes),
		VSwitchIds:                 slices.Clone(g.VSwitchIDs),
		PaymentType:                string(g.PaymentType),
		NodeResizeStrategy:         string(g.ResizeStrategy),
		DeploymentSetStrategy:      string(g.DeploymentSetStrategy),
		AdditionalSecurityGroupIds: slices.Clone(g.AdditionalSecurityGroupIDs),
		WithPublicIp:               trueOrNil(g.PublicIP),
		GracefulShutdown:           trueOrNil(g.GracefulShutdown),
		SpotInstanceRemedy:         trueOrNil(g.SpotInstanceRemedy),
		CompensateWithOnDemand:     trueOrNil(g.CompensateWithOnDemand),
	}
	if d := g.SystemDisk; d != nil {
		ng.SystemDisk = &emrwire.SystemDisk{Category: string(d.Category), Size: ptr(int64(d.Size)), PerformanceLevel: string(d.PerformanceLevel)}
	}
	for _, d := range g.DataDisks {
		ng.DataDisks = append(ng.DataDisks, emrwire.DataDisk{
			Category: string(d.Category), Size: ptr(int64(d.Size)), Count: ptr(int64(d.Count)), PerformanceLevel: string(d.PerformanceLevel),
		})
	}
	if s := g.Spot; s != nil {
		ng.SpotStrategy = string(s.Strategy)
		for _, b := range s.BidPrices {
			ng.SpotBidPrices = append(ng.SpotBidPrices, emrwire.SpotBidPrice{InstanceType: b.InstanceType, BidPrice: ptr(b.Price)})
		}
	}
	if co := g.CostOptimized; co != nil {
		ng.CostOptimizedConfig = &emrwire.CostOptimizedConfig{
			OnDemandBaseCapacity:                ptr(int64(co.OnDemandBaseCapacity)),
			OnDemandPercentageAboveBaseCapacity: ptr(int64(co.OnDemandPercentageAboveBaseCapacity)),
			SpotInstancePools:                   ptr(int64(co.SpotInstancePools)),
		}
	}
	if pp := g.PrivatePool; pp != nil {
		ng.PrivatePoolOptions = &emrwire.PrivatePoolOptions{MatchCriteria: string(pp.MatchCriteria), PrivatePoolIds: slices.Clone(pp.IDs)}
	}
	return ng, nil
}

// trueOrNil sends a flag only when it is on: every such flag defaults to
// false, and the documented templates leave them out.
func trueOrNil(b bool) *bool {
	if !b {
		return nil
	}
	return ptr(true)
}

func script(b spec.BootstrapScript) emrwire.Script {
	s := emrwire.Script{
		ScriptName: b.Name, ScriptPath: b.Path, ScriptArgs: b.Args,
		ExecutionMoment: string(b.Moment), ExecutionFailStrategy: string(b.FailStrategy),
	}
	if ns := b.NodeSelector; ns != nil {
		sel := &emrwire.NodeSelector{
			NodeSelectType: string(ns.Type),
			NodeGroupNames: slices.Clone(ns.NodeGroupNames),
			NodeNames:      slices.Clone(ns.NodeNames),
		}
		for _, t := range ns.NodeGroupTypes {
			sel.NodeGroupTypes = append(sel.NodeGroupTypes, string(t))
		}
		s.NodeSelector = sel
	}
	return s
}

// redactRunCluster returns a copy of a RunCluster request with the root
// password and every secret config value replaced by spec.RedactedValue,
// for the journal, confirmations and dry runs.
func redactRunCluster(req *emrwire.RunClusterRequest) *emrwire.RunClusterRequest {
	if req == nil {
		return nil
	}
	out := *req
	if req.NodeAttributes != nil {
		na := *req.NodeAttributes
		if na.MasterRootPassword != "" {
			na.MasterRootPassword = spec.RedactedValue
		}
		out.NodeAttributes = &na
	}
	if req.ApplicationConfigs != nil {
		out.ApplicationConfigs = make([]emrwire.ApplicationConfig, len(req.ApplicationConfigs))
		for i, ac := range req.ApplicationConfigs {
			if spec.IsSecretConfigKey(ac.ConfigItemKey) && ac.ConfigItemValue != "" {
				ac.ConfigItemValue = spec.RedactedValue
			}
			out.ApplicationConfigs[i] = ac
		}
	}
	return &out
}
