package contract

import (
	_ "embed" // the contracts, encoded by specgen
	"fmt"
	"sync"
	"sync/atomic"
)

//go:generate go run ./specgen -data data -out contracts.bin

// contractsBin holds every contract, encoded by specgen: a string table,
// then per product a tree of field masks, counts and string references
// (uvarints). It has no pointers, so the garbage collector never scans it,
// and a command decodes only the products it uses: the strings of a
// decoded contract point into this blob, and its nodes and actions come
// from one allocation each.
//
//go:embed contracts.bin
var contractsBin string

// lazySpec is one product's contract, decoded on its first Load, and its
// requests-only form, decoded on the first LoadRequests before any Load.
type lazySpec struct {
	once sync.Once
	spec *Spec
	err  error
	done atomic.Bool // spec and err are set

	reqOnce sync.Once
	req     *Spec
	reqErr  error
}

var emrSpec, sparkSpec, vpcSpec, ecsSpec lazySpec

// lazyOf returns the slot of p, or nil for an unknown product. A switch,
// not a map: a map variable would be built at every start of the binary.
func lazyOf(p Product) *lazySpec {
	switch p {
	case EMR:
		return &emrSpec
	case Spark:
		return &sparkSpec
	case VPC:
		return &vpcSpec
	case ECS:
		return &ecsSpec
	}
	return nil
}

// The node, action and spec fields in the order specgen writes them; a
// bit of a mask says the field is present (a string not empty, a slice or
// map not nil).
const (
	specProduct = 1 << iota
	specVersion
	specStyles
	specProductID
	specRule
	specPattern
	specMap
	specActions
	specTypes
)

// Action fields: ten strings, from Name to BodyType, then two lists.
const (
	actionStrings  = 10
	actionParams   = 1 << actionStrings
	actionResponse = 1 << (actionStrings + 1)
)

const (
	nodeName = 1 << iota
	nodeIn
	nodeSerialization
	nodeType
	nodeGoType
	nodeRef
	nodeRequired
	nodeEnum
	nodeEnumNote
	nodeDefault
	nodeExample
	nodeDescription
	nodeFields
	nodeItems
	nodeValues
)

// decode decodes p's contract, without the response trees when
// requestsOnly. A panic here means contracts.bin is damaged.
func decode(p Product, requestsOnly bool) (s *Spec, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("contract: decode %s: %v", p, r)
		}
	}()
	strs, tree, ok := section(contractsBin, string(p))
	if !ok {
		return nil, fmt.Errorf("contract: %s is not in contracts.bin; run go generate ./internal/contract", p)
	}
	s = decodeSpec(strs, tree, requestsOnly)
	s.index()
	return s, nil
}

// section finds the string table and p's tree in the blob.
func section(blob, p string) (strs, tree string, ok bool) {
	r := &reader{data: blob}
	strs = r.bytes()
	for n := r.uvarint(); n > 0; n-- {
		name, t := r.bytes(), r.bytes()
		if name == p {
			return strs, t, true
		}
	}
	return "", "", false
}

// reader walks an encoded tree.
type reader struct {
	data         string
	pos          int
	strs         string
	requestsOnly bool // step over response trees

	nodes   []Node
	ptrs    []*Node
	strings []string
}

func (r *reader) uvarint() int {
	var v, shift int
	for {
		b := r.data[r.pos]
		r.pos++
		v |= int(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
		shift += 7
	}
}

// bytes reads a length and that many bytes of the data itself.
func (r *reader) bytes() string {
	n := r.uvarint()
	s := r.data[r.pos : r.pos+n]
	r.pos += n
	return s
}

// str reads a reference into the string table.
func (r *reader) str() string {
	off := r.uvarint()
	return r.strs[off : off+r.uvarint()]
}

func (r *reader) strIf(mask, bit int) string {
	if mask&bit == 0 {
		return ""
	}
	return r.str()
}

func (r *reader) strList() []string {
	n := r.uvarint()
	l := r.strings[:n:n]
	r.strings = r.strings[n:]
	for i := range l {
		l[i] = r.str()
	}
	return l
}

func decodeSpec(strs, tree string, requestsOnly bool) *Spec {
	r := &reader{data: tree, strs: strs, requestsOnly: requestsOnly}
	nodes, ptrs, strings, nActions := r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()
	if respNodes, respPtrs, respStrings := r.uvarint(), r.uvarint(), r.uvarint(); requestsOnly {
		nodes, ptrs, strings = nodes-respNodes, ptrs-respPtrs, strings-respStrings
	}
	r.nodes = make([]Node, nodes)
	r.ptrs = make([]*Node, ptrs)
	r.strings = make([]string, strings)
	actions := make([]Action, nActions)
	m := r.uvarint()
	s := &Spec{Product: r.strIf(m, specProduct), Version: r.strIf(m, specVersion)}
	if m&specStyles != 0 {
		s.Styles = r.strList()
	}
	s.Endpoint.ProductID = r.strIf(m, specProductID)
	s.Endpoint.Rule = r.strIf(m, specRule)
	s.Endpoint.Pattern = r.strIf(m, specPattern)
	if m&specMap != 0 {
		n := r.uvarint()
		s.Endpoint.Map = make(map[string]string, n)
		for range n {
			k := r.str()
			s.Endpoint.Map[k] = r.str()
		}
	}
	if m&specActions != 0 {
		s.Actions = make([]*Action, r.uvarint())
		for i := range s.Actions {
			s.Actions[i] = &actions[i]
			r.action(&actions[i])
		}
	}
	if m&specTypes != 0 {
		n := r.uvarint()
		s.Types = make(map[string]*Node, n)
		for range n {
			k := r.str()
			s.Types[k] = r.node()
		}
	}
	return s
}

func (r *reader) action(a *Action) {
	m := r.uvarint()
	for i, f := range []*string{&a.Name, &a.Summary, &a.Version, &a.Protocol, &a.Method, &a.Pathname, &a.Style, &a.AuthType, &a.ReqBodyType, &a.BodyType} {
		*f = r.strIf(m, 1<<i)
	}
	if m&actionParams != 0 {
		a.Params = r.nodeList()
	}
	if m&actionResponse != 0 {
		size := r.uvarint()
		if r.requestsOnly {
			r.pos += size
		} else {
			a.Response = r.nodeList()
		}
	}
}

func (r *reader) nodeList() []*Node {
	n := r.uvarint()
	l := r.ptrs[:n:n]
	r.ptrs = r.ptrs[n:]
	for i := range l {
		l[i] = r.node()
	}
	return l
}

func (r *reader) node() *Node {
	n := &r.nodes[0]
	r.nodes = r.nodes[1:]
	m := r.uvarint()
	n.Name = r.strIf(m, nodeName)
	n.In = r.strIf(m, nodeIn)
	n.Serialization = r.strIf(m, nodeSerialization)
	n.Type = r.strIf(m, nodeType)
	n.GoType = r.strIf(m, nodeGoType)
	n.Ref = r.strIf(m, nodeRef)
	n.Required = m&nodeRequired != 0
	if m&nodeEnum != 0 {
		n.Enum = r.strList()
	}
	n.EnumNote = r.strIf(m, nodeEnumNote)
	n.Default = r.strIf(m, nodeDefault)
	n.Example = r.strIf(m, nodeExample)
	n.Description = r.strIf(m, nodeDescription)
	if m&nodeFields != 0 {
		n.Fields = r.nodeList()
	}
	if m&nodeItems != 0 {
		n.Items = r.node()
	}
	if m&nodeValues != 0 {
		n.Values = r.node()
	}
	return n
}
