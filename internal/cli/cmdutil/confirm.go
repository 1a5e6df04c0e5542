package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/safetext"
)

// Confirmer asks on the terminal, or takes the answer from flags when no
// terminal is there. --yes answers "continue?" only: the cost must be
// acknowledged with its own flag, and a typed-back name needs a terminal.
type Confirmer struct {
	IO      *iostreams.IOStreams
	Yes     bool
	AckCost bool
	AckZero bool

	in *bufio.Reader
}

// Confirm implements engine.Confirmer.
func (c *Confirmer) Confirm(ctx context.Context, conf engine.Confirmation) (engine.Answer, error) {
	// The lines the MCP server shows too. Names, descriptions and request
	// fields are data: whatever they hold shows escaped and quoted, never
	// as text that looks like emrctl's, and so do the prompts below.
	for _, l := range conf.Lines() {
		fmt.Fprintln(c.IO.ErrOut, l)
	}
	var ans engine.Answer
	interactive := c.IO.CanPrompt()
	if conf.RequireTypedName != "" {
		if !interactive {
			return ans, errors.New("this operation needs the name typed back at a terminal; flags cannot confirm it")
		}
		name, err := c.ask(safetext.F("Type the name %s to confirm: ", conf.RequireTypedName))
		if err != nil {
			return ans, err
		}
		ans.TypedName = name
	}
	switch {
	case c.Yes:
		ans.Yes = true
	case interactive:
		ok, err := c.yesNo(safetext.F("Continue? [y/N]: "))
		if err != nil {
			return ans, err
		}
		ans.Yes = ok
	default:
		return ans, errors.New("confirmation needed and no terminal to ask: re-run with --yes to confirm")
	}
	if conf.NeedsCostAck {
		ans.CostAck = c.AckCost
		if !ans.CostAck && interactive {
			ok, err := c.yesNo(safetext.F("Cost: %s. Acknowledge the cost? [y/N]: ", conf.CostReason))
			if err != nil {
				return ans, err
			}
			ans.CostAck = ok
		}
		if !ans.CostAck && !interactive {
			return ans, fmt.Errorf("the cost must be acknowledged (%s): add --ack-cost", conf.Cost())
		}
	}
	if conf.RequireZeroAck {
		ans.ZeroAck = c.AckZero
		if !ans.ZeroAck && interactive {
			ok, err := c.yesNo(safetext.F("This releases every node of the group. Acknowledge? [y/N]: "))
			if err != nil {
				return ans, err
			}
			ans.ZeroAck = ok
		}
	}
	return ans, nil
}

// ask shows prompt, built from safetext like the dialog, and reads a line.
func (c *Confirmer) ask(prompt safetext.Text) (string, error) {
	if c.in == nil {
		c.in = bufio.NewReader(c.IO.In)
	}
	fmt.Fprint(c.IO.ErrOut, prompt)
	line, err := c.in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no answer: %w", err)
	}
	return strings.TrimSpace(line), nil
}

func (c *Confirmer) yesNo(prompt safetext.Text) (bool, error) {
	a, err := c.ask(prompt)
	if err != nil {
		return false, err
	}
	a = strings.ToLower(a)
	return a == "y" || a == "yes", nil
}

// Call builds the engine call for a CLI invocation: a person at a
// terminal, or a script when there is none.
func (f *Factory) Call(ackZero bool) engine.Call {
	kind := policy.Script
	if f.IOStreams.CanPrompt() {
		kind = policy.Human
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return engine.Call{
		Actor:          policy.Actor{Kind: kind, Name: name, Client: "emrctl-cli/" + f.Version},
		Confirm:        &Confirmer{IO: f.IOStreams, Yes: f.Yes, AckCost: f.AckCost, AckZero: ackZero},
		IdempotencyKey: f.IdempotencyKey,
		Progress:       func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, msg) },
	}
}

// IdempotencyHelp is what every write command says about repeats.
const IdempotencyHelp = `Repeats: a write is sent again when you run it again, except that a
write whose desired state already holds (protection on, a policy that is
already in place, a group already of that size) says so and sends nothing,
and a write whose earlier attempt had an unknown outcome (a lost response,
a timeout, a crash) is first checked against the cloud's state and never
blindly sent twice. Pass --idempotency-key KEY to make a retry provably the
same attempt: the same key with the same request returns the recorded
result; the same key with another request is refused.`

// AddIdempotencyFlag adds --idempotency-key to a write command and the
// repeat rules to its help.
func AddIdempotencyFlag(cmd *cobra.Command, f *Factory) {
	cmd.Flags().StringVar(&f.IdempotencyKey, "idempotency-key", "", "name this attempt: a retry with the same key and request returns the recorded result instead of writing again")
	cmd.Long = strings.TrimRight(cmd.Long, "\n") + "\n\n" + IdempotencyHelp
}

// PrintWithNotes prints a write's result: in a table, followed by its
// notes (what was not sent, and why) on stdout too, since they are part
// of the result; in JSON or YAML the notes are fields of the result.
func PrintWithNotes(f *Factory, res any, cols []output.Column, notes []string) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	var opts []output.Option
	if f.NoHeaders {
		opts = append(opts, output.NoHeaders())
	}
	if err := output.PrintObject(f.IOStreams.Out, format, f.Query, res, cols, opts...); err != nil {
		return err
	}
	if format == output.Table || format == output.Wide {
		for _, n := range notes {
			fmt.Fprintln(f.IOStreams.Out, "note: "+n)
		}
	}
	return nil
}

// OutcomeColumns are the table columns of a write's outcome.
var OutcomeColumns = []output.Column{
	{Header: "STATUS", Field: "status"},
	{Header: "JOURNAL", Field: "journalId"},
	{Header: "REQUEST", Field: "result.requestId"},
}

// PrintOutcome prints what a write did: sent, unchanged (and why),
// replayed, joined or reconciled.
func PrintOutcome(f *Factory, out *engine.Outcome) error {
	var notes []string
	if out.Note != "" {
		notes = []string{out.Note}
	}
	return PrintWithNotes(f, out, OutcomeColumns, notes)
}
