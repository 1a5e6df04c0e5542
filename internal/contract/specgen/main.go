// Command specgen encodes the contracts under internal/contract/data into
// contracts.bin, which the contract package embeds and decodes lazily (see
// static.go there for why and for the layout). Run after changing a
// contract:
//
//	go generate ./internal/contract
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/emrctl/emrctl/internal/contract"
)

func main() {
	data := flag.String("data", "data", "directory of the contract JSON files")
	out := flag.String("out", "contracts.bin", "file to write")
	flag.Parse()
	blob, err := Generate(*data)
	if err == nil {
		err = os.WriteFile(*out, blob, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

// Decode reads the JSON contract of p from dir.
func Decode(dir string, p contract.Product) (*contract.Spec, error) {
	raw, err := os.ReadFile(filepath.Join(dir, string(p)+".json"))
	if err != nil {
		return nil, err
	}
	var s contract.Spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	return &s, nil
}

// Generate returns contracts.bin for the contracts in dir: the string
// table, then the number of products and each one's name and tree.
func Generate(dir string) ([]byte, error) {
	st := &strtab{offsets: map[string]int{}}
	var products bytes.Buffer
	putUvarint(&products, len(contract.Products))
	for _, p := range contract.Products {
		s, err := Decode(dir, p)
		if err != nil {
			return nil, err
		}
		tree, err := encodeSpec(st, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		putBytes(&products, []byte(p))
		putBytes(&products, tree)
	}
	var out bytes.Buffer
	putBytes(&out, st.buf.Bytes())
	out.Write(products.Bytes())
	return out.Bytes(), nil
}

// strtab stores each distinct string once.
type strtab struct {
	buf     bytes.Buffer
	offsets map[string]int
}

// encoder writes one product's tree and counts what its decoder must
// allocate.
type encoder struct {
	st                            *strtab
	buf                           bytes.Buffer
	nodes, ptrs, strings, actions int
	// What of the counts is in response trees, which a decoder for
	// requests only skips.
	respNodes, respPtrs, respStrings int
	err                              error
}

func encodeSpec(st *strtab, s *contract.Spec) ([]byte, error) {
	e := &encoder{st: st}
	m := mask(s.Product != "", s.Version != "", s.Styles != nil, s.Endpoint.ProductID != "", s.Endpoint.Rule != "",
		s.Endpoint.Pattern != "", s.Endpoint.Map != nil, s.Actions != nil, s.Types != nil)
	e.uvarint(m)
	e.str(s.Product)
	e.str(s.Version)
	e.strList(s.Styles)
	e.str(s.Endpoint.ProductID)
	e.str(s.Endpoint.Rule)
	e.str(s.Endpoint.Pattern)
	if s.Endpoint.Map != nil {
		e.uvarint(len(s.Endpoint.Map))
		for _, k := range slices.Sorted(maps.Keys(s.Endpoint.Map)) {
			e.ref(k)
			e.ref(s.Endpoint.Map[k])
		}
	}
	if s.Actions != nil {
		e.uvarint(len(s.Actions))
		for _, a := range s.Actions {
			e.action(a)
		}
	}
	if s.Types != nil {
		e.uvarint(len(s.Types))
		for _, k := range slices.Sorted(maps.Keys(s.Types)) {
			e.ref(k)
			e.node(s.Types[k])
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	var out bytes.Buffer
	for _, n := range []int{e.nodes, e.ptrs, e.strings, e.actions, e.respNodes, e.respPtrs, e.respStrings} {
		putUvarint(&out, n)
	}
	out.Write(e.buf.Bytes())
	return out.Bytes(), nil
}

func (e *encoder) action(a *contract.Action) {
	if a == nil {
		e.err = fmt.Errorf("a null action")
		return
	}
	e.actions++
	strs := []string{a.Name, a.Summary, a.Version, a.Protocol, a.Method, a.Pathname, a.Style, a.AuthType, a.ReqBodyType, a.BodyType}
	present := make([]bool, 0, len(strs)+2)
	for _, s := range strs {
		present = append(present, s != "")
	}
	e.uvarint(mask(append(present, a.Params != nil, a.Response != nil)...))
	for _, s := range strs {
		e.str(s)
	}
	e.nodeList(a.Params)
	e.response(a.Response)
}

// response writes a response tree behind its length in bytes, so that a
// decoder can step over it.
func (e *encoder) response(l []*contract.Node) {
	if l == nil {
		return
	}
	sub := &encoder{st: e.st}
	sub.nodeList(l)
	if sub.err != nil {
		e.err = sub.err
	}
	e.nodes, e.ptrs, e.strings = e.nodes+sub.nodes, e.ptrs+sub.ptrs, e.strings+sub.strings
	e.respNodes, e.respPtrs, e.respStrings = e.respNodes+sub.nodes, e.respPtrs+sub.ptrs, e.respStrings+sub.strings
	e.uvarint(sub.buf.Len())
	e.buf.Write(sub.buf.Bytes())
}

func (e *encoder) node(n *contract.Node) {
	if n == nil {
		e.err = fmt.Errorf("a null node")
		return
	}
	e.nodes++
	e.uvarint(mask(n.Name != "", n.In != "", n.Serialization != "", n.Type != "", n.GoType != "", n.Ref != "",
		n.Required, n.Enum != nil, n.EnumNote != "", n.Default != "", n.Example != "", n.Description != "",
		n.Fields != nil, n.Items != nil, n.Values != nil))
	for _, s := range []string{n.Name, n.In, n.Serialization, n.Type, n.GoType, n.Ref} {
		e.str(s)
	}
	e.strList(n.Enum)
	for _, s := range []string{n.EnumNote, n.Default, n.Example, n.Description} {
		e.str(s)
	}
	e.nodeList(n.Fields)
	if n.Items != nil {
		e.node(n.Items)
	}
	if n.Values != nil {
		e.node(n.Values)
	}
}

func (e *encoder) nodeList(l []*contract.Node) {
	if l == nil {
		return
	}
	e.ptrs += len(l)
	e.uvarint(len(l))
	for _, n := range l {
		e.node(n)
	}
}

func (e *encoder) strList(l []string) {
	if l == nil {
		return
	}
	e.strings += len(l)
	e.uvarint(len(l))
	for _, s := range l {
		e.ref(s)
	}
}

// str writes s when it is present (not empty); the mask says which are.
func (e *encoder) str(s string) {
	if s != "" {
		e.ref(s)
	}
}

// ref writes a reference to s in the string table: offset and length.
func (e *encoder) ref(s string) {
	off, ok := e.st.offsets[s]
	if !ok {
		off = e.st.buf.Len()
		e.st.buf.WriteString(s)
		e.st.offsets[s] = off
	}
	e.uvarint(off)
	e.uvarint(len(s))
}

func (e *encoder) uvarint(v int) { putUvarint(&e.buf, v) }

func mask(bits ...bool) int {
	m := 0
	for i, b := range bits {
		if b {
			m |= 1 << i
		}
	}
	return m
}

func putUvarint(b *bytes.Buffer, v int) {
	b.Write(binary.AppendUvarint(nil, uint64(v)))
}

func putBytes(b *bytes.Buffer, p []byte) {
	putUvarint(b, len(p))
	b.Write(p)
}
