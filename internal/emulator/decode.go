package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/contract"
)

// legacyRPCParams are the common parameters of the v2 (HMAC-SHA1) RPC
// signature, which travel with the action's own parameters.
var legacyRPCParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "Timestamp": true,
	"SignatureNonce": true, "SignatureMethod": true, "SignatureVersion": true,
	"AccessKeyId": true, "Signature": true, "SecurityToken": true, "SignatureType": true,
}

// rpcParams gathers the parameters of an RPC request from the query string
// and, for form bodies, the body. The real gateway reads both, so a client
// that puts a body parameter in the query (as the aliyun CLI does) works.
func rpcParams(q url.Values, form url.Values) (map[string]string, *apiError) {
	out := make(map[string]string, len(q)+len(form))
	for _, src := range []url.Values{q, form} {
		for k, vs := range src {
			if legacyRPCParams[k] {
				continue
			}
			if len(vs) > 1 {
				return nil, errInvalidParameter("parameter %s was given %d times; give it once", k, len(vs))
			}
			if _, dup := out[k]; dup {
				return nil, errInvalidParameter("parameter %s was given in both the query string and the body; give it once", k)
			}
			out[k] = vs[0]
		}
	}
	return out, nil
}

// decodeRPC turns the flat key/value parameters of an RPC request into a
// typed tree following the action's contract: plain values are converted to
// their type, flat values (Name.1.Field) are rebuilt into lists and objects,
// and JSON-shrunk values are parsed. Anything the contract does not describe
// is refused, naming the parameter.
func decodeRPC(spec *contract.Spec, a *contract.Action, kv map[string]string) (map[string]any, *apiError) {
	groups := map[string]map[string]string{} // param name -> flat suffix -> value
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, rest, flat := strings.Cut(k, ".")
		p := a.Param(name)
		if p == nil {
			return nil, unknownParam(a, name)
		}
		if flat && p.Serialization != contract.SerFlat {
			return nil, errInvalidParameter("%s must be one %s value, not flattened keys like %s; %s", name, describeSer(p), k, serHint(p))
		}
		if !flat && p.Serialization == contract.SerFlat && (p.Type == "array" || p.Type == "object" || p.Type == "map") {
			return nil, errInvalidParameter("%s must use the flat format (%s), not a single value; Flat format is required", name, flatExample(spec, p))
		}
		if groups[name] == nil {
			groups[name] = map[string]string{}
		}
		groups[name][rest] = kv[k]
	}

	out := make(map[string]any, len(groups))
	for _, name := range sortedKeys(groups) {
		vals := groups[name]
		p := a.Param(name)
		var v any
		var err *apiError
		switch p.Serialization {
		case contract.SerFlat:
			v, err = unflatten(spec, p, name, vals)
		case contract.SerJSON:
			v, err = parseJSONParam(spec, p, name, vals[""])
		case contract.SerSimple:
			v, err = parseSimple(spec, p, name, vals[""])
		default:
			v, err = scalar(p, name, vals[""])
		}
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	if err := checkRequired(spec, a.Params, out, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeJSONBody decodes the JSON body members of an ROA request.
func decodeJSONBody(spec *contract.Spec, a *contract.Action, body []byte, out map[string]any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return errInvalidParameter("the request body is not a JSON object: %v", err)
	}
	for name, msg := range raw {
		p := a.Param(name)
		if p == nil || p.In != contract.InBody {
			return unknownParam(a, name)
		}
		var v any
		d := json.NewDecoder(bytes.NewReader(msg))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return errInvalidParameter("%s is not valid JSON: %v", name, err)
		}
		tv, err := typed(spec, p, name, numbersAsText(spec, p, v), refuseUnknown)
		if err != nil {
			return err
		}
		out[name] = tv
	}
	return nil
}

