// Package sandbox holds the 'emrctl sandbox' commands: run the embedded
// emulator as a server for other tools, and drive its state, faults and
// clock.
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/emulator"
)

// NewCmd returns the 'sandbox' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run and control the embedded Alibaba EMR emulator",
		Long: `The sandbox is a local emulator of the Alibaba Cloud EMR API (2021-03-20) and the
VPC/ECS look-ups a cluster needs. It speaks the real wire protocol (ACS3
signatures, errors, pagination, ClientToken, throttling) and runs clusters
through their states over time. emrctl uses it by default, in process; 'serve'
exposes it over HTTP for the official SDKs, other tools and CI pipelines.

Sandbox credentials (local only): AccessKey ID ` + emulator.SandboxCredential.AccessKeyID + `,
secret ` + emulator.SandboxCredential.AccessKeySecret + `.`,
	}
	cmd.AddCommand(newServeCmd(f), newResetCmd(f), newControlCmd(f, "status", "Show the sandbox clock, request counts and faults", "GET", "", nil),
		newFaultCmd(f), newClockCmd(f), newInjectCmd(f))
	return cmd
}

type serveOptions struct {
	listen   string
	state    string
	memory   bool
	speed    float64
	seed     int64
	portFile string
	quiet    bool
	rate     string
	burst    int
	rateFor  []string
	keys     []string
	keysFile string
	config   string

	// from the --config file
	fileRateFor             map[string]string
	fileKeys                []string
	rateSource, burstSource string // the file's field when it set --rate or --burst
}

