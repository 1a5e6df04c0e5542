package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func TestListWriterGolden(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			var out bytes.Buffer
			lw := NewListWriter(&out, f, fixtureColumns(), WithLocation(testZone()))
			if err := lw.WriteItems(fixtureItems()...); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if err := lw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			checkGolden(t, "list."+string(f)+".golden", out.String())
		})
	}
}

func TestListWriterNoHeaders(t *testing.T) {
	tests := []struct {
		format Format
		want   string
	}{
		{format: Table, want: "c-1  RUNNING\nc-2  START_FAILED\nc-3  TERMINATED\n"},
		{format: CSV, want: "c-1,RUNNING\nc-2,START_FAILED\nc-3,TERMINATED\n"},
	}
	cols := []Column{{Header: "ID", Field: "id"}, {Header: "STATE", Field: "state"}}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var out bytes.Buffer
			lw := NewListWriter(&out, tt.format, cols, NoHeaders())
			if err := lw.WriteItems(fixtureItems()...); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if err := lw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// writePages streams items to a new ListWriter in pages of pageSize.
func writePages(t *testing.T, format Format, items []any, pageSize int, opts ...Option) string {
	t.Helper()
	var out bytes.Buffer
	lw := NewListWriter(&out, format, fixtureColumns(), append(opts, WithLocation(testZone()))...)
	for start := 0; start < len(items); start += pageSize {
		if err := lw.WriteItems(items[start:min(start+pageSize, len(items))]...); err != nil {
			t.Fatalf("WriteItems: %v", err)
		}
	}
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got, want := lw.Count(), len(items); got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
	return out.String()
}

// manyItems returns n clusters for the streaming tests.
func manyItems(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = fixtureCluster{ID: fmt.Sprintf("c-%03d", i), Name: fmt.Sprintf("cluster-%d", i), State: "RUNNING", NodeCount: i}
	}
	return items
}

func TestListWriterStreamsPages(t *testing.T) {
	// Three pages: two full, one short.
	items := manyItems(7)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.(fixtureCluster).ID
	}

	t.Run("json is one array, byte for byte the whole list", func(t *testing.T) {
		got := writePages(t, JSON, items, 3)
		var whole bytes.Buffer
		if err := writeJSON(&whole, items); err != nil {
			t.Fatalf("writeJSON: %v", err)
		}
		if diff := cmp.Diff(whole.String(), got); diff != "" {
			t.Errorf("streamed JSON differs from encoding the whole list (-want +got):\n%s", diff)
		}
		var parsed []fixtureCluster
		if err := json.Unmarshal([]byte(got), &parsed); err != nil {
			t.Fatalf("streamed JSON does not parse: %v\n%s", err, got)
		}
		if diff := cmp.Diff(items, toAny(parsed)); diff != "" {
			t.Errorf("parsed items differ (-want +got):\n%s", diff)
		}
	})

	t.Run("yaml is one sequence", func(t *testing.T) {
		got := writePages(t, YAML, items, 3)
		var parsed []map[string]any
		if err := yaml.Unmarshal([]byte(got), &parsed); err != nil {
			t.Fatalf("streamed YAML does not parse: %v\n%s", err, got)
		}
		var gotIDs []string
		for _, m := range parsed {
			gotIDs = append(gotIDs, fmt.Sprint(m["id"]))
		}
		if diff := cmp.Diff(ids, gotIDs); diff != "" {
			t.Errorf("ids differ (-want +got):\n%s", diff)
		}
	})

	t.Run("csv has one header", func(t *testing.T) {
		got := writePages(t, CSV, items, 3)
		records, err := csv.NewReader(strings.NewReader(got)).ReadAll()
		if err != nil {
			t.Fatalf("streamed CSV does not parse: %v", err)
		}
		if len(records) != len(items)+1 {
			t.Fatalf("got %d records, want %d (one header)", len(records), len(items)+1)
		}
		for i, rec := range records[1:] {
			if rec[0] != ids[i] {
				t.Errorf("record %d: got id %q, want %q", i, rec[0], ids[i])
			}
		}
	})

	t.Run("table has one header", func(t *testing.T) {
		got := writePages(t, Table, items, 3)
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if len(lines) != len(items)+1 {
			t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(items)+1, got)
		}
		if n := strings.Count(got, "NAME"); n != 1 {
			t.Errorf("got %d header rows, want 1:\n%s", n, got)
		}
	})
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func TestListWriterEmpty(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		opts   []Option
		want   string
	}{
		{name: "json", format: JSON, want: "[]\n"},
		{name: "yaml", format: YAML, want: "[]\n"},
		{name: "csv keeps its header", format: CSV, want: "ID,NAME,STATE,REASON,NODES,PROTECTED,CREATED,UPTIME,DESCRIPTION\n"},
		{name: "csv without headers", format: CSV, opts: []Option{NoHeaders()}, want: ""},
		{name: "table prints nothing", format: Table, want: ""},
		{name: "query over nothing", format: JSON, opts: []Option{WithQuery("[].id")}, want: "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			lw := NewListWriter(&out, tt.format, fixtureColumns(), tt.opts...)
			if err := lw.WriteItems(); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if err := lw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestListWriterErrorsAreSticky(t *testing.T) {
	broken := errors.New("broken pipe")
	lw := NewListWriter(failingWriter{err: broken}, JSON, fixtureColumns())
	if err := lw.WriteItems(fixtureItems()...); !errors.Is(err, broken) {
		t.Errorf("WriteItems: got %v, want %v", err, broken)
	}
	if err := lw.WriteItems(fixtureItems()...); !errors.Is(err, broken) {
		t.Errorf("second WriteItems: got %v, want %v", err, broken)
	}
	if err := lw.Close(); !errors.Is(err, broken) {
		t.Errorf("Close: got %v, want %v", err, broken)
	}
}

func TestListWriterWriteAfterClose(t *testing.T) {
	var out bytes.Buffer
	lw := NewListWriter(&out, JSON, fixtureColumns())
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := lw.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	if err := lw.WriteItems(fixtureItems()...); !errors.Is(err, errClosed) {
		t.Errorf("WriteItems after Close: got %v, want %v", err, errClosed)
	}
	if got, want := out.String(), "[]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestListWriterColor(t *testing.T) {
	cols := []Column{{Header: "ID", Field: "id"}}
	tests := []struct {
		name     string
		opts     []Option
		wantBold bool
	}{
		{name: "off by default"},
		{name: "on when asked", opts: []Option{WithColor(true)}, wantBold: true},
		{name: "off when asked", opts: []Option{WithColor(false)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			lw := NewListWriter(&out, Table, cols, tt.opts...)
			if err := lw.WriteItems(fixtureItems()...); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if err := lw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			want := "ID\nc-1\nc-2\nc-3\n"
			if tt.wantBold {
				want = ansiBold + "ID" + ansiReset + "\nc-1\nc-2\nc-3\n"
			}
			if got := out.String(); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestNoColorOnFileThatIsNotATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lw := NewListWriter(f, Table, []Column{{Header: "ID", Field: "id"}}, WithColor(true))
	if err := lw.WriteItems(fixtureItems()...); err != nil {
		t.Fatalf("WriteItems: %v", err)
	}
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsRune(got, '\x1b') {
		t.Errorf("got %q, want no escape sequences in a regular file", got)
	}
}
