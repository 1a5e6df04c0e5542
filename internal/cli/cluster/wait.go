package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
)

type waitOptions struct {
	f       *cmdutil.Factory
	id      string
	target  string
	timeout time.Duration
}

func newWaitCmd(f *cmdutil.Factory, run func(context.Context, *waitOptions) error) *cobra.Command {
	o := &waitOptions{f: f}
	cmd := &cobra.Command{
		Use:   "wait CLUSTER_ID",
		Short: "Wait until a cluster is RUNNING (or another state); show the cloud's reason on failure",
		Long: `Wait polls the cluster (every 30 s on the cloud, faster on the sandbox) until it
reaches the target state. Progress goes to stderr. It stops with exit code 5
and the cloud's StateChangeReason, with its likely cause and fix, when the
cluster fails (START_FAILED, TERMINATED_WITH_ERRORS, ...), and with exit code 6
after --timeout. Ctrl-C stops waiting; it never changes the cluster.`,
		Example: `  emrctl cluster wait c-xxxxxxxxxxxxxxxx
  emrctl cluster wait c-xxxxxxxxxxxxxxxx --for TERMINATED --timeout 10m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			o.target = strings.ToUpper(o.target)
			if o.timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive, got %s", o.timeout)
			}
			if o.target != engine.StateRunning && o.target != engine.StateTerminated {
				return cmdutil.FlagErrorf("--for %q: wait for RUNNING or TERMINATED", o.target)
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runWait(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.target, "for", "RUNNING", "state to wait for: RUNNING or TERMINATED")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up after this long")
	return cmd
}

func runWait(ctx context.Context, o *waitOptions) error {
	s, err := o.f.Session(ctx)
	if err != nil {
		return err
	}
	c, err := s.Engine.WaitCluster(ctx, o.id, engine.WaitOptions{Target: o.target, Timeout: o.timeout, Progress: progress(o.f, o.id),
		Notice: func(msg string) { fmt.Fprintln(o.f.IOStreams.ErrOut, msg) }})
	o.f.IOStreams.StopProgress()
	if errors.Is(err, context.Canceled) {
		last := "unknown"
		if c != nil {
			last = c.State
		}
		return fmt.Errorf("stopped waiting for cluster %s (last state %s); the cluster was not changed; resume with 'emrctl cluster wait %s': %w", o.id, last, o.id, err)
	}
	if err != nil {
		return err
	}
	return printCluster(o.f, c)
}
