// Package serve holds 'emrctl serve': one HTTP listener for the REST API
// (internal/rest), the MCP server over streamable HTTP (internal/mcpserver)
// and the web console (internal/console), each turned on by a flag. The command wires
// the listener, TLS, health checks, request logs and graceful shutdown;
// the servers themselves live in their packages.
package serve

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	mcpcmd "github.com/emrctl/emrctl/internal/cli/mcp"
	"github.com/emrctl/emrctl/internal/console"
	"github.com/emrctl/emrctl/internal/mcpserver"
	"github.com/emrctl/emrctl/internal/rest"
)

// DefaultListen is where 'serve' listens unless told otherwise.
const DefaultListen = "127.0.0.1:8765"

// DefaultShutdownTimeout is how long a stopping server lets in-flight
// requests (writes among them) finish.
const DefaultShutdownTimeout = 60 * time.Second

type options struct {
	f               *cmdutil.Factory
	rest            bool
	mcp             bool
	console         bool
	listen          string
	allowRemote     bool
	allowWrites     bool
	tlsCert         string
	tlsKey          string
	shutdownTimeout time.Duration
	rateLimit       float64
	rateBurst       int
	approvalTTL     time.Duration
	mcpFlags        mcpcmd.ServerFlags
	mcpAuth         bool
}

// NewCmd returns 'emrctl serve'.
func NewCmd(f *cmdutil.Factory) *cobra.Command { return newCmd(f, nil) }

