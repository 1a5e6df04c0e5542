package token

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

type listOptions struct {
	f *cmdutil.Factory
}

func newListCmd(f *cmdutil.Factory, run func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{f: f}
	return &cobra.Command{
		Use:   "list",
		Short: "List API tokens (never their secrets)",
		Long: `List shows every token of the profile, oldest first, with its state: active,
expired or revoked. Expired and revoked tokens stay listed, so the actors of
old journal entries can be looked up. The tokens themselves are never shown.`,
		Example: `  emrctl token list
  emrctl token list -o json --query "[?state=='active'].name"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
}

// tokenView is a token as list and revoke show it.
type tokenView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       auth.Role  `json:"role"`
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	CreatedBy  string     `json:"createdBy"`
}

func viewOf(t auth.Token, now time.Time) tokenView {
	return tokenView{ID: t.ID, Name: t.Name, Role: t.Role, State: t.State(now), CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt, CreatedBy: t.CreatedBy}
}

var tokenColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "ROLE", Field: "role"},
	{Header: "STATE", Field: "state"},
	{Header: "EXPIRES", Field: "expiresAt", Kind: output.Time},
	{Header: "LAST USED", Field: "lastUsedAt", Kind: output.Time},
	{Header: "CREATED", Field: "createdAt", Kind: output.Time, Wide: true},
	{Header: "CREATED BY", Field: "createdBy", Wide: true},
	{Header: "REVOKED", Field: "revokedAt", Kind: output.Time, Wide: true},
}

func runList(ctx context.Context, o *listOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	store, _, err := openStore(ctx, f)
	if err != nil {
		return err
	}
	tokens, err := store.List(ctx)
	if err != nil {
		return err
	}
	now := f.Now()
	items := make([]any, 0, len(tokens))
	for _, t := range tokens {
		items = append(items, viewOf(t, now))
	}
	opts := printOpts(f)
	if f.Query != "" {
		opts = append(opts, output.WithQuery(f.Query))
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, tokenColumns, opts...)
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	return lw.Close()
}
