// Package config holds 'emrctl config': show and change the profiles in
// the configuration file. Secrets are never stored or shown: Alibaba
// credentials come from its credential chain, AWS ones from the AWS chain.
package config

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/validate"
)

// NewCmd returns the 'config' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and change profiles (sandbox, aliyun, aws); never stores secrets",
		Long: `A profile names a target: the embedded sandbox, Alibaba Cloud (aliyun) or AWS,
with a region and an optional endpoint. Select one with --profile or make it
current with 'emrctl config use'.

Credentials are never stored by emrctl. For aliyun profiles they come from the
Alibaba credential chain: the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and
ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALIBABA_CLOUD_ECS_METADATA / OIDC
variables), a profile of ~/.aliyun/config.json (--credential-profile), the ECS
RAM role of the machine, or OIDC. For aws profiles, the AWS default chain.`,
	}
	cmd.AddCommand(newViewCmd(f, nil), newSetProfileCmd(f, nil), newUseCmd(f, nil), newDeleteProfileCmd(f, nil), newSetCmd(f, nil))
	return cmd
}

// ProfileView is one profile as 'config view' shows it.
type ProfileView struct {
	Name              string   `json:"name"`
	Current           bool     `json:"current"`
	Provider          string   `json:"provider"`
	Region            string   `json:"region"`
	Endpoint          string   `json:"endpoint,omitempty"`
	CredentialProfile string   `json:"credentialProfile,omitempty"`
	Credentials       string   `json:"credentials"`
	SandboxSpeed      float64  `json:"sandboxSpeed,omitempty"`
	OwnBuckets        []string `json:"ownBuckets,omitempty"`
	BuiltIn           bool     `json:"builtIn,omitempty"`
}

// View is what 'config view' prints.
type View struct {
	CurrentProfile string        `json:"currentProfile"`
	Profiles       []ProfileView `json:"profiles"`
	Paths          PathsView     `json:"paths"`
}

// PathsView says where emrctl keeps its files.
type PathsView struct {
	ConfigFile  string `json:"configFile"`
	PolicyFile  string `json:"policyFile"`
	DataDir     string `json:"dataDir"`
	JournalFile string `json:"journalFile"`
	// Journal is the PostgreSQL URL of a shared journal (any password
	// redacted), when one is set; else the journal is JournalFile.
	Journal string `json:"journal,omitempty"`
}

func newViewCmd(f *cmdutil.Factory, run func(context.Context, *cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:     "view",
		Aliases: []string{"show", "list"},
		Short:   "Show the profiles, the current one, where credentials come from and where files live",
		Example: `  emrctl config view
  emrctl config view -o json --query currentProfile`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), f)
			}
			return runView(f)
		},
	}
}

func load(f *cmdutil.Factory) (config.Paths, *config.File, error) {
	paths, err := f.Paths()
	if err != nil {
		return paths, nil, err
	}
	file, err := config.Load(paths.ConfigFile())
	return paths, file, err
}

// current is the profile commands use without --profile.
func current(f *cmdutil.Factory, file *config.File) string {
	if v := f.Getenv("EMRCTL_PROFILE"); v != "" {
		return v
	}
	if file.CurrentProfile != "" {
		return file.CurrentProfile
	}
	return config.DefaultProfile
}

func buildView(f *cmdutil.Factory, paths config.Paths, file *config.File) (*View, error) {
	v := &View{CurrentProfile: current(f, file), Profiles: []ProfileView{}}
	if f.Profile != "" {
		v.CurrentProfile = f.Profile
	}
	for _, name := range file.Names() {
		_, p, err := file.Resolve(name)
		if err != nil {
			return nil, err
		}
		_, configured := file.Profiles[name]
		raw := file.Profiles[name]
		pv := ProfileView{
			Name: name, Current: name == v.CurrentProfile, Provider: p.Provider, Region: p.Region, Endpoint: p.Endpoint,
			CredentialProfile: p.CredentialProfile, Credentials: credentialSource(f, p), OwnBuckets: p.OwnBuckets, BuiltIn: !configured,
		}
		if p.Provider == config.ProviderSandbox && (raw == nil || raw.SandboxSpeed != 0) {
			pv.SandboxSpeed = p.SandboxSpeed
		}
		v.Profiles = append(v.Profiles, pv)
	}
	at, err := file.JournalLocation(paths, f.Getenv)
	if err != nil {
		return nil, err
	}
	v.Paths = PathsView{ConfigFile: paths.ConfigFile(), PolicyFile: paths.PolicyFile(), DataDir: paths.DataDir,
		JournalFile: paths.JournalFile()}
	if journal.IsURL(at) {
		v.Paths.Journal = journal.RedactURL(at)
	}
	return v, nil
}

