package gateway

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/validate"
)

type planOptions struct {
	f  *cmdutil.Factory
	id string
}

func newPlanCmd(f *cmdutil.Factory, run func(context.Context, *planOptions) error) *cobra.Command {
	o := &planOptions{f: f}
	return &cobra.Command{
		Use:   "plan CLUSTER_ID",
		Short: "Say which gateway mode fits a cluster, why, and what to run next",
		Long: `Plan reads the cluster (type, release, state, network, node groups) and says
which gateway modes apply, which one is recommended and why:

  node-group       a GATEWAY node group of the cluster (recommended): DATALAKE and
                   DATAFLOW from EMR-5.10.1, CUSTOM from EMR-5.17.1
  environment      the client environment on an ECS instance: DATALAKE, DATAFLOW,
                   OLAP and CUSTOM clusters of any release
  gateway-cluster  a separate cluster of gateway nodes: HADOOP and KAFKA clusters
  edge-node        AWS: an EC2 instance configured from the cluster

Releases are compared as numbers (EMR-5.9.0 is before EMR-5.10.1); a release
that cannot be read is reported and no mode is recommended. The next steps
name emrctl's own commands, marked when this version does not have them yet,
and the manual alternative (EMR-CLI, the console). Plan changes nothing.`,
		Example: `  emrctl gateway plan c-xxxxxxxxxxxxxxxx
  emrctl gateway plan c-xxxxxxxxxxxxxxxx -o json --query recommended
  emrctl gateway plan j-XXXXXXXXXXXXX -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runPlan(cmd.Context(), o)
		},
	}
}

var modeColumns = []output.Column{
	{Header: "MODE", Field: "mode"},
	{Header: "APPLIES", Field: "applies", Kind: output.Bool},
	{Header: "RECOMMENDED", Field: "recommended", Kind: output.Bool},
	{Header: "REASON", Field: "reason"},
}

func runPlan(ctx context.Context, o *planOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	p, err := s.Engine.PlanGateway(ctx, o.id)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, p, modeColumns, printOpts(f)...)
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, modeColumns, printOpts(f)...)
	items := make([]any, len(p.Modes))
	for i, m := range p.Modes {
		items[i] = m
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if format == output.CSV {
		return nil
	}
	printDetails(f.IOStreams.Out, p)
	return nil
}

func printOpts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}

// printDetails writes what follows the table: the cluster, notes, the
// next steps and what the gateway machine needs.
func printDetails(w io.Writer, p *engine.GatewayPlan) {
	// The cluster's fields come from the cloud: they are data.
	fmt.Fprintf(w, "\nCluster %s: %s %s, %s, in %s\n", validate.Inline(p.ClusterID), validate.Inline(orDash(p.Type)),
		validate.Inline(p.ReleaseVersion), validate.Inline(p.State), validate.Inline(p.Region))
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", validate.Inline(n))
	}
	if p.Recommended != "" {
		fmt.Fprintf(w, "Recommended: %s\n", p.Recommended)
	}
	if len(p.NextSteps) > 0 {
		fmt.Fprintln(w, "\nNext steps:")
	}
	for _, s := range p.NextSteps {
		fmt.Fprintf(w, "  [%s] %s\n", stepTag(s), validate.Inline(s.Command))
		if s.Note != "" {
			fmt.Fprintf(w, "      %s\n", validate.Inline(s.Note))
		}
	}
	if len(p.Requirements) > 0 {
		fmt.Fprintln(w, "\nThe gateway machine (environment mode) needs:")
	}
	for _, r := range p.Requirements {
		fmt.Fprintf(w, "  - %s\n", validate.Inline(r))
	}
}

// stepTag says, before a command, whether it can be run now.
func stepTag(s engine.GatewayStep) string {
	switch {
	case s.Manual:
		return s.Mode + ", manual"
	case s.Available:
		return s.Mode
	default:
		return s.Mode + ", not available yet"
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
