package auth

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// MemoryStore keeps tokens in memory: for tests of the packages that use a
// Store, and for a server that needs no tokens to outlive it.
type MemoryStore struct {
	now func() time.Time

	mu     sync.Mutex
	tokens map[string]*memToken // by ID
	seq    int
}

type memToken struct {
	Token
	hash string
	seq  int // creation order, for tokens created within one second
}

// NewMemoryStore returns an empty MemoryStore. Options: WithClock.
func NewMemoryStore(opts ...Option) *MemoryStore {
	o := buildOptions(opts)
	return &MemoryStore{now: o.now, tokens: make(map[string]*memToken)}
}

// Create implements Store.
func (s *MemoryStore) Create(ctx context.Context, name string, role Role, ttl time.Duration, createdBy string) (string, *Token, error) {
	if err := checkCreate(name, role, ttl); err != nil {
		return "", nil, err
	}
	id, raw, hash, err := newRaw()
	if err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.now()
	now := timestamp(at)
	for _, t := range s.tokens {
		if t.Name == name && t.live(now) {
			return "", nil, fmt.Errorf("create token %q: %w", name, ErrNameTaken)
		}
	}
	s.seq++
	t := &memToken{Token: Token{ID: id, Name: name, Role: role, CreatedAt: now, ExpiresAt: expiry(at, ttl), CreatedBy: createdBy}, hash: hash, seq: s.seq}
	s.tokens[id] = t
	out := t.Token
	return raw, &out, nil
}

// Authenticate implements Store.
func (s *MemoryStore) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	id, secret, ok := parseRaw(raw)
	if !ok {
		return nil, ErrUnauthenticated
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// IDs are public (listed, audited): an unknown one may answer sooner.
	// The secret is what is checked, in constant time.
	t, found := s.tokens[id]
	if !found {
		return nil, ErrUnauthenticated
	}
	at := s.now()
	if !secretMatches(secret, t.hash) || !t.live(at) {
		return nil, ErrUnauthenticated
	}
	now := timestamp(at)
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= TouchEvery {
		t.LastUsedAt = &now
	}
	return t.principal(), nil
}

// List implements Store.
func (s *MemoryStore) List(ctx context.Context) ([]Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(), nil
}

func (s *MemoryStore) list() []Token {
	all := make([]*memToken, 0, len(s.tokens))
	for _, t := range s.tokens {
		all = append(all, t)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	out := make([]Token, len(all))
	for i, t := range all {
		out[i] = copyToken(t.Token)
	}
	return out
}

// Revoke implements Store.
func (s *MemoryStore) Revoke(ctx context.Context, idOrName string) (*Token, error) {
	idOrName = revokeRef(idOrName)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := timestamp(s.now())
	picked, err := pickRevoke(s.list(), idOrName, now)
	if err != nil {
		return nil, err
	}
	if picked.RevokedAt != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, ErrAlreadyRevoked)
	}
	t := s.tokens[picked.ID]
	t.RevokedAt = &now
	out := copyToken(t.Token)
	return &out, nil
}

// copyToken copies t with its own time pointers, so a caller's copy does
// not change under it.
func copyToken(t Token) Token {
	if t.RevokedAt != nil {
		v := *t.RevokedAt
		t.RevokedAt = &v
	}
	if t.LastUsedAt != nil {
		v := *t.LastUsedAt
		t.LastUsedAt = &v
	}
	return t
}
