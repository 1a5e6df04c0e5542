// Package auth holds the bearer tokens of 'emrctl serve': roles and what
// each may do, the raw token format, stores that keep only a hash of each
// token (in memory for tests, in the journal's SQLite file for real), and a
// per-token rate limiter.
//
// Authenticate answers every bad token the same way (ErrUnauthenticated):
// malformed, unknown, wrong secret, expired and revoked are not told apart,
// so a caller learns nothing about which tokens exist.
package auth

import (
	"context"
	"errors"
	"fmt"
)

// Role is what a token may do.
type Role string

// The roles, from least to most trusted in what they change. An approver
// does not write: it answers the confirmations that operators' writes
// wait for, so no single token both asks for and grants a risky write.
const (
	Viewer   Role = "viewer"
	Operator Role = "operator"
	Approver Role = "approver"
)

// CanRead reports whether r may read clusters, operations, audit and
// approvals. Every role can.
func (r Role) CanRead() bool { return r.valid() }

// CanWrite reports whether r may send writes (within the policy).
func (r Role) CanWrite() bool { return r == Operator }

// CanApprove reports whether r may approve or reject pending confirmations.
func (r Role) CanApprove() bool { return r == Approver }

func (r Role) valid() bool { return r == Viewer || r == Operator || r == Approver }

// ParseRole returns the role named s, or an InputError for --role naming
// the value and the roles there are.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.valid() {
		return "", &InputError{Field: "--role", Problem: fmt.Sprintf("unknown role %q", s),
			Fix: "use viewer (reads), operator (reads and writes) or approver (reads and answers approvals)"}
	}
	return r, nil
}

// Principal is who a request comes from: the token's name is the actor in
// the journal and audit.
type Principal struct {
	TokenID string
	Name    string
	Role    Role
}

// ErrUnauthenticated is the one answer to a token that does not grant
// access, whatever the reason: malformed, unknown, wrong secret, expired or
// revoked.
var ErrUnauthenticated = errors.New("missing or invalid token")

// Errors of token management.
var (
	// ErrNotFound is returned by Revoke when no token has that ID or name.
	ErrNotFound = errors.New("no such token")
	// ErrAlreadyRevoked is returned by Revoke for a token revoked before.
	ErrAlreadyRevoked = errors.New("token already revoked")
	// ErrNameTaken is returned by Create when a live token has the name.
	ErrNameTaken = errors.New("a live token already has this name")
)

// InputError is bad input to token management: which field, what is wrong
// and how to fix it. The CLI's flags are the fields' names.
type InputError struct {
	Field   string
	Problem string
	Fix     string
}

// Error says field, problem and fix in one line.
func (e *InputError) Error() string {
	return e.Field + ": " + e.Problem + ": " + e.Fix
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p, for handlers behind the
// authenticating middleware.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal WithPrincipal put in ctx.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
