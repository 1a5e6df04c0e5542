package cluster

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/validate"
)

type diagnoseOptions struct {
	f     *cmdutil.Factory
	id    string
	ids   []string // all the clusters asked for; id is the first
	nodes bool
	scan  scanFlags
}

func newDiagnoseCmd(f *cmdutil.Factory, run func(context.Context, *diagnoseOptions) error) *cobra.Command {
	o := &diagnoseOptions{f: f}
	cmd := &cobra.Command{
		Use:   "diagnose CLUSTER_ID [CLUSTER_ID...]",
		Short: "Explain what is wrong with a cluster and how to fix it",
		Long: `Diagnose maps the code of the cluster's state-change reason (START_FAILED,
TERMINATED_WITH_ERRORS, ...) to its likely cause and fix. For an Alibaba Cloud
cluster that failed to start it checks the network it was created with again
(VPC, vSwitches and zone, security group, key pair) and names what fails. For a
running cluster it reports abnormal nodes (stopped, or released by anything but
a scale-in of emrctl) with their likely causes, node groups stuck resizing,
failed scaling activities and a subscription about to expire. Nothing is
changed.

The nodes of a running cluster are read only when a node group is not RUNNING
with its desired count (or with --nodes): a complete group has no stopped or
missing node. Several clusters are diagnosed side by side (--concurrency calls
in flight at most, each API paced to the cloud's rate limit) and reported in
the order given; -o json then prints a list.

A cluster of several that cannot be read (not found, access denied) is
reported as not diagnosed, with the cloud's error, and the others still are.

Exit code: 0 when nothing abnormal was found, 8 when the cluster failed or a
PROBLEM was found (the report is printed either way); with several clusters, 8
when any did or could not be diagnosed.`,
		Example: `  emrctl cluster diagnose c-xxxxxxxxxxxxxxxx
  emrctl cluster diagnose c-xxxxxxxxxxxxxxxx -o json --query reason.fix
  emrctl cluster diagnose c-aaaaaaaaaaaaaaaa c-bbbbbbbbbbbbbbbb --nodes`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.ids = args[0], args
			if err := o.scan.check(); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runDiagnose(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.nodes, "nodes", false, "read the nodes of a running cluster even when every node group is complete")
	o.scan.add(cmd.Flags())
	return cmd
}

var diagnosisColumns = []output.Column{
	{Header: "Cluster", Field: "cluster.id"},
	{Header: "Name", Field: "cluster.name"},
	{Header: "State", Field: "cluster.state"},
	{Header: "Reason", Value: func(item any) string {
		r := item.(*engine.ClusterDiagnosis).Cluster.StateReason
		if r == nil {
			return ""
		}
		if r.Code == "" || r.Message == "" {
			return r.Code + r.Message
		}
		return r.Code + ": " + r.Message
	}},
	{Header: "Cause", Field: "reason.cause"},
	{Header: "Fix", Field: "reason.fix"},
	{Header: "Check", Field: "reason.check"},
	{Header: "Healthy", Field: "healthy", Kind: output.Bool},
}

var diagnosisFindingColumns = []output.Column{
	{Header: "SEVERITY", Field: "severity"},
	{Header: "KIND", Field: "kind"},
	{Header: "RESOURCE", Field: "resource"},
	{Header: "DETAIL", Field: "detail"},
}

var prereqColumns = []output.Column{
	{Header: "STATUS", Field: "status"},
	{Header: "CHECK", Field: "item"},
	{Header: "RESOURCE", Field: "resource"},
	{Header: "DETAIL", Field: "detail"},
}

func runDiagnose(ctx context.Context, o *diagnoseOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	do := engine.DiagnoseOptions{Nodes: o.nodes, Concurrency: o.scan.concurrency}
	if len(o.ids) > 1 {
		return runDiagnoseMany(ctx, o, s.Engine, format, do)
	}
	d, err := s.Engine.DiagnoseClusterWith(ctx, o.id, do)
	if err != nil {
		return err
	}
	if err := printDiagnosis(f, format, d); err != nil {
		return err
	}
	if d.Healthy {
		fmt.Fprintln(f.IOStreams.ErrOut, "Nothing abnormal found.")
	}
	return diagnosisProblems(d)
}

// diagnosisProblems is the exit code of a diagnosis.
func diagnosisProblems(ds ...*engine.ClusterDiagnosis) error {
	n := 0
	for _, d := range ds {
		if d.Reason != nil || d.Error != "" {
			n++
		}
		for _, fd := range d.Findings {
			if fd.Severity == engine.SeverityProblem {
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	return &cmdutil.FindingsError{Problems: n}
}

// runDiagnoseMany diagnoses several clusters: a list in structured
// output, one report after the other otherwise.
func runDiagnoseMany(ctx context.Context, o *diagnoseOptions, e *engine.Engine, format output.Format, do engine.DiagnoseOptions) error {
	f := o.f
	report, stop := scanProgress(f, o.scan.progress, "diagnosing", progressAfter)
	do.Progress = report
	ds, err := e.DiagnoseClusters(ctx, o.ids, do)
	stop()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		if err := output.PrintObject(f.IOStreams.Out, format, f.Query, ds, diagnosisColumns, opts(f)...); err != nil {
			return err
		}
		return diagnosisProblems(ds...)
	}
	if format == output.CSV {
		if err := writeDiagnosisRows(f, format, ds); err != nil {
			return err
		}
		return diagnosisProblems(ds...)
	}
	healthy := 0
	for i, d := range ds {
		if i > 0 {
			fmt.Fprintln(f.IOStreams.Out)
		}
		if d.Error != "" {
			fmt.Fprintf(f.IOStreams.Out, "%s: not diagnosed: %s\n", validate.Inline(d.Cluster.ID), validate.Inline(d.Error))
			continue
		}
		if err := printDiagnosis(f, format, d); err != nil {
			return err
		}
		if d.Healthy {
			healthy++
		}
	}
	failed := 0
	for _, d := range ds {
		if d.Error != "" {
			failed++
		}
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "%d cluster(s) diagnosed, %d with nothing abnormal", len(ds)-failed, healthy)
	if failed > 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, ", %d not diagnosed", failed)
	}
	fmt.Fprintln(f.IOStreams.ErrOut, ".")
	return diagnosisProblems(ds...)
}

func printDiagnosis(f *cmdutil.Factory, format output.Format, d *engine.ClusterDiagnosis) error {
	if format.Structured() || format == output.CSV || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, d, diagnosisColumns, opts(f)...)
	}
	w := f.IOStreams.Out
	if err := output.PrintDetail(w, d, diagnosisColumns, opts(f)...); err != nil {
		return err
	}
	if p := d.Prereqs; p != nil && len(p.Checks) > 0 {
		fmt.Fprintln(w, "\nThe network the cluster was created with, checked now:")
		if err := writeRows(w, prereqColumns, p.Checks, f); err != nil {
			return err
		}
		for _, c := range p.Checks {
			if c.Status != engine.CheckOK && c.Fix != "" {
				fmt.Fprintf(w, "  fix %s %s: %s\n", c.Item, c.Resource, c.Fix)
			}
		}
	}
	if len(d.Findings) > 0 {
		fmt.Fprintln(w)
		if err := writeRows(w, diagnosisFindingColumns, d.Findings, f); err != nil {
			return err
		}
		for _, fd := range d.Findings {
			label := fd.Resource
			if label == "" {
				label = fd.Kind
			}
			if fd.Cause != "" {
				fmt.Fprintf(w, "  %s: cause: %s\n", label, fd.Cause)
			}
			if fd.Fix != "" {
				fmt.Fprintf(w, "  %s: fix: %s\n", label, fd.Fix)
			}
			if fd.Next != "" {
				fmt.Fprintf(w, "  %s: next: %s\n", label, fd.Next)
			}
		}
	}
	return nil
}

// writeDiagnosisRows prints one row per diagnosis.
func writeDiagnosisRows(f *cmdutil.Factory, format output.Format, ds []*engine.ClusterDiagnosis) error {
	cols := append(slices.Clone(diagnosisColumns), output.Column{Header: "Error", Field: "error"})
	lw := output.NewListWriter(f.IOStreams.Out, format, cols, opts(f)...)
	items := make([]any, len(ds))
	for i, d := range ds {
		items[i] = d
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	return lw.Close()
}

// writeRows prints rows as a table.
func writeRows[T any](w interface{ Write([]byte) (int, error) }, cols []output.Column, rows []T, f *cmdutil.Factory) error {
	return output.PrintTable(w, rows, cols, opts(f)...)
}
