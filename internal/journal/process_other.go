//go:build !unix

package journal

// processExists cannot tell on this platform: the lease decides alone.
func processExists(int) bool { return true }
