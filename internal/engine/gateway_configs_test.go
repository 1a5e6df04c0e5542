package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

func fileNames(files []provider.ConfigFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Application+"/"+f.Name)
	}
	return out
}

func itemValue(files []provider.ConfigFile, app, file, key string) string {
	for _, f := range files {
		for _, it := range f.Items {
			if f.Application == app && f.Name == file && it.Key == key {
				return it.Value
			}
		}
	}
	return ""
}

// TestClientConfigsOnSandbox reads a sandbox cluster's configuration
// through the engine: the apps asked for, in any case; without apps, only
// the gateway applications (no ZOOKEEPER, MYSQL).
func TestClientConfigsOnSandbox(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml", "name: dev-datalake", "name: configs"))
	ctx := context.Background()

	files, err := env.eng.ClientConfigs(ctx, id, []string{"hdfs", "YARN", "HDFS"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"HDFS/core-site.xml", "HDFS/hadoop-env.sh", "HDFS/hdfs-site.xml", "YARN/mapred-site.xml", "YARN/yarn-site.xml"}
	if diff := cmp.Diff(want, fileNames(files)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if fs := itemValue(files, "HDFS", "core-site.xml", "fs.defaultFS"); !strings.Contains(fs, id) {
		t.Errorf("fs.defaultFS: got %q, want the master host of %s", fs, id)
	}

	all, err := env.eng.ClientConfigs(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	apps := map[string]bool{}
	for _, f := range all {
		apps[f.Application] = true
	}
	if diff := cmp.Diff(map[string]bool{"HDFS": true, "YARN": true, "HIVE": true, "SPARK3": true}, apps); diff != "" {
		t.Errorf("applications without --app (-want +got):\n%s", diff)
	}
}

// TestClientConfigsRefusesInput checks input before anything is sent.
func TestClientConfigsRefusesInput(t *testing.T) {
	env := newReadEnv(t)
	tests := []struct {
		name       string
		cluster    string
		apps       []string
		wantFields []string
	}{
		{name: "empty cluster ID", cluster: "", wantFields: []string{"cluster ID"}},
		{name: "malformed cluster ID", cluster: "j-ABC", apps: []string{"HDFS"}, wantFields: []string{"cluster ID"}},
		{name: "unknown app", cluster: "c-0123456789abcdef", apps: []string{"HADOOP"}, wantFields: []string{"app"}},
		{name: "two unknown apps and a good one", cluster: "c-0123456789abcdef", apps: []string{"spark", "HDFS", ""}, wantFields: []string{"app", "app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.eng.ClientConfigs(context.Background(), tt.cluster, tt.apps)
			var ie *engine.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got error %v, want an InputError", err)
			}
			var fields []string
			for _, p := range ie.Problems {
				fields = append(fields, p.Field)
				if p.Field == "app" && !strings.Contains(p.Fix, "SPARK3") {
					t.Errorf("fix for app: got %q, want the list of applications", p.Fix)
				}
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClientConfigsAWS reads a moto cluster's configuration: its
// Configurations and the master's address.
func TestClientConfigsAWS(t *testing.T) {
	b := motoBed(t, startMoto(t))
	id := b.create(groupsSpec + `  configurations:
    - {classification: spark-defaults, properties: {spark.executor.memory: 4g}}
    - {classification: hive-site, properties: {javax.jdo.option.ConnectionPassword: not-shown-9}}
`)
	files, err := b.eng.ClientConfigs(context.Background(), id, []string{"HDFS", "SPARK3", "HIVE"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"HDFS/core-site.xml", "HIVE/hive-site.xml", "SPARK3/spark-defaults.conf"}
	if diff := cmp.Diff(want, fileNames(files)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if fs := itemValue(files, "HDFS", "core-site.xml", "fs.defaultFS"); !strings.HasPrefix(fs, "hdfs://") || !strings.HasSuffix(fs, ":8020") {
		t.Errorf("fs.defaultFS: got %q, want hdfs://MASTER:8020", fs)
	}
	if got := itemValue(files, "SPARK3", "spark-defaults.conf", "spark.executor.memory"); got != "4g" {
		t.Errorf("spark.executor.memory: got %q, want 4g", got)
	}
	if got := itemValue(files, "HIVE", "hive-site.xml", "javax.jdo.option.ConnectionPassword"); got != redact.Marker {
		t.Errorf("ConnectionPassword: got %q, want %s", got, redact.Marker)
	}
}
