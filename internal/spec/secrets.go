package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/emrctl/emrctl/internal/validate"
)

// RedactedValue replaces a secret in anything printed.
const RedactedValue = "[REDACTED]"

// ErrMissingSecret is matched (errors.Is) by a *SecretError for a variable
// that is not set.
var ErrMissingSecret = errors.New("secret environment variable not set")

// SecretError says which environment variable could not provide a secret.
// It never carries the value.
type SecretError struct {
	// Field is the spec field naming the variable.
	Field string
	// Env is the variable's name.
	Env string
	// Reason says what is wrong, e.g. "is not set".
	Reason  string
	missing bool
}

// Error reads "spec: <field>: environment variable <env> <reason>".
func (e *SecretError) Error() string {
	return fmt.Sprintf("spec: %s: environment variable %s %s", e.Field, e.Env, e.Reason)
}

// Is makes errors.Is(err, ErrMissingSecret) true for an unset variable.
func (e *SecretError) Is(target error) bool { return target == ErrMissingSecret && e.missing }

// Resolved holds the secrets a spec names, looked up from the environment.
// Its String, GoString and JSON forms never show them.
type Resolved struct {
	// MasterRootPassword is the nodes' root password, "" when the spec uses
	// a key pair only.
	MasterRootPassword string
	// MetastorePassword is the RDS password of a USER_RDS metastore.
	MetastorePassword string
}

// String shows which secrets are present, never their values.
func (r *Resolved) String() string {
	if r == nil {
		return "spec.Resolved(nil)"
	}
	return fmt.Sprintf("spec.Resolved{MasterRootPassword:%s MetastorePassword:%s}", mask(r.MasterRootPassword), mask(r.MetastorePassword))
}

// GoString is String, so %#v does not print the secrets either.
func (r *Resolved) GoString() string { return r.String() }

// MarshalJSON writes the redacted form.
func (r *Resolved) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"masterRootPassword": mask(r.MasterRootPassword), "metastorePassword": mask(r.MetastorePassword)})
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return RedactedValue
}

// Redacted returns a copy whose present secrets are replaced by
// RedactedValue, for building a request to print (dry run, confirmation).
func (r *Resolved) Redacted() *Resolved {
	if r == nil {
		return nil
	}
	return &Resolved{MasterRootPassword: mask(r.MasterRootPassword), MetastorePassword: mask(r.MetastorePassword)}
}

// Resolve looks up the secrets the spec names through getenv: the root
// password (network.masterRootPasswordEnv) and the RDS metastore password
// (metastore.rds.passwordEnv, for USER_RDS with HIVE). Every missing or
// unacceptable variable is reported, joined, as a *SecretError naming the
// variable; values never appear in errors. The root password must follow
// the password rules (8-30 characters, no shell metacharacters).
func Resolve(c *Cluster, getenv func(string) (string, bool)) (*Resolved, error) {
	r := &Resolved{}
	if c == nil || c.Provider == ProviderAWS {
		return r, nil
	}
	var errs []error
	lookup := func(field, env string) string {
		val, ok := getenv(env)
		if !ok || val == "" {
			errs = append(errs, &SecretError{Field: field, Env: env, Reason: "is not set", missing: true})
			return ""
		}
		return val
	}
	if n := c.Network; n != nil && n.MasterRootPasswordEnv != "" {
		const field = "network.masterRootPasswordEnv"
		if pw := lookup(field, n.MasterRootPasswordEnv); pw != "" {
			if e := validate.Password(field, pw); e != nil {
				errs = append(errs, &SecretError{Field: field, Env: n.MasterRootPasswordEnv, Reason: "holds a password that " + e.Rule + " (" + e.Fix + ")"})
			} else {
				r.MasterRootPassword = pw
			}
		}
	}
	if m := c.Metastore; m != nil && m.Type == MetastoreUserRDS && c.HasApplication(appHive) {
		const field = "metastore.rds.passwordEnv"
		switch {
		case m.RDS == nil || m.RDS.PasswordEnv == "":
			errs = append(errs, &SecretError{Field: field, Env: "(none)", Reason: "is not named; set metastore.rds.passwordEnv", missing: true})
		default:
			if pw := lookup(field, m.RDS.PasswordEnv); pw != "" {
				if !utf8.ValidString(pw) || strings.ContainsFunc(pw, isControl) {
					errs = append(errs, &SecretError{Field: field, Env: m.RDS.PasswordEnv, Reason: "holds a value with control characters or invalid UTF-8"})
				} else {
					r.MetastorePassword = pw
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}
