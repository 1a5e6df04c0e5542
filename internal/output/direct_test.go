package output

import (
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type directInner struct {
	Code string `json:"code,omitempty"`
	N    int    `json:"n"`
}

type directState string

// directText encodes itself, so columns reading it need the JSON form.
type directText string

func (d directText) MarshalText() ([]byte, error) { return []byte("text:" + d), nil }

// directItem has a field of every shape the direct path reads, and some
// it must leave to the JSON form.
type directItem struct {
	S          string        `json:"s"`
	SE         string        `json:"se,omitempty"`
	SZ         string        `json:"sz,omitzero"`
	Named      directState   `json:"named"`
	B          bool          `json:"b"`
	BE         bool          `json:"be,omitempty"`
	I          int           `json:"i"`
	IE         int64         `json:"ie,omitempty"`
	I8         int8          `json:"i8"`
	U          uint64        `json:"u"`
	D          time.Duration `json:"d"`
	DE         time.Duration `json:"de,omitempty"`
	T          time.Time     `json:"t"`
	TZ         time.Time     `json:"tz,omitzero"`
	TE         time.Time     `json:"te,omitempty"`
	PS         *string       `json:"ps"`
	PT         *time.Time    `json:"pt,omitempty"`
	PI         *int          `json:"pi"`
	In         directInner   `json:"in"`
	InZ        directInner   `json:"inz,omitzero"`
	PIn        *directInner  `json:"pin,omitempty"`
	NoTag      string
	Skip       string `json:"-"`
	Dash       string `json:"-,"`
	unexported string
	// The JSON form only:
	F   float64           `json:"f"`
	M   map[string]string `json:"m"`
	L   []string          `json:"l"`
	Str int               `json:"str,string"`
	Txt directText        `json:"txt"`
	Any any               `json:"any"`
}

// directPaths are the column fields of the test: direct ones first.
var (
	directOK = []string{"s", "se", "sz", "named", "b", "be", "i", "ie", "i8", "u", "d", "de",
		"t", "tz", "te", "ps", "pt", "pi", "in.code", "in.n", "inz.n", "pin.code", "pin.n", "NoTag", "-"}
	directNot = []string{"f", "m", "l", "str", "txt", "any", "in", "Skip", "unexported", "missing",
		"in.missing", "s.deeper", "t.x", "l.0", ""}
)

func directColumns() []Column {
	var cols []Column
	for _, path := range slices.Concat(directOK, directNot) {
		for _, k := range []ColumnKind{Text, Time, Duration, Count, Bool} {
			cols = append(cols, Column{Header: path, Field: path, Kind: k})
		}
	}
	return cols
}

func directItems() []any {
	s, n, zero := "ps", 42, time.Time{}
	utc := time.Date(2025, 3, 1, 8, 30, 0, 123, time.UTC)
	india := time.Date(2025, 3, 1, 8, 30, 0, 0, time.FixedZone("IST", 5*3600+1800))
	lmt := time.Date(1890, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 8*3600+343))
	full := directItem{
		S: "a\tb\x1b[31m", SE: "集群", SZ: "true", Named: "RUNNING", B: true, BE: true,
		I: 1700000000000, IE: -5, I8: -8, U: 1<<64 - 1, D: 76 * time.Hour, DE: 45 * time.Second,
		T: utc, TZ: india, TE: lmt, PS: &s, PT: &zero, PI: &n,
		In: directInner{Code: "OK", N: 3}, InZ: directInner{N: 0, Code: "x"}, PIn: &directInner{},
		NoTag: "bad \xff\xfe utf8 \xed\xa0\x80", Skip: "skip", Dash: "dash", unexported: "u",
		F: 2.5, M: map[string]string{"a": "b"}, L: []string{"x"}, Str: 7, Txt: "t", Any: 1.5,
	}
	strs := directItem{S: "1700000000000", SE: "2025-03-01T08:30:00Z", SZ: "76h", Named: "false", I: 0, U: 1700000000000}
	return []any{directItem{}, full, &full, strs, (*directItem)(nil), map[string]any{"s": "map"}}
}

// TestDirectCellsMatchJSONForm checks that reading fields directly gives
// the cells the JSON form gives, for every kind, in tables and CSV.
func TestDirectCellsMatchJSONForm(t *testing.T) {
	cols := directColumns()
	o := buildOptions([]Option{WithLocation(testZone())})
	for _, mode := range []cellMode{tableMode, csvMode} {
		lw := NewListWriter(io.Discard, Wide, cols, WithLocation(testZone()))
		for n, item := range directItems() {
			obj, err := normalize(item, true)
			if err != nil {
				t.Fatalf("item %d: normalize: %v", n, err)
			}
			lw.cells = lw.cells[:0]
			if err := lw.appendCells(item, mode); err != nil {
				t.Fatalf("item %d: appendCells: %v", n, err)
			}
			for i, c := range cols {
				if want := cell(c, item, obj, mode, o); lw.cells[i] != want {
					t.Errorf("mode %d, item %d, field %q kind %d: got %q, want %q", mode, n, c.Field, c.Kind, lw.cells[i], want)
				}
			}
		}
	}
}

// TestDirectPlan checks which columns are read directly, so that the test
// above compares the two paths rather than the JSON path with itself.
func TestDirectPlan(t *testing.T) {
	cols := directColumns()
	for _, item := range []any{directItem{}, &directItem{}} {
		p := planFor(reflectType(item), cols)
		if p == nil {
			t.Fatalf("%T: no plan", item)
		}
		for i, c := range cols {
			want := slices.Contains(directOK, c.Field)
			if p.columns[i].ok != want {
				t.Errorf("%T field %q: direct = %v, want %v", item, c.Field, p.columns[i].ok, want)
			}
		}
	}
	type embedded struct {
		directInner
		ID string `json:"id"`
	}
	// Two fields named "id", which json leaves out; built at run time, as
	// vet rightly objects to such a type in source.
	twice := reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: reflect.TypeFor[string](), Tag: `json:"id"`},
		{Name: "B", Type: reflect.TypeFor[string](), Tag: `json:"id"`},
	})
	idCol := []Column{{Field: "id"}}
	for _, typ := range []reflect.Type{reflect.TypeFor[embedded](), twice} {
		if p := planFor(typ, idCol); p != nil && p.columns[0].ok {
			t.Errorf("%v: id is read directly, want the JSON form", typ)
		}
	}
	for _, item := range []any{map[string]any{}, "x", 3, directText("x")} {
		if p := planFor(reflectType(item), idCol); p != nil {
			t.Errorf("%T: got a plan, want none", item)
		}
	}
}

// marshalCounter counts how often items are encoded as JSON.
type marshalCounter struct{ n *int }

func (m marshalCounter) MarshalJSON() ([]byte, error) {
	*m.n++
	return []byte("0"), nil
}

type countedItem struct {
	ID    string            `json:"id"`
	Tags  map[string]string `json:"tags"`
	Probe marshalCounter    `json:"probe"`
}

// TestJSONFormOnlyWhenNeeded checks that an item is encoded as JSON only
// when a column needs it, and then once, however many columns do.
func TestJSONFormOnlyWhenNeeded(t *testing.T) {
	tests := []struct {
		name string
		cols []Column
		want int
	}{
		{name: "direct columns", cols: []Column{{Header: "ID", Field: "id"}}},
		{name: "value columns", cols: []Column{{Header: "X", Value: func(any) string { return "x" }}}},
		{name: "two JSON columns", cols: []Column{{Header: "ID", Field: "id"}, {Header: "T", Field: "tags"}, {Header: "A", Field: "tags.a"}}, want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n int
			var out strings.Builder
			lw := NewListWriter(&out, Table, tt.cols)
			items := []any{
				countedItem{ID: "a", Tags: map[string]string{"a": "1"}, Probe: marshalCounter{&n}},
				countedItem{ID: "b", Probe: marshalCounter{&n}},
				countedItem{ID: "c", Probe: marshalCounter{&n}},
			}
			if err := lw.WriteItems(items...); err != nil {
				t.Fatalf("WriteItems: %v", err)
			}
			if n != tt.want {
				t.Errorf("items encoded %d times, want %d\n%s", n, tt.want, out.String())
			}
		})
	}
}

// TestDirectTimeJSONRefuses checks that a time json cannot encode gives the
// JSON form's error, as before.
func TestDirectTimeJSONRefuses(t *testing.T) {
	lw := NewListWriter(io.Discard, Table, []Column{{Header: "T", Field: "t", Kind: Time}})
	err := lw.WriteItems(directItem{T: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	_, want := json.Marshal(directItem{T: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err == nil || want == nil || !strings.Contains(err.Error(), "year outside of range") {
		t.Errorf("got %v, want an error like %v", err, want)
	}
}

func reflectType(v any) reflect.Type { return reflect.TypeOf(v) }
