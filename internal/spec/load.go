package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSpecBytes bounds the input of Load; a cluster spec is a few KiB.
const MaxSpecBytes = 1 << 20

// Kinds of load issues, matched with errors.Is on a *LoadError.
var (
	ErrSyntax       = errors.New("syntax error")
	ErrUnknownField = errors.New("unknown field")
	ErrWrongType    = errors.New("wrong type")
	ErrVersion      = errors.New("unsupported apiVersion or kind")
	ErrUnsupported  = errors.New("unsupported construct")
)

// LoadIssue is one reason a spec could not be read.
type LoadIssue struct {
	Kind   error  `json:"-"`
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Message never contains a field's value, only names and positions.
	Message string `json:"message"`
	// Suggestion is the field path the writer probably meant, if any.
	Suggestion string `json:"suggestion,omitempty"`
}

// String renders "line N: path: message".
func (i LoadIssue) String() string {
	var b strings.Builder
	if i.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", i.Line)
	}
	if i.Path != "" {
		b.WriteString(i.Path + ": ")
	}
	b.WriteString(i.Message)
	return b.String()
}

// LoadError is returned by Load with every issue found in the input.
type LoadError struct {
	Issues []LoadIssue
}

// Error lists the issues.
func (e *LoadError) Error() string {
	parts := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		parts[i] = is.String()
	}
	return "spec: " + strings.Join(parts, "; ")
}

// Is matches the Kind of any issue (ErrUnknownField, ErrWrongType, ...).
func (e *LoadError) Is(target error) bool {
	for _, is := range e.Issues {
		if is.Kind == target {
			return true
		}
	}
	return false
}

// Load reads a spec from YAML or JSON bytes. Unknown fields, wrongly typed
// values, anchors, several documents and a wrong apiVersion or kind are all
// reported at once in a *LoadError, each with its field path and line, and a
// did-you-mean suggestion for near misses. Load applies no defaults.
func Load(data []byte) (*Cluster, error) {
	if len(data) > MaxSpecBytes {
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrUnsupported, Message: fmt.Sprintf("spec is larger than %d bytes", MaxSpecBytes)}}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrSyntax, Message: "spec is empty"}}}
	}
	data, err := jsonAsYAML(data)
	if err != nil {
		return nil, err
	}
	root, err := parseDocument(data)
	if err != nil {
		return nil, err
	}
	var issues []LoadIssue
	w := walker{root: reflect.TypeFor[Cluster](), issues: &issues}
	w.check(root, w.root, "")
	issues = append(issues, checkHeader(root)...)
	if len(issues) > 0 {
		return nil, &LoadError{Issues: issues}
	}
	var c Cluster
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, decodeError(err)
	}
	return &c, nil
}

// jsonAsYAML returns data unchanged unless it is JSON that yaml.v3 cannot
// parse as is (JSON is YAML 1.2, but yaml.v3 rejects a few escapes such as
// \/); such JSON is re-encoded, which keeps its meaning but not its lines.
func jsonAsYAML(data []byte) ([]byte, error) {
	trimmed := bytes.TrimSpace(data)
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return data, nil
	}
	if err := json.Unmarshal(data, new(any)); err != nil {
		is := LoadIssue{Kind: ErrSyntax, Message: "invalid JSON"}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			is.Line, is.Column = position(data, se.Offset)
			is.Message = "invalid JSON: " + se.Error()
		}
		return nil, &LoadError{Issues: []LoadIssue{is}}
	}
	var probe yaml.Node
	if yaml.Unmarshal(data, &probe) == nil {
		return data, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrSyntax, Message: "invalid JSON"}}}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrSyntax, Message: "invalid JSON"}}}
	}
	return out.Bytes(), nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// lineOf finds "line N" in a yaml.v3 message.
func lineOf(msg string) (line int, prefix string, ok bool) {
	m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(msg)
	if m == nil {
		return 0, "", false
	}
	line, _ = strconv.Atoi(m[1])
	return line, m[0], true
}

// parseDocument parses exactly one YAML document into a node tree.
func parseDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		is := LoadIssue{Kind: ErrSyntax, Message: msg}
		if line, prefix, ok := lineOf(msg); ok {
			is.Line = line
			is.Message = strings.TrimPrefix(strings.TrimPrefix(msg, prefix), ": ")
		}
		return nil, &LoadError{Issues: []LoadIssue{is}}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrUnsupported, Line: line, Message: "a spec file holds one document; found more than one"}}}
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, &LoadError{Issues: []LoadIssue{{Kind: ErrWrongType, Line: n.Line, Message: "a spec must be a mapping of fields (apiVersion, kind, name, ...)"}}}
	}
	return n, nil
}

