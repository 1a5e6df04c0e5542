package emulator

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/emrctl/emrctl/internal/contract"
)

// A planned encoder writes a response in one pass, straight from the Go
// value: members in key order (what responseJSON's map gives) and [] for
// each absent list the contract declares (fillLists), planned once per
// route and type. Anything the plan does not cover (maps, interfaces,
// floats, byte slices, embedded structs, invalid UTF-8) makes it decline,
// and fastResponseJSON's general path runs instead.

type encFn func(out []byte, v reflect.Value) ([]byte, bool)

type planKey struct {
	rt *route
	t  reflect.Type
}

var plans sync.Map // planKey → encFn (nil when the type cannot be planned)

// plannedJSON encodes resp with the route's plan, reporting false when
// there is none or the value holds something the plan declines.
func plannedJSON(rt *route, resp any) ([]byte, bool) {
	v := reflect.ValueOf(resp)
	key := planKey{rt, v.Type()}
	fn, ok := plans.Load(key)
	if !ok {
		f, _ := planFor(rt.spec, v.Type(), rt.action.Response, true)
		fn, _ = plans.LoadOrStore(key, f)
	}
	enc, _ := fn.(encFn)
	if enc == nil {
		return nil, false
	}
	out, ok := enc(make([]byte, 0, 4096), v)
	if !ok {
		return nil, false
	}
	return append(out, '\n'), true
}

// planFor plans t. fields are the contract's fields of the object t
// encodes; described says whether the contract describes t at all (a
// struct it does not describe gets no lists filled, as in fillLists).
func planFor(spec *contract.Spec, t reflect.Type, fields []*contract.Node, described bool) (encFn, bool) {
	switch t.Kind() {
	case reflect.Pointer:
		elem, ok := planFor(spec, t.Elem(), fields, described)
		if !ok {
			return nil, false
		}
		return func(out []byte, v reflect.Value) ([]byte, bool) {
			if v.IsNil() {
				return append(out, "null"...), true
			}
			return elem(out, v.Elem())
		}, true
	case reflect.Struct:
		return planStruct(spec, t, fields, described)
	case reflect.String:
		return func(out []byte, v reflect.Value) ([]byte, bool) { return appendJSONString(out, v.String()) }, true
	case reflect.Bool:
		return func(out []byte, v reflect.Value) ([]byte, bool) { return strconv.AppendBool(out, v.Bool()), true }, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(out []byte, v reflect.Value) ([]byte, bool) { return strconv.AppendInt(out, v.Int(), 10), true }, true
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(out []byte, v reflect.Value) ([]byte, bool) { return strconv.AppendUint(out, v.Uint(), 10), true }, true
	}
	return nil, false
}

// member is one planned member of an object.
type member struct {
	name   string
	prefix string // `"name":`
	index  int    // field index; -1 for a contract list the type lacks
	omit   bool   // omitempty
	fill   bool   // the contract declares a list: absent or null → []
	enc    encFn
}

func planStruct(spec *contract.Spec, t reflect.Type, fields []*contract.Node, described bool) (encFn, bool) {
	byName := map[string]*contract.Node{}
	if described {
		for _, f := range fields {
			byName[f.Name] = spec.Resolve(f)
		}
	}
	var ms []member
	seen := map[string]bool{}
	for i := range t.NumField() {
		m, ok, skip := planField(spec, t.Field(i), byName)
		if !ok {
			return nil, false
		}
		if skip {
			continue
		}
		m.index = i
		seen[m.name] = true
		ms = append(ms, m)
	}
	for name, n := range byName {
		if n != nil && n.Type == "array" && !seen[name] {
			ms = append(ms, member{name: name, index: -1, fill: true})
		}
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.name, b.name) })
	for i := range ms {
		q, ok := appendJSONString(nil, ms[i].name)
		if !ok {
			return nil, false
		}
		ms[i].prefix = string(q) + ":"
	}
	return func(out []byte, v reflect.Value) ([]byte, bool) { return encodeMembers(out, v, ms) }, true
}

// planField plans one struct field; skip reports a field JSON leaves out.
func planField(spec *contract.Spec, f reflect.StructField, byName map[string]*contract.Node) (m member, ok, skip bool) {
	if f.Anonymous {
		return m, false, false
	}
	if !f.IsExported() {
		return m, true, true
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return m, true, true
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case "omitempty":
			m.omit = true
		case "", "omitzero":
			if o == "omitzero" {
				return m, false, false
			}
		default:
			return m, false, false // ",string" and the like
		}
	}
	m.name = name
	node := byName[name]
	var enc encFn
	switch {
	case node != nil && node.Type == "array":
		if f.Type.Kind() != reflect.Slice {
			return m, false, false
		}
		m.fill = true
		enc, ok = planSlice(spec, f.Type, spec.Resolve(node.Items))
	case node != nil && node.Type == "object":
		enc, ok = planFor(spec, f.Type, node.Fields, true)
	default:
		enc, ok = planFor(spec, f.Type, nil, false)
	}
	m.enc = enc
	return m, ok, false
}

// planSlice plans a list; item is the contract's item, whose fields the
// list's objects are filled from when it is an object.
func planSlice(spec *contract.Spec, t reflect.Type, item *contract.Node) (encFn, bool) {
	if t.Elem().Kind() == reflect.Uint8 {
		return nil, false // []byte is base64 in JSON
	}
	var elem encFn
	var ok bool
	if item != nil && item.Type == "object" {
		elem, ok = planFor(spec, t.Elem(), item.Fields, true)
	} else {
		elem, ok = planFor(spec, t.Elem(), nil, false)
	}
	if !ok {
		return nil, false
	}
	return func(out []byte, v reflect.Value) ([]byte, bool) {
		if v.IsNil() {
			return append(out, "null"...), true
		}
		out = append(out, '[')
		for i := range v.Len() {
			if i > 0 {
				out = append(out, ',')
			}
			var done bool
			if out, done = elem(out, v.Index(i)); !done {
				return nil, false
			}
		}
		return append(out, ']'), true
	}, true
}

func encodeMembers(out []byte, v reflect.Value, ms []member) ([]byte, bool) {
	out = append(out, '{')
	first := true
	for i := range ms {
		m := &ms[i]
		var fv reflect.Value
		if m.index >= 0 {
			fv = v.Field(m.index)
		}
		empty := !fv.IsValid() || (m.omit && isEmptyValue(fv))
		null := fv.IsValid() && !empty && isNil(fv)
		if empty && !m.fill {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, m.prefix...)
		if empty || (null && m.fill) {
			out = append(out, "[]"...)
			continue
		}
		var ok bool
		if out, ok = m.enc(out, fv); !ok {
			return nil, false
		}
	}
	return append(out, '}'), true
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice:
		return v.IsNil()
	}
	return false
}

// isEmptyValue is encoding/json's omitempty test for the kinds planned.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping.
// It declines invalid UTF-8, which the map round trip of responseJSON
// keeps as written.
func appendJSONString(out []byte, s string) ([]byte, bool) {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch b {
			case '"', '\\':
				out = append(out, '\\', b)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, false
		}
		if r == '\u2028' || r == '\u2029' {
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	out = append(out, s[start:]...)
	return append(out, '"'), true
}
