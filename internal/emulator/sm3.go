package emulator

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// SM3 is the Chinese national hash function (GB/T 32905-2016), used by
// the ACS3-HMAC-SM3 signature. The Go standard library has no SM3, and
// the emulator verifies signatures made with the SDKs' own SM3, so an
// independent implementation here also checks theirs.

const (
	sm3Size      = 32
	sm3BlockSize = 64
)

var sm3IV = [8]uint32{
	0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
	0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
}

type sm3Digest struct {
	v   [8]uint32
	buf [sm3BlockSize]byte
	n   int    // bytes in buf
	len uint64 // bytes written in total
}

// newSM3 returns an SM3 hash.Hash.
func newSM3() hash.Hash {
	d := &sm3Digest{}
	d.Reset()
	return d
}

func (d *sm3Digest) Size() int      { return sm3Size }
func (d *sm3Digest) BlockSize() int { return sm3BlockSize }

func (d *sm3Digest) Reset() {
	d.v, d.n, d.len = sm3IV, 0, 0
}

func (d *sm3Digest) Write(p []byte) (int, error) {
	written := len(p)
	d.len += uint64(written)
	if d.n > 0 {
		c := copy(d.buf[d.n:], p)
		d.n += c
		p = p[c:]
		if d.n < sm3BlockSize {
			return written, nil
		}
		d.block(d.buf[:])
		d.n = 0
	}
	for len(p) >= sm3BlockSize {
		d.block(p[:sm3BlockSize])
		p = p[sm3BlockSize:]
	}
	d.n = copy(d.buf[:], p)
	return written, nil
}

// Sum appends the digest of what was written so far; d is unchanged.
func (d *sm3Digest) Sum(in []byte) []byte {
	c := *d
	// Padding: 0x80, zeros up to 56 mod 64, then the length in bits.
	var pad [sm3BlockSize + 8]byte
	pad[0] = 0x80
	padLen := 56 - int(c.len%sm3BlockSize)
	if padLen <= 0 {
		padLen += sm3BlockSize
	}
	binary.BigEndian.PutUint64(pad[padLen:], c.len*8)
	_, _ = c.Write(pad[:padLen+8])
	out := make([]byte, sm3Size)
	for i, w := range c.v {
		binary.BigEndian.PutUint32(out[i*4:], w)
	}
	return append(in, out...)
}

func sm3P0(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 9) ^ bits.RotateLeft32(x, 17) }
func sm3P1(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 15) ^ bits.RotateLeft32(x, 23) }

// block compresses one 64-byte block into the state.
func (d *sm3Digest) block(p []byte) {
	var w [68]uint32
	for i := 0; i < 16; i++ {
		w[i] = binary.BigEndian.Uint32(p[i*4:])
	}
	for j := 16; j < 68; j++ {
		w[j] = sm3P1(w[j-16]^w[j-9]^bits.RotateLeft32(w[j-3], 15)) ^ bits.RotateLeft32(w[j-13], 7) ^ w[j-6]
	}
	a, b, c, dd, e, f, g, h := d.v[0], d.v[1], d.v[2], d.v[3], d.v[4], d.v[5], d.v[6], d.v[7]
	for j := 0; j < 64; j++ {
		t, ff, gg := uint32(0x79cc4519), a^b^c, e^f^g
		if j >= 16 {
			t = 0x7a879d8a
			ff = (a & b) | (a & c) | (b & c)
			gg = (e & f) | (^e & g)
		}
		ss1 := bits.RotateLeft32(bits.RotateLeft32(a, 12)+e+bits.RotateLeft32(t, j%32), 7)
		ss2 := ss1 ^ bits.RotateLeft32(a, 12)
		tt1 := ff + dd + ss2 + (w[j] ^ w[j+4])
		tt2 := gg + h + ss1 + w[j]
		dd, c, b, a = c, bits.RotateLeft32(b, 9), a, tt1
		h, g, f, e = g, bits.RotateLeft32(f, 19), e, sm3P0(tt2)
	}
	d.v[0] ^= a
	d.v[1] ^= b
	d.v[2] ^= c
	d.v[3] ^= dd
	d.v[4] ^= e
	d.v[5] ^= f
	d.v[6] ^= g
	d.v[7] ^= h
}
