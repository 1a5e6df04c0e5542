package output

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/jmespath/go-jmespath"
)

// queryFlag is how errors name the flag that holds the JMESPath expression.
const queryFlag = "--query"

// ValidateQuery checks that expr is a valid JMESPath expression, so a
// command can reject a bad --query before it calls the cloud. An empty
// expression is valid (no query). The error is a *FlagError.
func ValidateQuery(expr string) error {
	_, err := compileQuery(expr)
	return err
}

// compileQuery compiles expr; nil means no query.
func compileQuery(expr string) (*jmespath.JMESPath, error) {
	if expr == "" {
		return nil, nil
	}
	jp, err := jmespath.Compile(expr)
	if err != nil {
		reason := err.Error()
		var syn jmespath.SyntaxError
		if errors.As(err, &syn) {
			reason = fmt.Sprintf("%s at position %d", reason, syn.Offset)
		}
		return nil, &FlagError{Flag: queryFlag, Value: expr, Reason: reason, Err: err}
	}
	return jp, nil
}

// search runs a compiled query over data (the float64-normalized JSON form).
// go-jmespath has panicked on odd input before, and a query is user input,
// so a panic becomes an error rather than a crash.
func search(jp *jmespath.JMESPath, expr string, data any) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &FlagError{Flag: queryFlag, Value: expr, Reason: fmt.Sprintf("evaluating: %v", r)}
		}
	}()
	result, err = jp.Search(data)
	if err != nil {
		return nil, &FlagError{Flag: queryFlag, Value: expr, Reason: "evaluating: " + err.Error(), Err: err}
	}
	return result, nil
}

// writeQueryResult renders the result of a query. JSON and YAML render it as
// it is. Table, wide and CSV render it generically, since the result's shape
// no longer matches the columns: see appendGeneric.
func writeQueryResult(w io.Writer, format Format, result any, o options) error {
	switch format {
	case JSON:
		return writeJSON(w, result)
	case YAML:
		return writeYAML(w, result)
	}
	var buf bytes.Buffer
	if err := appendGeneric(&buf, format, result, o, o.useColor(w)); err != nil {
		return err
	}
	return writeAll(w, buf.Bytes())
}

// appendGeneric renders any JSON value as a table or CSV:
//   - a list of objects is a table whose headers are the union of the
//     objects' keys, in first-seen order (keys within one object sorted,
//     since JSON objects have no order once decoded);
//   - a list of lists is a table of their elements, with no header;
//   - any other list is one column named "value";
//   - an object is a one-row table;
//   - a scalar is printed as it is on one line, and null prints nothing.
//
// Nested objects and lists inside cells are shown as compact JSON.
func appendGeneric(buf *bytes.Buffer, format Format, v any, o options, bold bool) error {
	mode := tableMode
	if format == CSV {
		mode = csvMode
	}
	var header []string
	var rows [][]string
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		header, rows = objectRows([]any{x}, mode)
	case []any:
		switch {
		case len(x) == 0:
			return nil
		case all(x, isObject) && slices.ContainsFunc(x, isNonNil):
			header, rows = objectRows(x, mode)
		case all(x, isList):
			for _, e := range x {
				row := []string{}
				for _, c := range e.([]any) {
					row = append(row, finishCell(formatScalar(c), mode))
				}
				rows = append(rows, row)
			}
		default:
			header = []string{"value"}
			for _, e := range x {
				rows = append(rows, []string{finishCell(formatScalar(e), mode)})
			}
		}
	default:
		s := formatScalar(x)
		if mode == tableMode {
			s = sanitize(s)
		}
		buf.WriteString(s + "\n")
		return nil
	}
	if o.noHeaders {
		header = nil
	}
	if mode == csvMode {
		return appendCSV(buf, header, rows)
	}
	return appendTable(buf, header, rows, bold)
}

// objectRows makes a table of JSON objects (nil entries give empty rows).
func objectRows(objs []any, mode cellMode) (header []string, rows [][]string) {
	seen := map[string]bool{}
	for _, e := range objs {
		m, _ := e.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !seen[k] {
				seen[k] = true
				header = append(header, k)
			}
		}
	}
	for _, e := range objs {
		m, _ := e.(map[string]any)
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = finishCell(formatScalar(m[k]), mode)
		}
		rows = append(rows, row)
	}
	if mode == tableMode {
		for i, h := range header {
			header[i] = sanitize(h)
		}
	}
	return header, rows
}

func all(xs []any, pred func(any) bool) bool {
	for _, x := range xs {
		if !pred(x) {
			return false
		}
	}
	return true
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok || v == nil
}

func isNonNil(v any) bool { return v != nil }

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}
