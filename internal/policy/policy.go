// Package policy holds emrctl's guardrails as pure functions.
//
// Decide takes a policy, the actor asking and an operation filled with the
// observed state it needs (node roles, counts, payment types, the node IDs
// ListNodes returned, the current auto-scaling policy) and says allow,
// confirm or deny, with the reasons, the confirmation summary and the
// acknowledgements the engine must obtain. The limits are those of the EMR
// skills' safety constraints (seeds 000 and 001); a policy file may tighten
// them, and may loosen them only with an explicit, audited setting that
// never applies to agents or services.
//
// Decide never reads free text (names, descriptions, job arguments) to
// reach a verdict; such text is only echoed in summaries. Text that claims
// authority ("admin mode", "pre-authorized") therefore changes nothing.
//
// Everything a decision says is built with package safetext: emrctl's
// words come from constants, and every value from an operation is data,
// shown escaped and quoted, so no value can add a line to a confirmation
// or pass for emrctl's own words.
package policy

import (
	"fmt"
	"reflect"

	"github.com/emrctl/emrctl/internal/safetext"
)

// ActorKind says who is asking.
type ActorKind string

// The kinds of actor.
const (
	// Human is a person at an interactive terminal.
	Human ActorKind = "human"
	// Script is the CLI without a terminal, e.g. run with --yes.
	Script ActorKind = "script"
	// Agent is an MCP client.
	Agent ActorKind = "agent"
	// Service is a REST API token.
	Service ActorKind = "service"
)

// valid reports whether k is one of the known kinds.
func (k ActorKind) valid() bool {
	switch k {
	case Human, Script, Agent, Service:
		return true
	}
	return false
}

// trusted reports whether loosened limits may apply to k: only to people
// and their scripts, never to agents or services.
func (k ActorKind) trusted() bool {
	return k == Human || k == Script
}

// Untrusted reports whether the rules for callers that act for someone
// else apply to k: agents, REST services, and any kind emrctl does not
// know. Every such rule asks this one question, so a new kind of caller
// gets all of them at once.
func (k ActorKind) Untrusted() bool { return !k.trusted() }

// Actor is who asks for an operation. Only Kind affects decisions; Name and
// Client are recorded for the audit log.
type Actor struct {
	Kind ActorKind
	// Name is the user, token or agent name.
	Name string
	// Client is the client software, e.g. an MCP client's name and version.
	Client string
}

// Verdict is the outcome of a decision. The zero Verdict is invalid, so a
// Decision nobody filled in is never mistaken for Allow.
type Verdict int

// The verdicts, from least to most restrictive.
const (
	// Allow: go ahead.
	Allow Verdict = iota + 1
	// Confirm: show the summary and go ahead only on an explicit yes (and
	// any acknowledgement the Decision requires).
	Confirm
	// Deny: refuse, with the reasons.
	Deny
)

// String returns "allow", "confirm" or "deny".
func (v Verdict) String() string {
	switch v {
	case Allow:
		return "allow"
	case Confirm:
		return "confirm"
	case Deny:
		return "deny"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Decision is what Decide concludes about one operation.
type Decision struct {
	Verdict Verdict
	// Reasons says why the operation needs confirmation or is denied, in
	// plain sentences that name the limit. Each is rendered from a
	// safetext.Text: one line, with the data in it escaped and quoted.
	Reasons []string
	// Summary is what the confirmation shows.
	Summary Summary
	// NeedsCostAck: the person must acknowledge the cost explicitly; --yes
	// alone does not answer it.
	NeedsCostAck bool
	// CostReason says what the cost acknowledgement is for.
	CostReason safetext.Text
	// RequireTypedName, when not empty, must be typed back by the person.
	RequireTypedName string
	// RequireZeroAck: the operation empties a node group; the person must
	// acknowledge that its compute capacity goes away.
	RequireZeroAck bool
	// Limit names the limit or rule that caused a Deny (see the Limit* and
	// Rule* constants).
	Limit string
}

// Summary is the confirmation template of the EMR skills.
type Summary struct {
	// API is the cloud API, as emrctl names it.
	API string
	// Target is the resource acted on; Impact what the operation does. An
	// Impact may span lines (a diff), each its own Text.
	Target, Impact safetext.Text
}

// Text returns "About to execute: <API>, target: <Target>, impact:
// <Impact>. Continue?".
func (s Summary) Text() safetext.Text {
	return safetext.F("About to execute: %s, target: %s, impact: %s. Continue?", safetext.ID(s.API), s.Target, s.Impact)
}

// String renders Text.
func (s Summary) String() string { return s.Text().String() }

// Operation is a request Decide can judge. The concrete types in this
// package carry the observed state each decision needs.
type Operation interface {
	// API is the cloud API the operation calls, e.g. "DecreaseNodes".
	API() string
	// Target is the resource the operation acts on, e.g. a cluster ID.
	Target() string
}

// decider is implemented by every Operation of this package.
type decider interface {
	Operation
	// target is Target for the summary, its parts shown as data.
	target() safetext.Text
	decide(b *builder, a Actor, p *Policy, l Limits)
}

// Decide judges op for actor a under policy p (nil means Default()).
// Unknown actor kinds and operations are denied.
func Decide(p *Policy, a Actor, op Operation) Decision {
	if p == nil {
		p = Default()
	}
	b := &builder{}
	if op == nil || isNilPointer(op) {
		b.deny(RuleOperation, safetext.F("There is no operation to decide on."))
		return b.decision()
	}
	b.d.Summary = Summary{API: op.API(), Target: safetext.ID(op.Target())}
	d, ok := op.(decider)
	if ok {
		b.d.Summary.Target = d.target()
	}
	if !a.Kind.valid() {
		b.deny(RuleActor, safetext.F("The actor kind %s is unknown; emrctl acts only for a human, script, agent or service.", string(a.Kind)))
		return b.decision()
	}
	if !ok {
		b.deny(RuleOperation, safetext.F("emrctl has no policy for %s, so it refuses it.", fmt.Sprintf("%T", op)))
		return b.decision()
	}
	d.decide(b, a, p, p.LimitsFor(a))
	return b.decision()
}

// isNilPointer reports a nil pointer inside a non-nil interface, on which
// the operation's methods cannot be called.
func isNilPointer(op Operation) bool {
	v := reflect.ValueOf(op)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// builder accumulates a Decision: the verdict only ever becomes stricter.
// Reasons come as safetext.Text, so none can show data unescaped.
type builder struct {
	d            Decision
	denyReasons  []safetext.Text
	otherReasons []safetext.Text
	costReasons  []safetext.Text
}

// deny refuses the operation because of the named limit or rule.
func (b *builder) deny(limit string, reason safetext.Text) {
	if b.d.Limit == "" {
		b.d.Limit = limit
	}
	b.denyReasons = append(b.denyReasons, reason)
	b.d.Verdict = Deny
}

// confirm asks for a confirmation; reason may be empty when the operation
// always needs one and the summary says enough.
func (b *builder) confirm(reason safetext.Text) {
	if b.d.Verdict < Confirm {
		b.d.Verdict = Confirm
	}
	if !reason.IsZero() {
		b.otherReasons = append(b.otherReasons, reason)
	}
}

// costAck demands a cost acknowledgement, which is a confirmation too.
func (b *builder) costAck(reason safetext.Text) {
	b.d.NeedsCostAck = true
	b.costReasons = append(b.costReasons, reason)
	b.confirm(reason)
}

// decision finishes the Decision. A denial lists only why it was denied.
func (b *builder) decision() Decision {
	d := b.d
	if d.Verdict < Allow {
		d.Verdict = Allow
	}
	reasons := b.otherReasons
	if d.Verdict == Deny {
		reasons = b.denyReasons
	}
	for _, r := range reasons {
		d.Reasons = append(d.Reasons, r.String())
	}
	d.CostReason = safetext.Join(b.costReasons, " ")
	return d
}
