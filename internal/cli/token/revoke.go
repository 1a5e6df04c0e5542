package token

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

type revokeOptions struct {
	f   *cmdutil.Factory
	ref string
}

func newRevokeCmd(f *cmdutil.Factory, run func(context.Context, *revokeOptions) error) *cobra.Command {
	o := &revokeOptions{f: f}
	return &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke an API token: it stops working at once",
		Long: `Revoke ends a token, named by its ID or its name (by name, the live token of
that name); the token itself, if you hold it, names it too. Requests with it
are refused from then on. The token stays listed, as revoked. Revoking a
token already revoked changes nothing.`,
		Example: `  emrctl token revoke ci-deploy
  emrctl token revoke 3f9c0a1b2c3d4e5f`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runRevoke(cmd.Context(), o)
		},
	}
}

func runRevoke(ctx context.Context, o *revokeOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	store, j, err := openStore(ctx, f)
	if err != nil {
		return err
	}
	t, err := store.Revoke(ctx, o.ref)
	switch {
	case errors.Is(err, auth.ErrAlreadyRevoked):
		// The store's message names the token without its secret.
		fmt.Fprintf(f.IOStreams.ErrOut, "%v; nothing changed.\n", err)
		return nil
	case errors.Is(err, auth.ErrNotFound):
		return &cmdutil.FlagError{Err: fmt.Errorf("%w: give a token's ID or name; 'emrctl token list' shows them", err)}
	case err != nil:
		return err
	}
	actor := f.Call(false).Actor
	if err := audit(context.WithoutCancel(ctx), j, actor, EventRevoked, "RevokeToken", t); err != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: the token is revoked, but the audit did not record it: %v\n", err)
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Revoked token %s (name %s); requests with it are refused from now on.\n", t.ID, t.Name)
	return output.PrintObject(f.IOStreams.Out, format, f.Query, viewOf(*t, f.Now()), tokenColumns, printOpts(f)...)
}
