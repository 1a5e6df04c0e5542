package validate

import (
	"fmt"
	"unicode"
)

// latinLookalike returns the ASCII character that r is easily mistaken
// for. It covers the Cyrillic, Greek and other letters used in homoglyph
// attacks ("раypal" with a Cyrillic 'р') and the fullwidth forms; names and
// IDs allow ASCII only, so these are refused anyway, and the message can say
// why the value looked right.
func latinLookalike(r rune) (rune, bool) {
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII
		return r - 0xFF01 + '!', true
	}
	switch r {
	// Cyrillic small letters.
	case 0x0430:
		return 'a', true
	case 0x0441:
		return 'c', true
	case 0x0435:
		return 'e', true
	case 0x043E:
		return 'o', true
	case 0x0440:
		return 'p', true
	case 0x0445:
		return 'x', true
	case 0x0443:
		return 'y', true
	case 0x0456:
		return 'i', true
	case 0x0458:
		return 'j', true
	case 0x0455:
		return 's', true
	case 0x04BB:
		return 'h', true
	case 0x0501:
		return 'd', true
	case 0x051B:
		return 'q', true
	case 0x051D:
		return 'w', true
	case 0x04CF:
		return 'l', true
	// Cyrillic capital letters.
	case 0x0410:
		return 'A', true
	case 0x0412:
		return 'B', true
	case 0x0415:
		return 'E', true
	case 0x041A:
		return 'K', true
	case 0x041C:
		return 'M', true
	case 0x041D:
		return 'H', true
	case 0x041E:
		return 'O', true
	case 0x0420:
		return 'P', true
	case 0x0421:
		return 'C', true
	case 0x0422:
		return 'T', true
	case 0x0425:
		return 'X', true
	case 0x0423:
		return 'Y', true
	case 0x0406:
		return 'I', true
	case 0x0408:
		return 'J', true
	case 0x0405:
		return 'S', true
	// Greek small letters.
	case 0x03B1:
		return 'a', true
	case 0x03BF:
		return 'o', true
	case 0x03BD:
		return 'v', true
	case 0x03C1:
		return 'p', true
	case 0x03B9:
		return 'i', true
	case 0x03BA:
		return 'k', true
	case 0x03C5:
		return 'u', true
	// Greek capital letters.
	case 0x0391:
		return 'A', true
	case 0x0392:
		return 'B', true
	case 0x0395:
		return 'E', true
	case 0x0396:
		return 'Z', true
	case 0x0397:
		return 'H', true
	case 0x0399:
		return 'I', true
	case 0x039A:
		return 'K', true
	case 0x039C:
		return 'M', true
	case 0x039D:
		return 'N', true
	case 0x039F:
		return 'O', true
	case 0x03A1:
		return 'P', true
	case 0x03A4:
		return 'T', true
	case 0x03A5:
		return 'Y', true
	case 0x03A7:
		return 'X', true
	// Others.
	case 0x0585:
		return 'o', true
	case 0x0131:
		return 'i', true
	}
	return 0, false
}

