// Package step holds the 'emrctl step' commands: typed steps on AWS EMR
// clusters (spark, pyspark, hive, jar, and command for people only), their
// listing, waiting, cancelling and logs.
package step

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/spec"
)

// NewCmd returns the 'step' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "step",
		Aliases: []string{"steps"},
		Short:   "Add, list, wait for, cancel and read the logs of AWS EMR steps",
	}
	cmd.AddCommand(newAddCmd(f), newListCmd(f), newGetCmd(f), newWaitCmd(f), newCancelCmd(f), newLogsCmd(f))
	return cmd
}

type addOptions struct {
	step    spec.AWSStep
	args    []string
	conf    []string
	wait    bool
	timeout time.Duration
}

func newAddCmd(f *cmdutil.Factory) *cobra.Command {
	o := &addOptions{}
	var typ, action, deploy string
	cmd := &cobra.Command{
		Use:   "add CLUSTER_ID --type TYPE [flags] [-- ARGS...]",
		Short: "Add a typed step: spark, pyspark, hive, jar, or command (people only)",
		Long: `Add a step to a cluster. Typed steps run through command-runner.jar:
  spark    spark-submit of --jar (with --class)
  pyspark  spark-submit of --script (a .py file)
  hive     hive-script --run-hive-script of --script (a .q file)
  jar      a custom jar (--jar, --class) run by Hadoop
  command  any program (--command) with arguments; only a person at a terminal
           may submit it, never a script or an agent
Code comes from s3:// locations. Arguments are passed one by one: repeat --arg,
or put them after --; nothing is split on commas or spaces. The confirmation
shows the equivalent command.`,
		Example: `  emrctl step add j-2AXXXXXXGAPLF --type pyspark --name wordcount --script s3://my-bucket/wc.py -- s3://my-bucket/in/ "s3://my-bucket/out,final/"
  emrctl step add j-2AXXXXXXGAPLF --type spark --jar s3://my-bucket/etl.jar --class com.example.Etl --conf spark.executor.memory=4g --arg 2026-01-31
  emrctl step add j-2AXXXXXXGAPLF --type hive --script s3://my-bucket/q.q --action-on-failure CANCEL_AND_WAIT --wait`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pos, passed := clia.Args(cmd, args, o.args)
			if len(pos) != 1 {
				return cmdutil.FlagErrorf("want one CLUSTER_ID, then the step's arguments after --; got %d positional arguments", len(pos))
			}
			conf, err := clia.Conf(o.conf)
			if err != nil {
				return err
			}
			o.step.Type, o.step.ActionOnFailure, o.step.DeployMode = spec.StepType(strings.ToLower(typ)), spec.ActionOnFailure(strings.ToUpper(action)), spec.SparkDeployMode(deploy)
			o.step.Args, o.step.SparkConf = passed, conf
			if o.step.Name == "" {
				o.step.Name = defaultName(o.step)
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.AddStep(cmd.Context(), f.Call(false), pos[0], o.step)
			if err != nil {
				return err
			}
			clia.Note(f, res.Outcome.Note)
			if !o.wait {
				return clia.PrintObject(f, res, clia.StepResultColumns)
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "Step %s submitted.\n", res.StepID)
			st, err := s.Engine.WaitStep(cmd.Context(), res.ClusterID, res.StepID, engine.WaitOptions{Timeout: o.timeout, Progress: clia.Progress(f, "step "+res.StepID)})
			if err != nil {
				return err
			}
			return clia.PrintObject(f, st, clia.StepColumns)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&typ, "type", "", "step type: spark, pyspark, hive, jar or command")
	fl.StringVar(&o.step.Name, "name", "", "step name (default: from the code's file name)")
	fl.StringVar(&o.step.Jar, "jar", "", "s3:// location of the jar (spark, jar)")
	fl.StringVar(&o.step.MainClass, "class", "", "main class (spark, jar)")
	fl.StringVar(&o.step.Script, "script", "", "s3:// location of the script (pyspark, hive)")
	fl.StringVar(&o.step.Command, "command", "", "program to run (command steps), e.g. s3-dist-cp")
	fl.StringVar(&deploy, "deploy-mode", "", "spark-submit --deploy-mode: cluster or client")
	fl.StringArrayVar(&o.conf, "conf", nil, "Spark property key=value (repeatable)")
	fl.StringArrayVar(&o.args, "arg", nil, "an argument (repeatable; kept as one argument, commas and all)")
	fl.StringVar(&action, "action-on-failure", "CONTINUE", "CONTINUE, CANCEL_AND_WAIT or TERMINATE_CLUSTER")
	fl.BoolVar(&o.wait, "wait", false, "wait until the step completes")
	fl.DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// defaultName names a step after its code.
func defaultName(s spec.AWSStep) string {
	for _, v := range []string{s.Script, s.Jar, s.Command} {
		if v != "" {
			return string(s.Type) + " " + v[strings.LastIndex(v, "/")+1:]
		}
	}
	return string(s.Type)
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	var states []string
	cmd := &cobra.Command{
		Use:     "list CLUSTER_ID",
		Short:   "List a cluster's steps, newest first; --state repeats for a union",
		Example: `  emrctl step list j-2AXXXXXXGAPLF --state failed --state interrupted -o wide`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return clia.ListSteps(cmd, f, args[0], states)
		},
	}
	cmd.Flags().StringArrayVar(&states, "state", nil, "state to include (repeatable): pending, canceling, running, completed, cancelled, failed, interrupted, or an EMR state")
	return cmd
}

func newGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get CLUSTER_ID STEP_ID",
		Aliases: []string{"describe"},
		Short:   "Describe a step: state, failure reason and log file, command",
		Args:    cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			st, err := e.GetStep(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return clia.PrintObject(f, st, clia.StepDetailColumns)
		}),
	}
}

func newWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait CLUSTER_ID STEP_ID",
		Short: "Wait until a step completes; show the reason and log when it fails",
		Long: `Wait polls the step until COMPLETED. It stops with exit code 5, the failure
reason and the log file when the step ends FAILED, CANCELLED or INTERRUPTED,
and with exit code 6 after --timeout. Ctrl-C stops waiting, never the step.`,
		Args: cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			st, err := e.WaitStep(ctx, args[0], args[1], engine.WaitOptions{Timeout: timeout, Progress: clia.Progress(f, "step "+args[1])})
			f.IOStreams.StopProgress()
			if err != nil {
				return err
			}
			return clia.PrintObject(f, st, clia.StepColumns)
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this long")
	return cmd
}

func newCancelCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cancel CLUSTER_ID STEP_ID",
		Short: "Cancel a pending or running step (confirmed)",
		Args:  cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.CancelStep(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			clia.Note(f, res.Outcome.Note)
			return clia.PrintObject(f, res, clia.CancelColumns)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newLogsCmd(f *cmdutil.Factory) *cobra.Command {
	var stderr bool
	var stream string
	cmd := &cobra.Command{
		Use:   "logs CLUSTER_ID STEP_ID",
		Short: "Print a step's stdout (or --stderr) from the cluster's log URI in S3",
		Long: `Print a step's output as EMR keeps it under the cluster's log URI
(<logUri>/<cluster>/steps/<step>/stdout.gz, stderr.gz, controller.gz, syslog.gz).
EMR uploads them a few minutes after the step ends.`,
		Example: `  emrctl step logs j-2AXXXXXXGAPLF s-1234567890AB --stderr`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if stderr {
				stream = "stderr"
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			l, err := s.Engine.StepLogs(cmd.Context(), args[0], args[1], stream)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format.Structured() || f.Query != "" {
				return clia.PrintObject(f, l, nil)
			}
			fmt.Fprint(f.IOStreams.Out, l.Content)
			if l.Truncated {
				fmt.Fprintf(f.IOStreams.ErrOut, "warning: the log is longer; only its start was printed (read %s)\n", l.URI)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&stderr, "stderr", false, "print stderr instead of stdout")
	cmd.Flags().StringVar(&stream, "stream", "stdout", "log to print: stdout, stderr, controller or syslog")
	return cmd
}
