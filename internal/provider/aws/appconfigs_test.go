package aws

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

var _ provider.ClientConfigs = (*Provider)(nil)

// createWith creates groups.yaml with extra configurations.
func createWith(t *testing.T, p *Provider, tag string, extra ...spec.AWSConfiguration) string {
	t.Helper()
	c := loadSpec(t, "groups.yaml")
	c.AWS.Configurations = append(c.AWS.Configurations, extra...)
	r, err := BuildCluster(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.CreateCluster(context.Background(), r, tag)
	if err != nil {
		t.Fatalf("RunJobFlow: %v", err)
	}
	return res.IDs[0]
}

// TestClientConfigsFromMoto maps a moto cluster's Configurations to files
// and fills in the master's address where the configuration has none.
func TestClientConfigsFromMoto(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	core := spec.AWSConfiguration{Classification: "core-site", Properties: map[string]string{"fs.defaultFS": "hdfs://nn.example.internal:8020", "io.file.buffer.size": "65536"}}
	hive := spec.AWSConfiguration{Classification: "hive-site", Properties: map[string]string{"javax.jdo.option.ConnectionURL": "jdbc:mysql://db:3306/hive"}}
	id := createWith(t, p, "token-cfg", core, hive)
	c, err := p.GetCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	master := c.AWS.MasterPublicDNS
	if master == "" {
		t.Fatalf("moto gave no master DNS name for %s", id)
	}

	got, err := p.ClientConfigs(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.ConfigFile{
		{Application: "HDFS", Name: "core-site.xml", Format: provider.FormatXML, Items: []provider.ConfigItem{
			{Key: "fs.defaultFS", Value: "hdfs://nn.example.internal:8020"}, // set by the cluster: kept
			{Key: "io.file.buffer.size", Value: "65536"},
		}},
		{Application: "HDFS", Name: "hadoop-env.sh", Format: provider.FormatShell, Items: []provider.ConfigItem{{Key: "JAVA_HOME", Value: "/usr/lib/jvm/java-17"}}},
		{Application: "HIVE", Name: "hive-site.xml", Format: provider.FormatXML, Items: []provider.ConfigItem{
			{Key: "hive.metastore.uris", Value: "thrift://" + master + ":9083"}, // Hive installed: the master's metastore
			{Key: "javax.jdo.option.ConnectionURL", Value: "jdbc:mysql://db:3306/hive"},
		}},
		{Application: "SPARK3", Name: "spark-defaults.conf", Format: provider.FormatSpark, Items: []provider.ConfigItem{{Key: "spark.dynamicAllocation.enabled", Value: "true"}}},
		{Application: "YARN", Name: "yarn-site.xml", Format: provider.FormatXML, Items: []provider.ConfigItem{{Key: "yarn.resourcemanager.hostname", Value: master}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}

	plain := createWith(t, p, "token-plain")
	pc, err := p.GetCluster(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	hdfs, err := p.ClientConfigs(ctx, plain, []string{"HDFS"})
	if err != nil {
		t.Fatal(err)
	}
	wantHDFS := []provider.ConfigFile{
		{Application: "HDFS", Name: "core-site.xml", Format: provider.FormatXML, Items: []provider.ConfigItem{{Key: "fs.defaultFS", Value: "hdfs://" + pc.AWS.MasterPublicDNS + ":8020"}}},
		{Application: "HDFS", Name: "hadoop-env.sh", Format: provider.FormatShell, Items: []provider.ConfigItem{{Key: "JAVA_HOME", Value: "/usr/lib/jvm/java-17"}}},
	}
	if diff := cmp.Diff(wantHDFS, hdfs); diff != "" {
		t.Errorf("HDFS files of a cluster without core-site (-want +got):\n%s", diff)
	}
}

func TestSparkApp(t *testing.T) {
	for release, want := range map[string]string{"emr-5.36.2": "SPARK2", "emr-6.15.0": "SPARK3", "emr-7.2.0": "SPARK3"} {
		if got := sparkApp(release); got != want {
			t.Errorf("sparkApp(%q): got %q, want %q", release, got, want)
		}
	}
}

// TestClientConfigsSecretReferences creates a cluster whose passwords are
// Secrets Manager references, as EMR documents them: the edge node gets
// the plain key with no value (the deploy then asks for it), never the
// annotation or the ARN.
func TestClientConfigsSecretReferences(t *testing.T) {
	p := motoProvider(t)
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:hive-pw-AbCdEf"
	hive := spec.AWSConfiguration{Classification: "hive-site", Properties: map[string]string{
		"javax.jdo.option.ConnectionPassword:secret": arn,
		"javax.jdo.option.ConnectionUserName":        "hive",
	}}
	id := createWith(t, p, "token-secret-ref", hive)
	got, err := p.ClientConfigs(context.Background(), id, []string{"HIVE"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.GetCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.ConfigFile{{Application: "HIVE", Name: "hive-site.xml", Format: provider.FormatXML, Items: []provider.ConfigItem{
		{Key: "hive.metastore.uris", Value: "thrift://" + c.AWS.MasterPublicDNS + ":9083"},
		{Key: "javax.jdo.option.ConnectionPassword", Value: ""},
		{Key: "javax.jdo.option.ConnectionUserName", Value: "hive"},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestSecretReference(t *testing.T) {
	for _, tc := range []struct {
		name, key, value string
		wantKey, want    string
	}{
		{name: "annotated", key: "javax.jdo.option.ConnectionPassword:secret", value: "arn:aws:secretsmanager:us-east-1:1:secret:pw", wantKey: "javax.jdo.option.ConnectionPassword"},
		{name: "annotation dropped by DescribeCluster", key: "javax.jdo.option.ConnectionPassword", value: "arn:aws:secretsmanager:us-east-1:1:secret:pw", wantKey: "javax.jdo.option.ConnectionPassword"},
		{name: "other partition", key: "fs.s3a.secret.key", value: "arn:aws-cn:secretsmanager:cn-north-1:1:secret:k", wantKey: "fs.s3a.secret.key"},
		{name: "ARN of a key that is no secret", key: "app.arn.setting", value: "arn:aws:secretsmanager:us-east-1:1:secret:x", wantKey: "app.arn.setting", want: "arn:aws:secretsmanager:us-east-1:1:secret:x"},
		{name: "plain password", key: "javax.jdo.option.ConnectionPassword", value: "pw", wantKey: "javax.jdo.option.ConnectionPassword", want: "pw"},
		{name: "other ARN", key: "hive.metastore.glue.catalogid", value: "arn:aws:glue:us-east-1:1:catalog", wantKey: "hive.metastore.glue.catalogid", want: "arn:aws:glue:us-east-1:1:catalog"},
		{name: "colon in key", key: "a:b", value: "v", wantKey: "a:b", want: "v"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, v := secretReference(tc.key, tc.value)
			if k != tc.wantKey || v != tc.want {
				t.Errorf("secretReference(%q, %q): got %q, %q, want %q, %q", tc.key, tc.value, k, v, tc.wantKey, tc.want)
			}
		})
	}
}
