package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

// StepResultColumns are the columns of a submitted step.
var StepResultColumns = []output.Column{
	{Header: "CLUSTER", Field: "clusterId"},
	{Header: "STEP", Field: "stepId"},
	{Header: "JOURNAL", Field: "outcome.journalId"},
	{Header: "COMMAND", Field: "command", Wide: true},
}

func newUploadCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "upload FILE BUCKET [KEY]",
		Short: "Upload a local file to S3 (cloudmesh-emr 'upload'); KEY defaults to the file name",
		Example: `  emrctl aws upload wordcount.py my-bucket scripts/wordcount.py
  emrctl aws upload data.csv my-bucket`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := os.Stat(args[0])
			if err != nil {
				return cmdutil.FlagErrorf("upload: %v", err)
			}
			if !st.Mode().IsRegular() {
				return cmdutil.FlagErrorf("upload: %s is not a regular file", args[0])
			}
			key := filepath.Base(args[0])
			if len(args) == 3 {
				key = args[2]
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.UploadObject(cmd.Context(), f.Call(false), engine.UploadInput{
				Path: args[0], Bucket: args[1], Key: key, Size: st.Size(), ModTime: st.ModTime().UTC().Truncate(time.Second),
			})
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, []output.Column{{Header: "URI", Field: "uri"}, {Header: "SIZE", Field: "object.size", Kind: output.Count}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		},
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newCopyCmd(f *cmdutil.Factory) *cobra.Command {
	var dest string
	cmd := &cobra.Command{
		Use:   "copy CLUSTER_ID BUCKET KEY",
		Short: "Copy an S3 object onto the master node (cloudmesh-emr 'copy'; a command step, for people only)",
		Long: `Copy s3://BUCKET/KEY into a directory of the master node (default
/home/hadoop/) with an 'aws s3 cp' command step. Command steps run arbitrary
programs, so only a person at a terminal may submit them.`,
		Example: `  emrctl aws copy j-2AXXXXXXGAPLF my-bucket data/lookup.csv`,
		Args:    cobra.ExactArgs(3),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.CopyToCluster(ctx, f.Call(false), engine.CopyInput{ClusterID: args[0], Bucket: args[1], Key: args[2], Dest: dest})
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, StepResultColumns)
		}),
	}
	cmd.Flags().StringVar(&dest, "dest", "/home/hadoop/", "directory on the master node")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newRunCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.RunInput
	var flagArgs, conf []string
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "run CLUSTER_ID BUCKET KEY [-- ARGS...]",
		Short: "spark-submit a script stored in S3 as a step (cloudmesh-emr 'run')",
		Long: `Run s3://BUCKET/KEY with spark-submit as a step: a PySpark step for .py files,
a Spark step for jars (--class names the main class). Arguments go one by one:
repeat --arg, or put them after --; nothing is split on commas or spaces.`,
		Example: `  emrctl aws run j-2AXXXXXXGAPLF my-bucket scripts/wordcount.py -- s3://my-bucket/in/ s3://my-bucket/out/
  emrctl aws run j-2AXXXXXXGAPLF my-bucket jars/etl.jar --class com.example.Etl --arg "a,b" --wait`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			pos, passed := Args(cmd, args, flagArgs)
			if len(pos) != 3 {
				return cmdutil.FlagErrorf("want CLUSTER_ID BUCKET KEY, then the job's arguments after --; got %d positional arguments", len(pos))
			}
			c, err := Conf(conf)
			if err != nil {
				return err
			}
			in.ClusterID, in.Bucket, in.Key, in.Args, in.Conf = pos[0], pos[1], pos[2], passed, c
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.RunScript(cmd.Context(), f.Call(false), in)
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			if !wait {
				return PrintObject(f, res, StepResultColumns)
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "Step %s submitted.\n", res.StepID)
			st, err := s.Engine.WaitStep(cmd.Context(), res.ClusterID, res.StepID, engine.WaitOptions{Timeout: timeout, Progress: Progress(f, "step "+res.StepID)})
			if err != nil {
				return err
			}
			return PrintObject(f, st, StepColumns)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&flagArgs, "arg", nil, "an argument of the job (repeatable; kept as one argument)")
	fl.StringArrayVar(&conf, "conf", nil, "a Spark property key=value (repeatable)")
	fl.StringVar(&in.MainClass, "class", "", "main class of a jar")
	fl.StringVar(&in.DeployMode, "deploy-mode", "", "spark-submit --deploy-mode: cluster or client")
	fl.StringVar(&in.Name, "name", "", "step name (default: run KEY's file name)")
	fl.BoolVar(&wait, "wait", false, "wait until the step completes")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}
