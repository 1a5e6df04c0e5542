package acceptance

import (
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// update rewrites the golden files inside the scripts: a failing
// 'cmp stdout FILE' replaces FILE in the .txtar with what the command
// printed.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/*.txtar")

// volatile are the parts of the output that change from run to run, with
// what replaces them. Replacements keep the width, so tables stay aligned.
var volatile = []struct {
	re   *regexp.Regexp
	repl func(string) string
}{
	// RFC 3339 times in JSON and YAML.
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), func(string) string { return "<time>" }},
	// Table times (local time, TZ=UTC in the scripts).
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`), func(string) string { return "YYYY-MM-DD hh:mm:ss" }},
	// Dates in sentences.
	{regexp.MustCompile(`\b\d{4}-\d\d-\d\d\b`), func(string) string { return "YYYY-MM-DD" }},
	// Request IDs (upper-case UUIDs).
	{regexp.MustCompile(`\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b`), func(string) string { return "<request-id>" }},
	// IDs of resources the scripts create; the seeded inventory keeps its names.
	{regexp.MustCompile(`\b(c|ng|op|asa|asp)-[a-z0-9]{16}\b|\bi-[a-z0-9]{20}\b`), func(id string) string {
		i := strings.Index(id, "-") + 1
		return id[:i] + strings.Repeat("x", len(id)-i)
	}},
}

// normalize FILE prints FILE (stdout and stderr included) with times,
// request IDs and the IDs of created resources replaced by placeholders,
// so that 'cmp stdout golden' compares only what is stable.
func normalize(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: normalize FILE")
	}
	text := ts.ReadFile(args[0])
	for _, v := range volatile {
		text = v.re.ReplaceAllStringFunc(text, v.repl)
	}
	if _, err := fmt.Fprint(ts.Stdout(), text); err != nil {
		ts.Fatalf("normalize: %v", err)
	}
}
