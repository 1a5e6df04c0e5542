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
	f              *cmdutil.Factory
	file           string
	wait           bool
	timeout        time.Duration
	idempotencyKey string
	dryRun         bool
	skipLive       bool
}

func newCreateCmd(f *cmdutil.Factory, run func(context.Context, *createOptions) error) *cobra.Command {
	o := &createOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create -f SPEC",
		Short: "Create a cluster from a spec file",
		Long: `Create a cluster from a spec file (YAML). The spec is validated against every
EMR rule emrctl knows before anything is sent; you confirm a summary (API,
target, impact and the exact request); the write is journaled with a client
token, so running the same command again after a timeout never creates a
second cluster.`,
		Example: `  emrctl cluster create -f examples/dev-cluster.yaml --wait
  emrctl cluster create -f prod.yaml --yes --ack-cost -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.file == "" {
				return cmdutil.FlagErrorf("--file/-f is required: the cluster spec (see 'emrctl cluster init')")
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runCreate(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "cluster spec file (YAML or JSON; - for stdin)")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "wait until the cluster is RUNNING (or fails)")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmd.Flags().BoolVar(&o.skipLive, "skip-live-checks", false, "skip the plan's look-ups (VPC, vSwitch, security group, key pair, stock); the rules and the policy still apply")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the plan and the exact request instead of creating (same as 'cluster plan --dry-run')")
	cmd.Flags().StringVar(&o.idempotencyKey, "idempotency-key", "", "distinguish a deliberate repeat of an identical create (within 30 min)")
	return cmd
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
	f := o.f
	c, err := readSpec(f, o.file)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	call := f.Call(false)
	call.IdempotencyKey = o.idempotencyKey
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
	res, err := s.Engine.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: c, Getenv: lookupEnv(f), SkipLiveChecks: o.skipLive})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s: %s\n", w.Field, w.Problem)
	}
	if res.Outcome.Note != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "note: %s\n", res.Outcome.Note)
	}
	if !o.wait {
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
	format, err := f.Format()
	if err != nil {
		return err
	}
	cols := []output.Column{
		{Header: "CLUSTER", Field: "clusterId"},
		{Header: "OPERATION", Field: "operationId"},
		{Header: "JOURNAL", Field: "outcome.journalId"},
		{Header: "REQUEST", Field: "requestId", Wide: true},
	}
	return output.PrintObject(f.IOStreams.Out, format, f.Query, res, cols, opts(f)...)
}

func lookupEnv(f *cmdutil.Factory) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v := f.Getenv(k)
		return v, v != ""
	}
}
