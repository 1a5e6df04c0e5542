package iostreams

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTestStreamsAreNotTerminals(t *testing.T) {
	ios, _, _, _ := Test()
	checks := []struct {
		name string
		got  bool
	}{
		{name: "IsStdinTTY", got: ios.IsStdinTTY()},
		{name: "IsStdoutTTY", got: ios.IsStdoutTTY()},
		{name: "IsStderrTTY", got: ios.IsStderrTTY()},
		{name: "CanPrompt", got: ios.CanPrompt()},
		{name: "ColorEnabled", got: ios.ColorEnabled()},
	}
	for _, c := range checks {
		if c.got {
			t.Errorf("%s() = true, want false", c.name)
		}
	}
	if got, want := ios.TerminalWidth(), 80; got != want {
		t.Errorf("TerminalWidth() = %d, want %d", got, want)
	}
}

func TestSystemWiresProcessStreams(t *testing.T) {
	ios := System()
	if ios.In != os.Stdin || ios.Out != os.Stdout || ios.ErrOut != os.Stderr {
		t.Errorf("got streams %v %v %v, want os.Stdin, os.Stdout, os.Stderr", ios.In, ios.Out, ios.ErrOut)
	}
}

func TestCanPrompt(t *testing.T) {
	tests := []struct {
		name     string
		stdinTTY bool
		outTTY   bool
		want     bool
	}{
		{name: "both terminals", stdinTTY: true, outTTY: true, want: true},
		{name: "stdin piped", stdinTTY: false, outTTY: true, want: false},
		{name: "stdout piped", stdinTTY: true, outTTY: false, want: false},
		{name: "neither", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			ios.SetStdinTTY(tt.stdinTTY)
			ios.SetStdoutTTY(tt.outTTY)
			if got := ios.CanPrompt(); got != tt.want {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestColorEnabled(t *testing.T) {
	tests := []struct {
		name      string
		noColor   string
		termValue string
		stdoutTTY bool
		want      bool
	}{
		{name: "terminal, plain env", termValue: "xterm-256color", stdoutTTY: true, want: true},
		{name: "stdout not a terminal", termValue: "xterm-256color", stdoutTTY: false, want: false},
		{name: "NO_COLOR set", noColor: "1", termValue: "xterm", stdoutTTY: true, want: false},
		{name: "TERM dumb", termValue: "dumb", stdoutTTY: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			t.Setenv("TERM", tt.termValue)
			ios := System()
			ios.SetStdoutTTY(tt.stdoutTTY)
			if got := ios.ColorEnabled(); got != tt.want {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTerminalWidth(t *testing.T) {
	tests := []struct {
		name      string
		stdoutTTY bool
		override  int
		want      int
	}{
		{name: "not a terminal", want: 80},
		{name: "terminal without a size falls back", stdoutTTY: true, want: 80},
		{name: "override", stdoutTTY: true, override: 132, want: 132},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			ios.SetStdoutTTY(tt.stdoutTTY)
			ios.SetTerminalWidth(tt.override)
			if got := ios.TerminalWidth(); got != tt.want {
				t.Errorf("TerminalWidth() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestProgressWithoutTerminalPrintsEachMessageOnce(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.StartProgress("waiting for c-1 to be RUNNING")
	ios.StartProgress("waiting for c-1 to be RUNNING")
	ios.StartProgress("waiting for c-2\x1b[31m")
	ios.StopProgress()
	ios.StartProgress("waiting for c-1 to be RUNNING")
	ios.StopProgress()

	want := "waiting for c-1 to be RUNNING\nwaiting for c-2 [31m\nwaiting for c-1 to be RUNNING\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr: got %q, want %q", got, want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout: got %q, want nothing", out.String())
	}
}

func TestProgressOnTerminalSpinsOnStderr(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.SetStderrTTY(true)
	ios.StartProgress("creating cluster")
	ios.StartProgress("waiting for " + strings.Repeat("x", 200))
	ios.StopProgress()
	ios.StopProgress() // a second stop is harmless

	got := errOut.String()
	if !strings.Contains(got, "creating cluster") || !strings.Contains(got, "waiting for") {
		t.Errorf("stderr: got %q, want both messages", got)
	}
	if !strings.HasSuffix(got, clearLine) {
		t.Errorf("stderr: got %q, want it to end by erasing the line", got)
	}
	for _, line := range strings.Split(got, clearLine) {
		if n := utf8.RuneCountInString(line); n >= 80 {
			t.Errorf("spinner line has %d runes, want fewer than the 80-column width: %q", n, line)
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout: got %q, want nothing", out.String())
	}
}

func TestStopProgressWithoutStartWritesNothing(t *testing.T) {
	ios, _, _, errOut := Test()
	ios.SetStderrTTY(true)
	ios.StopProgress()
	if errOut.Len() != 0 {
		t.Errorf("stderr: got %q, want nothing", errOut.String())
	}
}
