// Package serverless holds the 'emrctl serverless' commands: EMR
// Serverless applications and job runs on AWS.
package serverless

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'serverless' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serverless",
		Short: "EMR Serverless (AWS): applications and job runs",
	}
	cmd.AddCommand(newAppCmd(f), newJobCmd(f))
	return cmd
}

var appColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "TYPE", Field: "type"},
	{Header: "STATE", Field: "state"},
	{Header: "RELEASE", Field: "releaseLabel"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "ARCH", Field: "architecture", Wide: true},
	{Header: "DETAILS", Field: "stateDetails", Wide: true},
}

var jobColumns = []output.Column{
	{Header: "JOB RUN", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "APPLICATION", Field: "applicationId", Wide: true},
	{Header: "DETAILS", Field: "stateDetails", Wide: true},
	{Header: "ENTRY POINT", Field: "entryPoint", Wide: true},
}

var resultColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "JOURNAL", Field: "outcome.journalId"},
	{Header: "COMMAND", Field: "sparkSubmit", Wide: true},
}

func newAppCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "app",
		Aliases: []string{"application", "apps"},
		Short:   "Create, list, get, start, stop, update or delete applications",
	}
	cmd.AddCommand(newAppCreateCmd(f), newAppUpdateCmd(f), newAppListCmd(f), newAppGetCmd(f),
		newAppStateCmd(f, "start", "Start an application (its initial capacity, if any, starts billing)"),
		newAppStateCmd(f, "stop", "Stop an application"), newAppDeleteCmd(f))
	return cmd
}

// appFlags are the flags of create and update; a file (-f) may give the
// whole spec instead.
type appFlags struct {
	file                string
	spec                provider.ServerlessAppSpec
	maxCPU, maxMemory   string
	autoStart, noStart  bool
	initialDriver, exec int
	workerCPU, workerMB string
	tags                []string
}

func (a *appFlags) add(cmd *cobra.Command, create bool) {
	fl := cmd.Flags()
	fl.StringVarP(&a.file, "file", "f", "", "application spec file (YAML or JSON); flags then may not be used")
	if create {
		fl.StringVar(&a.spec.Name, "name", "", "application name")
		fl.StringVar(&a.spec.Type, "type", "SPARK", "SPARK or HIVE")
		fl.StringArrayVar(&a.tags, "tag", nil, "tag key=value (repeatable)")
	}
	fl.StringVar(&a.spec.ReleaseLabel, "release", "", "EMR release label, e.g. emr-7.2.0")
	fl.StringVar(&a.spec.Architecture, "architecture", "", "X86_64 or ARM64")
	fl.StringVar(&a.maxCPU, "max-cpu", "", `maximum vCPUs of all workers, e.g. "200 vCPU"`)
	fl.StringVar(&a.maxMemory, "max-memory", "", `maximum memory of all workers, e.g. "800 GB"`)
	fl.IntVar(&a.spec.AutoStopIdleMinutes, "auto-stop-minutes", 0, "stop after this many idle minutes (-1: never; 0: default 15)")
	fl.BoolVar(&a.autoStart, "auto-start", true, "start the application when a job is submitted (--auto-start=false: do not)")
	fl.BoolVar(&a.noStart, "no-auto-start", false, "do not start the application when a job is submitted (same as --auto-start=false)")
	fl.IntVar(&a.initialDriver, "initial-drivers", 0, "pre-initialised DRIVER workers (billed while started)")
	fl.IntVar(&a.exec, "initial-executors", 0, "pre-initialised EXECUTOR workers (billed while started)")
	fl.StringVar(&a.workerCPU, "worker-cpu", "4 vCPU", "CPU of each pre-initialised worker")
	fl.StringVar(&a.workerMB, "worker-memory", "16 GB", "memory of each pre-initialised worker")
}

