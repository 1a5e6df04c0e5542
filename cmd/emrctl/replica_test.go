package main

import (
	"strings"
	"time"
)

// replica is one 'emrctl serve --rest --mcp --allow-writes' process: a
// server replica of a team, reached by MCP clients, that a test can kill.
type replica struct {
	*mcpHTTP
	proc *bgProcess
}

// serveReplica starts 'emrctl serve --rest --mcp --allow-writes' on a free
// loopback port, on the bed's HOME, and returns once it listens. Its MCP
// clients send token (beside REST, /mcp needs one).
func (k *killBed) serveReplica(name, token string) *replica {
	k.t.Helper()
	cmd := k.command("serve", "--rest", "--mcp", "--listen", "127.0.0.1:0", "--allow-writes")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	p := startBackground(k.t, cmd, nil)
	const marker = "emrctl MCP server on "
	deadline := time.After(30 * time.Second)
	for {
		out, changed := stderr.next()
		if i := strings.Index(out, marker); i >= 0 {
			rest := out[i+len(marker):]
			if j := strings.IndexAny(rest, " \n"); j > 0 {
				return &replica{mcpHTTP: &mcpHTTP{t: k.t, name: name, url: rest[:j], stderr: stderr, token: token}, proc: p}
			}
		}
		select {
		case <-changed:
		case <-p.exited:
			k.t.Fatalf("replica %s (emrctl serve) ended before it listened:\n%s", name, stderr)
		case <-deadline:
			k.t.Fatalf("replica %s (emrctl serve) did not start listening within 30s:\n%s", name, stderr)
		}
	}
}

// kill ends the replica with SIGKILL, leaving it no chance to clean up,
// and returns once it has ended.
func (r *replica) kill() {
	r.t.Helper()
	if err := r.proc.cmd.Process.Kill(); err != nil {
		r.t.Fatalf("kill replica %s: %v", r.name, err)
	}
	<-r.proc.exited
}

// operatorToken creates an operator token in the bed's journal (shared by
// every HOME on the same database) and returns it.
func (k *killBed) operatorToken(name string) string {
	k.t.Helper()
	return strings.TrimSpace(k.run("token", "create", "--name", name, "--role", "operator"))
}
