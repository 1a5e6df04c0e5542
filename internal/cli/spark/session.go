package spark

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var sessionColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "KIND", Field: "kind"},
	{Header: "QUEUE", Field: "queue"},
	{Header: "AUTO STOP MIN", Field: "autoStopMinutes", Kind: output.Count, Wide: true},
	{Header: "RELEASE", Field: "releaseVersion", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
	{Header: "REASON", Field: "stateReason.message", Wide: true},
}

var sessionDetailColumns = append(append([]output.Column(nil), sessionColumns...),
	output.Column{Header: "STARTED", Field: "startTime", Kind: output.Time},
	output.Column{Header: "DOMAIN", Field: "domainInner"},
	output.Column{Header: "SPARK UI", Field: "webUI"},
	output.Column{Header: "CONFIGURATIONS", Field: "configurations"},
)

// sessionConfFile is the file Spark settings of a session go to.
const sessionConfFile = "spark-defaults.conf"

func newSessionCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "session",
		Aliases: []string{"sessions"},
		Short:   "Create, list, get, start, stop, delete and wait for session clusters",
		Long: `Session clusters are long-running interactive Spark environments for SQL and
notebooks ('spark sql run' sends them SQL). A running session holds CU until
it stops, by itself after --auto-stop-minutes idle, or with 'session stop'.`,
	}
	cmd.AddCommand(newSessionCreateCmd(f), newSessionListCmd(f), newSessionGetCmd(f),
		newSessionStateCmd(f, "start", provider.SparkSessionRunning),
		newSessionStateCmd(f, "stop", provider.SparkSessionStopped),
		newSessionDeleteCmd(f), newSessionWaitCmd(f))
	return cmd
}

func newSessionCreateCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		in                    provider.SparkSessionInput
		kind                  string
		confPairs             []string
		start, public, fusion bool
		wait                  bool
		timeout               time.Duration
	)
	cmd := &cobra.Command{
		Use:   "create WORKSPACE_ID --name NAME --queue QUEUE",
		Short: "Create a session cluster (journaled with a client token); --start starts it",
		Long: `Create a session cluster. It is NotStarted until started, here with --start or
later with 'session start'. The request carries a client token from the
journal: running the same command again after a timeout never creates a
second session.`,
		Example: `  emrctl spark session create w-sandbox000000001 --name my-session --queue root_queue --auto-stop-minutes 30 --start --wait`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := upperChoice("kind", kind, provider.SparkSessionSQL, provider.SparkSessionNotebook)
			if err != nil {
				return err
			}
			in.Kind = k
			if in.Name == "" || in.Queue == "" {
				return cmdutil.FlagErrorf("--name and --queue are required: name the session and the queue it runs on")
			}
			if in.AutoStopMinutes < 0 {
				return cmdutil.FlagErrorf("--auto-stop-minutes %d: give idle minutes, or 0 to keep it up", in.AutoStopMinutes)
			}
			if wait && !start {
				return cmdutil.FlagErrorf("--wait waits for the session to run: add --start")
			}
			conf, err := keyValues("conf", confPairs)
			if err != nil {
				return err
			}
			for _, p := range confPairs {
				key, _, _ := strings.Cut(p, "=")
				if v, ok := conf[key]; ok {
					in.Configurations = append(in.Configurations, provider.SparkConfigItem{File: sessionConfFile, Key: key, Value: v})
					delete(conf, key)
				}
			}
			in.AutoStart = boolFlag(cmd, "start", start)
			in.PublicEndpoint = boolFlag(cmd, "public-endpoint", public)
			in.Fusion = boolFlag(cmd, "fusion", fusion)
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.CreateSparkSession(ctx, f.Call(false), args[0], in)
				if err != nil {
					return err
				}
				if !wait || res.ID == "" {
					return printResult(f, res, nil)
				}
				return waitSession(ctx, f, e, args[0], res, provider.SparkSessionRunning, timeout)
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.Name, "name", "", "session name")
	fl.StringVar(&in.Queue, "queue", "", "resource queue it runs on, e.g. root_queue")
	fl.StringVar(&in.ReleaseVersion, "release", "", "engine version (see 'spark release list')")
	fl.StringVar(&kind, "kind", provider.SparkSessionSQL, "SQL or NOTEBOOK")
	fl.IntVar(&in.AutoStopMinutes, "auto-stop-minutes", 0, "stop after this many idle minutes (0: keep it up)")
	fl.StringArrayVar(&confPairs, "conf", nil, "Spark setting key=value (repeatable)")
	fl.BoolVar(&start, "start", false, "start the session once created")
	fl.BoolVar(&public, "public-endpoint", false, "reach the session from the internet too")
	fl.BoolVar(&fusion, "fusion", false, "run on the Fusion (native) engine")
	fl.BoolVar(&wait, "wait", false, "with --start, wait until the session is Running")
	fl.DurationVar(&timeout, "timeout", 10*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// waitSession follows a session to target after a write, then prints it.
func waitSession(ctx context.Context, f *cmdutil.Factory, e *engine.Engine, workspace string, res *engine.SparkResult, target string, timeout time.Duration) error {
	outcomeNote(f, res)
	o := progress(f, "session "+res.ID)
	o.Target, o.Timeout = target, timeout
	s, err := e.WaitSparkSession(ctx, workspace, res.ID, o)
	f.IOStreams.StopProgress()
	if err != nil {
		return err
	}
	return clia.PrintObject(f, s, sessionDetailColumns)
}

func newSessionListCmd(f *cmdutil.Factory) *cobra.Command {
	var filter provider.SparkSessionFilter
	cmd := &cobra.Command{
		Use:     "list WORKSPACE_ID",
		Short:   "List a workspace's session clusters",
		Example: `  emrctl spark session list w-sandbox000000001`,
		Args:    cobra.ExactArgs(1),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			ss, err := e.SparkSessions(ctx, args[0], filter)
			if err != nil {
				return err
			}
			return clia.PrintList(f, ss, sessionColumns, "No session clusters found.")
		}),
	}
	cmd.Flags().StringVar(&filter.Queue, "queue", "", "only sessions on this queue")
	cmd.Flags().StringVar(&filter.Kind, "kind", "", "SQL or NOTEBOOK")
	return cmd
}

func newSessionGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get WORKSPACE_ID SESSION_ID",
		Short:   "Describe a session cluster",
		Example: `  emrctl spark session get w-sandbox000000001 sc-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			s, err := e.SparkSession(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, s, sessionDetailColumns)
		}),
	}
}

// newSessionStateCmd is 'session start' or 'session stop'.
func newSessionStateCmd(f *cmdutil.Factory, verb, target string) *cobra.Command {
	var (
		queue   string
		wait    bool
		timeout time.Duration
	)
	short := "Start a session cluster (it holds CU while it runs)"
	long := "Start a session cluster; --wait waits until it is Running."
	if verb == "stop" {
		short = "Stop a session cluster (confirmed: its session state is lost)"
		long = "Stop a session cluster. The confirmation says that the session's state (cached\ntables, temporary views, variables) is lost; --wait waits until it is Stopped."
	}
	cmd := &cobra.Command{
		Use:     verb + " WORKSPACE_ID SESSION_ID",
		Short:   short,
		Long:    long,
		Example: "  emrctl spark session " + verb + " w-sandbox000000001 sc-xxxxxxxxxxxxxxxx --wait",
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			do := e.StartSparkSession
			if verb == "stop" {
				do = e.StopSparkSession
			}
			res, err := do(ctx, f.Call(false), args[0], args[1], queue)
			if err != nil {
				return err
			}
			if !wait {
				return printResult(f, res, nil)
			}
			if res.ID == "" {
				res.ID = args[1]
			}
			return waitSession(ctx, f, e, args[0], res, target, timeout)
		}),
	}
	cmd.Flags().StringVar(&queue, "queue", "", "the session's queue (default: as created)")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the session is "+target)
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newSessionDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete WORKSPACE_ID SESSION_ID",
		Short: "Delete a stopped session cluster (confirmed; a session not stopped is refused)",
		Long: `Delete a session cluster for good. emrctl reads it first: a session that is not
Stopped (or never started) is refused, naming its state, and nothing is sent;
stop it first with 'spark session stop --wait'.`,
		Example: `  emrctl spark session delete w-sandbox000000001 sc-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.DeleteSparkSession(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			return printResult(f, res, nil)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newSessionWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		target  string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:     "wait WORKSPACE_ID SESSION_ID",
		Short:   "Wait until a session cluster is Running (or --for Stopped)",
		Example: `  emrctl spark session wait w-sandbox000000001 sc-xxxxxxxxxxxxxxxx --for Stopped`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := upperChoice("for", target, provider.SparkSessionRunning, provider.SparkSessionStopped)
			if err != nil {
				return err
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				o := progress(f, "session "+args[1])
				o.Target, o.Timeout = t, timeout
				s, err := e.WaitSparkSession(ctx, args[0], args[1], o)
				f.IOStreams.StopProgress()
				if err != nil {
					return err
				}
				return clia.PrintObject(f, s, sessionDetailColumns)
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&target, "for", provider.SparkSessionRunning, "Running or Stopped")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}
