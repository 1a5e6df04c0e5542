package cmdutil

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/user"
	"strings"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy"
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
	w := c.IO.ErrOut
	fmt.Fprintf(w, "%s\n", conf.Summary.String())
	for _, r := range conf.Reasons {
		fmt.Fprintf(w, "  - %s\n", r)
	}
	if raw, err := json.MarshalIndent(conf.Request, "  ", "  "); err == nil {
		fmt.Fprintf(w, "Request (secrets redacted):\n  %s\n", raw)
	}
	var ans engine.Answer
	interactive := c.IO.CanPrompt()
	if conf.RequireTypedName != "" {
		if !interactive {
			return ans, errors.New("this operation needs the name typed back at a terminal; flags cannot confirm it")
		}
		name, err := c.ask(fmt.Sprintf("Type the name %q to confirm: ", conf.RequireTypedName))
		if err != nil {
			return ans, err
		}
		ans.TypedName = name
	}
	switch {
	case c.Yes:
		ans.Yes = true
	case interactive:
		ok, err := c.yesNo("Continue? [y/N]: ")
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
			ok, err := c.yesNo(fmt.Sprintf("Cost: %s. Acknowledge the cost? [y/N]: ", conf.CostReason))
			if err != nil {
				return ans, err
			}
			ans.CostAck = ok
		}
		if !ans.CostAck && !interactive {
			return ans, fmt.Errorf("the cost must be acknowledged (%s): add --ack-cost", conf.CostReason)
		}
	}
	if conf.RequireZeroAck {
		ans.ZeroAck = c.AckZero
		if !ans.ZeroAck && interactive {
			ok, err := c.yesNo("This releases every node of the group. Acknowledge? [y/N]: ")
			if err != nil {
				return ans, err
			}
			ans.ZeroAck = ok
		}
	}
	return ans, nil
}

func (c *Confirmer) ask(prompt string) (string, error) {
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

func (c *Confirmer) yesNo(prompt string) (bool, error) {
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
		Actor:   policy.Actor{Kind: kind, Name: name, Client: "emrctl-cli/" + f.Version},
		Confirm: &Confirmer{IO: f.IOStreams, Yes: f.Yes, AckCost: f.AckCost, AckZero: ackZero},
	}
}
