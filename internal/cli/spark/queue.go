package spark

import (
	"context"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var queueColumns = []output.Column{
	{Header: "NAME", Field: "name"},
	{Header: "STATUS", Field: "status"},
	{Header: "MAX CU", Field: "maxCu", Kind: output.Count},
	{Header: "MIN CU", Field: "minCu", Kind: output.Count},
	{Header: "USED CU", Field: "usedCu", Kind: output.Count},
	{Header: "ENVIRONMENTS", Field: "environments"},
	{Header: "TYPE", Field: "type", Wide: true},
	{Header: "PAYMENT", Field: "paymentType", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
}

var releaseColumns = []output.Column{
	{Header: "VERSION", Field: "version"},
	{Header: "SPARK", Field: "spark"},
	{Header: "SCALA", Field: "scala"},
	{Header: "RUNTIME", Field: "runtime"},
	{Header: "FUSION", Field: "fusion", Kind: output.Bool},
	{Header: "STATE", Field: "state", Wide: true},
	{Header: "TYPE", Field: "type", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
}

func newQueueCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "queue",
		Aliases: []string{"queues"},
		Short:   "List and scale a workspace's resource queues",
	}
	cmd.AddCommand(newQueueListCmd(f), newQueueScaleCmd(f))
	return cmd
}

func newQueueListCmd(f *cmdutil.Factory) *cobra.Command {
	var env string
	cmd := &cobra.Command{
		Use:   "list WORKSPACE_ID",
		Short: "List a workspace's resource queues with their CU",
		Long: `List a workspace's resource queues: their capacity (MAX CU), guaranteed
minimum and what running jobs use now. Jobs name a queue in --queue.`,
		Example: `  emrctl spark queue list w-sandbox000000001`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			qs, err := e.SparkQueues(ctx, args[0], env)
			if err != nil {
				return err
			}
			return clia.PrintList(f, qs, queueColumns, "No queues found.")
		}),
	}
	cmd.Flags().StringVar(&env, "environment", "", "only queues of this environment: dev or production")
	return cmd
}

func newQueueScaleCmd(f *cmdutil.Factory) *cobra.Command {
	var in provider.SparkQueueEdit
	cmd := &cobra.Command{
		Use:   "scale WORKSPACE_ID QUEUE --cu N",
		Short: "Set a queue's CU (confirmed; large changes need --ack-cost)",
		Long: `Set a resource queue's capacity in CU, up or down. Jobs waiting long in
Pending usually need more CU. The safety policy caps the change per call and
the queue's total; above them the cost must be acknowledged (--ack-cost).
Scaling down does not stop running jobs, but new ones may wait.`,
		Example: `  emrctl spark queue scale w-sandbox000000001 dev_queue --cu 100
  emrctl spark queue scale w-sandbox000000001 root_queue --cu 200 --max-cu 400 --ack-cost`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if in.CU <= 0 {
				return cmdutil.FlagErrorf("--cu is required: the queue's new capacity, a positive number of CU")
			}
			if in.MaxCU != 0 && in.MaxCU < in.CU {
				return cmdutil.FlagErrorf("--max-cu %d is below --cu %d: set it to at least --cu, or leave it out", in.MaxCU, in.CU)
			}
			in.WorkspaceID, in.Queue = args[0], args[1]
			return withSpark(f, func(ctx context.Context, e *engine.Engine, _ []string) error {
				res, err := e.ScaleSparkQueue(ctx, f.Call(false), in)
				if err != nil {
					return err
				}
				return printResult(f, res, nil)
			})(cmd, args)
		},
	}
	cmd.Flags().IntVar(&in.CU, "cu", 0, "the queue's new capacity in CU")
	cmd.Flags().IntVar(&in.MaxCU, "max-cu", 0, "the queue's elastic maximum in CU (at least --cu)")
	cmd.Flags().StringSliceVar(&in.Environments, "environment", nil, "environments of the queue: dev, production")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newReleaseCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "release",
		Aliases: []string{"releases"},
		Short:   "List engine versions (esr-*)",
	}
	cmd.AddCommand(newReleaseListCmd(f))
	return cmd
}

func newReleaseListCmd(f *cmdutil.Factory) *cobra.Command {
	var filter provider.SparkReleaseFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List engine versions with their Spark, Scala and runtime",
		Long: `List the engine versions jobs, Kyuubi gateways and sessions can run, newest
first. Pass the VERSION text to --release.`,
		Example: `  emrctl spark release list
  emrctl spark release list -o json --query '[0].version'`,
		Args: cobra.NoArgs,
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, _ []string) error {
			rels, err := e.SparkReleases(ctx, filter)
			if err != nil {
				return err
			}
			return clia.PrintList(f, rels, releaseColumns, "No release versions found.")
		}),
	}
	cmd.Flags().StringVar(&filter.Version, "version", "", "only this version")
	cmd.Flags().StringVar(&filter.Type, "type", "", "stable or beta")
	cmd.Flags().StringVar(&filter.Status, "status", "", "ONLINE or OFFLINE")
	cmd.Flags().StringVar(&filter.WorkspaceID, "workspace", "", "only versions this workspace can use")
	return cmd
}
