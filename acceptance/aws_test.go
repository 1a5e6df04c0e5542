package acceptance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
)

// TestAWS runs the aws_*.txtar scripts, each against its own moto_server on
// a free loopback port, with the current profile "moto" (provider aws,
// endpoint the server) and fake credentials. $MOTO_URL lets a script call
// the aws CLI against the same server. The other runs skip these scripts
// ([!aws] skip).
func TestAWS(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "aws_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no aws scripts: %v", err)
	}
	p := params(t, false)
	p.Dir, p.Files = "", files
	setup, cond := p.Setup, p.Condition
	p.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		srv, err := mototest.Start()
		if err != nil {
			if mototest.Required() {
				return fmt.Errorf("moto_server is required (EMRCTL_REQUIRE_MOTO=1): %w", err)
			}
			env.T().Skip("moto_server unavailable: ", err)
			return nil
		}
		env.Defer(func() { srv.Close() })
		// emrctl talks to moto through a proxy that can lose responses
		// (motodrop); the aws CLI talks to moto directly ($MOTO_URL).
		proxy, err := mototest.NewProxy(srv.URL)
		if err != nil {
			return err
		}
		env.Defer(proxy.Close)
		env.Values["proxy"] = proxy
		for _, kv := range srv.Env() {
			k, v, _ := strings.Cut(kv, "=")
			env.Setenv(k, v)
		}
		// A secret unlike any other text, so redaction of it is visible
		// and harmless.
		env.Setenv("AWS_SECRET_ACCESS_KEY", "moto-secret-not-for-cloud-use")
		env.Setenv("MOTO_URL", srv.URL)
		env.Setenv("HOME", env.WorkDir)
		if v := os.Getenv("PYENV_ROOT"); v != "" {
			env.Setenv("PYENV_ROOT", v)
		}
		cfg := "currentProfile: moto\nprofiles:\n  moto:\n    provider: aws\n    region: " + mototest.Region + "\n    endpoint: " + proxy.URL + "\n"
		dir := filepath.Join(env.WorkDir, ".config")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o600)
	}
	p.Condition = func(c string) (bool, error) {
		if c == "aws" {
			return true, nil
		}
		return cond(c)
	}
	if p.Cmds == nil {
		p.Cmds = map[string]func(*testscript.TestScript, bool, []string){}
	}
	p.Cmds["jsoneq"] = jsonEq
	p.Cmds["motodrop"] = motoDrop
	testscript.Run(t, p)
}

// motoDrop OP N makes the next N requests of the X-Amz-Target OP reach
// moto and lose their responses; "motodrop OP" alone prints how many
// requests of OP the proxy saw.
func motoDrop(ts *testscript.TestScript, neg bool, args []string) {
	proxy, _ := ts.Value("proxy").(*mototest.Proxy)
	if neg || proxy == nil || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: motodrop OP [N]")
	}
	if len(args) == 1 {
		fmt.Fprintf(ts.Stdout(), "%d\n", proxy.Seen(args[0]))
		return
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("motodrop: %v", err)
	}
	proxy.Drop(args[0], n)
}

// jsonEq A B checks that two files hold the same JSON value, whatever
// their formatting (the aws CLI indents by 4, emrctl by 2).
func jsonEq(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: jsoneq FILE1 FILE2")
	}
	var a, b any
	for i, v := range []*any{&a, &b} {
		if err := json.Unmarshal([]byte(ts.ReadFile(args[i])), v); err != nil {
			ts.Fatalf("%s: %v", args[i], err)
		}
	}
	diff := cmp.Diff(a, b)
	switch {
	case neg && diff == "":
		ts.Fatalf("%s and %s hold the same JSON", args[0], args[1])
	case !neg && diff != "":
		ts.Fatalf("%s and %s differ (-%s +%s):\n%s", args[0], args[1], args[0], args[1], diff)
	}
}
