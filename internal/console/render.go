package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// pageNames are the templates under templates/, each with layout.html.
var pageNames = []string{"login", "error", "clusters", "cluster", "audit", "approvals"}

// pages are the parsed templates by name.
type pages map[string]*template.Template

// funcs are the templates' helpers. Every string from a cloud, the
// journal or a requester goes through inline (or visible, in a <pre>)
// before html/template escapes it for HTML: control, bidirectional and
// zero-width characters then show as escapes instead of reordering or
// hiding what the page says.
var funcs = template.FuncMap{
	"inline":     validate.Inline,
	"visible":    validate.Visible,
	"when":       when,
	"join":       func(s []string) string { return validate.Inline(strings.Join(s, ", ")) },
	"stateClass": stateClass,
	"indentJSON": indentJSON,
}

// indentJSON lays out a recorded result over lines, escaped like the
// rest of a <pre>; what is not JSON is shown as it is.
func indentJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return validate.Visible(string(raw))
	}
	return validate.Visible(b.String())
}

// stateClass colours a state: running is ok, on its way is wait, failed
// is bad, gone is off.
func stateClass(state string) string {
	s := strings.ToUpper(state)
	switch {
	case strings.Contains(s, "FAIL") || strings.Contains(s, "ERROR"):
		return "bad"
	case strings.HasPrefix(s, "TERMINAT") || strings.Contains(s, "RELEASE") || strings.Contains(s, "STOP"):
		return "off"
	case s == "RUNNING" || s == "ACTIVE" || s == "WAITING" || s == "NORMAL":
		return "ok"
	}
	return "wait"
}

func parsePages() (pages, error) {
	ps := pages{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		ps[name] = t
	}
	return ps, nil
}

// when shows a time in UTC to the second, or a dash for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// render writes page with data and status. The page is rendered to a
// buffer first, so a template error is a clean 500.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		c.log.Error("console: render page", "page", page, "path", r.URL.Path, "error", err)
		http.Error(w, "the console could not render this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage shows msg with status. Authenticated pages are never
// cached, nor are errors.
func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, status, "error", view{Title: http.StatusText(status), Error: msg})
}

// failed shows what a read or a decision failed with, at the status its
// kind calls for.
func (c *Console) failed(w http.ResponseWriter, r *http.Request, v view, err error) {
	status := statusOf(err)
	if status >= 500 {
		c.log.Error("console request failed", "path", r.URL.Path, "error", err)
	}
	v.Title = http.StatusText(status)
	v.Error = err.Error()
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, status, "error", v)
}

// statusOf maps the errors the console meets to HTTP statuses.
func statusOf(err error) int {
	var (
		in      *engine.InputError
		decided *approval.DecidedError
		answer  *approval.AnswerError
		stale   *approval.StaleError
		query   *queryError
	)
	switch {
	case errors.As(err, &in), errors.As(err, &query):
		return http.StatusBadRequest
	case errors.Is(err, provider.ErrNotFound), errors.Is(err, approval.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, approval.ErrSelfApproval):
		return http.StatusForbidden
	case errors.As(err, &decided), errors.As(err, &stale):
		return http.StatusConflict
	case errors.As(err, &answer):
		return http.StatusUnprocessableEntity
	case errors.Is(err, provider.ErrThrottled):
		return http.StatusTooManyRequests
	}
	return http.StatusBadGateway
}

// queryError is a bad query parameter: which, what is wrong, the fix.
type queryError struct{ Param, Problem, Fix string }

func (e *queryError) Error() string {
	return "query parameter " + e.Param + ": " + e.Problem + ": " + e.Fix
}
