// Package mcp holds 'emrctl mcp' (the MCP server on stdio) and 'emrctl
// serve --mcp' (the MCP server over streamable HTTP). Both serve the
// engine of the selected profile to AI agents through internal/mcpserver;
// the commands only wire streams, listeners and flags.
package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	mcpsdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/mcpserver"
)

// DefaultListen is where 'serve --mcp' listens unless told otherwise.
const DefaultListen = "127.0.0.1:8765"

type stdioOptions struct {
	f           *cmdutil.Factory
	allowWrites bool
	server      serverFlags
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
	o.server.addFlags(cmd)
	return cmd
}

// serverFlags are the flags both transports share.
type serverFlags struct {
	replay      time.Duration
	callTimeout time.Duration
}

// addFlags adds --replay-window (how long an identical write tool call is
// answered from the record instead of being applied again) and
// --call-timeout.
func (sf *serverFlags) addFlags(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&sf.replay, "replay-window", mcpserver.DefaultReplayWindow,
		"an identical write call that succeeded this recently (and was the last write on its target) is answered from the record, "+
			"not applied again; 0 turns it off (clients then pass a new idempotencyKey per distinct write)")
	cmd.Flags().DurationVar(&sf.callTimeout, "call-timeout", mcpserver.DefaultCallTimeout,
		"the longest one tool call may work, not counting the time a person takes to answer a confirmation; "+
			"a call stopped at it says what was done and how to resume")
}

func (sf serverFlags) check() error {
	if sf.callTimeout <= 0 {
		return cmdutil.FlagErrorf("--call-timeout %s: want a positive duration, e.g. 2m", sf.callTimeout)
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

type serveOptions struct {
	f           *cmdutil.Factory
	mcp         bool
	listen      string
	allowRemote bool
	allowWrites bool
	server      serverFlags
}

// NewServeCmd returns 'emrctl serve'.
func NewServeCmd(f *cmdutil.Factory) *cobra.Command { return newServeCmd(f, nil) }

// newServeCmd builds 'emrctl serve'; run, when not nil, replaces its work
// (tests).
func newServeCmd(f *cmdutil.Factory, run func(context.Context, *serveOptions) error) *cobra.Command {
	o := &serveOptions{f: f}
	cmd := &cobra.Command{
		Use:   "serve --mcp [--listen ADDR]",
		Short: "Serve emrctl to AI agents over MCP streamable HTTP",
		Long: `Serve emrctl's MCP tools over streamable HTTP at http://ADDR/mcp, for MCP clients
that connect to a URL. It listens on loopback (127.0.0.1:8765) by default and
has no authentication of its own: a non-loopback address is refused unless
--allow-remote is given.

The tools, their limits and their confirmations are those of 'emrctl mcp':
read-only unless --allow-writes, confirmations through the client's dialog.`,
		Example: `  emrctl serve --mcp
  emrctl serve --mcp --listen 127.0.0.1:9000 --allow-writes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.mcp {
				return cmdutil.FlagErrorf("nothing to serve: pass --mcp (the MCP server is the only thing 'serve' offers so far)")
			}
			if err := checkListen(o.listen, o.allowRemote); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runServe(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.mcp, "mcp", false, "serve the MCP server (streamable HTTP at /mcp)")
	fl.StringVar(&o.listen, "listen", DefaultListen, "address to listen on (loopback unless --allow-remote)")
	fl.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback --listen address; the server has no authentication")
	fl.BoolVar(&o.allowWrites, "allow-writes", false, "offer the write tools; confirmations still reach the person")
	o.server.addFlags(cmd)
	return cmd
}

// checkListen refuses an address that is not loopback unless allowed.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return cmdutil.FlagErrorf("--listen %q: want host:port, e.g. %s", addr, DefaultListen)
	}
	if isLoopback(host) || allowRemote {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return cmdutil.FlagErrorf("--listen %s would serve on %s, not on loopback: the MCP server has no authentication, so anyone who can "+
		"reach it could use its tools. Listen on 127.0.0.1, or pass --allow-remote behind an authenticating proxy", addr, shown)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newServer opens the profile's session and builds the MCP server on it.
func newServer(ctx context.Context, f *cmdutil.Factory, allowWrites bool, sf serverFlags) (*mcpserver.Server, string, error) {
	if err := sf.check(); err != nil {
		return nil, "", err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return nil, "", err
	}
	log := slog.New(slog.NewTextHandler(f.IOStreams.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := mcpserver.New(mcpserver.Options{
		Engine: s.Engine, AllowWrites: allowWrites, Version: f.Version, Secrets: s.Secrets, Logger: log, ReplayWindow: replayOption(sf.replay), CallTimeout: sf.callTimeout,
		Getenv: func(k string) (string, bool) { v := f.Getenv(k); return v, v != "" },
	})
	if err != nil {
		return nil, "", err
	}
	mode := "read-only"
	if allowWrites {
		mode = "writes allowed, confirmed by the person"
	}
	return srv, fmt.Sprintf("profile %s, region %s, %s", s.Name, s.Engine.Region(), mode), nil
}

func runStdio(ctx context.Context, o *stdioOptions) error {
	f := o.f
	srv, about, err := newServer(ctx, f, o.allowWrites, o.server)
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

func runServe(ctx context.Context, o *serveOptions) error {
	f := o.f
	srv, about, err := newServer(ctx, f, o.allowWrites, o.server)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	host, _, _ := net.SplitHostPort(o.listen)
	if !isLoopback(host) {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: serving MCP on %s, beyond loopback and without authentication: anyone who can reach it can use its tools\n", ln.Addr())
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", srv.HTTPHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	fmt.Fprintf(f.IOStreams.ErrOut, "emrctl MCP server on http://%s/mcp (%s, %d tools)\n", ln.Addr(), about, len(srv.ToolNames()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	err = hs.Serve(ln)
	stop()
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
