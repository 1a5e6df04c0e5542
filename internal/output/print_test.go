package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{in: "table", want: Table},
		{in: "wide", want: Wide},
		{in: "json", want: JSON},
		{in: "yaml", want: YAML},
		{in: "csv", want: CSV},
		{in: " JSON ", want: JSON},
		{in: "", want: Table},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if err != nil {
				t.Fatalf("ParseFormat(%q): got error %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, in := range []string{"xml", "jsonl", "tabel"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseFormat(in)
			var fe *FlagError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFormat(%q): got %v, want a *FlagError", in, err)
			}
			if fe.Flag != "-o/--output" || fe.Value != in {
				t.Errorf("got flag %q value %q, want %q %q", fe.Flag, fe.Value, "-o/--output", in)
			}
			// The message must name the flag, the bad value and every valid one.
			msg := err.Error()
			for _, part := range []string{"-o/--output", `"` + in + `"`, "table", "wide", "json", "yaml", "csv"} {
				if !strings.Contains(msg, part) {
					t.Errorf("got message %q, want it to mention %s", msg, part)
				}
			}
		})
	}
}

func TestPrintObject(t *testing.T) {
	item := fixtureItems()[1]
	cols := fixtureColumns()[:4]
	tests := []struct {
		name   string
		format Format
		query  string
		want   string
	}{
		{
			name:   "table is one row",
			format: Table,
			want:   "ID   NAME      STATE\nc-2  adhoc<&>  START_FAILED\n",
		},
		{
			name:   "wide adds wide columns",
			format: Wide,
			want:   "ID   NAME      STATE         REASON\nc-2  adhoc<&>  START_FAILED  NotEnoughStock\n",
		},
		{
			name:   "csv",
			format: CSV,
			want:   "ID,NAME,STATE,REASON\nc-2,adhoc<&>,START_FAILED,NotEnoughStock\n",
		},
		{
			name:   "json without HTML escaping",
			format: JSON,
			want: `{
  "id": "c-2",
  "name": "adhoc<&>",
  "state": "START_FAILED",
  "stateReason": {
    "code": "NotEnoughStock",
    "message": "instance type sold out"
  },
  "nodeCount": 3,
  "deletionProtection": false
}
`,
		},
		{
			name:   "yaml keeps json names and order",
			format: YAML,
			want: `id: c-2
name: adhoc<&>
state: START_FAILED
stateReason:
  code: NotEnoughStock
  message: instance type sold out
nodeCount: 3
deletionProtection: false
`,
		},
		{
			name:   "query to json",
			format: JSON,
			query:  "stateReason.code",
			want:   "\"NotEnoughStock\"\n",
		},
		{
			name:   "query to table",
			format: Table,
			query:  "stateReason",
			want:   "code            message\nNotEnoughStock  instance type sold out\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := PrintObject(&out, tt.format, tt.query, item, cols); err != nil {
				t.Fatalf("PrintObject: %v", err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrintDetailGolden(t *testing.T) {
	for i, item := range fixtureItems() {
		var out bytes.Buffer
		if err := PrintDetail(&out, item, fixtureColumns(), WithLocation(testZone())); err != nil {
			t.Fatalf("PrintDetail: %v", err)
		}
		checkGolden(t, "detail."+string(rune('1'+i))+".golden", out.String())
	}
}

func TestPrintDetailOptions(t *testing.T) {
	cols := []Column{{Header: "ID", Field: "id"}, {Header: "STATE", Field: "state"}}
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{name: "no headers", opts: []Option{NoHeaders()}, want: "ID     c-1\nSTATE  RUNNING\n"},
		{name: "query", opts: []Option{WithQuery("tags")}, want: "team\ndata\n"},
		{name: "color", opts: []Option{WithColor(true)}, want: ansiBold + "FIELD  VALUE" + ansiReset + "\nID     c-1\nSTATE  RUNNING\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := PrintDetail(&out, fixtureItems()[0], cols, tt.opts...); err != nil {
				t.Fatalf("PrintDetail: %v", err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrintErrorText(t *testing.T) {
	tests := []struct {
		name  string
		view  ErrorView
		color bool
		want  string
	}{
		{
			name: "every part",
			view: ErrorView{
				Code:           "OperationDenied.ClusterStatus",
				Message:        "cluster c-1 is not running",
				RequestID:      "6A1F-22",
				Recommendation: "wait until the cluster is RUNNING, then retry",
				Hint:           "emrctl cluster get c-1",
				Fields:         []FieldProblem{{Field: "nodeGroups[0].nodeCount", Message: "must be at least 1"}},
			},
			want: "Error: cluster c-1 is not running\n" +
				"  nodeGroups[0].nodeCount: must be at least 1\n" +
				"  code: OperationDenied.ClusterStatus\n" +
				"  request id: 6A1F-22\n" +
				"  what to do: wait until the cluster is RUNNING, then retry\n" +
				"  hint: emrctl cluster get c-1\n",
		},
		{
			name: "message only",
			view: ErrorView{Message: "no such profile \"dev\""},
			want: "Error: no such profile \"dev\"\n",
		},
		{
			name: "multi-line message with an escape sequence",
			view: ErrorView{Message: "first\nsecond\x1b[2J", Code: "X"},
			want: "Error: first\n    second?[2J\n  code: X\n",
		},
		{
			name:  "color",
			view:  ErrorView{Message: "boom"},
			color: true,
			want:  ansiRed + "Error:" + ansiReset + " boom\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []Format{Table, Wide, CSV} {
				var out bytes.Buffer
				if err := PrintError(&out, f, tt.view, WithColor(tt.color)); err != nil {
					t.Fatalf("PrintError: %v", err)
				}
				if diff := cmp.Diff(tt.want, out.String()); diff != "" {
					t.Errorf("-o %s: output mismatch (-want +got):\n%s", f, diff)
				}
			}
		})
	}
}

func TestPrintErrorStructured(t *testing.T) {
	view := ErrorView{
		Code:      "Throttling.User",
		Message:   "request was denied due to user flow control",
		RequestID: "req-1",
		Fields:    []FieldProblem{{Field: "name", Message: "too long"}},
	}
	want := map[string]any{
		"error": map[string]any{
			"code":      "Throttling.User",
			"message":   "request was denied due to user flow control",
			"requestId": "req-1",
			"fields":    []any{map[string]any{"field": "name", "message": "too long"}},
		},
	}
	tests := []struct {
		format Format
		decode func([]byte, any) error
	}{
		{format: JSON, decode: json.Unmarshal},
		{format: YAML, decode: yaml.Unmarshal},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var out bytes.Buffer
			if err := PrintError(&out, tt.format, view); err != nil {
				t.Fatalf("PrintError: %v", err)
			}
			var got map[string]any
			if err := tt.decode(out.Bytes(), &got); err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out.String())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error document mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCellRendering(t *testing.T) {
	loc := testZone()
	tests := []struct {
		name    string
		kind    ColumnKind
		value   any
		wantTbl string
		wantCSV string
	}{
		{name: "time RFC 3339", kind: Time, value: "2025-03-01T08:30:00Z", wantTbl: "2025-03-01 16:30:00", wantCSV: "2025-03-01T16:30:00+08:00"},
		{name: "time epoch ms number", kind: Time, value: json.Number("1700000000000"), wantTbl: "2023-11-15 06:13:20", wantCSV: "2023-11-15T06:13:20+08:00"},
		{name: "time epoch ms float", kind: Time, value: float64(1700000000000), wantTbl: "2023-11-15 06:13:20", wantCSV: "2023-11-15T06:13:20+08:00"},
		{name: "time epoch ms string", kind: Time, value: "1700000000000", wantTbl: "2023-11-15 06:13:20", wantCSV: "2023-11-15T06:13:20+08:00"},
		{name: "time zero ms is missing", kind: Time, value: json.Number("0"), wantTbl: "-", wantCSV: ""},
		{name: "time zero value is missing", kind: Time, value: "0001-01-01T00:00:00Z", wantTbl: "-", wantCSV: ""},
		{name: "time not a time", kind: Time, value: "soon", wantTbl: "soon", wantCSV: "soon"},
		{name: "duration nanoseconds", kind: Duration, value: json.Number("200000000000"), wantTbl: "3m20s", wantCSV: "3m20s"},
		{name: "duration hours", kind: Duration, value: "2h5m30s", wantTbl: "2h5m", wantCSV: "2h5m30s"},
		{name: "duration days", kind: Duration, value: "76h", wantTbl: "3d4h", wantCSV: "76h0m0s"},
		{name: "duration seconds", kind: Duration, value: "45.4s", wantTbl: "45s", wantCSV: "45s"},
		{name: "count integer", kind: Count, value: float64(5000), wantTbl: "5000", wantCSV: "5000"},
		{name: "count fraction", kind: Count, value: 2.5, wantTbl: "2.5", wantCSV: "2.5"},
		{name: "count big integer keeps digits", kind: Count, value: json.Number("9007199254740993"), wantTbl: "9007199254740993", wantCSV: "9007199254740993"},
		{name: "bool true", kind: Bool, value: true, wantTbl: "yes", wantCSV: "yes"},
		{name: "bool false", kind: Bool, value: false, wantTbl: "no", wantCSV: "no"},
		{name: "text empty is missing", kind: Text, value: "", wantTbl: "-", wantCSV: ""},
		{name: "text object", kind: Text, value: map[string]any{"a": json.Number("1")}, wantTbl: `{"a":1}`, wantCSV: `{"a":1}`},
		{name: "text list", kind: Text, value: []any{"x", "y"}, wantTbl: `["x","y"]`, wantCSV: `["x","y"]`},
		{name: "text control characters", kind: Text, value: "a\tb\x1b[31mc", wantTbl: `a\tb\u001B[31mc`, wantCSV: "a\tb\x1b[31mc"},
		{name: "text line break", kind: Text, value: "a\r\nAbout to execute", wantTbl: `a\r\nAbout to execute`, wantCSV: "a\r\nAbout to execute"},
		{name: "text bidi and zero width", kind: Text, value: "a\u202eb\u200bc", wantTbl: `a\u202Eb\u200Bc`, wantCSV: "a\u202eb\u200bc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := map[string]any{"v": tt.value}
			c := Column{Field: "v", Kind: tt.kind}
			o := buildOptions([]Option{WithLocation(loc)})
			if got := cell(c, nil, obj, tableMode, o); got != tt.wantTbl {
				t.Errorf("table cell: got %q, want %q", got, tt.wantTbl)
			}
			if got := cell(c, nil, obj, csvMode, o); got != tt.wantCSV {
				t.Errorf("CSV cell: got %q, want %q", got, tt.wantCSV)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	obj := map[string]any{
		"stateReason": map[string]any{"code": "X"},
		"nodeGroups":  []any{map[string]any{"name": "master"}},
		"empty":       nil,
	}
	tests := []struct {
		path   string
		want   any
		wantOK bool
	}{
		{path: "stateReason.code", want: "X", wantOK: true},
		{path: "nodeGroups.0.name", want: "master", wantOK: true},
		{path: "nodeGroups.1.name"},
		{path: "nodeGroups.x"},
		{path: "stateReason.code.deeper"},
		{path: "missing"},
		{path: "empty"},
		{path: ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := lookup(obj, tt.path)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("lookup(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestColumnValueOverride(t *testing.T) {
	cols := []Column{
		{Header: "ID", Field: "id"},
		{Header: "AGE", Value: func(item any) string {
			c, ok := item.(fixtureCluster)
			if !ok || c.CreateTime.IsZero() {
				return ""
			}
			return humanDuration(time.Date(2025, 3, 2, 8, 30, 0, 0, time.UTC).Sub(c.CreateTime))
		}},
	}
	var out bytes.Buffer
	lw := NewListWriter(&out, Table, cols)
	if err := lw.WriteItems(fixtureItems()[:2]...); err != nil {
		t.Fatalf("WriteItems: %v", err)
	}
	if err := lw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got, want := out.String(), "ID   AGE\nc-1  1d0h\nc-2  -\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
