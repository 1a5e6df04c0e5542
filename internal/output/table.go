package output

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/mattn/go-runewidth"
)

// ANSI sequences for the little colour there is.
const (
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
	ansiRed   = "\x1b[1;31m"
)

// tableLayout is the column widths of a table written a piece at a time.
// Widths only grow: each piece (a page) is aligned in itself and with
// everything before it, unless one of its values is wider than any before,
// in which case that column, from this piece on, is wider. Nothing is cut,
// since cells are IDs and names people copy.
type tableLayout struct {
	widths []int
}

// fit widens the columns to hold cells, ncol to a row, whose display
// widths are in cellWidths.
func (t *tableLayout) fit(cellWidths []int, ncol int) {
	if len(t.widths) < ncol {
		t.widths = append(t.widths, make([]int, ncol-len(t.widths))...)
	}
	for start := 0; start+ncol <= len(cellWidths) && ncol > 0; start += ncol {
		for i, w := range cellWidths[start : start+ncol] {
			t.widths[i] = max(t.widths[i], w)
		}
	}
}

// appendRows appends nrows rows of cells, ncol to a row, aligned to the widths,
// two spaces apart, without trailing spaces. With boldFirst, the first row
// (the header) is wrapped in bold after alignment, since escape codes
// inside cells would count as width.
func (t *tableLayout) appendRows(buf *bytes.Buffer, cells []string, cellWidths []int, ncol, nrows int, boldFirst bool) {
	for r := range nrows {
		start := r * ncol
		bold := boldFirst && r == 0
		if bold {
			buf.WriteString(ansiBold)
		}
		lineStart := buf.Len()
		for i := range ncol {
			buf.WriteString(cells[start+i])
			if i < ncol-1 {
				pad(buf, t.widths[i]-cellWidths[start+i]+2)
			}
		}
		trimSpaces(buf, lineStart)
		if bold {
			buf.WriteString(ansiReset)
		}
		buf.WriteByte('\n')
	}
}

const spaces = "                                                                "

// pad writes n spaces.
func pad(buf *bytes.Buffer, n int) {
	for n > len(spaces) {
		buf.WriteString(spaces)
		n -= len(spaces)
	}
	buf.WriteString(spaces[:n])
}

// trimSpaces drops the spaces at the end of buf, back to from.
func trimSpaces(buf *bytes.Buffer, from int) {
	b := buf.Bytes()
	n := len(b)
	for n > from && b[n-1] == ' ' {
		n--
	}
	buf.Truncate(n)
}

// displayWidth is how many terminal cells s takes: Chinese names take two
// per character. Printable ASCII, nearly every cell, takes one per byte;
// only other text pays for runewidth's grapheme segmentation.
func displayWidth(s string) int {
	if isPrintableASCII(s) {
		return len(s)
	}
	return runewidth.StringWidth(s)
}

// isPrintableASCII reports whether s is only bytes from ' ' to '~'.
func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// appendTable aligns header (nil for none) and rows into columns two
// spaces apart and appends the result to buf. Widths are display widths,
// so Chinese names (two cells per character) line up. Every row has as
// many cells as the first.
func appendTable(buf *bytes.Buffer, header []string, rows [][]string, bold bool) error {
	all := rows
	if header != nil {
		all = append([][]string{header}, rows...)
	}
	if len(all) == 0 {
		return nil
	}
	ncol := len(all[0])
	var cells []string
	for _, r := range all {
		cells = append(cells, r...)
	}
	widths := make([]int, len(cells))
	for i, c := range cells {
		widths[i] = displayWidth(c)
	}
	var t tableLayout
	t.fit(widths, ncol)
	t.appendRows(buf, cells, widths, ncol, len(all), bold && header != nil)
	return nil
}

// appendCSV writes header (nil for none) and rows as RFC 4180 CSV to buf.
func appendCSV(buf *bytes.Buffer, header []string, rows [][]string) error {
	cw := csv.NewWriter(buf)
	if header != nil {
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// headers returns the titles of cols.
func headers(cols []Column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return h
}
