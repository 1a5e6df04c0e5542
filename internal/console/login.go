package console

import (
	"crypto/subtle"
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
)

// maxTokenLen bounds what the login form reads as a token: a real one is
// far shorter.
const maxTokenLen = 256

// loginForm shows the form, with a fresh CSRF token in a cookie and in
// the form (double submit: a session does not exist yet).
func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := c.session(w, r); ok {
		http.Redirect(w, r, Prefix+"/", http.StatusSeeOther)
		return
	}
	c.renderLogin(w, r, http.StatusOK, "")
}

func (c *Console) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	csrf, err := randomString()
	if err != nil {
		c.errorPage(w, r, http.StatusInternalServerError, "The console could not make a login form; try again.")
		return
	}
	setCookie(w, r, loginCookie, csrf, Prefix+"/login", 0)
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, status, "login", view{Title: "Log in", Error: msg, CSRF: csrf})
}

// badToken is the one answer to a token that does not log in, so the
// form tells nobody which tokens exist.
const badToken = "That token was not accepted. Paste a live emrctl token (emrctl token create)."

// login checks the pasted token and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if err := c.origin.Check(r); err != nil {
		c.forbidden(w, r, "the login came from another site")
		return
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameSecret(ck.Value, r.PostFormValue("csrf")) {
		c.forbidden(w, r, "the login form is stale or did not come from this console: reload it and try again")
		return
	}
	addr := remoteHost(r)
	if ok, wait := c.limiter.Allow(addr); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		c.log.Warn("console login refused: too many attempts", "remote", addr)
		c.renderLogin(w, r, http.StatusTooManyRequests, "Too many login attempts from this address: wait "+(time.Duration(secs)*time.Second).String()+" and try again.")
		return
	}
	raw := strings.TrimSpace(r.PostFormValue("token"))
	if raw == "" || len(raw) > maxTokenLen {
		c.renderLogin(w, r, http.StatusUnauthorized, badToken)
		return
	}
	p, err := c.opts.Tokens.Authenticate(r.Context(), raw)
	if err != nil {
		if !errors.Is(err, auth.ErrUnauthenticated) {
			c.log.Error("console login: token check failed", "remote", addr, "error", err)
		}
		c.log.Info("console login refused", "remote", addr)
		c.renderLogin(w, r, http.StatusUnauthorized, badToken)
		return
	}
	id, _, err := c.sessions.start(raw, p.Name)
	if err != nil {
		c.errorPage(w, r, http.StatusInternalServerError, "The console could not start a session; try again.")
		return
	}
	setCookie(w, r, loginCookie, "", Prefix+"/login", -1)
	setCookie(w, r, sessionCookie, id, Prefix, 0)
	c.log.Info("console login", "actor", p.Name, "role", string(p.Role), "remote", addr)
	http.Redirect(w, r, Prefix+"/", http.StatusSeeOther)
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, _ *session, p *auth.Principal) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		c.sessions.end(ck.Value)
	}
	clearCookie(w, r)
	c.log.Info("console logout", "actor", p.Name)
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
}

// sameSecret compares two secrets in constant time; empty never matches.
func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// remoteHost is the address login attempts are counted by.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
