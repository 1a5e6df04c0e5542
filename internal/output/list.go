package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

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
//   - Table and wide print the header once, with the first page. Column
//     widths are set by the header and the first page, and only ever grow:
//     a later page is aligned with everything above it, unless it holds a
//     value wider than any before, which widens that column from that page
//     on. Nothing is cut. An empty list prints nothing, so the caller can
//     say "no clusters found" on stderr (see Count).
//   - Table, wide and CSV render and write at most rowChunk (1,000) rows at
//     a time, so a WriteItems with more items makes several writes.
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

	// Table, wide and CSV: the cells of the current piece, reused.
	layout     tableLayout
	cells      []string
	cellWidths []int
	csvRows    [][]string
	plans      map[reflect.Type]*directPlan // nil plan: read cells from the JSON form
}

// rowChunk is how many rows of table, wide or CSV are rendered at a time.
// A page of a listing fits in one; a caller that passes a long list in one
// WriteItems still has it rendered and written in pieces of bounded size.
const rowChunk = 1000

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
	if lw.format == CSV || lw.format == Table || lw.format == Wide {
		return lw.writeRows(items)
	}
	lw.page.Reset()
	var err error
	switch lw.format {
	case JSON:
		err = lw.appendJSON(items)
	case YAML:
		err = lw.appendYAML(items)
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

// writeRows renders and writes items as table, wide or CSV rows, rowChunk
// at a time.
func (lw *ListWriter) writeRows(items []any) error {
	for len(items) > 0 {
		n := min(len(items), rowChunk)
		lw.page.Reset()
		err := lw.appendRows(items[:n])
		// Let the cells, which may share memory with the items, go.
		clear(lw.cells)
		if err != nil {
			return lw.fail(err)
		}
		lw.count += n
		if err := lw.flushPage(); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

// appendRows renders items, with the header first if none was written,
// into the page.
func (lw *ListWriter) appendRows(items []any) error {
	mode := tableMode
	if lw.format == CSV {
		mode = csvMode
	}
	header := lw.count == 0 && !lw.opts.noHeaders
	lw.cells = lw.cells[:0]
	if header {
		for _, c := range lw.columns {
			lw.cells = append(lw.cells, c.Header)
		}
	}
	for _, it := range items {
		if err := lw.appendCells(it, mode); err != nil {
			return err
		}
	}
	nrows := len(items)
	if header {
		nrows++
	}
	if mode == csvMode {
		return lw.appendCSVRows(nrows, header)
	}
	lw.cellWidths = lw.cellWidths[:0]
	for _, c := range lw.cells {
		lw.cellWidths = append(lw.cellWidths, displayWidth(c))
	}
	ncol := len(lw.columns)
	lw.layout.fit(lw.cellWidths, ncol)
	lw.layout.appendRows(&lw.page, lw.cells, lw.cellWidths, ncol, nrows, header && lw.opts.useColor(lw.w))
	return nil
}

// appendCSVRows writes the cells as CSV, the first row as the header.
func (lw *ListWriter) appendCSVRows(nrows int, header bool) error {
	ncol := len(lw.columns)
	lw.csvRows = lw.csvRows[:0]
	for r := range nrows {
		lw.csvRows = append(lw.csvRows, lw.cells[r*ncol:(r+1)*ncol:(r+1)*ncol])
	}
	if header {
		return appendCSV(&lw.page, lw.csvRows[0], lw.csvRows[1:])
	}
	return appendCSV(&lw.page, nil, lw.csvRows)
}

// appendCells appends the cells of one item. Columns read struct fields
// directly where they can (see directPlan) and the item's JSON form
// otherwise; the JSON form is made at most once, and only when needed.
func (lw *ListWriter) appendCells(item any, mode cellMode) error {
	plan, v := lw.directFor(item)
	var obj any
	haveObj := false
	for i, c := range lw.columns {
		var s string
		done := false
		switch {
		case c.Value != nil:
			s, done = c.Value(item), true
		case plan != nil && plan.columns[i].ok:
			s, done = plan.directCell(i, v, c.Kind, mode, lw.opts.loc)
		}
		if !done {
			if !haveObj {
				var err error
				if obj, err = normalize(item, true); err != nil {
					return err
				}
				haveObj = true
			}
			s = jsonCell(c, obj, mode, lw.opts.loc)
		}
		lw.cells = append(lw.cells, finishCell(s, mode))
	}
	return nil
}

// directFor returns the plan for item's type and the struct to read, or a
// nil plan when the item has no struct to read fields from.
func (lw *ListWriter) directFor(item any) (*directPlan, reflect.Value) {
	t := reflect.TypeOf(item)
	if t == nil {
		return nil, reflect.Value{}
	}
	plan, seen := lw.plans[t]
	if !seen {
		plan = planFor(t, lw.columns)
		if lw.plans == nil {
			lw.plans = make(map[reflect.Type]*directPlan)
		}
		lw.plans[t] = plan
	}
	if plan == nil {
		return nil, reflect.Value{}
	}
	v, ok := plan.structOf(item)
	if !ok {
		return nil, reflect.Value{}
	}
	return plan, v
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
