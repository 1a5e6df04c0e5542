package spark

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var kyuubiColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "QUEUE", Field: "queue"},
	{Header: "COMPUTE", Field: "computeInstance"},
	{Header: "REPLICAS", Field: "replica", Kind: output.Count},
	{Header: "ENDPOINT", Field: "innerEndpoint", Wide: true},
	{Header: "PUBLIC ENDPOINT", Field: "publicEndpoint", Wide: true},
	{Header: "RELEASE", Field: "releaseVersion", Wide: true},
	{Header: "KYUUBI", Field: "kyuubiReleaseVersion", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
}

var kyuubiDetailColumns = append(append([]output.Column(nil), kyuubiColumns...),
	output.Column{Header: "KYUUBI CONFIGS", Field: "kyuubiConfigs"},
	output.Column{Header: "SPARK CONFIGS", Field: "sparkConfigs"},
	output.Column{Header: "STARTED", Field: "startTime", Kind: output.Time},
)

func newKyuubiCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kyuubi",
		Short: "Kyuubi gateways (JDBC), their tokens and the Spark applications they run",
		Long: `Kyuubi gateways serve Hive/Spark JDBC on a queue. A running gateway holds CU
until it is stopped; stopping it disconnects every JDBC connection.`,
	}
	cmd.AddCommand(newKyuubiCreateCmd(f), newKyuubiListCmd(f), newKyuubiGetCmd(f),
		newKyuubiActionCmd(f, "start", "Start a Kyuubi gateway (it holds CU while it runs)",
			"", func(e *engine.Engine) kyuubiAction { return e.StartSparkKyuubi }),
		newKyuubiActionCmd(f, "stop", "Stop a Kyuubi gateway (confirmed: every JDBC connection is dropped)",
			"The confirmation says how many Spark applications it runs now.", func(e *engine.Engine) kyuubiAction { return e.StopSparkKyuubi }),
		newKyuubiUpdateCmd(f),
		newKyuubiActionCmd(f, "delete", "Delete a Kyuubi gateway (confirmed; only when stopped and idle)",
			"emrctl reads the gateway and its applications first: a gateway that is not NOT_STARTED\n(stopped), or still runs Spark applications, is refused, and nothing is sent.",
			func(e *engine.Engine) kyuubiAction { return e.DeleteSparkKyuubi }),
		newTokenCmd(f), newAppCmd(f))
	return cmd
}

// kyuubiConfig joins repeated key=value flags into the API's text
// ("k=v;k2=v2").
func kyuubiConfig(flag string, pairs []string) (string, error) {
	for _, p := range pairs {
		k, _, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return "", cmdutil.FlagErrorf("--%s %q: want key=value", flag, p)
		}
		if strings.Contains(p, ";") {
			return "", cmdutil.FlagErrorf("--%s %q: ';' separates settings in the service's text: give one setting per flag", flag, p)
		}
	}
	return strings.Join(pairs, ";"), nil
}

// kyuubiFlags are the flags of create and update.
type kyuubiFlags struct {
	in                      provider.SparkKyuubiInput
	kyuubiConf, sparkConf   []string
	publicEndpoint, restart bool
}

func (k *kyuubiFlags) add(cmd *cobra.Command, update bool) {
	fl := cmd.Flags()
	fl.StringVar(&k.in.Name, "name", "", "gateway name")
	fl.StringVar(&k.in.Queue, "queue", "", "resource queue it runs on, e.g. dev_queue")
	fl.StringVar(&k.in.ReleaseVersion, "release", "", "engine version (see 'spark release list')")
	fl.StringVar(&k.in.KyuubiReleaseVersion, "kyuubi-release", "", "Kyuubi version")
	fl.StringVar(&k.in.ComputeInstance, "compute-instance", "", "size of the gateway, e.g. 2c8g")
	fl.IntVar(&k.in.Replica, "replica", 0, "replicas for high availability")
	fl.BoolVar(&k.publicEndpoint, "public-endpoint", false, "reach the gateway from the internet too")
	fl.StringArrayVar(&k.kyuubiConf, "kyuubi-conf", nil, "Kyuubi setting key=value (repeatable)")
	fl.StringArrayVar(&k.sparkConf, "spark-conf", nil, "Spark setting key=value of its applications (repeatable)")
	if update {
		fl.BoolVar(&k.restart, "restart", false, "restart the gateway to apply the change (drops its JDBC connections)")
	}
}

