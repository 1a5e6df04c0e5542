package cmdutil

import (
	"io"

	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
)

// Secrets returns the registry of the texts emrctl must never print. It
// knows the environment's credentials from the first call, so errors
// raised before the session opens are covered; the session adds what it
// learns later (the profile's AccessKey secret, the spec's passwords).
func (f *Factory) Secrets() *redact.Registry {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.secrets == nil {
		f.secrets = redact.NewRegistry()
		session.AddEnvSecrets(f.secrets, f.Getenv)
	}
	return f.secrets
}

// ScrubStderr makes everything written to the factory's stderr (errors,
// warnings, progress, cobra's own messages) go through Secrets, until the
// returned function restores the stream. A secret is caught when one Write
// holds it whole, as every fmt.Fprint call does.
func (f *Factory) ScrubStderr() (restore func()) {
	orig := f.IOStreams.ErrOut
	w := scrubWriter{w: orig, secrets: f.Secrets()}
	if fd, ok := orig.(fdWriter); ok {
		f.IOStreams.ErrOut = fdScrubWriter{scrubWriter: w, fd: fd}
	} else {
		f.IOStreams.ErrOut = w
	}
	return func() { f.IOStreams.ErrOut = orig }
}

// scrubWriter writes what it is given with the secrets replaced.
type scrubWriter struct {
	w       io.Writer
	secrets *redact.Registry
}

func (s scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.secrets.Scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// fdWriter is a writer on a file descriptor, such as a terminal.
type fdWriter interface {
	io.Writer
	Fd() uintptr
}

// fdScrubWriter keeps the descriptor visible, so that terminal checks
// (the progress spinner measures the terminal's width) see through it.
type fdScrubWriter struct {
	scrubWriter
	fd fdWriter
}

// Fd returns the wrapped stream's file descriptor.
func (s fdScrubWriter) Fd() uintptr { return s.fd.Fd() }
