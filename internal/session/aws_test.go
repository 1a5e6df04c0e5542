package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestOpenAWSProfile(t *testing.T) {
	dir := t.TempDir()
	cfg := "profiles:\n  moto:\n    provider: aws\n    region: eu-west-1\n    endpoint: http://127.0.0.1:1\n"
	if err := os.MkdirAll(filepath.Join(dir, "c"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c", "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// The AWS chain reads the real environment; the session's Getenv
	// decides what is registered as secret.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	s, err := Open(context.Background(), Options{
		Paths: config.Paths{ConfigDir: filepath.Join(dir, "c"), DataDir: filepath.Join(dir, "d")}, Profile: "moto",
		Getenv: env(map[string]string{"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI-secret"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Engine.Provider() != provider.AWS || s.Engine.Region() != "eu-west-1" || s.Emulator != nil {
		t.Errorf("got provider %s region %s emulator %v, want aws in eu-west-1 without the sandbox", s.Engine.Provider(), s.Engine.Region(), s.Emulator != nil)
	}
	if got := s.Secrets.Scrub("key wJalrXUtnFEMI-secret here"); strings.Contains(got, "wJalrXUtnFEMI-secret") {
		t.Errorf("the AWS secret is not redacted: %q", got)
	}
	// Nothing listens on port 1: reads fail fast and typed, without the
	// SDK retrying.
	_, err = s.Engine.GetCluster(context.Background(), "j-1234567890ABC")
	var ae *provider.APIError
	if !errors.As(err, &ae) || ae.Code != "ConnectionFailed" || ae.Sent {
		t.Errorf("got %v, want a connection failure with nothing sent", err)
	}
}
