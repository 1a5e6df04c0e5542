// Package specs holds 'emrctl spec': the cluster spec format itself.
package specs

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/spec"
)

// NewCmd returns the 'spec' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "The cluster spec format: JSON Schema and rules",
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "schema",
		Short:   "Print the JSON Schema (draft 2020-12) of cluster specs, for editors and CI",
		Example: "  emrctl spec schema > emrctl-cluster.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := spec.Schema()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.IOStreams.Out, strings.TrimSpace(string(raw)))
			return err
		},
	}, &cobra.Command{
		Use:   "rules",
		Short: "List every validation rule with its id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := f.Format()
			if err != nil {
				return err
			}
			lw := output.NewListWriter(f.IOStreams.Out, format, []output.Column{{Header: "RULE", Field: "id"}, {Header: "SUMMARY", Field: "summary"}})
			rules := spec.Rules()
			items := make([]any, len(rules))
			for i, r := range rules {
				items[i] = r
			}
			if err := lw.WriteItems(items...); err != nil {
				return err
			}
			return lw.Close()
		},
	})
	return cmd
}