// numbersAsText turns a JSON number into its text wherever the contract
// says string. The ROA service binds JSON bodies as Jackson does, which
// takes 8 for a string field: the skill's own CreateWorkspace example
// sends "resourceSpec":{"cu":8} for the string member cu.
func numbersAsText(spec *contract.Spec, n *contract.Node, v any) any {
	rn := spec.Resolve(n)
	if rn == nil {
		return v
	}
	switch x := v.(type) {
	case json.Number:
		if rn.Type == "string" {
			return x.String()
		}
	case []any:
		if rn.Type == "array" {
			for i := range x {
				x[i] = numbersAsText(spec, rn.Items, x[i])
			}
		}
	case map[string]any:
		if rn.Type == "object" {
			for k, e := range x {
				if f := spec.Field(rn, k); f != nil {
					x[k] = numbersAsText(spec, f, e)
				}
			}
		}
	}
	return v
}

func unknownParam(a *contract.Action, name string) *apiError {
	msg := fmt.Sprintf("%s is not a parameter of %s", name, a.Name)
	if s := suggest(name, paramNames(a.Params)); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", s)
	}
	return errInvalidParameter("%s", msg)
}

func paramNames(ns []*contract.Node) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return out
}

// suggest returns the known name closest to name, if it is close enough to
// be a likely typo (EmrVersion is not close to ReleaseVersion; ZoneID is
// close to ZoneId).
func suggest(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return k
		}
		if d := editDistance(strings.ToLower(k), strings.ToLower(name)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func describeSer(p *contract.Node) string {
	switch p.Serialization {
	case contract.SerJSON:
		return "JSON string"
	case contract.SerSimple:
		return "comma-separated"
	}
	return "plain"
}

func serHint(p *contract.Node) string {
	if p.Serialization == contract.SerJSON {
		return fmt.Sprintf("send %s as a JSON string, e.g. %s=[{...}]", p.Name, p.Name)
	}
	return fmt.Sprintf("send %s as a single value", p.Name)
}

func flatExample(spec *contract.Spec, p *contract.Node) string {
	n := spec.Resolve(p)
	switch n.Type {
	case "array":
		it := spec.Resolve(n.Items)
		if it != nil && len(it.Fields) > 0 {
			return fmt.Sprintf("%s.1.%s=...", p.Name, it.Fields[0].Name)
		}
		return p.Name + ".1=..."
	case "object":
		if len(n.Fields) > 0 {
			return fmt.Sprintf("%s.%s=...", p.Name, n.Fields[0].Name)
		}
	}
	return p.Name + ".Key=..."
}

// unflatten rebuilds one flat parameter (its keys with the name stripped)
// into a tree, walking the contract node at every level.
func unflatten(spec *contract.Spec, p *contract.Node, name string, vals map[string]string) (any, *apiError) {
	root := &flatNode{}
	for suffix, v := range vals {
		if suffix == "" {
			return nil, errInvalidParameter("%s must use the flat format (%s)", name, flatExample(spec, p))
		}
		cur := root
		for _, seg := range strings.Split(suffix, ".") {
			if cur.set {
				// Name.X=1 and Name.X.Y=2: X cannot be a value and an object.
				return nil, errInvalidParameter("%s.%s conflicts with another key of %s", name, suffix, name)
			}
			if cur.kids == nil {
				cur.kids = map[string]*flatNode{}
			}
			next := cur.kids[seg]
			if next == nil {
				next = &flatNode{}
				cur.kids[seg] = next
			}
			cur = next
		}
		if cur.kids != nil || cur.set {
			return nil, errInvalidParameter("%s.%s conflicts with another key of %s", name, suffix, name)
		}
		cur.val, cur.set = v, true
	}
	return buildFlat(spec, p, name, root)
}

type flatNode struct {
	val  string
	set  bool
	kids map[string]*flatNode
}

func buildFlat(spec *contract.Spec, n *contract.Node, path string, f *flatNode) (any, *apiError) {
	rn := spec.Resolve(n)
	switch rn.Type {
	case "array":
		if f.set || f.kids == nil {
			return nil, errInvalidParameter("%s is a list; give its elements as %s.1, %s.2, ...", path, path, path)
		}
		items := make([]any, len(f.kids))
		for k, kid := range f.kids {
			i, err := strconv.Atoi(k)
			if err != nil || i < 1 || i > len(f.kids) {
				return nil, errInvalidParameter("%s.%s: list elements are numbered 1 to N without gaps", path, k)
			}
			v, aerr := buildFlat(spec, rn.Items, fmt.Sprintf("%s.%d", path, i), kid)
			if aerr != nil {
				return nil, aerr
			}
			items[i-1] = v
		}
		return items, nil
	case "object":
		if f.set || f.kids == nil {
			return nil, errInvalidParameter("%s is an object; give its members as %s.<Member>", path, path)
		}
		obj := make(map[string]any, len(f.kids))
		for _, k := range sortedKeys(f.kids) {
			kid := f.kids[k]
			fn := spec.Field(rn, k)
			if fn == nil {
				return nil, unknownField(spec, rn, path, k)
			}
			v, aerr := buildFlat(spec, fn, path+"."+k, kid)
			if aerr != nil {
				return nil, aerr
			}
			obj[k] = v
		}
		if err := checkRequired(spec, rn.Fields, obj, path); err != nil {
			return nil, err
		}
		return obj, nil
	case "map":
		if f.set || f.kids == nil {
			return nil, errInvalidParameter("%s is a map; give its entries as %s.<Key>", path, path)
		}
		m := make(map[string]any, len(f.kids))
		for _, k := range sortedKeys(f.kids) {
			kid := f.kids[k]
			v, aerr := buildFlat(spec, rn.Values, path+"."+k, kid)
			if aerr != nil {
				return nil, aerr
			}
			m[k] = v
		}
		return m, nil
	}
	if !f.set || f.kids != nil {
		return nil, errInvalidParameter("%s is a single %s value, not an object or list", path, rn.Type)
	}
	return scalar(rn, path, f.val)
}

func unknownField(spec *contract.Spec, obj *contract.Node, path, name string) *apiError {
	msg := fmt.Sprintf("%s.%s is not a valid field", path, name)
	if s := suggest(name, paramNames(spec.Resolve(obj).Fields)); s != "" {
		msg += fmt.Sprintf("; did you mean %s.%s?", path, s)
	}
	return errInvalidParameter("%s", msg)
}

// scalar converts the text of a plain value to the contract type.
func scalar(n *contract.Node, path, s string) (any, *apiError) {
	switch n.Type {
	case "integer":
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, errInvalidParameter("%s must be an integer, got %q", path, s)
		}
		return i, nil
	case "number":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, errInvalidParameter("%s must be a number, got %q", path, s)
		}
		return f, nil
	case "boolean":
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, errInvalidParameter("%s must be true or false, got %q", path, s)
	case "string", "any":
		return s, nil
	}
	return nil, errInvalidParameter("%s must be a %s, not a single value", path, n.Type)
}

