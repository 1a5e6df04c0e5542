package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Token lifetimes.
const (
	// DefaultTTL is how long a token lives when no expiry is given.
	DefaultTTL = 90 * 24 * time.Hour
	// MaxTTL is the longest lifetime a token may have: every token expires,
	// so one that leaked and was forgotten stops working on its own.
	MaxTTL = 365 * 24 * time.Hour
	// TouchEvery is how often a token's LastUsedAt is written at most:
	// authenticating is a read, not a write per request.
	TouchEvery = time.Minute
)

// Prefix starts every raw token, so that secret scanners and emrctl's own
// redaction recognise one wherever it is pasted.
const Prefix = "emrctl_"

const (
	idBytes     = 8  // 16 hex characters: the public, listed part
	secretBytes = 32 // 43 base64url characters: the secret part
	idLen       = 2 * idBytes
	secretLen   = 43
	maxNameLen  = 64
)

// Token is a stored token: everything but its secret, which only its
// creator ever sees.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	CreatedBy  string     `json:"createdBy"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// Token states, as State reports them.
const (
	StateActive  = "active"
	StateExpired = "expired"
	StateRevoked = "revoked"
)

// State says whether t is active, expired or revoked at now.
func (t Token) State(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return StateRevoked
	case !now.Before(t.ExpiresAt):
		return StateExpired
	}
	return StateActive
}

func (t Token) live(now time.Time) bool { return t.State(now) == StateActive }

// Store keeps tokens. Implementations keep only a hash of each secret.
type Store interface {
	// Create makes a token and returns it raw, the only time it exists
	// outside the caller's hands. ttl is how long it lives (at most
	// MaxTTL); createdBy is who made it, for the record.
	Create(ctx context.Context, name string, role Role, ttl time.Duration, createdBy string) (raw string, t *Token, err error)
	// Authenticate returns who raw belongs to, or ErrUnauthenticated.
	Authenticate(ctx context.Context, raw string) (*Principal, error)
	// List returns every token, revoked and expired ones too, oldest first.
	List(ctx context.Context) ([]Token, error)
	// Revoke ends the token with that ID (a whole raw token stands for
	// its ID) or, failing that, the live (else newest) token with that
	// name. It returns ErrAlreadyRevoked or ErrNotFound when nothing
	// changed.
	Revoke(ctx context.Context, idOrName string) (*Token, error)
}

// Option configures a store or a limiter.
type Option func(*options)

type options struct {
	now     func() time.Time
	maxKeys int
}

// WithClock makes a store or limiter read the time from now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

func buildOptions(opts []Option) options {
	o := options{now: time.Now, maxKeys: defaultMaxKeys}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// reservedNames are actors emrctl itself records; a token named like one
// would pass for it in the journal.
var reservedNames = []string{"unknown", "unknown-mcp-client", "human", "script", "agent", "service", "emrctl", "system", "root", "sandbox"}

// ValidateName checks a token name: 1-64 letters, digits, '.', '_' or '-',
// not a reserved actor and not shaped like a token ID, since the name is
// the actor in the journal and must not pass for anything else.
func ValidateName(name string) error {
	const fix = "use 1-64 letters, digits, '.', '_' or '-', e.g. --name ci-deploy"
	if name == "" {
		return &InputError{Field: "--name", Problem: "a token needs a name", Fix: fix}
	}
	if len(name) > maxNameLen {
		return &InputError{Field: "--name", Problem: fmt.Sprintf("name is %d characters long", len(name)), Fix: fix}
	}
	for _, r := range name {
		if !nameChar(r) {
			return &InputError{Field: "--name", Problem: fmt.Sprintf("name %q holds %q", name, r), Fix: fix}
		}
	}
	for _, n := range reservedNames {
		if strings.EqualFold(name, n) {
			return &InputError{Field: "--name", Problem: fmt.Sprintf("%q is an actor emrctl records itself", name), Fix: "choose a name that says who uses the token, e.g. --name ci-deploy"}
		}
	}
	if strings.HasPrefix(strings.ToLower(name), Prefix) {
		// Not quoted back: it may be a token pasted in the wrong place.
		return &InputError{Field: "--name", Problem: "the name looks like a token", Fix: "choose a name that says who uses the token, e.g. --name ci-deploy"}
	}
	if isID(strings.ToLower(name)) {
		return &InputError{Field: "--name", Problem: fmt.Sprintf("%q looks like a token ID", name), Fix: "choose a name that says who uses the token, e.g. --name ci-deploy"}
	}
	return nil
}

func nameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

// ValidateTTL checks a token's lifetime.
func ValidateTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return &InputError{Field: "--expires-in", Problem: fmt.Sprintf("lifetime %s is not in the future", ttl),
			Fix: "give a positive duration such as 720h, or a future --expires-at"}
	}
	if ttl > MaxTTL {
		return &InputError{Field: "--expires-in", Problem: fmt.Sprintf("lifetime %s is longer than a year", ttl),
			Fix: "tokens live at most 8760h; create a new one before it expires"}
	}
	return nil
}

