// Package console is the web console of 'emrctl serve': server-rendered
// HTML pages of the clusters, one cluster, the journal and the approval
// queue, for people who hold an emrctl token. It reads everything through
// the engine and the journal, and changes nothing but approvals.
//
// A person logs in by pasting a token; the console keeps the token on the
// server, in a session named by a random cookie, and authenticates it
// again on every request, so a revoked or expired token ends the session
// at once. Every POST carries the session's CSRF token and is refused
// when the browser says it comes from another site. The pages need no
// JavaScript and load nothing from elsewhere, so they work offline.
package console

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
)

// Prefix is the path the console is served under: mount the handler at
// Prefix+"/" (it also redirects Prefix itself).
const Prefix = "/console"

//go:embed templates/*.html static/*.css
var files embed.FS

// DecideFunc records an approver's decision on approval id and, when it
// approves, runs the approved write and records its result: the REST
// layer owns the replay, the console only shows what it returns.
type DecideFunc func(ctx context.Context, id string, d approval.Decision) (*approval.Approval, error)

// Options are the console's dependencies.
type Options struct {
	Engine    *engine.Engine
	Tokens    auth.Store
	Approvals *approval.Store
	Journal   *journal.Journal
	Decide    DecideFunc
	// Logger receives one line per login, logout and decision; nil
	// discards them. Tokens and session IDs are never logged.
	Logger *slog.Logger
	// Now is the clock of sessions; nil means time.Now.
	Now func() time.Time
	// LoginLimiter limits login attempts per remote address; nil means
	// 10 at once and one every 6 seconds after that.
	LoginLimiter *auth.Limiter
	// SessionIdle is how long a session lives without a request; zero
	// means 12 hours.
	SessionIdle time.Duration
}

// Default limits of the console.
const (
	defaultSessionIdle = 12 * time.Hour
	loginBurst         = 10
	loginRate          = 1.0 / 6  // attempts per second after the burst
	maxBody            = 64 << 10 // the console's forms are small
)

// OptionsError is a missing dependency: which option and how to fix it.
type OptionsError struct{ Field, Fix string }

// Error names the option and the fix.
func (e *OptionsError) Error() string { return "console: Options." + e.Field + " is nil: " + e.Fix }

// Console is the console's http.Handler.
type Console struct {
	opts     Options
	log      *slog.Logger
	pages    pages
	static   http.Handler
	sessions *sessions
	limiter  *auth.Limiter
	origin   *http.CrossOriginProtection
	mux      *http.ServeMux
}

// New returns the console over opts.
func New(opts Options) (*Console, error) {
	for _, c := range []struct {
		missing bool
		field   string
		fix     string
	}{
		{opts.Engine == nil, "Engine", "pass the engine the server runs"},
		{opts.Tokens == nil, "Tokens", "pass the token store the server authenticates with"},
		{opts.Approvals == nil, "Approvals", "pass the approval queue (approval.NewStore over the journal's database)"},
		{opts.Journal == nil, "Journal", "pass the engine's journal"},
		{opts.Decide == nil, "Decide", "pass the function that decides an approval and runs the approved write"},
	} {
		if c.missing {
			return nil, &OptionsError{Field: c.field, Fix: c.fix}
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = defaultSessionIdle
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limiter := opts.LoginLimiter
	if limiter == nil {
		limiter = auth.NewLimiter(loginRate, loginBurst, auth.WithClock(opts.Now))
	}
	ps, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	c := &Console{
		opts: opts, log: log, pages: ps, sessions: newSessions(opts.Now, opts.SessionIdle),
		static:  http.StripPrefix(Prefix+"/static/", http.FileServerFS(static)),
		limiter: limiter, origin: http.NewCrossOriginProtection(),
	}
	c.routes()
	return c, nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET "+Prefix+"/{$}", c.authed(c.clusterList))
	m.Handle("GET "+Prefix+"/static/", c.static)
	m.HandleFunc("GET "+Prefix+"/login", c.loginForm)
	m.HandleFunc("POST "+Prefix+"/login", c.login)
	m.HandleFunc("POST "+Prefix+"/logout", c.authedPost(c.logout))
	m.HandleFunc("GET "+Prefix+"/clusters/{id}", c.authed(c.clusterPage))
	m.HandleFunc("GET "+Prefix+"/audit", c.authed(c.auditPage))
	m.HandleFunc("GET "+Prefix+"/approvals", c.authed(c.approvalsPage))
	m.HandleFunc("POST "+Prefix+"/approvals/{id}/approve", c.authedPost(c.decide(true)))
	m.HandleFunc("POST "+Prefix+"/approvals/{id}/reject", c.authedPost(c.decide(false)))
	m.HandleFunc("GET "+Prefix, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/", http.StatusSeeOther)
	})
	m.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, http.StatusNotFound, "There is no such page in the console.")
	})
	c.mux = m
}

// ServeHTTP implements http.Handler: the security headers go on every
// answer, before any route runs.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	}
	c.mux.ServeHTTP(w, r)
}

// view is what every page of a logged-in person shows besides its own
// data.
type view struct {
	Title     string
	Principal *auth.Principal
	CSRF      string
	Flash     string
	Error     string
}

// authedHandler serves a request of a logged-in person.
type authedHandler func(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal)

// authed runs next for a valid session whose token still authenticates;
// otherwise it sends the browser to the login form.
func (c *Console) authed(next authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, p, ok := c.session(w, r)
		if !ok {
			http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r.WithContext(auth.WithPrincipal(r.Context(), p)), s, p)
	}
}

// authedPost is authed for a form that changes something: the browser
// must say it comes from this site, and the form must carry the
// session's CSRF token.
func (c *Console) authedPost(next authedHandler) http.HandlerFunc {
	return c.authed(func(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
		if err := c.origin.Check(r); err != nil {
			c.forbidden(w, r, "the request came from another site")
			return
		}
		if !s.checkCSRF(r.PostFormValue("csrf")) {
			c.forbidden(w, r, "the form is stale or did not come from this console: reload the page and try again")
			return
		}
		next(w, r, s, p)
	})
}

// session returns the request's session and its principal, re-checking
// the token. A session whose token no longer authenticates is ended.
func (c *Console) session(w http.ResponseWriter, r *http.Request) (*session, *auth.Principal, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil, false
	}
	s, ok := c.sessions.get(ck.Value)
	if !ok {
		clearCookie(w, r)
		return nil, nil, false
	}
	p, err := c.opts.Tokens.Authenticate(r.Context(), s.token)
	if err != nil {
		c.sessions.end(ck.Value)
		clearCookie(w, r)
		if errors.Is(err, auth.ErrUnauthenticated) {
			c.log.Info("console session ended: its token no longer authenticates", "actor", s.name)
		} else {
			c.log.Error("console session check failed", "actor", s.name, "error", err)
		}
		return nil, nil, false
	}
	return s, p, true
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request, why string) {
	c.errorPage(w, r, http.StatusForbidden, "Forbidden: "+why+".")
}
