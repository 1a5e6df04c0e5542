package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

type configsOptions struct {
	f    *cmdutil.Factory
	id   string
	apps []string
}

func newConfigsCmd(f *cmdutil.Factory, run func(context.Context, *configsOptions) error) *cobra.Command {
	o := &configsOptions{f: f}
	cmd := &cobra.Command{
		Use:   "configs CLUSTER_ID",
		Short: "Show the client configuration files a gateway of a cluster needs",
		Long: `Configs reads the client configuration of a cluster's applications: the
files a gateway writes (core-site.xml, yarn-site.xml, hive-site.xml,
spark-defaults.conf, ...), one row per key. Values of secret keys
(javax.jdo.option.ConnectionPassword and the like) are shown as [REDACTED].

--app selects applications (repeat it); without it every gateway application
the cluster has is shown. Applications: ` + strings.Join(engine.GatewayApps, ", ") + `.

Alibaba Cloud: the cluster-level items of ListApplicationConfigs, exactly as
the cluster has them.

AWS: DescribeCluster's Configurations, which hold only what was set at create
or by a reconfiguration, not EMR's defaults. Classifications map to files:
  core-site, hdfs-site, hadoop-env      HDFS core-site.xml, hdfs-site.xml, hadoop-env.sh
  yarn-site, mapred-site, yarn-env      YARN yarn-site.xml, mapred-site.xml, yarn-env.sh
  hive-site, hive-env                   HIVE hive-site.xml, hive-env.sh
  spark-defaults, spark-hive-site,      SPARK3 (SPARK2 on emr-5.x) spark-defaults.conf,
  spark-env                             hive-site.xml, spark-env.sh
  hbase-site, tez-site, flink-conf,     HBASE hbase-site.xml, TEZ tez-site.xml,
  sqoop-site                            FLINK flink-conf.yaml, SQOOP sqoop-site.xml
  presto-config, hudi-defaults,         PRESTO config.properties, HUDI hudi-defaults.conf,
  iceberg-defaults, delta-defaults      ICEBERG iceberg-defaults.conf, DELTALAKE delta-defaults.conf
Other classifications are not client configuration and are left out. The
master's public DNS name fills in fs.defaultFS (hdfs://MASTER:8020) and
yarn.resourcemanager.hostname when the configuration does not set them.

Configs changes nothing.`,
		Example: `  emrctl gateway configs c-xxxxxxxxxxxxxxxx
  emrctl gateway configs c-xxxxxxxxxxxxxxxx --app HDFS --app SPARK3
  emrctl gateway configs j-XXXXXXXXXXXXX -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runConfigs(cmd.Context(), o)
		},
	}
	cmd.Flags().StringArrayVar(&o.apps, "app", nil, "an application to show (repeatable): "+strings.Join(engine.GatewayApps, ", "))
	return cmd
}

var configColumns = []output.Column{
	{Header: "APP", Field: "app"},
	{Header: "FILE", Field: "file"},
	{Header: "KEY", Field: "key"},
	{Header: "VALUE", Field: "value"},
}

// configRow is one row of the table: one key of one file.
type configRow struct {
	App   string `json:"app"`
	File  string `json:"file"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

func runConfigs(ctx context.Context, o *configsOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	files, err := s.Engine.ClientConfigs(ctx, o.id, o.apps)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, files, configColumns, printOpts(f)...)
	}
	var rows []any
	for _, file := range files {
		for _, it := range file.Items {
			rows = append(rows, configRow{App: file.Application, File: file.Name, Key: it.Key, Value: it.Value})
		}
	}
	if len(rows) == 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, "no client configuration found for cluster %s\n", o.id)
		return nil
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, configColumns, printOpts(f)...)
	if err := lw.WriteItems(rows...); err != nil {
		return err
	}
	return lw.Close()
}
