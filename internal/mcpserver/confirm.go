package mcpserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/validate"
)

// The fields of the confirmation form. Only the person fills them in: no
// tool takes a confirmation argument, and the model never sees the form.
const (
	fieldContinue = "continue"
	fieldCost     = "acknowledgeCost"
	fieldZero     = "acknowledgeEmptyGroup"
)

// inputKey names the confirmation in a multi round-trip exchange.
const inputKey = "confirmation"

// modernProtocol is the first protocol version without server-initiated
// requests: elicitation then travels as an input request in the tool
// result, and the client calls the tool again with the person's answer.
const modernProtocol = "2026-07-28"

var (
	errNoElicitation = errors.New("this MCP client cannot ask a person for confirmation (no elicitation capability)")
	errAwaiting      = fmt.Errorf("%w to the confirmation (MCP elicitation round trip)", engine.ErrConfirmationPending)
)

// confirmer implements engine.Confirmer with MCP elicitation: the engine's
// confirmation (the seed's template, the reasons and the exact request)
// goes to the person, who accepts with the boxes ticked, or declines.
type confirmer struct {
	s    *Server
	req  *mcp.CallToolRequest
	tool string
	args string

	// noElicitation is set when the client could not be asked.
	noElicitation bool
	// budget is the call's deadline, paused while the person answers.
	budget *budget
	// pending is set when the question goes back to the client in the
	// tool result (modern protocol); the call ends without running.
	pending *pendingAsk
	// approved is the approval an approver granted while the call waited;
	// the call's result is recorded on it (finish).
	approved *approval.Approval
}

// pendingAsk is a confirmation sent back to the client as an input request.
type pendingAsk struct {
	state  string
	params *mcp.ElicitParams
}

func (p *pendingAsk) result() *mcp.CallToolResult {
	return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{inputKey: p.params}, RequestState: p.state}
}

// Confirm asks the person. Decline, cancel, an unticked box or any failure
// to ask is a no.
func (c *confirmer) Confirm(ctx context.Context, conf engine.Confirmation) (engine.Answer, error) {
	if conf.RequireTypedName != "" {
		return engine.Answer{}, errors.New("this operation needs its name typed back by a person at a terminal")
	}
	if !canElicit(c.req.ClientCapabilities()) {
		if c.s.opts.Approvals != nil {
			return c.waitForApprover(ctx, conf)
		}
		c.noElicitation = true
		return engine.Answer{}, errNoElicitation
	}
	params := elicitParams(conf)
	if c.req.ProtocolVersion() >= modernProtocol {
		return c.roundTrip(conf, params)
	}
	// The person's time does not count against the call's deadline; the
	// confirmation has its own.
	c.budget.pause()
	defer c.budget.resume()
	ctx, cancel := context.WithTimeout(ctx, c.s.opts.ConfirmTimeout)
	defer cancel()
	res, err := c.req.Session.Elicit(ctx, params)
	if err != nil {
		return engine.Answer{}, dialogFailed(err)
	}
	return answerOf(res, conf)
}

// roundTrip answers from the person's reply carried by this call, if the
// call carries a reply to exactly this confirmation; otherwise it mints a
// ticket and sends the question back to the client. A ticket is minted and
// checked by the server, bound to the tool, the exact arguments and the
// exact confirmation, used once, and expires in minutes: a replayed or
// forged answer is never taken, the person is asked again.
func (c *confirmer) roundTrip(conf engine.Confirmation, params *mcp.ElicitParams) (engine.Answer, error) {
	bind := binding{tool: c.tool, args: c.args, confirmation: confirmationHash(conf), session: c.req.Session.ID()}
	if state := c.req.Params.RequestState; state != "" && c.s.tickets.redeem(state, bind) {
		if r, ok := c.req.Params.InputResponses[inputKey].(*mcp.ElicitResult); ok {
			return answerOf(r, conf)
		}
	}
	id, err := c.s.tickets.mint(bind)
	if err != nil {
		return engine.Answer{}, err
	}
	c.pending = &pendingAsk{state: id, params: params}
	return engine.Answer{}, errAwaiting
}

// dialogFailed says in plain words what a failed dialog means: the person
// was never asked, so nothing ran.
func dialogFailed(err error) error {
	why := "your MCP client's confirmation dialog failed"
	if errors.Is(err, context.DeadlineExceeded) {
		why = "nobody answered the confirmation dialog in time"
	}
	return fmt.Errorf("%s (%s), so the person's answer never reached emrctl, and nothing ran. "+
		"Call the tool again to ask again, or ask the person to run it from the emrctl CLI", why, validate.Render(err.Error()))
}

