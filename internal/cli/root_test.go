package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

func testFactory(t *testing.T, env map[string]string) (*cmdutil.Factory, *iostreams.IOStreams) {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "0"}
	for k, v := range env {
		all[k] = v
	}
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return all[k] }, Now: time.Now, OpenSession: session.Open}, ios
}

// TestEveryCommandReportsUsageErrors walks the real tree: whatever Args a
// command declares, a wrong argument count is a usage error (exit 2), and
// every group refuses a command it does not have.
func TestEveryCommandReportsUsageErrors(t *testing.T) {
	f, _ := testFactory(t, nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.Args == nil {
			t.Errorf("%s: no Args, want every command checked", c.CommandPath())
			return
		}
		if c.HasSubCommands() {
			var ce *cmdutil.CommandError
			if err := c.Args(c, []string{"frobnicate"}); !errors.As(err, &ce) {
				t.Errorf("%s frobnicate: got %v, want a CommandError", c.CommandPath(), err)
			}
			return
		}
		for _, args := range [][]string{nil, strings.Fields("a b c d e f g h i j k l m n o p q r s t")} {
			if err := c.Args(c, args); err != nil && cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("%s with %d arguments: exit code %d (%v), want %d", c.CommandPath(), len(args), cmdutil.ExitCode(err), err, cmdutil.ExitUsage)
			}
		}
	}
	walk(NewRootCmd(f))
}

func TestRunScrubsSecretsFromErrors(t *testing.T) {
	const secret = "AliS3cretTypedBackAsRegion"
	for _, format := range []string{"table", "json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			f, ios := testFactory(t, map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret})
			errOut := ios.ErrOut.(interface{ String() string })
			code := Run(context.Background(), f, []string{"--region", secret, "cluster", "list", "-o", format})
			if code != cmdutil.ExitUsage {
				t.Errorf("exit code %d, want %d", code, cmdutil.ExitUsage)
			}
			if got := errOut.String(); strings.Contains(got, secret) || !strings.Contains(got, "REDACTED") {
				t.Errorf("stderr %q, want the region redacted", got)
			}
		})
	}
}

// TestWriteCommandsTakeAnIdempotencyKey checks every command that writes
// to a cloud: it takes --idempotency-key and its help says how repeats
// behave.
func TestWriteCommandsTakeAnIdempotencyKey(t *testing.T) {
	f, _ := testFactory(t, nil)
	writes := []string{
		"cluster create", "cluster rename", "cluster set-description", "cluster protect", "cluster renew", "cluster delete",
		"nodegroup create", "scale out", "scale in", "scale to", "autoscaling put", "autoscaling remove",
		"aws start", "aws stop", "aws protect", "aws upload", "aws copy", "aws run", "aws group add", "aws group resize",
		"aws fleet add", "aws autoscaling put", "aws autoscaling remove", "aws managed-scaling put", "aws managed-scaling remove",
		"step add", "step cancel", "serverless app create", "serverless app update", "serverless app start", "serverless app stop",
		"serverless app delete", "serverless job start", "serverless job cancel",
	}
	root := NewRootCmd(f)
	for _, path := range writes {
		c, rest, err := root.Find(strings.Fields(path))
		if err != nil || len(rest) > 0 || c.CommandPath() != "emrctl "+path {
			t.Errorf("%s: not found (%v)", path, err)
			continue
		}
		if c.Flags().Lookup("idempotency-key") == nil {
			t.Errorf("%s: no --idempotency-key", path)
		}
		if !strings.Contains(c.Long, cmdutil.IdempotencyHelp) {
			t.Errorf("%s: its help does not say how repeats behave", path)
		}
	}
}
