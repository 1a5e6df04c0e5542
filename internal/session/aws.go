package session

import (
	"context"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
)

// The AWS provider is what the engine's AWS paths need.
var _ engine.AWSBackend = (*awsprov.Provider)(nil)

// openAWS uses the AWS default credential chain (environment, shared
// config and credentials files, SSO, IMDS), or the named shared profile,
// with the profile's region and optional endpoint (e.g. a moto server).
func openAWS(ctx context.Context, s *Session, o Options, eo *engine.Options) error {
	// Secrets the chain may read from the environment never reach output.
	for _, k := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"} {
		if v := o.Getenv(k); v != "" {
			s.Secrets.Add(v)
		}
	}
	p, err := awsprov.New(ctx, awsprov.Config{
		Region:            s.Profile.Region,
		Endpoint:          s.Profile.Endpoint,
		CredentialProfile: s.Profile.CredentialProfile,
		UserAgent:         o.UserAgent,
	})
	if err != nil {
		return err
	}
	eo.Provider, eo.AWS = provider.AWS, p
	return nil
}
