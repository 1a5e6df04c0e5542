package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// newID returns the next resource ID of a kind. IDs are derived from the
// world's seed and a counter, so a seeded sandbox produces the same IDs on
// every run: tests and tutorials can name them.
func (w *World) newID(prefix string, n int) string {
	w.meta().Counter++
	var b strings.Builder
	b.WriteString(prefix)
	for block := 0; b.Len() < len(prefix)+n; block++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d/%d", w.meta().Seed, prefix, w.meta().Counter, block))
		for i := 0; i+1 < len(sum) && b.Len() < len(prefix)+n; i += 2 {
			b.WriteByte(idAlphabet[int(binary.BigEndian.Uint16(sum[i:]))%len(idAlphabet)])
		}
	}
	return b.String()
}

// newRequestID returns a request ID in the format the real gateway uses
// (an upper-case UUID). Request IDs need not be reproducible, so reads do
// not have to touch the world to make one.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
