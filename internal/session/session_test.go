package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/redact"
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

func TestOpenUnknownProfile(t *testing.T) {
	dir := t.TempDir()
	paths := config.Paths{ConfigDir: dir + "/c", DataDir: dir + "/d"}
	cfg := &config.File{CurrentProfile: "gone", Profiles: map[string]*config.Profile{"prod": {Provider: config.ProviderSandbox}}}
	if err := config.Save(paths.ConfigFile(), cfg); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		profile string
		env     map[string]string
		want    *UnknownProfileError
	}{
		{name: "flag", profile: "nope", env: map[string]string{"EMRCTL_PROFILE": "prod"},
			want: &UnknownProfileError{Name: "nope", Source: "--profile", Known: []string{"sandbox", "prod"}}},
		{name: "environment", env: map[string]string{"EMRCTL_PROFILE": "nope"},
			want: &UnknownProfileError{Name: "nope", Source: "EMRCTL_PROFILE", Known: []string{"sandbox", "prod"}}},
		{name: "current profile", env: nil,
			want: &UnknownProfileError{Name: "gone", Source: "the configuration's current profile", Known: []string{"sandbox", "prod"}}},
		{name: "known profile", profile: "prod"},
		{name: "built-in sandbox", profile: "sandbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), Options{Paths: paths, Profile: tt.profile, Getenv: env(tt.env)})
			if err == nil {
				s.Close()
			}
			var got *UnknownProfileError
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("got %v, want an UnknownProfileError or no error", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOpenLearnsEnvironmentSecretsFirst checks that the registry the
// caller passes knows the environment's credentials even when Open fails,
// so that the caller can scrub that failure.
func TestOpenLearnsEnvironmentSecretsFirst(t *testing.T) {
	const secret = "AwsS3cretInTheEnvironment"
	dir := t.TempDir()
	reg := redact.NewRegistry()
	_, err := Open(context.Background(), Options{
		Paths:   config.Paths{ConfigDir: dir + "/c", DataDir: dir + "/d"},
		Getenv:  env(map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "EMRCTL_PROFILE": "nope"}),
		Secrets: reg,
	})
	if err == nil {
		t.Fatal("got no error for an unknown profile, want one")
	}
	for _, s := range []string{secret, emulator.SandboxCredential.AccessKeySecret} {
		if got := reg.Scrub(s); got != redact.Marker {
			t.Errorf("Scrub(%q) = %q, want %q", s, got, redact.Marker)
		}
	}
}

func TestOpenUsesTheGivenRegistry(t *testing.T) {
	dir := t.TempDir()
	reg := redact.NewRegistry()
	s, err := Open(context.Background(), Options{Paths: config.Paths{ConfigDir: dir + "/c", DataDir: dir + "/d"}, Getenv: env(nil), Secrets: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Secrets != reg {
		t.Error("the session made its own registry, want the one given")
	}
}
