package spec

import (
	"errors"
	"fmt"
	"strings"
)

// Severity says whether a problem blocks a create.
type Severity int

// Severities.
const (
	// Error blocks: the request would fail or do something unsafe.
	Error Severity = iota
	// Warning is advice: the request works but is likely not what is wanted.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as its name, for JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one finding of Validate.
type Problem struct {
	// Path is the field, e.g. nodeGroups[1].vSwitchIds.
	Path    string `json:"path"`
	Message string `json:"message"`
	// Fix says what to change.
	Fix      string   `json:"fix,omitempty"`
	Severity Severity `json:"severity"`
	// Rule is a stable identifier of the rule (see Rules).
	Rule string `json:"rule"`
}

// String renders "error: path: message (fix: ...) [rule]".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Fix != "" {
		b.WriteString("\n    fix: ")
		b.WriteString(p.Fix)
	}
	fmt.Fprintf(&b, " [%s]", p.Rule)
	return b.String()
}

// Problems is every finding of one Validate run, in spec order.
type Problems []Problem

// Errors returns the problems of severity Error.
func (ps Problems) Errors() Problems { return ps.filter(Error) }

// Warnings returns the problems of severity Warning.
func (ps Problems) Warnings() Problems { return ps.filter(Warning) }

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// Has reports whether a problem of the rule exists.
func (ps Problems) Has(rule string) bool {
	for _, p := range ps {
		if p.Rule == rule {
			return true
		}
	}
	return false
}

// Err returns a *ValidationError holding the errors, or nil when there are
// only warnings.
func (ps Problems) Err() error {
	errs := ps.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Problems: errs}
}

// String lists every problem, one per line, with a count.
func (ps Problems) String() string {
	if len(ps) == 0 {
		return "no problems"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d error(s), %d warning(s):\n", len(ps.Errors()), len(ps.Warnings()))
	for _, p := range ps {
		b.WriteString("  ")
		b.WriteString(strings.ReplaceAll(p.String(), "\n", "\n  "))
		b.WriteString("\n")
	}
	return b.String()
}

// ErrInvalid is matched (errors.Is) by every *ValidationError.
var ErrInvalid = errors.New("spec is invalid")

// ValidationError is the error of a spec with problems of severity Error.
type ValidationError struct {
	Problems Problems
}

// Error summarizes the problems.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "spec: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("; ")
		if p.Path != "" {
			b.WriteString(p.Path + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }
