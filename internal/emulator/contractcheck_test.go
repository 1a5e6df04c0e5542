package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/contract"
)

// Checks of what crossed the wire against the contract: the request's
// parameter names and encodings, and the response's field names and JSON
// types at every depth.

// wireProblems lists every way the request of e departs from action a's
// contract. It returns the top-level parameter names it saw.
func wireProblems(spec *contract.Spec, a *contract.Action, e exchange) ([]string, map[string]bool) {
	var probs []string
	seen := map[string]bool{}
	for _, part := range []struct {
		in   string
		vals url.Values
	}{{contract.InQuery, e.query}, {contract.InBody, e.form}} {
		keys := make([]string, 0, len(part.vals))
		for k := range part.vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if gatewayParam(a, part.in, k) {
				continue
			}
			if p := keyProblem(spec, a, part.in, k, part.vals[k]); p != "" {
				probs = append(probs, p)
			}
			name, _, _ := strings.Cut(k, ".")
			seen[name] = true
		}
	}
	probs = append(probs, jsonBodyProblems(spec, a, e.json, seen)...)
	if a.Style == "ROA" {
		probs = append(probs, pathProblems(a, e.path, seen)...)
	}
	return probs, seen
}

// gatewayParam reports the regionId query parameter of an ROA action whose
// SDK model lacks it: the gateway reads it on every action, and the Spark
// skill appends it to every write.
func gatewayParam(a *contract.Action, in, key string) bool {
	return a.Style == "ROA" && in == contract.InQuery && key == "regionId" && a.Param("regionId") == nil
}

// jsonBodyProblems checks every member of a JSON body (ROA) against the
// contract's body parameters, at every depth.
func jsonBodyProblems(spec *contract.Spec, a *contract.Action, body map[string]any, seen map[string]bool) []string {
	var probs []string
	for _, k := range sortedKeys(body) {
		p := a.Param(k)
		switch {
		case p == nil:
			probs = append(probs, fmt.Sprintf("body member %s: not a parameter of %s", k, a.Name))
		case p.In != contract.InBody:
			probs = append(probs, fmt.Sprintf("body member %s: the contract puts it in the %s", k, p.In))
		default:
			probs = append(probs, valueProblems(spec, p, body[k], "body."+k)...)
		}
		seen[k] = true
	}
	return probs
}

// pathProblems checks an ROA request path against the action's template
// and marks its path parameters seen.
func pathProblems(a *contract.Action, path string, seen map[string]bool) []string {
	want := strings.Split(strings.Trim(a.Pathname, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return []string{fmt.Sprintf("path %s does not match %s", path, a.Pathname)}
	}
	var probs []string
	for i, w := range want {
		switch {
		case strings.HasPrefix(w, "{"):
			if got[i] == "" || strings.Contains(got[i], "{") {
				probs = append(probs, fmt.Sprintf("path %s: %s is not filled", path, w))
			}
			seen[strings.Trim(w, "{}")] = true
		case w != got[i]:
			probs = append(probs, fmt.Sprintf("path %s does not match %s", path, a.Pathname))
		}
	}
	return probs
}

// keyProblem checks one wire key (Name, Name.1.Field, ...) and its values.
func keyProblem(spec *contract.Spec, a *contract.Action, in, key string, vals []string) string {
	name, rest, dotted := strings.Cut(key, ".")
	p := a.Param(name)
	switch {
	case p == nil:
		return fmt.Sprintf("%s key %s: %s is not a parameter of %s", in, key, name, a.Name)
	case p.In != in:
		return fmt.Sprintf("%s key %s: the contract puts %s in the %s", in, key, name, p.In)
	case len(vals) != 1:
		return fmt.Sprintf("%s key %s: sent %d times", in, key, len(vals))
	}
	switch p.Serialization {
	case contract.SerFlat:
		if !dotted {
			return fmt.Sprintf("%s key %s: flat parameter sent as one value", in, key)
		}
		return flatPathProblem(spec, p, key, strings.Split(rest, "."), vals[0])
	case contract.SerJSON:
		if dotted || !json.Valid([]byte(vals[0])) {
			return fmt.Sprintf("%s key %s: json parameter must be one JSON text, got %q", in, key, vals[0])
		}
		var v any
		d := json.NewDecoder(strings.NewReader(vals[0]))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return fmt.Sprintf("%s key %s: %v", in, key, err)
		}
		return strings.Join(valueProblems(spec, p, v, key), "; ")
	}
	if dotted {
		return fmt.Sprintf("%s key %s: plain parameter sent flattened", in, key)
	}
	return scalarTextProblem(p, key, vals[0])
}

