package aliyun

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
)

// Encode turns a wire request struct into the generic client's request,
// placing every member as the action's contract says: query or body, plain,
// flattened (Name.1.Field) or JSON-shrunk. It returns the pathname with
// path parameters filled in. A member the contract does not know is a
// programming error and is reported, never sent.
func Encode(spec *contract.Spec, a *contract.Action, req any) (*openapiutil.OpenApiRequest, string, error) {
	members, err := toMembers(req)
	if err != nil {
		return nil, "", fmt.Errorf("aliyun %s: encode: %w", a.Name, err)
	}
	query := map[string]interface{}{}
	var body map[string]interface{}
	for _, p := range a.Params {
		if p.In == contract.InBody {
			body = map[string]interface{}{}
			break
		}
	}
	pathVars := map[string]string{}
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := members[name]
		p := a.Param(name)
		if p == nil {
			return nil, "", fmt.Errorf("aliyun %s: %s is not a parameter of the action (contract %s)", a.Name, name, spec.Version)
		}
		wv, err := wireValue(p, v)
		if err != nil {
			return nil, "", fmt.Errorf("aliyun %s: %w", a.Name, err)
		}
		switch p.In {
		case contract.InPath:
			pathVars[name] = fmt.Sprint(v)
		case contract.InBody:
			body[name] = wv
		default:
			query[name] = wv
		}
	}
	pathname := a.Pathname
	for k, v := range pathVars {
		pathname = strings.ReplaceAll(pathname, "{"+k+"}", dara.PercentEncode(v))
	}
	if strings.Contains(pathname, "{") {
		return nil, "", fmt.Errorf("aliyun %s: path parameter missing in %s", a.Name, pathname)
	}
	out := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	if body != nil {
		out.Body = body
	}
	return out, pathname, nil
}

// toMembers returns the top-level members of a wire struct, with numbers
// kept exact.
func toMembers(req any) (map[string]any, error) {
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// wireValue applies the parameter's serialization.
func wireValue(p *contract.Node, v any) (any, error) {
	switch p.Serialization {
	case contract.SerJSON:
		return dara.StringValue(openapiutil.ArrayToStringWithSpecifiedStyle(v, dara.String(p.Name), dara.String("json"))), nil
	case contract.SerSimple:
		return dara.StringValue(openapiutil.ArrayToStringWithSpecifiedStyle(v, dara.String(p.Name), dara.String("simple"))), nil
	case contract.SerPlain, contract.SerPath:
		switch v.(type) {
		case map[string]any, []any:
			return nil, fmt.Errorf("%s is plain in the contract but has a complex value", p.Name)
		}
	}
	return v, nil
}
