package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// superuser is the role initdb creates; trust authentication on
	// loopback and the socket, so no password.
	superuser = "postgres"
	// readyTimeout bounds the wait for a started server to answer.
	readyTimeout = 30 * time.Second
	// initdbTimeout bounds initdb, which takes about a second.
	initdbTimeout = 2 * time.Minute
	// portAttempts is how often a start is retried when the free port
	// was taken between finding it and postgres binding it.
	portAttempts = 5
	// stopGrace is how long each shutdown mode (fast, then immediate)
	// may take before the next, harsher one.
	stopGrace = 10 * time.Second
)

// Files in a server's temporary directory.
const (
	dataDirName  = "data"
	sockDirName  = "sock"
	logFileName  = "postgres.log"
	ownerPIDName = "owner.pid"
	dirPattern   = "pgtest-*"
)

// errExited means the postmaster ended before it answered, most often
// because another process took its port first.
var errExited = errors.New("postgres exited before it accepted connections")

// account is the unprivileged user the server runs as when the tests run
// as root, because initdb and postgres refuse to run as root.
type account struct {
	name     string
	uid, gid uint32
}

// serverAccount returns the account to run the server as: nil (this
// process's) unless running as root, then postgres, else nobody.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New("tests run as root, which initdb refuses, and neither user postgres nor nobody exists " +
		"to run PostgreSQL as; create one (useradd --system postgres) or run the tests as an ordinary user")
}

// process is a started server program and the outcome of its Wait.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
	err  error         // Wait's result, set before done is closed
}

// startProcess starts cmd from a new goroutine: the death signal follows
// the thread that forked, not the process, and the runtime ends a thread
// early only when its goroutine locked it and exited; a new goroutine
// runs on an unlocked one.
func startProcess(cmd *exec.Cmd) (*process, error) {
	started := make(chan error, 1)
	go func() { started <- cmd.Start() }()
	if err := <-started; err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop asks for a fast shutdown (SIGINT: roll back, disconnect, exit),
// then an immediate one (SIGQUIT), then kills.
func (p *process) stop() error {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGQUIT} {
		err := p.cmd.Process.Signal(sig)
		if errors.Is(err, os.ErrProcessDone) {
			break
		}
		if err != nil { // the platform has no such signal
			_ = p.cmd.Process.Kill()
			break
		}
		select {
		case <-p.done:
			return nil
		case <-time.After(stopGrace):
		}
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("postgres (pid %d) ignored SIGINT and SIGQUIT for %s; killed it", p.cmd.Process.Pid, 2*stopGrace)
}

// launch creates a cluster in a new temporary directory and starts a
// server on a free loopback port.
func launch() (*Server, error) {
	bins, err := locateBinaries()
	if err != nil {
		return nil, err
	}
	owner, err := serverAccount()
	if err != nil {
		return nil, err
	}
	sweepStale(os.TempDir())
	dir, err := newServerDir(owner)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir}
	if err := s.initdb(bins, owner); err != nil {
		s.removeDir()
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err = s.startPostmaster(bins, owner)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errExited) || attempt == portAttempts {
			err = fmt.Errorf("%w\n%s", err, s.logTail(40))
			s.removeDir()
			return nil, err
		}
	}
}

