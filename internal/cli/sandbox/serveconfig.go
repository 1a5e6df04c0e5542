package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/emulator"
)

// serveFile is the --config file of 'sandbox serve'. Every field is
// optional; a flag given on the command line wins over its field.
type serveFile struct {
	Listen   string            `yaml:"listen"`
	State    string            `yaml:"state"`
	Memory   *bool             `yaml:"memory"`
	Speed    *float64          `yaml:"speed"`
	Seed     *int64            `yaml:"seed"`
	PortFile string            `yaml:"portFile"`
	Quiet    *bool             `yaml:"quiet"`
	Rate     string            `yaml:"rate"`
	Burst    *int              `yaml:"burst"`
	RateFor  map[string]string `yaml:"rateFor"`
	Keys     []string          `yaml:"keys"`
	KeysFile string            `yaml:"keysFile"`
}

// applyConfigFile fills the options the command line left unset from
// o.config. Relative paths in the file are relative to the file.
func applyConfigFile(fl *pflag.FlagSet, o *serveOptions) error {
	if o.config == "" {
		return nil
	}
	raw, err := os.ReadFile(o.config)
	if err != nil {
		return cmdutil.FlagErrorf("--config %s: %v", o.config, err)
	}
	var c serveFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return cmdutil.FlagErrorf("--config %s: %v (fields: listen, state, memory, speed, seed, portFile, quiet, rate, burst, rateFor, keys, keysFile)", o.config, err)
	}
	dir := filepath.Dir(o.config)
	unset := func(name string) bool { return !fl.Changed(name) }
	setString(unset("listen"), &o.listen, c.Listen)
	setString(unset("state"), &o.state, relTo(dir, c.State))
	setString(unset("port-file"), &o.portFile, relTo(dir, c.PortFile))
	if unset("rate") && c.Rate != "" {
		o.rateSource = "rate in " + o.config
	}
	if unset("burst") && c.Burst != nil {
		o.burstSource = "burst in " + o.config
	}
	setString(unset("rate"), &o.rate, c.Rate)
	setString(unset("keys-file"), &o.keysFile, relTo(dir, c.KeysFile))
	setPtr(unset("memory"), &o.memory, c.Memory)
	setPtr(unset("speed"), &o.speed, c.Speed)
	setPtr(unset("seed"), &o.seed, c.Seed)
	setPtr(unset("quiet"), &o.quiet, c.Quiet)
	setPtr(unset("burst"), &o.burst, c.Burst)
	o.fileRateFor = c.RateFor
	o.fileKeys = c.Keys
	return nil
}

func setString(unset bool, dst *string, v string) {
	if unset && v != "" {
		*dst = v
	}
}

func setPtr[T any](unset bool, dst *T, v *T) {
	if unset && v != nil {
		*dst = *v
	}
}

func relTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// throttleConfig builds the emulator's limits from --rate, --burst and
// --rate-for (the file's rateFor first, so a flag for the same action wins).
func throttleConfig(o *serveOptions) (emulator.ThrottleConfig, error) {
	rate, err := parseRate(orText(o.rateSource, "--rate"), o.rate)
	if err != nil {
		return emulator.ThrottleConfig{}, err
	}
	if o.burst < 1 {
		return emulator.ThrottleConfig{}, cmdutil.FlagErrorf("%s %d: want at least 1 (how many requests a client may send at once)", orText(o.burstSource, "--burst"), o.burst)
	}
	cfg := emulator.ThrottleConfig{Rate: rate, Burst: o.burst, Actions: map[string]emulator.Limit{}}
	names := make([]string, 0, len(o.fileRateFor))
	for name := range o.fileRateFor {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := addRateFor(cfg.Actions, "rateFor in "+o.config, name+"="+o.fileRateFor[name], o.burst); err != nil {
			return emulator.ThrottleConfig{}, err
		}
	}
	flags := map[string]emulator.Limit{}
	for _, v := range o.rateFor {
		if err := addRateFor(flags, "--rate-for", v, o.burst); err != nil {
			return emulator.ThrottleConfig{}, err
		}
	}
	for name, l := range flags {
		cfg.Actions[name] = l
	}
	return cfg, nil
}

// parseRate reads requests per second, or "off" (-1: no limit).
func parseRate(source, v string) (float64, error) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "off") {
		return -1, nil
	}
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r <= 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		return 0, cmdutil.FlagErrorf("%s %q: want requests per second above 0, such as 50, or off", source, v)
	}
	return r, nil
}

