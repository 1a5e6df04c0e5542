package cmdutil

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
)

// testTree is emrctl in small: a group with two commands, a command
// without Args, and one whose Args returns a typed input error.
func testTree(t *testing.T) (*cobra.Command, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &Factory{IOStreams: ios, Output: "table"}
	run := func(*cobra.Command, []string) error { return nil }
	root := &cobra.Command{Use: "emrctl", SilenceUsage: true, SilenceErrors: true}
	scale := &cobra.Command{Use: "scale", Short: "Scale a node group"}
	scale.AddCommand(
		&cobra.Command{Use: "out CLUSTER_ID", Args: cobra.ExactArgs(1), RunE: run},
		&cobra.Command{Use: "in CLUSTER_ID", Args: cobra.ExactArgs(1), RunE: run},
	)
	root.AddCommand(scale,
		&cobra.Command{Use: "status", RunE: run},
		&cobra.Command{Use: "typed", RunE: run, Args: func(*cobra.Command, []string) error { return errTyped }},
	)
	root.PersistentFlags().StringVarP(&f.Output, "output", "o", "table", "output format")
	CheckUsage(root, f)
	root.SetOut(out)
	root.SetErr(errOut)
	return root, out, errOut
}

var errTyped = &engine.InputError{}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want is the exit code; wantCmd the CommandError, if one.
		want    int
		wantCmd *CommandError
		// wantHelp says where the help goes: "stdout", "stderr" or "".
		wantHelp string
	}{
		{name: "unknown command of a group", args: []string{"scale", "up"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl scale", Name: "up", Available: []string{"in", "out"}, Suggestions: []string{"in", "out"}}},
		{name: "unknown command of the root", args: []string{"frobnicate"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl", Name: "frobnicate", Available: []string{"completion", "scale", "status", "typed"}}},
		{name: "near miss", args: []string{"scale", "outt"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl scale", Name: "outt", Available: []string{"in", "out"}, Suggestions: []string{"out"}}},
		{name: "unknown help topic", args: []string{"help", "scale", "up"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl scale", Name: "up", Available: []string{"in", "out"}, Suggestions: []string{"in", "out"}}},
		{name: "group run bare", args: []string{"scale"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl scale", Available: []string{"in", "out"}}, wantHelp: "stderr"},
		{name: "group run bare, json", args: []string{"scale", "-o", "json"}, want: ExitUsage,
			wantCmd: &CommandError{Group: "emrctl scale", Available: []string{"in", "out"}}},
		{name: "root run bare", args: nil, want: ExitOK, wantHelp: "stdout"},
		{name: "help asked for", args: []string{"scale", "--help"}, want: ExitOK, wantHelp: "stdout"},
		{name: "help command", args: []string{"help", "scale"}, want: ExitOK, wantHelp: "stdout"},
		{name: "missing argument", args: []string{"scale", "out"}, want: ExitUsage},
		{name: "extra argument", args: []string{"scale", "out", "c-1", "c-2"}, want: ExitUsage},
		{name: "right arguments", args: []string{"scale", "out", "c-1"}, want: ExitOK},
		{name: "argument to a command without Args", args: []string{"status", "x"}, want: ExitUsage},
		{name: "typed error of Args", args: []string{"typed"}, want: ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, out, errOut := testTree(t)
			root.SetArgs(tt.args)
			err := root.Execute()
			if got := ExitCode(err); got != tt.want {
				t.Fatalf("exit code %d (error %v), want %d", got, err, tt.want)
			}
			var ce *CommandError
			errors.As(err, &ce)
			if diff := cmp.Diff(tt.wantCmd, ce, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CommandError (-want +got):\n%s", diff)
			}
			help := map[string]*bytes.Buffer{"stdout": out, "stderr": errOut}
			for name, buf := range help {
				if got, want := strings.Contains(buf.String(), "Available Commands:"), name == tt.wantHelp; got != want {
					t.Errorf("help on %s: %v, want %v (%q)", name, got, want, buf.String())
				}
			}
		})
	}
}

func TestCheckUsageKeepsTypedArgsErrors(t *testing.T) {
	root, _, _ := testTree(t)
	root.SetArgs([]string{"typed"})
	if err := root.Execute(); !errors.Is(err, errTyped) {
		t.Errorf("got %v, want the Args' own error", err)
	}
}

func TestCheckUsageArgsErrorNamesUsage(t *testing.T) {
	root, _, _ := testTree(t)
	root.SetArgs([]string{"scale", "out"})
	err := root.Execute()
	var fe *FlagError
	if !errors.As(err, &fe) {
		t.Fatalf("got %T %v, want a *FlagError", err, err)
	}
	// The fix is the command's usage line.
	if !strings.Contains(err.Error(), "emrctl scale out CLUSTER_ID") {
		t.Errorf("got %q, want the usage line emrctl scale out CLUSTER_ID in it", err)
	}
}

// TestCheckUsageGroupUsage checks that a group, now runnable, still does
// not offer to run alone in its usage, while its commands keep their line.
func TestCheckUsageGroupUsage(t *testing.T) {
	root, _, _ := testTree(t)
	scale, _, err := root.Find([]string{"scale"})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := root.Find([]string{"scale", "out"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cmd  *cobra.Command
		line string
		want bool
	}{
		{scale, "emrctl scale [flags]", false},
		{scale, "emrctl scale [command]", true},
		{out, "emrctl scale out CLUSTER_ID [flags]", true},
		{root, "emrctl [flags]", false},
	}
	for _, tt := range tests {
		if got := strings.Contains(tt.cmd.UsageString(), tt.line); got != tt.want {
			t.Errorf("%s usage has %q: %v, want %v\n%s", tt.cmd.CommandPath(), tt.line, got, tt.want, tt.cmd.UsageString())
		}
	}
}
