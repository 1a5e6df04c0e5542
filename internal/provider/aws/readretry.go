package aws

import (
	"errors"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emrserverless"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// readRetryer retries reads (List, Describe, Get) after a transient
// failure: a reset connection, a 5xx, a cut-off body. Repeating a read
// changes nothing, unlike a write, whose retries stay with the engine and
// journal. Throttling is left to the engine, which backs off for every
// call alike and says when to try again.
func readRetryer() sdkaws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.MaxBackoff = 2 * time.Second
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(readRetryable)}, o.Retryables...)
		o.RateLimiter = ratelimit.None
	})
}

// readRetryable decides before the standard rules: throttling never (the
// engine's job), an unreadable body always.
func readRetryable(err error) sdkaws.Ternary {
	var api smithy.APIError
	if errors.As(err, &api) && retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == sdkaws.TrueTernary {
		return sdkaws.FalseTernary
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return sdkaws.TrueTernary
	}
	return sdkaws.UnknownTernary
}

// Per-call options that turn the read retryer on for one call.
func (p *Provider) emrRead(o *emr.Options)           { o.Retryer = p.reads }
func (p *Provider) slsRead(o *emrserverless.Options) { o.Retryer = p.reads }
func (p *Provider) s3Read(o *s3.Options)             { o.Retryer = p.reads }
