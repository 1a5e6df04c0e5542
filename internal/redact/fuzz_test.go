package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzString checks that String never panics and that Registry.String never
// returns a registered secret, wherever it sits in the text.
func FuzzString(f *testing.F) {
	f.Add("Authorization: "+fakeACS3Header, fakeAKSecret)
	f.Add(`{"MasterRootPassword":"x","ClientToken":"y"}`, fakePassword)
	f.Add("jdbc:mysql://u:p@h/db?password=", "[REDACTED]x")
	f.Add("password=", "RED"+"ACTED]]")
	f.Add("LTAI", "5tRzXq8Vn3KpW7mYcJ2d")
	f.Add("\xff\xfe", "\xff\xfe\xfd\xfc\xfb\xfa")
	f.Fuzz(func(t *testing.T, text, secret string) {
		_ = String(text)
		r := NewRegistry(secret)
		registered := utf8.RuneCountInString(secret) >= minSecretLen && !strings.Contains(Marker+Marker, secret)
		if got := r.Len() > 0; got != registered {
			t.Fatalf("registered %q = %v, want %v", secret, got, registered)
		}
		if !registered {
			return
		}
		for _, in := range []string{text + secret + text, secret + text, "password=" + secret + "&" + text} {
			if out := r.String(in); strings.Contains(out, secret) {
				t.Fatalf("String(%q) = %q, contains registered secret %q", in, out, secret)
			}
		}
	})
}