// flatPathProblem walks the segments of a flattened key down the contract.
func flatPathProblem(spec *contract.Spec, n *contract.Node, key string, segs []string, val string) string {
	for _, seg := range segs {
		rn := spec.Resolve(n)
		switch rn.Type {
		case "array":
			if i, err := strconv.Atoi(seg); err != nil || i < 1 {
				return fmt.Sprintf("key %s: list index %q is not 1, 2, ...", key, seg)
			}
			n = rn.Items
		case "object":
			if n = spec.Field(rn, seg); n == nil {
				return fmt.Sprintf("key %s: %s is not a field of the contract's %s", key, seg, orDefault(rn.Ref, rn.Name))
			}
		case "map":
			n = rn.Values
		default:
			return fmt.Sprintf("key %s: %s is a scalar, it has no member %s", key, rn.Name, seg)
		}
	}
	rn := spec.Resolve(n)
	if rn.Type == "array" || rn.Type == "object" || rn.Type == "map" {
		return fmt.Sprintf("key %s: stops at a %s", key, rn.Type)
	}
	return scalarTextProblem(rn, key, val)
}

func scalarTextProblem(n *contract.Node, key, text string) string {
	var err error
	switch n.Type {
	case "integer":
		_, err = strconv.ParseInt(text, 10, 64)
	case "number":
		_, err = strconv.ParseFloat(text, 64)
	case "boolean":
		_, err = strconv.ParseBool(text)
	}
	if err != nil {
		return fmt.Sprintf("key %s: %q is not a %s", key, text, n.Type)
	}
	return ""
}

// responseProblems checks a raw JSON response body against the fields the
// contract lists for the action's response.
func responseProblems(spec *contract.Spec, a *contract.Action, raw []byte) []string {
	var body map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&body); err != nil {
		return []string{fmt.Sprintf("response is not a JSON object: %v", err)}
	}
	return fieldsProblems(spec, a.Response, body, "")
}

func fieldsProblems(spec *contract.Spec, fields []*contract.Node, obj map[string]any, path string) []string {
	byName := make(map[string]*contract.Node, len(fields))
	for _, f := range fields {
		byName[f.Name] = f
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var probs []string
	for _, k := range keys {
		f, ok := byName[k]
		if !ok {
			probs = append(probs, fmt.Sprintf("%s%s: not a field of the contract", path, k))
			continue
		}
		probs = append(probs, valueProblems(spec, f, obj[k], path+k)...)
	}
	return probs
}

// missingLists lists every list field the contract declares that a
// response leaves out, at the top and inside every object present: the
// real service answers "Clusters": [], not nothing.
func missingLists(spec *contract.Spec, a *contract.Action, raw []byte) []string {
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return []string{fmt.Sprintf("response is not a JSON object: %v", err)}
	}
	return listsMissing(spec, a.Response, body, "")
}

