package output

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Tables and CSV pick a few fields out of each item. Going through the
// item's JSON form (normalize: marshal, then decode into maps) costs more
// than printing the whole item as JSON, so for struct items the columns
// read the fields directly, by a path of field indexes worked out once per
// item type. The result is the same cell the JSON form gives: only plain
// fields (strings, integers, bools, time.Time, pointers to them, nested
// structs) take this path, with json's tag names and omitempty/omitzero
// rules; anything else (maps, slices, floats, embedded structs, types with
// their own MarshalJSON or MarshalText, ",string") falls back to the JSON
// form. TestDirectCellsMatchJSONForm holds the two paths together.

// leafKind is the kind of value a direct column ends at.
type leafKind int

const (
	leafString leafKind = iota
	leafBool
	leafInt
	leafUint
	leafTime
)

// fieldStep is one field on a column's path.
type fieldStep struct {
	index     int
	ptr       bool // the field is a pointer; nil means missing
	omitEmpty bool
	omitZero  bool
}

// directColumn reads one column's value straight from a struct; ok is false
// when the column needs the JSON form.
type directColumn struct {
	ok    bool
	steps []fieldStep
	leaf  leafKind
}

// directPlan is how to read every column of one item type.
type directPlan struct {
	typ     reflect.Type // the struct type
	ptr     bool         // items are pointers to it
	columns []directColumn
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// planFor works out the direct paths of cols in items of type t; nil when
// t is not a struct or a pointer to one.
func planFor(t reflect.Type, cols []Column) *directPlan {
	p := &directPlan{typ: t}
	if t.Kind() == reflect.Pointer {
		p.ptr, p.typ = true, t.Elem()
	}
	if p.typ.Kind() != reflect.Struct || hasMarshaler(p.typ) {
		return nil
	}
	p.columns = make([]directColumn, len(cols))
	for i, c := range cols {
		if c.Value == nil {
			p.columns[i] = directPath(p.typ, c.Field)
		}
	}
	return p
}

// directPath resolves a dotted path through struct fields.
func directPath(t reflect.Type, path string) directColumn {
	if path == "" {
		return directColumn{}
	}
	segs := strings.Split(path, ".")
	var dc directColumn
	for n, seg := range segs {
		step, ft, ok := jsonField(t, seg)
		if !ok {
			return directColumn{}
		}
		if step.ptr {
			ft = ft.Elem()
		}
		if hasMarshaler(ft) && ft != timeType || step.omitZero && hasIsZero(ft) && ft != timeType {
			return directColumn{}
		}
		dc.steps = append(dc.steps, step)
		if n < len(segs)-1 {
			if ft.Kind() != reflect.Struct || ft == timeType {
				return directColumn{}
			}
			t = ft
			continue
		}
		leaf, ok := leafOf(ft)
		if !ok {
			return directColumn{}
		}
		dc.leaf, dc.ok = leaf, true
	}
	return dc
}

// leafOf says how a field of type t is read, if it can be.
func leafOf(t reflect.Type) (leafKind, bool) {
	if t == timeType {
		return leafTime, true
	}
	switch t.Kind() {
	case reflect.String:
		return leafString, true
	case reflect.Bool:
		return leafBool, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return leafInt, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return leafUint, true
	}
	return 0, false
}

// jsonField finds the field that encoding/json names name in struct t. It
// gives up (ok false) on anything whose JSON naming is not plain: embedded
// fields, two fields with one name, unusual tag names, ",string", and
// pointers to pointers.
func jsonField(t reflect.Type, name string) (step fieldStep, ft reflect.Type, ok bool) {
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return fieldStep{}, nil, false
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		tagName, opts, _ := strings.Cut(tag, ",")
		if !plainName(tagName) {
			return fieldStep{}, nil, false
		}
		key := f.Name
		if tagName != "" {
			key = tagName
		}
		if key != name {
			continue
		}
		if found || hasOption(opts, "string") {
			return fieldStep{}, nil, false
		}
		found = true
		step = fieldStep{index: i, omitEmpty: hasOption(opts, "omitempty"), omitZero: hasOption(opts, "omitzero")}
		ft = f.Type
		if ft.Kind() == reflect.Pointer {
			step.ptr = true
			// omitzero on a pointer asks the pointer's IsZero, if any.
			if ft.Elem().Kind() == reflect.Pointer || step.omitZero {
				return fieldStep{}, nil, false
			}
		}
	}
	return step, ft, found
}

