// Package iostreams holds the standard streams a command uses and what is
// known about them: whether each is a terminal, whether colour is wanted, and
// how wide the terminal is. Commands get an *IOStreams from the Factory instead
// of touching os.Stdout, so tests can swap in buffers and pretend to be a TTY.
//
// Modelled on cli/cli pkg/iostreams, cut down to what emrctl needs.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// defaultWidth is the width assumed when stdout is not a terminal or its size
// cannot be read; 80 columns is the traditional terminal width.
const defaultWidth = 80

// IOStreams is the set of streams a command reads from and writes to. Data
// goes to Out, progress, warnings and errors to ErrOut.
//
// An IOStreams must not be copied after first use: it guards its progress
// indicator with a mutex.
type IOStreams struct {
	// In is standard input.
	In io.Reader
	// Out is standard output: data only.
	Out io.Writer
	// ErrOut is standard error: progress, warnings and errors.
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	// noColor and dumbTerm are read from the environment once, by System,
	// so that ColorEnabled does not depend on process-wide state later on.
	noColor  bool
	dumbTerm bool

	// width, when positive, overrides the measured terminal width (tests).
	width int

	progressMu sync.Mutex
	spin       *spinner
	// lastLine is the last progress message printed on a non-TTY stderr,
	// so that repeated calls with the same message print it once.
	lastLine string
}

// System returns IOStreams wired to the process's standard streams, with
// terminals detected by golang.org/x/term and the colour environment
// (NO_COLOR, TERM) read once.
func System() *IOStreams {
	noColor := os.Getenv("NO_COLOR") != ""
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		noColor:   noColor,
		dumbTerm:  os.Getenv("TERM") == "dumb",
	}
}

// Test returns IOStreams backed by buffers, for tests. No stream is a
// terminal until a setter says so, and the environment is ignored: colour is
// enabled exactly when stdout is set to be a TTY.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides whether standard input counts as a terminal.
func (s *IOStreams) SetStdinTTY(isTTY bool) { s.stdinTTY = isTTY }

// SetStdoutTTY overrides whether standard output counts as a terminal.
func (s *IOStreams) SetStdoutTTY(isTTY bool) { s.stdoutTTY = isTTY }

// SetStderrTTY overrides whether standard error counts as a terminal.
func (s *IOStreams) SetStderrTTY(isTTY bool) { s.stderrTTY = isTTY }

// SetTerminalWidth overrides the width TerminalWidth reports; zero or less
// restores measuring.
func (s *IOStreams) SetTerminalWidth(width int) { s.width = width }

// CanPrompt reports whether the user can be asked a question: both stdin
// and stdout must be terminals, otherwise the answer could not be typed or
// the question would land in a pipe.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// ColorEnabled reports whether output to stdout may use ANSI colour: stdout
// is a terminal, NO_COLOR is unset or empty (https://no-color.org), and TERM
// is not "dumb".
func (s *IOStreams) ColorEnabled() bool {
	return s.stdoutTTY && !s.noColor && !s.dumbTerm
}

// TerminalWidth returns the width of the terminal on stdout in columns, or
// 80 when stdout is not a terminal or its size cannot be read.
func (s *IOStreams) TerminalWidth() int {
	if s.width > 0 {
		return s.width
	}
	if !s.stdoutTTY {
		return defaultWidth
	}
	return measureWidth(s.Out)
}

// measureWidth returns the width of the terminal behind w, or defaultWidth.
func measureWidth(w io.Writer) int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return defaultWidth
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return defaultWidth
	}
	return width
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
