package cluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

type exportOptions struct {
	f     *cmdutil.Factory
	id    string
	file  string
	name  string
	force bool
}

func newExportCmd(f *cmdutil.Factory, run func(context.Context, *exportOptions) error) *cobra.Command {
	o := &exportOptions{f: f}
	cmd := &cobra.Command{
		Use:     "export CLUSTER_ID",
		Aliases: []string{"clone"},
		Short:   "Write a cluster as a spec file to edit and create a clone from",
		Long: `Export reads the cluster's clone metadata (GetClusterCloneMeta) and writes it as
a spec: applications, configurations, network and node groups, ready to edit and
create with 'emrctl cluster create -f'. IDs and states are left out; passwords
are never exported: the spec names the environment variables that must hold
them. Give the clone its own name with --name (or edit the file); moving it to
another zone or region means changing network.zoneId, network.vSwitchIds,
network.securityGroupId and network.vpcId.

The spec goes to stdout, or to the file given with -f (never overwritten
without --force). -o json prints it as JSON.`,
		Example: `  emrctl cluster export c-xxxxxxxxxxxxxxxx -f clone.yaml --name etl-clone
  emrctl cluster create -f clone.yaml --wait
  emrctl cluster export c-xxxxxxxxxxxxxxxx -o json --query nodeGroups`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runExport(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.file, "file", "f", "", "write the spec to this file instead of stdout")
	fl.StringVar(&o.name, "name", "", "name of the clone (default: the source cluster's name)")
	fl.BoolVar(&o.force, "force", false, "overwrite the file if it exists")
	return cmd
}

func runExport(ctx context.Context, o *exportOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	res, err := s.Engine.ExportCluster(ctx, o.id, engine.ExportOptions{Name: o.name})
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		msg := p.Problem
		if p.Fix != "" {
			msg += " (fix: " + p.Fix + ")"
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "note: %s: %s\n", p.Field, msg)
	}
	if o.file == "" {
		if format.Structured() || f.Query != "" {
			return output.PrintObject(f.IOStreams.Out, format, f.Query, res.Spec, nil, opts(f)...)
		}
		_, err := fmt.Fprint(f.IOStreams.Out, res.YAML)
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if o.force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	out, err := os.OpenFile(o.file, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return cmdutil.FlagErrorf("%s exists: pass --force to overwrite it", o.file)
	}
	if err != nil {
		return err
	}
	if _, err := out.WriteString(res.YAML); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Wrote the spec of %s to %s. Create the clone with: emrctl cluster create -f %s\n", o.id, o.file, o.file)
	return nil
}