func newServeCmd(f *cmdutil.Factory) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the emulator over HTTP (loopback by default)",
		Long: `Serve the emulator over HTTP (loopback by default) for the official SDKs,
other tools and CI pipelines.

Each access key gets a token bucket per action: by default 50 requests/s with
bursts of 100, as a real account might. --rate and --burst change the default,
--rate-for ACTION=RATE/BURST one action (repeatable), and --rate off turns
throttling off (for load tests). Besides the published sandbox key pairs,
--key ACCESS_KEY_ID:SECRET (repeatable) or --keys-file (one pair a line)
adds key pairs; secrets are never printed.

--config FILE reads the same settings from YAML (flags win):

  listen: 127.0.0.1:8080
  memory: true
  speed: 0
  rate: 50            # or off
  burst: 100
  rateFor:
    ListClusters: 200/400
    GetCluster: "off"
  keysFile: keys.txt  # relative to this file
  keys: ["LTAI5tMyTestKey0001:my-test-secret"]`,
		Example: `  emrctl sandbox serve --listen 127.0.0.1:8080
  emrctl --endpoint http://127.0.0.1:8080 cluster list       # from another shell
  emrctl sandbox serve --listen 127.0.0.1:0 --port-file port --memory --speed 0
  emrctl sandbox serve --rate off                             # no throttling (benchmarks)
  emrctl sandbox serve --rate 20 --rate-for ListClusters=200/400 --keys-file keys.txt
  emrctl sandbox serve --config sandbox.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfigFile(cmd.Flags(), o); err != nil {
				return err
			}
			return runServe(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	fl.StringVar(&o.state, "state", "", "SQLite state file (default: the sandbox profile's file in the data directory)")
	fl.BoolVar(&o.memory, "memory", false, "keep state in memory only")
	fl.Float64Var(&o.speed, "speed", emulator.SpeedInteractive, "how many times faster than the real cloud work completes (0: at once)")
	fl.Int64Var(&o.seed, "seed", 0, "seed for IDs when the state is new")
	fl.StringVar(&o.portFile, "port-file", "", "write the chosen address to this file once listening")
	fl.BoolVar(&o.quiet, "quiet", false, "do not log requests")
	fl.StringVar(&o.rate, "rate", "50", "requests per second each access key may send per action, or off")
	fl.IntVar(&o.burst, "burst", 100, "requests each access key may send per action at once")
	fl.StringArrayVar(&o.rateFor, "rate-for", nil, "one action's limit as ACTION=RATE/BURST or ACTION=off (repeatable)")
	fl.StringArrayVar(&o.keys, "key", nil, "accept another key pair ACCESS_KEY_ID:SECRET (repeatable; --keys-file keeps secrets out of the process list)")
	fl.StringVar(&o.keysFile, "keys-file", "", "file of extra key pairs, one ACCESS_KEY_ID:SECRET a line (# comments)")
	fl.StringVar(&o.config, "config", "", "YAML file with these settings (flags win)")
	return cmd
}

// serverOptions checks the throttling and key flags and builds the
// emulator's options from them, before anything is opened.
func serverOptions(o *serveOptions) (emulator.Options, error) {
	if o.speed < 0 {
		return emulator.Options{}, cmdutil.FlagErrorf("--speed %v: want 0 (at once) or more", o.speed)
	}
	throttle, err := throttleConfig(o)
	if err != nil {
		return emulator.Options{}, err
	}
	creds, err := credentials(o)
	if err != nil {
		return emulator.Options{}, err
	}
	return emulator.Options{Clock: emulator.NewClock(o.speed), Seed: o.seed, Throttle: throttle, Credentials: creds}, nil
}

// newServer opens the store and the emulator; an unknown action in the
// limits is a flag error.
func newServer(f *cmdutil.Factory, o *serveOptions, opts emulator.Options) (*emulator.Server, error) {
	store, err := openStore(f, o)
	if err != nil {
		return nil, err
	}
	opts.Store = store
	srv, err := emulator.New(opts)
	if err != nil {
		store.Close()
		var ue *emulator.UnknownActionError
		if errors.As(err, &ue) {
			return nil, cmdutil.FlagErrorf("--rate-for %s: the sandbox has no action %s; use the API's action names, such as ListClusters, GetCluster or ListWorkspaces", ue.Action, ue.Action)
		}
		return nil, err
	}
	return srv, nil
}

func runServe(ctx context.Context, f *cmdutil.Factory, o *serveOptions) error {
	opts, err := serverOptions(o)
	if err != nil {
		return err
	}
	leanHeap(ctx)
	opts.Logger = slog.New(slog.NewTextHandler(f.IOStreams.ErrOut, nil))
	if o.quiet {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := newServer(f, o, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.listen, err)
	}
	addr := ln.Addr().String()
	if o.portFile != "" {
		if err := os.WriteFile(o.portFile, []byte(addr), 0o644); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "emrctl sandbox listening on http://%s (AccessKey IDs %s; %s); Ctrl-C stops\n", addr, keyIDs(opts.Credentials), describeLimits(opts.Throttle))
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

func openStore(f *cmdutil.Factory, o *serveOptions) (emulator.Store, error) {
	if o.memory {
		return emulator.NewMemoryStore(), nil
	}
	path := o.state
	if path == "" {
		paths, err := f.Paths()
		if err != nil {
			return nil, err
		}
		path = paths.SandboxFile(config.DefaultProfile)
	}
	return emulator.OpenSQLiteStore(filepath.Clean(path))
}

// control reaches the emulator's /_emulator/ controls: over HTTP when an
// endpoint is set, else on the in-process sandbox of the profile.
func control(ctx context.Context, f *cmdutil.Factory, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	var transport http.RoundTripper
	base := "http://sandbox.local"
	if ep := endpoint(f); ep != "" {
		base = strings.TrimRight(ep, "/")
		if !strings.Contains(base, "://") {
			base = "http://" + base
		}
	} else {
		s, err := f.Session(ctx)
		if err != nil {
			return nil, err
		}
		if s.Emulator == nil {
			return nil, fmt.Errorf("profile %q does not use the embedded sandbox; pass --endpoint of a 'emrctl sandbox serve'", s.Name)
		}
		// The embedded emulator keeps the clock and faults in the state
		// file, so what this command sets reaches the next commands.
		transport = s.Emulator.Transport()
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"/_emulator/"+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: transport, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return nil, fmt.Errorf("sandbox %s %s: %s", method, path, strings.TrimSpace(orText(e.Error, string(raw))))
	}
	return raw, nil
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func endpoint(f *cmdutil.Factory) string {
	if f.Endpoint != "" {
		return f.Endpoint
	}
	return f.Getenv("EMRCTL_ENDPOINT")
}

// newControlCmd makes a command that calls one control and prints the JSON.
func newControlCmd(f *cmdutil.Factory, use, short, method, path string, body func(args []string) (any, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			var b any
			if body != nil {
				var err error
				if b, err = body(args); err != nil {
					return err
				}
			}
			if path == "" {
				return printStatus(cmd.Context(), f)
			}
			raw, err := control(cmd.Context(), f, method, path, b)
			if err != nil {
				return err
			}
			return printJSON(f, raw)
		},
	}
}

func printJSON(f *cmdutil.Factory, raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IOStreams.Out, string(out))
	return nil
}

func printStatus(ctx context.Context, f *cmdutil.Factory) error {
	status := map[string]json.RawMessage{}
	for _, part := range []string{"health", "generation", "clock", "stats", "faults"} {
		raw, err := control(ctx, f, "GET", part, nil)
		if err != nil {
			return err
		}
		status[part] = raw
	}
	raw, err := json.Marshal(status)
	if err != nil {
		return err
	}
	return printJSON(f, raw)
}

// leanHeap keeps the collector's headroom near heapHeadroom unless GOGC
// is set: a served sandbox keeps every table it has read in memory. A
// small state runs at GOGC=100 (twice the ListClusters throughput of 25,
// which collects a small heap too often); a large one moves toward 25, so
// 100,000 clusters stay near their live heap instead of twice it.
func leanHeap(ctx context.Context) {
	if os.Getenv("GOGC") != "" {
		return
	}
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		current := debug.SetGCPercent(100)
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if p := gcPercentFor(sample[0].Value.Uint64()); p != current {
				debug.SetGCPercent(p)
				current = p
			}
		}
	}()
}

// heapHeadroom is the garbage a served sandbox may hold over its live heap.
const heapHeadroom = 64 << 20

// gcPercentFor is the GOGC that gives a live heap heapHeadroom, within
// 25 and 100, rounded to 5 so small changes do not reset the collector.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return 100
	}
	p := min(100, max(25, heapHeadroom*100/live))
	return int(p / 5 * 5)
}
