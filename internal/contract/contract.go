// Package contract loads the wire contracts of the Alibaba Cloud APIs that
// emrctl speaks (EMR 2021-03-20, EMR Serverless Spark 2023-08-08 and the VPC
// and ECS subsets used for prerequisite checks).
//
// The JSON files under data/ are generated from the official SDK sources and
// never edited by hand: copied from the project's shared contracts, with the
// ECS actions of the gateway machine checks added by tools/contractgen from
// the same SDK commit (data/README.md says how). Both
// the emulator (to decode and check requests) and the aliyun provider (to
// place parameters on the wire) read them, so the two cannot drift apart.
// The binary carries them in a compact encoding generated from the JSON
// (contracts.bin, go generate ./internal/contract), so a command parses no
// JSON and decodes only the products it calls.
package contract

import (
	"fmt"
	"sort"
)

// Product names a contract file.
type Product string

// The products emrctl has contracts for.
const (
	EMR   Product = "emr-20210320"
	Spark Product = "emr-serverless-spark-20230808"
	VPC   Product = "vpc-20160428"
	ECS   Product = "ecs-20140526"
)

// Products lists every product with a contract, in a stable order.
var Products = []Product{EMR, Spark, VPC, ECS}

// Spec is one product's contract.
type Spec struct {
	Product  string           `json:"product"`
	Version  string           `json:"version"`
	Styles   []string         `json:"styles"`
	Endpoint Endpoint         `json:"endpoint"`
	Actions  []*Action        `json:"actions"`
	Types    map[string]*Node `json:"types"`

	byName map[string]*Action
}

// Endpoint describes how the SDK resolves a product's host name.
type Endpoint struct {
	ProductID string            `json:"productId"`
	Rule      string            `json:"rule"`
	Pattern   string            `json:"pattern"`
	Map       map[string]string `json:"map"`
}

// Action is one API operation with the exact placement of its parameters.
type Action struct {
	Name        string  `json:"name"`
	Summary     string  `json:"summary"`
	Version     string  `json:"version"`
	Protocol    string  `json:"protocol"`
	Method      string  `json:"method"`
	Pathname    string  `json:"pathname"`
	Style       string  `json:"style"`
	AuthType    string  `json:"authType"`
	ReqBodyType string  `json:"reqBodyType"`
	BodyType    string  `json:"bodyType"`
	Params      []*Node `json:"params"`
	Response    []*Node `json:"response"`

	spec    *Spec
	byParam map[string]*Node
}

// Node describes a parameter or a field at any depth.
type Node struct {
	Name          string   `json:"name"`
	In            string   `json:"in,omitempty"`
	Serialization string   `json:"serialization,omitempty"`
	Type          string   `json:"type"`
	GoType        string   `json:"goType,omitempty"`
	Ref           string   `json:"ref,omitempty"`
	Required      bool     `json:"required,omitempty"`
	Enum          []string `json:"enum,omitempty"`
	EnumNote      string   `json:"enumNote,omitempty"`
	Default       string   `json:"default,omitempty"`
	Example       string   `json:"example,omitempty"`
	Description   string   `json:"description,omitempty"`
	Fields        []*Node  `json:"fields,omitempty"`
	Items         *Node    `json:"items,omitempty"`
	Values        *Node    `json:"values,omitempty"`
}

// Parameter placements and serializations, as named in the contract files.
const (
	InQuery = "query"
	InBody  = "body"
	InPath  = "path"

	SerPlain    = "plain"
	SerFlat     = "flat"
	SerJSON     = "json"
	SerSimple   = "simple"
	SerJSONBody = "jsonBody"
	SerPath     = "path"
)

// Load returns the contract of p. Only p's contract is decoded, on its
// first Load. The contracts are embedded, so an error here is a build
// defect (or an unknown product), not a user error.
func Load(p Product) (*Spec, error) {
	l := lazyOf(p)
	if l == nil {
		return nil, fmt.Errorf("contract: unknown product %q", p)
	}
	l.once.Do(func() {
		l.spec, l.err = decode(p, false)
		l.done.Store(true)
	})
	return l.spec, l.err
}

// LoadRequests returns the contract of p for putting requests on the
// wire: every action with its Params, the shared types and the endpoint,
// but the response trees may be left out (Action.Response nil). That is
// most of a contract, so a client that only sends requests decodes a
// fraction of what Load does. Once Load has run, it returns Load's spec.
func LoadRequests(p Product) (*Spec, error) {
	l := lazyOf(p)
	if l == nil {
		return nil, fmt.Errorf("contract: unknown product %q", p)
	}
	if l.done.Load() {
		return l.spec, l.err
	}
	l.reqOnce.Do(func() { l.req, l.reqErr = decode(p, true) })
	return l.req, l.reqErr
}

// MustLoad is Load for package-level initialisation, where a failure is a
// programmer error (the contracts are compiled into the binary).
func MustLoad(p Product) *Spec {
	s, err := Load(p)
	if err != nil {
		panic(err)
	}
	return s
}

func (s *Spec) index() {
	s.byName = make(map[string]*Action, len(s.Actions))
	for _, a := range s.Actions {
		a.spec = s
		a.byParam = make(map[string]*Node, len(a.Params))
		for _, p := range a.Params {
			a.byParam[p.Name] = p
		}
		s.byName[a.Name] = a
	}
}

// Action returns the named action, or nil.
func (s *Spec) Action(name string) *Action {
	return s.byName[name]
}

// ActionNames returns every action name, sorted.
func (s *Spec) ActionNames() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Param returns the named top-level parameter, or nil.
func (a *Action) Param(name string) *Node {
	return a.byParam[name]
}

// Spec returns the contract the action belongs to.
func (a *Action) Spec() *Spec { return a.spec }

// Resolve returns the node that describes n's members: n itself, or the
// shared type it refers to. Reference nodes in the contract carry only the
// type name, so every walk over fields goes through Resolve.
func (s *Spec) Resolve(n *Node) *Node {
	if n == nil || n.Ref == "" || len(n.Fields) > 0 {
		return n
	}
	if t, ok := s.Types[n.Ref]; ok {
		return &Node{
			Name: n.Name, In: n.In, Serialization: n.Serialization,
			Type: n.Type, GoType: n.GoType, Ref: n.Ref, Required: n.Required,
			Description: n.Description, Fields: t.Fields, Items: t.Items, Values: t.Values,
		}
	}
	return n
}

// Field returns the member of an object node with the given name, or nil.
func (s *Spec) Field(n *Node, name string) *Node {
	for _, f := range s.Resolve(n).Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}
