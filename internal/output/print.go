package output

import (
	"bytes"
	"fmt"
	"io"
	"slices"
)

// PrintObject renders a single item, such as the result of a get or create.
// JSON and YAML show the whole item; table, wide and CSV show one row of
// columns. A non-empty query is applied first, as with a ListWriter. Options:
// NoHeaders, WithColor, WithLocation (WithQuery is replaced by query).
func PrintObject(w io.Writer, format Format, query string, item any, columns []Column, opts ...Option) error {
	opts = append(slices.Clip(opts), WithQuery(query))
	o := buildOptions(opts)
	if o.query != "" {
		return printQueried(w, format, item, o)
	}
	switch format {
	case JSON:
		return writeJSON(w, item)
	case YAML:
		return writeYAML(w, item)
	}
	lw := NewListWriter(w, format, columns, opts...)
	if err := lw.WriteItems(item); err != nil {
		return err
	}
	return lw.Close()
}

// PrintDetail renders a single item for people as a two-column key/value
// table, one row per column, Wide columns included:
//
//	FIELD       VALUE
//	ID          c-abc123
//	STATE       RUNNING
//
// Get-style commands use it for -o table; for other formats they call
// PrintObject. With WithQuery, the query result is rendered as PrintObject
// would render it in table format. Options: NoHeaders, WithQuery, WithColor,
// WithLocation.
func PrintDetail(w io.Writer, item any, columns []Column, opts ...Option) error {
	o := buildOptions(opts)
	if o.query != "" {
		return printQueried(w, Table, item, o)
	}
	obj, err := normalize(item, true)
	if err != nil {
		return err
	}
	rows := make([][]string, len(columns))
	for i, c := range columns {
		rows[i] = []string{sanitize(c.Header), cell(c, item, obj, tableMode, o)}
	}
	var header []string
	if !o.noHeaders {
		header = []string{"FIELD", "VALUE"}
	}
	var buf bytes.Buffer
	if err := appendTable(&buf, header, rows, o.useColor(w)); err != nil {
		return err
	}
	return writeAll(w, buf.Bytes())
}

// printQueried applies o.query to the JSON form of item and renders the
// result.
func printQueried(w io.Writer, format Format, item any, o options) error {
	jp, err := compileQuery(o.query)
	if err != nil {
		return err
	}
	data, err := normalize(item, false)
	if err != nil {
		return fmt.Errorf("preparing --query input: %w", err)
	}
	result, err := search(jp, o.query, data)
	if err != nil {
		return err
	}
	return writeQueryResult(w, format, result, o)
}

// PrintTable writes rows as one table, for a section of a detail view
// (a cluster's node groups, a policy's rules).
func PrintTable[T any](w io.Writer, rows []T, columns []Column, opts ...Option) error {
	lw := NewListWriter(w, Table, columns, opts...)
	items := make([]any, len(rows))
	for i, r := range rows {
		items[i] = r
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	return lw.Close()
}