func (k *kyuubiFlags) build(cmd *cobra.Command) (provider.SparkKyuubiInput, error) {
	in := k.in
	var err error
	if in.KyuubiConfigs, err = kyuubiConfig("kyuubi-conf", k.kyuubiConf); err != nil {
		return in, err
	}
	if in.SparkConfigs, err = kyuubiConfig("spark-conf", k.sparkConf); err != nil {
		return in, err
	}
	if in.Replica < 0 {
		return in, cmdutil.FlagErrorf("--replica %d: give 1 or more", in.Replica)
	}
	in.PublicEndpoint = boolFlag(cmd, "public-endpoint", k.publicEndpoint)
	in.Restart = boolFlag(cmd, "restart", k.restart)
	return in, nil
}

func newKyuubiCreateCmd(f *cmdutil.Factory) *cobra.Command {
	k := &kyuubiFlags{}
	cmd := &cobra.Command{
		Use:   "create WORKSPACE_ID --name NAME --queue QUEUE",
		Short: "Create a Kyuubi gateway (NOT_STARTED until started)",
		Example: `  emrctl spark kyuubi create w-sandbox000000001 --name bi-gateway --queue dev_queue --compute-instance 2c8g \
    --kyuubi-conf kyuubi.session.idle.timeout=PT1H --spark-conf spark.executor.memory=8g`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := k.build(cmd)
			if err != nil {
				return err
			}
			if in.Name == "" || in.Queue == "" {
				return cmdutil.FlagErrorf("--name and --queue are required: name the gateway and the queue it runs on")
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.CreateSparkKyuubi(ctx, f.Call(false), args[0], in)
				if err != nil {
					return err
				}
				return printResult(f, res, nil)
			})(cmd, args)
		},
	}
	k.add(cmd, false)
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newKyuubiUpdateCmd(f *cmdutil.Factory) *cobra.Command {
	k := &kyuubiFlags{}
	cmd := &cobra.Command{
		Use:   "update WORKSPACE_ID SERVICE_ID [flags]",
		Short: "Change a Kyuubi gateway (confirmed); --restart applies it now",
		Long: `Change a Kyuubi gateway's queue, size, release or settings. The service needs
the name and queue in every update: emrctl repeats the current ones when you
leave them out.`,
		Example: `  emrctl spark kyuubi update w-sandbox000000001 kb-xxxxxxxx --spark-conf spark.executor.memory=16g --restart`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := k.build(cmd)
			if err != nil {
				return err
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				if in.Name == "" || in.Queue == "" {
					cur, err := e.SparkKyuubiService(ctx, args[0], args[1])
					if err != nil {
						return err
					}
					in.Name, in.Queue = orDefault(in.Name, cur.Name), orDefault(in.Queue, cur.Queue)
				}
				res, err := e.UpdateSparkKyuubi(ctx, f.Call(false), args[0], args[1], in)
				if err != nil {
					return err
				}
				return printResult(f, res, nil)
			})(cmd, args)
		},
	}
	k.add(cmd, true)
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newKyuubiListCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list WORKSPACE_ID",
		Short:   "List a workspace's Kyuubi gateways",
		Example: `  emrctl spark kyuubi list w-sandbox000000001`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			ks, err := e.SparkKyuubiServices(ctx, args[0])
			if err != nil {
				return err
			}
			return clia.PrintList(f, ks, kyuubiColumns, "No Kyuubi gateways found.")
		}),
	}
}

func newKyuubiGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get WORKSPACE_ID SERVICE_ID",
		Short:   "Describe a Kyuubi gateway: state, endpoints and settings",
		Example: `  emrctl spark kyuubi get w-sandbox000000001 kb-sandbox0000000000000000000001`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			k, err := e.SparkKyuubiService(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, k, kyuubiDetailColumns)
		}),
	}
}

// kyuubiAction is a write on one Kyuubi gateway.
type kyuubiAction func(ctx context.Context, call engine.Call, workspaceID, serviceID string) (*engine.SparkResult, error)

func newKyuubiActionCmd(f *cmdutil.Factory, verb, short, long string, action func(*engine.Engine) kyuubiAction) *cobra.Command {
	cmd := &cobra.Command{
		Use:     verb + " WORKSPACE_ID SERVICE_ID",
		Short:   short,
		Long:    strings.TrimSpace(short + ".\n\n" + long),
		Example: "  emrctl spark kyuubi " + verb + " w-sandbox000000001 kb-xxxxxxxxxxxxxxxx",
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := action(e)(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			return printResult(f, res, nil)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}
