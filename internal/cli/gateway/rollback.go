package gateway

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

type rollbackOptions struct {
	f     *cmdutil.Factory
	root  string
	state string
}

func newRollbackCmd(f *cmdutil.Factory, run func(context.Context, *rollbackOptions) error) *cobra.Command {
	o := &rollbackOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rollback --root DIR",
		Short: "Make the gateway's previous file set current again",
		Long: `Rollback switches the files under --root back to the set before the current
one (the backup the last deploy or refresh kept), with one atomic switch.
The set rolled back from stays as a backup. It reads nothing from the cloud.`,
		Example: `  emrctl gateway rollback --root /tmp/gw
  sudo emrctl gateway rollback --root /`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runRollback(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.root, "root", "", "directory the gateway files are under (/ on the gateway itself)")
	cmd.Flags().StringVar(&o.state, "state", "", "directory for generations and backups (default ROOT/.emrctl-gateway)")
	return cmd
}

var rollbackColumns = []output.Column{
	{Header: "ROOT", Field: "root"},
	{Header: "FROM", Field: "from"},
	{Header: "TO", Field: "to"},
	{Header: "CLUSTER", Field: "clusterId"},
}

func runRollback(ctx context.Context, o *rollbackOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	st, err := storeOf(o.root, o.state)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	rb, err := s.Engine.RollbackGatewayFiles(ctx, f.Call(false), st)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, rb, rollbackColumns, printOpts(f)...)
	}
	fmt.Fprintf(f.IOStreams.Out, "Generation %s of cluster %s is current again under %s (was %s, kept as a backup)\n", rb.To, rb.ClusterID, rb.Root, rb.From)
	return nil
}
