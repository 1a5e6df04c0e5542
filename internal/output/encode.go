package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// normalize returns the JSON form of v: what json.Marshal makes of it, read
// back into maps, slices and scalars. With useNumber, numbers stay
// json.Number so that large integers and epoch milliseconds keep every digit;
// JMESPath needs float64, so queries normalize without it.
func normalize(v any, useNumber bool) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T as JSON: %w", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if useNumber {
		dec.UseNumber()
	}
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decoding JSON of %T: %w", v, err)
	}
	return out, nil
}

// newJSONEncoder returns the encoder every JSON output uses: two-space
// indent, and no HTML escaping, which would turn "<" or "&" in names and
// scripts into \u003c and confuse people reading the output.
func newJSONEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	return enc
}

// writeJSON writes v as indented JSON with a trailing newline.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := newJSONEncoder(&buf, "").Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return writeAll(w, buf.Bytes())
}

// writeYAML writes v as one YAML document.
func writeYAML(w io.Writer, v any) error {
	n, err := yamlNode(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := encodeYAML(&buf, n); err != nil {
		return err
	}
	return writeAll(w, buf.Bytes())
}

// encodeYAML encodes one node with a two-space indent, like the JSON output.
func encodeYAML(w io.Writer, n *yaml.Node) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encoding YAML: %w", err)
	}
	return nil
}

// yamlNode turns v into a YAML node tree by way of its JSON encoding, so the
// keys are the json tag names and come in the same order as in the JSON
// output (struct field order), and numbers keep every digit. JSON is YAML, so
// yaml.v3 parses it; the styles it parsed (quoted strings, flow
// collections) are cleared so the encoder writes ordinary block YAML and
// quotes only strings that need it.
func yamlNode(v any) (*yaml.Node, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T as JSON: %w", v, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		// yaml.v3 refuses some valid JSON (keys over 1024 bytes); fall back
		// to the generic value, which loses only the key order.
		return genericYAMLNode(v)
	}
	n := doc.Content[0]
	clearStyle(n)
	return n, nil
}

func genericYAMLNode(v any) (*yaml.Node, error) {
	g, err := normalize(v, true)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := n.Encode(numbersAsInts(g)); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	return &n, nil
}

// numbersAsInts replaces json.Number, which yaml.v3 would write as a string,
// with int64 or float64.
func numbersAsInts(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64() // valid JSON number: cannot fail
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbersAsInts(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersAsInts(e)
		}
	}
	return v
}

func clearStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		clearStyle(c)
	}
}

// writeAll writes b to w, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
