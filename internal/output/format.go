// Package output renders the results of read commands: tables for people,
// JSON, YAML and CSV for programs, with an optional JMESPath --query applied
// first. Data is written to the writer it is given (stdout); nothing
// decorative is written unless the caller opts into colour on a terminal.
//
// Items are Go structs with json tags, or maps. JSON and YAML output use the
// json tag names as keys; tables and CSV pick fields out of the item's JSON
// form by Column.Field. Lists are streamed page by page with a ListWriter so
// that listing thousands of clusters does not hold them all in memory.
package output

import (
	"fmt"
	"strings"
)

// Format is the value of the -o/--output flag.
type Format string

// The output formats of read commands.
const (
	// Table is an aligned text table of the main columns, for people.
	Table Format = "table"
	// Wide is Table plus the columns marked Wide.
	Wide Format = "wide"
	// JSON is indented JSON with the json tag names as keys.
	JSON Format = "json"
	// YAML is YAML with the json tag names as keys.
	YAML Format = "yaml"
	// CSV is RFC 4180 CSV with a header row and every column, Wide ones included.
	CSV Format = "csv"
)

// outputFlag is how errors name the flag that selects the format.
const outputFlag = "-o/--output"

// Formats returns every valid Format in the order help text lists them.
func Formats() []Format {
	return []Format{Table, Wide, JSON, YAML, CSV}
}

// ParseFormat parses the value of -o/--output. It ignores case and
// surrounding spaces; an empty value means Table, the default. An unknown
// value gives a *FlagError that names the flag, the value and the valid ones.
func ParseFormat(s string) (Format, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" {
		return Table, nil
	}
	for _, f := range Formats() {
		if v == string(f) {
			return f, nil
		}
	}
	return "", &FlagError{
		Flag:   outputFlag,
		Value:  s,
		Reason: "valid values are " + formatList(),
	}
}

// Structured reports whether f is meant for programs (JSON or YAML), in which
// case errors are printed in the same format.
func (f Format) Structured() bool {
	return f == JSON || f == YAML
}

// String returns the flag value of f.
func (f Format) String() string { return string(f) }

func formatList() string {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// FlagError reports a bad value of an output flag (-o/--output or --query).
// It is a user error: the CLI maps it to the usage exit code with errors.As.
type FlagError struct {
	// Flag names the flag, e.g. "-o/--output" or "--query".
	Flag string
	// Value is the value the user gave.
	Value string
	// Reason says what is wrong and, where it helps, what is valid.
	Reason string
	// Err is the underlying error, such as a JMESPath syntax error; may be nil.
	Err error
}

// Error implements error.
func (e *FlagError) Error() string {
	return fmt.Sprintf("invalid %s value %q: %s", e.Flag, e.Value, e.Reason)
}

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }
