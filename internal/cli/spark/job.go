package spark

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

var jobColumns = []output.Column{
	{Header: "RUN", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "TYPE", Field: "codeType"},
	{Header: "QUEUE", Field: "queue"},
	{Header: "SUBMITTED", Field: "submitTime", Kind: output.Time},
	{Header: "ENDED", Field: "endTime", Kind: output.Time, Wide: true},
	{Header: "CU HOURS", Field: "cuHours", Kind: output.Count, Wide: true},
	{Header: "RELEASE", Field: "releaseVersion", Wide: true},
	{Header: "ENTRY POINT", Field: "entryPoint", Wide: true},
	{Header: "REASON", Field: "stateReason.message", Wide: true},
}

// jobDetailColumns describe one run: the list's columns and its logs.
var jobDetailColumns = append(append([]output.Column(nil), jobColumns...),
	output.Column{Header: "SPARK-SUBMIT PARAMETERS", Field: "sparkSubmitParameters"},
	output.Column{Header: "ARGS", Field: "args"},
	output.Column{Header: "STDOUT LOG", Field: "log.stdout"},
	output.Column{Header: "STDERR LOG", Field: "log.stderr"},
	output.Column{Header: "SPARK UI", Field: "webUI"},
)

var executorColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "TYPE", Field: "type"},
	{Header: "STATUS", Field: "status"},
	{Header: "HOST", Field: "hostPort"},
	{Header: "CORES", Field: "cores", Kind: output.Count},
	{Header: "ACTIVE", Field: "activeTasks", Kind: output.Count},
	{Header: "DONE", Field: "completedTasks", Kind: output.Count},
	{Header: "FAILED", Field: "failedTasks", Kind: output.Count},
	{Header: "MEMORY USED", Field: "memoryUsed", Kind: output.Count, Wide: true},
	{Header: "DURATION", Field: "duration", Kind: output.Duration, Wide: true},
	{Header: "SHUFFLE READ", Field: "shuffleRead", Kind: output.Count, Wide: true},
}

var configItemColumns = []output.Column{
	{Header: "FILE", Field: "file"},
	{Header: "KEY", Field: "key"},
	{Header: "VALUE", Field: "value"},
}

func newJobCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "job",
		Aliases: []string{"jobs", "run"},
		Short:   "Submit, list, get, wait for, cancel job runs and read their logs",
	}
	cmd.AddCommand(newJobSubmitCmd(f), newJobListCmd(f), newJobGetCmd(f), newJobWaitCmd(f), newJobCancelCmd(f),
		newJobLogsCmd(f), newJobExecutorsCmd(f), newJobConfigCmd(f))
	return cmd
}

func newJobListCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		filter provider.SparkJobRunFilter
		since  string
	)
	cmd := &cobra.Command{
		Use:   "list WORKSPACE_ID",
		Short: "List a workspace's job runs; --state repeats for a union",
		Example: `  emrctl spark job list w-sandbox000000001 --state Running
  emrctl spark job list w-sandbox000000001 --since 24h -o wide`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for i, st := range filter.States {
				v, err := upperChoice("state", st, provider.SparkJobRunStates()...)
				if err != nil {
					return err
				}
				filter.States[i] = v
			}
			if since != "" {
				t, err := parseTime("since", since, f.Now())
				if err != nil {
					return err
				}
				filter.StartedAfter = t
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				runs, err := e.SparkJobRuns(ctx, args[0], filter)
				if err != nil {
					return err
				}
				return clia.PrintList(f, runs, jobColumns, "No job runs found.")
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&filter.States, "state", nil, "state (repeatable): "+strings.Join(provider.SparkJobRunStates(), ", "))
	fl.StringVar(&filter.Name, "name", "", "only runs of this name")
	fl.StringVar(&filter.Queue, "queue", "", "only runs on this queue")
	fl.StringVar(&filter.Creator, "creator", "", "only runs submitted by this user")
	fl.StringVar(&since, "since", "", "only runs started since: a duration ago (24h, 7d) or a time (2024-01-01, RFC 3339)")
	return cmd
}

func newJobGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get WORKSPACE_ID RUN_ID",
		Short:   "Describe a job run: state and reason, its spark-submit parameters and log files",
		Example: `  emrctl spark job get w-sandbox000000001 jr-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			r, err := e.SparkJobRun(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, r, jobDetailColumns)
		}),
	}
}

func newJobWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		target  string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "wait WORKSPACE_ID RUN_ID",
		Short: "Wait until a job run succeeds (or --for Running, Cancelled); its reason when it fails",
		Example: `  emrctl spark job wait w-sandbox000000001 jr-xxxxxxxxxxxxxxxx
  emrctl spark job wait w-sandbox000000001 jr-xxxxxxxxxxxxxxxx --for Running`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := upperChoice("for", target, provider.SparkRunSuccess, provider.SparkRunRunning, provider.SparkRunCancelled)
			if err != nil {
				return err
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				o := progress(f, "job run "+args[1])
				o.Target, o.Timeout = t, timeout
				r, err := e.WaitSparkJobRun(ctx, args[0], args[1], o)
				f.IOStreams.StopProgress()
				if err != nil {
					return withLogHint(err, args[0], args[1])
				}
				return clia.PrintObject(f, r, jobDetailColumns)
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&target, "for", provider.SparkRunSuccess, "state to wait for: Success (the end), Running or Cancelled")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this long")
	return cmd
}

// withLogHint adds where to look when a waited-for run failed.
func withLogHint(err error, workspace, run string) error {
	var we *provider.WaitError
	if !errors.As(err, &we) || we.TimedOut {
		return err
	}
	return fmt.Errorf("%w (its driver's log: emrctl spark job logs %s %s --stderr)", err, workspace, run)
}

func newJobCancelCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		wait    bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "cancel WORKSPACE_ID RUN_ID",
		Short: "Cancel a running job run (confirmed; a run not Running is refused, nothing sent)",
		Long: `Cancel a job run. emrctl reads the run first: only a Running run is cancelled
(it goes Cancelling, then Cancelled); a run that is still starting or has
ended is refused, naming its state, and nothing is sent. Results the run has
not written yet are lost, which the confirmation says.`,
		Example: `  emrctl spark job cancel w-sandbox000000001 jr-xxxxxxxxxxxxxxxx --wait`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.CancelSparkJobRun(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			if !wait {
				return printResult(f, res, nil)
			}
			outcomeNote(f, res)
			o := progress(f, "job run "+args[1])
			o.Target, o.Timeout = provider.SparkRunCancelled, timeout
			r, err := e.WaitSparkJobRun(ctx, args[0], args[1], o)
			f.IOStreams.StopProgress()
			if err != nil {
				return err
			}
			return clia.PrintObject(f, r, jobDetailColumns)
		}),
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the run is Cancelled")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// logOptions are the flags of 'job logs'.
type logOptions struct {
	stdout, stderr bool
	offset, length int
	follow         bool
	timeout        time.Duration
}

func newJobLogsCmd(f *cmdutil.Factory) *cobra.Command {
	o := &logOptions{}
	cmd := &cobra.Command{
		Use:   "logs WORKSPACE_ID RUN_ID",
		Short: "Print the driver's stdout (or --stderr) of a job run",
		Long: `Print lines of the driver's stdout (or --stderr) of a job run. The service keeps
