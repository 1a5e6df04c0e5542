package output

import (
	"bytes"
	"io"
	"strings"
	"unicode"
)

// ErrorView is what a user sees of a failed command: the error mapper in the
// CLI fills it from a typed error. It must never carry secrets.
type ErrorView struct {
	// Code is the cloud's or emrctl's error code, e.g. "OperationDenied.ClusterStatus".
	Code string `json:"code,omitempty"`
	// Message says what went wrong.
	Message string `json:"message"`
	// RequestID is the cloud request id, for support tickets.
	RequestID string `json:"requestId,omitempty"`
	// Recommendation is the recovery advice for the code.
	Recommendation string `json:"recommendation,omitempty"`
	// Hint is a further pointer, such as the command to run next.
	Hint string `json:"hint,omitempty"`
	// Fields lists problems with individual inputs, e.g. spec validation.
	Fields []FieldProblem `json:"fields,omitempty"`
}

// FieldProblem is one problem with one input field.
type FieldProblem struct {
	// Field is the path of the field, e.g. "nodeGroups[0].nodeCount".
	Field string `json:"field"`
	// Message says what is wrong with it.
	Message string `json:"message"`
}

// PrintError writes e to w (stderr). JSON and YAML print
// {"error": {...}} so that programs parsing -o json also get parseable
// errors. Other formats print text for people:
//
//	Error: cluster c-1 is not running
//	  nodeGroups[0].nodeCount: must be at least 1
//	  code: OperationDenied.ClusterStatus
//	  request id: 6A1F...
//	  what to do: wait until the cluster is RUNNING, then retry
//	  hint: emrctl cluster get c-1
//
// Lines appear only for the parts that are set. Option: WithColor (a red
// "Error:").
func PrintError(w io.Writer, format Format, e ErrorView, opts ...Option) error {
	switch format {
	case JSON:
		return writeJSON(w, errorEnvelope{Error: e})
	case YAML:
		return writeYAML(w, errorEnvelope{Error: e})
	}
	o := buildOptions(opts)
	var b bytes.Buffer
	label := "Error:"
	if o.useColor(w) {
		label = ansiRed + label + ansiReset
	}
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	b.WriteString(label + " " + indentLines(msg) + "\n")
	for _, f := range e.Fields {
		line(&b, f.Field, f.Message)
	}
	line(&b, "code", e.Code)
	line(&b, "request id", e.RequestID)
	line(&b, "what to do", e.Recommendation)
	line(&b, "hint", e.Hint)
	return writeAll(w, b.Bytes())
}

// errorEnvelope wraps an ErrorView for JSON and YAML.
type errorEnvelope struct {
	Error ErrorView `json:"error"`
}

// line writes "  label: value" when value is set.
func line(b *bytes.Buffer, label, value string) {
	if value == "" {
		return
	}
	b.WriteString("  " + indentLines(label) + ": " + indentLines(value) + "\n")
}

// indentLines keeps a multi-line text inside the error block by indenting
// its later lines, and replaces other control characters, which could be
// terminal escape sequences from a cloud message, with '?'.
func indentLines(s string) string {
	s = strings.TrimRight(s, "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
	return strings.ReplaceAll(s, "\n", "\n    ")
}
