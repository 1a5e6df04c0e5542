package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/journal"
)

// auditPageSize is how many lines one page of the journal shows.
const auditPageSize = 50

// maxAuditScan bounds how many rows one page reads past lines that share
// the cursor's timestamp.
const maxAuditScan = 5000

// auditView is a page of the journal: writes, or audit events.
type auditView struct {
	view
	Events bool
	Lines  []activity
	Next   string // the cursor of the next (older) page; "" on the last
}

// auditPage shows the journal newest first: the writes, or with
// ?kind=events the audit events, a page at a time (?before=cursor).
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
	q := r.URL.Query()
	v := auditView{view: c.viewOf(s, p, "Audit")}
	switch q.Get("kind") {
	case "", "writes":
	case "events":
		v.Events = true
	default:
		c.failed(w, r, v.view, &queryError{Param: "kind", Problem: "unknown kind " + strconv.Quote(q.Get("kind")), Fix: "use writes or events"})
		return
	}
	cur, err := parseCursor(q.Get("before"))
	if err != nil {
		c.failed(w, r, v.view, err)
		return
	}
	list := c.writesBefore
	if v.Events {
		list = c.eventsBefore
	}
	lines, next, err := pageBefore(r.Context(), cur, auditPageSize, list)
	if err != nil {
		c.failed(w, r, v.view, err)
		return
	}
	v.Lines = lines
	if next != nil {
		v.Next = next.String()
	}
	c.render(w, r, http.StatusOK, "audit", v)
}

func (c *Console) writesBefore(ctx context.Context, until time.Time, limit int) ([]activity, error) {
	entries, err := c.opts.Journal.List(ctx, journal.Filter{Until: until, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]activity, len(entries))
	for i, e := range entries {
		out[i] = writeActivity(e)
	}
	return out, nil
}

func (c *Console) eventsBefore(ctx context.Context, until time.Time, limit int) ([]activity, error) {
	events, err := c.opts.Journal.ListAudit(ctx, journal.Filter{Until: until, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]activity, len(events))
	for i, ev := range events {
		out[i] = eventActivity(ev)
	}
	return out, nil
}

// cursor is where a page of the journal starts: before the line with
// this time and ID, in the journal's order (time, then ID, descending).
type cursor struct {
	ns int64
	id int64
}

func (c cursor) String() string {
	return strconv.FormatInt(c.ns, 10) + "." + strconv.FormatInt(c.id, 10)
}

// parseCursor reads ?before=; "" means the newest page.
func parseCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := &queryError{Param: "before", Problem: "not a cursor of this page", Fix: "follow the console's Older link, or leave it out for the newest lines"}
	ns, id, ok := strings.Cut(s, ".")
	if !ok {
		return nil, bad
	}
	var c cursor
	var err1, err2 error
	c.ns, err1 = strconv.ParseInt(ns, 10, 64)
	c.id, err2 = strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || c.ns <= 0 || c.id <= 0 {
		return nil, bad
	}
	return &c, nil
}

// before reports whether a comes after the cursor in newest-first order.
func (c *cursor) before(a activity) bool {
	ns := a.Time.UnixNano()
	return c == nil || ns < c.ns || ns == c.ns && a.ID < c.id
}

// pageBefore returns up to n lines after cur (newest first) and the
// cursor of the page after them. The journal filters by time only, so
// lines sharing the cursor's time are read and skipped here; the read
// grows until a full page is found or the journal ends.
func pageBefore(ctx context.Context, cur *cursor, n int, list func(context.Context, time.Time, int) ([]activity, error)) ([]activity, *cursor, error) {
	var until time.Time
	if cur != nil {
		until = time.Unix(0, cur.ns+1)
	}
	for limit := n + 1; ; limit *= 2 {
		rows, err := list(ctx, until, limit)
		if err != nil {
			return nil, nil, err
		}
		var kept []activity
		for _, a := range rows {
			if cur.before(a) {
				kept = append(kept, a)
			}
		}
		if len(kept) > n {
			last := kept[n-1]
			return kept[:n], &cursor{ns: last.Time.UnixNano(), id: last.ID}, nil
		}
		if len(rows) < limit || limit >= maxAuditScan {
			return kept, nil, nil
		}
	}
}
