package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

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
// output (struct field order), and numbers keep every digit. The tree is
// built from the JSON tokens directly: parsing the JSON as YAML would also
// work, but yaml.v3's parser is many times slower.
func yamlNode(v any) (*yaml.Node, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T as JSON: %w", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := decodeNode(dec)
	if err != nil {
		return nil, fmt.Errorf("converting JSON of %T to YAML: %w", v, err)
	}
	return n, nil
}

// decodeNode reads one JSON value from dec as a YAML node. Scalars carry
// their tag, so the encoder quotes strings that would otherwise read as
// another type ("yes", "123", "2025-03-01T08:30:00Z").
func decodeNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		}
		for dec.More() {
			if n.Kind == yaml.MappingNode {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, scalarNode("!!str", fmt.Sprint(key)))
			}
			child, err := decodeNode(dec)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return scalarNode("!!str", t), nil
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return scalarNode("!!float", t.String()), nil
		}
		return scalarNode("!!int", t.String()), nil
	case bool:
		return scalarNode("!!bool", strconv.FormatBool(t)), nil
	case nil:
		return scalarNode("!!null", "null"), nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func scalarNode(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// writeAll writes b to w, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