func (a *appFlags) build(f *cmdutil.Factory, cmd *cobra.Command) (provider.ServerlessAppSpec, error) {
	if a.file != "" {
		for _, name := range []string{"name", "type", "release", "architecture", "max-cpu", "max-memory", "auto-stop-minutes", "auto-start", "no-auto-start", "initial-drivers", "initial-executors", "worker-cpu", "worker-memory", "tag"} {
			if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
				return provider.ServerlessAppSpec{}, cmdutil.FlagErrorf("--%s and --file both set the application: use one", name)
			}
		}
		raw, err := clia.ReadFile(f, a.file)
		if err != nil {
			return provider.ServerlessAppSpec{}, err
		}
		var s provider.ServerlessAppSpec
		if err := decode(raw, &s); err != nil {
			return s, cmdutil.FlagErrorf("%s: %v", a.file, err)
		}
		return s, nil
	}
	s := a.spec
	if a.maxCPU != "" || a.maxMemory != "" {
		s.MaximumCapacity = &provider.Capacity{CPU: a.maxCPU, Memory: a.maxMemory}
	}
	autoStart, err := a.autoStartFlag(cmd)
	if err != nil {
		return s, err
	}
	s.AutoStart = autoStart
	if a.initialDriver > 0 || a.exec > 0 {
		s.InitialCapacity = map[string]provider.WorkerCapacity{}
		w := provider.Capacity{CPU: a.workerCPU, Memory: a.workerMB}
		if a.initialDriver > 0 {
			s.InitialCapacity["DRIVER"] = provider.WorkerCapacity{WorkerCount: a.initialDriver, Worker: w}
		}
		if a.exec > 0 {
			s.InitialCapacity["EXECUTOR"] = provider.WorkerCapacity{WorkerCount: a.exec, Worker: w}
		}
	}
	for _, t := range a.tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return s, cmdutil.FlagErrorf("--tag %q: want key=value", t)
		}
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		s.Tags[k] = v
	}
	return s, nil
}

// autoStartFlag is the auto-start setting the flags ask for: nil when
// neither --auto-start nor --no-auto-start was given (left as it is).
func (a *appFlags) autoStartFlag(cmd *cobra.Command) (*bool, error) {
	on, off := cmd.Flags().Changed("auto-start"), cmd.Flags().Changed("no-auto-start")
	switch {
	case on && off:
		return nil, cmdutil.FlagErrorf("--auto-start and --no-auto-start both set auto-start: use one")
	case on:
		v := a.autoStart
		return &v, nil
	case off && a.noStart:
		return new(bool), nil
	}
	return nil, nil
}