func listsMissing(spec *contract.Spec, fields []*contract.Node, obj map[string]any, path string) []string {
	var out []string
	for _, f := range fields {
		n := spec.Resolve(f)
		v, present := obj[f.Name]
		switch n.Type {
		case "array":
			list, ok := v.([]any)
			if !present || !ok {
				out = append(out, fmt.Sprintf("%s%s: list missing (want [] when empty), got %v", path, f.Name, v))
				continue
			}
			if item := spec.Resolve(n.Items); item != nil && item.Type == "object" {
				for i, e := range list {
					if m, ok := e.(map[string]any); ok {
						out = append(out, listsMissing(spec, item.Fields, m, fmt.Sprintf("%s%s[%d].", path, f.Name, i))...)
					}
				}
			}
		case "object":
			if m, ok := v.(map[string]any); ok {
				out = append(out, listsMissing(spec, n.Fields, m, path+f.Name+".")...)
			}
		}
	}
	return out
}

// valueProblems checks one JSON value (decoded with UseNumber) against a
// contract node, recursively.
func valueProblems(spec *contract.Spec, n *contract.Node, v any, path string) []string {
	rn := spec.Resolve(n)
	bad := func() []string {
		return []string{fmt.Sprintf("%s: got %s, want %s", path, jsonKind(v), rn.Type)}
	}
	switch rn.Type {
	case "any":
		return nil
	case "string":
		if _, ok := v.(string); !ok {
			return bad()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			return bad()
		}
	case "integer":
		num, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		if _, err := num.Int64(); err != nil {
			return []string{fmt.Sprintf("%s: got %s, want an integer", path, num)}
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		var probs []string
		for i, e := range list {
			probs = append(probs, valueProblems(spec, rn.Items, e, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return probs
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		var probs []string
		for k, e := range m {
			probs = append(probs, valueProblems(spec, rn.Values, e, path+"."+k)...)
		}
		return probs
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		if len(rn.Fields) == 0 {
			return nil // a free-form object
		}
		return fieldsProblems(spec, rn.Fields, m, path+".")
	default:
		return []string{fmt.Sprintf("%s: the contract type %q is unknown to the check", path, rn.Type)}
	}
	return nil
}

// TestContractChecks shows the checks above catch what they look for, so
// a passing conformance run means something.
func TestContractChecks(t *testing.T) {
	spec := contract.MustLoad(contract.EMR)
	get, run := spec.Action("GetCluster"), spec.Action("RunCluster")
	for _, c := range []struct {
		name string
		a    *contract.Action
		resp string
		want bool
	}{
		{"valid", get, `{"RequestId":"r","Cluster":{"ClusterId":"c-1","CreateTime":1,"DeletionProtection":false,"Tags":[{"Key":"k","Value":"v"}]}}`, false},
		{"unknown top-level field", get, `{"RequestId":"r","Clusters":[]}`, true},
		{"unknown nested field", get, `{"Cluster":{"ClusterID":"c-1"}}`, true},
		{"string for integer", get, `{"Cluster":{"CreateTime":"1"}}`, true},
		{"fraction for integer", get, `{"Cluster":{"CreateTime":1.5}}`, true},
		{"object for array", get, `{"Cluster":{"Tags":{"Key":"k"}}}`, true},
		{"null", get, `{"Cluster":null}`, true},
		{"wrong type in list element", get, `{"Cluster":{"Tags":[{"Key":1}]}}`, true},
	} {
		t.Run("response/"+c.name, func(t *testing.T) {
			probs := responseProblems(spec, c.a, []byte(c.resp))
			if got := len(probs) > 0; got != c.want {
				t.Errorf("got problems %v, want problems: %v", probs, c.want)
			}
		})
	}
	list := spec.Action("ListClusters")
	for _, c := range []struct {
		name string
		a    *contract.Action
		resp string
		want bool
	}{
		{"empty lists present", get, `{"RequestId":"r","Cluster":{"Tags":[],"ApplicationConfigs":[]}}`, false},
		{"top-level list present", list, `{"RequestId":"r","Clusters":[]}`, false},
		{"top-level list absent", list, `{"RequestId":"r","TotalCount":0}`, true},
		{"nested list absent", get, `{"Cluster":{"ClusterId":"c"}}`, true},
		{"list null", list, `{"Clusters":null}`, true},
	} {
		t.Run("lists/"+c.name, func(t *testing.T) {
			probs := missingLists(spec, c.a, []byte(c.resp))
			if got := len(probs) > 0; got != c.want {
				t.Errorf("got problems %v, want problems: %v", probs, c.want)
			}
		})
	}
	for _, c := range []struct {
		name  string
		a     *contract.Action
		query url.Values
		form  url.Values
		want  bool
	}{
		{"valid flat", get, url.Values{"RegionId": {"r"}, "ClusterId": {"c"}}, nil, false},
		{"valid body JSON", run, url.Values{"RegionId": {"r"}}, url.Values{"NodeGroups": {`[{"NodeGroupType":"MASTER","NodeCount":1}]`}}, false},
		{"unknown parameter", get, url.Values{"ClusterID": {"c"}}, nil, true},
		{"body parameter in the query", run, url.Values{"ClusterName": {"n"}}, nil, true},
		{"flat keys for a JSON parameter", run, nil, url.Values{"NodeGroups.1.NodeCount": {"1"}}, true},
		{"JSON text for a flat parameter", spec.Action("CreateCluster"), url.Values{"NodeGroups": {`[{}]`}}, nil, true},
		{"unknown flat member", spec.Action("CreateCluster"), url.Values{"NodeGroups.1.NodeCont": {"1"}}, nil, true},
		{"text for an integer", spec.Action("ListClusters"), url.Values{"MaxResults": {"ten"}}, nil, true},
		{"wrong type inside JSON", run, nil, url.Values{"NodeGroups": {`[{"NodeCount":"1"}]`}}, true},
	} {
		t.Run("request/"+c.name, func(t *testing.T) {
			probs, _ := wireProblems(spec, c.a, exchange{query: c.query, form: c.form})
			if got := len(probs) > 0; got != c.want {
				t.Errorf("got problems %v, want problems: %v", probs, c.want)
			}
		})
	}
	spark := contract.MustLoad(contract.Spark)
	start, kyuubi := spark.Action("StartJobRun"), spark.Action("StartKyuubiService")
	const jobs = "/api/v1/workspaces/w-1/jobRuns"
	for _, c := range []struct {
		name  string
		a     *contract.Action
		path  string
		query url.Values
		body  map[string]any
		want  bool
	}{
		{"valid ROA", start, jobs, url.Values{"regionId": {"r"}}, map[string]any{"name": "n", "jobDriver": map[string]any{"sparkSubmit": map[string]any{"entryPoint": "oss://b/k"}}}, false},
		{"regionId on an action whose model lacks it", kyuubi, "/api/v1/kyuubi/w-1/kb-1/start", url.Values{"regionId": {"r"}}, nil, false},
		{"unknown body member", start, jobs, nil, map[string]any{"nmae": "n"}, true},
		{"unknown nested body member", start, jobs, nil, map[string]any{"jobDriver": map[string]any{"sparkSubmit": map[string]any{"entry": "x"}}}, true},
		{"wrong type in the body", start, jobs, nil, map[string]any{"executionTimeoutSeconds": "60"}, true},
		{"query parameter in the body", start, jobs, nil, map[string]any{"regionId": "r"}, true},
		{"path of another action", start, "/api/v1/workspaces/w-1/sessionClusters", nil, nil, true},
		{"path variable not filled", start, "/api/v1/workspaces/{workspaceId}/jobRuns", nil, nil, true},
	} {
		t.Run("roa/"+c.name, func(t *testing.T) {
			probs, _ := wireProblems(spark, c.a, exchange{path: c.path, query: c.query, json: c.body})
			if got := len(probs) > 0; got != c.want {
				t.Errorf("got problems %v, want problems: %v", probs, c.want)
			}
		})
	}
}
