package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

func TestRedactConfig(t *testing.T) {
	secrets := redact.NewRegistry("Hive-Meta-pw-77")
	in := provider.ConfigFile{Application: "HIVE", Name: "hive-site.xml", Items: []provider.ConfigItem{
		{Key: "javax.jdo.option.ConnectionPassword", Value: "Hive-Meta-pw-77"},
		{Key: "fs.s3a.secret.key", Value: "abc"},
		{Key: "javax.jdo.option.ConnectionURL", Value: "jdbc:mysql://db/hive?password=Hive-Meta-pw-77"},
		{Key: "hive.metastore.uris", Value: "thrift://master:9083"},
	}}
	got := redactConfig(secrets, in)
	want := []provider.ConfigItem{
		{Key: "javax.jdo.option.ConnectionPassword", Value: redact.Marker},
		{Key: "fs.s3a.secret.key", Value: redact.Marker},
		{Key: "javax.jdo.option.ConnectionURL", Value: secrets.String("jdbc:mysql://db/hive?password=Hive-Meta-pw-77")},
		{Key: "hive.metastore.uris", Value: "thrift://master:9083"},
	}
	if diff := cmp.Diff(want, got.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if got.Items[2].Value == in.Items[2].Value {
		t.Errorf("connection URL: got %q unchanged, want the password removed", got.Items[2].Value)
	}
	if in.Items[0].Value != "Hive-Meta-pw-77" {
		t.Errorf("input changed: got %q, want it untouched", in.Items[0].Value)
	}
}
