package output

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/mattn/go-runewidth"
	"strings"
)

// ANSI sequences for the little colour there is.
const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[1;31m"
	ansiReset = "\x1b[0m"
)

// appendTable aligns header (nil for none) and rows into columns two
// spaces apart and appends the result to buf. Widths are display widths,
// so Chinese names (two cells per character) line up. With bold, the
// header line is wrapped in bold after alignment, since escape codes inside
// cells would count as width.
func appendTable(buf *bytes.Buffer, header []string, rows [][]string, bold bool) error {
	all := rows
	if header != nil {
		all = append([][]string{header}, rows...)
	}
	var widths []int
	for _, r := range all {
		for i, cell := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(cell))
		}
	}
	for n, r := range all {
		var line strings.Builder
		for i, cell := range r {
			line.WriteString(cell)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(cell)+2))
			}
		}
		text := strings.TrimRight(line.String(), " ")
		if bold && header != nil && n == 0 {
			text = ansiBold + text + ansiReset
		}
		buf.WriteString(text)
		buf.WriteByte('\n')
	}
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
