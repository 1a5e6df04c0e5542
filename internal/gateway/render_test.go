package gateway

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// dump prints a set in path order for golden files.
func dump(set Set) string {
	var b strings.Builder
	for _, p := range sortedPaths(set) {
		b.WriteString("== " + p + " ==\n")
		b.Write(set[p])
	}
	return b.String()
}

func hadoopFiles() []File {
	return []File{
		{App: "YARN", Name: "yarn-site.xml", Items: []Item{
			{"yarn.resourcemanager.hostname", "master-1-1.c-0123.cn-hangzhou.emr.aliyuncs.com"},
			{"yarn.nodemanager.aux-services", "mapreduce_shuffle,spark_shuffle"},
		}},
		{App: "HDFS", Name: "core-site.xml", Items: []Item{
			{"fs.defaultFS", "hdfs://master-1-1.c-0123:9000"},
			{"fs.oss.accessKeySecret", "s3cr3t-value"},
			{"hadoop.proxyuser.hive.hosts", "*"},
			{"emr.note", `a<b & "c" > 'd'`},
		}},
		{App: "HDFS", Name: "hdfs-site.xml", Items: []Item{{"dfs.replication", "2"}}},
		{App: "YARN", Name: "mapred-site.xml", Items: []Item{{"mapreduce.framework.name", "yarn"}}},
		{App: "HDFS", Name: "hadoop-env.sh", Items: []Item{
			{"HADOOP_HEAPSIZE", "1024"},
			{"HADOOP_OPTS", `-Djava.net.preferIPv4Stack=true -Dx='y' $HADOOP_OPTS`},
		}},
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name   string
		files  []File
		opts   RenderOptions
		golden string
	}{
		{
			name:   "hadoop with unknown JDK",
			files:  hadoopFiles(),
			opts:   RenderOptions{Root: "/"},
			golden: "hadoop.golden",
		},
		{
			name: "spark hive flink under a staged root",
			files: []File{
				{App: "SPARK3", Name: "spark-defaults.conf", Items: []Item{
					{"spark.master", "yarn"},
					{"spark.eventLog.dir", "hdfs:///spark-history"},
					{"spark.driver.extraJavaOptions", "-Dfoo=bar -Dlog4j.configuration=file:log4j.properties"},
				}},
				{App: "SPARK3", Name: "spark-env.sh", Items: []Item{{"SPARK_HOME", "/opt/apps/SPARK3/spark-current"}, {"EMPTY", ""}}},
				{App: "HIVE", Name: "hive-site.xml", Items: []Item{
					{"hive.metastore.uris", "thrift://master-1-1:9083"},
					{"javax.jdo.option.ConnectionPassword", "hunter2"},
				}},
				{App: "FLINK", Name: "flink-conf.yaml", Items: []Item{{"jobmanager.memory.process.size", "1600m"}, {"state.backend", "rocksdb"}}},
				{App: "TEZ", Name: "tez-site.xml", Items: []Item{{"tez.lib.uris", "hdfs:///apps/tez/tez.tar.gz"}}},
				{App: "PRESTO", Name: "config.properties", Items: []Item{{"coordinator", "false"}}},
			},
			opts:   RenderOptions{Root: "/srv/gw", JavaHome: "/usr/lib/jvm/java-1.8.0"},
			golden: "spark-hive-flink.golden",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Render(tt.files, tt.opts)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden(t, tt.golden, dump(set))
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	files := hadoopFiles()
	a, err := Render(files, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Reverse files and items: the output must not depend on input order.
	rev := make([]File, len(files))
	for i, f := range files {
		items := make([]Item, len(f.Items))
		for j, it := range f.Items {
			items[len(items)-1-j] = it
		}
		rev[len(files)-1-i] = File{App: f.App, Name: f.Name, Items: items}
	}
	b, err := Render(rev, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dump(a), dump(b)); diff != "" {
		t.Errorf("render depends on input order (-first +reversed):\n%s", diff)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name      string
		files     []File
		wantField string
	}{
		{"empty app", []File{{Name: "core-site.xml"}}, "files[0].app"},
		{"path in name", []File{{App: "HDFS", Name: "../core-site.xml"}}, "files[0].name"},
		{"unknown type", []File{{App: "HDFS", Name: "core-site.json"}}, "files[0].name"},
		{"unknown format", []File{{App: "HDFS", Name: "core-site.xml", Format: "json"}}, "files[0].format"},
		{"bad key", []File{{App: "HDFS", Name: "core-site.xml", Items: []Item{{"a b", "c"}}}}, "files[0].items[0].key"},
		{"duplicate key", []File{{App: "HDFS", Name: "core-site.xml", Items: []Item{{"a", "1"}, {"a", "2"}}}}, "files[0].items[1].key"},
		{"line break in conf", []File{{App: "SPARK3", Name: "spark-defaults.conf", Items: []Item{{"a", "1\n2"}}}}, "files[0].items[0].value"},
		{"shell key", []File{{App: "SPARK3", Name: "spark-env.sh", Items: []Item{{"spark.home", "x"}}}}, "files[0].items[0].key"},
		{"conflicting copies", []File{
			{App: "HDFS", Name: "core-site.xml", Items: []Item{{"a", "1"}}},
			{App: "YARN", Name: "core-site.xml", Items: []Item{{"a", "2"}}},
		}, "files[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(tt.files, RenderOptions{})
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Render error = %v, want *InputError", err)
			}
			if ie.Field != tt.wantField || ie.Fix == "" {
				t.Errorf("got field %q fix %q, want field %q and a fix", ie.Field, ie.Fix, tt.wantField)
			}
		})
	}
}

func TestRenderSharedFileOnce(t *testing.T) {
	same := []Item{{"fs.defaultFS", "hdfs://m:9000"}}
	set, err := Render([]File{{App: "HDFS", Name: "core-site.xml", Items: same}, {App: "YARN", Name: "core-site.xml", Items: same}}, RenderOptions{})
	if err != nil {
		t.Fatalf("identical copies of one file: %v", err)
	}
	if _, ok := set["etc/hadoop/conf/core-site.xml"]; !ok {
		t.Errorf("got paths %v, want etc/hadoop/conf/core-site.xml", sortedPaths(set))
	}
}

func TestRenderFormatFromProvider(t *testing.T) {
	cfgs := []provider.ConfigFile{{
		Application: "HUDI",
		Name:        "hudi-defaults.conf",
		Format:      provider.FormatProperties,
		Items:       []provider.ConfigItem{{Key: "hoodie.x", Value: "1"}},
	}}
	set, err := Render(FilesFrom(cfgs), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The name alone would give "key value"; the provider's format wins.
	got := string(set["etc/hudi/conf/hudi-defaults.conf"])
	if !strings.HasSuffix(got, "\nhoodie.x=1\n") {
		t.Errorf("got %q, want a key=value line", got)
	}
}
