package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/validate"
)

// The top-level keys of a policy file.
const (
	keyLimits               = "limits"
	keyAllowLoosening       = "allowLoosening"
	keyAllowClusterDeletion = "allowClusterDeletion"
	keyOwnBuckets           = "ownBuckets"
)

// KeyError is an unknown or repeated key in a policy file.
type KeyError struct {
	// Key is the key as written (rendered safely).
	Key string
	// Section is "" at the top level, else the enclosing key ("limits").
	Section string
	// Line is the key's line in the file.
	Line int
	// Valid lists the keys allowed where Key was found.
	Valid []string
	// Duplicate is set when the key is valid but given twice.
	Duplicate bool
}

// Error names the key, its line and the valid keys.
func (e *KeyError) Error() string {
	where := "at the top level"
	if e.Section != "" {
		where = "in " + e.Section
	}
	if e.Duplicate {
		return fmt.Sprintf("policy file line %d: key %q is repeated %s", e.Line, e.Key, where)
	}
	return fmt.Sprintf("policy file line %d: unknown key %q %s; valid keys: %s", e.Line, e.Key, where, strings.Join(e.Valid, ", "))
}

// ValueError is a policy-file value of the wrong type or out of range.
type ValueError struct {
	// Key is the full key, such as "limits.increaseMaxPerCall".
	Key string
	// Line is the value's line in the file, 0 when not from a file.
	Line int
	// Value is the value as written (rendered safely).
	Value string
	// Reason says what is wrong.
	Reason string
}

// Error names the key, its line, the value and what is wrong with it.
func (e *ValueError) Error() string {
	return fmt.Sprintf("%s%s: \"%s\" %s", linePrefix(e.Line), e.Key, e.Value, e.Reason)
}

// LooseningError is a limit set beyond its default without
// allowLoosening: true.
type LooseningError struct {
	// Key is the full key, such as "limits.autoScalingMaxCapacity".
	Key string
	// Line is the value's line in the file, 0 when not from a file.
	Line int
	// Default and Value are the default and the configured value.
	Default, Value string
}

// Error names the key, the default and the fix.
func (e *LooseningError) Error() string {
	return fmt.Sprintf("%s%s: %s is looser than the default %s; set allowLoosening: true to allow it "+
		"(loosened limits are audited and never apply to agents or services), or use a value no looser than %s",
		linePrefix(e.Line), e.Key, e.Value, e.Default, e.Default)
}

func linePrefix(line int) string {
	if line == 0 {
		return "policy: "
	}
	return fmt.Sprintf("policy file line %d: ", line)
}