// actionName reports whether s can name an API action (ListClusters):
// letters and digits only, so the messages below may show it as it is.
func actionName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// addRateFor parses ACTION=RATE[/BURST] or ACTION=off into actions; the
// burst defaults to defBurst.
func addRateFor(actions map[string]emulator.Limit, source, v string, defBurst int) error {
	name, spec, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	if !ok || !actionName(name) {
		return cmdutil.FlagErrorf("%s %q: want ACTION=RATE/BURST, such as ListClusters=200/400 or GetCluster=off", source, v)
	}
	rateText, burstText, hasBurst := strings.Cut(spec, "/")
	rate, err := parseRate(source+" "+name, rateText)
	if err != nil {
		return err
	}
	burst := defBurst
	if hasBurst {
		burst, err = strconv.Atoi(strings.TrimSpace(burstText))
		if err != nil || burst < 1 {
			return cmdutil.FlagErrorf("%s %s: burst %q: want a whole number of at least 1, such as %s=%s/400", source, name, burstText, name, strings.TrimSpace(rateText))
		}
	}
	if _, dup := actions[name]; dup {
		return cmdutil.FlagErrorf("%s: %s is given twice; keep one", source, name)
	}
	actions[name] = emulator.Limit{Rate: rate, Burst: burst}
	return nil
}

// credentials collects the extra key pairs of --key, the file's keys and
// --keys-file. Errors name the key's source and ID, never its secret.
func credentials(o *serveOptions) ([]emulator.Credential, error) {
	var out []emulator.Credential
	seen := map[string]string{
		emulator.SandboxCredential.AccessKeyID:         "the sandbox key pair",
		emulator.SandboxReadOnlyCredential.AccessKeyID: "the sandbox read-only key pair",
	}
	add := func(source, v string) error {
		c, err := parseKey(source, v)
		if err != nil {
			return err
		}
		if prev, dup := seen[c.AccessKeyID]; dup {
			return cmdutil.FlagErrorf("%s: AccessKey ID %q is already %s; give each key pair its own ID", source, c.AccessKeyID, prev)
		}
		seen[c.AccessKeyID] = "given by " + source
		out = append(out, c)
		return nil
	}
	for i, v := range o.fileKeys {
		if err := add(fmt.Sprintf("keys[%d] in %s", i, o.config), v); err != nil {
			return nil, err
		}
	}
	for i, v := range o.keys {
		if err := add(fmt.Sprintf("--key #%d", i+1), v); err != nil {
			return nil, err
		}
	}
	if o.keysFile == "" {
		return out, nil
	}
	lines, err := keyLines(o.keysFile)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if err := add(l.source, l.text); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseKey reads ACCESS_KEY_ID:SECRET.
func parseKey(source, v string) (emulator.Credential, error) {
	id, secret, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok || id == "" || secret == "" {
		return emulator.Credential{}, cmdutil.FlagErrorf("%s: want ACCESS_KEY_ID:SECRET, such as LTAI5tMyTestKey0001:my-test-secret (the value is not shown)", source)
	}
	if strings.ContainsAny(id, " \t") || strings.ContainsAny(secret, " \t") {
		return emulator.Credential{}, cmdutil.FlagErrorf("%s: AccessKey ID %q: ID and secret may not contain spaces", source, firstField(id))
	}
	return emulator.Credential{AccessKeyID: id, AccessKeySecret: secret}, nil
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

type keyLine struct{ source, text string }

// keyLines reads a keys file: one ACCESS_KEY_ID:SECRET a line; blank
// lines and lines starting with # are skipped.
func keyLines(path string) ([]keyLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cmdutil.FlagErrorf("--keys-file %s: %v", path, err)
	}
	defer f.Close()
	var out []keyLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, keyLine{source: fmt.Sprintf("--keys-file %s line %d", path, n), text: t})
	}
	if err := sc.Err(); err != nil {
		return nil, cmdutil.FlagErrorf("--keys-file %s: %v", path, err)
	}
	return out, nil
}

// describeLimits is the banner's summary of the limits.
func describeLimits(cfg emulator.ThrottleConfig) string {
	parts := []string{"throttling " + describeLimit(emulator.Limit{Rate: cfg.Rate, Burst: cfg.Burst})}
	names := make([]string, 0, len(cfg.Actions))
	for name := range cfg.Actions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		parts = append(parts, name+" "+describeLimit(cfg.Actions[name]))
	}
	return strings.Join(parts, ", ")
}

func describeLimit(l emulator.Limit) string {
	if l.Rate < 0 {
		return "off"
	}
	return fmt.Sprintf("%s/s burst %d", strconv.FormatFloat(l.Rate, 'g', -1, 64), l.Burst)
}

// keyIDs lists the accepted AccessKey IDs for the banner (never secrets).
func keyIDs(extra []emulator.Credential) string {
	ids := []string{emulator.SandboxCredential.AccessKeyID, emulator.SandboxReadOnlyCredential.AccessKeyID + " (read-only)"}
	for _, c := range extra {
		ids = append(ids, c.AccessKeyID)
	}
	return strings.Join(ids, ", ")
}
