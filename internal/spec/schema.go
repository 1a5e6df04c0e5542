package spec

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// SchemaID is the $id of the JSON Schema of the spec.
const SchemaID = "https://emrctl.io/schemas/cluster-v1alpha1.json"

// Schema returns a draft 2020-12 JSON Schema of the spec, generated from the
// Go types: every struct is a $defs entry with additionalProperties false;
// fields without omitempty are required; enum types list their values.
// It checks shape only; Validate holds the rules.
func Schema() ([]byte, error) {
	defs := map[string]any{}
	root := schemaFor(reflect.TypeFor[Cluster](), defs)
	out := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     SchemaID,
		"title":   "emrctl cluster spec (" + APIVersion + ")",
		"$ref":    root["$ref"],
		"$defs":   defs,
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("spec: schema: %w", err)
	}
	return append(b, '\n'), nil
}

// schemaFor returns the schema of t, adding struct definitions to defs.
func schemaFor(t reflect.Type, defs map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.String && t.Implements(reflect.TypeFor[interface{ Values() []string }]()) {
		e := reflect.Zero(t).Interface().(interface{ Values() []string })
		return map[string]any{"type": "string", "enum": e.Values()}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaFor(t.Elem(), defs)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaFor(t.Elem(), defs)}
	case reflect.Struct:
		ref := map[string]any{"$ref": "#/$defs/" + t.Name()}
		if _, done := defs[t.Name()]; done {
			return ref
		}
		def := map[string]any{"type": "object", "additionalProperties": false}
		defs[t.Name()] = def // before the fields, so recursive types end
		props := map[string]any{}
		required := []string{}
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if name == "" {
				continue
			}
			ps := schemaFor(f.Type, defs)
			if t == reflect.TypeFor[Cluster]() {
				switch name {
				case "apiVersion":
					ps = map[string]any{"const": APIVersion}
				case "kind":
					ps = map[string]any{"const": KindCluster}
				}
			}
			props[name] = ps
			if !optional(f) {
				required = append(required, name)
			}
		}
		def["properties"] = props
		if len(required) > 0 {
			def["required"] = required
		}
		return ref
	}
	return map[string]any{}
}
