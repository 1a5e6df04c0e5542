// Package session opens what a profile needs (the provider, the embedded
// sandbox emulator when it is the target, the journal and the policy) and
// builds the engine on them. The CLI, the MCP server and the REST API all
// start here, so they get the same engine for the same profile.
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/ecsmeta"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/redact"
)

// Options say which profile to open and how.
type Options struct {
	Paths config.Paths
	// Profile, Region and Endpoint override the configuration (flags).
	Profile  string
	Region   string
	Endpoint string
	Getenv   func(string) string
	// UserAgent names emrctl and its version.
	UserAgent string
	Log       *slog.Logger
	// Timeouts override the engine defaults.
	Timeouts engine.Timeouts
	// Secrets is the registry the session adds the secrets it learns to;
	// nil makes a new one. The CLI passes its own, so that it can scrub
	// errors raised before or while the session opens.
	Secrets *redact.Registry
	// Warn receives problems that do not stop a command (stderr in the
	// CLI); nil logs them.
	Warn func(string)
}

// Session is an opened profile.
type Session struct {
	Name    string
	Profile config.Profile
	Engine  *engine.Engine
	// Emulator is set when the profile runs the embedded sandbox in process.
	Emulator *emulator.Server
	Secrets  *redact.Registry

	closers []io.Closer
}

