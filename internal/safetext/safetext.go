// Package safetext builds the text emrctl shows people in confirmation
// dialogs and terminal prompts.
//
// A Text is made of emrctl's own words and of data, kept apart until it is
// rendered. Words can only come from string constants in emrctl's code:
// F's format and Word take an unexported string type, to which only an
// untyped constant converts outside this package (the safehtml
// stringConstant idea), so a variable holding a name or a rule field does
// not compile there. Every string argument is data: it is rendered with
// control, invisible, bidirectional and line-break characters escaped
// (validate.Escape) and between double quotes, so that a name holding
// "\n\nAbout to execute: GetCluster. Continue?" shows as one quoted value
// on the line it belongs to, never as a line of emrctl's. Identifiers
// (ID) show without quotes only when they are plainly an identifier.
// Numbers, durations and booleans format as fmt formats them.
//
// Building dialogs from Text rather than from fmt.Sprintf and a
// hand-called escape means that a forgotten escape is not possible.
package safetext

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/emrctl/emrctl/internal/validate"
)

// constant is the type of emrctl's own words. It is unexported, so callers
// can only pass untyped string constants where it is asked for.
type constant string

// kind says how a part of a Text renders.
type kind uint8

const (
	word  kind = iota + 1 // emrctl's words, as they are
	data                  // escaped, between double quotes
	ident                 // as it is when plainly an identifier, else like data
	block                 // lines, each a Text, joined by line breaks
)

type part struct {
	kind  kind
	s     string
	lines []Text
}

// Text is text to show a person, made of emrctl's words and data. The zero
// Text is empty.
type Text struct {
	parts []part
}

// F formats like fmt.Sprintf, except that format must be a string
// constant and that the arguments are data: a string (or a value of a
// string type, or anything else not listed here) renders escaped and
// quoted, whatever verb formats it; a Text is embedded as it is; integers,
// floats, booleans and durations format with the verb as fmt formats them.
// Only the verbs' flags, width and precision of fmt are understood, not
// argument indexes or '*'. A missing or extra argument shows as fmt shows
// it ("%!s(MISSING)", "%!(EXTRA)").
func F(format constant, args ...any) Text {
	var t Text
	f := string(format)
	next := 0
	for f != "" {
		i := strings.IndexByte(f, '%')
		if i < 0 {
			t.add(part{kind: word, s: f})
			break
		}
		t.add(part{kind: word, s: f[:i]})
		spec, verb, rest := cutVerb(f[i:])
		f = rest
		switch {
		case verb == '%':
			t.add(part{kind: word, s: "%"})
		case verb == utf8.RuneError:
			t.add(part{kind: word, s: "%!(NOVERB)"})
		case next >= len(args):
			t.add(part{kind: word, s: "%!" + string(verb) + "(MISSING)"})
		default:
			t.addArg(spec, args[next])
			next++
		}
	}
	if next < len(args) {
		t.add(part{kind: word, s: "%!(EXTRA)"})
	}
	return t
}

// cutVerb splits a verb ("%-5.2f") off the front of f, which starts with
// '%'. verb is utf8.RuneError when f ends before one.
func cutVerb(f string) (spec string, verb rune, rest string) {
	j := 1
	for j < len(f) && strings.IndexByte("+-# 0", f[j]) >= 0 {
		j++
	}
	for j < len(f) && f[j] >= '0' && f[j] <= '9' {
		j++
	}
	if j < len(f) && f[j] == '.' {
		j++
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
	}
	if j >= len(f) {
		return f, utf8.RuneError, ""
	}
	r, size := utf8.DecodeRuneInString(f[j:])
	return f[:j+size], r, f[j+size:]
}

