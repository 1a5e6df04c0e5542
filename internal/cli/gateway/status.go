package gateway

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

type statusOptions struct {
	f     *cmdutil.Factory
	id    string
	root  string
	state string
}

func newStatusCmd(f *cmdutil.Factory, run func(context.Context, *statusOptions) error) *cobra.Command {
	o := &statusOptions{f: f}
	cmd := &cobra.Command{
		Use:   "status --root DIR [CLUSTER_ID]",
		Short: "Tell which gateway files drifted from what was deployed or from the cluster",
		Long: `Status compares each file of the current set under --root with what was
written (LOCAL: unchanged, modified, missing) and with what the cluster's
configuration renders now (CLUSTER: same, changed, added, removed). The
cluster is the one the current set came from unless CLUSTER_ID names
another. It exits 8 when any file drifted, 0 when none did; 'gateway refresh'
brings them back in line.`,
		Example: `  emrctl gateway status --root /tmp/gw
  emrctl gateway status --root / c-xxxxxxxxxxxxxxxx -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.id = args[0]
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runStatus(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.root, "root", "", "directory the gateway files are under (/ on the gateway itself)")
	cmd.Flags().StringVar(&o.state, "state", "", "directory for generations and backups (default ROOT/.emrctl-gateway)")
	return cmd
}

// statusRow is the drift of one file, with stable field names.
type statusRow struct {
	Path    string `json:"path"`
	Local   string `json:"local"`
	Cluster string `json:"cluster"`
	Drifted bool   `json:"drifted"`
}

var statusColumns = []output.Column{
	{Header: "FILE", Field: "path"},
	{Header: "LOCAL", Field: "local"},
	{Header: "CLUSTER", Field: "cluster"},
	{Header: "DRIFTED", Field: "drifted", Kind: output.Bool},
}

func runStatus(ctx context.Context, o *statusOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	st, err := storeOf(o.root, o.state)
	if err != nil {
		return err
	}
	cur, err := st.Current()
	if err != nil {
		return fmt.Errorf("gateway status of %s: %w", st.Root, err)
	}
	rec, err := readRecord(st)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = &deployRecord{}
	}
	rec.ClusterID = cur.ClusterID
	if o.id != "" {
		rec.ClusterID = o.id
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	set, err := clusterSet(ctx, s, st, *rec, nil)
	if err != nil {
		return err
	}
	sts, err := st.Status(set)
	if err != nil {
		return err
	}
	rows := make([]any, len(sts.Files))
	drifted := 0
	for i, fs := range sts.Files {
		rows[i] = statusRow{Path: fs.Path, Local: orDash(string(fs.Local)), Cluster: orDash(string(fs.Cluster)), Drifted: fs.Drifted()}
		if fs.Drifted() {
			drifted++
		}
	}
	if format.Structured() || f.Query != "" {
		err = output.PrintObject(f.IOStreams.Out, format, f.Query, rows, statusColumns, printOpts(f)...)
	} else {
		fmt.Fprintf(f.IOStreams.ErrOut, "Generation %s of cluster %s under %s, compared with cluster %s\n", cur.Generation, cur.ClusterID, st.Root, rec.ClusterID)
		lw := output.NewListWriter(f.IOStreams.Out, format, statusColumns, printOpts(f)...)
		if err = lw.WriteItems(rows...); err == nil {
			err = lw.Close()
		}
	}
	if err != nil {
		return err
	}
	if drifted > 0 {
		return &cmdutil.FindingsError{Problems: drifted}
	}
	return nil
}
