package validate

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tricky returns the seeds every fuzz target starts from: homoglyphs, bidi
// and zero-width characters, shell syntax, boundaries and invalid UTF-8.
func tricky() []string {
	return []string{
		"", "a", "-", "--yes", "_x", "数据湖", "prоd", "с-12345678", "c-12345678", "c-12345678 ",
		"c-1234\u200B5678", "a\u202Eb", "\uFEFFx", "x\U000E0041", "a;rm -rf /", "$(id)", "`id`",
		"Abcdef12", "Ab1-_.@#%+=!,", "Abc$ef12", "\xff\xfe", "oss://b-1/x.sh", "oss://b-1/../x.sh",
		"https://evil.example/x.sh", "s3://bucket/key.jar", "oss://b.cn-hangzhou.oss-dls.aliyuncs.com/k",
		strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("集", 129), strings.Repeat("d", 257),
		"ignore previous instructions", "ｃluster", "i-bp1cudc25w2bfwl5xxxx", "j-2AXXXXXXGAPLF",
	}
}

// checkError asserts what every refusal must satisfy.
func checkError(t *testing.T, e *Error, field string) {
	t.Helper()
	if e.Field != field {
		t.Errorf("Field: got %q, want %q", e.Field, field)
	}
	if e.Rule == "" {
		t.Error("got empty Rule, want a reason")
	}
	if n := utf8.RuneCountInString(e.Value); n > MaxRendered {
		t.Errorf("Value: got %d runes, want at most %d", n, MaxRendered)
	}
	for _, r := range e.Value {
		if hiddenKind(r) != "" {
			t.Errorf("Value %q: got hidden rune U+%04X, want it escaped", e.Value, r)
		}
	}
	if !utf8.ValidString(e.Error()) {
		t.Errorf("Error(): got invalid UTF-8 %q", e.Error())
	}
}

// checkText asserts the Text invariants on an accepted value.
func checkText(t *testing.T, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Errorf("accepted invalid UTF-8 %q", v)
	}
	if strings.HasPrefix(v, "-") {
		t.Errorf("accepted leading '-' in %q", v)
	}
	for _, r := range v {
		if hiddenKind(r) != "" {
			t.Errorf("accepted hidden rune U+%04X in %q", r, v)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range tricky() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if e := Text("f", v); e != nil {
			checkError(t, e, "f")
			return
		}
		checkText(t, v)
		for _, r := range v {
			if unicode.IsControl(r) || r == 0x202E || r == 0x200B {
				t.Errorf("accepted U+%04X in %q", r, v)
			}
		}
	})
}

func FuzzName(f *testing.F) {
	for _, s := range tricky() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if e := Name("f", v); e != nil {
			checkError(t, e, "f")
			return
		}
		checkText(t, v)
		if n := utf8.RuneCountInString(v); n < 1 || n > NameMaxRunes {
			t.Errorf("accepted %d runes, want 1-%d", n, NameMaxRunes)
		}
		if v[0] == '_' {
			t.Errorf("accepted leading '_' in %q", v)
		}
		for _, r := range v {
			if !isASCIIAlnum(r) && r != '-' && r != '_' && !unicode.Is(unicode.Han, r) {
				t.Errorf("accepted U+%04X in %q", r, v)
			}
		}
	})
}

func FuzzDescription(f *testing.F) {
	for _, s := range tricky() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if e := Description("f", v); e != nil {
			checkError(t, e, "f")
			return
		}
		checkText(t, v)
		if n := utf8.RuneCountInString(v); n > DescriptionMaxRunes {
			t.Errorf("accepted %d runes, want at most %d", n, DescriptionMaxRunes)
		}
		if strings.ContainsAny(v, shellMeta) {
			t.Errorf("accepted a shell metacharacter in %q", v)
		}
		for _, r := range v {
			if !unicode.IsGraphic(r) {
				t.Errorf("accepted unprintable U+%04X in %q", r, v)
			}
		}
	})
}

func FuzzID(f *testing.F) {
	for i, s := range tricky() {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, k uint8, v string) {
		kind := Kind(int(k)%int(AWSInstanceType) + 1)
		e := ID(kind, "f", v)
		if e != nil {
			checkError(t, e, "f")
			if !strings.Contains(e.Fix, kind.Pattern()) {
				t.Errorf("Fix %q: want it to show %s", e.Fix, kind.Pattern())
			}
			return
		}
		checkText(t, v)
		if !matches(kind.Pattern(), v) {
			t.Errorf("accepted %q, which does not match %s", v, kind.Pattern())
		}
		for i := 0; i < len(v); i++ {
			if v[i] >= utf8.RuneSelf || v[i] <= ' ' {
				t.Errorf("accepted byte %#x in %q", v[i], v)
			}
		}
	})
}

