// Package aws is the AWS adapter: EMR on EC2, EMR Serverless and S3 on
// aws-sdk-go-v2. It maps provider-neutral requests to API calls and API
// errors to typed provider errors; it never decides policy.
//
// Safety properties of the transport: the SDK's retryer is off for every
// write (the standard retryer re-sends RunJobFlow after a lost response and
// creates a second cluster); the engine retries throttled calls itself and
// reconciles writes with an unknown outcome. Reads, which change nothing,
// opt in to a short retry of transient failures. Every call has a connect and a
// read timeout.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emrserverless"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/emrctl/emrctl/internal/provider"
)

// The capabilities the Provider offers, checked when it is built.
var (
	_ provider.Provider           = (*Provider)(nil)
	_ provider.ClusterCreator     = (*Provider)(nil)
	_ provider.AttributeUpdater   = (*Provider)(nil)
	_ provider.Terminator         = (*Provider)(nil)
	_ provider.ApplicationLister  = (*Provider)(nil)
	_ provider.ReleaseLister      = (*Provider)(nil)
	_ provider.InstanceTypeLister = (*Provider)(nil)
	_ provider.NodeGroupCreator   = (*Provider)(nil)
	_ provider.NodeScaler         = (*Provider)(nil)
	_ provider.AutoScaler         = (*Provider)(nil)
	_ provider.ClusterDetails     = (*Provider)(nil)
	_ provider.InstanceFleets     = (*Provider)(nil)
	_ provider.ManagedScaler      = (*Provider)(nil)
	_ provider.Steps              = (*Provider)(nil)
	_ provider.Serverless         = (*Provider)(nil)
	_ provider.Storage            = (*Provider)(nil)
)

// Config configures a Provider.
type Config struct {
	Region string
	// Endpoint overrides every service's endpoint with one URL, e.g. a
	// moto server's (http://127.0.0.1:5000). S3 then uses path-style
	// addressing.
	Endpoint string
	// CredentialProfile names a profile of ~/.aws/config; empty means the
	// default chain (environment, shared files, SSO, IMDS).
	CredentialProfile string
	// Credentials, when set, replace the default chain (tests).
	Credentials sdkaws.CredentialsProvider
	// UserAgent is added to the SDK's user agent as the application id.
	UserAgent      string
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// Provider is the AWS adapter behind the engine.
type Provider struct {
	region     string
	emr        *emr.Client
	serverless *emrserverless.Client
	s3         *s3.Client
	reads      sdkaws.Retryer // for reads only; see readRetryer
	roles      groupRoles     // see groupRoles
}

// New loads the AWS configuration (the default credential chain, or the
// named shared profile) and returns a Provider.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.Region == "" {
		return nil, errors.New("aws: no region: pass --region or set one in the profile")
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	// A buildable client, so the SDK can still apply AWS_CA_BUNDLE.
	hc := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = cfg.ConnectTimeout }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = cfg.ConnectTimeout
			t.ResponseHeaderTimeout = cfg.ReadTimeout
		})
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(cfg.Region),
		config.WithHTTPClient(hc),
		// Off for every call: emrctl decides what may be retried.
		config.WithRetryer(func() sdkaws.Retryer { return sdkaws.NopRetryer{} }),
		// The SDK logs to stderr (e.g. S3 checksum notices); emrctl's
		// stderr is for its own progress and errors.
		config.WithLogger(logging.Nop{}),
	}
	if cfg.CredentialProfile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.CredentialProfile))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	if cfg.UserAgent != "" {
		opts = append(opts, config.WithAppID(appID(cfg.UserAgent)))
	}
	if cfg.Endpoint != "" {
		if !strings.Contains(cfg.Endpoint, "://") {
			return nil, fmt.Errorf("aws: endpoint %q is not a URL such as http://127.0.0.1:5000", cfg.Endpoint)
		}
		opts = append(opts, config.WithBaseEndpoint(cfg.Endpoint))
	}
	ac, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws: load configuration: %w", err)
	}
	return &Provider{
		region:     cfg.Region,
		reads:      readRetryer(),
		emr:        emr.NewFromConfig(ac),
		serverless: emrserverless.NewFromConfig(ac),
		s3: s3.NewFromConfig(ac, func(o *s3.Options) {
			o.UsePathStyle = cfg.Endpoint != ""
		}),
	}, nil
}

// appID keeps the characters the SDK accepts in an application id.
func appID(ua string) string {
	var b strings.Builder
	for _, r := range ua {
		if r < 0x7f && (r == '-' || r == '.' || r == '/' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

// Region returns the region the provider works in.
func (p *Provider) Region() string { return p.region }

// Name returns the provider's name.
func (p *Provider) Name() string { return provider.AWS }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func boolv(p *bool) bool { return p != nil && *p }

func tm(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func ptr[T any](v T) *T { return &v }

// optStr returns nil for "", so optional fields stay unset on the wire.
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optI32(n int) *int32 {
	if n == 0 {
		return nil
	}
	v := int32(n)
	return &v
}

func reasonOf(code, msg string) *provider.StateReason {
	if code == "" && msg == "" {
		return nil
	}
	return &provider.StateReason{Code: code, Message: msg}
}
