package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// CommandError says that a command group was run with a command it does
// not have, or without any.
type CommandError struct {
	// Group is the group's command path, e.g. "emrctl scale".
	Group string
	// Name is the unknown command; empty when none was given.
	Name string
	// Available are the group's commands; Suggestions the near misses.
	Available   []string
	Suggestions []string
}

func (e *CommandError) Error() string {
	list := strings.Join(e.Available, ", ")
	if e.Name == "" {
		return fmt.Sprintf("%s needs a command; available: %s", e.Group, list)
	}
	msg := fmt.Sprintf("unknown command %q for %q; available: %s", e.Name, e.Group, list)
	if len(e.Suggestions) > 0 {
		quoted := make([]string, len(e.Suggestions))
		for i, s := range e.Suggestions {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(quoted, " or "))
	}
	return msg
}

// groupMark marks (in Annotations) the groups CheckUsage made runnable.
const groupMark = "emrctl.io/group"

// runnableLine is where cobra's usage template prints "emrctl scale
// [flags]", the line saying a command runs alone; groupUsageLine leaves it
// out for a group.
const (
	runnableLine   = "{{if .Runnable}}\n  {{.UseLine}}{{end}}"
	groupUsageLine = "{{if and .Runnable (not (index .Annotations \"" + groupMark + "\"))}}\n  {{.UseLine}}{{end}}"
)

// CheckUsage makes every command under root report usage mistakes as
// usage errors (exit 2) instead of printing help and exiting 0, or failing
// with cobra's plain errors (exit 1): an unknown command, a group run
// without a command, and an argument count the command's Args refuses.
// A command that declares no Args takes no arguments. Call it once the
// tree is built.
func CheckUsage(root *cobra.Command, f *Factory) {
	checkUsage(root, f)
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), runnableLine, groupUsageLine, 1))
	checkHelpTopic(root)
}

// checkHelpTopic makes "emrctl help frobnicate" a usage error too; cobra
// said "Unknown help topic" and exited 0, or showed the nearest group's
// help for "emrctl help cluster frobnicate".
func checkHelpTopic(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	help, _, err := root.Find([]string{"help"})
	if err != nil || help == root || help.Run == nil {
		return
	}
	run := help.Run
	help.Args = cobra.ArbitraryArgs // a path of commands, checked below
	help.RunE = func(cmd *cobra.Command, args []string) error {
		if target, rest, err := cmd.Root().Find(args); err == nil && len(rest) > 0 && target.HasSubCommands() {
			return unknownCommand(target, rest[0])
		}
		run(cmd, args)
		return nil
	}
}

func checkUsage(c *cobra.Command, f *Factory) {
	for _, sub := range c.Commands() {
		checkUsage(sub, f)
	}
	if c.HasSubCommands() && !c.Runnable() {
		makeGroup(c, f)
		return
	}
	args := c.Args
	if args == nil {
		args = noArgs
	}
	c.Args = func(cmd *cobra.Command, a []string) error {
		err := args(cmd, a)
		if err == nil || ExitCode(err) == ExitUsage {
			return err
		}
		return &FlagError{Err: fmt.Errorf("%s: %w (usage: %s)", cmd.CommandPath(), err, cmd.UseLine())}
	}
}

// noArgs is the Args of a command that declares none, where cobra would
// take anything.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("takes no arguments, got %q", args[0])
	}
	return nil
}

// makeGroup turns a group, which cobra answers with its help and exit 0
// whatever follows, into a command that refuses what is not one of its
// commands. The root run bare prints its help, as people type "emrctl" to
// see what it does; any other group run bare did nothing asked of it, so
// it fails after showing its help on stderr (left out for JSON and YAML,
// whose readers parse stderr).
func makeGroup(g *cobra.Command, f *Factory) {
	if g.Annotations == nil {
		g.Annotations = map[string]string{}
	}
	g.Annotations[groupMark] = "true"
	if g.SuggestionsMinimumDistance <= 0 {
		g.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
	}
	g.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return unknownCommand(cmd, args[0])
	}
	g.RunE = func(cmd *cobra.Command, args []string) error {
		if !cmd.HasParent() {
			return cmd.Help()
		}
		if format, err := f.Format(); err == nil && !format.Structured() {
			out := cmd.OutOrStdout()
			cmd.SetOut(cmd.ErrOrStderr())
			err := cmd.Help()
			cmd.SetOut(out)
			if err != nil {
				return err
			}
		}
		return &CommandError{Group: cmd.CommandPath(), Available: available(cmd)}
	}
}

// unknownCommand is the error for name, which is not a command of group g.
func unknownCommand(g *cobra.Command, name string) *CommandError {
	e := &CommandError{Group: g.CommandPath(), Name: name, Available: available(g)}
	if !g.DisableSuggestions {
		e.Suggestions = g.SuggestionsFor(name)
	}
	return e
}

// available lists the commands of group g that people may run.
func available(g *cobra.Command) []string {
	var names []string
	for _, c := range g.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}
