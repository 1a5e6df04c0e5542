//go:build failpoints

package gateway

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// failpointEnv names the failpoint of a binary built with -tags
// failpoints: "PREFIX:N" kills the process with SIGKILL right after the
// N-th step of Store.Apply or Store.Rollback whose name starts with
// PREFIX ("write:3", "write manifest:1", "rename generation:1",
// "link:1", "switch:1"). The kill test of the built binary sets it; the
// production build has no failpoints and ignores it.
const failpointEnv = "EMRCTL_FAILPOINT_GATEWAY"

// installFailpoint sets s.afterStep from failpointEnv, when it is set.
func installFailpoint(s *Store) {
	v := os.Getenv(failpointEnv)
	if v == "" {
		return
	}
	prefix, n, err := parseFailpoint(v)
	if err != nil {
		// Only a test binary gets here, and a failpoint that never fires
		// would let its test pass for the wrong reason.
		panic(err)
	}
	s.afterStep = failpointHook(prefix, n, killSelf)
}

// failpointHook calls kill after the n-th step whose name starts with
// prefix.
func failpointHook(prefix string, n int, kill func()) func(step string) {
	seen := 0
	return func(step string) {
		if !strings.HasPrefix(step, prefix) {
			return
		}
		if seen++; seen == n {
			kill()
		}
	}
}

// parseFailpoint reads "PREFIX:N", N ≥ 1; the prefix may hold spaces and
// colons ("write etc/hadoop/conf/core-site.xml:1").
func parseFailpoint(v string) (prefix string, n int, err error) {
	i := strings.LastIndex(v, ":")
	if i <= 0 {
		return "", 0, fmt.Errorf("%s=%q: want PREFIX:N, such as write:3 or switch:1", failpointEnv, v)
	}
	n, err = strconv.Atoi(v[i+1:])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("%s=%q: N must be a whole number from 1, such as write:3", failpointEnv, v)
	}
	return v[:i], n, nil
}

// killSelf ends the process at once, as a power cut or kill -9 would: no
// deferred calls, no flushing.
func killSelf() {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		err = p.Kill()
	}
	if err != nil {
		panic(fmt.Sprintf("failpoint: cannot kill the process: %v", err))
	}
	// SIGKILL to oneself is acted on before kill(2) returns to user
	// space; should it not be, stop here rather than go on writing.
	select {}
}
