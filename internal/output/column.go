package output

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/validate"
)

// ColumnKind says how a column's value is shown in tables and CSV.
type ColumnKind int

// The kinds of column.
const (
	// Text shows the value as it is; objects and lists as compact JSON.
	Text ColumnKind = iota
	// Time shows an RFC 3339 string or integer epoch milliseconds (what the
	// Alibaba API returns) as local time: "2006-01-02 15:04:05" in tables,
	// RFC 3339 with the local offset in CSV. A zero time or 0 counts as
	// missing.
	Time
	// Duration shows a time.Duration (JSON: integer nanoseconds) or a Go
	// duration string rounded to seconds: "3d4h", "2h5m", "45s" in tables,
	// "76h0m0s" in CSV.
	Duration
	// Count shows a number without exponent or needless decimals.
	Count
	// Bool shows true as "yes" and false as "no".
	Bool
)

// Column is one column of table, wide and CSV output.
type Column struct {
	// Header is the column's title, e.g. "ID" or "STATE".
	Header string
	// Field is the JSON name of the value in the item; a dotted path reaches
	// into nested objects ("stateReason.code") and lists ("nodeGroups.0.name").
	Field string
	// Wide marks a column shown only by -o wide (and CSV).
	Wide bool
	// Kind says how the value is shown.
	Kind ColumnKind
	// Value, when set, computes the cell from the original item instead of
	// Field; an empty result counts as missing.
	Value func(item any) string
}

// missingCell is what a table shows for a missing or empty value; CSV leaves
// the cell empty.
const missingCell = "-"

// tableTimeLayout is how tables show times: readable, in local time.
const tableTimeLayout = "2006-01-02 15:04:05"

// columnsFor returns the columns that format f shows: Table leaves out the
// Wide ones, Wide and CSV show them all (CSV is for export, so it gets
// everything).
func columnsFor(f Format, cols []Column) []Column {
	if f != Table {
		return cols
	}
	var out []Column
	for _, c := range cols {
		if !c.Wide {
			out = append(out, c)
		}
	}
	return out
}

// cellMode says whether a cell is for a table or for CSV.
type cellMode int

const (
	tableMode cellMode = iota
	csvMode
)

// cell renders column c of one item; obj is the item's JSON form.
func cell(c Column, item, obj any, mode cellMode, o options) string {
	var s string
	if c.Value != nil {
		s = c.Value(item)
	} else {
		s = jsonCell(c, obj, mode, o.loc)
	}
	return finishCell(s, mode)
}

// jsonCell renders the value of c.Field in obj, an item's JSON form; ""
// means missing.
func jsonCell(c Column, obj any, mode cellMode, loc *time.Location) string {
	if v, ok := lookup(obj, c.Field); ok {
		return formatKind(c.Kind, v, mode, loc)
	}
	return ""
}

// finishCell fills in missing values and, in tables, removes characters that
// would break the layout or the terminal: values come from the cloud and may
// hold tabs, newlines or escape sequences.
func finishCell(s string, mode cellMode) string {
	if mode == csvMode {
		return s
	}
	if s == "" {
		return missingCell
	}
	return sanitize(s)
}

// sanitize shows a cell on one line with nothing hidden: cells hold data
// (names, descriptions, tags), which must not break the table or pass for
// emrctl's own text (validate.Inline). Printable ASCII, what nearly every
// cell is, has nothing to escape and is returned as it is.
func sanitize(s string) string {
	if isPrintableASCII(s) {
		return s
	}
	return validate.Inline(s)
}

// lookup follows a dotted path through the JSON form of an item.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return nil, false
	}
	for seg := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

// formatKind renders a present value by column kind; "" means missing.
func formatKind(kind ColumnKind, v any, mode cellMode, loc *time.Location) string {
	switch kind {
	case Time:
		if s, ok := formatTime(v, mode, loc); ok {
			return s
		}
	case Duration:
		if d, ok := toDuration(v); ok {
			if mode == csvMode {
				return d.Round(time.Second).String()
			}
			return humanDuration(d)
		}
	case Bool:
		switch v {
		case true, "true":
			return "yes"
		case false, "false":
			return "no"
		}
	}
	return formatScalar(v)
}

// formatScalar renders a JSON value as text; objects and lists as compact
// JSON.
func formatScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return formatFloat(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// formatFloat renders a number without exponent, and integers without
// decimals, so counts and epoch milliseconds read naturally.
func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// formatTime renders an RFC 3339 string or epoch milliseconds; ok is false
// for values that are not times, which are then shown as they are.
func formatTime(v any, mode cellMode, loc *time.Location) (string, bool) {
	var t time.Time
	switch x := v.(type) {
	case string:
		if ms, err := strconv.ParseInt(x, 10, 64); err == nil {
			t = fromMillis(ms)
			break
		}
		parsed, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return "", false
		}
		t = parsed
	case json.Number:
		ms, err := x.Int64()
		if err != nil {
			return "", false
		}
		t = fromMillis(ms)
	case float64:
		t = fromMillis(int64(x))
	default:
		return "", false
	}
	if t.IsZero() {
		return "", true
	}
	t = t.In(loc)
	if mode == csvMode {
		return t.Format(time.RFC3339), true
	}
	return t.Format(tableTimeLayout), true
}

// fromMillis converts epoch milliseconds; 0, which the Alibaba API uses for
// "not set", gives the zero time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// toDuration reads integer nanoseconds (time.Duration's JSON form) or a Go
// duration string.
func toDuration(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return time.Duration(n), err == nil
	case float64:
		return time.Duration(x), true
	case string:
		d, err := time.ParseDuration(x)
		return d, err == nil
	}
	return 0, false
}

// humanDuration shows the two largest units, like kubectl's AGE column.
func humanDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	days := d / (24 * time.Hour)
	h := (d % (24 * time.Hour)) / time.Hour
	m := (d % time.Hour) / time.Minute
	s := (d % time.Minute) / time.Second
	var out string
	switch {
	case days > 0:
		out = fmt.Sprintf("%dd%dh", days, h)
	case h > 0:
		out = fmt.Sprintf("%dh%dm", h, m)
	case m > 0:
		out = fmt.Sprintf("%dm%ds", m, s)
	default:
		out = fmt.Sprintf("%ds", s)
	}
	return sign + out
}
