package session

import (
	"fmt"
	"os"
	"strings"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/spec"
)

// envSecrets name the environment variables that hold secrets emrctl may
// use: the Alibaba and AWS credential chains' secrets and tokens, and the
// variables the spec reads passwords from by default. Never modified.
var envSecrets = []string{
	"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_OIDC_TOKEN",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	spec.DefaultMetastorePasswordEnv, spec.DefaultRootPasswordEnv,
}

// AddEnvSecrets registers in r the secrets known before any profile is
// read: those of the environment (getenv; nil reads the process's) and
// the sandbox's key secret, which signs every sandbox request and so stays
// out of errors like any signing key.
func AddEnvSecrets(r *redact.Registry, getenv func(string) string) {
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, k := range envSecrets {
		r.Add(getenv(k))
	}
	r.Add(emulator.SandboxCredential.AccessKeySecret)
}

// UnknownProfileError says that the profile asked for is not configured.
type UnknownProfileError struct {
	Name string
	// Source says where the name came from: --profile, EMRCTL_PROFILE or
	// the configuration's current profile.
	Source string
	// Known are the profiles there are.
	Known []string
}

func (e *UnknownProfileError) Error() string {
	return fmt.Sprintf("profile %q (from %s) is not configured; known profiles: %s (fix: use one of those, or add it with 'emrctl config set-profile %s --provider sandbox|aliyun|aws')",
		e.Name, e.Source, strings.Join(e.Known, ", "), e.Name)
}