// Parse reads a policy file (YAML). Unknown and repeated keys are errors
// naming the valid keys; limits must be in range; a limit looser than its
// default is an error unless allowLoosening is true. Unset limits keep
// their defaults. Every problem is reported, joined; callers find each with
// errors.As (*KeyError, *ValueError, *LooseningError).
func Parse(data []byte) (*Policy, error) {
	p := Default()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	if len(root.Content) == 0 {
		return p, nil // empty file: the defaults
	}
	doc := root.Content[0]
	if isNull(doc) {
		return p, nil
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &ValueError{Key: "(document)", Line: doc.Line, Value: validate.Render(doc.Value), Reason: "must be a mapping of policy keys"}
	}
	lines := map[string]int{}
	var errs []error
	for k, v := range pairs(doc, "", []string{keyLimits, keyAllowLoosening, keyAllowClusterDeletion, keyOwnBuckets}, &errs) {
		switch k.Value {
		case keyLimits:
			errs = append(errs, parseLimits(v, &p.Limits, lines)...)
		case keyAllowLoosening:
			errs = appendErr(errs, decodeBool(keyAllowLoosening, v, &p.AllowLoosening))
		case keyAllowClusterDeletion:
			errs = appendErr(errs, decodeBool(keyAllowClusterDeletion, v, &p.AllowClusterDeletion))
		case keyOwnBuckets:
			lines[keyOwnBuckets] = v.Line
			errs = appendErr(errs, decodeBuckets(v, &p.OwnBuckets))
		}
	}
	// Values that failed to decode kept their defaults, so validating now
	// adds only new problems (ranges, loosening).
	errs = append(errs, p.validate(lines)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// pairs yields the key and value nodes of a mapping, reporting unknown
// and repeated keys to errs instead of yielding them.
func pairs(m *yaml.Node, section string, valid []string, errs *[]error) func(yield func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		seen := map[string]bool{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			known := k.Kind == yaml.ScalarNode && slices.Contains(valid, k.Value)
			switch {
			case !known:
				*errs = append(*errs, &KeyError{Key: validate.Render(k.Value), Section: section, Line: k.Line, Valid: valid})
			case seen[k.Value]:
				*errs = append(*errs, &KeyError{Key: k.Value, Section: section, Line: k.Line, Valid: valid, Duplicate: true})
			default:
				seen[k.Value] = true
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// parseLimits reads the limits mapping into l.
func parseLimits(n *yaml.Node, l *Limits, lines map[string]int) []error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return []error{&ValueError{Key: keyLimits, Line: n.Line, Value: validate.Render(n.Value), Reason: "must be a mapping of limit names to values"}}
	}
	specs := limitSpecs()
	valid := make([]string, 0, len(specs))
	byKey := map[string]limitSpec{}
	for _, s := range specs {
		valid = append(valid, s.key)
		byKey[s.key] = s
	}
	var errs []error
	for k, v := range pairs(n, keyLimits, valid, &errs) {
		s := byKey[k.Value]
		lines[s.key] = v.Line
		val, err := decodeLimit(s, v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.set(l, val)
	}
	return errs
}

// decodeLimit reads one limit value: a whole number for counts; for
// durations a Go duration string ("120s", "2m") or a whole number of
// seconds.
func decodeLimit(s limitSpec, v *yaml.Node) (int64, error) {
	key := keyLimits + "." + s.key
	bad := func(reason string) error {
		return &ValueError{Key: key, Line: v.Line, Value: validate.Render(v.Value), Reason: reason}
	}
	if v.Kind != yaml.ScalarNode {
		return 0, bad("must be a single value")
	}
	if s.dur != nil {
		if v.ShortTag() == "!!int" {
			var n int64
			if err := v.Decode(&n); err != nil {
				return 0, bad("must be a duration such as 120s")
			}
			if n > int64(s.hi/int64(time.Second)) || n < 0 {
				return 0, bad(fmt.Sprintf("must be between %s and %s", s.format(s.lo), s.format(s.hi)))
			}
			return n * int64(time.Second), nil
		}
		if v.ShortTag() != "!!str" {
			return 0, bad("must be a duration such as 120s")
		}
		d, err := time.ParseDuration(v.Value)
		if err != nil {
			return 0, bad("must be a duration such as 120s")
		}
		return int64(d), nil
	}
	if v.ShortTag() != "!!int" {
		return 0, bad("must be a whole number")
	}
	var n int64
	if err := v.Decode(&n); err != nil || n < s.lo || n > s.hi {
		return 0, bad(fmt.Sprintf("must be a whole number between %d and %d", s.lo, s.hi))
	}
	return n, nil
}

// decodeBool reads a true/false value.
func decodeBool(key string, v *yaml.Node, out *bool) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		return &ValueError{Key: key, Line: v.Line, Value: validate.Render(v.Value), Reason: "must be true or false"}
	}
	return v.Decode(out)
}

// decodeBuckets reads the list of own buckets.
func decodeBuckets(v *yaml.Node, out *[]string) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return &ValueError{Key: keyOwnBuckets, Line: v.Line, Value: validate.Render(v.Value), Reason: "must be a list of bucket names"}
	}
	var errs []error
	for i, item := range v.Content {
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			errs = append(errs, &ValueError{Key: fmt.Sprintf("%s[%d]", keyOwnBuckets, i), Line: item.Line,
				Value: validate.Render(item.Value), Reason: "must be a bucket name"})
			continue
		}
		*out = append(*out, item.Value)
	}
	return errors.Join(errs...)
}

// validateBucket returns why b is not a bucket name, or "".
func validateBucket(b string) string {
	if e := validate.Bucket("bucket", b); e != nil {
		return e.Rule
	}
	return ""
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}