// runeName returns the Unicode name of the runes this package talks about
// (look-alikes, invisible characters and common controls), or "".
func runeName(r rune) string {
	if r >= 0xFF21 && r <= 0xFF3A {
		return fmt.Sprintf("FULLWIDTH LATIN CAPITAL LETTER %c", r-0xFF21+'A')
	}
	if r >= 0xFF41 && r <= 0xFF5A {
		return fmt.Sprintf("FULLWIDTH LATIN SMALL LETTER %c", r-0xFF41+'A')
	}
	if r >= 0xFF10 && r <= 0xFF19 {
		return "FULLWIDTH DIGIT " + [...]string{"ZERO", "ONE", "TWO", "THREE", "FOUR",
			"FIVE", "SIX", "SEVEN", "EIGHT", "NINE"}[r-0xFF10]
	}
	switch r {
	case 0x0000:
		return "NULL"
	case 0x0009:
		return "CHARACTER TABULATION"
	case 0x000A:
		return "LINE FEED"
	case 0x000D:
		return "CARRIAGE RETURN"
	case 0x001B:
		return "ESCAPE"
	case 0x0020:
		return "SPACE"
	case 0x007F:
		return "DELETE"
	case 0x00A0:
		return "NO-BREAK SPACE"
	case 0x00AD:
		return "SOFT HYPHEN"
	case 0x061C:
		return "ARABIC LETTER MARK"
	case 0x115F:
		return "HANGUL CHOSEONG FILLER"
	case 0x1160:
		return "HANGUL JUNGSEONG FILLER"
	case 0x180E:
		return "MONGOLIAN VOWEL SEPARATOR"
	case 0x200B:
		return "ZERO WIDTH SPACE"
	case 0x200C:
		return "ZERO WIDTH NON-JOINER"
	case 0x200D:
		return "ZERO WIDTH JOINER"
	case 0x200E:
		return "LEFT-TO-RIGHT MARK"
	case 0x200F:
		return "RIGHT-TO-LEFT MARK"
	case 0x2028:
		return "LINE SEPARATOR"
	case 0x2029:
		return "PARAGRAPH SEPARATOR"
	case 0x202A:
		return "LEFT-TO-RIGHT EMBEDDING"
	case 0x202B:
		return "RIGHT-TO-LEFT EMBEDDING"
	case 0x202C:
		return "POP DIRECTIONAL FORMATTING"
	case 0x202D:
		return "LEFT-TO-RIGHT OVERRIDE"
	case 0x202E:
		return "RIGHT-TO-LEFT OVERRIDE"
	case 0x2060:
		return "WORD JOINER"
	case 0x2061:
		return "FUNCTION APPLICATION"
	case 0x2062:
		return "INVISIBLE TIMES"
	case 0x2063:
		return "INVISIBLE SEPARATOR"
	case 0x2064:
		return "INVISIBLE PLUS"
	case 0x2066:
		return "LEFT-TO-RIGHT ISOLATE"
	case 0x2067:
		return "RIGHT-TO-LEFT ISOLATE"
	case 0x2068:
		return "FIRST STRONG ISOLATE"
	case 0x2069:
		return "POP DIRECTIONAL ISOLATE"
	case 0x3000:
		return "IDEOGRAPHIC SPACE"
	case 0x3164:
		return "HANGUL FILLER"
	case 0xFEFF:
		return "ZERO WIDTH NO-BREAK SPACE"
	case 0xFFA0:
		return "HALFWIDTH HANGUL FILLER"
	// Look-alikes, named so that a message can say what the rune really is.
	case 0x0430:
		return "CYRILLIC SMALL LETTER A"
	case 0x0441:
		return "CYRILLIC SMALL LETTER ES"
	case 0x0435:
		return "CYRILLIC SMALL LETTER IE"
	case 0x043E:
		return "CYRILLIC SMALL LETTER O"
	case 0x0440:
		return "CYRILLIC SMALL LETTER ER"
	case 0x0445:
		return "CYRILLIC SMALL LETTER HA"
	case 0x0443:
		return "CYRILLIC SMALL LETTER U"
	case 0x0456:
		return "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"
	case 0x0458:
		return "CYRILLIC SMALL LETTER JE"
	case 0x0455:
		return "CYRILLIC SMALL LETTER DZE"
	case 0x04BB:
		return "CYRILLIC SMALL LETTER SHHA"
	case 0x0501:
		return "CYRILLIC SMALL LETTER KOMI DE"
	case 0x051B:
		return "CYRILLIC SMALL LETTER QA"
	case 0x051D:
		return "CYRILLIC SMALL LETTER WE"
	case 0x04CF:
		return "CYRILLIC SMALL LETTER PALOCHKA"
	case 0x0410:
		return "CYRILLIC CAPITAL LETTER A"
	case 0x0412:
		return "CYRILLIC CAPITAL LETTER VE"
	case 0x0415:
		return "CYRILLIC CAPITAL LETTER IE"
	case 0x041A:
		return "CYRILLIC CAPITAL LETTER KA"
	case 0x041C:
		return "CYRILLIC CAPITAL LETTER EM"
	case 0x041D:
		return "CYRILLIC CAPITAL LETTER EN"
	case 0x041E:
		return "CYRILLIC CAPITAL LETTER O"
	case 0x0420:
		return "CYRILLIC CAPITAL LETTER ER"
	case 0x0421:
		return "CYRILLIC CAPITAL LETTER ES"
	case 0x0422:
		return "CYRILLIC CAPITAL LETTER TE"
	case 0x0425:
		return "CYRILLIC CAPITAL LETTER HA"
	case 0x0423:
		return "CYRILLIC CAPITAL LETTER U"
	case 0x0406:
		return "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"
	case 0x0408:
		return "CYRILLIC CAPITAL LETTER JE"
	case 0x0405:
		return "CYRILLIC CAPITAL LETTER DZE"
	case 0x03B1:
		return "GREEK SMALL LETTER ALPHA"
	case 0x03BF:
		return "GREEK SMALL LETTER OMICRON"
	case 0x03BD:
		return "GREEK SMALL LETTER NU"
	case 0x03C1:
		return "GREEK SMALL LETTER RHO"
	case 0x03B9:
		return "GREEK SMALL LETTER IOTA"
	case 0x03BA:
		return "GREEK SMALL LETTER KAPPA"
	case 0x03C5:
		return "GREEK SMALL LETTER UPSILON"
	case 0x0391:
		return "GREEK CAPITAL LETTER ALPHA"
	case 0x0392:
		return "GREEK CAPITAL LETTER BETA"
	case 0x0395:
		return "GREEK CAPITAL LETTER EPSILON"
	case 0x0396:
		return "GREEK CAPITAL LETTER ZETA"
	case 0x0397:
		return "GREEK CAPITAL LETTER ETA"
	case 0x0399:
		return "GREEK CAPITAL LETTER IOTA"
	case 0x039A:
		return "GREEK CAPITAL LETTER KAPPA"
	case 0x039C:
		return "GREEK CAPITAL LETTER MU"
	case 0x039D:
		return "GREEK CAPITAL LETTER NU"
	case 0x039F:
		return "GREEK CAPITAL LETTER OMICRON"
	case 0x03A1:
		return "GREEK CAPITAL LETTER RHO"
	case 0x03A4:
		return "GREEK CAPITAL LETTER TAU"
	case 0x03A5:
		return "GREEK CAPITAL LETTER UPSILON"
	case 0x03A7:
		return "GREEK CAPITAL LETTER CHI"
	case 0x0585:
		return "ARMENIAN SMALL LETTER OH"
	case 0x0131:
		return "LATIN SMALL LETTER DOTLESS I"
	}
	return ""
}

// nonASCIIRule explains why a non-ASCII rune is refused where only ASCII
// (and, for names, Chinese) is allowed, naming look-alikes as such.
func nonASCIIRule(r rune, allowed string) string {
	if l, ok := latinLookalike(r); ok {
		word, like := charWord(l)
		return fmt.Sprintf("%s must be %s: %s looks like %s '%c'", word, allowed, describeRune(r), like, l)
	}
	if unicode.IsLetter(r) {
		return fmt.Sprintf("letters must be %s: %s is not", allowed, describeRune(r))
	}
	return fmt.Sprintf("%s is not allowed: characters must be %s", describeRune(r), allowed)
}

// charWord names the class of an ASCII look-alike and what it resembles.
func charWord(l rune) (word, like string) {
	switch {
	case l >= '0' && l <= '9':
		return "digits", "ASCII"
	case (l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'):
		return "letters", "Latin"
	}
	return "characters", "ASCII"
}