// Open opens a profile.
func Open(ctx context.Context, o Options) (*Session, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Secrets == nil {
		o.Secrets = redact.NewRegistry()
	}
	AddEnvSecrets(o.Secrets, o.Getenv)
	cfg, err := config.Load(o.Paths.ConfigFile())
	if err != nil {
		return nil, err
	}
	if err := checkProfile(cfg, o); err != nil {
		return nil, err
	}
	name, prof, err := cfg.Resolve(firstOf(o.Profile, o.Getenv("EMRCTL_PROFILE")))
	if err != nil {
		return nil, err
	}
	if o.Region != "" {
		prof.Region = o.Region
	}
	if ep := firstOf(o.Endpoint, o.Getenv("EMRCTL_ENDPOINT")); ep != "" {
		prof.Endpoint = ep
	}
	if v := o.Getenv("EMRCTL_SANDBOX_SPEED"); v != "" && prof.Provider == config.ProviderSandbox {
		speed, err := strconv.ParseFloat(v, 64)
		if err != nil || speed < 0 {
			return nil, fmt.Errorf("EMRCTL_SANDBOX_SPEED=%q: want a number >= 0 (0 finishes work at once)", v)
		}
		prof.SandboxSpeed = speed
	}
	journalAt, err := cfg.JournalLocation(o.Paths, o.Getenv)
	if err != nil {
		return nil, err
	}
	addURLPassword(o.Secrets, journalAt)
	s := &Session{Name: name, Profile: prof, Secrets: o.Secrets}
	if err := s.open(ctx, o, journalAt); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkProfile returns an UnknownProfileError when the profile asked for
// (by flag, environment or the configuration's current profile) is not
// configured; the built-in sandbox profile always is.
func checkProfile(cfg *config.File, o Options) error {
	name, source := o.Profile, "--profile"
	if name == "" {
		name, source = o.Getenv("EMRCTL_PROFILE"), "EMRCTL_PROFILE"
	}
	if name == "" {
		name, source = cfg.CurrentProfile, "the configuration's current profile"
	}
	if name == "" || name == config.DefaultProfile || cfg.Profiles[name] != nil {
		return nil
	}
	return &UnknownProfileError{Name: name, Source: source, Known: cfg.Names()}
}

// addURLPassword registers the password of a journal URL (from
// EMRCTL_JOURNAL_URL; the configuration file has none) as a secret, so
// that no error or journal entry shows it.
func addURLPassword(r *redact.Registry, location string) {
	if !journal.IsURL(location) {
		return
	}
	u, err := url.Parse(location)
	if err != nil {
		return
	}
	if pw, ok := u.User.Password(); ok {
		r.Add(pw)
	}
	r.Add(u.Query().Get("password"))
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// open opens the journal at journalAt (a file, or a PostgreSQL URL: see
// config.File.JournalLocation), the policy and the profile's provider.
func (s *Session) open(ctx context.Context, o Options, journalAt string) error {
	pol, err := loadPolicy(o.Paths.PolicyFile())
	if err != nil {
		return err
	}
	j, err := journal.Open(ctx, journalAt, journal.Options{Registry: s.Secrets})
	if err != nil {
		return fmt.Errorf("open journal: %w", err)
	}
	s.closers = append(s.closers, j)
	timeouts, err := timeoutsOf(s.Profile.Timeouts, o)
	if err != nil {
		return err
	}
	eo := engine.Options{
		Profile: s.Name, Region: s.Profile.Region, Journal: j, Policy: pol, Secrets: s.Secrets,
		Timeouts: timeouts, OwnBuckets: s.Profile.OwnBuckets, Log: o.Log, Warn: o.Warn,
	}
	switch s.Profile.Provider {
	case config.ProviderSandbox:
		err = s.openSandbox(o, &eo)
	case config.ProviderAliyun:
		err = s.openAliyun(o, &eo)
	case config.ProviderAWS:
		err = openAWS(ctx, s, o, &eo)
	}
	if err != nil {
		return err
	}
	s.Engine, err = engine.New(eo)
	return err
}

// timeoutsOf merges the deadlines: explicit options, then the
// EMRCTL_*_TIMEOUT environment, then the profile; the engine fills the
// rest with its defaults.
func timeoutsOf(p *config.Timeouts, o Options) (engine.Timeouts, error) {
	t := o.Timeouts
	if p == nil {
		p = &config.Timeouts{}
	}
	for _, f := range []struct {
		dst      *time.Duration
		env, cfg string
	}{
		{&t.Read, "EMRCTL_READ_TIMEOUT", p.Read}, {&t.Write, "EMRCTL_WRITE_TIMEOUT", p.Write},
		{&t.Wait, "EMRCTL_WAIT_TIMEOUT", p.Wait}, {&t.Poll, "EMRCTL_POLL_INTERVAL", p.Poll},
		{&t.Lock, "EMRCTL_LOCK_TIMEOUT", ""},
	} {
		if *f.dst > 0 {
			continue
		}
		v := firstOf(o.Getenv(f.env), f.cfg)
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return t, fmt.Errorf("%s=%q: want a positive duration such as 45s", f.env, v)
		}
		*f.dst = d
	}
	return t, nil
}

func loadPolicy(path string) (*policy.Policy, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return policy.Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	p, err := policy.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return p, nil
}

// openSandbox talks to the embedded emulator: in process with its state in
// the data directory, or over HTTP when an endpoint is set (emrctl sandbox
// serve elsewhere).
func (s *Session) openSandbox(o Options, eo *engine.Options) error {
	cred, err := staticCredential(emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret)
	if err != nil {
		return err
	}
	cfg := aliyun.Config{Region: s.Profile.Region, Credential: cred, UserAgent: o.UserAgent, Insecure: true}
	eo.Sandbox = true
	speed := s.Profile.SandboxSpeed
	if s.Profile.Endpoint != "" {
		host, insecure, err := endpointHost(s.Profile.Endpoint)
		if err != nil {
			return err
		}
		cfg.Endpoint, cfg.Insecure = host, insecure
		var gen string
		gen, speed = remoteSandbox(s.Profile.Endpoint, cfg.Insecure, speed)
		eo.Scope = "sandbox:" + gen
		// 'sandbox serve' plays the instance metadata service too.
		eo.ThisMachine = thisMachine(&ecsmeta.Client{BaseURL: baseURL(s.Profile.Endpoint, cfg.Insecure)})
	} else {
		store, err := emulator.OpenSQLiteStore(o.Paths.SandboxFile(s.Name))
		if err != nil {
			return err
		}
		srv, err := emulator.New(emulator.Options{Store: store, Clock: emulator.NewClock(s.Profile.SandboxSpeed)})
		if err != nil {
			store.Close()
			return err
		}
		s.closers = append(s.closers, srv)
		s.Emulator = srv
		cfg.Endpoint = "emr." + s.Profile.Region + ".sandbox.emrctl.local"
		cfg.Transport = srv.Transport()
		// A speed set with 'sandbox clock --speed' is stored with the
		// state and wins over the profile's.
		speed = srv.Clock().Speed()
		// Journal entries belong to one generation of the sandbox: a
		// reset sandbox starts with a clean record.
		eo.Scope = "sandbox:" + srv.Generation()
		eo.ThisMachine = thisMachine(&ecsmeta.Client{BaseURL: "http://metadata.sandbox.emrctl.local", HTTP: &http.Client{Transport: srv.Transport()}})
	}
	eo.TimeScale = speed
	if speed == 0 {
		eo.TimeScale = 1e6 // instant sandbox: waits poll quickly
	}
	c, err := aliyun.NewClient(cfg)
	if err != nil {
		return err
	}
	eo.Provider = aliyun.New(c)
	eo.ForRegion = regional(cfg, s.Emulator != nil)
	return nil
}

// remoteSandbox asks a 'sandbox serve' for the generation of its state
// and the speed of its clock: waits follow the emulator's real clock, not
// the profile's guess. The endpoint itself names the scope, and the
// profile's speed stands, when it cannot answer.
func remoteSandbox(endpoint string, insecure bool, speed float64) (generation string, _ float64) {
	base := baseURL(endpoint, insecure) + "/_emulator/"
	var g struct {
		Generation string `json:"generation"`
	}
	if getControl(base+"generation", &g) != nil || g.Generation == "" {
		return endpoint, speed
	}
	var c emulator.ClockState
	if getControl(base+"clock", &c) == nil && c.Speed >= 0 {
		speed = c.Speed
	}
	return g.Generation, speed
}

// baseURL is the endpoint as a URL without a trailing slash.
func baseURL(endpoint string, insecure bool) string {
	u := endpoint
	if !strings.Contains(u, "://") {
		u = "https://" + u
		if insecure {
			u = "http://" + endpoint
		}
	}
	return strings.TrimSuffix(u, "/")
}

// thisMachine reads the instance ID from a metadata service.
func thisMachine(c *ecsmeta.Client) engine.ThisMachine {
	return func(ctx context.Context) (string, error) {
		id, err := c.Identity(ctx)
		var notECS *ecsmeta.NotOnECSError
		if errors.As(err, &notECS) {
			return "", &engine.NotOnECSError{Reason: notECS.Error()}
		}
		if err != nil {
			return "", err
		}
		return id.InstanceID, nil
	}
}

// getControl reads one of the emulator's control documents.
func getControl(url string, v any) error {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(v)
}

// regional opens the provider of another region with cfg's credentials,
// endpoint and transport. The in-process sandbox names the region in its
// made-up host; an explicit endpoint serves every region.
func regional(cfg aliyun.Config, inProcess bool) func(string) (provider.Provider, error) {
	return func(region string) (provider.Provider, error) {
		rc := cfg
		rc.Region = region
		if inProcess {
			rc.Endpoint = "emr." + region + ".sandbox.emrctl.local"
		}
		c, err := aliyun.NewClient(rc)
		if err != nil {
			return nil, err
		}
		return aliyun.New(c), nil
	}
}

// openAliyun uses the Alibaba credential chain: environment variables,
// ~/.aliyun/config.json profiles, ECS RAM role, OIDC.
func (s *Session) openAliyun(o Options, eo *engine.Options) error {
	var cred credentials.Credential
	var err error
	if s.Profile.CredentialProfile != "" {
		var p *providers.CLIProfileCredentialsProvider
		p, err = providers.NewCLIProfileCredentialsProviderBuilder().WithProfileName(s.Profile.CredentialProfile).Build()
		if err == nil {
			cred = credentials.FromCredentialsProvider("cli_profile", p)
		}
	} else {
		cred, err = credentials.NewCredential(nil)
	}
	if err != nil {
		return fmt.Errorf("aliyun credentials: %w", err)
	}
	// Resolve the chain now: a missing credential must read as such, not
	// as a broken connection on the first call.
	cm, err := cred.GetCredential()
	if err != nil {
		return &CredentialsError{Profile: s.Name, Err: err}
	}
	for _, secret := range []*string{cm.AccessKeySecret, cm.SecurityToken, cm.BearerToken} {
		if secret != nil {
			s.Secrets.Add(*secret)
		}
	}
	cfg := aliyun.Config{Region: s.Profile.Region, Credential: cred, UserAgent: o.UserAgent}
	if s.Profile.Endpoint != "" {
		cfg.Endpoint, cfg.Insecure, err = endpointHost(s.Profile.Endpoint)
		if err != nil {
			return err
		}
	}
	c, err := aliyun.NewClient(cfg)
	if err != nil {
		return err
	}
	eo.Provider = aliyun.New(c)
	eo.Scope = "aliyun:" + s.Profile.Region
	if s.Profile.Endpoint != "" {
		eo.Scope += "@" + s.Profile.Endpoint
	}
	eo.ForRegion = regional(cfg, false)
	// EMRCTL_ECS_METADATA_URL points at another metadata service (an
	// emulator in tests); the default is the real one, 100.100.100.200.
	eo.ThisMachine = thisMachine(&ecsmeta.Client{BaseURL: o.Getenv("EMRCTL_ECS_METADATA_URL")})
	return nil
}

// CredentialsError says that the Alibaba credential chain found nothing
// usable for a profile. It never carries a secret.
type CredentialsError struct {
	Profile string
	Err     error
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("profile %q has no usable Alibaba Cloud credentials (%v): set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, name a profile of ~/.aliyun/config.json with 'emrctl config set-profile %s --credential-profile NAME', or run on ECS with a RAM role", e.Profile, e.Err, e.Profile)
}

// Unwrap returns the chain's error.
func (e *CredentialsError) Unwrap() error { return e.Err }

func staticCredential(id, secret string) (credentials.Credential, error) {
	t := "access_key"
	return credentials.NewCredential(&credentials.Config{Type: &t, AccessKeyId: &id, AccessKeySecret: &secret})
}

// endpointHost turns "http://127.0.0.1:8080" or "host:port" into the host
// the SDK signs, and whether to skip TLS.
func endpointHost(ep string) (string, bool, error) {
	if !strings.Contains(ep, "://") {
		return ep, false, nil
	}
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" {
		return "", false, fmt.Errorf("endpoint %q is not a URL or host:port", ep)
	}
	return u.Host, u.Scheme == "http", nil
}

// Close releases everything the session opened.
func (s *Session) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i].Close())
	}
	s.closers = nil
	return errors.Join(errs...)
}
