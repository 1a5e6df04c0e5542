package spark

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var submitColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "STATUS", Field: "outcome.status"},
	{Header: "JOURNAL", Field: "outcome.journalId"},
	{Header: "SPARK-SUBMIT", Field: "sparkSubmit"},
	{Header: "REQUEST", Field: "outcome.result.requestId", Wide: true},
}

// jobFlags are the flags that describe a job; a spec file (-f) may give
// the whole job instead.
var jobFlags = []string{"name", "type", "queue", "release", "entry-point", "sql", "class", "arg", "jars", "py-files",
	"spark-files", "conf", "tag", "execution-timeout", "fusion"}

func newJobSubmitCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		s                   jobSpec
		file                string
		confPairs, tagPairs []string
		flagArgs            []string
		execTimeout         time.Duration
		fusion              bool
		wait                bool
		timeout             time.Duration
	)
	cmd := &cobra.Command{
		Use:   "submit WORKSPACE_ID (-f job.yaml | --name NAME --queue QUEUE --entry-point oss://... | --sql SQL) [-- ARGS...]",
		Short: "Submit a JAR, PySpark or SQL job run; the confirmation shows the equivalent spark-submit",
		Long: `Submit a job run: a JAR (--type jar, --class), a PySpark script (--type python)
or SQL (--type sql: a file of SQL in OSS as the entry point, or --sql with the
SQL itself). The type is taken from the entry point's extension when left
out. Settings go one by one (--conf key=value); arguments go one by one
(repeat --arg, or put them after --), never split.

A job spec file (-f) gives the whole job instead of the flags:

  apiVersion: emrctl.io/v1alpha1
  kind: SparkJob
  name: spark-pi
  type: jar                     # jar, python or sql
  queue: root_queue
  release: esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)   # optional
  entryPoint: oss://emrctl-sandbox-spark/jars/spark-examples.jar
  mainClass: org.apache.spark.examples.SparkPi
  args: ["100"]
  conf: {spark.executor.instances: "2"}
  # also: sql, jars, pyFiles, files, configurations (file/key/value),
  # tags, timeoutSeconds, fusion

Before anything is sent, emrctl shows the equivalent spark-submit command and
asks. The request carries a client token from the journal: running the same
command again after a timeout never starts a second run. --wait follows the
run (Submitted, Pending, Running, Success) with progress on stderr.`,
		Example: `  emrctl spark job submit w-sandbox000000001 -f examples/spark-jar-job.yaml --wait
  emrctl spark job submit w-sandbox000000001 --name pi --queue root_queue \
    --entry-point oss://emrctl-sandbox-spark/scripts/pi.py --conf spark.executor.instances=2 --wait
  emrctl spark job submit w-sandbox000000001 --name first-sql --queue root_queue --sql 'SELECT 1 AS test_value' --wait
  emrctl spark job submit w-sandbox000000001 --name wc --queue root_queue --type jar \
    --entry-point oss://emrctl-sandbox-spark/jars/spark-examples.jar --class org.apache.spark.examples.JavaWordCount \
    -- oss://my-bucket/data/words.txt`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pos, passed := clia.Args(cmd, args, flagArgs)
			if len(pos) != 1 {
				return cmdutil.FlagErrorf("want one WORKSPACE_ID, then the job's arguments after --; got %d positional arguments", len(pos))
			}
			in, err := buildJob(f, cmd, file, s, confPairs, tagPairs, passed, execTimeout, fusion)
			if err != nil {
				return err
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, _ []string) error {
				return submitJob(ctx, f, e, pos[0], in, wait, timeout)
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "job spec file (YAML, kind SparkJob; - for stdin); the job flags then may not be used")
	fl.StringVar(&s.Name, "name", "", "job run name (required)")
	fl.StringVar(&s.Type, "type", "", "jar, python or sql (default: from the entry point's extension)")
	fl.StringVar(&s.Queue, "queue", "", "resource queue, e.g. root_queue (see 'spark queue list')")
	fl.StringVar(&s.Release, "release", "", "engine version (see 'spark release list'; default: the service's)")
	fl.StringVar(&s.EntryPoint, "entry-point", "", "the jar, Python script or SQL file: oss://bucket/path")
	fl.StringVar(&s.SQL, "sql", "", "SQL to run (sql jobs without a file)")
	fl.StringVar(&s.MainClass, "class", "", "main class of a jar")
	fl.StringArrayVar(&flagArgs, "arg", nil, "an argument of the program (repeatable; kept as one argument)")
	fl.StringSliceVar(&s.Jars, "jars", nil, "more jars on the classpath: oss:// paths, comma-separated or repeated")
	fl.StringSliceVar(&s.PyFiles, "py-files", nil, "Python files for a PySpark job: oss:// paths")
	fl.StringSliceVar(&s.Files, "spark-files", nil, "files placed in each executor's working directory (spark-submit --files)")
	fl.StringArrayVar(&confPairs, "conf", nil, "Spark setting key=value (repeatable)")
	fl.StringArrayVar(&tagPairs, "tag", nil, "tag key=value (repeatable)")
	fl.DurationVar(&execTimeout, "execution-timeout", 0, "stop the run after this long (e.g. 2h; default: no limit)")
	fl.BoolVar(&fusion, "fusion", false, "run on the Fusion (native) engine")
	fl.BoolVar(&wait, "wait", false, "wait until the run ends; fail unless it succeeds")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// buildJob reads the job from the spec file or from the flags.
func buildJob(f *cmdutil.Factory, cmd *cobra.Command, file string, s jobSpec, confPairs, tagPairs, args []string,
	execTimeout time.Duration, fusion bool) (provider.SparkJobRunInput, error) {
	if file != "" {
		if err := clash(cmd, file, jobFlags...); err != nil {
			return provider.SparkJobRunInput{}, err
		}
		if len(args) > 0 {
			return provider.SparkJobRunInput{}, cmdutil.FlagErrorf("arguments after -- and --file %s both set the job's arguments: put them in the file's args", file)
		}
		raw, err := clia.ReadFile(f, file)
		if err != nil {
			return provider.SparkJobRunInput{}, err
		}
		fs, err := loadJobSpec(file, raw)
		if err != nil {
			return provider.SparkJobRunInput{}, err
		}
		return fs.input(fileNames(file))
	}
	conf, err := keyValues("conf", confPairs)
	if err != nil {
		return provider.SparkJobRunInput{}, err
	}
	tagMap, err := keyValues("tag", tagPairs)
	if err != nil {
		return provider.SparkJobRunInput{}, err
	}
	if execTimeout < 0 || execTimeout%time.Second != 0 {
		return provider.SparkJobRunInput{}, cmdutil.FlagErrorf("--execution-timeout %s: give whole seconds or more, e.g. 2h", execTimeout)
	}
	s.Conf, s.Tags, s.Args = conf, tagMap, args
	s.TimeoutSeconds = int(execTimeout / time.Second)
	s.Fusion = boolFlag(cmd, "fusion", fusion)
	return s.input(flagNames)
}

// submitJob submits the run and, with wait, follows it to its end.
func submitJob(ctx context.Context, f *cmdutil.Factory, e *engine.Engine, workspace string, in provider.SparkJobRunInput, wait bool, timeout time.Duration) error {
	res, err := e.SubmitSparkJob(ctx, f.Call(false), workspace, in)
	if err != nil {
		return err
	}
	if !wait || res.ID == "" {
		return printResult(f, res, submitColumns)
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Job run %s submitted.\n", res.ID)
	outcomeNote(f, res)
	o := progress(f, "job run "+res.ID)
	o.Timeout = timeout
	r, err := e.WaitSparkJobRun(ctx, workspace, res.ID, o)
	f.IOStreams.StopProgress()
	if err != nil {
		return withLogHint(err, workspace, res.ID)
	}
	return clia.PrintObject(f, r, jobDetailColumns)
}
