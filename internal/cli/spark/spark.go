// Package spark holds the 'emrctl spark' commands: Alibaba Cloud EMR
// Serverless Spark workspaces, resource queues, job runs, Kyuubi gateways,
// session clusters and their SQL statements. The group is named after the
// product ("EMR Serverless Spark"), and reads right next to 'emrctl
// serverless', which is AWS EMR Serverless. Every command calls one engine
// method; validation, policy, confirmation and journal live there.
package spark

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'spark' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spark",
		Short: "EMR Serverless Spark (Alibaba Cloud): workspaces, queues, jobs, Kyuubi, sessions",
		Long: `Alibaba Cloud EMR Serverless Spark runs Spark without clusters: a workspace
holds resource queues measured in CU (1 CU = 1 core and 4 GiB), job runs
(JAR, PySpark, SQL) use them, Kyuubi gateways serve JDBC, and session clusters
run interactive SQL.

The group is called 'spark' after the product, EMR Serverless Spark; AWS EMR
Serverless is 'emrctl serverless'. It works with an Alibaba Cloud profile and
on the embedded sandbox (a workspace w-sandbox000000001 with root_queue and
dev_queue, and example files in oss://emrctl-sandbox-spark/).

Every write is validated, decided by the safety policy, confirmed and
journaled: workspaces are never deleted here (only in the console), a job run
is cancelled only while Running, a session cluster is deleted only when
stopped, a Kyuubi gateway only when stopped and idle. --yes answers
"continue?" and never lifts a rule.`,
		Example: `  emrctl spark workspace create my-spark --bucket oss://my-spark-bucket/ --cu 8 --wait
  emrctl spark queue list w-sandbox000000001
  emrctl spark job submit w-sandbox000000001 -f examples/spark-jar-job.yaml --wait
  emrctl spark job logs w-sandbox000000001 jr-xxxxxxxxxxxxxxxx --stderr
  emrctl spark cu-hours w-sandbox000000001 --queue root_queue --since 24h`,
	}
	cmd.AddCommand(newWorkspaceCmd(f), newQueueCmd(f), newReleaseCmd(f), newJobCmd(f), newCUHoursCmd(f),
		newKyuubiCmd(f), newSessionCmd(f), newSQLCmd(f))
	return cmd
}

// checkProvider refuses providers without Serverless Spark (AWS).
func checkProvider(name string) error {
	if name != provider.AWS {
		return nil
	}
	// A usage error: nothing was sent, and another command does it.
	return &cmdutil.FlagError{Err: fmt.Errorf("%w; for AWS EMR Serverless use 'emrctl serverless'",
		&engine.UnsupportedError{Provider: name, What: "EMR Serverless Spark (emrctl spark, an Alibaba Cloud product)"})}
}

// withSpark opens the session when the command runs and refuses a
// provider without Serverless Spark before anything is sent.
func withSpark(f *cmdutil.Factory, run func(ctx context.Context, e *engine.Engine, args []string) error) func(*cobra.Command, []string) error {
	return cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
		if err := checkProvider(e.Provider()); err != nil {
			return err
		}
		return run(ctx, e, args)
	})
}

// resultColumns are the columns of a write's result.
var resultColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "STATUS", Field: "outcome.status"},
	{Header: "JOURNAL", Field: "outcome.journalId"},
	{Header: "REQUEST", Field: "outcome.result.requestId", Wide: true},
}

// printResult prints a write's result: a detail table followed by its
// notes on stdout (they are part of the result), or the whole result in
// JSON or YAML, where the notes are fields.
func printResult(f *cmdutil.Factory, res *engine.SparkResult, cols []output.Column) error {
	if cols == nil {
		cols = resultColumns
	}
	if err := clia.PrintObject(f, res, cols); err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if f.Query != "" || (format != output.Table && format != output.Wide) {
		return nil
	}
	for _, n := range resultNotes(res) {
		fmt.Fprintln(f.IOStreams.Out, "note: "+n)
	}
	return nil
}

// resultNotes are the notes of a write: the engine's, then the outcome's.
func resultNotes(res *engine.SparkResult) []string {
	notes := append([]string(nil), res.Notes...)
	if res.Outcome != nil && res.Outcome.Note != "" {
		notes = append(notes, res.Outcome.Note)
	}
	return notes
}

// outcomeNote shows what a write did when it was not a plain send
// (replayed, joined, unchanged), before a wait follows it. The engine's
// other notes say what to wait for, which the wait then does.
func outcomeNote(f *cmdutil.Factory, res *engine.SparkResult) {
	if res.Outcome != nil {
		clia.Note(f, res.Outcome.Note)
	}
}

// upperChoice maps a flag value to one of choices, ignoring case; the
// error names the flag and the choices.
func upperChoice(flag, v string, choices ...string) (string, error) {
	for _, c := range choices {
		if strings.EqualFold(v, c) {
			return c, nil
		}
	}
	return "", cmdutil.FlagErrorf("--%s %q: use one of %s", flag, v, strings.Join(choices, ", "))
}

// keyValues parses repeated key=value flags into a map.
func keyValues(flag string, pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, cmdutil.FlagErrorf("--%s %q: want key=value", flag, p)
		}
		out[k] = v
	}
	return out, nil
}

// tags parses repeated --tag key=value flags.
func tags(pairs []string) ([]provider.Tag, error) {
	m, err := keyValues("tag", pairs)
	if err != nil {
		return nil, err
	}
	var out []provider.Tag
	for _, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		if v, ok := m[k]; ok {
			out = append(out, provider.Tag{Key: k, Value: v})
			delete(m, k)
		}
	}
	return out, nil
}

// boolFlag returns a pointer to the flag's value when it was given, nil
// when it was left out (the service's default then holds).
func boolFlag(cmd *cobra.Command, name string, v bool) *bool {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	return &v
}

// clash refuses flags given together with a spec file: the file says it
// all, and the error names both.
func clash(cmd *cobra.Command, file string, flags ...string) error {
	for _, name := range flags {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			return cmdutil.FlagErrorf("--%s and --file %s both set the job: use one (edit the file, or drop --file)", name, file)
		}
	}
	return nil
}

// progress reports wait progress on stderr.
func progress(f *cmdutil.Factory, what string) engine.WaitOptions {
	return engine.WaitOptions{Progress: clia.Progress(f, what)}
}
