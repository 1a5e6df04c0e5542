package gateway

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

type configsSetOptions struct {
	f       *cmdutil.Factory
	id      string
	app     string
	file    string
	items   []provider.ConfigItem
	refresh bool
}

// newSetConfigCmd is 'gateway set-config', beside 'gateway configs', which
// shows the same keys. It is not 'gateway configs set': a command with
// subcommands is a group that takes no arguments, and 'configs' takes a
// cluster ID; 'set-config' follows 'cluster set-description'.
func newSetConfigCmd(f *cmdutil.Factory, run func(context.Context, *configsSetOptions) error) *cobra.Command {
	o := &configsSetOptions{f: f}
	cmd := &cobra.Command{
		Use:   "set-config CLUSTER_ID --app APP --file FILE KEY=VALUE... [--refresh]",
		Short: "Change keys of a cluster's client configuration file",
		Long: `Set changes existing keys of one configuration file of a cluster's application
at the cluster level (Alibaba Cloud UpdateApplicationConfigs): what every
gateway and, with --refresh, the running services read. Keys whose value
already holds are not sent; when all hold, nothing is sent.

The change is confirmed with each key's old and new value (secret values are
shown as [REDACTED]); agents cannot change secret keys. Gateways see it as
drift: 'emrctl gateway status' reports the changed file and 'emrctl gateway
refresh' writes it.

--refresh also distributes the change to the running services; without it
they keep the old values until they restart.`,
		Example: `  emrctl gateway set-config c-xxxxxxxxxxxxxxxx --app HDFS --file core-site.xml fs.trash.interval=120
  emrctl gateway set-config c-xxxxxxxxxxxxxxxx --app SPARK3 --file spark-defaults.conf \
      spark.executor.memory=4g spark.executor.cores=2 --refresh --yes`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			items, err := parseItems(args[1:])
			if err != nil {
				return err
			}
			o.items = items
			if o.app == "" || o.file == "" {
				return cmdutil.FlagErrorf("pass --app and --file: the application and file the keys belong to (see 'emrctl gateway configs %s')", o.id)
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runConfigsSet(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.app, "app", "", "the application: "+strings.Join(engine.GatewayApps, ", "))
	cmd.Flags().StringVar(&o.file, "file", "", "the configuration file, such as core-site.xml")
	cmd.Flags().BoolVar(&o.refresh, "refresh", false, "also refresh the running services with the new values")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// parseItems reads KEY=VALUE arguments; the value may hold '=' and may be
// empty.
func parseItems(args []string) ([]provider.ConfigItem, error) {
	items := make([]provider.ConfigItem, 0, len(args))
	for i, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			// The argument may hold a secret: name its position only.
			return nil, cmdutil.FlagErrorf("argument %d after the cluster ID is not KEY=VALUE: write each change as a key, '=' and its value", i+1)
		}
		items = append(items, provider.ConfigItem{Key: k, Value: v})
	}
	return items, nil
}

func runConfigsSet(ctx context.Context, o *configsSetOptions) error {
	f := o.f
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	out, err := s.Engine.UpdateClientConfig(ctx, f.Call(false), engine.ClientConfigChange{
		ClusterID: o.id, Application: o.app, File: o.file, Items: o.items, Refresh: o.refresh,
	})
	if err != nil {
		return err
	}
	return cmdutil.PrintOutcome(f, out)
}
