package cluster

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

func newValidateCmd(f *cmdutil.Factory) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "validate -f SPEC",
		Short: "Check a spec against every EMR rule, offline (nothing is sent)",
		Long: `Validate applies the spec's defaults and checks every rule emrctl knows:
component dependencies and exclusions, HA and metastore rules, hidden required
fields, disks, counts against the policy limits, names and paths. All problems
are reported at once, each with its field and fix. Exit code 2 when there are
errors; warnings alone exit 0. For live checks against the cloud use 'plan'.`,
		Example: "  emrctl cluster validate -f examples/dev-cluster.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.FlagErrorf("--file/-f is required")
			}
			c, err := readSpec(f, file)
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			probs, err := s.Engine.PrepareCluster(c, f.Call(false).Actor)
			for _, p := range probs {
				if p.Warning {
					fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s: %s (fix: %s)\n", p.Field, p.Problem, p.Fix)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.Out, "%s: valid (%d warning(s))\n", file, len(probs))
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "cluster spec file (- for stdin)")
	return cmd
}

func newPlanCmd(f *cmdutil.Factory) *cobra.Command {
	var file string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "plan -f SPEC",
		Short: "Validate a spec and check it against the cloud; show what create would do",
		Long: `Plan validates the spec, then checks it against the cloud without changing
anything: the release exists for the cluster type; each node group's instance
types are offered in the zone for its role and payment type, with stock; the
VPC, the vSwitches (and their zone and free addresses), the security group
(normal, not enterprise, in the VPC) and the key pair exist. It prints the
summary to confirm (name, type, version, components, node specs, network,
payment, metastore) with node and vCPU totals. --dry-run also prints the exact
API request, secrets redacted. Exit code 2 when a problem would make creation fail.`,
		Example: `  emrctl cluster plan -f examples/dev-cluster.yaml
  emrctl cluster plan -f prod.yaml --dry-run -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.FlagErrorf("--file/-f is required")
			}
			c, err := readSpec(f, file)
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			plan, err := s.Engine.PlanCluster(cmd.Context(), f.Call(false).Actor, c, lookupEnv(f))
			if err != nil {
				return err
			}
			if err := printPlan(f, plan, dryRun); err != nil {
				return err
			}
			if !plan.Ready {
				return &engine.PlanError{Plan: plan}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "cluster spec file (- for stdin)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "also print the exact API request (secrets redacted)")
	return cmd
}

var checkColumns = []output.Column{
	{Header: "CHECK", Field: "item"},
	{Header: "RESOURCE", Field: "resource"},
	{Header: "STATUS", Field: "status"},
	{Header: "DETAIL", Field: "detail"},
	{Header: "FIX", Field: "fix", Wide: true},
}

func printPlan(f *cmdutil.Factory, plan *engine.Plan, dryRun bool) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		if !dryRun {
			plan.Request = nil
		}
		return output.PrintObject(f.IOStreams.Out, format, f.Query, plan, nil)
	}
	w := f.IOStreams.Out
	fmt.Fprintln(w, plan.Summary.String())
	if len(plan.Checks) > 0 {
		fmt.Fprintln(w)
		items := make([]any, len(plan.Checks))
		for i, c := range plan.Checks {
			items[i] = c
		}
		lw := output.NewListWriter(w, format, checkColumns, opts(f)...)
		if err := lw.WriteItems(items...); err != nil {
			return err
		}
		if err := lw.Close(); err != nil {
			return err
		}
	}
	printProblems(w, plan.Problems)
	if dryRun {
		fmt.Fprintf(w, "\n%s request (secrets redacted; not sent):\n", plan.API)
		raw, err := json.MarshalIndent(plan.Request, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(w, string(raw))
	}
	if plan.Ready {
		fmt.Fprintln(w, "\nReady: 'emrctl cluster create -f' would send this request after your confirmation.")
	}
	return nil
}

func printProblems(w io.Writer, probs []engine.FieldProblem) {
	if len(probs) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, p := range probs {
		kind := "problem"
		if p.Warning {
			kind = "warning"
		}
		fmt.Fprintf(w, "%s: %s: %s", kind, p.Field, p.Problem)
		if p.Fix != "" {
			fmt.Fprintf(w, " (fix: %s)", p.Fix)
		}
		fmt.Fprintln(w)
	}
}
