package gateway

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

type checkOptions struct {
	f        *cmdutil.Factory
	id       string
	instance string
}

func newCheckCmd(f *cmdutil.Factory, run func(context.Context, *checkOptions) error) *cobra.Command {
	o := &checkOptions{f: f}
	cmd := &cobra.Command{
		Use:   "check CLUSTER_ID [--instance ID]",
		Short: "Check that a machine fits as the gateway of a cluster",
		Long: `Check compares a machine with what a gateway environment needs: the
cluster's region, zone and VPC, the master group's security group, a system
disk of at least 60 GiB ESSD, not a node of the cluster, a RAM role attached,
and running. Without --instance it checks the machine emrctl runs on, found
through the ECS instance metadata service; on the sandbox the emulator plays
that service.

What cannot be checked is reported as unchecked, with why: the role's
policies (emrctl does not call RAM), everything when emrctl runs outside ECS
and no --instance is given, and AWS edge nodes. It exits 8 when a check
failed, 0 otherwise. Check changes nothing.`,
		Example: `  emrctl gateway check c-xxxxxxxxxxxxxxxx
  emrctl gateway check c-xxxxxxxxxxxxxxxx --instance i-bp1xxxxxxxxxxxxxxxxx -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runCheck(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.instance, "instance", "", "ECS instance to check (default: the machine emrctl runs on)")
	return cmd
}

var checkColumns = []output.Column{
	{Header: "CHECK", Field: "name"},
	{Header: "STATUS", Field: "status"},
	{Header: "DETAIL", Field: "detail"},
	{Header: "FIX", Field: "fix"},
}

func runCheck(ctx context.Context, o *checkOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	r, err := s.Engine.CheckGatewayMachine(ctx, engine.GatewayMachineInput{ClusterID: o.id, InstanceID: o.instance})
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		err = output.PrintObject(f.IOStreams.Out, format, f.Query, r, checkColumns, printOpts(f)...)
	} else {
		err = printChecks(f, format, r)
	}
	if err != nil {
		return err
	}
	if n := len(r.Failed()); n > 0 {
		return &cmdutil.FindingsError{Problems: n}
	}
	return nil
}

func printChecks(f *cmdutil.Factory, format output.Format, r *engine.GatewayMachineReport) error {
	machine := r.InstanceID
	if machine == "" {
		machine = "this machine"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Gateway machine %s for cluster %s (%s)\n", machine, r.ClusterID, sourceWords[r.Source])
	rows := make([]any, len(r.Checks))
	for i, c := range r.Checks {
		rows[i] = c
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, checkColumns, printOpts(f)...)
	if err := lw.WriteItems(rows...); err != nil {
		return err
	}
	return lw.Close()
}

var sourceWords = map[string]string{
	"metadata": "found by the instance metadata service",
	"flag":     "named by --instance",
	"none":     "not found: emrctl does not run on ECS",
}
