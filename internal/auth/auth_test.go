package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/redact"
)

func TestRolePermissions(t *testing.T) {
	type perms struct{ read, write, approve bool }
	tests := []struct {
		role auth.Role
		want perms
	}{
		{auth.Viewer, perms{read: true}},
		{auth.Operator, perms{read: true, write: true}},
		{auth.Approver, perms{read: true, approve: true}},
		{auth.Role("admin"), perms{}},
		{auth.Role(""), perms{}},
	}
	for _, tt := range tests {
		got := perms{tt.role.CanRead(), tt.role.CanWrite(), tt.role.CanApprove()}
		if got != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.role, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, s := range []string{"viewer", "operator", "approver"} {
		if r, err := auth.ParseRole(s); err != nil || string(r) != s {
			t.Errorf("ParseRole(%q) = %q, %v; want it", s, r, err)
		}
	}
	for _, s := range []string{"", "admin", "Viewer", "operator "} {
		_, err := auth.ParseRole(s)
		var ie *auth.InputError
		if !errors.As(err, &ie) || ie.Field != "--role" {
			t.Fatalf("ParseRole(%q) = %v, want an InputError for --role", s, err)
		}
		// The message names the value and every role there is.
		for _, want := range []string{"--role", "viewer", "operator", "approver"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ParseRole(%q) error %q does not mention %s", s, err, want)
			}
		}
	}
}

func TestPrincipalInContext(t *testing.T) {
	ctx := context.Background()
	if p, ok := auth.PrincipalFrom(ctx); ok {
		t.Errorf("PrincipalFrom(empty context) = %+v, want none", p)
	}
	want := &auth.Principal{TokenID: "0123456789abcdef", Name: "ci", Role: auth.Operator}
	if got, ok := auth.PrincipalFrom(auth.WithPrincipal(ctx, want)); !ok || got != want {
		t.Errorf("PrincipalFrom = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := auth.PrincipalFrom(auth.WithPrincipal(ctx, nil)); ok {
		t.Error("PrincipalFrom(nil principal) reported one")
	}
}

// TestRawTokensAreRedacted checks that package redact knows the token
// format, wherever a token is pasted.
func TestRawTokensAreRedacted(t *testing.T) {
	raw, tok, err := auth.NewMemoryStore().Create(context.Background(), "ci", auth.Viewer, auth.DefaultTTL, "ana")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		raw,
		"curl -H 'X-Token: " + raw + "' http://localhost",
		`{"value":"` + raw + `"}`,
		"export EMRCTL=" + raw + "\n",
	} {
		got := redact.String(text)
		if strings.Contains(got, raw[len(auth.Prefix)+len(tok.ID)+1:]) || !strings.Contains(got, redact.Marker) {
			t.Errorf("redact.String(%q) = %q, want the token redacted", text, got)
		}
	}
}
