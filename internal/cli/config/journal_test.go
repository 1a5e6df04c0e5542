package config_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

// run runs one emrctl command line in process with vars as its
// environment and returns its exit code, stdout and stderr.
func run(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return vars[k] },
		Now: time.Now, OpenSession: session.Open}
	code := cli.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestSetJournal(t *testing.T) {
	const pw = "Hunter2-InTheURL"
	tests := []struct {
		name    string
		before  string // a journal set first, if any
		value   string
		wantErr string // a word of stderr when the command must fail
		want    string // the journal URL 'config view' reports; "" for none
	}{
		{name: "url", value: "postgres://emrctl@db.internal:5432/emrctl?sslmode=require", want: "postgres://emrctl@db.internal:5432/emrctl?sslmode=require"},
		{name: "postgresql scheme", value: "postgresql://emrctl@db/emrctl", want: "postgresql://emrctl@db/emrctl"},
		{name: "back to the file", before: "postgres://emrctl@db/emrctl", value: ""},
		{name: "password refused", value: "postgres://emrctl:" + pw + "@db/emrctl", wantErr: "PGPASSWORD"},
		{name: "password parameter refused", value: "postgres://emrctl@db/emrctl?password=" + pw, wantErr: "PGPASSWORD"},
		{name: "other scheme", value: "mysql://emrctl@db/emrctl", wantErr: "postgres://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
			if tt.before != "" {
				if code, _, errOut := run(t, vars, "config", "set", "journal", tt.before); code != 0 {
					t.Fatalf("config set journal %s: exit %d: %s", tt.before, code, errOut)
				}
			}
			code, _, errOut := run(t, vars, "config", "set", "journal", tt.value)
			if tt.wantErr != "" {
				if code == 0 || !strings.Contains(errOut, tt.wantErr) || !strings.Contains(errOut, "journal") {
					t.Errorf("exit %d, stderr %q: want a failure naming journal and %q", code, errOut, tt.wantErr)
				}
				if strings.Contains(errOut, pw) {
					t.Errorf("stderr shows the password: %q", errOut)
				}
				if raw, err := os.ReadFile(filepath.Join(dir, "config", "config.yaml")); err == nil && strings.Contains(string(raw), pw) {
					t.Errorf("config file holds the password:\n%s", raw)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			code, out, errOut := run(t, vars, "config", "view", "-o", "json")
			if code != 0 {
				t.Fatalf("config view: exit %d: %s", code, errOut)
			}
			var v struct {
				Paths struct {
					Journal, JournalFile string
				} `json:"paths"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("config view: %v\n%s", err, out)
			}
			if v.Paths.Journal != tt.want || v.Paths.JournalFile == "" {
				t.Errorf("config view journal = %q (file %q), want %q", v.Paths.Journal, v.Paths.JournalFile, tt.want)
			}
		})
	}
}

func TestSetUnknownSetting(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
	code, _, errOut := run(t, vars, "config", "set", "jounral", "x")
	if code == 0 || !strings.Contains(errOut, "jounral") || !strings.Contains(errOut, "journal") {
		t.Errorf("exit %d, stderr %q: want a failure naming the key and the known ones", code, errOut)
	}
}
