package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// command is one line of a measure spec: "NAME<TAB>ARGV..." runs a
// program (argv split on spaces, no shell); "NAME<TAB>@amz-json URL
// TARGET" times one raw HTTP request to an AWS JSON API (no signing:
// moto does not check it), the server's own answer time as a client with
// no start-up cost sees it.
type command struct {
	name string
	argv []string
}

// sample is one run: wall and CPU seconds, peak RSS in KiB.
type sample struct {
	wall, cpu float64
	rssKiB    int64
}

// measure runs every command of the spec once per round, rounds times,
// interleaved (so drift hits all alike), and prints one line per command:
// NAME WALL_S CPU_S RSS_MIB, medians.
func measure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	rounds := fs.Int("runs", 7, "rounds")
	specFile := fs.String("spec", "", "file of NAME<TAB>COMMAND lines")
	_ = fs.Parse(args)
	cmds, err := readSpec(*specFile)
	if err != nil {
		return err
	}
	got := make([][]sample, len(cmds))
	for range *rounds {
		for i, c := range cmds {
			s, err := runOnce(c)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			got[i] = append(got[i], s)
		}
	}
	for i, c := range cmds {
		fmt.Printf("%s\t%.4f\t%.4f\t%.1f\n", c.name, median(got[i], func(s sample) float64 { return s.wall }),
			median(got[i], func(s sample) float64 { return s.cpu }),
			median(got[i], func(s sample) float64 { return float64(s.rssKiB) / 1024 }))
	}
	return nil
}

func readSpec(path string) ([]command, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []command
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, line, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		out = append(out, command{name: name, argv: strings.Fields(line)})
	}
	if len(out) == 0 {
		return nil, errors.New("-spec: no NAME<TAB>COMMAND lines")
	}
	return out, sc.Err()
}

func runOnce(c command) (sample, error) {
	if c.argv[0] == "@amz-json" {
		return rawRequest(c.argv[1:])
	}
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start).Seconds()
	if err != nil {
		return sample{}, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	st := cmd.ProcessState
	ru, _ := st.SysUsage().(*syscall.Rusage)
	s := sample{wall: wall, cpu: (st.UserTime() + st.SystemTime()).Seconds()}
	if ru != nil {
		s.rssKiB = ru.Maxrss
	}
	return s, nil
}

// rawRequest POSTs {} with X-Amz-Target on a fresh connection.
func rawRequest(args []string) (sample, error) {
	if len(args) != 2 {
		return sample{}, errors.New("@amz-json wants URL and TARGET")
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, args[0], strings.NewReader("{}"))
	if err != nil {
		return sample{}, err
	}
	req.Header.Set("X-Amz-Target", args[1])
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/elasticmapreduce/aws4_request, SignedHeaders=host, Signature=0")
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return sample{}, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wall := time.Since(start).Seconds()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return sample{wall: wall}, err
}

func median(ss []sample, f func(sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	return v[len(v)/2]
}