func isID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// newRaw makes a token: its ID, the raw token and the hash to store.
func newRaw() (id, raw, hash string, err error) {
	b := make([]byte, idBytes+secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", fmt.Errorf("auth: random token: %w", err)
	}
	id = hex.EncodeToString(b[:idBytes])
	secret := base64.RawURLEncoding.EncodeToString(b[idBytes:])
	return id, Prefix + id + "_" + secret, hashSecret(secret), nil
}

// parseRaw splits a raw token into its ID and secret.
func parseRaw(raw string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(raw, Prefix)
	if !ok || len(rest) != idLen+1+secretLen || rest[idLen] != '_' {
		return "", "", false
	}
	id, secret = rest[:idLen], rest[idLen+1:]
	if !isID(id) {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", "", false
	}
	return id, secret, true
}

// hashSecret is what a store keeps of a secret. A plain SHA-256 is enough:
// the secret is 256 random bits, so there is no dictionary to try and
// brute force is out of reach; a slow KDF protects guessable passwords,
// and would only cost every request its time.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// secretMatches compares in constant time, so response times say nothing
// about how much of a guessed secret was right.
func secretMatches(secret, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(storedHash)) == 1
}

// timestamp is how a store records a time: UTC, to the second, which is
// all that expiry and last-use need and what people read.
func timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// expiry is when a token made at now with ttl expires, to the second:
// rounding makes --expires-at exact despite the moment between the
// caller's clock reading and the store's.
func expiry(now time.Time, ttl time.Duration) time.Time { return now.Add(ttl).UTC().Round(time.Second) }

// principal is who t authenticates.
func (t *Token) principal() *Principal {
	return &Principal{TokenID: t.ID, Name: t.Name, Role: t.Role}
}

// checkCreate validates Create's input.
func checkCreate(name string, role Role, ttl time.Duration) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return ValidateTTL(ttl)
}

// revokeRef is what a Revoke of idOrName looks for: a whole raw token
// (someone revoking the token they hold) stands for its ID, so that the
// secret is neither needed nor ever quoted back in an error.
func revokeRef(idOrName string) string {
	if id, _, ok := parseRaw(idOrName); ok {
		return id
	}
	return idOrName
}

// pickRevoke chooses which of the tokens a Revoke of idOrName (see
// revokeRef) means: the one with that ID, else the live one with that
// name, else the newest with that name.
func pickRevoke(tokens []Token, idOrName string, now time.Time) (*Token, error) {
	var byName *Token
	for i := range tokens {
		t := &tokens[i]
		if t.ID == idOrName {
			return t, nil
		}
		if t.Name != idOrName {
			continue
		}
		if byName == nil || t.live(now) && !byName.live(now) || t.live(now) == byName.live(now) && t.CreatedAt.After(byName.CreatedAt) {
			byName = t
		}
	}
	if byName == nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, ErrNotFound)
	}
	return byName, nil
}

// Both stores are Stores.
var (
	_ Store = (*MemoryStore)(nil)
	_ Store = (*SQLiteStore)(nil)
)