// newCmd builds 'emrctl serve'; run, when not nil, replaces its work
// (tests).
func newCmd(f *cmdutil.Factory, run func(context.Context, *options) error) *cobra.Command {
	o := &options{f: f}
	cmd := &cobra.Command{
		Use:   "serve (--rest | --mcp | --console)... [--listen ADDR]",
		Short: "Serve emrctl over HTTP: the REST API, MCP for AI agents, the web console",
		Long: `Serve emrctl over HTTP on one listener, on loopback (127.0.0.1:8765) by default:

  --rest     the REST API at /v1 (OpenAPI document at /openapi.json). Every
             request needs a bearer token from 'emrctl token create'; the
             token's role (viewer, operator, approver) decides what it may do.
  --mcp      the MCP server over streamable HTTP at /mcp, for MCP clients that
             connect to a URL. With --rest, --console or --mcp-auth it needs a
             bearer token too: the token's name is the actor in the journal
             (not the name the client gives itself), and only an operator
             token may call write tools. Alone it has no authentication.
  --console  the web console at /console/: clusters, the journal and the
             approval queue, for people who log in with their token.

A REST write that needs a person's confirmation answers 202 with a pending
approval; a token with the approver role approves it (POST
/v1/approvals/{id}/approve, or the console) within --approval-ttl, and the
write then runs once. With --mcp --approvals, a write of an MCP client that
cannot show a dialog waits in the same queue. Approval requests are sealed
with the key in EMRCTL_APPROVAL_KEY (base64, 32 bytes), or in approval.key
in the data directory, created on first use.

/healthz says the process is up and /readyz that the engine and the journal
can serve; neither needs a token. Each request is logged to stderr as one JSON
line (method, route, status, duration, the token's name), never with its
headers or body.

A non-loopback --listen is refused unless --allow-remote is given; serve the
REST API beyond loopback with --tls-cert and --tls-key so tokens do not cross
the network in clear. On SIGTERM or Ctrl-C the server stops accepting
connections and lets requests in flight finish, up to --shutdown-timeout.`,
		Example: `  emrctl serve --rest
  emrctl serve --rest --mcp --listen 127.0.0.1:9000
  emrctl serve --rest --listen 0.0.0.0:8443 --allow-remote --tls-cert cert.pem --tls-key key.pem
  emrctl serve --rest --console --approval-ttl 30m
  emrctl serve --mcp --allow-writes --approvals`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runServe(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.rest, "rest", false, "serve the REST API at /v1 (bearer tokens from 'emrctl token create')")
	fl.BoolVar(&o.mcp, "mcp", false, "serve the MCP server (streamable HTTP at /mcp)")
	fl.BoolVar(&o.console, "console", false, "serve the web console at /console/ (login with a token)")
	fl.BoolVar(&o.mcpAuth, "mcp-auth", false, "require a bearer token on /mcp (always so with --rest or --console)")
	fl.StringVar(&o.listen, "listen", DefaultListen, "address to listen on (loopback unless --allow-remote)")
	fl.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback --listen address")
	fl.BoolVar(&o.allowWrites, "allow-writes", false, "offer the MCP write tools; confirmations still reach the person")
	fl.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate file: serve HTTPS (with --tls-key)")
	fl.StringVar(&o.tlsKey, "tls-key", "", "PEM private key file of --tls-cert")
	fl.DurationVar(&o.shutdownTimeout, "shutdown-timeout", DefaultShutdownTimeout, "how long a stopping server lets requests in flight finish")
	fl.Float64Var(&o.rateLimit, "rate-limit", 10, "REST requests per second allowed per token on average; 0 turns the limit off")
	fl.IntVar(&o.rateBurst, "rate-burst", 20, "REST requests a token may send at once")
	fl.DurationVar(&o.approvalTTL, "approval-ttl", approval.DefaultTTL, "how long a write that needs a person's confirmation waits for an approver")
	o.mcpFlags.AddFlags(cmd)
	return cmd
}

// check validates the flags before anything is opened.
func (o *options) check() error {
	if !o.rest && !o.mcp && !o.console {
		return cmdutil.FlagErrorf("nothing to serve: pass --rest (the REST API), --mcp (the MCP server), --console (the web console), or several")
	}
	if o.mcp {
		if err := o.mcpFlags.Check(); err != nil {
			return err
		}
	}
	if o.approvalTTL <= 0 {
		return cmdutil.FlagErrorf("--approval-ttl %s: want a positive duration, e.g. 1h", o.approvalTTL)
	}
	if err := checkListen(o.listen, o.allowRemote, o.mcp); err != nil {
		return err
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return cmdutil.FlagErrorf("--tls-cert and --tls-key go together: pass both files to serve HTTPS, or neither")
	}
	if o.shutdownTimeout <= 0 {
		return cmdutil.FlagErrorf("--shutdown-timeout %s: want a positive duration, e.g. 60s", o.shutdownTimeout)
	}
	if o.rateLimit < 0 || o.rateBurst < 1 {
		return cmdutil.FlagErrorf("--rate-limit %g --rate-burst %d: want a rate of 0 or more and a burst of 1 or more", o.rateLimit, o.rateBurst)
	}
	return nil
}

// checkListen refuses an address that is not loopback unless allowed.
func checkListen(addr string, allowRemote, mcp bool) error {
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
	if mcp {
		return cmdutil.FlagErrorf("--listen %s would serve on %s, not on loopback: the MCP server has no authentication, so anyone who can "+
			"reach it could use its tools. Listen on 127.0.0.1, or pass --allow-remote behind an authenticating proxy", addr, shown)
	}
	return cmdutil.FlagErrorf("--listen %s would serve on %s, not on loopback: pass --allow-remote to serve the REST API beyond this machine "+
		"(with --tls-cert and --tls-key, so tokens do not cross the network in clear), or listen on 127.0.0.1", addr, shown)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tlsConfig loads the certificate, or returns nil without one.
func (o *options) tlsConfig() (*tls.Config, error) {
	if o.tlsCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
	if err != nil {
		return nil, cmdutil.FlagErrorf("--tls-cert %s --tls-key %s: %v: pass a PEM certificate and its private key", o.tlsCert, o.tlsKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func runServe(ctx context.Context, o *options) error {
	f := o.f
	tlsConf, err := o.tlsConfig()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(f.IOStreams.ErrOut, nil))
	// stopping ends when shutdown starts: MCP event streams that never
	// finish by themselves end then, requests in flight do not.
	stopping, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	mux := http.NewServeMux()
	var banners []func(base string) string
	// The REST server exists for the console too: it decides approvals
	// and runs the approved writes.
	var restSrv *rest.Server
	var approvals *approval.Store
	tokens := auth.NewSQLiteStore(s.Engine.Journal())
	if o.rest || o.console {
		paths, err := f.Paths()
		if err != nil {
			return err
		}
		if approvals, err = mcpcmd.OpenApprovals(f, s, o.approvalTTL); err != nil {
			return err
		}
		key, err := mcpcmd.ServerKey(f)
		if err != nil {
			return err
		}
		restSrv, err = rest.New(rest.Options{
			Engine: s.Engine, Auth: tokens, Limiter: auth.NewLimiter(o.rateLimit, o.rateBurst), CursorKey: cursorKey(key),
			Secrets: s.Secrets, Logger: logger, Approvals: approvals, UploadDir: filepath.Join(paths.DataDir, "uploads"),
		})
		if err != nil {
			return err
		}
	}
	if o.rest {
		mux.Handle("/", restSrv)
		banners = append(banners, func(base string) string {
			return fmt.Sprintf("emrctl REST API on %s/v1 (document at %s/openapi.json; profile %s, region %s)", base, base, s.Name, s.Engine.Region())
		})
	} else {
		mux.Handle("/", logged(logger, "", health(s.Engine)))
	}
	if o.console {
		c, err := console.New(console.Options{Engine: s.Engine, Tokens: tokens, Approvals: approvals, Journal: s.Engine.Journal(),
			Decide: restSrv.Decide, Logger: logger})
		if err != nil {
			return err
		}
		mux.Handle(console.Prefix+"/", logged(logger, console.Prefix+"/", c))
		mux.Handle(console.Prefix, logged(logger, console.Prefix, c))
		banners = append(banners, func(base string) string {
			return fmt.Sprintf("emrctl web console on %s%s/ (log in with a token from 'emrctl token create')", base, console.Prefix)
		})
	}
	if o.mcp {
		o.mcpFlags.ApprovalTTL = o.approvalTTL
		srv, about, err := mcpcmd.NewServer(ctx, f, o.allowWrites, o.mcpFlags)
		if err != nil {
			return err
		}
		h := endStreams(srv.HTTPHandler(), stopping)
		if o.rest || o.console || o.mcpAuth {
			h = mcpTokens(tokens, h)
		}
		mux.Handle("/mcp", logged(logger, "/mcp", h))
		banners = append(banners, func(base string) string {
			return fmt.Sprintf("emrctl MCP server on %s/mcp (%s, %d tools)", base, about, len(srv.ToolNames()))
		})
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	o.warnRemote(ln.Addr(), tlsConf != nil)
	base := scheme + "://" + ln.Addr().String()
	for _, b := range banners {
		fmt.Fprintln(f.IOStreams.ErrOut, b(base))
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsConf,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	return serveUntil(ctx, hs, ln, stop, o.shutdownTimeout, f.IOStreams.ErrOut)
}

// warnRemote says what serving beyond loopback exposes.
func (o *options) warnRemote(addr net.Addr, tls bool) {
	host, _, _ := net.SplitHostPort(o.listen)
	if isLoopback(host) {
		return
	}
	w := o.f.IOStreams.ErrOut
	if o.mcp && !(o.rest || o.console || o.mcpAuth) {
		fmt.Fprintf(w, "warning: serving MCP on %s, beyond loopback and without authentication: anyone who can reach it can use its tools; pass --mcp-auth\n", addr)
	}
	if o.rest && !tls {
		fmt.Fprintf(w, "warning: serving the REST API on %s beyond loopback without TLS: bearer tokens cross the network in clear; pass --tls-cert and --tls-key\n", addr)
	}
}

// serveUntil serves until ctx ends, then shuts down gracefully: it stops
// accepting connections, calls stop (which ends event streams), and waits
// up to timeout for requests in flight before closing what is left.
func serveUntil(ctx context.Context, hs *http.Server, ln net.Listener, stop func(), timeout time.Duration, w io.Writer) error {
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "")
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintf(w, "stopping: letting requests in flight finish (up to %s)\n", timeout)
	stop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(w, "stopping: requests still running after %s were cut off\n", timeout)
		_ = hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return nil
}

// cursorKey signs list cursors with a key derived from the server key, so
// that a cursor from one replica is good at another.
func cursorKey(serverKey []byte) []byte {
	m := hmac.New(sha256.New, serverKey)
	m.Write([]byte("emrctl REST list cursors"))
	return m.Sum(nil)
}

// mcpTokens requires an emrctl token on /mcp. The MCP session is bound
// to the token's name (the SDK refuses a session used with another
// token), the name is the actor of its calls, and the role decides
// whether write tools run.
func mcpTokens(tokens auth.Store, h http.Handler) http.Handler {
	verify := func(ctx context.Context, raw string, _ *http.Request) (*mcpauth.TokenInfo, error) {
		p, err := tokens.Authenticate(ctx, raw)
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil, fmt.Errorf("%w: a valid token from 'emrctl token create' is required", mcpauth.ErrInvalidToken)
		}
		if err != nil {
			return nil, err
		}
		return &mcpauth.TokenInfo{UserID: p.Name, Extra: map[string]any{mcpserver.TokenRole: string(p.Role)}}, nil
	}
	return mcpauth.RequireBearerToken(verify, &mcpauth.RequireBearerTokenOptions{AllowMissingExpiration: true})(h)
}
