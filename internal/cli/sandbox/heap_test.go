package sandbox

import "testing"

// TestGCPercentKeepsHeadroom: a small served state keeps GOGC=100, a
// large one moves toward 25 so its garbage stays near heapHeadroom.
func TestGCPercentKeepsHeadroom(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{20 << 20, 100},
		{64 << 20, 100},
		{100 << 20, 60},
		{128 << 20, 50},
		{240 << 20, 25},
		{1 << 30, 25},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
