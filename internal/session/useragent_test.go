package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/session"
)

// agents records the User-Agent of every request before the emulator
// serves it.
type agents struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
}

func (a *agents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen = append(a.seen, r.Header.Get("User-Agent"))
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

// TestAliyunProfileOverHTTP opens an aliyun profile the way the real cloud
// is reached (credential chain from the environment, an endpoint, HTTP),
// against the emulator, and checks that every request names emrctl and its
// version in the User-Agent and that regions other than the profile's can
// be opened.
func TestAliyunProfileOverHTTP(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	rec := &agents{next: srv}
	hs := httptest.NewServer(rec)
	defer hs.Close()

	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", emulator.SandboxCredential.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", emulator.SandboxCredential.AccessKeySecret)
	dir := t.TempDir()
	paths := config.Paths{ConfigDir: filepath.Join(dir, "config"), DataDir: filepath.Join(dir, "data")}
	file := &config.File{CurrentProfile: "cloud", Profiles: map[string]*config.Profile{
		"cloud": {Provider: config.ProviderAliyun, Region: "cn-hangzhou", Endpoint: hs.URL},
	}}
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		t.Fatal(err)
	}
	s, err := session.Open(context.Background(), session.Options{Paths: paths, Getenv: os.Getenv, UserAgent: "emrctl/v9.8.7-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Emulator != nil {
		t.Fatal("an aliyun profile opened the embedded emulator")
	}
	if err := s.Engine.ListClusters(context.Background(), provider.ClusterFilter{}, 10, func([]provider.Cluster) error { return nil }); err != nil {
		t.Fatalf("list clusters with credentials from the environment: %v", err)
	}
	if _, err := s.Engine.Regions(context.Background()); err != nil {
		t.Fatalf("regions: %v", err)
	}

	rec.mu.Lock()
	seen := append([]string(nil), rec.seen...)
	rec.mu.Unlock()
	if len(seen) < 2 {
		t.Fatalf("got %d requests, want at least 2", len(seen))
	}
	for _, ua := range seen {
		if !strings.Contains(ua, "emrctl/v9.8.7-test") {
			t.Errorf("User-Agent %q does not name emrctl and its version", ua)
		}
	}
}

// TestAliyunProfileWrongSecret checks that a wrong secret is an
// authentication error that never shows the secret.
func TestAliyunProfileWrongSecret(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	const secret = "not-the-sandbox-secret-0123456789"
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", emulator.SandboxCredential.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
	dir := t.TempDir()
	paths := config.Paths{ConfigDir: filepath.Join(dir, "config"), DataDir: filepath.Join(dir, "data")}
	file := &config.File{Profiles: map[string]*config.Profile{"cloud": {Provider: config.ProviderAliyun, Region: "cn-hangzhou", Endpoint: hs.URL}}}
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		t.Fatal(err)
	}
	s, err := session.Open(context.Background(), session.Options{Paths: paths, Profile: "cloud", Getenv: os.Getenv, UserAgent: "emrctl/test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Engine.ListClusters(context.Background(), provider.ClusterFilter{}, 10, func([]provider.Cluster) error { return nil })
	if err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	if provider.KindOf(err) != provider.KindAuth {
		t.Errorf("got %v (kind %v), want an authentication error", err, provider.KindOf(err))
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the secret: %v", err)
	}
}
