//go:build !failpoints

package gateway

// installFailpoint does nothing: the production build has no failpoints
// (see failpoint.go, built with -tags failpoints).
func installFailpoint(*Store) {}
