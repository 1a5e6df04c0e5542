package mcpserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/validate"
)

// toolCall is one tools/call as the engine sees it: an agent actor named
// after the MCP client, and a confirmer that asks the person behind it.
type toolCall struct {
	actor   policy.Actor
	confirm *confirmer
}

// newCall builds the call context of a tool invocation.
func (s *Server) newCall(req *mcp.CallToolRequest, name string, in any) *toolCall {
	actor := agentActor(req)
	return &toolCall{actor: actor, confirm: &confirmer{s: s, req: req, tool: name, args: argsHash(name, in)}}
}

// engineCall is the engine.Call of this tool call.
func (c *toolCall) engineCall(key string) engine.Call {
	return engine.Call{Actor: c.actor, Confirm: c.confirm, IdempotencyKey: key, ReplayWindow: c.confirm.s.opts.ReplayWindow,
		Answering: c.confirm.req.Params.RequestState != "",
		Progress:  func(msg string) { c.confirm.s.opts.Logger.Info(msg, "tool", c.confirm.tool) }}
}

// agentActor names the MCP client from its initialize request (or, on the
// sessionless protocol, the request's metadata). The name is untrusted
// text: it is escaped and shortened before it is recorded.
func agentActor(req *mcp.CallToolRequest) policy.Actor {
	name, version := "unknown-mcp-client", ""
	if info := req.ClientInfo(); info != nil {
		if info.Name != "" {
			name = info.Name
		}
		version = info.Version
	}
	name = clip(validate.Escape(name), 64)
	client := name
	if version != "" {
		client += "/" + clip(validate.Escape(version), 32)
	}
	// Behind a bearer token (serve with tokens), the token names the
	// actor: a client's own name is what it says, not who it is.
	if ti := tokenInfo(req); ti != nil && ti.UserID != "" {
		name = ti.UserID
	}
	return policy.Actor{Kind: policy.Agent, Name: name, Client: client}
}

// tokenInfo is the bearer token a call came with over HTTP, if any.
func tokenInfo(req *mcp.CallToolRequest) *mcpauth.TokenInfo {
	if req == nil || req.Extra == nil {
		return nil
	}
	return req.Extra.TokenInfo
}

// TokenRole is the key of TokenInfo.Extra that holds the token's role
// ("viewer", "operator", "approver"); a token whose role may not write
// gets no write tool.
const TokenRole = "role"

// roleRefusal refuses a write tool to a token whose role only reads.
func roleRefusal(req *mcp.CallToolRequest) error {
	ti := tokenInfo(req)
	if ti == nil {
		return nil
	}
	if role, _ := ti.Extra[TokenRole].(string); role == "operator" {
		return nil
	}
	return errors.New("this token's role may not call write tools: use a token of role operator ('emrctl token create --role operator')")
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// argsHash identifies the exact arguments of a call, for binding a
// confirmation round trip to them.
func argsHash(tool string, in any) string {
	raw, _ := json.Marshal(in)
	sum := sha256.Sum256(append([]byte(tool+"\x00"), raw...))
	return hex.EncodeToString(sum[:])
}

// checkIdempotencyKey checks a tool's idempotencyKey argument by the
// engine's rule, naming the argument as the agent wrote it.
func checkIdempotencyKey(k string) error { return engine.CheckIdempotencyKey("idempotencyKey", k) }

// auditMiddleware records every tools/call in the journal's audit log,
// including calls the SDK rejects before a handler runs (unknown tools,
// arguments that do not match the schema): the client's identity, the
// tool, its target and the redacted arguments with the outcome.
func (s *Server) auditMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		call, ok := req.(*mcp.CallToolRequest)
		if method != "tools/call" || !ok || call.Params == nil {
			return next(ctx, method, req)
		}
		res, err := next(ctx, method, req)
		s.audit(ctx, call, res, err)
		return res, err
	}
}

// auditDetail is what the audit log keeps of a tool call.
type auditDetail struct {
	Arguments any    `json:"arguments"`
	Outcome   string `json:"outcome"`
	Message   string `json:"message,omitempty"`
}

