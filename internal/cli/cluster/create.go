package cluster

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/spec"
)

type createOptions struct {
	f           *cmdutil.Factory
	file        string
	wait        bool
	timeout     time.Duration
	another     bool
	dryRun      bool
	skipLive    bool
	interactive bool
	save        string
}

func newCreateCmd(f *cmdutil.Factory, run func(context.Context, *createOptions) error) *cobra.Command {
	o := &createOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create (-f SPEC | --interactive)",
		Short: "Create a cluster from a spec file, or step by step with --interactive",
		Long: `Create a cluster from a spec file (YAML). The spec is validated against every
EMR rule emrctl knows before anything is sent; you confirm a summary (API,
target, impact and the exact request); the write is journaled with a client
token, so running the same command again after a timeout never creates a
second cluster.

With --interactive (on a terminal) a wizard walks through every choice:
region, purpose, cluster type and components, Hive metastore, VPC,
vSwitch, security group and key pair found in the account, storage-compute
architecture, node specs, name. It recommends and you decide. It saves the
spec it built (./<name>.emrctl.yaml, or --save PATH; passwords only by the
name of their environment variable) and shows the plan before creating.`,
		Example: `  emrctl cluster create -f examples/dev-cluster.yaml --wait
  emrctl cluster create -f prod.yaml --yes --ack-cost -o json
  emrctl cluster create --interactive --save dev.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCreateFlags(o); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			if o.interactive {
				return runWizard(cmd.Context(), o)
			}
			return runCreate(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "cluster spec file (YAML or JSON; - for stdin)")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "wait until the cluster is RUNNING (or fails)")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmd.Flags().BoolVar(&o.skipLive, "skip-live-checks", false, "skip the plan's look-ups (VPC, vSwitch, security group, key pair, stock); the rules and the policy still apply")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the plan and the exact request instead of creating (same as 'cluster plan --dry-run')")
	cmd.Flags().BoolVar(&o.another, "another", false, "create a cluster even though this spec's name created one that still exists")
	cmdutil.AddIdempotencyFlag(cmd, f)
	cmd.Flags().BoolVar(&o.interactive, "interactive", false, "build the spec step by step in a terminal wizard, then create")
	cmd.Flags().StringVar(&o.save, "save", "", "with --interactive: where to write the spec (default ./<name>.emrctl.yaml)")
	return cmd
}

// checkCreateFlags refuses flags that clash, naming both.
func checkCreateFlags(o *createOptions) error {
	switch {
	case o.interactive && o.file != "":
		return cmdutil.FlagErrorf("--interactive and --file/-f cannot be used together: the wizard builds the spec; drop one of them")
	case o.interactive && o.dryRun:
		return cmdutil.FlagErrorf("--interactive and --dry-run cannot be used together: the wizard shows the plan and can save the spec without creating")
	case o.save != "" && !o.interactive:
		return cmdutil.FlagErrorf("--save needs --interactive: it names the file the wizard writes")
	case !o.interactive && o.file == "":
		return cmdutil.FlagErrorf("--file/-f is required: the cluster spec (see 'emrctl cluster init'), or --interactive for the wizard")
	}
	return nil
}

func readSpec(f *cmdutil.Factory, path string) (*spec.Cluster, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = readAll(f)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, cmdutil.FlagErrorf("read spec: %v", err)
	}
	return spec.Load(raw)
}

func runCreate(ctx context.Context, o *createOptions) error {
	c, err := readSpec(o.f, o.file)
	if err != nil {
		return err
	}
	return createSpec(ctx, o, c)
}

// createSpec creates the cluster of a spec through the engine: plan,
// policy and confirmation, journal, RunCluster; then waits if asked.
func createSpec(ctx context.Context, o *createOptions, c *spec.Cluster) error {
	f := o.f
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	call := f.Call(false)
	if o.dryRun {
		plan, err := s.Engine.PlanCluster(ctx, call.Actor, c, lookupEnv(f))
		if err != nil {
			return err
		}
		if err := printPlan(f, plan, true); err != nil {
			return err
		}
		if !plan.Ready {
			return &engine.PlanError{Plan: plan}
		}
		return nil
	}
	res, err := s.Engine.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: c, Getenv: lookupEnv(f), SkipLiveChecks: o.skipLive, Another: o.another})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s: %s\n", w.Field, w.Problem)
	}
	if !o.wait {
		return printResult(f, res)
	}
	if !res.Outcome.Sent() {
		// Nothing was created now: say so in the result, after waiting.
		cl, err := s.Engine.WaitCluster(ctx, res.ClusterID, engine.WaitOptions{Timeout: o.timeout, Progress: progress(f, res.ClusterID)})
		if err != nil {
			return err
		}
		res.State = cl.State
		return printResult(f, res)
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Cluster %s is being created (operation %s).\n", res.ClusterID, res.OperationID)
	cl, err := s.Engine.WaitCluster(ctx, res.ClusterID, engine.WaitOptions{Timeout: o.timeout, Progress: progress(f, res.ClusterID)})
	if err != nil {
		return err
	}
	return printCluster(f, cl)
}

func printResult(f *cmdutil.Factory, res *engine.CreateClusterResult) error {
	cols := []output.Column{
		{Header: "STATUS", Field: "outcome.status"},
		{Header: "CLUSTER", Field: "clusterId"},
		{Header: "STATE", Field: "state"},
		{Header: "OPERATION", Field: "operationId"},
		{Header: "JOURNAL", Field: "outcome.journalId"},
		{Header: "REQUEST", Field: "requestId", Wide: true},
	}
	var notes []string
	if res.Outcome != nil && res.Outcome.Note != "" {
		notes = append(notes, res.Outcome.Note)
	}
	return cmdutil.PrintWithNotes(f, res, cols, notes)
}

func lookupEnv(f *cmdutil.Factory) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v := f.Getenv(k)
		return v, v != ""
	}
}