// newServerDir makes the temporary directory of one server, records
// this process as its owner for sweepStale, and hands it to owner.
func newServerDir(owner *account) (string, error) {
	dir, err := os.MkdirTemp("", dirPattern)
	if err != nil {
		return "", fmt.Errorf("create the postgres directory: %w", err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", err
	}
	err = errors.Join(
		os.WriteFile(filepath.Join(dir, ownerPIDName), []byte(strconv.Itoa(os.Getpid())), 0o644),
		os.Mkdir(filepath.Join(dir, sockDirName), 0o700),
	)
	if err == nil && owner != nil {
		err = errors.Join(
			os.Chown(dir, int(owner.uid), int(owner.gid)),
			os.Chown(filepath.Join(dir, sockDirName), int(owner.uid), int(owner.gid)),
		)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("prepare the postgres directory %s: %w", dir, err)
	}
	return dir, nil
}

// command returns a server program's command: run as owner, in the
// server's directory, with a plain environment (no PG* variables of the
// caller), output appended to the log.
func (s *Server) command(ctx context.Context, owner *account, path string, args ...string) (*exec.Cmd, error) {
	attr, err := procAttr(owner)
	if err != nil {
		return nil, err
	}
	log, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open the postgres log: %w", err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir, "LC_ALL=C", "LANG=C", "TZ=UTC"}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = attr
	return cmd, nil
}

func (s *Server) initdb(bins binaries, owner *account) error {
	ctx, cancel := context.WithTimeout(context.Background(), initdbTimeout)
	defer cancel()
	cmd, err := s.command(ctx, owner, bins.initdb,
		"-D", s.dataDir(), "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	if err != nil {
		return err
	}
	proc, err := startProcess(cmd)
	closeLog(cmd)
	if err == nil {
		<-proc.done
		err = proc.err
	}
	if err == nil {
		return nil
	}
	hint := ""
	if owner != nil {
		hint = fmt.Sprintf(" (it runs as user %s, who must be able to reach %s; "+
			"if a directory above it is private, set TMPDIR to one every user can search, e.g. /tmp)", owner.name, s.dir)
	}
	return fmt.Errorf("initdb %s: %w%s\n%s", s.dataDir(), err, hint, s.logTail(40))
}

// startPostmaster runs postgres on a free port and waits until it
// answers there; errExited when it ended first.
func (s *Server) startPostmaster(bins binaries, owner *account) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	cmd, err := s.command(context.Background(), owner, bins.postgres,
		"-D", s.dataDir(),
		"-p", strconv.Itoa(port),
		"-k", filepath.Join(s.dir, sockDirName),
		"-c", "listen_addresses=127.0.0.1",
		// Tests need no durability, and many of them open pools.
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "shared_buffers=32MB",
		"-c", "max_connections=200",
		"-c", "logging_collector=off",
	)
	if err != nil {
		return err
	}
	proc, err := startProcess(cmd)
	closeLog(cmd)
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.Port, s.proc = port, proc
	s.URL = s.databaseURL(superuser)
	if err := s.waitReady(); err != nil {
		if !errors.Is(err, errExited) {
			_ = proc.stop()
		}
		s.Port, s.proc, s.URL = 0, nil, ""
		return err
	}
	return nil
}

// closeLog closes this process's copy of the log; a started child has
// its own.
func closeLog(cmd *exec.Cmd) {
	if f, ok := cmd.Stdout.(*os.File); ok {
		f.Close()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls until the server on s.Port is this one: answering, with
// this data directory (not another server that took the port).
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if last = s.ping(ctx); last == nil {
			return nil
		}
		select {
		case <-s.proc.done:
			return fmt.Errorf("%w (port %d): %v", errExited, s.Port, s.proc.err)
		case <-ctx.Done():
			return fmt.Errorf("postgres on port %d did not accept connections within %s: %v", s.Port, readyTimeout, last)
		case <-tick.C:
		}
	}
}

func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var dataDir string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&dataDir); err != nil {
		return err
	}
	if dataDir != s.dataDir() {
		return fmt.Errorf("port %d is served by another postgres (data directory %s)", s.Port, dataDir)
	}
	return nil
}

// databaseURL is the URL of database db on this server.
func (s *Server) databaseURL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, dataDirName) }
func (s *Server) logPath() string { return filepath.Join(s.dir, logFileName) }

// logTail returns the last n lines of the server log, for failures.
func (s *Server) logTail(n int) string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return fmt.Sprintf("(no postgres log: %v)", err)
	}
	b = bytes.TrimRight(b, "\n")
	if len(b) == 0 {
		return fmt.Sprintf("postgres log %s is empty", s.logPath())
	}
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("postgres log %s (last %d lines):\n%s", s.logPath(), len(lines), bytes.Join(lines, []byte("\n")))
}

// close stops the server and removes its directory.
func (s *Server) close() error {
	var err error
	if s.proc != nil {
		err = s.proc.stop()
	}
	s.removeDir()
	return err
}

func (s *Server) removeDir() { os.RemoveAll(s.dir) }

// sweepStale removes the directories of servers whose test binary was
// killed: the death signal ended their postgres, but nothing was left to
// remove the files. A directory is kept while its owner or its
// postmaster still exists, or when it records no owner (yet).
func sweepStale(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, dirPattern))
	for _, dir := range dirs {
		owner, ok := readPID(filepath.Join(dir, ownerPIDName))
		if !ok || alive(owner) {
			continue
		}
		if pm, ok := readPID(filepath.Join(dir, dataDirName, "postmaster.pid")); ok && alive(pm) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// readPID reads the number on the first line of a pid file.
func readPID(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	return pid, err == nil && pid > 0
}
