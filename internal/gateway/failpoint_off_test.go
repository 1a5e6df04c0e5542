//go:build !failpoints && unix

package gateway

import "testing"

// TestNoFailpointsInProduction sets the failpoint variable of the test
// build and checks the production Store ignores it: no hook, and an apply
// completes.
func TestNoFailpointsInProduction(t *testing.T) {
	t.Setenv("EMRCTL_FAILPOINT_GATEWAY", "write:1")
	s := NewStore(t.TempDir())
	if s.afterStep != nil {
		t.Fatal("NewStore of the production build installed a step hook, want none")
	}
	old, _ := crashSets()
	mustApply(t, s, old, "c-old")
	if _, err := s.Current(); err != nil {
		t.Errorf("apply with the failpoint variable set: %v, want the set current", err)
	}
}
