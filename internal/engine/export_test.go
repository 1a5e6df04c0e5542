package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

func TestExportRoundTripsThroughCreate(t *testing.T) {
	env := newReadEnv(t)
	src := env.create(example(t, "dev-cluster.yaml"))
	res, err := env.eng.ExportCluster(context.Background(), src, engine.ExportOptions{Name: "dev-clone"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		if !p.Warning {
			t.Errorf("exported spec has a problem: %s: %s", p.Field, p.Problem)
		}
	}
	loaded, err := spec.Load([]byte(res.YAML))
	if err != nil {
		t.Fatalf("the exported YAML does not load: %v", err)
	}
	if loaded.Name != "dev-clone" || loaded.Network == nil || loaded.Network.ZoneID != "cn-hangzhou-h" || len(loaded.NodeGroups) != 2 {
		t.Errorf("exported spec: got name %q, network %+v, %d groups", loaded.Name, loaded.Network, len(loaded.NodeGroups))
	}
	clone := env.create(loaded)
	c, err := env.eng.WaitCluster(context.Background(), clone, engine.WaitOptions{})
	if err != nil {
		t.Fatalf("the clone did not come up: %v", err)
	}
	orig, err := env.eng.GetCluster(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	network := func(c *provider.Cluster) provider.AliyunInfo {
		a := *c.Aliyun
		a.CreateOperationID = ""
		return a
	}
	if diff := cmp.Diff(network(orig), network(c)); diff != "" {
		t.Errorf("clone's network differs from the source's (-source +clone):\n%s", diff)
	}
	if c.Type != orig.Type || c.ReleaseVersion != orig.ReleaseVersion || c.DeployMode != orig.DeployMode {
		t.Errorf("clone: got %s %s %s, want %s %s %s", c.Type, c.ReleaseVersion, c.DeployMode, orig.Type, orig.ReleaseVersion, orig.DeployMode)
	}
}

func TestExportNeverCarriesPasswords(t *testing.T) {
	const password = "Sandbox2025pw"
	env := newReadEnv(t)
	c := example(t, "dev-cluster.yaml", "  keyPairName: emrctl-sandbox\n", "  masterRootPasswordEnv: ROOT_PW\n")
	res, err := env.eng.CreateCluster(context.Background(), env.call(), engine.CreateClusterInput{
		Spec: c, Getenv: func(k string) (string, bool) { return password, k == "ROOT_PW" },
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := env.eng.ExportCluster(context.Background(), res.ClusterID, engine.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.YAML, password) {
		t.Errorf("the export shows the password:\n%s", out.YAML)
	}
	if !strings.Contains(out.YAML, "masterRootPasswordEnv:") {
		t.Errorf("the export does not name the password variable:\n%s", out.YAML)
	}
	if !hasProblem(out.Problems, "name") {
		t.Errorf("problems %+v: want a note that the clone keeps the source's name", out.Problems)
	}
}

func hasProblem(ps []engine.FieldProblem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

func TestExportErrors(t *testing.T) {
	env := newReadEnv(t)
	var ie *engine.InputError
	if _, err := env.eng.ExportCluster(context.Background(), "cluster-1", engine.ExportOptions{}); !errors.As(err, &ie) {
		t.Errorf("bad ID: got %v, want an input error", err)
	}
	if _, err := env.eng.ExportCluster(context.Background(), "c-0000000000000000", engine.ExportOptions{}); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("unknown cluster: got %v, want not found", err)
	}
	id := env.create(example(t, "dev-cluster.yaml"))
	if _, err := env.eng.ExportCluster(context.Background(), id, engine.ExportOptions{Name: "bad;name"}); !errors.As(err, &ie) {
		t.Errorf("bad name: got %v, want an input error", err)
	}
}
