package spec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNotMappable is returned for a spec that cannot be turned into a
// request (wrong provider, a node group without count, secrets not
// resolved). Validate reports these too, with more detail.
var ErrNotMappable = errors.New("spec cannot be mapped to a request")

func ptr[T any](v T) *T { return &v }

// ExpandConfigs returns the application config items a create request
// carries: the metastore and ossHdfs blocks expanded to the hidden-required
// items of cluster-lifecycle.md, in the templates' order: OSS_ROOT_URI, the
// spec's own items, HIVE's metastore items, Spark's metastore type. The
// metastore password comes from secrets (nil when the spec names none; pass
// secrets.Redacted() for a request to print).
func (c *Cluster) ExpandConfigs(secrets *Resolved) ([]AppConfig, error) {
	if secrets == nil {
		secrets = &Resolved{}
	}
	item := func(k configKey, value string) AppConfig {
		return AppConfig{Application: k.app, File: k.file, Key: k.key, Value: value}
	}
	var out []AppConfig
	if c.HasApplication(appOSSHDFS) && c.OSSHDFS != nil && c.OSSHDFS.RootURI != "" {
		out = append(out, item(ossRootKey(), c.OSSHDFS.RootURI))
	}
	out = append(out, c.ApplicationConfigs...)
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

// CollapseConfigs is the way back from ExpandConfigs, for a spec read from
// a cluster: it sorts the items into the metastore and ossHdfs blocks and
// the remaining applicationConfigs. Call it after Applications is set.
// Items must name their node group by name. No secret is ever carried:
// the connection password and every item whose key names a secret are
// dropped, and a metastore with an RDS connection names
// DefaultMetastorePasswordEnv instead.
func (c *Cluster) CollapseConfigs(items []AppConfig) {
	var rds RDS
	var typ MetastoreType
	var sparkType string
	for _, ac := range items {
		cluster := ac.Scope == "" || ac.Scope == ScopeCluster
		switch {
		case cluster && ossRootKey().matches(ac):
			c.OSSHDFS = &OSSHDFS{RootURI: ac.Value}
		case cluster && hiveKey(keyMetastoreType).matches(ac):
			typ = MetastoreType(ac.Value)
		case cluster && hiveKey(keyConnectionURL).matches(ac):
			rds.URL = ac.Value
		case cluster && hiveKey(keyConnectionUser).matches(ac):
			rds.Username = ac.Value
		case hiveKey(keyConnectionPass).matches(ac):
			// Never carried: the spec names an environment variable instead.
		case cluster && (sparkMetastoreKey("SPARK3").matches(ac) || sparkMetastoreKey("SPARK2").matches(ac)):
			sparkType = ac.Value
		default:
			if IsSecretConfigKey(ac.Key) {
				continue
			}
			c.ApplicationConfigs = append(c.ApplicationConfigs, ac)
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

// LiftVSwitches moves vSwitches shared by every group to the network, so
// moving a spec read from a cluster to another zone is one edit.
func (c *Cluster) LiftVSwitches() {
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

// IsSecretConfigKey reports config keys whose values are secrets: they are
// redacted in anything shown and never exported into a spec.
func IsSecretConfigKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "password") || strings.Contains(k, "secret") || strings.Contains(k, "accesskey")
}