// maxAuditArgs bounds the arguments kept per call (a spec can be long).
const maxAuditArgs = 16 << 10

func (s *Server) audit(ctx context.Context, call *mcp.CallToolRequest, res mcp.Result, err error) {
	actor := agentActor(call)
	var args any
	raw := call.Params.Arguments
	if len(raw) > maxAuditArgs {
		args = fmt.Sprintf("(%d bytes, not kept)", len(raw))
	} else if len(raw) > 0 && json.Unmarshal(raw, &args) != nil {
		args = string(raw)
	}
	d := auditDetail{Arguments: s.opts.Secrets.Value("", args), Outcome: "ok"}
	switch r, _ := res.(*mcp.CallToolResult); {
	case err != nil:
		d.Outcome, d.Message = "protocol-error", err.Error()
	case r == nil:
		d.Outcome = "no-result"
	case r.InputRequests != nil:
		d.Outcome = "confirmation-requested"
	case r.IsError:
		d.Outcome, d.Message = "error", resultText(r)
	}
	d.Message = clip(s.scrub(d.Message), 2000)
	detail, _ := json.Marshal(d)
	ev := journal.AuditEvent{
		Actor: actor.Name, ActorKind: string(actor.Kind), Client: actor.Client, Event: journal.EventMCPTool,
		Operation: clip(validate.Escape(call.Params.Name), 128), Target: targetOf(args), Detail: string(detail),
	}
	// The audit must not depend on the call's context: a cancelled call
	// is audited too.
	actx := context.WithoutCancel(ctx)
	if aerr := s.eng.Journal().Audit(actx, ev); aerr != nil {
		s.opts.Logger.Warn("audit", "tool", ev.Operation, "error", aerr)
	}
}

// targetOf is the resource a tool call names: the cluster or workspace,
// then what inside it (a node group, a job run, a Kyuubi service, ...).
func targetOf(args any) string {
	m, _ := args.(map[string]any)
	var parts []string
	for _, k := range []string{"clusterId", "workspaceId", "kyuubiServiceId", "sessionId", "applicationId",
		"nodeGroupId", "stepId", "jobRunId", "queue", "tokenId", "statementId"} {
		if v, _ := m[k].(string); v != "" {
			parts = append(parts, clip(validate.Escape(v), 64))
		}
	}
	return strings.Join(parts, "/")
}

func resultText(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// scrub removes secrets from text shown to the agent or audited.
func (s *Server) scrub(text string) string {
	return s.opts.Secrets.String(redact.String(text))
}

// toolError turns an engine error into the tool error the agent reads: the
// engine's own explanation (policy reasons, problems with their fields,
// the cloud's code and request ID), what was sent (nothing, for refusals),
// and, when the client could not ask the person, the CLI command a person
// can run instead.
func (s *Server) toolError(err error, cli string) error {
	var b strings.Builder
	var pe *engine.PolicyError
	var ne *engine.NotConfirmedError
	var ie *engine.InputError
	switch {
	case errors.As(err, &pe):
		b.WriteString("Refused by emrctl's safety policy; nothing was sent. ")
		b.WriteString(err.Error())
		if pe.Limit != "" {
			b.WriteString(" (rule: " + pe.Limit + ")")
		}
		b.WriteString(". A person's confirmation does not lift this rule.")
	case errors.As(err, &ne):
		b.WriteString("Nothing was done; nothing was sent to the cloud: ")
		b.WriteString(err.Error())
	case errors.As(err, &ie):
		b.WriteString("Invalid input: ")
		b.WriteString(err.Error())
	default:
		b.WriteString(err.Error())
	}
	if cli != "" {
		b.WriteString("\n\nThis MCP client cannot show a confirmation dialog (it did not declare the elicitation capability), " +
			"and you cannot confirm on a person's behalf. A person can run the operation from the emrctl CLI, which asks them to confirm:\n  ")
		b.WriteString(cli)
	}
	return errors.New(s.scrub(b.String()))
}
