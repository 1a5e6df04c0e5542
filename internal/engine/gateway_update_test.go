package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

func coreSite(id string, items ...provider.ConfigItem) ClientConfigChange {
	return ClientConfigChange{ClusterID: id, Application: "hdfs", File: "core-site.xml", Items: items}
}

func (b *bed) configValue(id, app, file, key string) string {
	b.t.Helper()
	files, err := b.eng.ClientConfigsForDeploy(context.Background(), id, []string{app})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, f := range files {
		for _, it := range f.Items {
			if f.Name == file && it.Key == key {
				return it.Value
			}
		}
	}
	return ""
}

// TestUpdateClientConfig sets a key through the pipeline: confirmed with
// the old and new value, sent once, read back; the same set again is
// unchanged and neither asks nor sends.
func TestUpdateClientConfig(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ctx := context.Background()
	in := coreSite(id, provider.ConfigItem{Key: "fs.trash.interval", Value: "120"})

	y := &yes{}
	out, err := b.eng.UpdateClientConfig(ctx, scriptCall(y), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusSent {
		t.Errorf("status: got %s, want %s", out.Status, StatusSent)
	}
	if len(y.asked) != 1 {
		t.Fatalf("confirmations: got %d, want 1", len(y.asked))
	}
	impact := y.asked[0].Summary.Impact.String()
	for _, want := range []string{`"fs.trash.interval": "1440" -> "120"`, "not refreshed"} {
		if !strings.Contains(impact, want) {
			t.Errorf("impact %q lacks %q", impact, want)
		}
	}
	if got := b.configValue(id, "HDFS", "core-site.xml", "fs.trash.interval"); got != "120" {
		t.Errorf("fs.trash.interval after the set: got %q, want 120", got)
	}
	if es := b.entries("UpdateApplicationConfigs"); len(es) != 1 || es[0].Target != id+"/config" {
		t.Fatalf("journal entries: got %d (%v), want 1 with target %s/config", len(es), es, id)
	}

	again := &yes{}
	out, err = b.eng.UpdateClientConfig(ctx, scriptCall(again), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusUnchanged || len(again.asked) != 0 {
		t.Errorf("repeat: got status %s and %d confirmations, want %s and none", out.Status, len(again.asked), StatusUnchanged)
	}
	if es := b.entries("UpdateApplicationConfigs"); len(es) != 1 {
		t.Errorf("journal entries after the repeat: got %d, want 1", len(es))
	}
}

// TestUpdateClientConfigSecret: a person's change of a secret key shows
// and journals no value; an agent's is refused before anything is sent.
func TestUpdateClientConfigSecret(t *testing.T) {
	b := newBed(t)
	c := loadExample(t, "dev-cluster.yaml")
	c.Applications = append(c.Applications, "JINDOSDK")
	res, err := b.eng.CreateCluster(context.Background(), scriptCall(&yes{}), CreateClusterInput{Spec: c, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	id := res.ClusterID
	ctx := context.Background()
	const value = "com.example.VerySecretProvider42"
	in := ClientConfigChange{ClusterID: id, Application: "JINDOSDK", File: "jindosdk.cfg",
		Items: []provider.ConfigItem{{Key: "fs.oss.credentials.provider", Value: value}}}

	var pe *PolicyError
	_, err = b.eng.UpdateClientConfig(ctx, Call{Actor: policy.Actor{Kind: policy.Agent, Name: "bot"}, Confirm: &yes{}}, in)
	if !errors.As(err, &pe) || pe.Limit != policy.RuleSecretConfig {
		t.Fatalf("agent: got %v, want a PolicyError of %s", err, policy.RuleSecretConfig)
	}
	if es := b.entries("UpdateApplicationConfigs"); len(es) != 0 {
		t.Fatalf("agent: journal entries: got %d, want none", len(es))
	}

	y := &yes{}
	if _, err := b.eng.UpdateClientConfig(ctx, scriptCall(y), in); err != nil {
		t.Fatal(err)
	}
	if got := b.configValue(id, "JINDOSDK", "jindosdk.cfg", "fs.oss.credentials.provider"); got != value {
		t.Errorf("value after the set: got %q, want the new one", got)
	}
	es := b.entries("UpdateApplicationConfigs")
	if len(es) != 1 {
		t.Fatalf("journal entries: got %d, want 1", len(es))
	}
	for what, s := range map[string]string{"journal params": string(es[0].Params), "logs": b.logs.String(), "impact": y.asked[0].Summary.Impact.String()} {
		if strings.Contains(s, value) {
			t.Errorf("%s show the secret value: %s", what, s)
		}
	}
}

// TestUpdateClientConfigRefusesInput names the field of each problem and
// sends nothing.
func TestUpdateClientConfigRefusesInput(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	item := provider.ConfigItem{Key: "fs.trash.interval", Value: "120"}
	tests := []struct {
		name   string
		in     ClientConfigChange
		fields []string
	}{
		{name: "bad cluster ID", in: ClientConfigChange{ClusterID: "j-ABC", Application: "HDFS", File: "core-site.xml", Items: []provider.ConfigItem{item}}, fields: []string{"cluster ID"}},
		{name: "not a gateway app", in: ClientConfigChange{ClusterID: id, Application: "ZOOKEEPER", File: "zoo.cfg", Items: []provider.ConfigItem{item}}, fields: []string{"app"}},
		{name: "file with a directory", in: ClientConfigChange{ClusterID: id, Application: "HDFS", File: "../core-site.xml", Items: []provider.ConfigItem{item}}, fields: []string{"file"}},
		{name: "no items", in: ClientConfigChange{ClusterID: id, Application: "HDFS", File: "core-site.xml"}, fields: []string{"items"}},
		{name: "empty key and twice", in: coreSite(id, provider.ConfigItem{Value: "1"}, item, item), fields: []string{"key", "key"}},
		{name: "control character in value", in: coreSite(id, provider.ConfigItem{Key: "fs.trash.interval", Value: "1\x1b[2J"}), fields: []string{"value of fs.trash.interval"}},
		{name: "key the file lacks", in: coreSite(id, provider.ConfigItem{Key: "fs.no.such.key", Value: "1"}), fields: []string{"key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.eng.UpdateClientConfig(context.Background(), scriptCall(&yes{}), tt.in)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an InputError", err)
			}
			var fields []string
			for _, p := range ie.Problems {
				fields = append(fields, p.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if es := b.entries("UpdateApplicationConfigs"); len(es) != 0 {
		t.Errorf("journal entries: got %d, want none", len(es))
	}
}

func TestUpdateClientConfigValueLeadingDash(t *testing.T) {
	if err := configValueText(provider.ConfigItem{Key: "HADOOP_OPTS", Value: "-Xmx2g"}); err != nil {
		t.Errorf("a JVM option: got %v, want no error", err)
	}
	err := configValueText(provider.ConfigItem{Key: "javax.jdo.option.ConnectionPassword", Value: "zq9\x00"})
	if err == nil || strings.Contains(err.Error(), "zq9") {
		t.Errorf("a secret with a control character: got %v, want an error without the value", err)
	}
}
