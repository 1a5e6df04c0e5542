package token

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

type createOptions struct {
	f         *cmdutil.Factory
	name      string
	role      string
	expiresIn time.Duration
	expiresAt string
	// inSet and atSet say which expiry flags were given (a zero
	// --expires-in is an error, not the default).
	inSet, atSet bool
}

func newCreateCmd(f *cmdutil.Factory, run func(context.Context, *createOptions) error) *cobra.Command {
	o := &createOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create --name NAME --role viewer|operator|approver",
		Short: "Create an API token and print it, once",
		Long: `Create makes a bearer token for 'emrctl serve' and prints it on stdout. This
is the only time it is shown: emrctl keeps only its hash. Store it in your
secret manager at once; if it is lost, revoke it and create another.

The name (1-64 letters, digits, '.', '_' or '-') is the actor the journal and
audit record for the token's requests, so name who uses it. It must be unique
among live tokens. The token expires after --expires-in (default 2160h, 90
days) or at --expires-at, at most a year from now.`,
		Example: `  emrctl token create --name ci-deploy --role operator
  emrctl token create --name portal --role viewer --expires-in 720h
  emrctl token create --name oncall --role approver --expires-at 2027-01-31T00:00:00Z -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.inSet, o.atSet = cmd.Flags().Changed("expires-in"), cmd.Flags().Changed("expires-at")
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runCreate(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.name, "name", "", "who uses the token, recorded as the actor (required)")
	fl.StringVar(&o.role, "role", "", "viewer, operator or approver (required)")
	fl.DurationVar(&o.expiresIn, "expires-in", auth.DefaultTTL, "lifetime, e.g. 720h (at most 8760h)")
	fl.StringVar(&o.expiresAt, "expires-at", "", "expiry time in RFC 3339, e.g. 2027-01-31T00:00:00Z (instead of --expires-in)")
	return cmd
}

// createResult is what -o json and yaml show: the token, once.
type createResult struct {
	Token     string    `json:"token"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
}

var createColumns = []output.Column{
	{Header: "TOKEN", Field: "token"},
	{Header: "ID", Field: "id", Wide: true},
	{Header: "NAME", Field: "name", Wide: true},
	{Header: "ROLE", Field: "role", Wide: true},
	{Header: "EXPIRES", Field: "expiresAt", Kind: output.Time, Wide: true},
}

// ttl checks the input and returns the token's lifetime.
func (o *createOptions) ttl() (time.Duration, error) {
	if err := auth.ValidateName(o.name); err != nil {
		return 0, err
	}
	if o.role == "" {
		return 0, cmdutil.FlagErrorf("--role: a token needs a role: add --role viewer, --role operator or --role approver")
	}
	if _, err := auth.ParseRole(o.role); err != nil {
		return 0, err
	}
	if o.inSet && o.atSet {
		return 0, cmdutil.FlagErrorf("--expires-in and --expires-at both given: pass only one of them")
	}
	if !o.atSet {
		return o.expiresIn, auth.ValidateTTL(o.expiresIn)
	}
	at, err := time.Parse(time.RFC3339, o.expiresAt)
	if err != nil {
		return 0, cmdutil.FlagErrorf("--expires-at: %q is not an RFC 3339 time: write it like 2027-01-31T00:00:00Z", o.expiresAt)
	}
	ttl := at.Sub(o.f.Now())
	switch {
	case ttl <= 0:
		return 0, cmdutil.FlagErrorf("--expires-at: %s is not in the future: give a later time", o.expiresAt)
	case ttl > auth.MaxTTL:
		return 0, cmdutil.FlagErrorf("--expires-at: %s is more than a year away: tokens live at most a year", o.expiresAt)
	}
	return ttl, nil
}

func runCreate(ctx context.Context, o *createOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	ttl, err := o.ttl()
	if err != nil {
		return inputError(err)
	}
	store, j, err := openStore(ctx, f)
	if err != nil {
		return err
	}
	actor := f.Call(false).Actor
	raw, t, err := store.Create(ctx, o.name, auth.Role(o.role), ttl, actor.Name)
	if errors.Is(err, auth.ErrNameTaken) {
		return &cmdutil.FlagError{Err: fmt.Errorf("--name: %w: choose another name, or revoke the old token first ('emrctl token revoke %s')", err, o.name)}
	}
	if err != nil {
		return inputError(err)
	}
	// From here on stderr never shows it; stdout is where it goes.
	f.Secrets().Add(raw)
	// A token nobody can account for must not exist: if the audit cannot
	// record it, take it back.
	if err := audit(context.WithoutCancel(ctx), j, actor, EventCreated, "CreateToken", t); err != nil {
		if _, rerr := store.Revoke(context.WithoutCancel(ctx), t.ID); rerr != nil {
			return fmt.Errorf("token %s was created but could not be audited (%v) nor revoked: revoke it with 'emrctl token revoke %s': %w", t.ID, err, t.ID, rerr)
		}
		return fmt.Errorf("token not created: the audit could not record it: %w", err)
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Created token %s (name %s, role %s), expiring %s.\n", t.ID, t.Name, t.Role, t.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintln(f.IOStreams.ErrOut, "warning: this is the only time the token is shown; emrctl keeps only its hash. Store it in your secret manager now.")
	res := createResult{Token: raw, ID: t.ID, Name: t.Name, Role: t.Role, ExpiresAt: t.ExpiresAt}
	if format.Structured() || f.Query != "" || format == output.Wide || format == output.CSV {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, res, createColumns, printOpts(f)...)
	}
	// Plain: the token alone, for TOKEN=$(emrctl token create ...).
	_, err = fmt.Fprintln(f.IOStreams.Out, raw)
	return err
}
