package cluster

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
)

func printOutcome(f *cmdutil.Factory, out *engine.Outcome) error { return cmdutil.PrintOutcome(f, out) }

func updateAttributes(f *cmdutil.Factory, cmd *cobra.Command, in engine.AttributesInput) error {
	s, err := f.Session(cmd.Context())
	if err != nil {
		return err
	}
	out, err := s.Engine.UpdateAttributes(cmd.Context(), f.Call(false), in)
	if err != nil {
		return err
	}
	return printOutcome(f, out)
}

func newRenameCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rename CLUSTER_ID NEW_NAME",
		Short:   "Rename a cluster",
		Example: "  emrctl cluster rename c-xxx team-etl-dev",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return updateAttributes(f, cmd, engine.AttributesInput{ClusterID: args[0], Name: args[1]})
		},
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newDescribeAsCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "set-description CLUSTER_ID TEXT",
		Short:   "Change a cluster's description",
		Example: `  emrctl cluster set-description c-xxx "Production data lake for team A"`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return updateAttributes(f, cmd, engine.AttributesInput{ClusterID: args[0], Description: args[1]})
		},
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newProtectCmd(f *cmdutil.Factory) *cobra.Command {
	var on, off bool
	cmd := &cobra.Command{
		Use:   "protect CLUSTER_ID --on|--off",
		Short: "Turn deletion protection on or off",
		Long: `Turn deletion protection on (recommended for production) or off. Turning it off
is accepted only as this command on its own, and always needs confirmation.`,
		Example: "  emrctl cluster protect c-xxx --on\n  emrctl cluster protect c-xxx --off",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if on == off {
				return cmdutil.FlagErrorf("pass exactly one of --on and --off")
			}
			v := on
			return updateAttributes(f, cmd, engine.AttributesInput{ClusterID: args[0], DeletionProtection: &v})
		},
	}
	cmd.Flags().BoolVar(&on, "on", false, "enable deletion protection")
	cmd.Flags().BoolVar(&off, "off", false, "disable deletion protection (its own confirmed step)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newRenewCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.RenewInput
	var enable string
	cmd := &cobra.Command{
		Use:   "renew CLUSTER_ID --auto-renew on|off",
		Short: "Set auto-renewal of a subscription cluster",
		Example: `  emrctl cluster renew c-xxx --auto-renew on --duration 1 --unit Month
  emrctl cluster renew c-xxx --auto-renew on --duration 1 --all-instances
  emrctl cluster renew c-xxx --auto-renew off`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ClusterID = args[0]
			switch enable {
			case "on", "true":
				in.Enable = true
			case "off", "false":
			default:
				return cmdutil.FlagErrorf("--auto-renew must be on or off, got %q", enable)
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			out, err := s.Engine.UpdateAutoRenew(cmd.Context(), f.Call(false), in)
			if err != nil {
				return err
			}
			return printOutcome(f, out)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&enable, "auto-renew", "", "on or off")
	fl.IntVar(&in.Duration, "duration", 0, "renewal term")
	fl.StringVar(&in.Unit, "unit", "Month", "Month or Year")
	fl.BoolVar(&in.AllInstances, "all-instances", false, "apply to every node of the cluster too")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "delete CLUSTER_ID",
		Aliases: []string{"terminate", "release"},
		Short:   "Delete a cluster (refused unless the policy allows it for a person at a terminal)",
		Long: `Deleting a cluster is refused by default: use the EMR console. A policy file
(policy.yaml in the config directory) may set allowClusterDeletion: true; then a
person at a terminal may delete a cluster after typing its name back, and only
when deletion protection is off. Scripts (--yes) and agents can never delete.`,
		Args: cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			out, err := e.DeleteCluster(ctx, f.Call(false), args[0])
			if err != nil {
				return err
			}
			return printOutcome(f, out)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}
