// Package gateway holds 'emrctl gateway': the client machines of a cluster
// (gateways): which gateway mode fits, the client configuration, and
// deploying it, keeping it in sync and rolling it back.
package gateway

import (
	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
)

// NewCmd returns the 'gateway' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "gateway",
		Aliases: []string{"gateways"},
		Short:   "Gateways of a cluster (client machines to submit jobs from): plan, check, configs, set-config, deploy, refresh, status, rollback",
	}
	cmd.AddCommand(newPlanCmd(f, nil))
	cmd.AddCommand(newCheckCmd(f, nil))
	cmd.AddCommand(newConfigsCmd(f, nil))
	cmd.AddCommand(newSetConfigCmd(f, nil))
	cmd.AddCommand(newDeployCmd(f, nil))
	cmd.AddCommand(newRefreshCmd(f, nil))
	cmd.AddCommand(newStatusCmd(f, nil))
	cmd.AddCommand(newRollbackCmd(f, nil))
	return cmd
}
