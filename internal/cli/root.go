// Package cli is emrctl's command line: cobra commands that parse input,
// call the engine, and render results. It holds no business rules.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/audit"
	"github.com/emrctl/emrctl/internal/cli/autoscaling"
	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cluster"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/cli/completion"
	"github.com/emrctl/emrctl/internal/cli/config"
	"github.com/emrctl/emrctl/internal/cli/discover"
	"github.com/emrctl/emrctl/internal/cli/gateway"
	"github.com/emrctl/emrctl/internal/cli/journal"
	mcpcmd "github.com/emrctl/emrctl/internal/cli/mcp"
	"github.com/emrctl/emrctl/internal/cli/node"
	"github.com/emrctl/emrctl/internal/cli/nodegroup"
	"github.com/emrctl/emrctl/internal/cli/prereq"
	"github.com/emrctl/emrctl/internal/cli/sandbox"
	"github.com/emrctl/emrctl/internal/cli/scale"
	"github.com/emrctl/emrctl/internal/cli/serve"
	"github.com/emrctl/emrctl/internal/cli/serverless"
	"github.com/emrctl/emrctl/internal/cli/spark"
	"github.com/emrctl/emrctl/internal/cli/specs"
	"github.com/emrctl/emrctl/internal/cli/step"
	"github.com/emrctl/emrctl/internal/cli/token"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/termquiet"
)

// Version is set at build time (-ldflags "-X .../cli.Version=v1.2.3").
var Version = "dev"

// Main runs emrctl with the process's arguments and returns the exit code.
func Main() int {
	termquiet.Restore()
	if scrubbed, ok := sdkDebugScrubbed(os.Getenv("DEBUG")); ok {
		// The Alibaba SDK prints request headers, credentials included,
		// to stdout when DEBUG names it; never let that happen.
		if err := reexecWithout(scrubbed); err != nil {
			fmt.Fprintln(os.Stderr, "emrctl: cannot clear the SDK's DEBUG setting:", err)
			return cmdutil.ExitError
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := cmdutil.New(Version)
	return Run(ctx, f, os.Args[1:])
}

// Run executes one command line with f (tests call it in process).
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	defer f.Close()
	// Errors and warnings may quote input, and input may be a secret
	// typed back (--region "$ALIBABA_CLOUD_ACCESS_KEY_SECRET").
	defer f.ScrubStderr()()
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	format, ferr := f.Format()
	if ferr != nil {
		format = output.Table
	}
	cmdutil.PrintError(f.IOStreams.ErrOut, format, err, f.Secrets())
	return cmdutil.ExitCode(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "emrctl",
		Short: "Plan, create, scale and operate EMR clusters on Alibaba Cloud and AWS, safely",
		Long: `emrctl manages the whole life of Elastic MapReduce clusters: Alibaba Cloud EMR on
ECS and AWS EMR. It validates a cluster before money is spent, creates it, waits
for it, scales it within safe limits, and keeps a journal of every write.

With no configuration it uses the embedded sandbox: a local emulator of the
Alibaba EMR API, so you can try everything without a cloud account.`,
		Example: `  emrctl cluster create -f examples/dev-cluster.yaml --wait
  emrctl cluster list --active
  emrctl cluster get c-xxxxxxxxxxxxxxxx -o yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if _, err := output.ParseFormat(f.Output); err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			if f.Query != "" {
				if err := output.ValidateQuery(f.Query); err != nil {
					return &cmdutil.FlagError{Err: err}
				}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	pf := root.PersistentFlags()
	pf.StringVar(&f.Profile, "profile", "", "profile to use (default: the current profile, else the embedded sandbox)")
	pf.StringVar(&f.Region, "region", "", "region, e.g. cn-hangzhou (overrides the profile)")
	pf.StringVar(&f.Endpoint, "endpoint", "", "API endpoint override, e.g. http://127.0.0.1:8080 for 'emrctl sandbox serve'")
	pf.StringVarP(&f.Output, "output", "o", "table", "output format: table, wide, json, yaml or csv")
	pf.StringVar(&f.Query, "query", "", "JMESPath query applied to the output data")
	pf.BoolVarP(&f.Yes, "yes", "y", false, "answer 'continue?' with yes (never lifts a safety limit)")
	pf.BoolVar(&f.AckCost, "ack-cost", false, "acknowledge a cost warning (large or long-term purchases)")
	pf.BoolVar(&f.NoHeaders, "no-headers", false, "omit table and CSV headers")

	root.AddCommand(cluster.NewCmd(f))
	for _, add := range extraCommands {
		root.AddCommand(add(f))
	}
	completion.AddDynamic(root, f)
	cmdutil.CheckUsage(root, f)
	return root
}

// extraCommands are the command groups beyond clusters.
var extraCommands = []func(*cmdutil.Factory) *cobra.Command{
	sandbox.NewCmd,
	scale.NewCmd,
	specs.NewCmd,
	audit.NewCmd,
	discover.NewCmd,
	prereq.NewCmd,
	nodegroup.NewCmd,
	gateway.NewCmd,
	node.NewCmd,
	autoscaling.NewCmd,
	config.NewCmd,
	completion.NewCmd,
	clia.NewCmd,
	step.NewCmd,
	serverless.NewCmd,
	spark.NewCmd,
	mcpcmd.NewCmd,
	serve.NewCmd,
	token.NewCmd,
	journal.NewCmd,
	newVersionCmd,
}

func newVersionCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the emrctl version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(f.IOStreams.Out, "emrctl "+Version)
			return nil
		},
	}
}

// sdkDebugScrubbed removes the Alibaba SDK's debug switches from a DEBUG
// value, reporting whether any were there.
func sdkDebugScrubbed(v string) (string, bool) {
	if v == "" {
		return v, false
	}
	var keep []string
	found := false
	for _, part := range strings.Split(v, ",") {
		switch strings.TrimSpace(part) {
		case "tea", "dara", "sdk", "credential", "*":
			found = true
		default:
			keep = append(keep, part)
		}
	}
	return strings.Join(keep, ","), found
}

// reexecWithout restarts the process with DEBUG scrubbed: the SDK reads
// DEBUG once at package initialisation, before main runs.
func reexecWithout(debug string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DEBUG=") {
			env = append(env, kv)
		}
	}
	if debug != "" {
		env = append(env, "DEBUG="+debug)
	}
	return errors.Join(syscall.Exec(exe, os.Args, env))
}
