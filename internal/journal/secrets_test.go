package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/redact"
)

// TestNoSecretsStored writes attempts, outcomes and audit events full of
// real-looking secrets, then reads every table and the raw database files and
// finds none of them.
func testNoSecretsStored(t *testing.T, bk backend) {
	const (
		akID         = "LTAI5tRzXq8Vn3KpW7mYcJ2d"
		akSecret     = "kG7vQ2mXp9LsT4wZr8YbN3cH6jFd1E"
		rootPassword = "Emr@Pa55w0rd!2024"
		rdsPassword  = "HiveMeta#Rds2024"
		signature    = "6e2a0c1f9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
		stsToken     = "CAIS1gJ1q6Ft5B2yfSjIr5bjLtPhjOhm1bqHVkXcq2YiaetHh6Lzrzz2IHhMeXdqAO8b"
		envSecret    = "pw-from-env-Qx7Lm2Zr"
	)
	secrets := []string{akID, akSecret, rootPassword, rdsPassword, signature, stsToken, envSecret}
	authHeader := "ACS3-HMAC-SHA256 Credential=" + akID + ",SignedHeaders=host;x-acs-action;x-acs-date,Signature=" + signature

	ctx := context.Background()
	c := newClock()
	path := bk.location(t)
	j := openAt(t, path, Options{Registry: redact.NewRegistry(envSecret), Now: c.Now})

	in := createCluster("etl")
	in.Params = map[string]any{
		"ClusterName":     "etl",
		"AccessKeySecret": akSecret,
		"Description":     "created with " + akID,
		"NodeAttributes":  map[string]any{"MasterRootPassword": rootPassword, "VpcId": "vpc-1"},
		"ApplicationConfigs": []any{
			map[string]any{"ApplicationName": "HIVE", "ConfigItemKey": "javax.jdo.option.ConnectionPassword", "ConfigItemValue": rdsPassword},
			map[string]any{"ApplicationName": "HIVE", "ConfigItemKey": "javax.jdo.option.ConnectionURL", "ConfigItemValue": "jdbc:mysql://hive:" + rdsPassword + "@rm-bp1:3306/hivemeta"},
		},
		"BootstrapScripts": []any{map[string]any{"ScriptPath": "oss://my-bucket/init.sh", "ScriptArgs": "--db-pass " + envSecret}},
	}
	in.IdempotencyKey = "run-" + envSecret
	a, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	err = j.Finish(ctx, a.ID, Outcome{
		Status:    StatusFailed,
		ErrorCode: "SignatureDoesNotMatch",
		ErrorMessage: "SignatureDoesNotMatch: the signature does not match. Authorization: " + authHeader +
			"\nx-acs-security-token: " + stsToken + "\nAccessKeySecret=" + akSecret + " password from env " + envSecret,
		ResultIDs: []string{"c-1"},
		Detail: map[string]any{
			"headers": map[string]any{"Authorization": authHeader, "x-acs-security-token": stsToken},
			"stderr":  "mysql: using password " + envSecret,
			"url":     "jdbc:mysql://rm-bp1:3306/hivemeta?user=hive&password=" + rdsPassword,
		},
	})
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if err := j.Audit(ctx, AuditEvent{
		Actor:     "agent",
		ActorKind: "mcp",
		Client:    "claude",
		Event:     EventMCPTool,
		Operation: "CreateCluster",
		Target:    "etl",
		Detail: `{"MasterRootPassword":"` + rootPassword + `","note":"key ` + akID + ` secret ` + envSecret +
			`"} Authorization: ` + authHeader,
	}); err != nil {
		t.Fatalf("Audit: %v", err)
	}

	dump := dumpTables(t, j)
	if !strings.Contains(dump, redact.Marker) || !strings.Contains(dump, "oss://my-bucket/init.sh") {
		t.Fatalf("dump lacks the stored rows, the test reads the wrong thing:\n%s", dump)
	}
	for _, s := range secrets {
		if strings.Contains(dump, s) {
			t.Errorf("tables hold secret %q:\n%s", s, dump)
		}
	}
	files := []string{path, path + "-wal"}
	if bk.dialect.Postgres() {
		files = nil // the server's files; the tables are what emrctl wrote
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				t.Errorf("file %s holds secret %q", filepath.Base(f), s)
			}
		}
	}
}

// dumpTables returns every row of every table as text.
func dumpTables(t *testing.T, j *Journal) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if j.Dialect().Postgres() {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := j.db.Query(q)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("scan table name: %v", err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := j.db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteString("\n")
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
	}
	return b.String()
}
