package sandbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/cli/sandbox"
	"github.com/emrctl/emrctl/internal/emulator"
)

// serveArgs are the flags every serve test starts from: a free port, a
// port file, state in memory.
func serveArgs(portFile string, extra ...string) []string {
	return append([]string{"serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--memory", "--quiet", "--speed", "0"}, extra...)
}

// TestServeRefusesBadOptions: every bad value is a usage error naming the
// flag or field and the value, given before the server listens, and no
// secret appears in it.
func TestServeRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badKeys := write("bad-keys.txt", "# test keys\nLTAI5tOkKey0001:ok-secret\n\nLTAI5tBadKey0002 SECRETVALUE3\n")
	unknownField := write("unknown.yaml", "rate: 10\nrates: 20\n")
	badRate := write("bad-rate.yaml", "rate: fast\n")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"rate not a number", []string{"--rate", "fast"}, []string{"--rate", `"fast"`, "off"}},
		{"rate zero", []string{"--rate", "0"}, []string{"--rate", `"0"`, "above 0"}},
		{"burst zero", []string{"--burst", "0"}, []string{"--burst 0", "at least 1"}},
		{"rate-for without limit", []string{"--rate-for", "ListClusters"}, []string{"--rate-for", `"ListClusters"`, "ACTION=RATE/BURST"}},
		{"rate-for bad rate", []string{"--rate-for", "ListClusters=fast/10"}, []string{"--rate-for ListClusters", `"fast"`}},
		{"rate-for bad burst", []string{"--rate-for", "ListClusters=5/0"}, []string{"--rate-for ListClusters", `burst "0"`, "ListClusters=5/400"}},
		{"rate-for twice", []string{"--rate-for", "GetCluster=5", "--rate-for", "GetCluster=off"}, []string{"GetCluster is given twice"}},
		{"rate-for unknown action", []string{"--rate-for", "ListCluster=5"}, []string{"--rate-for ListCluster", "no action ListCluster", "ListClusters"}},
		{"rate-for hostile action", []string{"--rate-for", "List\x1b[31mX\nfix: run rm=5"}, []string{"--rate-for", `"List\x1b[31mX\nfix: run rm=5"`, "ACTION=RATE/BURST"}},
		{"key without secret", []string{"--key", "SECRETVALUE1"}, []string{"--key #1", "ACCESS_KEY_ID:SECRET"}},
		{"key reusing the sandbox ID", []string{"--key", emulator.SandboxCredential.AccessKeyID + ":SECRETVALUE2"}, []string{"--key #1", emulator.SandboxCredential.AccessKeyID, "already the sandbox key pair"}},
		{"key given twice", []string{"--key", "LTAI5tTwice0001:SECRETVALUE4", "--key", "LTAI5tTwice0001:SECRETVALUE5"}, []string{"--key #2", "LTAI5tTwice0001", "already given by --key #1"}},
		{"keys file bad line", []string{"--keys-file", badKeys}, []string{"--keys-file " + badKeys + " line 4", "ACCESS_KEY_ID:SECRET"}},
		{"keys file missing", []string{"--keys-file", filepath.Join(dir, "none.txt")}, []string{"--keys-file", "none.txt"}},
		{"config unknown field", []string{"--config", unknownField}, []string{"--config " + unknownField, "rates", "rateFor"}},
		{"config bad rate", []string{"--config", badRate}, []string{"rate in " + badRate, `"fast"`}},
		{"negative speed", []string{"--speed", "-1"}, []string{"--speed -1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			portFile := filepath.Join(t.TempDir(), "port")
			p := newProcess(t, dir)
			cmd := sandbox.NewCmd(p.f)
			cmd.SetArgs(serveArgs(portFile, c.args...))
			cmd.SetOut(p.out)
			cmd.SetErr(p.errOut)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := cmd.ExecuteContext(ctx)
			if err == nil {
				t.Fatal("serve started; want a usage error")
			}
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) {
				t.Errorf("got %T %v, want a *cmdutil.FlagError (exit 2)", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRETVALUE") || strings.Contains(p.errOut.String(), "SECRETVALUE") {
				t.Errorf("a secret was printed: %q / %q", err, p.errOut)
			}
			if _, err := os.Stat(portFile); err == nil {
				t.Error("the port file was written: the server listened before refusing")
			}
		})
	}
}

// served is a 'sandbox serve' running in the test.
type served struct {
	addr   string
	banner string
}

