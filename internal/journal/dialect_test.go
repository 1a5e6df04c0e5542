package journal

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRebind(t *testing.T) {
	tests := []struct {
		name string
		d    Dialect
		q    string
		want string
	}{
		{name: "sqlite unchanged", d: SQLite, q: `SELECT a FROM t WHERE b = ? AND c = ?`, want: `SELECT a FROM t WHERE b = ? AND c = ?`},
		{name: "postgres numbered", d: Postgres, q: `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, want: `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{name: "quoted marks kept", d: Postgres, q: `SELECT '?', "a?" FROM t WHERE b = ?`, want: `SELECT '?', "a?" FROM t WHERE b = $1`},
		{name: "no placeholders", d: Postgres, q: `SELECT 1`, want: `SELECT 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Rebind(tt.q); got != tt.want {
				t.Errorf("Rebind(%q) = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		in, want string
		password bool
	}{
		{in: "postgres://emr@db:5432/journal", want: "postgres://emr@db:5432/journal"},
		{in: "postgres://emr:s3cret@db/journal", want: "postgres://emr:xxxxx@db/journal", password: true},
		{in: "postgresql://db/journal?user=emr&password=s3cret", want: "postgresql://db/journal?password=xxxxx&user=emr", password: true},
		{in: "/home/me/.local/state/emrctl/journal.db", want: "/home/me/.local/state/emrctl/journal.db"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL = %q, want %q", got, tt.want)
			}
			if IsURL(tt.in) {
				if got := URLHasPassword(tt.in); got != tt.password {
					t.Errorf("URLHasPassword = %v, want %v", got, tt.password)
				}
			}
		})
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://h/db": true, "POSTGRESQL://h/db": true, "journal.db": false, "/tmp/postgres/j.db": false,
	} {
		if got := IsURL(in); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", in, got, want)
		}
	}
}

// A database that cannot be reached fails Open with an error that names
// it, without its password.
func TestOpenPostgresErrorHidesPassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	for _, url := range []string{
		"postgres://emr:Sup3rSecret@" + addr + "/journal?sslmode=disable&connect_timeout=2",
		"postgres://emr@" + addr + "/journal?sslmode=disable&password=Sup3rSecret&connect_timeout=2",
		"postgres://emr:Sup3rSecret@[bad/journal",
	} {
		j, err := Open(context.Background(), url, Options{})
		if err == nil {
			j.Close()
			t.Fatalf("Open(%s) succeeded, want an error", RedactURL(url))
		}
		if strings.Contains(err.Error(), "Sup3rSecret") {
			t.Errorf("Open error shows the password: %v", err)
		}
	}
}

func TestBusyClassifiesPostgresConflicts(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{code: "40001", want: true},  // serialization_failure
		{code: "40P01", want: true},  // deadlock_detected
		{code: "23505", want: false}, // unique_violation: running again fails again
		{code: "42P01", want: false}, // undefined_table
	}
	for _, tt := range tests {
		err := fmt.Errorf("begin: %w", &pgconn.PgError{Code: tt.code})
		if got := busy(err); got != tt.want {
			t.Errorf("busy(SQLSTATE %s) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func testUniqueViolation(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	if _, err := j.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, "k", "1"); err != nil {
		t.Fatal(err)
	}
	_, err := j.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, "k", "2")
	if !IsUniqueViolation(err) {
		t.Errorf("IsUniqueViolation(%v) = false, want true", err)
	}
	if _, err := j.db.ExecContext(ctx, `SELECT nope FROM meta`); err == nil || IsUniqueViolation(err) {
		t.Errorf("IsUniqueViolation(%v) = true, want false", err)
	}
}
