package output

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"text/tabwriter"
)

// ANSI sequences for the little colour there is.
const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[1;31m"
	ansiReset = "\x1b[0m"
)

// appendTable aligns header (nil for none) and rows with text/tabwriter and
// appends the result to buf. With bold, the header line is wrapped in bold
// after alignment, since escape codes inside cells would count as width.
func appendTable(buf *bytes.Buffer, header []string, rows [][]string, bold bool) error {
	start := buf.Len()
	tw := tabwriter.NewWriter(buf, 0, 8, 2, ' ', 0)
	if header != nil {
		writeTableRow(tw, header)
	}
	for _, r := range rows {
		writeTableRow(tw, r)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("aligning table: %w", err)
	}
	if bold && header != nil {
		out := buf.Bytes()[start:]
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			styled := ansiBold + string(out[:i]) + ansiReset + string(out[i:])
			buf.Truncate(start)
			buf.WriteString(styled)
		}
	}
	return nil
}

// writeTableRow writes one tab-separated line; tabwriter reports errors on
// Flush, and writing to a bytes.Buffer does not fail.
func writeTableRow(tw *tabwriter.Writer, cells []string) {
	_, _ = tw.Write([]byte(strings.Join(cells, "\t") + "\n"))
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