// startServe runs 'sandbox serve' with args until the test ends.
func startServe(t *testing.T, args ...string) served {
	t.Helper()
	dir := t.TempDir()
	portFile := filepath.Join(dir, "port")
	p := newProcess(t, dir)
	cmd := sandbox.NewCmd(p.f)
	cmd.SetArgs(serveArgs(portFile, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if raw, err := os.ReadFile(portFile); err == nil && len(raw) > 0 {
			return served{addr: strings.TrimSpace(string(raw)), banner: p.errOut.String()}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("serve wrote no port file within 10 s")
	return served{}
}

// call sends one EMR action signed by the official SDK with cred and
// returns the error code ("" on success).
func (s served) call(t *testing.T, cred emulator.Credential, name string, query map[string]string) string {
	t.Helper()
	cl, err := openapi.NewClient(&openapi.Config{
		AccessKeyId: dara.String(cred.AccessKeyID), AccessKeySecret: dara.String(cred.AccessKeySecret),
		Endpoint: dara.String(s.addr), Protocol: dara.String("HTTP"), RegionId: dara.String("cn-hangzhou"),
	})
	if err != nil {
		t.Fatal(err)
	}
	cl.DisableSDKError = dara.Bool(true) // typed errors that carry the code
	q := map[string]*string{"RegionId": dara.String("cn-hangzhou")}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	// The EMR 2021-03-20 contract's parameters of an RPC action.
	params := &openapiutil.Params{
		Action: dara.String(name), Version: dara.String("2021-03-20"), Protocol: dara.String("HTTPS"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	_, err = cl.CallApiWithCtx(context.Background(), params, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{Autoretry: dara.Bool(false)})
	if err == nil {
		return ""
	}
	var se interface{ GetCode() *string }
	if errors.As(err, &se) && se.GetCode() != nil {
		return *se.GetCode()
	}
	t.Fatalf("%s: %v", name, err)
	return ""
}

var extraKey = emulator.Credential{AccessKeyID: "LTAI5tServeTest0001", AccessKeySecret: "SECRETVALUE-serve-test"}

// TestServeConfigFileLimitsAndKeys: limits and a keys file from --config
// reach the server; an extra key pair signs, an unknown one is refused;
// the banner names key IDs and limits but no secret.
func TestServeConfigFileLimitsAndKeys(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keys.txt"), []byte("# extra keys\n"+extraKey.AccessKeyID+":"+extraKey.AccessKeySecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "sandbox.yaml")
	if err := os.WriteFile(cfg, []byte("rate: off\nrateFor:\n  ListClusters: 0.001/2\nkeysFile: keys.txt\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--config", cfg)
	for i := range 2 {
		if code := s.call(t, extraKey, "ListClusters", nil); code != "" {
			t.Fatalf("ListClusters %d with the extra key: got %s, want success", i+1, code)
		}
	}
	if code := s.call(t, extraKey, "ListClusters", nil); code != "Throttling.User" {
		t.Errorf("third ListClusters: got %q, want Throttling.User (rateFor ListClusters 0.001/2)", code)
	}
	for i := range 120 {
		if code := s.call(t, extraKey, "ListReleaseVersions", map[string]string{"ClusterType": "DATALAKE"}); code != "" {
			t.Fatalf("ListReleaseVersions %d: got %s, want success (rate off)", i+1, code)
		}
	}
	unknown := emulator.Credential{AccessKeyID: "LTAI5tServeTest0002", AccessKeySecret: extraKey.AccessKeySecret}
	if code := s.call(t, unknown, "ListClusters", nil); code != "InvalidAccessKeyId.NotFound" {
		t.Errorf("unknown key: got %q, want InvalidAccessKeyId.NotFound", code)
	}
	for _, w := range []string{extraKey.AccessKeyID, emulator.SandboxCredential.AccessKeyID, "throttling off", "ListClusters 0.001/s burst 2"} {
		if !strings.Contains(s.banner, w) {
			t.Errorf("banner %q does not mention %q", s.banner, w)
		}
	}
	if strings.Contains(s.banner, "SECRETVALUE") || strings.Contains(s.banner, emulator.SandboxCredential.AccessKeySecret) {
		t.Errorf("banner prints a secret: %q", s.banner)
	}
}

// TestServeFlagsWinOverConfig: --rate-for on the command line replaces the
// file's limit for the same action, and --key adds to the file's keys.
func TestServeFlagsWinOverConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.yaml")
	if err := os.WriteFile(cfg, []byte("rate: 0.001\nburst: 1\nrateFor:\n  ListClusters: 0.001/1\nkeys: [\"LTAI5tServeTest0003:SECRETVALUE-file\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--config", cfg, "--rate-for", "ListClusters=off", "--key", extraKey.AccessKeyID+":"+extraKey.AccessKeySecret)
	for i := range 5 {
		if code := s.call(t, extraKey, "ListClusters", nil); code != "" {
			t.Fatalf("ListClusters %d: got %s, want success (--rate-for ListClusters=off wins)", i+1, code)
		}
	}
	fileKey := emulator.Credential{AccessKeyID: "LTAI5tServeTest0003", AccessKeySecret: "SECRETVALUE-file"}
	if code := s.call(t, fileKey, "ListReleaseVersions", map[string]string{"ClusterType": "DATALAKE"}); code != "" {
		t.Fatalf("first ListReleaseVersions with the file's key: got %s, want success", code)
	}
	if code := s.call(t, fileKey, "ListReleaseVersions", map[string]string{"ClusterType": "DATALAKE"}); code != "Throttling.User" {
		t.Errorf("second ListReleaseVersions: got %q, want Throttling.User (the file's rate 0.001, burst 1)", code)
	}
}
