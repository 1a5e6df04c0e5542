package validate

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of the free-text values.
const (
	NameMaxRunes        = 128
	DescriptionMaxRunes = 256
	TagKeyMaxRunes      = 128
	TagValueMaxRunes    = 128
)

// shellMeta lists the characters a description may not contain: each has a
// meaning to a shell or breaks quoting in JSON or the command line.
const shellMeta = "`$;|&<>\\\"'\n\r\t"

// Name checks a cluster or node group name: 1-128 characters, only ASCII
// letters, Chinese characters (unicode.Han), ASCII digits, '-' and '_', not
// starting with '-' or '_'. Allowing only ASCII and Chinese letters refuses
// homoglyph attacks by construction: a Cyrillic 'о' cannot pass for a Latin
// 'o', and the error names the rune so the user sees why.
func Name(field, v string) *Error {
	const fix = "use 1-128 ASCII letters, Chinese characters, digits, '-' and '_', starting with a letter, digit or Chinese character"
	if e := Text(field, v); e != nil {
		e.Fix = withFix(e.Fix, fix)
		return e
	}
	if v == "" {
		return newError(field, v, "must not be empty", fix)
	}
	if v[0] == '_' {
		return newError(field, v, "must not start with '_'", fix)
	}
	for _, r := range v {
		if nameRune(r) {
			continue
		}
		if r >= utf8.RuneSelf {
			return newError(field, v, nonASCIIRule(r, "ASCII or Chinese"), fix)
		}
		return newError(field, v, describeRune(r)+" is not allowed", fix)
	}
	if n := utf8.RuneCountInString(v); n > NameMaxRunes {
		return newError(field, v, fmt.Sprintf("is %d characters long, the maximum is %d", n, NameMaxRunes), fix)
	}
	return nil
}

// nameRune reports the runes a name may contain.
func nameRune(r rune) bool {
	return isASCIIAlnum(r) || r == '-' || r == '_' || unicode.Is(unicode.Han, r)
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// Description checks a description: at most 256 printable characters
// (Chinese included), the Text rules, and none of the shell metacharacters
// ` $ ; | & < > \ " ' or newline, carriage return and tab.
func Description(field, v string) *Error {
	const fix = "use at most 256 printable characters without ` $ ; | & < > \\ \" ' or line breaks"
	if e := Text(field, v); e != nil {
		e.Fix = withFix(e.Fix, fix)
		return e
	}
	for _, r := range v {
		if strings.ContainsRune(shellMeta, r) {
			return newError(field, v, fmt.Sprintf("contains %s, a shell metacharacter", describeRune(r)), fix)
		}
		if !unicode.IsGraphic(r) {
			return newError(field, v, fmt.Sprintf("contains %s, which is not printable", describeRune(r)), fix)
		}
	}
	if n := utf8.RuneCountInString(v); n > DescriptionMaxRunes {
		return newError(field, v, fmt.Sprintf("is %d characters long, the maximum is %d", n, DescriptionMaxRunes), fix)
	}
	return nil
}

// Tags checks resource tags: keys of 1-128 and values of 0-128 characters,
// the Text rules for both, and no key or value starting with the prefixes
// the clouds reserve ("aliyun", "acs:", "aws:", in any case). It reports the
// first problem in key order, so the result does not depend on map order.
func Tags(field string, tags map[string]string) *Error {
	const fix = "use keys of 1-128 and values of up to 128 characters, not starting with aliyun, acs: or aws:"
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		keyField := field + " key"
		if e := tagText(keyField, k, TagKeyMaxRunes, fix); e != nil {
			return e
		}
		if k == "" {
			return newError(keyField, k, "must not be empty", fix)
		}
		valueField := fmt.Sprintf("%s[%s]", field, Render(k))
		if e := tagText(valueField, tags[k], TagValueMaxRunes, fix); e != nil {
			return e
		}
	}
	return nil
}

// tagText applies the rules shared by tag keys and values.
func tagText(field, v string, maxRunes int, fix string) *Error {
	if e := Text(field, v); e != nil {
		e.Fix = withFix(e.Fix, fix)
		return e
	}
	lower := strings.ToLower(v)
	for _, p := range []string{"aliyun", "acs:", "aws:"} {
		if strings.HasPrefix(lower, p) {
			return newError(field, v, fmt.Sprintf("must not start with %q, a prefix the cloud reserves", p), fix)
		}
	}
	if n := utf8.RuneCountInString(v); n > maxRunes {
		return newError(field, v, fmt.Sprintf("is %d characters long, the maximum is %d", n, maxRunes), fix)
	}
	return nil
}

// withFix appends the format a value must have to a rule-specific fix.
func withFix(fix, format string) string {
	if fix == "" {
		return format
	}
	return fix + ", and " + format
}
