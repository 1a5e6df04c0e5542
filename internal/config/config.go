// Package config reads and writes emrctl's configuration: named profiles
// (sandbox, aliyun, aws), the current profile, and where emrctl keeps its
// files. Secrets are never stored here: Alibaba credentials come from the
// Alibaba credential chain (environment, ~/.aliyun/config.json profiles,
// ECS RAM role, OIDC) and AWS credentials from the AWS default chain.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Provider kinds of a profile.
const (
	ProviderSandbox = "sandbox"
	ProviderAliyun  = "aliyun"
	ProviderAWS     = "aws"
)

// DefaultProfile is used when nothing is configured.
const DefaultProfile = "sandbox"

// Profile is one named target.
type Profile struct {
	// Provider is sandbox (default), aliyun or aws.
	Provider string `yaml:"provider" json:"provider"`
	Region   string `yaml:"region,omitempty" json:"region,omitempty"`
	// Endpoint overrides the API host: for aliyun/sandbox "host:port" or a
	// URL (http:// means no TLS, e.g. 'emrctl sandbox serve'); for aws a URL
	// such as a moto server's.
	Endpoint string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	// CredentialProfile names the profile in ~/.aliyun/config.json (aliyun)
	// or ~/.aws/config (aws). Empty: the default chain.
	CredentialProfile string `yaml:"credentialProfile,omitempty" json:"credentialProfile,omitempty"`
	// SandboxSpeed makes the embedded sandbox's clusters come up N times
	// faster than the real cloud (default 60: RUNNING in about 10 s).
	SandboxSpeed float64 `yaml:"sandboxSpeed,omitempty" json:"sandboxSpeed,omitempty"`
	// OwnBuckets lists the buckets job code and bootstrap scripts may come
	// from (for agents, required).
	OwnBuckets []string `yaml:"ownBuckets,omitempty" json:"ownBuckets,omitempty"`
	// Timeouts override the operation deadlines (Go durations: "45s").
	Timeouts *Timeouts `yaml:"timeouts,omitempty" json:"timeouts,omitempty"`
}

// Timeouts are operation deadlines; empty means the default (reads 30s,
// writes 60s, waits 30m, polls 30s).
type Timeouts struct {
	Read  string `yaml:"read,omitempty" json:"read,omitempty"`
	Write string `yaml:"write,omitempty" json:"write,omitempty"`
	Wait  string `yaml:"wait,omitempty" json:"wait,omitempty"`
	Poll  string `yaml:"poll,omitempty" json:"poll,omitempty"`
}

// File is the configuration file.
type File struct {
	CurrentProfile string              `yaml:"currentProfile,omitempty" json:"currentProfile,omitempty"`
	Profiles       map[string]*Profile `yaml:"profiles,omitempty" json:"profiles,omitempty"`
	// Journal is a PostgreSQL URL (postgres:// or postgresql://) of a
	// journal shared by a team; empty means the SQLite file in the data
	// directory. It never holds a password (see CheckJournalURL).
	Journal string `yaml:"journal,omitempty" json:"journal,omitempty"`
}

// JournalURLEnv names the variable that overrides the configured journal.
const JournalURLEnv = "EMRCTL_JOURNAL_URL"

// CheckJournalURL checks a journal URL from source (the configuration's
// journal key, or EMRCTL_JOURNAL_URL): a postgres:// or postgresql:// URL
// with a host. In the configuration file (allowPassword false) it must
// not carry a password: that comes from PGPASSWORD or ~/.pgpass, and the
// file is no place for secrets. Errors never repeat the URL.
func CheckJournalURL(source, v string, allowPassword bool) error {
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%s: not a URL; want postgres://USER@HOST:PORT/DATABASE (unset it to use the SQLite journal in the data directory)", source)
	}
	if s := strings.ToLower(u.Scheme); s != "postgres" && s != "postgresql" {
		return fmt.Errorf("%s: scheme %q is not supported; want postgres://USER@HOST:PORT/DATABASE (unset it to use the SQLite journal in the data directory)", source, u.Scheme)
	}
	if u.Host == "" && !u.Query().Has("host") {
		return fmt.Errorf("%s: the URL has no host; want postgres://USER@HOST:PORT/DATABASE", source)
	}
	_, inUser := u.User.Password()
	if !allowPassword && (inUser || u.Query().Has("password")) {
		return fmt.Errorf("%s: the URL holds a password, which the configuration file must not store; remove it and give the password in PGPASSWORD or ~/.pgpass", source)
	}
	return nil
}

// JournalLocation returns where the journal is: EMRCTL_JOURNAL_URL (read
// with getenv), else the configuration's journal URL, else the SQLite file
// in the data directory.
func (f *File) JournalLocation(p Paths, getenv func(string) string) (string, error) {
	if v := getenv(JournalURLEnv); v != "" {
		if err := CheckJournalURL(JournalURLEnv, v, true); err != nil {
			return "", err
		}
		return v, nil
	}
	if f.Journal != "" {
		return f.Journal, nil
	}
	return p.JournalFile(), nil
}

