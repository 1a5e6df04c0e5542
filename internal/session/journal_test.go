package session

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/pgtest"
	"github.com/emrctl/emrctl/internal/redact"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A journal URL, from the configuration or EMRCTL_JOURNAL_URL, opens the
// journal on PostgreSQL; without one it is the file in the data directory.
func TestOpenJournalLocation(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	tests := []struct {
		name     string
		config   string
		env      map[string]string
		postgres bool
	}{
		{name: "default file"},
		{name: "configured URL", config: "journal: " + url + "\n", postgres: true},
		{name: "environment", env: map[string]string{config.JournalURLEnv: url}, postgres: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths := config.Paths{ConfigDir: filepath.Join(dir, "c"), DataDir: filepath.Join(dir, "d")}
			if tt.config != "" {
				if err := os.MkdirAll(paths.ConfigDir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(paths.ConfigFile(), []byte(tt.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(context.Background(), Options{Paths: paths, Getenv: env(tt.env)})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if got := s.Engine.Journal().Dialect().Postgres(); got != tt.postgres {
				t.Errorf("journal on PostgreSQL = %v, want %v", got, tt.postgres)
			}
			_, statErr := os.Stat(paths.JournalFile())
			if fileMade := statErr == nil; fileMade == tt.postgres {
				t.Errorf("journal file created = %v, want %v", fileMade, !tt.postgres)
			}
		})
	}
}

// A password in EMRCTL_JOURNAL_URL is a secret: an unreachable database
// fails Open without showing it, and the registry scrubs it.
func TestOpenJournalURLPasswordStaysSecret(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const pw = "JournalPassw0rd-42"
	dir := t.TempDir()
	reg := redact.NewRegistry()
	o := Options{
		Paths:   config.Paths{ConfigDir: filepath.Join(dir, "c"), DataDir: filepath.Join(dir, "d")},
		Getenv:  env(map[string]string{config.JournalURLEnv: "postgres://emr:" + pw + "@" + addr + "/j?sslmode=disable&connect_timeout=2"}),
		Secrets: reg,
	}
	s, err := Open(context.Background(), o)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on an unreachable database, want an error")
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("Open error shows the password: %v", err)
	}
	if got := reg.Scrub("pw=" + pw); strings.Contains(got, pw) {
		t.Errorf("Scrub = %q, want the password registered as a secret", got)
	}
}
