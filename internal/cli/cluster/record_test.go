package cluster

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider/aliyun"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

// TestUnrecordedOutcomeFailsTheCommand: when the journal cannot record a
// write's outcome (another process holds its write lock for longer than
// the journal waits, through every retry), the command fails with a
// *engine.RecordError (exit 1) that says so, and the attempt stays open
// in the journal so that the next write on the target reconciles it.
func TestUnrecordedOutcomeFailsTheCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("waits through the journal's retries (about 10 s)")
	}
	ctx := context.Background()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.Open(ctx, jpath, journal.Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	eng, err := engine.New(engine.Options{
		Profile: "test", Provider: sandboxProvider(t, srv), Scope: "sandbox:test", Region: "cn-hangzhou", Sandbox: true, TimeScale: 1e6,
		Journal: j, Policy: policy.Default(), Secrets: redact.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := createDev(t, eng)

	ios, _, _, _ := iostreams.Test()
	dir := t.TempDir()
	env := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, Yes: true,
		OpenSession: func(context.Context, session.Options) (*session.Session, error) {
			return &session.Session{Name: "test", Engine: eng, Emulator: srv, Secrets: redact.NewRegistry()}, nil
		}}
	// The rename's answer takes a while: long enough to take the journal's
	// write lock from another connection while it is on its way.
	if err := srv.AddFault(emulator.FaultRule{Action: "UpdateClusterAttribute", Latency: emulator.Duration(500 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	release := holdJournalWhilePending(t, jpath, "UpdateClusterAttribute")

	cmd := newRenameCmd(f)
	cmd.SetArgs([]string{id, "renamed"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.ExecuteContext(ctx)
	release()

	var re *engine.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a *engine.RecordError", err)
	}
	if got := cmdutil.ExitCode(err); got != cmdutil.ExitError {
		t.Errorf("exit code: got %d, want %d", got, cmdutil.ExitError)
	}
	var printed bytes.Buffer
	cmdutil.PrintError(&printed, output.Table, err, redact.NewRegistry())
	for _, want := range []string{"could not be recorded in the journal", "stays open", "reconciles it"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("printed error %q does not say %q", printed.String(), want)
		}
	}
	es, err := j.List(ctx, journal.Filter{Operation: "UpdateClusterAttribute"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != re.JournalID || !es[0].Open() {
		t.Fatalf("journal entries: got %+v, want entry %d open (pending or unknown)", es, re.JournalID)
	}
	c, err := eng.GetCluster(ctx, id)
	if err != nil || c.Name != "renamed" {
		t.Errorf("cluster: got %v, %v; want it renamed (the write itself was applied)", c, err)
	}
}

// holdJournalWhilePending waits, in the background, for an attempt of
// operation to be pending in the journal at path and then holds the
// journal's write lock from a connection of its own until the returned
// function is called.
func holdJournalWhilePending(t *testing.T, path, operation string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	done, held := make(chan struct{}), make(chan error, 1)
	go func() {
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			held <- err
			return
		}
		defer conn.Close()
		for {
			var n int
			err := conn.QueryRowContext(ctx, `SELECT count(*) FROM attempts WHERE operation = ? AND status = 'pending'`, operation).Scan(&n)
			if err == nil && n > 0 {
				break
			}
			select {
			case <-done:
				held <- errors.New("no pending attempt appeared while the command ran")
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
			held <- err
			return
		}
		held <- nil
		<-done
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
	}()
	return func() {
		close(done)
		if err := <-held; err != nil {
			t.Fatalf("holding the journal's lock: %v", err)
		}
	}
}

func sandboxProvider(t *testing.T, srv *emulator.Server) *aliyun.Provider {
	t.Helper()
	id, secret, typ := emulator.SandboxCredential.AccessKeyID, emulator.SandboxCredential.AccessKeySecret, "access_key"
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := aliyun.NewClient(aliyun.Config{Region: "cn-hangzhou", Endpoint: "emr.test", Insecure: true, Credential: cred, Transport: srv.Transport(), ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return aliyun.New(c)
}

func createDev(t *testing.T, eng *engine.Engine) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "dev-cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.CreateCluster(context.Background(), engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: approve{}},
		engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	return res.ClusterID
}
