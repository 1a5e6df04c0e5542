package emulator

import (
	"crypto/hmac"
	"encoding/hex"
	"strings"
	"testing"
)

// TestSM3 checks the sample vectors of GB/T 32905-2016 (appendix A) and
// lengths around the padding boundary, written in pieces.
func TestSM3(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"standard example 1", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"standard example 2", strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
		{"empty", "", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSM3()
			h.Write([]byte(c.in))
			if got := hex.EncodeToString(h.Sum(nil)); got != c.want {
				t.Errorf("SM3(%q): got %s, want %s", c.in, got, c.want)
			}
		})
	}
	t.Run("pieces equal one write", func(t *testing.T) {
		for n := 0; n < 200; n++ {
			msg := []byte(strings.Repeat("x", n))
			one := newSM3()
			one.Write(msg)
			pieces := newSM3()
			for i := 0; i < n; i += 7 {
				pieces.Write(msg[i:min(i+7, n)])
			}
			if a, b := hex.EncodeToString(one.Sum(nil)), hex.EncodeToString(pieces.Sum(nil)); a != b {
				t.Fatalf("length %d: got %s in pieces, want %s", n, b, a)
			}
		}
	})
	t.Run("HMAC-SM3", func(t *testing.T) {
		// Computed with tjfoc/gmsm's sm3 through crypto/hmac, the pair the
		// Go SDK signs ACS3-HMAC-SM3 with.
		m := hmac.New(newSM3, []byte("secret"))
		m.Write([]byte("ACS3-HMAC-SM3\nabc"))
		if got := hex.EncodeToString(m.Sum(nil)); got != hmacSM3Vector {
			t.Errorf("HMAC-SM3: got %s, want %s", got, hmacSM3Vector)
		}
	})
}

const hmacSM3Vector = "7a2dd21a80902cc5a3bc4bbf41a296b4300da1242b350e50e88a7f7a8166c939"
