package session

import (
	"context"

	"github.com/emrctl/emrctl/internal/engine"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
)

// openAWS uses the AWS default credential chain (environment, shared
// config and credentials files, SSO, IMDS), or the named shared profile,
// with the profile's region and optional endpoint (e.g. a moto server).
func openAWS(ctx context.Context, s *Session, o Options, eo *engine.Options) error {
	// The secrets the chain may read from the environment are registered
	// already (AddEnvSecrets).
	p, err := awsprov.New(ctx, awsprov.Config{
		Region:            s.Profile.Region,
		Endpoint:          s.Profile.Endpoint,
		CredentialProfile: s.Profile.CredentialProfile,
		UserAgent:         o.UserAgent,
	})
	if err != nil {
		return err
	}
	eo.Provider = p
	eo.Scope = "aws:" + s.Profile.Region
	if s.Profile.Endpoint != "" {
		eo.Scope += "@" + s.Profile.Endpoint
	}
	return nil
}
