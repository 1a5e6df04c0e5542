package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
)

// Bounds of the approvals page.
const (
	maxPending    = 200
	maxDecided    = 100
	approvalsPage = 500
	maxReason     = 500
)

// decidedStatuses are every status but pending.
var decidedStatuses = []approval.Status{approval.Approved, approval.Rejected, approval.Expired, approval.Executed, approval.Failed}

// approvalsView is the approval queue.
type approvalsView struct {
	view
	CanApprove bool
	Pending    []approval.Approval
	Decided    []approval.Approval
}

// approvalsPage shows the pending approvals (oldest first: they expire
// first), then the most recently asked decided ones.
func (c *Console) approvalsPage(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
	v := c.viewOf(s, p, "Approvals")
	c.showApprovals(w, r, http.StatusOK, v, p)
}

func (c *Console) showApprovals(w http.ResponseWriter, r *http.Request, status int, v view, p *auth.Principal) {
	av := approvalsView{view: v, CanApprove: p.Role.CanApprove()}
	var err error
	if av.Pending, err = c.opts.Approvals.List(r.Context(), approval.Filter{Statuses: []approval.Status{approval.Pending}, Limit: maxPending}); err == nil {
		av.Decided, err = c.newestDecided(r.Context())
	}
	if err != nil {
		c.failed(w, r, v, err)
		return
	}
	c.render(w, r, status, "approvals", av)
}

// newestDecided returns the newest decided approvals, newest first. The
// queue lists oldest first, so this walks it keeping the tail.
func (c *Console) newestDecided(ctx context.Context) ([]approval.Approval, error) {
	var tail []approval.Approval
	after := ""
	for {
		page, err := c.opts.Approvals.List(ctx, approval.Filter{Statuses: decidedStatuses, After: after, Limit: approvalsPage})
		if err != nil {
			return nil, err
		}
		tail = append(tail, page...)
		if len(tail) > maxDecided {
			tail = slices.Clone(tail[len(tail)-maxDecided:])
		}
		if len(page) < approvalsPage {
			break
		}
		after = page[len(page)-1].ID
	}
	slices.Reverse(tail)
	return tail, nil
}

// decide answers an approval: approve with the acknowledgements its
// question asks for, or reject. Only approvers may.
func (c *Console) decide(approve bool) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
		v := c.viewOf(s, p, "Approvals")
		if !p.Role.CanApprove() {
			c.forbidden(w, r, "only a token with the approver role can approve or reject; this one is "+string(p.Role))
			return
		}
		id := r.PathValue("id")
		if !approval.ValidID(id) {
			c.failed(w, r, v, &queryError{Param: "id", Problem: "not an approval ID", Fix: "use the buttons of the approvals page"})
			return
		}
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if len(reason) > maxReason {
			v.Error = "reason: longer than 500 bytes: shorten it"
			c.showApprovals(w, r, http.StatusBadRequest, v, p)
			return
		}
		d := approval.Decision{Approve: approve, By: p.Name, Reason: reason}
		if approve {
			d.Answer = engine.Answer{
				Yes:       true,
				CostAck:   r.PostFormValue("costAck") == "on",
				ZeroAck:   r.PostFormValue("zeroAck") == "on",
				TypedName: r.PostFormValue("typedName"),
			}
		}
		a, err := c.opts.Decide(r.Context(), id, d)
		if err != nil {
			status := statusOf(err)
			c.log.Info("console decision failed", "actor", p.Name, "approval", id, "approve", approve, "status", status)
			v.Error = "Approval " + id + ": " + err.Error()
			c.showApprovals(w, r, status, v, p)
			return
		}
		c.log.Info("console decision", "actor", p.Name, "approval", id, "approve", approve, "status", string(a.Status))
		s.setFlash(outcome(a))
		http.Redirect(w, r, Prefix+"/approvals", http.StatusSeeOther)
	}
}

// outcome says what a decision came to, for the next page; the result
// itself is on the approval below it.
func outcome(a *approval.Approval) string {
	msg := "Approval " + a.ID + " is " + string(a.Status)
	switch a.Status {
	case approval.Executed:
		msg += ": the write ran once"
	case approval.Failed:
		msg += ": the write failed, see its result below"
	case approval.Rejected:
		msg += ": nothing was sent"
	}
	return msg + "."
}