// decode reads JSON or YAML (with the json field names) strictly.
func decode(raw []byte, v any) error {
	var generic any
	if err := yaml.Unmarshal(raw, &generic); err != nil {
		return err
	}
	j, err := json.Marshal(generic)
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(j)))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func newAppCreateCmd(f *cmdutil.Factory) *cobra.Command {
	a := &appFlags{}
	cmd := &cobra.Command{
		Use:   "create --name NAME --release emr-7.2.0",
		Short: "Create an application (confirmed; journaled with a client token)",
		Example: `  emrctl serverless app create --name etl --release emr-7.2.0 --max-cpu "100 vCPU" --max-memory "400 GB"
  emrctl serverless app create -f app.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.build(f, cmd)
			if err != nil {
				return err
			}
			return cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.CreateServerlessApp(ctx, f.Call(false), s)
				return printResult(f, res, err)
			})(cmd, args)
		},
	}
	a.add(cmd, true)
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newAppUpdateCmd(f *cmdutil.Factory) *cobra.Command {
	a := &appFlags{}
	cmd := &cobra.Command{
		Use:   "update APP_ID",
		Short: "Change an application's capacity, auto start/stop or release (while CREATED or STOPPED)",
		Long: `Change an application's settings. The update is declarative: settings that
already hold are not sent again ("already ..., nothing sent"). Auto-start can be
turned off (--no-auto-start, or --auto-start=false) and on again (--auto-start).`,
		Example: `  emrctl serverless app update 00f1abcd2efgh3ij --max-cpu "50 vCPU" --auto-stop-minutes 30
  emrctl serverless app update 00f1abcd2efgh3ij --auto-start`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.build(f, cmd)
			if err != nil {
				return err
			}
			return cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.UpdateServerlessApp(ctx, f.Call(false), args[0], s)
				return printResult(f, res, err)
			})(cmd, args)
		},
	}
	a.add(cmd, false)
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newAppListCmd(f *cmdutil.Factory) *cobra.Command {
	var states []string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List applications; --state repeats for a union",
		Args:  cobra.NoArgs,
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			apps, err := e.ListServerlessApps(ctx, states)
			if err != nil {
				return err
			}
			return clia.PrintList(f, apps, appColumns, "No applications found.")
		}),
	}
	cmd.Flags().StringArrayVar(&states, "state", nil, "state (repeatable): CREATING, CREATED, STARTING, STARTED, STOPPING, STOPPED, TERMINATED")
	return cmd
}

func newAppGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get APP_ID",
		Short: "Describe an application",
		Args:  cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			a, err := e.GetServerlessApp(ctx, args[0])
			if err != nil {
				return err
			}
			cols := append(append([]output.Column(nil), appColumns...),
				output.Column{Header: "AUTO START", Field: "autoStart", Kind: output.Bool},
				output.Column{Header: "AUTO STOP MIN", Field: "autoStopIdleMinutes", Kind: output.Count},
				output.Column{Header: "MAX CPU", Field: "maximumCapacity.cpu"},
				output.Column{Header: "MAX MEMORY", Field: "maximumCapacity.memory"})
			return clia.PrintObject(f, a, cols)
		}),
	}
}

func newAppStateCmd(f *cmdutil.Factory, verb, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   verb + " APP_ID",
		Short: short,
		Long:  short + ". It is declarative: an application already " + verb + "ped, or on the way, is left alone and said so.",
		Args:  cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			do := e.StartServerlessApp
			if verb == "stop" {
				do = e.StopServerlessApp
			}
			res, err := do(ctx, f.Call(false), args[0])
			return printResult(f, res, err)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newAppDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete APP_ID",
		Short: "Delete an application, only as the safety policy allows (off by default)",
		Long: `Delete an application. Like cluster deletion, the safety policy refuses it by
default; a policy file may allow it for a person at a terminal, who types the
application's name back. Scripts and agents never delete applications.`,
		Args: cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			out, err := e.DeleteServerlessApp(ctx, f.Call(false), args[0])
			if err != nil {
				return err
			}
			clia.Note(f, out.Note)
			return clia.PrintObject(f, out, []output.Column{{Header: "DELETED", Field: "result.ids"}, {Header: "JOURNAL", Field: "journalId"}})
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newJobCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "job",
		Aliases: []string{"jobs", "run"},
		Short:   "Start, list, get, wait for and cancel job runs",
	}
	cmd.AddCommand(newJobStartCmd(f), newJobListCmd(f), newJobGetCmd(f), newJobWaitCmd(f), newJobCancelCmd(f))
	return cmd
}

