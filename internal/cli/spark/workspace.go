package spark

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var workspaceColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "PAYMENT", Field: "paymentType"},
	{Header: "CU", Field: "cu", Kind: output.Count},
	{Header: "STORAGE", Field: "storage"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "REGION", Field: "region", Wide: true},
	{Header: "RESOURCE SPEC", Field: "resourceSpec", Wide: true},
	{Header: "DLF CATALOG", Field: "dlfCatalogId", Wide: true},
	{Header: "REASON", Field: "stateReason.message", Wide: true},
}

// defaultJobRole is the RAM role Spark jobs run as, from the reference.
const defaultJobRole = "AliyunEMRSparkJobRunDefaultRole"

func newWorkspaceCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "workspace",
		Aliases: []string{"workspaces", "ws"},
		Short:   "Create, list, get, update and wait for workspaces",
	}
	cmd.AddCommand(newWorkspaceCreateCmd(f), newWorkspaceListCmd(f), newWorkspaceGetCmd(f), newWorkspaceUpdateCmd(f),
		newWorkspaceWaitCmd(f), newWorkspaceDeleteCmd(f))
	return cmd
}

func newWorkspaceCreateCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		in           provider.SparkWorkspaceInput
		months       int
		autoRenew    bool
		tagPairs     []string
		wait         bool
		timeout      time.Duration
		paymentInput string
	)
	cmd := &cobra.Command{
		Use:   "create NAME --bucket oss://BUCKET/ --cu N",
		Short: "Create a workspace (confirmed; journaled with a client token)",
		Long: `Create a workspace. It starts STARTING and is RUNNING after 1-3 minutes (about
a second on the sandbox); queues and jobs wait for RUNNING. A new workspace
gets root_queue (three quarters of its CU) and dev_queue.

Pay-as-you-go is the default; --subscription N buys N months (a cost the
policy asks you to acknowledge with --ack-cost). The request carries a client
token from the journal, so running the same command again after a timeout
never creates a second workspace.`,
		Example: `  emrctl spark workspace create my-first-spark-workspace --bucket oss://my-spark-bucket/ --cu 8 --wait
  emrctl spark workspace create prod-spark --bucket my-bucket --cu 200 --subscription 1 --ack-cost`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Name = args[0]
			in.OSSBucket = bucketPath(in.OSSBucket)
			pay, err := upperChoice("payment-type", paymentInput, provider.SparkPayAsYouGo, provider.SparkPrepaid)
			if err != nil {
				return err
			}
			in.PaymentType = pay
			switch {
			case months < 0:
				return cmdutil.FlagErrorf("--subscription %d: give a number of months, 1 or more", months)
			case months > 0 && cmd.Flags().Changed("payment-type") && pay != provider.SparkPrepaid:
				return cmdutil.FlagErrorf("--subscription applies to Subscription workspaces: drop it, or use --payment-type Subscription")
			case months > 0:
				in.PaymentType = provider.SparkPrepaid
				in.Subscription = &provider.SparkSubscription{Duration: months, Unit: "Month", AutoRenew: autoRenew}
			case pay == provider.SparkPrepaid:
				return cmdutil.FlagErrorf("--payment-type Subscription needs --subscription MONTHS")
			case autoRenew:
				return cmdutil.FlagErrorf("--auto-renew applies to Subscription workspaces: add --subscription MONTHS")
			}
			if in.Tags, err = tags(tagPairs); err != nil {
				return err
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, _ []string) error {
				res, err := e.CreateSparkWorkspace(ctx, f.Call(false), in)
				if err != nil {
					return err
				}
				if !wait || res.ID == "" {
					return printResult(f, res, nil)
				}
				o := progress(f, "workspace "+res.ID)
				o.Timeout = timeout
				w, err := e.WaitSparkWorkspace(ctx, res.ID, o)
				f.IOStreams.StopProgress()
				if err != nil {
					return err
				}
				outcomeNote(f, res)
				return clia.PrintObject(f, w, workspaceColumns)
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.OSSBucket, "bucket", "", "the workspace's OSS bucket: oss://<bucket>/ or the bucket's name")
	fl.StringVar(&in.RAMRole, "role", defaultJobRole, "RAM role the jobs run as")
	fl.IntVar(&in.CU, "cu", 0, "the workspace's CU limit (1 CU = 1 core, 4 GiB); e.g. 8 for development, 200 for small production")
	fl.StringVar(&paymentInput, "payment-type", provider.SparkPayAsYouGo, "PayAsYouGo or Subscription")
	fl.IntVar(&months, "subscription", 0, "buy a Subscription of this many months")
	fl.BoolVar(&autoRenew, "auto-renew", false, "renew the subscription automatically")
	fl.StringVar(&in.DLFCatalogID, "dlf-catalog", "", "DLF catalog of the workspace")
	fl.StringVar(&in.ResourceGroupID, "resource-group", "", "resource group (rg-...)")
	fl.StringArrayVar(&tagPairs, "tag", nil, "tag key=value (repeatable)")
	fl.BoolVar(&wait, "wait", false, "wait until the workspace is RUNNING")
	fl.DurationVar(&timeout, "timeout", 10*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// bucketPath writes a bare bucket name as oss://<name>/; anything else
// is left for the engine to check.
func bucketPath(v string) string {
	if v == "" || strings.Contains(v, "://") || strings.Contains(v, "/") {
		return v
	}
	return "oss://" + v + "/"
}

func newWorkspaceListCmd(f *cmdutil.Factory) *cobra.Command {
	var filter provider.SparkWorkspaceFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the region's workspaces",
		Example: `  emrctl spark workspace list
  emrctl spark workspace list --state RUNNING -o json --query '[].id'`,
		Args: cobra.NoArgs,
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, _ []string) error {
			ws, err := e.SparkWorkspaces(ctx, filter)
			if err != nil {
				return err
			}
			return clia.PrintList(f, ws, workspaceColumns, "No workspaces found.")
		}),
	}
	cmd.Flags().StringVar(&filter.Name, "name", "", "only workspaces whose name contains this text")
	cmd.Flags().StringVar(&filter.State, "state", "", "STARTING, RUNNING, TERMINATING or TERMINATED")
	cmd.Flags().StringVar(&filter.ResourceGroupID, "resource-group", "", "only this resource group")
	return cmd
}

func newWorkspaceGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get WORKSPACE_ID",
		Short:   "Describe a workspace",
		Example: `  emrctl spark workspace get w-sandbox000000001`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			w, err := e.SparkWorkspace(ctx, args[0])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, w, workspaceColumns)
		}),
	}
}

func newWorkspaceUpdateCmd(f *cmdutil.Factory) *cobra.Command {
	var in provider.SparkWorkspaceUpdate
	cmd := &cobra.Command{
		Use:     "update WORKSPACE_ID [--name NAME] [--cu N]",
		Short:   "Rename a workspace or change its CU limit (confirmed)",
		Long:    `Rename a workspace or change its CU limit. Settings left out stay as they are.`,
		Example: `  emrctl spark workspace update w-sandbox000000001 --cu 300`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if in.Name == "" && in.CU == 0 {
				return cmdutil.FlagErrorf("nothing to change: give --name or --cu")
			}
			if in.CU < 0 {
				return cmdutil.FlagErrorf("--cu %d: give a positive number of CU", in.CU)
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.UpdateSparkWorkspace(ctx, f.Call(false), args[0], in)
				if err != nil {
					return err
				}
				return printResult(f, res, nil)
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&in.Name, "name", "", "new name")
	cmd.Flags().IntVar(&in.CU, "cu", 0, "new CU limit")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newWorkspaceWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:     "wait WORKSPACE_ID",
		Short:   "Wait until a workspace is RUNNING",
		Example: `  emrctl spark workspace wait w-xxxxxxxxxxxxxxxx --timeout 5m`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			o := progress(f, "workspace "+args[0])
			o.Timeout = timeout
			w, err := e.WaitSparkWorkspace(ctx, args[0], o)
			f.IOStreams.StopProgress()
			if err != nil {
				return err
			}
			return clia.PrintObject(f, w, workspaceColumns)
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}

// newWorkspaceDeleteCmd exists so that the question gets its answer:
// emrctl never deletes a workspace, for anyone, and says where it is done.
func newWorkspaceDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete WORKSPACE_ID",
		Short: "Refused: workspaces are deleted only in the console",
		Long: `Deleting a workspace removes its queues, job history, Kyuubi gateways and
session clusters for good. emrctl refuses it for everyone, with or without
--yes, and points to the EMR Serverless Spark console, where a person can
check that nothing runs and delete it.`,
		Example: `  emrctl spark workspace delete w-xxxxxxxxxxxxxxxx   # refused: the answer names the console`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			return e.DeleteSparkWorkspace(ctx, f.Call(false), args[0])
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}
