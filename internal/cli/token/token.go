// Package token holds 'emrctl token': the bearer tokens that 'emrctl serve'
// accepts, kept (as hashes) in the profile's journal.
package token

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/policy"
)

// Audit event names of token management.
const (
	EventCreated = "token.created"
	EventRevoked = "token.revoked"
)

// NewCmd returns the 'token' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the API tokens of 'emrctl serve'",
		Long: `Clients of 'emrctl serve' (CI pipelines, portals, bots, agents) authenticate
with a bearer token. Each token has a name, which is the actor in the journal
and audit, and a role:

  viewer    reads clusters, operations, audit and approvals
  operator  reads, and writes within the safety policy
  approver  reads, and approves or rejects writes waiting for a person

A token is shown once, when it is created; emrctl keeps only a hash of it in
the profile's journal. Every token expires (90 days unless told otherwise, at
most a year), and can be revoked at any time. Creating and revoking tokens
are audit events.`,
	}
	cmd.AddCommand(newCreateCmd(f, nil), newListCmd(f, nil), newRevokeCmd(f, nil))
	return cmd
}

// openStore opens the token store in the profile's journal.
func openStore(ctx context.Context, f *cmdutil.Factory) (auth.Store, *journal.Journal, error) {
	s, err := f.Session(ctx)
	if err != nil {
		return nil, nil, err
	}
	j := s.Engine.Journal()
	if j == nil {
		return nil, nil, errors.New("tokens: this profile has no journal to keep them in")
	}
	return auth.NewSQLiteStore(j, auth.WithClock(f.Now)), j, nil
}

// auditDetail is what the audit records of a token: never the token or
// its hash.
type auditDetail struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	ExpiresAt string `json:"expiresAt"`
}

// audit records a token event as the CLI's actor.
func audit(ctx context.Context, j *journal.Journal, actor policy.Actor, event, operation string, t *auth.Token) error {
	detail, err := json.Marshal(auditDetail{Name: t.Name, Role: string(t.Role), ExpiresAt: t.ExpiresAt.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	return j.Audit(ctx, journal.AuditEvent{
		Actor: actor.Name, ActorKind: string(actor.Kind), Client: actor.Client,
		Event: event, Operation: operation, Target: "token/" + t.ID, Detail: string(detail),
	})
}

// inputError makes auth's input errors usage errors (exit 2).
func inputError(err error) error {
	var ie *auth.InputError
	if errors.As(err, &ie) {
		return &cmdutil.FlagError{Err: err}
	}
	return err
}

func printOpts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}