// credentialSource says where a profile's credentials come from, without
// showing any of them.
func credentialSource(f *cmdutil.Factory, p config.Profile) string {
	switch p.Provider {
	case config.ProviderSandbox:
		return "sandbox key pair (local only)"
	case config.ProviderAWS:
		if p.CredentialProfile != "" {
			return "AWS profile " + p.CredentialProfile
		}
		return "AWS default chain"
	}
	if p.CredentialProfile != "" {
		return "~/.aliyun/config.json profile " + p.CredentialProfile
	}
	switch {
	case f.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") != "" && f.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET") != "":
		return "Alibaba credential chain: environment (ALIBABA_CLOUD_ACCESS_KEY_ID is set)"
	case f.Getenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE") != "":
		return "Alibaba credential chain: OIDC (ALIBABA_CLOUD_OIDC_TOKEN_FILE is set)"
	case f.Getenv("ALIBABA_CLOUD_PROFILE") != "":
		return "Alibaba credential chain: ~/.aliyun/config.json profile " + f.Getenv("ALIBABA_CLOUD_PROFILE")
	}
	return "Alibaba credential chain: ~/.aliyun/config.json current profile, else the ECS RAM role"
}

var profileColumns = []output.Column{
	{Header: "CURRENT", Value: func(item any) string {
		if item.(ProfileView).Current {
			return "*"
		}
		return " "
	}},
	{Header: "NAME", Field: "name"},
	{Header: "PROVIDER", Field: "provider"},
	{Header: "REGION", Field: "region"},
	{Header: "ENDPOINT", Field: "endpoint"},
	{Header: "CREDENTIALS", Field: "credentials"},
	{Header: "CREDENTIAL PROFILE", Field: "credentialProfile", Wide: true},
	{Header: "SANDBOX SPEED", Field: "sandboxSpeed", Kind: output.Count, Wide: true},
}

func runView(f *cmdutil.Factory) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	paths, file, err := load(f)
	if err != nil {
		return err
	}
	v, err := buildView(f, paths, file)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, v, nil, opts(f)...)
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, profileColumns, opts(f)...)
	items := make([]any, len(v.Profiles))
	for i, p := range v.Profiles {
		items[i] = p
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if format == output.CSV {
		return nil
	}
	w := f.IOStreams.Out
	fmt.Fprintf(w, "\nCurrent profile: %s\n", v.CurrentProfile)
	fmt.Fprintf(w, "Config file:     %s\n", v.Paths.ConfigFile)
	fmt.Fprintf(w, "Policy file:     %s\n", v.Paths.PolicyFile)
	fmt.Fprintf(w, "Data directory:  %s\n", v.Paths.DataDir)
	if v.Paths.Journal != "" {
		fmt.Fprintf(w, "Journal:         %s\n", v.Paths.Journal)
	}
	return nil
}

func opts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}

type setOptions struct {
	f       *cmdutil.Factory
	name    string
	profile config.Profile
	changed map[string]bool
	use     bool
}

// profileName is what a profile may be called (it also names files).
var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

func checkName(name string) error {
	if !profileName.MatchString(name) {
		return cmdutil.FlagErrorf("profile name %q: use 1-63 letters, digits, '-' and '_', starting with a letter or digit", validate.Render(name))
	}
	return nil
}

