package journal

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Token kinds: how a write carries its idempotency token.
const (
	// TokenClient: the API takes a ClientToken.
	TokenClient = "client-token"
	// TokenRequestTag: the API has no token; emrctl tags the created
	// resource with the token (AWS RunJobFlow) to find it again.
	TokenRequestTag = "request-tag"
	// TokenNone: nothing carries the token (Alibaba IncreaseNodes,
	// DecreaseNodes); after an unknown outcome the engine reconciles from
	// state instead of re-sending.
	TokenNone = "none"
)

// Intent describes a write about to be sent.
type Intent struct {
	Actor     string
	ActorKind string
	Client    string
	Profile   string
	Provider  string
	Region    string
	Operation string
	Target    string
	// Params are the request parameters, already redacted by the caller;
	// Begin redacts them again.
	Params any
	// Identity, when set, is hashed instead of Params: what identifies the
	// intent when the exact request also holds values read from the state
	// (an absolute size computed from the size observed).
	Identity any
	// TokenKind is TokenClient, TokenRequestTag or TokenNone.
	TokenKind string
	// Observed is the state seen just before sending (redacted and stored,
	// not hashed): reconciliation compares the cloud's state with it after
	// an unknown outcome.
	Observed any
	// IdempotencyKey is the caller's key for this attempt, stored so that
	// a later call with the same key finds it (ByKey). It is not part of
	// the intent hash.
	IdempotencyKey string
	// Scope names the cloud endpoint (and, for the sandbox, its
	// generation): the same request to another endpoint is another intent.
	Scope string
	// Owner is the write call sending it; its lease says how long the
	// attempt counts as in flight without a renewal (zero: the write
	// deadline, Options.StaleAfter).
	Owner Owner
	Lease time.Duration
	// Now is the attempt time; zero means Options.Now.
	Now time.Time
}

// Attempt is the journal row Begin created, with what Begin found about
// earlier attempts of the same intent.
type Attempt struct {
	Entry
	// Reused is set when Token is an earlier attempt's token (Previous
	// holds that attempt). Sending with it cannot create a duplicate as
	// long as the cloud honours the token.
	Reused bool `json:"reused"`
	// Previous is the newest earlier attempt of the intent when its
	// outcome is open: pending or unknown (at any age), or, within the
	// window, failed with a retryable code. An attempt that succeeded or
	// failed for good is never Previous: repeating a finished write is a
	// new write.
	Previous *Entry `json:"previous,omitempty"`
}

// IntentHash returns the hash identifying in: SHA-256 over the canonical
// JSON of its scope, provider, profile, region, operation, target and
// redacted params, exactly as Begin stores them. Actor, client, time,
// token and idempotency key do not count, so a retry by anyone is the same
// intent.
func (j *Journal) IntentHash(in Intent) (string, error) {
	st, err := j.prepare(in)
	if err != nil {
		return "", fmt.Errorf("journal: intent hash: %w", err)
	}
	return st.hash, nil
}

// stored is an Intent as it is stored: scrubbed, encoded and hashed.
type stored struct {
	actor, actorKind, client, profile, provider, region, operation, target, key, scope string
	params, observed                                                                   []byte
	hash                                                                               string
}

func (j *Journal) prepare(in Intent) (stored, error) {
	st := stored{
		actor:     j.clean(in.Actor),
		actorKind: j.clean(in.ActorKind),
		client:    j.clean(in.Client),
		profile:   j.clean(in.Profile),
		provider:  j.clean(in.Provider),
		region:    j.clean(in.Region),
		operation: j.clean(in.Operation),
		target:    j.clean(in.Target),
		key:       j.clean(in.IdempotencyKey),
		scope:     j.clean(in.Scope),
	}
	params, err := encodeJSON(j.reg.Value("", in.Params))
	if err != nil {
		return stored{}, fmt.Errorf("params: %w", err)
	}
	st.params = params
	identity := params
	if in.Identity != nil {
		if identity, err = encodeJSON(j.reg.Value("", in.Identity)); err != nil {
			return stored{}, fmt.Errorf("identity: %w", err)
		}
	}
	if in.Observed != nil {
		if st.observed, err = encodeJSON(j.reg.Value("", in.Observed)); err != nil {
			return stored{}, fmt.Errorf("observed: %w", err)
		}
	}
	canonical, err := encodeJSON(struct {
		Scope     string          `json:"scope"`
		Provider  string          `json:"provider"`
		Profile   string          `json:"profile"`
		Region    string          `json:"region"`
		Operation string          `json:"operation"`
		Target    string          `json:"target"`
		Params    json.RawMessage `json:"params"`
	}{st.scope, st.provider, st.profile, st.region, st.operation, st.target, identity})
	if err != nil {
		return stored{}, err
	}
	sum := sha256.Sum256(canonical)
	st.hash = hex.EncodeToString(sum[:])
	return st, nil
}

// Begin records an attempt of in before it is sent and returns it with the
// token to send. When the newest earlier attempt of the same intent has an
// open outcome (pending, unknown, or failed with a retryable code) its
// token is reused (Reused), so a retry after a timeout or crash is
// deduplicated by the cloud instead of creating a second resource. A
// finished attempt (succeeded, or failed for good) gives a fresh token: a
// write repeated on purpose is a new write.
//
// A token is reused only while its first use is within the window, since
// the cloud forgets it after that. Every call inserts a new pending row,
// owned by in.Owner with its lease; concurrent Begins of one intent, from
// any process, are serialised. The row is read back before Begin returns:
// a journal that cannot show what it was just told is not trusted with
// writes (ErrUntrusted).
func (j *Journal) Begin(ctx context.Context, in Intent) (*Attempt, error) {
	a, err := j.begin(ctx, in)
	if corrupt(err) {
		j.distrust(err)
		return nil, fmt.Errorf("journal: begin: %w", j.trusted())
	}
	return a, err
}

