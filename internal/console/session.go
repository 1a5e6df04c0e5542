package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// sessionCookie names the session; loginCookie carries the CSRF token of
// the login form, which comes before any session.
const (
	sessionCookie = "emrctl_session"
	loginCookie   = "emrctl_login"
)

// maxSessions bounds the memory of sessions: beyond it, the least
// recently used goes.
const maxSessions = 10000

// session is one login. The raw token stays here, on the server: the
// browser holds only the session's random ID.
type session struct {
	token string
	name  string // the token's name, for logs
	csrf  string

	mu    sync.Mutex
	seen  time.Time
	flash string
}

// checkCSRF reports whether got is the session's CSRF token.
func (s *session) checkCSRF(got string) bool {
	return sameSecret(s.csrf, got)
}

// setFlash keeps a message for the next page the session sees.
func (s *session) setFlash(msg string) {
	s.mu.Lock()
	s.flash = msg
	s.mu.Unlock()
}

// takeFlash returns the message kept for this page and forgets it.
func (s *session) takeFlash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.flash
	s.flash = ""
	return msg
}

// sessions are the console's logins, in memory: a restart logs everyone
// out, which is what a token pasted into a browser should come to.
type sessions struct {
	now  func() time.Time
	idle time.Duration

	mu   sync.Mutex
	byID map[[32]byte]*session // by the SHA-256 of the cookie's value
}

func newSessions(now func() time.Time, idle time.Duration) *sessions {
	return &sessions{now: now, idle: idle, byID: map[[32]byte]*session{}}
}

// start makes a session for a token and returns the cookie's value.
func (ss *sessions) start(token, name string) (string, *session, error) {
	id, err := randomString()
	if err != nil {
		return "", nil, err
	}
	csrf, err := randomString()
	if err != nil {
		return "", nil, err
	}
	s := &session{token: token, name: name, csrf: csrf, seen: ss.now()}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweep()
	if len(ss.byID) >= maxSessions {
		ss.evictOldest()
	}
	ss.byID[sha256.Sum256([]byte(id))] = s
	return id, s, nil
}

// get returns the live session of a cookie's value and marks it used.
func (ss *sessions) get(id string) (*session, bool) {
	key := sha256.Sum256([]byte(id))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[key]
	if !ok {
		return nil, false
	}
	now := ss.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.seen) >= ss.idle {
		delete(ss.byID, key)
		return nil, false
	}
	s.seen = now
	return s, true
}

// end forgets a session.
func (ss *sessions) end(id string) {
	ss.mu.Lock()
	delete(ss.byID, sha256.Sum256([]byte(id)))
	ss.mu.Unlock()
}

// len is how many sessions are kept.
func (ss *sessions) len() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byID)
}

// sweep drops idle sessions; the caller holds ss.mu.
func (ss *sessions) sweep() {
	now := ss.now()
	for k, s := range ss.byID {
		s.mu.Lock()
		idle := now.Sub(s.seen) >= ss.idle
		s.mu.Unlock()
		if idle {
			delete(ss.byID, k)
		}
	}
}

// evictOldest drops the least recently used session; the caller holds
// ss.mu.
func (ss *sessions) evictOldest() {
	var oldest [32]byte
	var at time.Time
	first := true
	for k, s := range ss.byID {
		s.mu.Lock()
		seen := s.seen
		s.mu.Unlock()
		if first || seen.Before(at) {
			oldest, at, first = k, seen, false
		}
	}
	delete(ss.byID, oldest)
}

// randomString is 256 random bits, base64url.
func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// setCookie sets a console cookie: HttpOnly, SameSite=Strict, Secure on
// TLS, under path.
func setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// clearCookie removes the session cookie from the browser.
func clearCookie(w http.ResponseWriter, r *http.Request) {
	setCookie(w, r, sessionCookie, "", Prefix, -1)
}
