// Package mcp holds 'emrctl mcp', the MCP server on stdio, and the setup
// it shares with 'emrctl serve --mcp' (internal/cli/serve): both serve the
// engine of the selected profile to AI agents through internal/mcpserver;
// the commands only wire streams, listeners and flags.
package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	mcpsdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/mcpserver"
	"github.com/emrctl/emrctl/internal/session"
)

type stdioOptions struct {
	f           *cmdutil.Factory
	allowWrites bool
	server      ServerFlags
}

// NewCmd returns 'emrctl mcp'.
func NewCmd(f *cmdutil.Factory) *cobra.Command { return newMCPCmd(f, nil) }

// newMCPCmd builds 'emrctl mcp'; run, when not nil, replaces its work
// (tests).
func newMCPCmd(f *cmdutil.Factory, run func(context.Context, *stdioOptions) error) *cobra.Command {
	o := &stdioOptions{f: f}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve emrctl to AI agents over MCP on stdin/stdout",
		Long: `Serve emrctl's tools to an AI agent (an MCP client such as Claude Code, Cursor or
an IDE) over the Model Context Protocol on stdin and stdout. Nothing but the
protocol is written to stdout; messages go to stderr.

The server is read-only unless started with --allow-writes. Even then every
write goes through emrctl's safety policy: limits hold whatever the agent is
told, and writes that need approval are confirmed by the person in the
client's dialog (MCP elicitation), never by the model. Clients without
elicitation get a refusal naming the emrctl command a person can run. No tool
deletes, releases or terminates a cluster. Every tool call is audited
('emrctl audit list').

Configure a client with the command line, e.g. in its mcpServers settings:
  {"command": "emrctl", "args": ["mcp", "--profile", "sandbox"]}`,
		Example: `  emrctl mcp                          # read-only, sandbox profile
  emrctl mcp --profile prod --allow-writes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runStdio(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.allowWrites, "allow-writes", false, "offer the write tools (scale, create, auto scaling, attributes); confirmations still reach the person")
	o.server.AddFlags(cmd)
	return cmd
}

// ServerFlags are the MCP server's flags both transports share.
type ServerFlags struct {
	replay       time.Duration
	callTimeout  time.Duration
	approvals    bool
	approvalWait time.Duration
	// ApprovalTTL is how long a queued approval waits for a decision
	// (emrctl serve --approval-ttl); zero means approval.DefaultTTL.
	ApprovalTTL time.Duration
}

// AddFlags adds --replay-window (how long an identical write tool call is
// answered from the record instead of being applied again) and
// --call-timeout.
func (sf *ServerFlags) AddFlags(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&sf.replay, "replay-window", mcpserver.DefaultReplayWindow,
		"an identical write call that succeeded this recently (and was the last write on its target) is answered from the record, "+
			"not applied again; 0 turns it off (clients then pass a new idempotencyKey per distinct write)")
	cmd.Flags().DurationVar(&sf.callTimeout, "call-timeout", mcpserver.DefaultCallTimeout,
		"the longest one tool call may work, not counting the time a person takes to answer a confirmation; "+
			"a call stopped at it says what was done and how to resume")
	cmd.Flags().BoolVar(&sf.approvals, "approvals", false,
		"a write of an MCP client that cannot show a confirmation dialog waits for a person with the approver role "+
			"(emrctl serve console, or POST /v1/approvals/{id}/approve) instead of being refused")
	cmd.Flags().DurationVar(&sf.approvalWait, "approval-wait", mcpserver.DefaultApprovalWait,
		"with --approvals, how long a write waits for an approver before its approval is withdrawn")
}

// Check validates the flags before anything is opened.
func (sf ServerFlags) Check() error {
	if sf.callTimeout <= 0 {
		return cmdutil.FlagErrorf("--call-timeout %s: want a positive duration, e.g. 2m", sf.callTimeout)
	}
	if sf.approvalWait <= 0 {
		return cmdutil.FlagErrorf("--approval-wait %s: want a positive duration, e.g. 15m", sf.approvalWait)
	}
	return nil
}

// replayOption turns the flag into the server option (0 means off).
func replayOption(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// NewServer opens the profile's session and builds the MCP server on it;
// the string describes it for a banner (profile, region, mode).
func NewServer(ctx context.Context, f *cmdutil.Factory, allowWrites bool, sf ServerFlags) (*mcpserver.Server, string, error) {
	if err := sf.Check(); err != nil {
		return nil, "", err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return nil, "", err
	}
	log := slog.New(slog.NewTextHandler(f.IOStreams.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	o := mcpserver.Options{
		Engine: s.Engine, AllowWrites: allowWrites, Version: f.Version, Secrets: s.Secrets, Logger: log, ReplayWindow: replayOption(sf.replay), CallTimeout: sf.callTimeout,
		Getenv: func(k string) (string, bool) { v := f.Getenv(k); return v, v != "" },
	}
	if sf.approvals {
		if o.Approvals, err = OpenApprovals(f, s, sf.ApprovalTTL); err != nil {
			return nil, "", err
		}
		o.ApprovalWait = sf.approvalWait
	}
	srv, err := mcpserver.New(o)
	if err != nil {
		return nil, "", err
	}
	mode := "read-only"
	switch {
	case allowWrites && sf.approvals:
		mode = "writes allowed, confirmed by the person or, without a dialog, by an approver"
	case allowWrites:
		mode = "writes allowed, confirmed by the person"
	}
	return srv, fmt.Sprintf("profile %s, region %s, %s", s.Name, s.Engine.Region(), mode), nil
}

func runStdio(ctx context.Context, o *stdioOptions) error {
	f := o.f
	srv, about, err := NewServer(ctx, f, o.allowWrites, o.server)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "emrctl MCP server on stdio (%s, %d tools)\n", about, len(srv.ToolNames()))
	t := &mcpserver.StdioTransport{In: f.IOStreams.In, Out: f.IOStreams.Out}
	err = srv.Run(ctx, t)
	switch {
	case err == nil, ctx.Err() != nil, errors.Is(err, io.EOF), errors.Is(err, mcpsdk.ErrConnectionClosed):
		// The client closed stdin, or the process is being stopped.
		return nil
	}
	return err
}

// approvalKeyEnv holds the approval key (base64) of servers that share a
// database but not a data directory.
const approvalKeyEnv = "EMRCTL_APPROVAL_KEY"

// OpenApprovals opens the approval queue in the session's journal, its
// replay requests sealed with the server key (ServerKey).
func OpenApprovals(f *cmdutil.Factory, s *session.Session, ttl time.Duration) (*approval.Store, error) {
	key, err := ServerKey(f)
	if err != nil {
		return nil, err
	}
	sealer, err := approval.NewSealer(key)
	if err != nil {
		return nil, err
	}
	return approval.NewStore(s.Engine.Journal().DB(), sealer, ttl, nil), nil
}

// ServerKey is the key servers on one journal share: from
// EMRCTL_APPROVAL_KEY, or approval.key in the data directory (created on
// first use). Replicas behind one address set the same key.
func ServerKey(f *cmdutil.Factory) ([]byte, error) {
	if v := f.Getenv(approvalKeyEnv); v != "" {
		key, err := approval.ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", approvalKeyEnv, err)
		}
		return key, nil
	}
	paths, err := f.Paths()
	if err != nil {
		return nil, err
	}
	return approval.LoadKey(filepath.Join(paths.DataDir, "approval.key"))
}
