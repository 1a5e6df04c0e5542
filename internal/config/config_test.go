package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultPaths(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name string
		env  map[string]string
		want Paths
	}{
		{"home", map[string]string{"HOME": "/h"}, Paths{ConfigDir: "/h/.config/emrctl", DataDir: "/h/.local/share/emrctl"}},
		{"xdg", map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"}, Paths{ConfigDir: "/c/emrctl", DataDir: "/d/emrctl"}},
		{"own", map[string]string{"EMRCTL_CONFIG_DIR": "/x", "EMRCTL_DATA_DIR": "/y"}, Paths{ConfigDir: "/x", DataDir: "/y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPaths(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := DefaultPaths(env(nil)); err == nil {
		t.Error("got no error without HOME, want one")
	}
}

func TestResolveDefaultsToSandbox(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	name, p, err := f.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if name != "sandbox" || p.Provider != ProviderSandbox || p.Region != "cn-hangzhou" || p.SandboxSpeed != 60 {
		t.Errorf("got %s %+v, want the sandbox profile in cn-hangzhou at speed 60", name, p)
	}
	if _, _, err := f.Resolve("prod"); err == nil {
		t.Error("got no error for an unknown profile, want one")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "config.yaml")
	in := &File{CurrentProfile: "aws", Profiles: map[string]*Profile{"aws": {Provider: ProviderAWS, Region: "eu-west-1", Endpoint: "http://127.0.0.1:5000"}}}
	if err := Save(path, in); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode: got %v (%v), want 0600", st.Mode().Perm(), err)
	}
	out, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"unknown key":      "profiles:\n  a: {provider: aliyun, regoin: x}\n",
		"unknown provider": "profiles:\n  a: {provider: gcp}\n",
		"no provider":      "profiles:\n  a: {region: x}\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(path); err == nil {
				t.Errorf("got no error for %q, want one", body)
			}
		})
	}
}

func TestCheckJournalURL(t *testing.T) {
	tests := []struct {
		name          string
		url           string
		allowPassword bool
		wantErr       string // a word the error must hold; "" means no error
	}{
		{name: "postgres", url: "postgres://emr@db.internal:5432/journal?sslmode=require"},
		{name: "postgresql", url: "postgresql://emr@db/journal"},
		{name: "host in query", url: "postgres:///journal?host=/run/postgresql"},
		{name: "password in env", url: "postgres://emr:pw@db/journal", allowPassword: true},
		{name: "mysql", url: "mysql://emr@db/journal", wantErr: "scheme"},
		{name: "path", url: "/var/lib/emrctl/journal.db", wantErr: "scheme"},
		{name: "no host", url: "postgres:///journal", wantErr: "host"},
		{name: "password in user", url: "postgres://emr:Hunter2@db/journal", wantErr: "PGPASSWORD"},
		{name: "password in query", url: "postgres://emr@db/journal?password=Hunter2", wantErr: "PGPASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJournalURL("journal", tt.url, tt.allowPassword)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckJournalURL(%q) = %v, want nil", tt.url, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckJournalURL(%q) = nil, want an error about %s", tt.url, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "journal:") {
				t.Errorf("error %q should name the field and mention %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "Hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestJournalLocation(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	paths := Paths{DataDir: "/data"}
	const url = "postgres://emr@db/journal"
	tests := []struct {
		name string
		file File
		env  map[string]string
		want string
	}{
		{name: "default file", want: filepath.Join("/data", "journal.db")},
		{name: "configured URL", file: File{Journal: url}, want: url},
		{name: "environment wins", file: File{Journal: url}, env: map[string]string{JournalURLEnv: "postgres://ops@other/j"}, want: "postgres://ops@other/j"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.file.JournalLocation(paths, env(tt.env))
			if err != nil || got != tt.want {
				t.Errorf("JournalLocation = %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	if _, err := (&File{}).JournalLocation(paths, env(map[string]string{JournalURLEnv: "mysql://x/y"})); err == nil {
		t.Errorf("JournalLocation with %s=mysql://... = nil error, want one", JournalURLEnv)
	}
}

func TestLoadRejectsPasswordInJournalURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("journal: postgres://emr:Hunter2@db/journal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || strings.Contains(err.Error(), "Hunter2") {
		t.Errorf("Load = %v, want an error without the password", err)
	}
	if err := os.WriteFile(path, []byte("journal: postgres://emr@db/journal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil || f.Journal != "postgres://emr@db/journal" {
		t.Errorf("Load = %+v, %v, want the journal URL", f, err)
	}
}