func newSetProfileCmd(f *cmdutil.Factory, run func(context.Context, *setOptions) error) *cobra.Command {
	o := &setOptions{f: f}
	cmd := &cobra.Command{
		Use:   "set-profile NAME",
		Short: "Add a profile or change the settings given for it",
		Long: `Add a profile, or change the settings given on the command line for an existing
one (others are kept). No secret is ever written: name a profile of
~/.aliyun/config.json with --credential-profile, or let the Alibaba credential
chain find the credentials (environment, OIDC, ECS RAM role).`,
		Example: `  emrctl config set-profile prod --provider aliyun --region cn-hangzhou
  emrctl config set-profile prod --credential-profile prod-ram-user
  emrctl config set-profile local --provider aliyun --region cn-hangzhou --endpoint http://127.0.0.1:8080
  emrctl config set-profile fast-sandbox --provider sandbox --sandbox-speed 600 --use`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			if err := checkName(o.name); err != nil {
				return err
			}
			o.changed = map[string]bool{}
			for _, fl := range []string{"provider", "region", "endpoint", "credential-profile", "sandbox-speed", "own-bucket"} {
				o.changed[fl] = cmd.Flags().Changed(fl)
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runSet(o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.profile.Provider, "provider", "", "sandbox, aliyun or aws (required for a new profile)")
	// --region is also the global flag: cobra gives this command its own.
	fl.StringVar(&o.profile.Region, "region", "", "region, e.g. cn-hangzhou")
	fl.StringVar(&o.profile.Endpoint, "endpoint", "", "API endpoint override, e.g. http://127.0.0.1:8080 ('' to clear)")
	fl.StringVar(&o.profile.CredentialProfile, "credential-profile", "", "profile of ~/.aliyun/config.json (aliyun) or ~/.aws/config (aws)")
	fl.Float64Var(&o.profile.SandboxSpeed, "sandbox-speed", 0, "sandbox only: how many times faster than the cloud work completes")
	fl.StringSliceVar(&o.profile.OwnBuckets, "own-bucket", nil, "buckets job code and bootstrap scripts may come from (repeatable)")
	fl.BoolVar(&o.use, "use", false, "make it the current profile")
	return cmd
}

func runSet(o *setOptions) error {
	f := o.f
	paths, file, err := load(f)
	if err != nil {
		return err
	}
	p, exists := file.Profiles[o.name]
	if !exists {
		if !o.changed["provider"] {
			if o.name != config.DefaultProfile {
				return cmdutil.FlagErrorf("profile %q is new: --provider is required (sandbox, aliyun or aws)", o.name)
			}
			o.profile.Provider, o.changed["provider"] = config.ProviderSandbox, true
		}
		p = &config.Profile{}
	}
	next := *p
	if o.changed["provider"] {
		next.Provider = strings.ToLower(o.profile.Provider)
	}
	if o.changed["region"] {
		if e := validate.ID(validate.RegionID, "--region", o.profile.Region); e != nil {
			return cmdutil.FlagErrorf("%v", e)
		}
		next.Region = o.profile.Region
	}
	if o.changed["endpoint"] {
		next.Endpoint = o.profile.Endpoint
	}
	if o.changed["credential-profile"] {
		next.CredentialProfile = o.profile.CredentialProfile
	}
	if o.changed["sandbox-speed"] {
		next.SandboxSpeed = o.profile.SandboxSpeed
	}
	if o.changed["own-bucket"] {
		next.OwnBuckets = o.profile.OwnBuckets
	}
	if err := next.Validate(o.name); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	if next.Provider == config.ProviderSandbox && next.CredentialProfile != "" {
		return cmdutil.FlagErrorf("--credential-profile does not apply to a sandbox profile: the sandbox has its own key pair")
	}
	if next.Provider != config.ProviderSandbox && next.SandboxSpeed != 0 {
		return cmdutil.FlagErrorf("--sandbox-speed applies only to sandbox profiles")
	}
	file.Profiles[o.name] = &next
	if o.use {
		file.CurrentProfile = o.name
	}
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		return err
	}
	verb := "Updated"
	if !exists {
		verb = "Added"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "%s profile %q (%s, %s).\n", verb, o.name, next.Provider, orText(next.Region, "default region"))
	if o.use {
		fmt.Fprintf(f.IOStreams.ErrOut, "Current profile: %s\n", o.name)
	}
	return nil
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func newUseCmd(f *cmdutil.Factory, run func(context.Context, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make a profile the current one",
		Example: `  emrctl config use prod
  emrctl config use sandbox`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), args[0])
			}
			return runUse(f, args[0])
		},
	}
}

