package provider

import (
	"context"
	"path"
	"strings"
)

// ConfigItem is one key and value of a client configuration file.
type ConfigItem struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Config file formats, named by how the file is written on a node.
const (
	FormatXML        = "xml"        // Hadoop <configuration> XML
	FormatProperties = "properties" // key=value lines
	FormatSpark      = "spark-conf" // "key value" lines (spark-defaults.conf)
	FormatYAML       = "yaml"       // "key: value" lines (flink-conf.yaml)
	FormatShell      = "shell"      // export KEY=value lines (*-env.sh)
)

// ConfigFile is one client configuration file of an application of a
// cluster (core-site.xml of HDFS, spark-defaults.conf of SPARK3), with the
// items a client needs, sorted by key.
type ConfigFile struct {
	Application string       `json:"application"`
	Name        string       `json:"name"`
	Format      string       `json:"format"`
	Items       []ConfigItem `json:"items"`
}

// ConfigFormat is the format of a file, from its name.
func ConfigFormat(name string) string {
	switch ext := path.Ext(name); {
	case ext == ".xml":
		return FormatXML
	case ext == ".sh":
		return FormatShell
	case ext == ".yaml" || ext == ".yml":
		return FormatYAML
	case name == "spark-defaults.conf" || strings.HasSuffix(name, "/spark-defaults.conf"):
		return FormatSpark
	}
	return FormatProperties
}

// ClientConfigs reads the client configuration of a cluster: what a
// gateway needs to reach the cluster's services.
type ClientConfigs interface {
	// ClientConfigs returns the files of the applications apps (the
	// provider-neutral names of the gateway list: HDFS, SPARK3, ...), or
	// of every application when apps is empty, sorted by application and
	// file. Values are as the cluster has them, secrets included: the
	// caller redacts what it shows.
	ClientConfigs(ctx context.Context, clusterID string, apps []string) ([]ConfigFile, error)
}

// ClientConfigUpdater changes one configuration file of a cluster's
// application (Alibaba UpdateApplicationConfigs).
type ClientConfigUpdater interface {
	// UpdateClientConfig sets items of file of app; refresh distributes
	// the change to the nodes.
	UpdateClientConfig(ctx context.Context, clusterID, app, file string, items []ConfigItem, refresh bool) (*WriteResult, error)
	// UpdateClientConfigRequest is the exact request UpdateClientConfig
	// sends.
	UpdateClientConfigRequest(clusterID, app, file string, items []ConfigItem, refresh bool) any
}
