package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jmespath/go-jmespath"
	"gopkg.in/yaml.v3"
)

// errClosed is returned by WriteItems after Close.
var errClosed = errors.New("output: list writer already closed")

// ListWriter streams a list, one page of items at a time, so that a long
// listing never holds every item in memory. Each page is rendered and written
// with a single Write; only one page's rendering is kept, and reused.
//
//   - JSON is one valid array: "[", the items separated by ",", "]". An empty
//     list prints "[]". The bytes are the same as encoding the whole list at
//     once with a two-space indent.
//   - YAML is one block sequence, one "- " entry per item; an empty list
//     prints "[]".
//   - CSV writes the header once (even for an empty list), then the rows.
//   - Table and wide print the header once, with the first page. Columns
//     are aligned within each page only: a later page with a longer value
//     is wider than the header. An empty list prints nothing, so the caller
//     can say "no clusters found" on stderr (see Count).
//
// With a query (WithQuery), the writer must buffer: JMESPath works on the
// whole value, so items are kept (in their JSON form) until Close, which
// runs the query and renders the result.
//
// Errors are sticky: after a failed write, every later call returns the same
// error.
type ListWriter struct {
	w       io.Writer
	format  Format
	columns []Column
	opts    options
	query   *jmespath.JMESPath

	count  int
	err    error
	closed bool

	page    bytes.Buffer  // rendering of the current page
	item    bytes.Buffer  // JSON of the current item
	jsonEnc *json.Encoder // writes into item
	items   []any         // with a query: every item's JSON form
}

// NewListWriter returns a ListWriter that renders items of the given columns
// in format to w. Options: NoHeaders, WithQuery, WithColor, WithLocation. An
// invalid query is reported by the first WriteItems or Close; commands
// should call ValidateQuery first to fail before calling the cloud.
func NewListWriter(w io.Writer, format Format, columns []Column, opts ...Option) *ListWriter {
	lw := &ListWriter{
		w:       w,
		format:  format,
		columns: columnsFor(format, columns),
		opts:    buildOptions(opts),
	}
	lw.query, lw.err = compileQuery(lw.opts.query)
	if format == JSON {
		// Items sit one level inside the array, hence the prefix.
		lw.jsonEnc = newJSONEncoder(&lw.item, "  ")
	}
	return lw
}

// WriteItems renders one page of items. Call it once per page fetched.
func (lw *ListWriter) WriteItems(items ...any) error {
	if lw.err != nil {
		return lw.err
	}
	if lw.closed {
		return errClosed
	}
	if len(items) == 0 {
		return nil
	}
	if lw.query != nil {
		for _, it := range items {
			v, err := normalize(it, false)
			if err != nil {
				return lw.fail(err)
			}
			lw.items = append(lw.items, v)
		}
		lw.count += len(items)
		return nil
	}
	lw.page.Reset()
	var err error
	switch lw.format {
	case JSON:
		err = lw.appendJSON(items)
	case YAML:
		err = lw.appendYAML(items)
	case CSV, Table, Wide:
		err = lw.appendRows(items)
	default:
		err = fmt.Errorf("output: unknown format %q", lw.format)
	}
	if err != nil {
		return lw.fail(err)
	}
	lw.count += len(items)
	return lw.flushPage()
}

// Close ends the list: it closes the JSON array, prints "[]" or the CSV
// header for an empty list, or, with a query, runs it and renders the result.
// Calling Close again does nothing.
func (lw *ListWriter) Close() error {
	if lw.err != nil {
		return lw.err
	}
	if lw.closed {
		return nil
	}
	lw.closed = true
	if lw.query != nil {
		result, err := search(lw.query, lw.opts.query, orEmpty(lw.items))
		lw.items = nil
		if err != nil {
			return lw.fail(err)
		}
		return lw.fail(writeQueryResult(lw.w, lw.format, result, lw.opts))
	}
	lw.page.Reset()
	switch lw.format {
	case JSON:
		if lw.count == 0 {
			lw.page.WriteString("[]\n")
		} else {
			lw.page.WriteString("\n]\n")
		}
	case YAML:
		if lw.count == 0 {
			lw.page.WriteString("[]\n")
		}
	case CSV:
		if lw.count == 0 && !lw.opts.noHeaders {
			if err := appendCSV(&lw.page, headers(lw.columns), nil); err != nil {
				return lw.fail(err)
			}
		}
	}
	return lw.flushPage()
}

// Count returns how many items have been written so far.
func (lw *ListWriter) Count() int { return lw.count }

func (lw *ListWriter) appendJSON(items []any) error {
	for _, it := range items {
		lw.item.Reset()
		if err := lw.jsonEnc.Encode(it); err != nil {
			return fmt.Errorf("encoding JSON: %w", err)
		}
		if lw.count == 0 && lw.page.Len() == 0 {
			lw.page.WriteString("[\n  ")
		} else {
			lw.page.WriteString(",\n  ")
		}
		// Drop the newline Encode adds: the separator or "]" follows.
		lw.page.Write(bytes.TrimSuffix(lw.item.Bytes(), []byte("\n")))
	}
	return nil
}

// appendYAML writes each item as a one-entry block sequence; sequences
// written one after another read as a single sequence. Encoding item by item
// rather than the whole page as one sequence is much faster: yaml.v3's
// emitter slows down as a document grows.
func (lw *ListWriter) appendYAML(items []any) error {
	for _, it := range items {
		n, err := yamlNode(it)
		if err != nil {
			return err
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{n}}
		if err := encodeYAML(&lw.page, seq); err != nil {
			return err
		}
	}
	return nil
}

func (lw *ListWriter) appendRows(items []any) error {
	mode := tableMode
	if lw.format == CSV {
		mode = csvMode
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		obj, err := normalize(it, true)
		if err != nil {
			return err
		}
		row := make([]string, len(lw.columns))
		for i, c := range lw.columns {
			row[i] = cell(c, it, obj, mode, lw.opts)
		}
		rows = append(rows, row)
	}
	var header []string
	if lw.count == 0 && !lw.opts.noHeaders {
		header = headers(lw.columns)
	}
	if mode == csvMode {
		return appendCSV(&lw.page, header, rows)
	}
	return appendTable(&lw.page, header, rows, lw.opts.useColor(lw.w))
}

func (lw *ListWriter) flushPage() error {
	if lw.page.Len() == 0 {
		return nil
	}
	return lw.fail(writeAll(lw.w, lw.page.Bytes()))
}

// fail records err, if any, as the sticky error and returns it.
func (lw *ListWriter) fail(err error) error {
	if err != nil && lw.err == nil {
		lw.err = err
	}
	return err
}

// orEmpty makes a nil list an empty one, so a query over no items sees [].
func orEmpty(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}
