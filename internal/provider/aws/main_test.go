package aws

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
	"github.com/emrctl/emrctl/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// moto is the server every moto test of this package shares; nil when it
// could not be started (motoErr says why).
var (
	moto    *mototest.Server
	motoErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	moto, motoErr = mototest.Start()
	code := m.Run()
	if moto != nil {
		moto.Close()
	}
	os.Exit(code)
}

// motoProvider returns a Provider on the shared moto server, reset to
// empty. Without moto the test is skipped, or fails when moto is required.
func motoProvider(t *testing.T) *Provider {
	t.Helper()
	if moto == nil {
		if mototest.Required() {
			t.Fatalf("moto_server is required (EMRCTL_REQUIRE_MOTO=1): %v", motoErr)
		}
		t.Skipf("moto_server unavailable: %v", motoErr)
	}
	if err := moto.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	return providerAt(t, moto.URL)
}

// providerAt returns a Provider on endpoint with fake credentials.
func providerAt(t *testing.T, endpoint string) *Provider {
	t.Helper()
	p, err := New(context.Background(), Config{
		Region: mototest.Region, Endpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider(mototest.AccessKeyID, mototest.SecretAccessKey, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// loadSpec reads, defaults and validates a spec from testdata.
func loadSpec(t *testing.T, name string) *spec.Cluster {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	spec.SetDefaults(c)
	for _, p := range spec.Validate(c, spec.DefaultValidateOptions()) {
		if p.Severity != spec.Warning {
			t.Fatalf("%s: %s: %s", name, p.Path, p.Message)
		}
	}
	return c
}

// create runs a testdata spec on moto and returns the cluster ID.
func create(t *testing.T, p *Provider, name, tag string) string {
	t.Helper()
	r, err := BuildCluster(loadSpec(t, name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.CreateCluster(context.Background(), r, tag)
	if err != nil {
		t.Fatalf("RunJobFlow: %v", err)
	}
	if len(res.IDs) != 1 || res.RequestID == "" {
		t.Fatalf("RunJobFlow result: got %+v, want one cluster ID and a request ID", res)
	}
	return res.IDs[0]
}
