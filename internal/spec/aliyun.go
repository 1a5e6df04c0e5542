package spec

import (
	"errors"
	"fmt"
	"slices"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// ErrNotMappable is returned by AliyunRequest for a spec it cannot turn
// into a request (wrong provider, a node group without count, secrets not
// resolved). Validate reports these too, with more detail.
var ErrNotMappable = errors.New("spec cannot be mapped to a request")

// AliyunRequest builds the exact RunCluster request a defaulted, valid spec
// stands for. The metastore and ossHdfs blocks expand to the hidden-required
// ApplicationConfigs of cluster-lifecycle.md, in the templates' order:
// OSS_ROOT_URI, the spec's own items, HIVE's metastore items, Spark's
// metastore type. ClientToken is left for the engine, which owns it.
// secrets may be nil when the spec names none; pass secrets.Redacted() to
// build a request for printing.
func (c *Cluster) AliyunRequest(secrets *Resolved) (*emrwire.RunClusterRequest, error) {
	if c.Provider != ProviderAliyun {
		return nil, fmt.Errorf("spec: provider %q: %w: RunCluster is for provider aliyun", c.Provider, ErrNotMappable)
	}
	if secrets == nil {
		secrets = &Resolved{}
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
		if s := c.Payment.Subscription; s != nil && c.Payment.Type == PaymentSubscription {
			req.SubscriptionConfig = subscriptionConfig(s)
		}
	}
	for _, k := range sortedKeys(c.Tags) {
		req.Tags = append(req.Tags, emrwire.Tag{Key: k, Value: c.Tags[k]})
	}
	for _, a := range c.Applications {
		req.Applications = append(req.Applications, emrwire.Application{ApplicationName: a})
	}
	configs, err := c.applicationConfigs(secrets)
	if err != nil {
		return nil, err
	}
	req.ApplicationConfigs = configs
	if n := c.Network; n != nil {
		na := &emrwire.NodeAttributes{
			VpcId: n.VpcID, ZoneId: n.ZoneID, SecurityGroupId: n.SecurityGroupID,
			KeyPairName: n.KeyPairName, RamRole: n.RAMRole,
		}
		if n.MasterRootPasswordEnv != "" {
			if secrets.MasterRootPassword == "" {
				return nil, fmt.Errorf("spec: network.masterRootPasswordEnv: %w: the root password is not resolved (call Resolve)", ErrNotMappable)
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
		req.NodeAttributes = na
	}
	for i, g := range c.NodeGroups {
		ng, err := nodeGroupConfig(g)
		if err != nil {
			return nil, fmt.Errorf("spec: nodeGroups[%d]: %w", i, err)
		}
		req.NodeGroups = append(req.NodeGroups, ng)
	}
	for _, b := range c.BootstrapScripts {
		req.BootstrapScripts = append(req.BootstrapScripts, script(b))
	}
	return req, nil
}

func ptr[T any](v T) *T { return &v }

func subscriptionConfig(s *Subscription) *emrwire.SubscriptionConfig {
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

// applicationConfigs expands metastore and ossHdfs and adds the spec's items.
func (c *Cluster) applicationConfigs(secrets *Resolved) ([]emrwire.ApplicationConfig, error) {
	item := func(k configKey, value string) emrwire.ApplicationConfig {
		return emrwire.ApplicationConfig{ApplicationName: k.app, ConfigFileName: k.file, ConfigItemKey: k.key, ConfigItemValue: value}
	}
	var out []emrwire.ApplicationConfig
	if c.HasApplication(appOSSHDFS) && c.OSSHDFS != nil && c.OSSHDFS.RootURI != "" {
		out = append(out, item(ossRootKey(), c.OSSHDFS.RootURI))
	}
	for _, ac := range c.ApplicationConfigs {
		out = append(out, emrwire.ApplicationConfig{
			ApplicationName: ac.Application, ConfigFileName: ac.File, ConfigItemKey: ac.Key, ConfigItemValue: ac.Value,
			ConfigScope: string(ac.Scope), NodeGroupName: ac.NodeGroupName,
		})
	}
	m := c.Metastore
	if m == nil || m.Type == "" || !c.HasApplication(appHive) {
		return out, nil
	}
	out = append(out, item(hiveKey(keyMetastoreType), string(m.Type)))
	if m.Type == MetastoreUserRDS {
		if m.RDS == nil {
			return nil, fmt.Errorf("spec: metastore.rds: %w: USER_RDS needs the RDS connection", ErrNotMappable)
		}
		if secrets.MetastorePassword == "" {
			return nil, fmt.Errorf("spec: metastore.rds.passwordEnv: %w: the metastore password is not resolved (call Resolve)", ErrNotMappable)
		}
		out = append(out,
			item(hiveKey(keyConnectionURL), m.RDS.URL),
			item(hiveKey(keyConnectionUser), m.RDS.Username),
			item(hiveKey(keyConnectionPass), secrets.MetastorePassword))
	}
	if spark := sparkApp(c.Applications); spark != "" {
		out = append(out, item(sparkMetastoreKey(spark), string(m.Type)))
	}
	return out, nil
}

func nodeGroupConfig(g NodeGroup) (emrwire.NodeGroupConfig, error) {
	if g.Count == nil {
		return emrwire.NodeGroupConfig{}, fmt.Errorf("%w: count is not set", ErrNotMappable)
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

func script(b BootstrapScript) emrwire.Script {
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

// FromCloneMeta turns GetClusterCloneMeta into a spec, so that clone → edit
// → create round-trips. IDs, states and scaling policies are dropped; node
// groups, applications and configs are kept; the metastore and OSS-HDFS
// items are pulled back into the metastore and ossHdfs blocks. No password
// is ever carried: where one was, the spec names an environment variable
// (DefaultMetastorePasswordEnv, DefaultRootPasswordEnv) for the user to
// set. When every node group uses the same vSwitches they move to
// network.vSwitchIds. region is used when the metadata has none.
func FromCloneMeta(meta *emrwire.GetClusterCloneMetaResponseClusterCloneMeta, region string) *Cluster {
	if meta == nil {
		return nil
	}
	if meta.RegionId != "" && region == "" {
		region = meta.RegionId
	}
	c := &Cluster{
		APIVersion:      APIVersion,
		Kind:            KindCluster,
		Name:            meta.ClusterName,
		Provider:        ProviderAliyun,
		Region:          region,
		ClusterType:     ClusterType(meta.ClusterType),
		ReleaseVersion:  meta.ReleaseVersion,
		DeployMode:      DeployMode(meta.DeployMode),
		SecurityMode:    SecurityMode(meta.SecurityMode),
		ResourceGroupID: meta.ResourceGroupId,
	}
	if meta.DeletionProtection != nil {
		c.DeletionProtection = *meta.DeletionProtection
	}
	if meta.PaymentType != "" {
		c.Payment = &Payment{Type: PaymentType(meta.PaymentType)}
		if s := meta.SubscriptionConfig; s != nil && c.Payment.Type == PaymentSubscription {
			c.Payment.Subscription = fromSubscription(s)
		}
	}
	for _, t := range meta.Tags {
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
	c.fromConfigs(meta.ApplicationConfigs, groupNames)
	if na := meta.NodeAttributes; na != nil {
		c.Network = &Network{VpcID: na.VpcId, ZoneID: na.ZoneId, SecurityGroupID: na.SecurityGroupId, KeyPairName: na.KeyPairName, RAMRole: na.RamRole}
		if na.KeyPairName == "" {
			c.Network.MasterRootPasswordEnv = DefaultRootPasswordEnv
		}
		if deref(na.SystemDiskEncrypted) || deref(na.DataDiskEncrypted) {
			c.DiskEncryption = &DiskEncryption{
				SystemDisk: deref(na.SystemDiskEncrypted), SystemDiskKMSKeyID: na.SystemDiskKMSKeyId,
				DataDisk: deref(na.DataDiskEncrypted), DataDiskKMSKeyID: na.DataDiskKMSKeyId,
			}
		}
	}
	for _, ng := range meta.NodeGroups {
		c.NodeGroups = append(c.NodeGroups, fromNodeGroup(ng))
	}
	c.liftVSwitches()
	for _, s := range meta.BootstrapScripts {
		c.BootstrapScripts = append(c.BootstrapScripts, fromScript(s, groupNames))
	}
	return c
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func fromSubscription(s *emrwire.SubscriptionConfig) *Subscription {
	out := &Subscription{
		Duration: int(deref(s.PaymentDuration)), Unit: DurationUnit(s.PaymentDurationUnit),
		AutoRenew: deref(s.AutoRenew),
	}
	if out.AutoRenew {
		out.AutoRenewDuration = int(deref(s.AutoRenewDuration))
		out.AutoRenewUnit = DurationUnit(s.AutoRenewDurationUnit)
	}
	return out
}

// fromConfigs sorts clone configs into the metastore and ossHdfs blocks and
// the remaining applicationConfigs. The connection password is dropped.
func (c *Cluster) fromConfigs(configs []emrwire.ApplicationConfig, groupNames map[string]string) {
	var rds RDS
	var typ MetastoreType
	var sparkType string
	for _, ac := range configs {
		spec := AppConfig{
			Application: ac.ApplicationName, File: ac.ConfigFileName, Key: ac.ConfigItemKey, Value: ac.ConfigItemValue,
			Scope: ConfigScope(ac.ConfigScope), NodeGroupName: ac.NodeGroupName,
		}
		if spec.NodeGroupName == "" && ac.NodeGroupId != "" {
			spec.NodeGroupName = groupNames[ac.NodeGroupId]
		}
		cluster := spec.Scope == "" || spec.Scope == ScopeCluster
		switch {
		case cluster && ossRootKey().matches(spec):
			c.OSSHDFS = &OSSHDFS{RootURI: spec.Value}
		case cluster && hiveKey(keyMetastoreType).matches(spec):
			typ = MetastoreType(spec.Value)
		case cluster && hiveKey(keyConnectionURL).matches(spec):
			rds.URL = spec.Value
		case cluster && hiveKey(keyConnectionUser).matches(spec):
			rds.Username = spec.Value
		case hiveKey(keyConnectionPass).matches(spec):
			// Never carried: the spec names an environment variable instead.
		case cluster && (sparkMetastoreKey("SPARK3").matches(spec) || sparkMetastoreKey("SPARK2").matches(spec)):
			sparkType = spec.Value
		default:
			if isSecretConfigKey(spec.Key) {
				continue
			}
			c.ApplicationConfigs = append(c.ApplicationConfigs, spec)
		}
	}
	if typ == "" {
		if sparkType != "" {
			// Keep a lone Spark item as written; validation explains it.
			spark := sparkApp(c.Applications)
			c.ApplicationConfigs = append(c.ApplicationConfigs, AppConfig{Application: spark, File: sparkHiveFile, Key: keyMetastoreType, Value: sparkType})
		}
		return
	}
	c.Metastore = &Metastore{Type: typ}
	if typ == MetastoreUserRDS || rds.URL != "" || rds.Username != "" {
		rds.PasswordEnv = DefaultMetastorePasswordEnv
		c.Metastore.RDS = &rds
	}
	if sparkType != "" && sparkType != string(typ) {
		spark := sparkApp(c.Applications)
		c.ApplicationConfigs = append(c.ApplicationConfigs, AppConfig{Application: spark, File: sparkHiveFile, Key: keyMetastoreType, Value: sparkType})
	}
}

func fromNodeGroup(ng emrwire.NodeGroup) NodeGroup {
	g := NodeGroup{
		Name:                       ng.NodeGroupName,
		Role:                       NodeRole(ng.NodeGroupType),
		Count:                      ptr(int(deref(ng.RunningNodeCount))),
		InstanceTypes:              slices.Clone(ng.InstanceTypes),
		VSwitchIDs:                 slices.Clone(ng.VSwitchIds),
		PublicIP:                   deref(ng.WithPublicIp),
		PaymentType:                PaymentType(ng.PaymentType),
		GracefulShutdown:           deref(ng.GracefulShutdown),
		SpotInstanceRemedy:         deref(ng.SpotInstanceRemedy),
		CompensateWithOnDemand:     deref(ng.CompensateWithOnDemand),
		ResizeStrategy:             ResizeStrategy(ng.NodeResizeStrategy),
		DeploymentSetStrategy:      DeploymentSetStrategy(ng.DeploymentSetStrategy),
		AdditionalSecurityGroupIDs: slices.Clone(ng.AdditionalSecurityGroupIds),
	}
	if d := ng.SystemDisk; d != nil {
		g.SystemDisk = &SystemDisk{Category: DiskCategory(d.Category), Size: int(deref(d.Size)), PerformanceLevel: PerformanceLevel(d.PerformanceLevel)}
	}
	for _, d := range ng.DataDisks {
		g.DataDisks = append(g.DataDisks, DataDisk{
			Category: DiskCategory(d.Category), Size: int(deref(d.Size)), Count: int(deref(d.Count)), PerformanceLevel: PerformanceLevel(d.PerformanceLevel),
		})
	}
	if ng.SpotStrategy != "" && ng.SpotStrategy != string(NoSpot) {
		g.Spot = &Spot{Strategy: SpotStrategy(ng.SpotStrategy)}
		for _, b := range ng.SpotBidPrices {
			g.Spot.BidPrices = append(g.Spot.BidPrices, BidPrice{InstanceType: b.InstanceType, Price: deref(b.BidPrice)})
		}
	}
	if co := ng.CostOptimizedConfig; co != nil {
		g.CostOptimized = &CostOptimized{
			OnDemandBaseCapacity:                int(deref(co.OnDemandBaseCapacity)),
			OnDemandPercentageAboveBaseCapacity: int(deref(co.OnDemandPercentageAboveBaseCapacity)),
			SpotInstancePools:                   int(deref(co.SpotInstancePools)),
		}
	}
	if pp := ng.PrivatePoolOptions; pp != nil {
		g.PrivatePool = &PrivatePool{MatchCriteria: MatchCriteria(pp.MatchCriteria), IDs: slices.Clone(pp.PrivatePoolIds)}
	}
	return g
}

// liftVSwitches moves vSwitches shared by every group to the network, so
// moving a clone to another zone is one edit.
func (c *Cluster) liftVSwitches() {
	if c.Network == nil || len(c.NodeGroups) == 0 || len(c.NodeGroups[0].VSwitchIDs) == 0 {
		return
	}
	shared := c.NodeGroups[0].VSwitchIDs
	for _, g := range c.NodeGroups[1:] {
		if !slices.Equal(g.VSwitchIDs, shared) {
			return
		}
	}
	c.Network.VSwitchIDs = slices.Clone(shared)
	for i := range c.NodeGroups {
		c.NodeGroups[i].VSwitchIDs = nil
	}
}

func fromScript(s emrwire.Script, groupNames map[string]string) BootstrapScript {
	b := BootstrapScript{
		Name: s.ScriptName, Path: s.ScriptPath, Args: s.ScriptArgs,
		Moment: ScriptMoment(s.ExecutionMoment), FailStrategy: FailStrategy(s.ExecutionFailStrategy),
	}
	if ns := s.NodeSelector; ns != nil {
		sel := &NodeSelector{Type: NodeSelectType(ns.NodeSelectType), NodeGroupNames: slices.Clone(ns.NodeGroupNames), NodeNames: slices.Clone(ns.NodeNames)}
		for _, id := range ns.NodeGroupIds {
			if n := groupNames[id]; n != "" && !slices.Contains(sel.NodeGroupNames, n) {
				sel.NodeGroupNames = append(sel.NodeGroupNames, n)
			}
		}
		for _, t := range ns.NodeGroupTypes {
			sel.NodeGroupTypes = append(sel.NodeGroupTypes, NodeRole(t))
		}
		b.NodeSelector = sel
	}
	return b
}
