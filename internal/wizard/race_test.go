//go:build race

package wizard_test

// buildFlags build emrctl with the race detector when the tests have it.
func buildFlags() []string { return []string{"-race"} }