// checkHeader checks apiVersion and kind on the node tree, so the issues
// carry lines.
func checkHeader(root *yaml.Node) []LoadIssue {
	var out []LoadIssue
	want := map[string]string{"apiVersion": APIVersion, "kind": KindCluster}
	for _, field := range []string{"apiVersion", "kind"} {
		v := mappingValue(root, field)
		switch {
		case v == nil:
			out = append(out, LoadIssue{Kind: ErrVersion, Path: field, Line: root.Line,
				Message: fmt.Sprintf("%s is required; set %s: %s", field, field, want[field])})
		case v.Kind == yaml.ScalarNode && v.Value != want[field]:
			out = append(out, LoadIssue{Kind: ErrVersion, Path: field, Line: v.Line, Column: v.Column,
				Message: fmt.Sprintf("%s must be %s", field, want[field])})
		}
	}
	return out
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// decodeError turns a yaml.v3 decode error into a LoadError without
// repeating the values yaml.v3 quotes in its messages.
func decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &LoadError{Issues: []LoadIssue{{Kind: ErrSyntax, Message: "cannot decode spec"}}}
	}
	var issues []LoadIssue
	for _, e := range te.Errors {
		is := LoadIssue{Kind: ErrWrongType, Message: "value has the wrong type"}
		is.Line, _, _ = lineOf(e)
		issues = append(issues, is)
	}
	return &LoadError{Issues: issues}
}

// walker checks a node tree against the Go types: unknown and duplicate
// fields, wrong node kinds, anchors. It collects every issue.
type walker struct {
	root   reflect.Type
	issues *[]LoadIssue
}

func (w walker) add(n *yaml.Node, kind error, path, msg, suggestion string) {
	*w.issues = append(*w.issues, LoadIssue{Kind: kind, Path: path, Line: n.Line, Column: n.Column, Message: msg, Suggestion: suggestion})
}

func (w walker) check(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		w.add(n, ErrUnsupported, path, "YAML anchors and aliases are not supported in a spec; write the values out", "")
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		w.checkStruct(n, t, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.add(n, ErrWrongType, path, "must be a list, e.g. [a, b]", "")
			return
		}
		for i, item := range n.Content {
			w.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.add(n, ErrWrongType, path, "must be a mapping of key: value", "")
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				w.add(k, ErrWrongType, path, "keys must be plain strings", "")
				continue
			}
			kp := fmt.Sprintf("%s[%s]", path, k.Value)
			if seen[k.Value] {
				w.add(k, ErrUnsupported, kp, "duplicate key", "")
			}
			seen[k.Value] = true
			w.check(v, t.Elem(), kp)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.add(n, ErrWrongType, path, "must be a string", "")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			w.add(n, ErrWrongType, path, "must be true or false", "")
		}
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			w.add(n, ErrWrongType, path, "must be a whole number", "")
			return
		}
		var v int
		if err := n.Decode(&v); err != nil {
			w.add(n, ErrWrongType, path, "number is out of range", "")
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			w.add(n, ErrWrongType, path, "must be a number", "")
		}
	}
}

func (w walker) checkStruct(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		w.add(n, ErrWrongType, path, "must be a mapping of fields", "")
		return
	}
	fields := yamlFields(t)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.add(k, ErrWrongType, path, "field names must be plain strings", "")
			continue
		}
		fp := joinPath(path, k.Value)
		f, ok := fields[k.Value]
		if !ok {
			msg, sugg := w.unknown(t, path, k.Value)
			w.add(k, ErrUnknownField, fp, msg, sugg)
			continue
		}
		if seen[k.Value] {
			w.add(k, ErrUnsupported, fp, "field is set twice", "")
		}
		seen[k.Value] = true
		w.check(v, f.Type, fp)
	}
}

// unknown explains an unknown field and suggests the one meant.
func (w walker) unknown(t reflect.Type, path, key string) (msg, suggestion string) {
	msg = fmt.Sprintf("unknown field %q", key)
	lower := strings.ToLower(key)
	if strings.Contains(lower, "password") || strings.Contains(lower, "secret") {
		envField := "passwordEnv"
		if _, ok := yamlFields(t)["masterRootPasswordEnv"]; ok {
			envField = "masterRootPasswordEnv"
		}
		if _, ok := yamlFields(t)[envField]; ok {
			return msg + "; a secret is never written in a spec: set " + envField +
				" to the name of the environment variable that holds it", joinPath(path, envField)
		}
		return msg + "; a secret is never written in a spec", ""
	}
	if s := suggestField(t, key); s != "" {
		return fmt.Sprintf("%s; did you mean %q?", msg, s), joinPath(path, s)
	}
	for _, k := range append([]string{key}, fieldAliases()[lower]...) {
		if s := findElsewhere(w.root, k); s != "" && s != joinPath(path, k) {
			return fmt.Sprintf("%s here; did you mean %q?", msg, s), s
		}
	}
	return msg, ""
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// yamlFields maps the yaml names of a struct's fields to the fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if name := yamlName(f); name != "" {
			out[name] = f
		}
	}
	return out
}

