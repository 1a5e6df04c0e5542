package aws

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

// configTarget is where a classification of an AWS cluster's
// Configurations goes: an application of the gateway list and a file.
type configTarget struct {
	app, file string
	// export marks a *-env classification whose properties sit in a
	// nested "export" classification.
	export bool
}

// classificationFiles maps the classifications a client needs to files.
// SPARK is SPARK3, or SPARK2 on emr-5.x releases (see sparkApp). Other
// classifications (emrfs-site, livy-conf, server-side settings) are not
// client configuration and are left out.
var classificationFiles = map[string]configTarget{
	"core-site":        {app: "HDFS", file: "core-site.xml"},
	"hdfs-site":        {app: "HDFS", file: "hdfs-site.xml"},
	"hadoop-env":       {app: "HDFS", file: "hadoop-env.sh", export: true},
	"yarn-site":        {app: "YARN", file: "yarn-site.xml"},
	"mapred-site":      {app: "YARN", file: "mapred-site.xml"},
	"yarn-env":         {app: "YARN", file: "yarn-env.sh", export: true},
	"hive-site":        {app: "HIVE", file: "hive-site.xml"},
	"hive-env":         {app: "HIVE", file: "hive-env.sh", export: true},
	"spark-defaults":   {app: "SPARK", file: "spark-defaults.conf"},
	"spark-hive-site":  {app: "SPARK", file: "hive-site.xml"},
	"spark-env":        {app: "SPARK", file: "spark-env.sh", export: true},
	"hbase-site":       {app: "HBASE", file: "hbase-site.xml"},
	"tez-site":         {app: "TEZ", file: "tez-site.xml"},
	"flink-conf":       {app: "FLINK", file: "flink-conf.yaml"},
	"sqoop-site":       {app: "SQOOP", file: "sqoop-site.xml"},
	"presto-config":    {app: "PRESTO", file: "config.properties"},
	"hudi-defaults":    {app: "HUDI", file: "hudi-defaults.conf"},
	"iceberg-defaults": {app: "ICEBERG", file: "iceberg-defaults.conf"},
	"delta-defaults":   {app: "DELTALAKE", file: "delta-defaults.conf"},
}

// sparkApp is the gateway name of the cluster's Spark.
func sparkApp(release string) string {
	if strings.HasPrefix(strings.ToLower(release), "emr-5.") {
		return "SPARK2"
	}
	return "SPARK3"
}

// ClientConfigs implements provider.ClientConfigs from DescribeCluster:
// the cluster's Configurations mapped to files (classificationFiles),
// and the master's DNS name as fs.defaultFS (core-site.xml),
// yarn.resourcemanager.hostname (yarn-site.xml) and, with Hive,
// hive.metastore.uris (hive-site.xml) where the configuration does not
// set them, as EMR does on the nodes. DescribeCluster gives only
// what was set at create or reconfigured, not EMR's defaults.
func (p *Provider) ClientConfigs(ctx context.Context, clusterID string, apps []string) ([]provider.ConfigFile, error) {
	d, err := p.ClusterDetail(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	files := map[[2]string]map[string]string{}
	spark := sparkApp(d.Cluster.ReleaseVersion)
	for _, c := range d.Configurations {
		t, ok := classificationFiles[c.Classification]
		if !ok {
			continue
		}
		if t.app == "SPARK" {
			t.app = spark
		}
		props := c.Properties
		if t.export {
			props = exportProperties(c.Configurations)
		}
		for k, v := range props {
			k, v = secretReference(k, v)
			setConfig(files, t.app, t.file, k, v)
		}
	}
	if host := d.Cluster.AWS.MasterPublicDNS; host != "" && hasApp(d.Applications, "Hadoop") {
		setDefault(files, "HDFS", "core-site.xml", "fs.defaultFS", "hdfs://"+host+":8020")
		setDefault(files, "YARN", "yarn-site.xml", "yarn.resourcemanager.hostname", host)
	}
	if host := d.Cluster.AWS.MasterPublicDNS; host != "" && hasApp(d.Applications, "Hive") {
		// Without it a Hive client on the edge node has no metastore.
		setDefault(files, "HIVE", "hive-site.xml", "hive.metastore.uris", "thrift://"+host+":9083")
	}
	return configFilesOf(files, apps), nil
}

// secretAnnotation marks a property whose value is the ARN of a Secrets
// Manager secret that EMR resolves on its nodes ("KEY:secret": "arn:...").
const secretAnnotation = ":secret"

// secretReference returns the key without EMR's secret annotation, and an
// empty value when the value refers to a Secrets Manager secret: with the
// annotation (as moto returns it), or the ARN of a secret key's value (as
// DescribeCluster returns it, the annotation dropped). An edge node
// cannot resolve the reference, and the ARN is no password. Empty is how
// a cluster that hides a value shows it, so the deploy asks for it.
func secretReference(key, value string) (string, string) {
	k, annotated := strings.CutSuffix(key, secretAnnotation)
	if annotated || (isSecretARN(value) && redact.IsSecretKey(k)) {
		return k, ""
	}
	return key, value
}

// isSecretARN reports whether v is a Secrets Manager ARN, in any
// partition (arn:aws:, arn:aws-cn:, arn:aws-us-gov:).
func isSecretARN(v string) bool {
	parts := strings.SplitN(strings.TrimSpace(v), ":", 4)
	return len(parts) == 4 && parts[0] == "arn" && strings.HasPrefix(parts[1], "aws") && parts[2] == "secretsmanager"
}

// exportProperties merges the nested "export" classifications of a *-env
// classification.
func exportProperties(cs []provider.Configuration) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		if c.Classification == "export" {
			for k, v := range c.Properties {
				out[k] = v
			}
		}
	}
	return out
}

func setConfig(files map[[2]string]map[string]string, app, file, key, value string) {
	k := [2]string{app, file}
	if files[k] == nil {
		files[k] = map[string]string{}
	}
	files[k][key] = value
}

func setDefault(files map[[2]string]map[string]string, app, file, key, value string) {
	if _, ok := files[[2]string{app, file}][key]; !ok {
		setConfig(files, app, file, key, value)
	}
}

func hasApp(apps []provider.Application, name string) bool {
	return slices.ContainsFunc(apps, func(a provider.Application) bool { return strings.EqualFold(a.Name, name) })
}

// configFilesOf returns the files of apps (every file when apps is
// empty), sorted by application, file and key.
func configFilesOf(files map[[2]string]map[string]string, apps []string) []provider.ConfigFile {
	out := []provider.ConfigFile{}
	for k, items := range files {
		if len(apps) > 0 && !slices.Contains(apps, k[0]) {
			continue
		}
		f := provider.ConfigFile{Application: k[0], Name: k[1], Format: provider.ConfigFormat(k[1])}
		for key, v := range items {
			f.Items = append(f.Items, provider.ConfigItem{Key: key, Value: v})
		}
		slices.SortFunc(f.Items, func(a, b provider.ConfigItem) int { return cmp.Compare(a.Key, b.Key) })
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b provider.ConfigFile) int {
		return cmp.Or(cmp.Compare(a.Application, b.Application), cmp.Compare(a.Name, b.Name))
	})
	return out
}
