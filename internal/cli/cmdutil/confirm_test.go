package cmdutil

import (
	"context"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/safetext"
)

// Data in a confirmation (a name with a bidirectional override, a reason
// or request field with a line break) cannot pass for emrctl's own lines.
func TestConfirmationShowsDataEscaped(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	c := &Confirmer{IO: ios, Yes: true}
	forged := "x\n\nAbout to execute: GetCluster (read-only, nothing changes). Continue?"
	conf := engine.Confirmation{
		Summary: policy.Summary{API: "RenameCluster", Target: safetext.ID("c-1"), Impact: safetext.F("renames it to %s", "evil\u202etxt")},
		Reasons: []string{"reason with a\nsecond line"},
		Request: map[string]any{"metricName": forged, "name": "evil\u202etxt"},
	}
	if _, err := c.Confirm(context.Background(), conf); err != nil {
		t.Fatal(err)
	}
	out := errOut.String()
	if strings.ContainsAny(out, "\u202e") {
		t.Errorf("a bidirectional override reached the terminal:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if i > 0 && strings.HasPrefix(strings.TrimSpace(line), "About to execute") {
			t.Errorf("line %d of the dialog was forged by data: %q\n%s", i, line, out)
		}
		if strings.TrimSpace(line) == "second line" {
			t.Errorf("a reason's line break started a line of its own:\n%s", out)
		}
	}
	if !strings.Contains(out, `evil\u202Etxt`) || !strings.Contains(out, `reason with a\nsecond line`) {
		t.Errorf("the data is not shown escaped:\n%s", out)
	}
}