func canElicit(caps *mcp.ClientCapabilities) bool {
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	// A client that declares neither mode supports forms (the SDK's reading
	// of the specification); one that declares only URL mode does not.
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil
}

// elicitParams renders the confirmation as a form: the message is the
// seed's template, the reasons and the exact request (secrets redacted),
// and the schema has one box per thing the person must agree to.
func elicitParams(conf engine.Confirmation) *mcp.ElicitParams {
	props := map[string]any{
		fieldContinue: map[string]any{"type": "boolean", "title": "Continue?", "description": "Tick to run exactly the request shown.", "default": false},
	}
	required := []string{fieldContinue}
	if conf.NeedsCostAck {
		props[fieldCost] = map[string]any{"type": "boolean", "title": "I acknowledge the cost", "description": conf.Cost(), "default": false}
		required = append(required, fieldCost)
	}
	if conf.RequireZeroAck {
		props[fieldZero] = map[string]any{"type": "boolean", "title": "I understand the node group ends with no nodes",
			"description": "Its compute capacity goes to zero.", "default": false}
		required = append(required, fieldZero)
	}
	return &mcp.ElicitParams{
		Mode:            "form",
		Message:         confirmationMessage(conf),
		RequestedSchema: map[string]any{"type": "object", "properties": props, "required": required},
	}
}

// confirmationMessage is what the person reads: the lines the CLI shows
// too (engine.Confirmation.Lines), in which untrusted text (names,
// descriptions, rule fields) is escaped and quoted, so that it can neither
// add a line nor disguise the request, and the person is told that quoted
// text is data, not instructions.
func confirmationMessage(conf engine.Confirmation) string {
	return "emrctl asks you, not the AI agent, to confirm.\n\n" + strings.Join(conf.Lines(), "\n") + "\n"
}

// safeText escapes what would be invisible or misleading when shown
// (validate.Visible): line breaks and everything visible stay as they are.
func safeText(s string) string { return validate.Visible(s) }

// answerOf reads the person's reply. Only an accepted form with the boxes
// ticked is a yes; anything else is a no.
func answerOf(res *mcp.ElicitResult, conf engine.Confirmation) (engine.Answer, error) {
	switch res.Action {
	case "accept":
	case "decline":
		return engine.Answer{}, nil
	case "cancel":
		return engine.Answer{}, errors.New("the person dismissed the confirmation")
	default:
		return engine.Answer{}, fmt.Errorf("the confirmation got an unknown answer %q", validate.Render(res.Action))
	}
	ticked := func(k string) bool { v, _ := res.Content[k].(bool); return v }
	ans := engine.Answer{Yes: ticked(fieldContinue)}
	if conf.NeedsCostAck {
		ans.CostAck = ticked(fieldCost)
	}
	if conf.RequireZeroAck {
		ans.ZeroAck = ticked(fieldZero)
	}
	return ans, nil
}

// confirmationHash identifies everything the person is shown, so an answer
// is never taken for a confirmation that differs in any detail.
func confirmationHash(conf engine.Confirmation) string {
	raw, _ := json.Marshal(conf)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// binding is what a ticket is bound to.
type binding struct {
	tool, args, confirmation, session string
}

// tickets are the server's outstanding confirmation round trips.
type tickets struct {
	now func() time.Time
	ttl time.Duration

	mu   sync.Mutex
	open map[string]ticket
}

type ticket struct {
	bind    binding
	expires time.Time
}

func newTickets(now func() time.Time, ttl time.Duration) *tickets {
	return &tickets{now: now, ttl: ttl, open: map[string]ticket{}}
}

// maxTickets bounds the outstanding round trips; the oldest are dropped.
const maxTickets = 1024

// mint records a new ticket for bind and returns its ID.
func (t *tickets) mint(bind binding) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("confirmation ticket: %w", err)
	}
	id := "emrctl-confirm-" + hex.EncodeToString(b[:])
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for k, v := range t.open {
		if !now.Before(v.expires) {
			delete(t.open, k)
		}
	}
	for len(t.open) >= maxTickets {
		oldest := ""
		for k, v := range t.open {
			if oldest == "" || v.expires.Before(t.open[oldest].expires) {
				oldest = k
			}
		}
		delete(t.open, oldest)
	}
	t.open[id] = ticket{bind: bind, expires: now.Add(t.ttl)}
	return id, nil
}

