// Package cluster holds the 'emrctl cluster' commands.
package cluster

import (
	"github.com/spf13/cobra"
	"slices"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

// NewCmd returns the 'cluster' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "cluster",
		Aliases: []string{"clusters"},
		Short:   "Create, list, inspect and wait for clusters",
	}
	cmd.AddCommand(newCreateCmd(f, nil), newListCmd(f, nil), newGetCmd(f, nil), newWaitCmd(f, nil))
	cmd.AddCommand(newRenameCmd(f), newDescribeAsCmd(f), newProtectCmd(f), newRenewCmd(f), newDeleteCmd(f))
	cmd.AddCommand(newValidateCmd(f), newPlanCmd(f), newInitCmd(f))
	cmd.AddCommand(newInspectCmd(f, nil), newDiagnoseCmd(f, nil), newExportCmd(f, nil))
	for _, add := range more {
		cmd.AddCommand(add(f))
	}
	return cmd
}

// more are the cluster commands of later features.
var more []func(*cmdutil.Factory) *cobra.Command

// ListColumns returns the columns of 'cluster list' (for benchmarks that
// render what users see).
func ListColumns() []output.Column { return slices.Clone(clusterColumns) }

// Columns of a cluster in tables.
var clusterColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "TYPE", Field: "type"},
	{Header: "STATE", Field: "state"},
	{Header: "PAYMENT", Field: "paymentType"},
	{Header: "RELEASE", Field: "releaseVersion"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "REGION", Field: "region", Wide: true},
	{Header: "READY", Field: "readyTime", Kind: output.Time, Wide: true},
	{Header: "EXPIRES", Field: "expireTime", Kind: output.Time, Wide: true},
	{Header: "PROTECTED", Field: "deletionProtection", Kind: output.Bool, Wide: true},
	{Header: "REASON", Field: "stateReason.code", Wide: true},
}
