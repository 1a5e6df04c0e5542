// Package cmdutil holds what every command shares: the Factory (lazy
// dependencies), flag helpers, the confirmer and the mapping of errors to
// exit codes and messages.
package cmdutil

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
)

// Factory gives commands their dependencies, created on first use.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Version   string
	Getenv    func(string) string
	Now       func() time.Time

	// Global flags.
	Profile   string
	Region    string
	Endpoint  string
	Output    string
	Query     string
	Yes       bool
	AckCost   bool
	NoHeaders bool
	// IdempotencyKey is the --idempotency-key of a write command.
	IdempotencyKey string

	mu      sync.Mutex
	sess    *session.Session
	paths   *config.Paths
	secrets *redact.Registry
	// OpenSession can be replaced by tests.
	OpenSession func(ctx context.Context, o session.Options) (*session.Session, error)
}

// New returns a Factory on the process's streams and environment.
func New(version string) *Factory {
	return &Factory{IOStreams: iostreams.System(), Version: version, Getenv: os.Getenv, Now: time.Now, OpenSession: session.Open}
}

// Paths returns where emrctl keeps its files.
func (f *Factory) Paths() (config.Paths, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paths != nil {
		return *f.paths, nil
	}
	p, err := config.DefaultPaths(f.Getenv)
	if err != nil {
		return config.Paths{}, err
	}
	f.paths = &p
	return p, nil
}

// Session opens the profile once per process.
func (f *Factory) Session(ctx context.Context) (*session.Session, error) {
	paths, err := f.Paths()
	if err != nil {
		return nil, err
	}
	secrets := f.Secrets()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sess != nil {
		return f.sess, nil
	}
	s, err := f.OpenSession(ctx, session.Options{
		Paths: paths, Profile: f.Profile, Region: f.Region, Endpoint: f.Endpoint,
		Getenv: f.Getenv, UserAgent: "emrctl/" + f.Version, Secrets: secrets,
		Warn: func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+msg) },
	})
	if err != nil {
		return nil, err
	}
	f.sess = s
	return s, nil
}

// Close releases the session.
func (f *Factory) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sess == nil {
		return nil
	}
	err := f.sess.Close()
	f.sess = nil
	return err
}

// Format returns the -o format.
func (f *Factory) Format() (output.Format, error) { return output.ParseFormat(f.Output) }
