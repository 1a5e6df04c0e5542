package aws

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

func newReleasesCmd(f *cmdutil.Factory) *cobra.Command {
	var prefix, app string
	cmd := &cobra.Command{
		Use:     "releases",
		Short:   "List the EMR release labels of the region",
		Example: `  emrctl aws releases --prefix emr-7 --application Spark`,
		Args:    cobra.NoArgs,
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			rels, err := e.ReleaseLabels(ctx, prefix, app)
			if err != nil {
				return err
			}
			return PrintList(f, rels, []output.Column{{Header: "RELEASE", Field: "version"}, {Header: "SERIES", Field: "series"}}, "No release labels found.")
		}),
	}
	cmd.Flags().StringVar(&prefix, "prefix", "", "only labels starting with this, e.g. emr-7")
	cmd.Flags().StringVar(&app, "application", "", "only releases offering this application, e.g. Spark")
	return cmd
}

func newInstanceTypesCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "instance-types RELEASE",
		Short:   "List the instance types an EMR release supports in the region",
		Example: `  emrctl aws instance-types emr-7.2.0 -o wide`,
		Args:    cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			types, err := e.ListInstanceTypes(ctx, provider.InstanceTypeQuery{ReleaseVersion: args[0]})
			if err != nil {
				return err
			}
			return PrintList(f, types, []output.Column{
				{Header: "TYPE", Field: "type"}, {Header: "VCPUS", Field: "vcpus", Kind: output.Count}, {Header: "MEMORY GIB", Field: "memoryGiB", Kind: output.Count},
				{Header: "FAMILY", Field: "family"}, {Header: "ARCH", Field: "arch", Wide: true}, {Header: "DISKS", Field: "localDisks", Kind: output.Count, Wide: true},
			}, "No instance types found.")
		}),
	}
}
