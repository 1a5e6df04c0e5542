package output

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/emrctl/emrctl/internal/validate"
)

// nameItem is a row of the width tests.
type nameItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

var nameColumns = []Column{{Header: "ID", Field: "id"}, {Header: "NAME", Field: "name"}, {Header: "STATE", Value: func(any) string { return "ok" }}}

// TestTableWidthsOnlyGrow streams three pages: the second has a longer
// name, which widens NAME from there on; the third, short again, stays as
// wide as the second instead of shrinking back.
func TestTableWidthsOnlyGrow(t *testing.T) {
	var out strings.Builder
	lw := NewListWriter(&out, Table, nameColumns)
	pages := [][]any{
		{nameItem{"c-1", "a"}, nameItem{"c-2", "bb"}},
		{nameItem{"c-3", "a-much-longer-name"}},
		{nameItem{"c-4", "c"}},
	}
	for _, p := range pages {
		if err := lw.WriteItems(p...); err != nil {
			t.Fatalf("WriteItems: %v", err)
		}
	}
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	want := "" +
		"ID   NAME  STATE\n" +
		"c-1  a     ok\n" +
		"c-2  bb    ok\n" +
		"c-3  a-much-longer-name  ok\n" +
		"c-4  c                   ok\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// countWriter counts writes.
type countWriter struct {
	strings.Builder
	writes int
}

func (w *countWriter) Write(b []byte) (int, error) {
	w.writes++
	return w.Builder.Write(b)
}

// TestLongWriteItemsIsChunked passes 2,500 rows in one call: they are
// written in three pieces of at most 1,000 rows, one header, all rows in
// order and aligned.
func TestLongWriteItemsIsChunked(t *testing.T) {
	for _, format := range []Format{Table, CSV} {
		t.Run(string(format), func(t *testing.T) {
			items := make([]any, 2500)
			for i := range items {
				items[i] = nameItem{ID: fmt.Sprintf("c-%04d", i), Name: "n"}
			}
			w := &countWriter{}
			lw := NewListWriter(w, format, nameColumns)
			if err := lw.WriteItems(items...); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if err := lw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if w.writes != 3 {
				t.Errorf("got %d writes, want 3", w.writes)
			}
			lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
			if len(lines) != 2501 {
				t.Fatalf("got %d lines, want 2501", len(lines))
			}
			header, layout := "ID      NAME  STATE", "c-%04d  n     ok"
			if format == CSV {
				header, layout = "ID,NAME,STATE", "c-%04d,n,ok"
			}
			if lines[0] != header {
				t.Errorf("header: got %q, want %q", lines[0], header)
			}
			for i, line := range lines[1:] {
				if want := fmt.Sprintf(layout, i); line != want {
					t.Fatalf("line %d: got %q, want %q", i+1, line, want)
				}
			}
		})
	}
}

// TestPrintableASCIIShortcuts checks the shortcuts of sanitize and
// displayWidth against what they skip: validate.Inline and runewidth.
func TestPrintableASCIIShortcuts(t *testing.T) {
	var ascii strings.Builder
	for b := byte(' '); b <= '~'; b++ {
		ascii.WriteByte(b)
	}
	cells := []string{ascii.String(), " lead", "trail ", "a  b", `q"uo'te\`}
	for _, s := range cells {
		if !isPrintableASCII(s) {
			t.Errorf("isPrintableASCII(%q) = false", s)
		}
		if got, want := sanitize(s), validate.Inline(s); got != want {
			t.Errorf("sanitize(%q) = %q, validate.Inline gives %q", s, got, want)
		}
		if got, want := displayWidth(s), runewidth.StringWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, runewidth gives %d", s, got, want)
		}
	}
	for _, s := range []string{"a\tb", "\x7f", "\x1b[31m", "é", "集群", "a\u200bb", "\xff"} {
		if isPrintableASCII(s) {
			t.Errorf("isPrintableASCII(%q) = true", s)
		}
		if got, want := sanitize(s), validate.Inline(s); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", s, got, want)
		}
		if got, want := displayWidth(s), runewidth.StringWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
