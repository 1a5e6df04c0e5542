// Package redact removes secrets (access keys, passwords, tokens) from
// values and text before they reach logs, the journal, audit output,
// confirmations or error messages.
//
// Value works on structured data (request parameters), String on free text
// (error messages, headers, URLs), JSON on encoded documents. A Registry adds
// secrets that no pattern can recognise, such as the configured
// AccessKeySecret or a password read from an environment variable; callers
// create one and pass it along, there is no package-level registry.
package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// Marker replaces every redacted value.
const Marker = "[REDACTED]"

// secretWords make a key secret when they occur anywhere in one of its
// segments (after lower-casing and dropping '-' and '_'). Never modified.
var secretWords = []string{"password", "passwd", "secret", "token", "credential", "privatekey", "signature"}

// IsSecretKey reports whether values stored under key are secrets. The key is
// matched case-insensitively; a dotted or slashed key ("fs.s3a.secret.key",
// "hive-site/javax.jdo.option.ConnectionPassword") is secret when any of its
// segments is, so Hadoop-style property names are covered too.
func IsSecretKey(key string) bool {
	for _, seg := range strings.FieldsFunc(key, isSegmentSep) {
		if secretSegment(seg) {
			return true
		}
	}
	return false
}

func isSegmentSep(r rune) bool {
	return r == '.' || r == '/' || r == ':' || r == ' '
}

func secretSegment(seg string) bool {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(seg))
	switch norm {
	case "":
		return false
	case "clienttoken", "nexttoken", "tokenid", "tokenids":
		// Idempotency and pagination tokens are opaque, harmless
		// identifiers, and a token's ID names it without being it;
		// emrctl's journal records and shows them on purpose.
		return false
	case "pwd", "cookie", "setcookie", "apikey":
		return true
	}
	if strings.HasSuffix(norm, "authorization") {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}

// Value returns a deep copy of v in which the values of secret keys (see
// IsSecretKey) are replaced by Marker and every other string is scrubbed with
// String. key is the name v is stored under ("" for a top-level document):
// Value("MasterRootPassword", pw) redacts pw itself.
//
// Structs, pointers and other types are normalised through encoding/json, so
// the result holds only maps, slices, strings, json.Number, bools and nil,
// keyed by the JSON field names. Values that cannot be encoded become Marker.
// Two provider shapes get special care: an Alibaba ApplicationConfigs item
// whose ConfigItemKey names a password or secret has its ConfigItemValue
// redacted, and AWS Configurations Properties are keyed by property name, so
// the key rule covers them. Empty strings and nulls stay as they are, so the
// copy still shows which fields were set.
func Value(key string, v any) any {
	return walk(key, normalize(v), nil)
}

// JSON redacts an encoded JSON document like Value and returns it re-encoded
// (compact, map keys sorted, numbers unchanged). Input that is not valid JSON
// is treated as text and scrubbed with String.
func JSON(raw []byte) []byte {
	return redactJSON(raw, nil)
}

func redactJSON(raw []byte, r *Registry) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.Decode(new(any)) != io.EOF {
		return []byte(r.String(string(raw)))
	}
	out, err := encode(walk("", v, r))
	if err != nil {
		return []byte(Marker)
	}
	return out
}

// encode marshals v without HTML escaping, so redacted text stays readable.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// normalize turns v into the generic JSON shape (maps, slices, strings,
// json.Number, bools, nil). Generic containers are returned as they are and
// normalised lazily by walk while it copies them.
func normalize(v any) any {
	switch t := v.(type) {
	case nil, string, bool, json.Number, map[string]any, []any:
		return t
	case json.RawMessage:
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.UseNumber()
		var out any
		if err := dec.Decode(&out); err != nil {
			return Marker
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return Marker
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return Marker
	}
	return out
}

// walk copies v, redacting as described on Value. r may be nil.
func walk(key string, v any, r *Registry) any {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok && s == "" {
		return s
	}
	if key != "" && IsSecretKey(key) {
		return Marker
	}
	switch t := v.(type) {
	case map[string]any:
		secretConfig := configItemIsSecret(t)
		out := make(map[string]any, len(t))
		for k, x := range t {
			x = normalize(x)
			if secretConfig && strings.EqualFold(k, "ConfigItemValue") && x != nil && x != "" {
				out[r.Scrub(k)] = Marker
				continue
			}
			out[r.Scrub(k)] = walk(k, x, r)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = walk("", normalize(x), r)
		}
		return out
	case string:
		return r.String(t)
	default:
		return t
	}
}

// configItemIsSecret reports whether m is a configuration item (Alibaba
// ApplicationConfigs, Serverless Spark configs) whose ConfigItemKey names a
// secret, such as javax.jdo.option.ConnectionPassword.
func configItemIsSecret(m map[string]any) bool {
	for k, v := range m {
		if !strings.EqualFold(k, "ConfigItemKey") {
			continue
		}
		name, ok := v.(string)
		if !ok {
			return false
		}
		return IsSecretKey(name) || strings.Contains(strings.ToLower(name), "password")
	}
	return false
}
