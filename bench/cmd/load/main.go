// Command load seeds clusters into and drives load at the emrctl sandbox
// (Alibaba EMR API, signed with the official darabonba SDK) or a
// moto_server (AWS EMR API, signed with aws-sdk-go-v2), for bench/compare.sh.
//
//	load seed -target emulator -endpoint http://127.0.0.1:8080 -n 1000
//	load run  -target moto -endpoint http://127.0.0.1:5000 -action list -c 8 -d 5s
//	load measure -runs 7 -spec commands.tsv
//
// measure times commands (see measure.go). run prints "REQS_PER_SEC ERRORS REQUESTS" on stdout: the requests that
// succeeded per second over the run, with every client in its own
// goroutine sending the next request as soon as the last one is answered.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// caller sends one request of the chosen action.
type caller func(ctx context.Context) error

// target is one server under load.
type target interface {
	seed(ctx context.Context, from, n int) error
	firstCluster(ctx context.Context) (string, error)
	list() caller
	get(id string) caller
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	if os.Args[1] == "measure" {
		if err := measure(os.Args[2:]); err != nil {
			fail(err)
		}
		return
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	kind := fs.String("target", "emulator", "emulator or moto")
	endpoint := fs.String("endpoint", "", "server URL, e.g. http://127.0.0.1:8080")
	n := fs.Int("n", 10, "seed: clusters to create")
	from := fs.Int("from", 0, "seed: number of the first one (names and client tokens go on from there)")
	action := fs.String("action", "list", "run: list (ListClusters, one page of 50) or get (GetCluster / DescribeCluster)")
	conc := fs.Int("c", 8, "run: concurrent clients")
	dur := fs.Duration("d", 5*time.Second, "run: how long")
	_ = fs.Parse(os.Args[2:])
	if *endpoint == "" {
		fail(errors.New("-endpoint is required"))
	}
	// Seeding opens a connection per request: moto may close an idle
	// kept-alive one as the next write goes out, and a write is not retried.
	t, err := newTarget(*kind, *endpoint, *conc, os.Args[1] == "seed")
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	switch os.Args[1] {
	case "seed":
		err = t.seed(ctx, *from, *n)
	case "run":
		err = runLoad(ctx, t, *action, *conc, *dur)
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: load measure -runs N -spec FILE | load seed|run -target emulator|moto -endpoint URL [-n N] [-action list|get -c N -d DURATION]")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "load:", err)
	os.Exit(1)
}

func newTarget(kind, endpoint string, conc int, noKeepAlive bool) (target, error) {
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, DisableKeepAlives: noKeepAlive}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	switch kind {
	case "emulator":
		return newEmulatorTarget(strings.TrimPrefix(endpoint, "http://"), hc)
	case "moto":
		return newMotoTarget(endpoint, hc)
	}
	return nil, fmt.Errorf("-target %q: want emulator or moto", kind)
}

func runLoad(ctx context.Context, t target, action string, conc int, dur time.Duration) error {
	var call caller
	switch action {
	case "list":
		call = t.list()
	case "get":
		id, err := t.firstCluster(ctx)
		if err != nil {
			return err
		}
		call = t.get(id)
	default:
		return fmt.Errorf("-action %q: want list or get", action)
	}
	if err := warmUp(ctx, call); err != nil {
		return fmt.Errorf("first %s: %w", action, err)
	}
	ok, bad := drive(ctx, call, conc, dur)
	fmt.Printf("%.1f %d %d\n", float64(ok)/dur.Seconds(), bad, ok+bad)
	return nil
}

// warmUp makes one call, and fails early if three in a row fail (moto
// may close a kept-alive connection as a request goes out).
func warmUp(ctx context.Context, call caller) error {
	var err error
	for range 3 {
		if err = call(ctx); err == nil {
			return nil
		}
	}
	return err
}

// drive runs conc clients for dur and counts answers.
func drive(ctx context.Context, call caller, conc int, dur time.Duration) (ok, bad int64) {
	var okN, badN atomic.Int64
	var firstErr sync.Once
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if err := call(ctx); err != nil {
					badN.Add(1)
					firstErr.Do(func() { fmt.Fprintln(os.Stderr, "load: first error:", err) })
					continue
				}
				okN.Add(1)
			}
		})
	}
	wg.Wait()
	return okN.Load(), badN.Load()
}
