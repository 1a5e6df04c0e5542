package mcpserver

import (
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy/policytest"
)

// TestFormShowsHostileDataEscaped renders the MCP confirmation form of
// every policy operation, with each string field (and then all of them)
// set to values that try to forge a line, move the cursor, clear the
// screen, reorder or hide text: the message and every title and
// description of the form's fields show each value escaped and quoted,
// and only the real summary starts with "About to execute". It runs once
// with the operation as the request, and once without a request, where
// each shown field must appear in emrctl's own lines.
func TestFormShowsHostileDataEscaped(t *testing.T) {
	for _, v := range policytest.Variants() {
		t.Run(v.Name(), func(t *testing.T) {
			d := v.Decide()
			for _, req := range []any{nil, v.Op} {
				conf := engine.NewConfirmation(d, req)
				p := elicitParams(conf)
				texts := []string{p.Message}
				for _, prop := range p.RequestedSchema.(map[string]any)["properties"].(map[string]any) {
					for _, k := range []string{"title", "description"} {
						if s, ok := prop.(map[string]any)[k].(string); ok {
							texts = append(texts, s)
						}
					}
				}
				form := strings.Join(texts, "\n")
				var shown []string
				if req == nil {
					shown = v.Shown()
				}
				for _, p := range policytest.Problems(form, shown) {
					t.Errorf("%s\n%s", p, form)
				}
			}
		})
	}
}