func newJobStartCmd(f *cmdutil.Factory) *cobra.Command {
	var j provider.JobRunSpec
	var flagArgs, conf, tags []string
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "start APP_ID --role ARN --entry-point s3://... [-- ARGS...]",
		Short: "Start a job run; the confirmation shows the equivalent spark-submit",
		Long: `Start a Spark (jar), PySpark (.py) or Hive (--hive-query) job run. The request
carries a client token from the journal, so running the same command again
after a timeout never starts a second run. Arguments go one by one: repeat
--arg, or put them after --.`,
		Example: `  emrctl serverless job start 00f1abcd2efgh3ij --role arn:aws:iam::123456789012:role/EMRServerlessJob \
    --entry-point s3://my-bucket/wc.py --conf spark.executor.cores=2 -- s3://my-bucket/in/ s3://my-bucket/out/
  emrctl serverless job start 00f1abcd2efgh3ij --role arn:aws:iam::123456789012:role/EMRServerlessJob \
    --kind hive --hive-query s3://my-bucket/q.sql --wait`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pos, passed := clia.Args(cmd, args, flagArgs)
			if len(pos) != 1 {
				return cmdutil.FlagErrorf("want one APP_ID, then the job's arguments after --; got %d positional arguments", len(pos))
			}
			c, err := clia.Conf(conf)
			if err != nil {
				return err
			}
			j.ApplicationID, j.Args, j.SparkConf = pos[0], passed, c
			for _, t := range tags {
				k, v, ok := strings.Cut(t, "=")
				if !ok {
					return cmdutil.FlagErrorf("--tag %q: want key=value", t)
				}
				if j.Tags == nil {
					j.Tags = map[string]string{}
				}
				j.Tags[k] = v
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.StartServerlessJob(cmd.Context(), f.Call(false), j)
			if err != nil {
				return err
			}
			clia.Note(f, res.Outcome.Note)
			if !wait {
				return clia.PrintObject(f, res, resultColumns)
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "Job run %s started.\n", res.ID)
			r, err := s.Engine.WaitServerlessJob(cmd.Context(), j.ApplicationID, res.ID, engine.WaitOptions{Timeout: timeout, Progress: clia.Progress(f, "job run "+res.ID)})
			if err != nil {
				return err
			}
			return clia.PrintObject(f, r, jobColumns)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&j.Name, "name", "", "job run name")
	fl.StringVar(&j.Kind, "kind", "", "spark, pyspark or hive (default: pyspark for .py entry points, else spark)")
	fl.StringVar(&j.ExecutionRoleARN, "role", "", "execution role ARN the job runs as")
	fl.StringVar(&j.EntryPoint, "entry-point", "", "s3:// location of the jar or Python script")
	fl.StringVar(&j.MainClass, "class", "", "main class of a jar")
	fl.StringArrayVar(&conf, "conf", nil, "Spark property key=value (repeatable)")
	fl.StringArrayVar(&flagArgs, "arg", nil, "an argument (repeatable; kept as one argument)")
	fl.StringVar(&j.HiveQuery, "hive-query", "", "s3:// location of the Hive query file")
	fl.StringVar(&j.HiveInitFile, "hive-init", "", "s3:// location of a Hive init file")
	fl.IntVar(&j.TimeoutMinutes, "execution-timeout", 0, "minutes after which EMR cancels the run (default 720)")
	fl.StringVar(&j.LogURI, "log-uri", "", "s3:// location for the job's logs")
	fl.StringArrayVar(&tags, "tag", nil, "tag key=value (repeatable)")
	fl.BoolVar(&wait, "wait", false, "wait until the run succeeds")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newJobListCmd(f *cmdutil.Factory) *cobra.Command {
	var states []string
	cmd := &cobra.Command{
		Use:   "list APP_ID",
		Short: "List an application's job runs; --state repeats for a union",
		Args:  cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			runs, err := e.ListServerlessJobs(ctx, args[0], states)
			if err != nil {
				return err
			}
			return clia.PrintList(f, runs, jobColumns, "No job runs found.")
		}),
	}
	cmd.Flags().StringArrayVar(&states, "state", nil, "state (repeatable): SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, CANCELLING, CANCELLED, QUEUED")
	return cmd
}

func newJobGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get APP_ID JOB_RUN_ID",
		Short: "Describe a job run",
		Args:  cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			r, err := e.GetServerlessJob(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, r, jobColumns)
		}),
	}
}

func newJobWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait APP_ID JOB_RUN_ID",
		Short: "Wait until a job run succeeds; show its state details when it fails",
		Args:  cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			r, err := e.WaitServerlessJob(ctx, args[0], args[1], engine.WaitOptions{Timeout: timeout, Progress: clia.Progress(f, "job run "+args[1])})
			f.IOStreams.StopProgress()
			if err != nil {
				return err
			}
			return clia.PrintObject(f, r, jobColumns)
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this long")
	return cmd
}

func newJobCancelCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cancel APP_ID JOB_RUN_ID",
		Short: "Cancel a job run (confirmed; a run that has ended is refused, nothing sent)",
		Args:  cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			out, err := e.CancelServerlessJob(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			clia.Note(f, out.Note)
			return clia.PrintObject(f, out, []output.Column{{Header: "STATUS", Field: "status"}, {Header: "CANCELLED", Field: "result.ids"}, {Header: "JOURNAL", Field: "journalId"}})
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// printResult shows a write's outcome note on stderr and its result.
func printResult(f *cmdutil.Factory, res *engine.ServerlessResult, err error) error {
	if err != nil {
		return err
	}
	clia.Note(f, res.Outcome.Note)
	return clia.PrintObject(f, res, resultColumns)
}
