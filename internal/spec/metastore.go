package spec

import (
	"regexp"
	"slices"
)

// DefaultMetastorePasswordEnv and DefaultRootPasswordEnv are the variable
// names FromCloneMeta and Template write where a password would go.
const (
	DefaultMetastorePasswordEnv = "HIVE_RDS_PASSWORD"
	DefaultRootPasswordEnv      = "EMR_ROOT_PASSWORD"
)

// configKey identifies an application config item by application, file and
// key, the way cluster-lifecycle.md writes them.
type configKey struct {
	app, file, key string
}

// The files and keys the metastore and ossHdfs blocks expand to
// (cluster-lifecycle.md, Templates 1-4).
const (
	hiveMetastoreFile = "hivemetastore-site.xml"
	sparkHiveFile     = "hive-site.xml"
	keyMetastoreType  = "hive.metastore.type"
	keyConnectionURL  = "javax.jdo.option.ConnectionURL"
	keyConnectionUser = "javax.jdo.option.ConnectionUserName"
	keyConnectionPass = "javax.jdo.option.ConnectionPassword"
	ossHDFSConfigFile = "common.conf"
	keyOSSRootURI     = "OSS_ROOT_URI"
	appHive           = "HIVE"
	appOSSHDFS        = "OSS-HDFS"
)

// hiveKey is an item of HIVE's hivemetastore-site.xml.
func hiveKey(key string) configKey { return configKey{appHive, hiveMetastoreFile, key} }

// ossRootKey is OSS-HDFS's OSS_ROOT_URI.
func ossRootKey() configKey { return configKey{appOSSHDFS, ossHDFSConfigFile, keyOSSRootURI} }

// sparkMetastoreKey is the Spark side of the metastore type for SPARK3 or
// SPARK2.
func sparkMetastoreKey(spark string) configKey {
	return configKey{spark, sparkHiveFile, keyMetastoreType}
}

// managedKeys are the items the spec's metastore and ossHdfs blocks own.
func managedKeys() []configKey {
	return []configKey{hiveKey(keyMetastoreType), hiveKey(keyConnectionURL), hiveKey(keyConnectionUser),
		hiveKey(keyConnectionPass), ossRootKey(), sparkMetastoreKey("SPARK3"), sparkMetastoreKey("SPARK2")}
}

func (k configKey) matches(ac AppConfig) bool {
	return ac.Application == k.app && ac.File == k.file && ac.Key == k.key
}

// rawConfigIndex finds an item written directly in applicationConfigs.
func rawConfigIndex(c *Cluster, k configKey) int {
	return slices.IndexFunc(c.ApplicationConfigs, k.matches)
}

// sparkApp returns the Spark component selected, "" for none.
func sparkApp(apps []string) string {
	for _, s := range []string{"SPARK3", "SPARK2"} {
		if slices.Contains(apps, s) {
			return s
		}
	}
	return ""
}

// MetastoreType returns the effective Hive metastore type: metastore.type,
// else hive.metastore.type written in applicationConfigs, else "".
func (c *Cluster) MetastoreType() MetastoreType {
	if c.Metastore != nil && c.Metastore.Type != "" {
		return c.Metastore.Type
	}
	if i := rawConfigIndex(c, hiveKey(keyMetastoreType)); i >= 0 {
		return MetastoreType(c.ApplicationConfigs[i].Value)
	}
	return ""
}

// HasApplication reports whether the spec selects the application.
func (c *Cluster) HasApplication(name string) bool { return slices.Contains(c.Applications, name) }

// validEnvName reports whether s can name an environment variable.
func validEnvName(s string) bool { return match(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`, s) }

// match reports whether s matches pattern. Patterns are constants; they are
// compiled per call rather than kept in package state.
func match(pattern, s string) bool { return compile(pattern).MatchString(s) }

func compile(pattern string) *regexp.Regexp { return regexp.MustCompile(pattern) }
