// Package termquiet keeps the terminal libraries linked in for the
// interactive wizard (bubbletea via huh) from querying the terminal when
// any emrctl command starts: bubbletea's package init asks the terminal for
// its background colour and waits up to 5 s for an answer, on every run
// whose stdout is a terminal.
//
// The Go spec fixes the initialisation order: at each step the first
// package, by import path, whose imports are all initialised. This package
// imports only os; termenv (github.com/muesli/termenv) imports os too and
// sorts after it, so this package runs first, and bubbletea, which needs
// termenv, runs later still. It sets TERM=dumb, which termenv takes as "do
// not query", and Restore puts the real value back before any command runs.
package termquiet

import "os"

var (
	term, hadTerm = os.LookupEnv("TERM")
)

func init() {
	os.Setenv("TERM", "dumb")
}

// Restore brings back the TERM the process was started with.
func Restore() {
	if hadTerm {
		os.Setenv("TERM", term)
		return
	}
	os.Unsetenv("TERM")
}