func (j *Journal) begin(ctx context.Context, in Intent) (*Attempt, error) {
	op := j.clean(in.Operation)
	if op == "" {
		return nil, errors.New("journal: begin: empty operation")
	}
	if err := j.trusted(); err != nil {
		return nil, fmt.Errorf("journal: begin %s: %w", op, err)
	}
	switch in.TokenKind {
	case TokenClient, TokenRequestTag, TokenNone:
	default:
		return nil, fmt.Errorf("journal: begin %s: unknown token kind %q", op, j.clean(in.TokenKind))
	}
	now := in.Now
	if now.IsZero() {
		now = j.now()
	}
	st, err := j.prepare(in)
	if err != nil {
		return nil, fmt.Errorf("journal: begin %s: %w", op, err)
	}

	var (
		a  *Attempt
		id int64
	)
	err = j.retryConflicts(ctx, func() (err error) {
		a, id, err = j.insertAttempt(ctx, in, st, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("journal: begin %s: %w", op, err)
	}

	back, err := j.readBack(ctx, id, st, a.Token)
	if err != nil {
		return nil, fmt.Errorf("journal: begin %s: %w", op, err)
	}
	a.Entry = *back
	return a, nil
}

// insertAttempt decides on the token of in and inserts its pending row,
// in one transaction, and returns the attempt and the row's id.
func (j *Journal) insertAttempt(ctx context.Context, in Intent, st stored, now time.Time) (*Attempt, int64, error) {
	tx, err := j.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE, see Open
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	// PostgreSQL: Begins of one intent, from any process, one at a time.
	if err := tx.serialize(ctx, "intent:"+st.hash); err != nil {
		return nil, 0, err
	}
	a := &Attempt{}
	if err := j.decide(ctx, tx, st.hash, now, a); err != nil {
		return nil, 0, err
	}
	if !a.Reused {
		if a.Token, err = newToken(); err != nil {
			return nil, 0, err
		}
		a.Attempt = 1
	}
	lease := in.Lease
	if lease <= 0 {
		lease = j.staleAfter
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO attempts (time_ns, actor, actor_kind, client, profile, provider,
		region, operation, target, params, intent_hash, idempotency_key, token_kind, token, attempt, status, observed,
		scope, owner, owner_host, owner_pid, lease_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING id`,
		now.UnixNano(), st.actor, st.actorKind, st.client, st.profile, st.provider, st.region, st.operation,
		st.target, string(st.params), st.hash, st.key, in.TokenKind, a.Token, a.Attempt, nullJSON(st.observed),
		st.scope, in.Owner.ID, in.Owner.Host, in.Owner.PID, now.Add(lease).UnixNano()).Scan(&id)
	if err != nil {
		return nil, 0, err
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, err
	}
	return a, id, nil
}

// readBack reads the attempt just inserted and checks it is what was
// written. A mismatch or a read error marks the journal untrusted.
func (j *Journal) readBack(ctx context.Context, id int64, st stored, token string) (*Entry, error) {
	e, err := j.Get(ctx, id)
	if err == nil && (e.IntentHash != st.hash || string(e.Params) != string(st.params) || e.Token != token ||
		(e.Status != StatusPending && !e.Stale) || e.Operation != st.operation || e.Target != st.target) {
		err = fmt.Errorf("attempt %d reads back differently from what was written", id)
	}
	if err != nil {
		j.distrust(fmt.Errorf("read-back after insert: %w", err))
		return nil, j.trusted()
	}
	return e, nil
}

// decide fills a's Previous, Reused and, when reusing, Token and Attempt,
// from the intent's newest earlier attempt. On PostgreSQL that row stays
// locked until tx ends, so a Finish of it waits instead of landing between
// the decision and the insert (SQLite's write lock gives the same order).
func (j *Journal) decide(ctx context.Context, tx txn, hash string, now time.Time, a *Attempt) error {
	prev, err := j.txEntry(ctx, tx, now, `WHERE intent_hash = ? ORDER BY id DESC LIMIT 1`+tx.d.ForUpdate(), hash)
	if err != nil || prev == nil {
		return err
	}
	open := prev.Status == StatusPending || prev.Status == StatusUnknown
	if now.Sub(prev.Time) >= j.window {
		// Too old for its token to count, but an open outcome still
		// needs reconciling.
		if open {
			a.Previous = prev
		}
		return nil
	}
	if !open && !(prev.Status == StatusFailed && j.retryable(prev.ErrorCode)) {
		return nil
	}
	a.Previous = prev

	var firstNS, maxAttempt int64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(time_ns), MAX(attempt) FROM attempts WHERE intent_hash = ? AND token = ?`,
		hash, prev.Token).Scan(&firstNS, &maxAttempt); err != nil {
		return err
	}
	if now.Sub(time.Unix(0, firstNS)) < j.window {
		a.Reused, a.Token, a.Attempt = true, prev.Token, int(maxAttempt)+1
	}
	return nil
}

// txEntry returns the first attempt selected by tail within tx, or nil.
func (j *Journal) txEntry(ctx context.Context, tx txn, now time.Time, tail string, args ...any) (*Entry, error) {
	e, err := j.scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM attempts `+tail, args...), now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// newToken returns a random (version 4) UUID in lower case.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// encodeJSON marshals v compactly, map keys sorted, without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// nullJSON stores absent JSON as NULL.
func nullJSON(raw []byte) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}
