// Package pgtest runs a real PostgreSQL server for tests, the way
// mototest runs moto_server: the server binaries found in PATH or in
// /usr/lib/postgresql/<version>/bin (newest), initdb in a temporary
// directory, a free loopback port, trust authentication, no durability
// (fsync=off). When the tests run as root, which initdb refuses, the
// server runs as the user postgres (else nobody). On Linux the server
// gets SIGQUIT when the test binary dies, even by SIGKILL, so none is
// left behind.
//
// Tests skip when the binaries are missing, unless
// EMRCTL_REQUIRE_POSTGRES=1 (scripts/test.sh sets it once they are
// installed), which turns that into a failure.
//
// One server per test binary, a fresh database per test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestStore(t *testing.T) {
//		url := pgtest.Shared(t).NewDatabase(t)
//		...
//	}
//
// Start gives a test a server of its own, stopped at its cleanup.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the variable that, set to 1, makes missing server
// binaries fail tests instead of skipping them.
const RequireEnv = "EMRCTL_REQUIRE_POSTGRES"

// dbTimeout bounds creating or dropping a test database.
const dbTimeout = 30 * time.Second

// Server is a running PostgreSQL server.
type Server struct {
	// URL reaches the database postgres as the superuser, e.g.
	// postgres://postgres@127.0.0.1:43121/postgres?sslmode=disable.
	URL string
	// Port is the loopback TCP port the server listens on.
	Port int

	dir   string // temporary directory: data, socket, log
	proc  *process
	dbSeq atomic.Int64
}

// Required reports whether the environment demands PostgreSQL (CI).
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Start starts a server for t alone and stops it at t's cleanup, printing
// the end of its log when t failed. It skips t when the server binaries
// are missing, unless Required.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := launch()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(s.logTail(50))
		}
		if err := s.close(); err != nil {
			t.Errorf("stop postgres: %v", err)
		}
	})
	return s
}

// shared is the one server of a test binary whose TestMain calls Main.
// It is package state because the test binary is what shares it.
var shared struct {
	mu     sync.Mutex
	inMain bool
	srv    *Server
	err    error // why srv could not be started; not retried
}

// Main runs the tests of a binary and then stops the server that Shared
// started, if any; it prints the end of the server log when a test
// failed. It returns m.Run's exit code, so a TestMain can be just
// pgtest.Main(m) or end with os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	s := shared.srv
	shared.inMain, shared.srv, shared.err = false, nil, nil
	shared.mu.Unlock()
	if s == nil {
		return code
	}
	if code != 0 {
		fmt.Fprintln(os.Stderr, s.logTail(50))
	}
	if err := s.close(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stop postgres: %v\n", err)
	}
	return code
}

// Shared returns the test binary's server, started by the first call.
// It needs Main in the package's TestMain, which stops the server. Like
// Start, it skips t when the server binaries are missing, unless
// Required.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		t.Fatal("pgtest.Shared needs pgtest.Main in the package's TestMain, which stops the server: " +
			"func TestMain(m *testing.M) { pgtest.Main(m) }")
	}
	if shared.srv == nil && shared.err == nil {
		shared.srv, shared.err = launch()
	}
	if shared.err != nil {
		unavailable(t, shared.err)
	}
	return shared.srv
}

// unavailable ends t because no server could be started: a skip when the
// binaries are missing and not Required, else a failure.
func unavailable(t testing.TB, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, ErrNotInstalled):
		t.Fatalf("start postgres: %v", err)
	case Required():
		t.Fatalf("PostgreSQL is required (%s=1): %v", RequireEnv, err)
	default:
		t.Skipf("PostgreSQL unavailable (set %s=1 to fail instead): %v", RequireEnv, err)
	}
}

// NewDatabase creates an empty database for t and returns its URL; the
// database is dropped at t's cleanup, connections still open or not, so
// tests never see each other's tables.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d", databasePrefix(t.Name()), s.dbSeq.Add(1))
	ident := pgx.Identifier{name}.Sanitize()
	if err := s.exec("CREATE DATABASE " + ident); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := s.exec("DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return s.databaseURL(name)
}

// exec runs one statement in the database postgres. CREATE and DROP
// DATABASE cannot run in a transaction, so no pool and no tx.
func (s *Server) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// databasePrefix turns a test name into the start of a database name:
// lower-case letters, digits and underscores, short enough to leave room
// for the sequence number under PostgreSQL's 63-byte limit.
func databasePrefix(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	underscore := true
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			underscore = false
		case !underscore:
			b.WriteByte('_')
			underscore = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
