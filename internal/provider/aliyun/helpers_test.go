package aliyun

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// The adapter implements every capability the engine asks for.
var (
	_ provider.Provider           = (*Provider)(nil)
	_ provider.ClusterCreator     = (*Provider)(nil)
	_ provider.AttributeUpdater   = (*Provider)(nil)
	_ provider.Renewer            = (*Provider)(nil)
	_ provider.Terminator         = (*Provider)(nil)
	_ provider.Exporter           = (*Provider)(nil)
	_ provider.Operations         = (*Provider)(nil)
	_ provider.ApplicationLister  = (*Provider)(nil)
	_ provider.ReleaseLister      = (*Provider)(nil)
	_ provider.InstanceTypeLister = (*Provider)(nil)
	_ provider.RegionLister       = (*Provider)(nil)
	_ provider.Network            = (*Provider)(nil)
	_ provider.NodeGroupCreator   = (*Provider)(nil)
	_ provider.NodeScaler         = (*Provider)(nil)
	_ provider.AutoScaler         = (*Provider)(nil)
	_ provider.ScalingActivities  = (*Provider)(nil)
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testRegion is the region of the emulator's sandbox inventory.
const testRegion = "cn-hangzhou"

// newTestProvider returns a provider that drives the official generic
// client against an in-process emulator on an instant clock.
func newTestProvider(t *testing.T) (*Provider, *emulator.Server) {
	t.Helper()
	return newTestProviderVia(t, func(rt http.RoundTripper) http.RoundTripper { return rt })
}

// newTestProviderVia is newTestProvider with the emulator's transport
// wrapped by wrap.
func newTestProviderVia(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) (*Provider, *emulator.Server) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: ptr("access_key"), AccessKeyId: ptr(emulator.SandboxCredential.AccessKeyID), AccessKeySecret: ptr(emulator.SandboxCredential.AccessKeySecret),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Config{Region: testRegion, Endpoint: "sandbox.local", Insecure: true, Credential: cred, Transport: wrap(srv.Transport())})
	if err != nil {
		t.Fatal(err)
	}
	return New(c), srv
}

// examplesDir holds the example specs shipped with emrctl.
const examplesDir = "../../../examples"

// exampleFiles are the Alibaba examples, one per template.
func exampleFiles() []string {
	files := []string{"dev-cluster.yaml", "production-separated.yaml", "production-integrated.yaml", "spot-task.yaml"}
	sort.Strings(files)
	return files
}

// defaulted loads an example and applies SetDefaults.
func defaulted(t testing.TB, file string) *spec.Cluster {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, file))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	c, err := spec.Load(data)
	if err != nil {
		t.Fatalf("Load(%s): got error %v, want nil", file, err)
	}
	spec.SetDefaults(c)
	return c
}

// Fake secrets used by the tests; they must never show up in output.
const (
	fakeRDSPassword  = "HiveMeta-Rds-2024x"
	fakeRootPassword = "Root-Pa55-wordQ7"
)

// resolveFake resolves the example's secrets from fake variables.
func resolveFake(t *testing.T, c *spec.Cluster) *spec.Resolved {
	t.Helper()
	env := map[string]string{spec.DefaultMetastorePasswordEnv: fakeRDSPassword, spec.DefaultRootPasswordEnv: fakeRootPassword}
	r, err := spec.Resolve(c, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("Resolve: got error %v, want nil", err)
	}
	return r
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// prepared returns the RunCluster request PrepareCreate builds.
func prepared(t *testing.T, p *Provider, c *spec.Cluster, secrets *spec.Resolved) *ClusterRequest {
	t.Helper()
	r, err := p.PrepareCreate(c, secrets)
	if err != nil {
		t.Fatalf("PrepareCreate: got error %v, want nil", err)
	}
	cr, ok := r.(*ClusterRequest)
	if !ok {
		t.Fatalf("PrepareCreate: got %T, want *ClusterRequest", r)
	}
	return cr
}