func runUse(f *cmdutil.Factory, name string) error {
	paths, file, err := load(f)
	if err != nil {
		return err
	}
	if !slices.Contains(file.Names(), name) {
		return cmdutil.FlagErrorf("profile %q is not configured (known: %s); add it with 'emrctl config set-profile %s --provider ...'", validate.Render(name), strings.Join(file.Names(), ", "), validate.Render(name))
	}
	file.CurrentProfile = name
	if name == config.DefaultProfile {
		if _, ok := file.Profiles[name]; !ok {
			file.CurrentProfile = ""
		}
	}
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Current profile: %s\n", name)
	if v := f.Getenv("EMRCTL_PROFILE"); v != "" && v != name {
		fmt.Fprintf(f.IOStreams.ErrOut, "note: EMRCTL_PROFILE=%s is set and takes precedence\n", v)
	}
	return nil
}

func newDeleteProfileCmd(f *cmdutil.Factory, run func(context.Context, string) error) *cobra.Command {
	return &cobra.Command{
		Use:     "delete-profile NAME",
		Aliases: []string{"remove-profile"},
		Short:   "Delete a profile from the configuration (no cloud resource is touched)",
		Example: `  emrctl config delete-profile old-test`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), args[0])
			}
			return runDelete(f, args[0])
		},
	}
}

func runDelete(f *cmdutil.Factory, name string) error {
	paths, file, err := load(f)
	if err != nil {
		return err
	}
	if _, ok := file.Profiles[name]; !ok {
		if name == config.DefaultProfile {
			return cmdutil.FlagErrorf("the built-in sandbox profile cannot be deleted")
		}
		return cmdutil.FlagErrorf("profile %q is not configured (known: %s)", validate.Render(name), strings.Join(file.Names(), ", "))
	}
	delete(file.Profiles, name)
	if file.CurrentProfile == name {
		file.CurrentProfile = ""
	}
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Deleted profile %q.\n", name)
	if file.CurrentProfile == "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "Current profile: %s\n", config.DefaultProfile)
	}
	return nil
}

// settings are the keys 'config set' changes, outside profiles.
var settings = []string{"journal"}

func newSetCmd(f *cmdutil.Factory, run func(context.Context, string, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Change a setting outside profiles (journal: a shared PostgreSQL journal)",
		Long: `Change a setting that holds for every profile.

journal: the URL of a PostgreSQL database (postgres://USER@HOST:PORT/DATABASE)
that keeps the journal, the locks, the API tokens and the approval queue shared
by a team; '' goes back to the SQLite file in the data directory. The URL must
not hold a password: give it in PGPASSWORD or ~/.pgpass. EMRCTL_JOURNAL_URL
overrides the setting. Apply the schema with 'emrctl journal migrate'.`,
		Example: `  emrctl config set journal postgres://emrctl@db.internal:5432/emrctl?sslmode=require
  emrctl config set journal ''`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(settings, args[0]) {
				return cmdutil.FlagErrorf("unknown setting %q; known: %s (profile settings: 'emrctl config set-profile')",
					validate.Render(args[0]), strings.Join(settings, ", "))
			}
			if run != nil {
				return run(cmd.Context(), args[0], args[1])
			}
			return runSetJournal(f, args[1])
		},
	}
}

func runSetJournal(f *cmdutil.Factory, value string) error {
	if value != "" {
		if err := config.CheckJournalURL("journal", value, false); err != nil {
			return &cmdutil.FlagError{Err: err}
		}
	}
	paths, file, err := load(f)
	if err != nil {
		return err
	}
	file.Journal = value
	if err := config.Save(paths.ConfigFile(), file); err != nil {
		return err
	}
	w := f.IOStreams.ErrOut
	if value == "" {
		fmt.Fprintf(w, "Journal: %s\n", paths.JournalFile())
	} else {
		fmt.Fprintf(w, "Journal: %s\nApply its schema with 'emrctl journal migrate'.\n", journal.RedactURL(value))
	}
	if v := f.Getenv(config.JournalURLEnv); v != "" {
		fmt.Fprintf(w, "note: %s is set and takes precedence\n", config.JournalURLEnv)
	}
	return nil
}
