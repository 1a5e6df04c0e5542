package session

import (
	"context"

	"github.com/emrctl/emrctl/internal/engine"
)

// openAWS is replaced when the AWS provider lands.
func openAWS(ctx context.Context, s *Session, o Options, eo *engine.Options) error {
	return &engine.UnsupportedError{Provider: "aws", What: "the aws profile"}
}