// passwordMessages returns the text of every distinct password refusal, one
// per combination of failed rules: the text must come from this closed set,
// so it cannot carry any part of the password.
func passwordMessages() map[string]bool {
	set := map[string]bool{}
	for _, length := range []int{4, 12, 40} { // too short, fine, too long
		for mask := 0; mask < 1<<5; mask++ {
			var b strings.Builder
			for bit, part := range []string{"-", "A", "a", "1", "$"} {
				if mask&(1<<bit) != 0 {
					b.WriteString(part)
				}
			}
			v := b.String() + strings.Repeat(".", max(0, length-b.Len()))
			if e := Password("f", v); e != nil {
				set[e.Error()] = true
			}
		}
	}
	return set
}

func FuzzPassword(f *testing.F) {
	for _, s := range tricky() {
		f.Add(s)
	}
	known := passwordMessages()
	f.Fuzz(func(t *testing.T, v string) {
		e := Password("f", v)
		if e != nil {
			if !e.Secret || e.Value != "" {
				t.Errorf("got Secret %v, Value %q, want a secret error without value", e.Secret, e.Value)
			}
			msg := e.Error()
			if !known[msg] {
				t.Errorf("got message %q outside the fixed set: it may depend on the password", msg)
			}
			// The closed set already rules out echoing; this is the direct
			// form, exempting inputs that are words of the fixed messages
			// ("long", "digit").
			if len(v) >= 3 && strings.Contains(msg, v) && !strings.Contains(strings.Join(mapKeys(known), "\n"), v) {
				t.Errorf("message %q contains the password", msg)
			}
			// Changing every character for another of its class must not
			// change the message.
			if e2 := Password("f", sameShape(v)); e2 == nil || e2.Error() != msg {
				t.Errorf("message changed with the content: got %v, want %q", e2, msg)
			}
			return
		}
		if len(v) < PasswordMinLen || len(v) > PasswordMaxLen {
			t.Errorf("accepted length %d", len(v))
		}
		if !strings.ContainsAny(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ||
			!strings.ContainsAny(v, "abcdefghijklmnopqrstuvwxyz") || !strings.ContainsAny(v, "0123456789") {
			t.Errorf("accepted %q without upper, lower and digit", v)
		}
		for i := 0; i < len(v); i++ {
			c := rune(v[i])
			if !isASCIIAlnum(c) && !strings.ContainsRune(passwordSymbols, c) {
				t.Errorf("accepted byte %#x", v[i])
			}
		}
		checkText(t, v)
	})
}

// sameShape replaces every byte of v with a different byte of the same
// password class (upper, lower, digit, allowed symbol, refused).
func sameShape(v string) string {
	b := []byte(v)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		case c == '-':
			// '-' has a rule of its own (leading); keep it.
		case strings.IndexByte(passwordSymbols, c) >= 0:
			b[i] = '_'
			if c == '_' {
				b[i] = '.'
			}
		default:
			b[i] = '$'
			if c == '$' {
				b[i] = '`'
			}
		}
	}
	return string(b)
}

func mapKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func FuzzScriptPath(f *testing.F) {
	for i, s := range tricky() {
		f.Add(s, i%2 == 0, i%3 == 0)
	}
	f.Fuzz(func(t *testing.T, v string, s3 bool, restrict bool) {
		scheme := "oss"
		if s3 {
			scheme = "s3"
		}
		var own []string
		if restrict {
			own = []string{"b-1", "bucket"}
		}
		e := ScriptPath("f", v, scheme, own)
		if e != nil {
			checkError(t, e, "f")
			return
		}
		checkText(t, v)
		u, ok := ParseObjectURI(v)
		if !ok || u.Scheme != scheme {
			t.Fatalf("accepted %q: got scheme %q, want %q", v, u.Scheme, scheme)
		}
		if u.Key == "" || strings.HasSuffix(u.Key, "/") {
			t.Errorf("accepted %q with key %q", v, u.Key)
		}
		for _, seg := range strings.Split(u.Key, "/") {
			if seg == ".." {
				t.Errorf("accepted %q with a .. segment", v)
			}
		}
		if !matches(bucketPattern, u.Bucket) {
			t.Errorf("accepted %q with bucket %q", v, u.Bucket)
		}
		if restrict && u.Bucket != "b-1" && u.Bucket != "bucket" {
			t.Errorf("accepted %q in bucket %q outside own buckets", v, u.Bucket)
		}
	})
}
