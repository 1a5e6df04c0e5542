package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// lineWidth is the widest line on which a value is written compactly; wider
// objects and arrays are written one member a line, indented by one space a
// level. This is the layout of the existing contract files.
const lineWidth = 150

// marshal is json.Marshal without HTML escaping (the files keep <, > and &).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only our own structs of strings, bools and slices reach here
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// value is a decoded JSON value that keeps the key order of objects.
type value struct {
	raw  []byte   // scalars
	keys []string // objects
	vals []*value // object members or array elements
	kind byte     // '{', '[' or 0
}

func decodeOrdered(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return &value{raw: marshal(tok)}, nil
	}
	v := &value{kind: byte(d)}
	for dec.More() {
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v.keys = append(v.keys, k.(string))
		}
		child, err := decodeOrdered(dec)
		if err != nil {
			return nil, err
		}
		v.vals = append(v.vals, child)
	}
	_, err = dec.Token() // closing delimiter
	return v, err
}

func (v *value) compact() []byte {
	if v.kind == 0 {
		return v.raw
	}
	var b bytes.Buffer
	b.WriteByte(v.kind)
	for i, c := range v.vals {
		if i > 0 {
			b.WriteByte(',')
		}
		if v.kind == '{' {
			b.Write(marshal(v.keys[i]))
			b.WriteByte(':')
		}
		b.Write(c.compact())
	}
	b.WriteByte(map[byte]byte{'{': '}', '[': ']'}[v.kind])
	return b.Bytes()
}

// write writes v whose first byte lands at column col, on a line indented
// by indent spaces.
func (v *value) write(b *bytes.Buffer, indent, col int) {
	c := v.compact()
	if v.kind == 0 || len(v.vals) == 0 || col+len(c) <= lineWidth {
		b.Write(c)
		return
	}
	in := strings.Repeat(" ", indent+1)
	b.WriteByte(v.kind)
	b.WriteByte('\n')
	for i, child := range v.vals {
		prefix := in
		if v.kind == '{' {
			prefix += string(marshal(v.keys[i])) + ": "
		}
		b.WriteString(prefix)
		child.write(b, indent+1, len(in))
		if i < len(v.vals)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(in[:indent])
	b.WriteByte(map[byte]byte{'{': '}', '[': ']'}[v.kind])
}

// writeAction writes one element of "actions" whose "{" is at column indent.
func writeAction(b *bytes.Buffer, a *Action, indent int) {
	v, err := decodeOrdered(json.NewDecoder(bytes.NewReader(marshal(a))))
	if err != nil {
		panic(fmt.Sprintf("re-decode of our own JSON: %v", err))
	}
	v.write(b, indent, indent)
}