// plainName reports whether a tag name is one encoding/json takes as it is.
func plainName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func hasOption(opts, name string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == name {
			return true
		}
	}
	return false
}

// hasMarshaler reports whether t encodes itself.
func hasMarshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		pt.Implements(jsonMarshalerType) || pt.Implements(textMarshalerType)
}

// hasIsZero reports whether t has the IsZero method omitzero would call.
func hasIsZero(t reflect.Type) bool {
	_, ok := t.MethodByName("IsZero")
	_, pok := reflect.PointerTo(t).MethodByName("IsZero")
	return ok || pok
}

// structOf returns the struct value of item, or false for a nil pointer.
func (p *directPlan) structOf(item any) (reflect.Value, bool) {
	v := reflect.ValueOf(item)
	if p.ptr {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	return v, true
}

// directCell renders column i of the struct value v. done is false when the
// value must come from the JSON form after all (a time json cannot encode,
// which the JSON form reports as an error).
func (p *directPlan) directCell(i int, v reflect.Value, kind ColumnKind, mode cellMode, loc *time.Location) (s string, done bool) {
	dc := p.columns[i]
	for _, st := range dc.steps {
		v = v.Field(st.index)
		if st.ptr {
			if v.IsNil() {
				return "", true
			}
			v = v.Elem()
		}
		if !st.ptr && omitted(st, v) {
			return "", true
		}
	}
	switch dc.leaf {
	case leafString:
		return stringCell(v.String(), kind, mode, loc), true
	case leafBool:
		return formatKind(kind, v.Bool(), mode, loc), true
	case leafInt:
		return intCell(v.Int(), kind, mode, loc), true
	case leafUint:
		u := v.Uint()
		if u > 1<<63-1 {
			return strconv.FormatUint(u, 10), true
		}
		return intCell(int64(u), kind, mode, loc), true
	case leafTime:
		t, _ := reflect.TypeAssert[time.Time](v)
		return timeCell(t, kind, mode, loc)
	}
	return "", false
}

// omitted reports whether json leaves the field v out (omitempty,
// omitzero), which makes it missing.
func omitted(st fieldStep, v reflect.Value) bool {
	if st.omitEmpty && isEmpty(v) {
		return true
	}
	if !st.omitZero {
		return false
	}
	if t, ok := reflect.TypeAssert[time.Time](v); ok {
		return t.IsZero()
	}
	return v.IsZero()
}

// isEmpty is encoding/json's omitempty test for the kinds that reach it.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	}
	return false
}

// stringCell renders a string as its JSON form would: invalid UTF-8 bytes
// become U+FFFD each, as json.Marshal makes them.
func stringCell(s string, kind ColumnKind, mode cellMode, loc *time.Location) string {
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	if kind == Text || kind == Count {
		return s
	}
	return formatKind(kind, s, mode, loc)
}

func validUTF8(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// intCell renders an integer as formatKind renders its json.Number.
func intCell(n int64, kind ColumnKind, mode cellMode, loc *time.Location) string {
	switch kind {
	case Time:
		t := fromMillis(n)
		if t.IsZero() {
			return ""
		}
		return formatLocal(t, mode, loc)
	case Duration:
		d := time.Duration(n)
		if mode == csvMode {
			return d.Round(time.Second).String()
		}
		return humanDuration(d)
	}
	return strconv.FormatInt(n, 10)
}

// timeCell renders a time.Time as formatKind renders its JSON form, an
// RFC 3339 string. json refuses years outside 0-9999 and zone offsets of a
// day or more, and RFC 3339 drops the seconds of an offset (old local
// times); those go the JSON way.
func timeCell(t time.Time, kind ColumnKind, mode cellMode, loc *time.Location) (string, bool) {
	_, offset := t.Zone()
	if y := t.Year(); y < 0 || y > 9999 || offset <= -24*60*60 || offset >= 24*60*60 || offset%60 != 0 {
		return "", false
	}
	if kind != Time {
		return formatKind(kind, t.Format(time.RFC3339Nano), mode, loc), true
	}
	if t.IsZero() {
		return "", true
	}
	return formatLocal(t, mode, loc), true
}

// formatLocal shows a time in loc, as formatTime does.
func formatLocal(t time.Time, mode cellMode, loc *time.Location) string {
	t = t.In(loc)
	if mode == csvMode {
		return t.Format(time.RFC3339)
	}
	return t.Format(tableTimeLayout)
}
