package session

import (
	"context"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/engine"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestOpenDefaultsToTheEmbeddedSandbox(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Options{Paths: config.Paths{ConfigDir: dir + "/c", DataDir: dir + "/d"}, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Name != "sandbox" || s.Emulator == nil || !s.Engine.Sandbox() || s.Engine.Region() != "cn-hangzhou" {
		t.Errorf("got profile %q (emulator %v, sandbox %v, region %s), want the in-process sandbox in cn-hangzhou", s.Name, s.Emulator != nil, s.Engine.Sandbox(), s.Engine.Region())
	}
}

func TestOpenRejectsBadSettings(t *testing.T) {
	dir := t.TempDir()
	for name, e := range map[string]map[string]string{
		"speed":   {"EMRCTL_SANDBOX_SPEED": "fast"},
		"timeout": {"EMRCTL_READ_TIMEOUT": "soon"},
		"profile": {"EMRCTL_PROFILE": "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			if s, err := Open(context.Background(), Options{Paths: config.Paths{ConfigDir: dir + "/c", DataDir: dir + "/d"}, Getenv: env(e)}); err == nil {
				s.Close()
				t.Errorf("got no error for %v, want one", e)
			}
		})
	}
}

func TestTimeoutsPrecedence(t *testing.T) {
	got, err := timeoutsOf(&config.Timeouts{Read: "10s", Write: "90s"}, Options{
		Timeouts: engine.Timeouts{Wait: time.Hour},
		Getenv:   env(map[string]string{"EMRCTL_READ_TIMEOUT": "5s", "EMRCTL_WAIT_TIMEOUT": "1m"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Timeouts{Read: 5 * time.Second, Write: 90 * time.Second, Wait: time.Hour}
	if got != want {
		t.Errorf("got %+v, want %+v (options, then environment, then profile)", got, want)
	}
}

func TestEndpointHost(t *testing.T) {
	tests := []struct {
		in       string
		host     string
		insecure bool
		err      bool
	}{
		{"http://127.0.0.1:8080", "127.0.0.1:8080", true, false},
		{"https://emr.example.com", "emr.example.com", false, false},
		{"emr.cn-hangzhou.aliyuncs.com", "emr.cn-hangzhou.aliyuncs.com", false, false},
		{"http://", "", false, true},
	}
	for _, tt := range tests {
		host, insecure, err := endpointHost(tt.in)
		if host != tt.host || insecure != tt.insecure || (err != nil) != tt.err {
			t.Errorf("endpointHost(%q): got %q %v %v, want %q %v error=%v", tt.in, host, insecure, err, tt.host, tt.insecure, tt.err)
		}
	}
}