// Paths says where emrctl keeps its files.
type Paths struct {
	ConfigDir string
	DataDir   string
}

// DefaultPaths resolves the directories from the environment:
// EMRCTL_CONFIG_DIR / EMRCTL_DATA_DIR, else the XDG directories.
func DefaultPaths(getenv func(string) string) (Paths, error) {
	home := getenv("HOME")
	pick := func(own, xdg, fallback string) (string, error) {
		if v := getenv(own); v != "" {
			return v, nil
		}
		if v := getenv(xdg); v != "" {
			return filepath.Join(v, "emrctl"), nil
		}
		if home == "" {
			return "", fmt.Errorf("cannot find a home directory: set %s", own)
		}
		return filepath.Join(home, fallback, "emrctl"), nil
	}
	cfg, err := pick("EMRCTL_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")
	if err != nil {
		return Paths{}, err
	}
	data, err := pick("EMRCTL_DATA_DIR", "XDG_DATA_HOME", filepath.Join(".local", "share"))
	if err != nil {
		return Paths{}, err
	}
	return Paths{ConfigDir: cfg, DataDir: data}, nil
}

// ConfigFile is the path of config.yaml.
func (p Paths) ConfigFile() string { return filepath.Join(p.ConfigDir, "config.yaml") }

// PolicyFile is the path of the optional policy.yaml.
func (p Paths) PolicyFile() string { return filepath.Join(p.ConfigDir, "policy.yaml") }

// JournalFile is the path of the write journal.
func (p Paths) JournalFile() string { return filepath.Join(p.DataDir, "journal.db") }

// SandboxFile is the state of the embedded sandbox of a profile.
func (p Paths) SandboxFile(profile string) string {
	if profile == DefaultProfile {
		return filepath.Join(p.DataDir, "sandbox.db")
	}
	return filepath.Join(p.DataDir, "sandbox-"+profile+".db")
}

// Load reads the configuration file; a missing file is an empty config.
func Load(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &File{Profiles: map[string]*Profile{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	f := &File{}
	d := yaml.NewDecoder(bytes.NewReader(raw))
	d.KnownFields(true)
	if err := d.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string]*Profile{}
	}
	if f.Journal != "" {
		if err := CheckJournalURL("journal", f.Journal, false); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	for name, p := range f.Profiles {
		if err := p.Validate(name); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	return f, nil
}

// Save writes the configuration file (0600, in a 0700 directory).
func Save(path string, f *File) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	raw, err := yaml.Marshal(f)
	if err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	return os.Rename(tmp, path)
}

// Validate checks a profile.
func (p *Profile) Validate(name string) error {
	switch p.Provider {
	case ProviderSandbox, ProviderAliyun, ProviderAWS:
	case "":
		return fmt.Errorf("profile %q: provider is missing; use sandbox, aliyun or aws", name)
	default:
		return fmt.Errorf("profile %q: provider %q is not known; use sandbox, aliyun or aws", name, p.Provider)
	}
	if p.SandboxSpeed < 0 {
		return fmt.Errorf("profile %q: sandboxSpeed must not be negative", name)
	}
	if t := p.Timeouts; t != nil {
		for field, v := range map[string]string{"read": t.Read, "write": t.Write, "wait": t.Wait, "poll": t.Poll} {
			if v == "" {
				continue
			}
			if d, err := time.ParseDuration(v); err != nil || d <= 0 {
				return fmt.Errorf("profile %q: timeouts.%s %q is not a positive duration such as 45s or 10m", name, field, v)
			}
		}
	}
	return nil
}

// Resolve returns the profile to use: the named one, else the current one,
// else the built-in sandbox profile.
func (f *File) Resolve(name string) (string, Profile, error) {
	if name == "" {
		name = f.CurrentProfile
	}
	if name == "" {
		name = DefaultProfile
	}
	if p, ok := f.Profiles[name]; ok {
		out := *p
		out.fill()
		return name, out, nil
	}
	if name == DefaultProfile {
		p := Profile{Provider: ProviderSandbox}
		p.fill()
		return name, p, nil
	}
	return "", Profile{}, fmt.Errorf("profile %q is not configured (known: %s); add it with 'emrctl config set-profile %s --provider ...'", name, strings.Join(f.Names(), ", "), name)
}

func (p *Profile) fill() {
	if p.Region == "" {
		switch p.Provider {
		case ProviderAWS:
			p.Region = "us-east-1"
		default:
			p.Region = "cn-hangzhou"
		}
	}
	if p.Provider == ProviderSandbox && p.SandboxSpeed == 0 {
		p.SandboxSpeed = 60
	}
}

// Names lists the profile names, with the built-in sandbox.
func (f *File) Names() []string {
	seen := map[string]bool{DefaultProfile: true}
	names := []string{DefaultProfile}
	for n := range f.Profiles {
		if !seen[n] {
			names = append(names, n)
			seen[n] = true
		}
	}
	sort.Strings(names[1:])
	return names
}