// yamlName returns the yaml key of a field, "" when it has none.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

// suggestField finds the field of t a misspelt or mis-cased key meant.
func suggestField(t reflect.Type, key string) string {
	fields := yamlFields(t)
	names := sortedKeys(fields)
	lower := strings.ToLower(key)
	for _, n := range names {
		if strings.ToLower(n) == lower {
			return n
		}
	}
	for _, target := range fieldAliases()[lower] {
		head, _, _ := strings.Cut(target, ".")
		if _, ok := fields[head]; ok {
			return target
		}
	}
	return closest(key, names)
}

// closest returns the candidate within a small edit distance of key.
func closest(key string, candidates []string) string {
	best, bestD := "", 1<<30
	limit := 1
	switch {
	case len(key) > 8:
		limit = 3
	case len(key) > 4:
		limit = 2
	}
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(key), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// fieldAliases maps names people (and the RunCluster API) use for spec
// fields to the spec's name, relative to the struct they appear in.
func fieldAliases() map[string][]string {
	one := map[string]string{
		"emrversion":            "releaseVersion",
		"version":               "releaseVersion",
		"release":               "releaseVersion",
		"releaselabel":          "releaseVersion",
		"deploymentmode":        "deployMode",
		"clustername":           "name",
		"paymenttype":           "payment.type",
		"subscriptionconfig":    "payment.subscription",
		"paymentduration":       "duration",
		"paymentdurationunit":   "unit",
		"autorenewdurationunit": "autoRenewUnit",
		"nodeattributes":        "network",
		"vpc":                   "vpcId",
		"zone":                  "zoneId",
		"securitygroup":         "securityGroupId",
		"vswitch":               "vSwitchIds",
		"vswitchid":             "vSwitchIds",
		"vswitches":             "vSwitchIds",
		"keypair":               "keyPairName",
		"ramrolename":           "ramRole",
		"nodegroupname":         "name",
		"nodegrouptype":         "role",
		"nodecount":             "count",
		"instancecount":         "count",
		"instancetype":          "instanceTypes",
		"withpublicip":          "publicIp",
		"spotstrategy":          "spot.strategy",
		"spotbidprices":         "spot.bidPrices",
		"noderesizestrategy":    "resizeStrategy",
		"costoptimizedconfig":   "costOptimized",
		"privatepooloptions":    "privatePool",
		"applicationname":       "application",
		"configfilename":        "file",
		"configitemkey":         "key",
		"configitemvalue":       "value",
		"configscope":           "scope",
		"scriptname":            "name",
		"scriptpath":            "path",
		"scriptargs":            "args",
		"executionmoment":       "moment",
		"executionfailstrategy": "failStrategy",
		"nodeselecttype":        "type",
		"applicationconfig":     "applicationConfigs",
		"bootstrapactions":      "bootstrapScripts",
		"instancegroups":        "nodeGroups",
		"ossrooturi":            "ossHdfs.rootUri",
		"hivemetastore":         "metastore",
		"jdbcurl":               "url",
		"user":                  "username",
		"nodegroups":            "nodeGroups",
	}
	out := map[string][]string{"type": {"clusterType", "role"}}
	for k, v := range one {
		out[k] = append(out[k], v)
	}
	return out
}

// findElsewhere looks for a field named key anywhere in the spec tree and
// returns the shallowest path to it, e.g. "network.vpcId" for "vpcId".
func findElsewhere(root reflect.Type, key string) string {
	type item struct {
		t    reflect.Type
		path string
	}
	lower := strings.ToLower(key)
	queue := []item{{root, ""}}
	visited := map[reflect.Type]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		t := it.t
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || visited[t] {
			continue
		}
		visited[t] = true
		fields := yamlFields(t)
		for _, name := range sortedKeys(fields) {
			if strings.ToLower(name) == lower {
				return joinPath(it.path, name)
			}
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if name := yamlName(f); name != "" {
				p := joinPath(it.path, name)
				if f.Type.Kind() == reflect.Slice {
					p += "[]"
				}
				queue = append(queue, item{f.Type, p})
			}
		}
	}
	return ""
}

// maxSuggestLen bounds the names suggestions are computed for, so a
// hostile input cannot make Load quadratic.
const maxSuggestLen = 64

// levenshtein is the edit distance of two short strings, counting a swap
// of neighbours as one edit (optimal string alignment).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxSuggestLen || len(rb) > maxSuggestLen {
		return 1 << 30
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// optional reports whether a field's yaml tag has omitempty; fields without
// it are required.
func optional(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return strings.Contains(opts, "omitempty")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
