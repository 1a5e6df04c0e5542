// Package validate checks untrusted input before emrctl sends it anywhere.
//
// Every value that people, scripts or AI agents pass to emrctl (names,
// descriptions, IDs, passwords, script locations, tags) is data, never an
// instruction. The checks here follow the input rules of the EMR skills
// (seed 000, "Input Validation"): a value that does not match its expected
// format is refused with a message that says what is wrong and how to fix it,
// instead of being passed on. The package does no I/O.
//
// Every check returns nil or a *Error. Error messages never echo a value
// verbatim: they show a short rendering with invisible and control characters
// escaped, so a hostile value cannot reorder or hide text in a terminal or in
// an agent's context, and secrets are never shown at all.
package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRendered is the most runes Render returns.
const MaxRendered = 40

// Error is one refused value. Callers branch on it with errors.As.
type Error struct {
	// Field is the user-facing path of the value, such as "--name" or
	// "nodeGroups[1].name".
	Field string
	// Value is a safe rendering of the refused value (see Render). It is
	// empty for secrets.
	Value string
	// Rule says what is wrong, in a phrase that follows the value.
	Rule string
	// Fix says how to correct the value; it may be empty.
	Fix string
	// Secret is set for values that must never be shown, such as passwords.
	Secret bool
}

// Error reads: invalid <field> "<value>": <rule>; <fix>.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("invalid ")
	b.WriteString(escapeHidden(e.Field))
	if !e.Secret {
		b.WriteString(` "`)
		b.WriteString(e.Value)
		b.WriteString(`"`)
	}
	b.WriteString(": ")
	b.WriteString(e.Rule)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// newError builds an Error for a value that may be shown.
func newError(field, v, rule, fix string) *Error {
	return &Error{Field: field, Value: Render(v), Rule: rule, Fix: fix}
}

// Text is the base check every other check starts with. It refuses invalid
// UTF-8, a leading '-' (which a command line would read as an option), C0 and
// C1 control characters, bidirectional controls (which make text display in
// a different order from what it is), zero-width and other invisible
// characters (which hide text from a reader), and every other Unicode format
// character, such as the tag characters used to smuggle hidden text.
func Text(field, v string) *Error {
	if !utf8.ValidString(v) {
		return newError(field, v, "is not valid UTF-8", "re-enter the value as plain text")
	}
	if strings.HasPrefix(v, "-") {
		return newError(field, v, "must not start with '-': it could be taken for a command-line option",
			"remove the leading '-'")
	}
	for _, r := range v {
		if kind := hiddenKind(r); kind != "" {
			return newError(field, v, fmt.Sprintf("contains %s, %s", describeRune(r), kind),
				"remove it (retype the value rather than pasting it)")
		}
	}
	return nil
}

// hiddenKind says why a rune may not appear in any value, or "" if it may.
func hiddenKind(r rune) string {
	switch {
	case unicode.IsControl(r):
		return "a control character"
	case r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069):
		return "an invisible bidirectional control that makes text display differently from what it is"
	case (r >= 0x200B && r <= 0x200D) || r == 0x2060 || r == 0xFEFF:
		return "a zero-width character that hides in text"
	case (r >= 0x2061 && r <= 0x2064) || r == 0x00AD || r == 0x180E ||
		r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0:
		return "an invisible character"
	case (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF):
		return "an invisible variation selector"
	case r >= 0xE0000 && r <= 0xE007F:
		return "an invisible tag character that can hide text"
	case r == 0x2028 || r == 0x2029:
		return "a line break"
	case unicode.Is(unicode.Cf, r):
		return "an invisible formatting character"
	}
	return ""
}

// Escape renders an untrusted string for display without shortening it:
// invalid bytes, control, invisible and non-ASCII space characters, and
// combining marks become \x, \u or \U escapes, and '"' and '\' are escaped
// so that the result can be shown between double quotes.
func Escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		piece, size := escapePiece(v[i:])
		b.WriteString(piece)
		i += size
	}
	return b.String()
}

// escapeHidden escapes only what would be invisible or harmful, leaving '"'
// and '\' alone, so that a field path built from Render output is not
// escaped twice.
func escapeHidden(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		if (r == utf8.RuneError && size <= 1) || (r != ' ' && needsEscape(r)) {
			piece, _ := escapePiece(v[i:])
			b.WriteString(piece)
		} else {
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Render is Escape shortened to at most MaxRendered runes, ending in "…"
// when something was cut.
func Render(v string) string {
	var pieces []string
	n := 0
	for i := 0; i < len(v); {
		piece, size := escapePiece(v[i:])
		pieces = append(pieces, piece)
		n += utf8.RuneCountInString(piece)
		i += size
		if n > MaxRendered {
			break
		}
	}
	if n <= MaxRendered {
		return strings.Join(pieces, "")
	}
	var b strings.Builder
	n = 0
	for _, p := range pieces {
		pn := utf8.RuneCountInString(p)
		if n+pn > MaxRendered-1 {
			break
		}
		b.WriteString(p)
		n += pn
	}
	b.WriteString("…")
	return b.String()
}

// escapePiece renders the first rune (or invalid byte) of s and returns how
// many bytes it consumed.
func escapePiece(s string) (string, int) {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf(`\x%02x`, s[0]), 1
	case r == '"' || r == '\\':
		return `\` + string(r), size
	case r == ' ':
		return " ", size
	case needsEscape(r):
		if r > 0xFFFF {
			return fmt.Sprintf(`\U%08X`, r), size
		}
		return fmt.Sprintf(`\u%04X`, r), size
	}
	return s[:size], size
}

// needsEscape reports runes that would be invisible, ambiguous or harmful
// if printed as they are.
func needsEscape(r rune) bool {
	return !unicode.IsGraphic(r) || hiddenKind(r) != "" ||
		unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)
}

// describeRune names a rune for an error message: the rune itself in quotes
// when it is visible, its code point, and its name when known.
func describeRune(r rune) string {
	code := fmt.Sprintf("U+%04X", r)
	if name := runeName(r); name != "" {
		code += " " + name
	} else if script := scriptOf(r); script != "" {
		code += ", " + script + " script"
	}
	if r != ' ' && needsEscape(r) {
		return code
	}
	return fmt.Sprintf("'%c' (%s)", r, code)
}

// scriptOf returns the Unicode script of r, or "" for Common and Inherited.
func scriptOf(r rune) string {
	for name, table := range unicode.Scripts {
		if name == "Common" || name == "Inherited" {
			continue
		}
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

// Visible shows s as a person should read it in a dialog or prompt:
// characters that would be invisible or misleading (control and format
// characters, bidirectional overrides, zero-width and unusual spaces,
// combining marks, invalid bytes) are written as escapes, while line
// breaks and everything visible stay as they are. Use it on text built
// from data that is laid out over lines already (a request as indented
// JSON, whose own strings escape their line breaks).
func Visible(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || r == ' ' || !needsEscape(r):
			b.WriteString(s[i : i+size])
		case r > 0xFFFF:
			fmt.Fprintf(&b, `\U%08X`, r)
		default:
			fmt.Fprintf(&b, `\u%04X`, r)
		}
		i += size
	}
	return b.String()
}

// Inline shows s on one line of a table or a list: line breaks and tabs
// become \n, \r and \t, and whatever would be invisible or misleading
// (control and format characters, bidirectional overrides, zero-width and
// unusual spaces, invalid bytes) becomes an escape; quotes and
// backslashes stay as they are.
func Inline(s string) string {
	s = escapeHidden(strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s))
	return s
}