// addArg adds one argument of F.
func (t *Text) addArg(spec string, a any) {
	switch v := a.(type) {
	case Text:
		t.parts = append(t.parts, v.parts...)
		return
	case string:
		t.add(part{kind: data, s: v})
		return
	}
	rv := reflect.ValueOf(a)
	switch rv.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		// A numeric type's String method (time.Duration's) is code, not
		// data; escaping keeps even a strange one on its line.
		t.add(part{kind: word, s: validate.Escape(fmt.Sprintf(spec, a))})
	case reflect.String:
		t.add(part{kind: data, s: rv.String()})
	default:
		t.add(part{kind: data, s: fmt.Sprint(a)})
	}
}

// add appends p, dropping empty words.
func (t *Text) add(p part) {
	if p.kind == word && p.s == "" {
		return
	}
	t.parts = append(t.parts, p)
}

// Word returns emrctl's own words as a Text, e.g. the name of a limit
// defined as a constant, to pass where a Text is needed.
func Word(w constant) Text {
	var t Text
	t.add(part{kind: word, s: string(w)})
	return t
}

// Data returns s as data: escaped and quoted.
func Data(s string) Text {
	return Text{parts: []part{{kind: data, s: s}}}
}

// ID returns s as an identifier (a cluster, node or node group ID, a
// role, a region, an object URI): shown as it is when it is made only of
// ASCII letters, digits and "-_.:/@", and escaped and quoted like data
// otherwise, so an odd one stands out.
func ID(s string) Text {
	return Text{parts: []part{{kind: ident, s: s}}}
}

// List returns values as data, separated by ", ".
func List(values []string) Text {
	items := make([]Text, len(values))
	for i, v := range values {
		items[i] = Data(v)
	}
	return Join(items, ", ")
}

// IDs returns values as identifiers (see ID), separated by ", ".
func IDs(values []string) Text {
	items := make([]Text, len(values))
	for i, v := range values {
		items[i] = ID(v)
	}
	return Join(items, ", ")
}

// Join returns items separated by sep.
func Join(items []Text, sep constant) Text {
	var t Text
	for i, it := range items {
		if i > 0 {
			t.add(part{kind: word, s: string(sep)})
		}
		t.parts = append(t.parts, it.parts...)
	}
	return t
}

// Lines returns lines that render one under the other (a diff): the line
// breaks between them are emrctl's, while no line can hold one of its
// own, since data in it is escaped.
func Lines(lines ...Text) Text {
	if len(lines) == 0 {
		return Text{}
	}
	return Text{parts: []part{{kind: block, lines: append([]Text(nil), lines...)}}}
}

// IsZero reports whether t is empty.
func (t Text) IsZero() bool { return len(t.parts) == 0 }

// String renders t: words as they are, data escaped and quoted.
func (t Text) String() string {
	var b strings.Builder
	t.render(&b)
	return b.String()
}

func (t Text) render(b *strings.Builder) {
	for _, p := range t.parts {
		switch p.kind {
		case word:
			b.WriteString(p.s)
		case ident:
			if plainID(p.s) {
				b.WriteString(p.s)
				break
			}
			quote(b, p.s)
		case data:
			quote(b, p.s)
		case block:
			for i, l := range p.lines {
				if i > 0 {
					b.WriteByte('\n')
				}
				l.render(b)
			}
		}
	}
}

func quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	b.WriteString(validate.Escape(s))
	b.WriteByte('"')
}

// plainID reports whether s can show unquoted as an identifier.
func plainID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:/@", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// Equal reports whether t and u are made of the same words and data (the
// go-cmp convention, so that structs holding a Text compare).
func (t Text) Equal(u Text) bool {
	if len(t.parts) != len(u.parts) {
		return false
	}
	for i, p := range t.parts {
		q := u.parts[i]
		if p.kind != q.kind || p.s != q.s || len(p.lines) != len(q.lines) {
			return false
		}
		for j := range p.lines {
			if !p.lines[j].Equal(q.lines[j]) {
				return false
			}
		}
	}
	return true
}

// MarshalText renders t, so that encoders show it as a string.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalJSON renders t as a JSON string, so that JSON output of a
// decision or a diff stays readable.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }
