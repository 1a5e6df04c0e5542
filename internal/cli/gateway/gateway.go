// Package gateway holds 'emrctl gateway': the client machines of a cluster
// (gateways), starting with the plan of which gateway mode fits it.
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
		Short:   "Plan the gateway of a cluster: a client machine to submit jobs from",
	}
	cmd.AddCommand(newPlanCmd(f, nil))
	cmd.AddCommand(newConfigsCmd(f, nil))
	return cmd
}