logs in OSS once a run ends; while it runs there is only its Spark UI, so
--follow waits for the end (progress on stderr) and then prints the log.
--offset and --length pick lines; when more remain, stderr says how to read on.
A run that failed before its driver started has no logs: its reason is in
'spark job get'.`,
		Example: `  emrctl spark job logs w-sandbox000000001 jr-xxxxxxxxxxxxxxxx
  emrctl spark job logs w-sandbox000000001 jr-xxxxxxxxxxxxxxxx --stderr --follow
  emrctl spark job logs w-sandbox000000001 jr-xxxxxxxxxxxxxxxx --offset 100 --length 50`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.stdout && o.stderr:
				return cmdutil.FlagErrorf("--stdout and --stderr both choose the log: use one")
			case o.offset < 0:
				return cmdutil.FlagErrorf("--offset %d: give a line number, 0 or more", o.offset)
			case o.length <= 0:
				return cmdutil.FlagErrorf("--length %d: give a positive number of lines", o.length)
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				return printJobLog(ctx, f, e, args[0], args[1], o)
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.stdout, "stdout", false, "print the driver's stdout (the default)")
	fl.BoolVar(&o.stderr, "stderr", false, "print the driver's stderr")
	fl.IntVar(&o.offset, "offset", 0, "first line to print (0 is the first)")
	fl.IntVar(&o.length, "length", 9999, "how many lines to print")
	fl.BoolVar(&o.follow, "follow", false, "wait until the run ends, then print its log")
	fl.DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long --follow waits")
	return cmd
}

func printJobLog(ctx context.Context, f *cmdutil.Factory, e *engine.Engine, workspace, runID string, o *logOptions) error {
	run, err := e.SparkJobRun(ctx, workspace, runID)
	if err != nil {
		return err
	}
	if !run.Finished() {
		if !o.follow {
			return fmt.Errorf("job run %s is %s: its logs are readable once it ends (add --follow to wait for that)%s", runID, run.State, uiHint(run))
		}
		wo := progress(f, "job run "+runID)
		wo.Timeout = o.timeout
		_, err := e.WaitSparkJobRun(ctx, workspace, runID, wo)
		f.IOStreams.StopProgress()
		// A run that failed or was cancelled has ended too: its log says why.
		var we *provider.WaitError
		if err != nil && (!errors.As(err, &we) || we.TimedOut) {
			return err
		}
		if run, err = e.SparkJobRun(ctx, workspace, runID); err != nil {
			return err
		}
	}
	stream, file := "stdout", run.Log.Stdout
	if o.stderr {
		stream, file = "stderr", run.Log.Stderr
	}
	if !strings.HasPrefix(file, "oss://") {
		msg := fmt.Sprintf("job run %s (%s) has no %s log", runID, run.State, stream)
		if run.StateReason != nil && run.StateReason.Message != "" {
			msg += ": it ended before its driver wrote one: " + validate.Render(run.StateReason.Message)
		}
		return errors.New(msg)
	}
	c, err := e.SparkJobLog(ctx, provider.SparkLogQuery{WorkspaceID: workspace, File: file, Offset: o.offset, Length: o.length})
	if err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return clia.PrintObject(f, c, nil)
	}
	for _, l := range c.Lines {
		fmt.Fprintln(f.IOStreams.Out, logLine(l))
	}
	if next := c.Offset + len(c.Lines); c.TotalLines > next {
		fmt.Fprintf(f.IOStreams.ErrOut, "note: %d more lines; read on with --offset %d\n", c.TotalLines-next, next)
	}
	return nil
}

// uiHint points to a running run's Spark UI.
func uiHint(r *provider.SparkJobRun) string {
	ui := r.WebUI
	if ui == "" && strings.HasPrefix(r.Log.Stdout, "http") {
		ui = r.Log.Stdout
	}
	if ui == "" {
		return ""
	}
	return "; its Spark UI: " + validate.Escape(ui)
}

// logLine shows a log line as it is, tabs included, with whatever would
// be invisible or drive the terminal escaped: logs are data.
func logLine(l string) string {
	parts := strings.Split(strings.TrimRight(l, "\r\n"), "\t")
	for i, p := range parts {
		parts[i] = validate.Visible(strings.ReplaceAll(p, "\n", `\n`))
	}
	return strings.Join(parts, "\t")
}

func newJobExecutorsCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "executors WORKSPACE_ID RUN_ID",
		Short:   "List the driver and executors of a job run with their tasks",
		Example: `  emrctl spark job executors w-sandbox000000001 jr-xxxxxxxxxxxxxxxx -o wide`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			ex, err := e.SparkExecutors(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintList(f, ex, executorColumns, "No executors found.")
		}),
	}
}

func newJobConfigCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "config WORKSPACE_ID RUN_ID",
		Short:   "Show the configuration a job run was started with",
		Example: `  emrctl spark job config w-sandbox000000001 jr-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			c, err := e.SparkRunConfiguration(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format.Structured() || f.Query != "" || format == output.CSV {
				return clia.PrintObject(f, c, configItemColumns)
			}
			if err := clia.PrintObject(f, c, []output.Column{{Header: "LOG LEVEL", Field: "logLevel"}, {Header: "LOG PATH", Field: "logPath"}, {Header: "RUNTIME", Field: "runtime"}}); err != nil {
				return err
			}
			if len(c.Configurations) == 0 {
				return nil
			}
			fmt.Fprintln(f.IOStreams.Out)
			return output.PrintTable(f.IOStreams.Out, c.Configurations, configItemColumns, clia.Opts(f)...)
		}),
	}
}
