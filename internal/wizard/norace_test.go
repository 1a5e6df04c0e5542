//go:build !race

package wizard_test

// buildFlags build emrctl as the tests are built: without the race
// detector here.
func buildFlags() []string { return nil }
