package gateway

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/gateway"
)

type refreshOptions struct {
	f      *cmdutil.Factory
	id     string
	root   string
	state  string
	dryRun bool
}

func newRefreshCmd(f *cmdutil.Factory, run func(context.Context, *refreshOptions) error) *cobra.Command {
	o := &refreshOptions{f: f}
	cmd := &cobra.Command{
		Use:   "refresh CLUSTER_ID --root DIR [--dry-run]",
		Short: "Bring a gateway's files in line with the cluster's configuration",
		Long: `Refresh reads the cluster's client configuration again and writes the files
that differ from it under --root, with the applications and JAVA_HOME of the
last deploy. A file edited on this machine counts as differing and is put
back. The replaced set is kept as a backup that 'gateway rollback' restores.

--dry-run prints the files that would change, with a diff (secret values
redacted), and writes nothing; it exits 8 when there are changes, 0 when the
files match, so that scripts can check for drift.`,
		Example: `  emrctl gateway refresh c-xxxxxxxxxxxxxxxx --root /tmp/gw --dry-run
  sudo emrctl gateway refresh c-xxxxxxxxxxxxxxxx --root / --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runRefresh(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.root, "root", "", "directory the gateway files are under (/ on the gateway itself)")
	cmd.Flags().StringVar(&o.state, "state", "", "directory for generations and backups (default ROOT/.emrctl-gateway)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the changes and write nothing (exit 8 when there are any)")
	return cmd
}

func runRefresh(ctx context.Context, o *refreshOptions) error {
	f := o.f
	if _, err := f.Format(); err != nil {
		return err
	}
	st, err := storeOf(o.root, o.state)
	if err != nil {
		return err
	}
	if _, err := st.Current(); errors.Is(err, gateway.ErrNoGeneration) {
		return cmdutil.FlagErrorf("nothing deployed under %s: run 'emrctl gateway deploy %s --root %s' first", st.Root, o.id, o.root)
	} else if err != nil {
		return err
	}
	rec, err := readRecord(st)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = &deployRecord{}
	}
	rec.ClusterID = o.id
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	if o.dryRun {
		set, err := clusterSet(ctx, s, st, *rec, nil)
		if err != nil {
			return err
		}
		changes, err := st.Plan(set)
		if err != nil {
			return err
		}
		printChanges(f.IOStreams.Out, changes)
		if len(changes) > 0 {
			return &cmdutil.FindingsError{Problems: len(changes)}
		}
		return nil
	}
	res, err := writeSet(ctx, f, s, st, *rec, true)
	if err != nil {
		return err
	}
	return printResult(f, res)
}