func parseJSONParam(spec *contract.Spec, p *contract.Node, name, text string) (any, *apiError) {
	var v any
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, errInvalidParameter("%s must be a JSON string (InvalidJSON parsing error, %s): %v", name, name, err)
	}
	if d.More() {
		return nil, errInvalidParameter("%s has trailing data after its JSON value", name)
	}
	return typed(spec, p, name, v, ignoreUnknown)
}

func parseSimple(spec *contract.Spec, p *contract.Node, name, text string) (any, *apiError) {
	parts := strings.Split(text, ",")
	items := make([]any, 0, len(parts))
	for i, s := range parts {
		v, err := scalar(spec.Resolve(p.Items), fmt.Sprintf("%s.%d", name, i+1), s)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	return items, nil
}

// unknownMembers says what typed does with an object member the contract
// does not list.
type unknownMembers int

const (
	// refuseUnknown answers InvalidParameter naming the member.
	refuseUnknown unknownMembers = iota
	// ignoreUnknown drops the member, as the real service does inside a
	// JSON-encoded (shrunk) parameter. The EMR skill's API reference says
	// of RunCluster's JSON parameters: "Wrong field names cause silent
	// `MissingXxx` errors that look like structural failures but are
	// actually typos." (alibabacloud-emr-cluster-manage/references/
	// api-reference.md). So NodeAttributes {"ZoneID": ...} answers
	// MissingZoneId, and a misspelt optional member is simply lost.
	ignoreUnknown
)

// typed checks a decoded JSON value against a contract node, converting
// numbers to int64 or float64. Unknown object members are refused or
// ignored as unknown says.
func typed(spec *contract.Spec, n *contract.Node, path string, v any, unknown unknownMembers) (any, *apiError) {
	rn := spec.Resolve(n)
	if v == nil {
		return nil, nil
	}
	switch rn.Type {
	case "array":
		list, ok := v.([]any)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON array", path)
		}
		out := make([]any, len(list))
		for i, e := range list {
			tv, err := typed(spec, rn.Items, fmt.Sprintf("%s.%d", path, i+1), e, unknown)
			if err != nil {
				return nil, err
			}
			out[i] = tv
		}
		return out, nil
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON object", path)
		}
		if len(rn.Fields) == 0 {
			return obj, nil
		}
		out := make(map[string]any, len(obj))
		var ignored []string
		for _, k := range sortedKeys(obj) {
			e := obj[k]
			fn := spec.Field(rn, k)
			if fn == nil && unknown == ignoreUnknown {
				ignored = append(ignored, k)
				continue
			}
			if fn == nil {
				return nil, unknownField(spec, rn, path, k)
			}
			tv, err := typed(spec, fn, path+"."+k, e, unknown)
			if err != nil {
				return nil, err
			}
			out[k] = tv
		}
		if err := checkRequired(spec, rn.Fields, out, path); err != nil {
			return nil, withIgnoredHint(err, path, ignored)
		}
		return out, nil
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON object", path)
		}
		out := make(map[string]any, len(obj))
		for _, k := range sortedKeys(obj) {
			e := obj[k]
			tv, err := typed(spec, rn.Values, path+"."+k, e, unknown)
			if err != nil {
				return nil, err
			}
			out[k] = tv
		}
		return out, nil
	case "integer":
		num, ok := v.(json.Number)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON integer, got %s", path, jsonKind(v))
		}
		i, err := num.Int64()
		if err != nil {
			f, ferr := num.Float64()
			if ferr != nil || f != math.Trunc(f) {
				return nil, errInvalidParameter("%s must be an integer, got %s", path, num)
			}
			i = int64(f)
		}
		return i, nil
	case "number":
		num, ok := v.(json.Number)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON number, got %s", path, jsonKind(v))
		}
		f, err := num.Float64()
		if err != nil {
			return nil, errInvalidParameter("%s must be a number, got %s", path, num)
		}
		return f, nil
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON boolean, got %s", path, jsonKind(v))
		}
		return b, nil
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, errInvalidParameter("%s must be a JSON string, got %s", path, jsonKind(v))
		}
		return s, nil
	}
	return v, nil
}