// redeem uses up ticket id; it reports whether the ticket existed, had not
// expired and is bound to exactly bind. A ticket is gone after one try.
func (t *tickets) redeem(id string, bind binding) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	tk, ok := t.open[id]
	delete(t.open, id)
	return ok && t.now().Before(tk.expires) && tk.bind == bind
}

// approvalVia names MCP as the surface of an approval.
const approvalVia = "mcp"

// waitForApprover queues the confirmation for a person with the approver
// role (a client without dialogs cannot ask its own person), tells the
// client where it waits, and waits until an approver decides or the wait
// ends. The wait does not count against the call's deadline. At the end
// of the wait the approval is withdrawn; if an approver approved it just
// before, the call goes on with that approval.
func (c *confirmer) waitForApprover(ctx context.Context, conf engine.Confirmation) (engine.Answer, error) {
	st := c.s.opts.Approvals
	actor := agentActor(c.req)
	a, err := st.Enqueue(ctx, &approval.Approval{Route: c.tool, Question: approval.QuestionOf(conf), RequestHash: conf.RequestHash,
		RequestedBy: actor.Name, Via: approvalVia}, nil)
	if err != nil {
		return engine.Answer{}, fmt.Errorf("queue the confirmation for an approver: %w", err)
	}
	c.tell(ctx, fmt.Sprintf("waiting for approval %s (emrctl serve console or POST /v1/approvals/%s/approve) until %s",
		a.ID, a.ID, a.ExpiresAt.Format(time.RFC3339)))
	c.budget.pause()
	defer c.budget.resume()
	wctx, cancel := context.WithTimeout(ctx, c.s.opts.ApprovalWait)
	defer cancel()
	tick := time.NewTicker(c.s.opts.ApprovalPoll)
	defer tick.Stop()
	for {
		got, err := st.Get(wctx, a.ID)
		if err == nil && got.Status != approval.Pending {
			return c.decided(got)
		}
		if err != nil && wctx.Err() == nil {
			return engine.Answer{}, fmt.Errorf("approval %s: %w", a.ID, err)
		}
		select {
		case <-tick.C:
			continue
		case <-wctx.Done():
		}
		return c.giveUp(ctx, a.ID)
	}
}

// giveUp withdraws an approval nobody decided in time; an approver who
// won the race decided it, and that decision stands.
func (c *confirmer) giveUp(ctx context.Context, id string) (engine.Answer, error) {
	st := c.s.opts.Approvals
	bg := context.WithoutCancel(ctx)
	err := st.Withdraw(bg, id)
	var de *approval.DecidedError
	if errors.As(err, &de) {
		got, gerr := st.Get(bg, id)
		if gerr != nil {
			return engine.Answer{}, gerr
		}
		return c.decided(got)
	}
	if err != nil {
		return engine.Answer{}, fmt.Errorf("withdraw approval %s: %w", id, err)
	}
	return engine.Answer{}, fmt.Errorf("no approver decided approval %s within %s, so it was withdrawn and nothing ran; "+
		"call the tool again to ask again", id, c.s.opts.ApprovalWait)
}

// decided turns an approver's decision into the confirmation's answer:
// the approver's own acknowledgements, which the store checked against
// the question.
func (c *confirmer) decided(a *approval.Approval) (engine.Answer, error) {
	switch a.Status {
	case approval.Approved:
		c.approved = a
		return a.Answer, nil
	case approval.Rejected:
		return engine.Answer{}, nil
	}
	return engine.Answer{}, fmt.Errorf("approval %s ended %s before anyone approved it; nothing ran", a.ID, a.Status)
}

// tell sends the client a progress notification (when the call asked for
// progress) and a log message about the wait.
func (c *confirmer) tell(ctx context.Context, msg string) {
	c.s.opts.Logger.Info(msg, "tool", c.tool)
	ss := c.req.Session
	if ss == nil {
		return
	}
	if tok := c.req.Params.GetProgressToken(); tok != nil {
		_ = ss.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Message: msg})
	}
	_ = ss.Log(ctx, &mcp.LoggingMessageParams{Level: "notice", Logger: "emrctl", Data: msg})
}

// finish records on the approval what the approved write came to.
func (c *confirmer) finish(ctx context.Context, out any, err error) {
	if c.approved == nil {
		return
	}
	result := c.s.opts.Secrets.Value("", out)
	if err != nil {
		result = map[string]string{"error": c.s.scrub(err.Error())}
	}
	if _, ferr := c.s.opts.Approvals.Finish(context.WithoutCancel(ctx), c.approved.ID, err == nil, result); ferr != nil {
		c.s.opts.Logger.Warn("record the approved call's result", "approval", c.approved.ID, "error", ferr)
	}
}
