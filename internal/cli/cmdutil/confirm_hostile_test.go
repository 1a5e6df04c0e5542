package cmdutil

import (
	"context"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy/policytest"
)

// TestDialogShowsHostileDataEscaped renders the terminal confirmation of
// every policy operation, with each string field (and then all of them)
// set to values that try to forge a line, move the cursor, clear the
// screen, reorder or hide text: the dialog and every prompt (typed name,
// continue, cost, empty group) show each value escaped and quoted, and
// only the real summary starts with "About to execute". It runs once with
// the operation as the request, and once without a request, where each
// shown field must appear in emrctl's own lines.
func TestDialogShowsHostileDataEscaped(t *testing.T) {
	for _, v := range policytest.Variants() {
		t.Run(v.Name(), func(t *testing.T) {
			d := v.Decide()
			for _, req := range []any{nil, v.Op} {
				conf := engine.NewConfirmation(d, req)
				ios, in, _, errOut := iostreams.Test()
				ios.SetStdinTTY(true)
				ios.SetStdoutTTY(true)
				in.WriteString(strings.Repeat("n\n", 4))
				c := &Confirmer{IO: ios}
				if _, err := c.Confirm(context.Background(), conf); err != nil {
					t.Fatal(err)
				}
				out := errOut.String()
				var shown []string
				if req == nil {
					shown = v.Shown()
				}
				for _, p := range policytest.Problems(out, shown) {
					t.Errorf("%s\n%s", p, out)
				}
				if want := strings.Join(conf.Lines(), "\n") + "\n"; !strings.HasPrefix(out, want) {
					t.Errorf("got a dialog other than the confirmation's lines:\n%s\nwant it to start with:\n%s", out, want)
				}
				for _, prompt := range []struct {
					asked bool
					text  string
				}{
					{asked: d.RequireTypedName != "", text: "Type the name "},
					{asked: true, text: "Continue? [y/N]: "},
					{asked: d.NeedsCostAck, text: "Acknowledge the cost? [y/N]: "},
					{asked: d.RequireZeroAck, text: "This releases every node of the group. Acknowledge? [y/N]: "},
				} {
					if got := strings.Contains(out, prompt.text); got != prompt.asked {
						t.Errorf("prompt %q shown: got %v, want %v\n%s", prompt.text, got, prompt.asked, out)
					}
				}
			}
		})
	}
}
