// Package aws holds the 'emrctl aws' commands: the AWS EMR operations the
// shared cluster commands do not cover, in the shape of cloudmesh-emr
// (list clusters|instances|steps, describe, start, stop, upload, copy,
// run) plus instance groups and fleets, auto-scaling, managed scaling,
// termination protection, release labels and instance types. Every
// command calls one engine method; the rules live there.
package aws

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
)

// NewCmd returns the 'aws' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "AWS EMR: list, describe, start, stop, upload, copy, run (cloudmesh-emr style) and more",
		Long: `AWS EMR on EC2 with a profile of provider aws (the AWS default credential chain,
or the profile's credentialProfile; --endpoint reaches a moto server).

The cloudmesh-emr commands are here with the same names: list clusters,
instances and steps (with repeatable --status unions), describe, start NAME
(modern defaults: emr-7, m5.xlarge, Spark and Hadoop, 3 nodes), stop, upload,
copy and run; --format table|csv|json|yaml works like -o. Every write is
validated, confirmed as the safety policy says, and journaled.`,
		Example: `  emrctl --profile aws aws list clusters --status run --status wait
  emrctl --profile aws aws start analysis --count 5 --wait
  emrctl --profile aws aws upload job.py my-bucket scripts/job.py
  emrctl --profile aws aws run j-2AXXXXXXGAPLF my-bucket scripts/job.py -- --input s3://my-bucket/in/`,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if format != "" {
				f.Output = format
			}
			// A group's hook replaces the root's: run the root's too.
			if root := cmd.Root(); root != cmd && root.PersistentPreRunE != nil {
				return root.PersistentPreRunE(cmd, args)
			}
			if _, err := output.ParseFormat(f.Output); err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			return nil
		},
	}
	cmd.PersistentFlags().StringVar(&format, "format", "", "output format, as cloudmesh-emr spells it: table, csv, json or yaml (same as -o)")
	cmd.AddCommand(newListCmd(f), newDescribeCmd(f), newStartCmd(f), newStopCmd(f), newProtectCmd(f),
		newUploadCmd(f), newCopyCmd(f), newRunCmd(f), newGroupCmd(f), newFleetCmd(f),
		newAutoScalingCmd(f), newManagedScalingCmd(f), newReleasesCmd(f), newInstanceTypesCmd(f))
	return cmd
}

// Opts returns the output options of the global flags.
func Opts(f *cmdutil.Factory) []output.Option {
	var o []output.Option
	if f.NoHeaders {
		o = append(o, output.NoHeaders())
	}
	return o
}

// PrintList renders items in the -o format, with --query; empty says what
// stderr tells people when there is nothing.
func PrintList[T any](f *cmdutil.Factory, items []T, cols []output.Column, empty string) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	f.IOStreams.StopProgress()
	lo := Opts(f)
	if f.Query != "" {
		lo = append(lo, output.WithQuery(f.Query))
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, cols, lo...)
	all := make([]any, len(items))
	for i := range items {
		all[i] = items[i]
	}
	if err := lw.WriteItems(all...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if len(items) == 0 && !format.Structured() && empty != "" {
		fmt.Fprintln(f.IOStreams.ErrOut, empty)
	}
	return nil
}

// PrintObject renders one item: a key/value table for people, or the
// whole item in JSON, YAML or CSV.
func PrintObject(f *cmdutil.Factory, item any, cols []output.Column) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	f.IOStreams.StopProgress()
	if format == output.Table || format == output.Wide {
		lo := Opts(f)
		if f.Query != "" {
			lo = append(lo, output.WithQuery(f.Query))
		}
		return output.PrintDetail(f.IOStreams.Out, item, cols, lo...)
	}
	return output.PrintObject(f.IOStreams.Out, format, f.Query, item, cols, Opts(f)...)
}

// Note prints an engine note (e.g. a write that was not sent again).
func Note(f *cmdutil.Factory, note string) {
	if note == "" {
		return
	}
	// In a table the note is part of the result, so it goes to stdout; in
	// JSON or YAML the result carries it, and stdout stays one document.
	w := f.IOStreams.ErrOut
	if format, err := f.Format(); err == nil && (format == output.Table || format == output.Wide) {
		w = f.IOStreams.Out
	}
	fmt.Fprintf(w, "note: %s\n", note)
}

// Progress reports wait progress on stderr: a spinner on a terminal, one
// line per state change otherwise.
func Progress(f *cmdutil.Factory, what string) func(string, time.Duration) {
	last := ""
	return func(state string, elapsed time.Duration) {
		msg := fmt.Sprintf("%s: %s (%s)", what, state, elapsed.Round(time.Second))
		if f.IOStreams.IsStderrTTY() {
			f.IOStreams.StartProgress(msg)
			return
		}
		if state != last {
			fmt.Fprintln(f.IOStreams.ErrOut, msg)
			last = state
		}
	}
}

// Args returns a command's arguments: the repeatable --arg values, then
// everything after "--". Nothing is ever split on commas or spaces.
func Args(cmd *cobra.Command, args []string, flagArgs []string) (positional, passed []string) {
	passed = append(passed, flagArgs...)
	if at := cmd.ArgsLenAtDash(); at >= 0 {
		return args[:at], append(passed, args[at:]...)
	}
	return args, passed
}

// Conf parses repeated --conf key=value flags.
func Conf(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, cmdutil.FlagErrorf("--conf %q: want key=value", p)
		}
		out[k] = v
	}
	return out, nil
}

// ReadFile reads a file argument; "-" is stdin.
func ReadFile(f *cmdutil.Factory, path string) ([]byte, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(f.IOStreams.In)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, cmdutil.FlagErrorf("read %s: %v", path, err)
	}
	return raw, nil
}