// withIgnoredHint adds to a Missing<Member> error the ignored member that
// looks like a misspelling of the missing one. The code stays the real
// service's; only the message helps.
func withIgnoredHint(err *apiError, path string, ignored []string) *apiError {
	missing := strings.TrimPrefix(err.Code, "Missing")
	for _, k := range ignored {
		if suggest(k, []string{missing}) != "" {
			return newError(err.Status, err.Code, "%s; %s.%s is not a member and was ignored: did you mean %s.%s?", err.Message, path, k, path, missing)
		}
	}
	return err
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// checkRequired reports the first required member missing from obj. Top
// level parameters are MissingParameter; nested members use the
// Missing<Field> codes the real service returns (MissingSecurityGroupId).
func checkRequired(spec *contract.Spec, fields []*contract.Node, obj map[string]any, path string) *apiError {
	for _, f := range fields {
		if !f.Required || f.In == contract.InPath {
			continue
		}
		if _, ok := obj[f.Name]; ok {
			continue
		}
		if path == "" {
			return errMissing("MissingParameter", "%s is mandatory for this action", f.Name)
		}
		return errMissing("Missing"+upperFirst(f.Name), "%s.%s is mandatory", path, f.Name)
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// bind copies a decoded tree into a wire struct.
func bind(tree map[string]any, into any) error {
	raw, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, into)
}

// sortedKeys makes decoding visit members in a fixed order, so a request
// with several mistakes always reports the same one first.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
