package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/engine"
)

// WithEngine adapts a command body that needs the profile's engine: the
// session opens only when the command runs, so --help and flag errors
// never touch the journal or the network.
func WithEngine(f *Factory, run func(ctx context.Context, e *engine.Engine, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		s, err := f.Session(cmd.Context())
		if err != nil {
			return err
		}
		return run(cmd.Context(), s.Engine, args)
	}
}
