package spark

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/provider"
)

// TestExampleJobSpecs loads the examples as 'spark job submit -f' does and
// checks the input each makes, and that the engine's own checks find
// nothing wrong with it.
func TestExampleJobSpecs(t *testing.T) {
	tests := []struct {
		file string
		want provider.SparkJobRunInput
	}{
		{file: "spark-jar-job.yaml", want: provider.SparkJobRunInput{
			Name: "spark-pi", CodeType: provider.SparkCodeJAR, Queue: "root_queue", ReleaseVersion: "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)",
			EntryPoint: "oss://emrctl-sandbox-spark/jars/spark-examples.jar", MainClass: "org.apache.spark.examples.SparkPi", Args: []string{"100"},
			Conf: map[string]string{"spark.driver.cores": "1", "spark.driver.memory": "4g", "spark.executor.cores": "1", "spark.executor.memory": "4g", "spark.executor.instances": "2"},
			Tags: []provider.Tag{{Key: "team", Value: "data"}},
		}},
		{file: "spark-pyspark-job.yaml", want: provider.SparkJobRunInput{
			Name: "wordcount", CodeType: provider.SparkCodePython, Queue: "root_queue", EntryPoint: "oss://emrctl-sandbox-spark/scripts/wordcount.py",
			Args:           []string{"--input", "oss://emrctl-sandbox-spark/data/input/", "--output", "oss://emrctl-sandbox-spark/output/wordcount/"},
			Conf:           map[string]string{"spark.driver.cores": "1", "spark.driver.memory": "4g", "spark.executor.cores": "2", "spark.executor.memory": "8g", "spark.executor.instances": "2"},
			TimeoutSeconds: 3600,
		}},
		{file: "spark-sql-job.yaml", want: provider.SparkJobRunInput{
			Name: "my-first-sql-job", CodeType: provider.SparkCodeSQL, Queue: "root_queue", EntryPoint: sqlRunner,
			Conf: map[string]string{sqlContentKey: "SELECT 1 AS test_value", "spark.driver.cores": "1", "spark.driver.memory": "4g",
				"spark.executor.cores": "1", "spark.executor.memory": "4g", "spark.executor.instances": "1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "..", "examples", tt.file)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := loadJobSpec(path, raw)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			got, err := s.input(fileNames(path))
			if err != nil {
				t.Fatalf("input: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("input (-want +got):\n%s", diff)
			}
			if p := got.Problems(); len(p) > 0 {
				t.Errorf("problems: %v, want none", p)
			}
		})
	}
}

// TestJobSpecRefusals checks that a bad job spec is refused as a usage
// error that names the file and the field, before anything is sent.
func TestJobSpecRefusals(t *testing.T) {
	const head = "apiVersion: emrctl.io/v1alpha1\nkind: SparkJob\nname: j\nqueue: root_queue\n"
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{name: "unknown field", yaml: head + "entryPoint: oss://b/a.jar\nmainclass: A\n", want: "mainclass"},
		{name: "wrong kind", yaml: strings.Replace(head, "SparkJob", "Cluster", 1) + "entryPoint: oss://b/a.jar\n", want: `kind "Cluster"`},
		{name: "wrong apiVersion", yaml: strings.Replace(head, "v1alpha1", "v2", 1) + "entryPoint: oss://b/a.jar\n", want: "apiVersion"},
		{name: "empty", yaml: "", want: "empty"},
		{name: "two documents", yaml: head + "entryPoint: oss://b/a.jar\n---\n" + head, want: "more than one document"},
		{name: "bad type", yaml: head + "type: scala\nentryPoint: oss://b/a.jar\n", want: `job.yaml: type "scala"`},
		{name: "type unknown from entry point", yaml: head + "entryPoint: oss://b/app\n", want: "job.yaml: type is required"},
		{name: "sql and entry point", yaml: head + "type: sql\nsql: SELECT 1\nentryPoint: oss://b/q.sql\n", want: "job.yaml: sql and job.yaml: entryPoint both give the SQL"},
		{name: "sql on a jar job", yaml: head + "type: jar\nsql: SELECT 1\n", want: "job.yaml: sql is for sql jobs"},
		{name: "sql twice", yaml: head + "sql: SELECT 1\nconf: {spark.emr.sql.content: SELECT 2}\n", want: "spark.emr.sql.content"},
		{name: "no name", yaml: strings.Replace(head, "name: j\n", "", 1) + "entryPoint: oss://b/a.jar\n", want: "job.yaml: name is required"},
		{name: "no queue", yaml: strings.Replace(head, "queue: root_queue\n", "", 1) + "entryPoint: oss://b/a.jar\n", want: "job.yaml: queue is required"},
		{name: "no code", yaml: head, want: "job.yaml: entryPoint is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loadJobSpec("job.yaml", []byte(tt.yaml))
			if err == nil {
				_, err = s.input(fileNames("job.yaml"))
			}
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

// TestJobTypeFromEntryPoint checks the code type taken from the entry
// point, and inline SQL sent as the reference's runner and setting on one
// line.
func TestJobTypeFromEntryPoint(t *testing.T) {
	tests := []struct {
		spec     jobSpec
		wantType string
		wantConf map[string]string
	}{
		{spec: jobSpec{EntryPoint: "oss://b/app.JAR"}, wantType: provider.SparkCodeJAR},
		{spec: jobSpec{EntryPoint: "oss://b/job.py"}, wantType: provider.SparkCodePython},
		{spec: jobSpec{EntryPoint: "oss://b/q.sql"}, wantType: provider.SparkCodeSQL},
		{spec: jobSpec{Type: "PySpark", EntryPoint: "oss://b/x"}, wantType: provider.SparkCodePython},
		{spec: jobSpec{SQL: "SELECT *\n  FROM t\n"}, wantType: provider.SparkCodeSQL, wantConf: map[string]string{sqlContentKey: "SELECT * FROM t"}},
	}
	for _, tt := range tests {
		tt.spec.Name, tt.spec.Queue = "j", "q"
		got, err := tt.spec.input(flagNames)
		if err != nil {
			t.Fatalf("%+v: %v", tt.spec, err)
		}
		if got.CodeType != tt.wantType || !cmp.Equal(got.Conf, tt.wantConf) {
			t.Errorf("%+v: got %s %v, want %s %v", tt.spec, got.CodeType, got.Conf, tt.wantType, tt.wantConf)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "", want: now},
		{in: "now", want: now},
		{in: "24h", want: now.Add(-24 * time.Hour)},
		{in: "7d", want: now.AddDate(0, 0, -7)},
		{in: "2024-01-01", want: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{in: "2024-01-01 08:30:00", want: time.Date(2024, 1, 1, 8, 30, 0, 0, time.UTC)},
		{in: "2024-01-01T08:30:00+08:00", want: time.Date(2024, 1, 1, 0, 30, 0, 0, time.UTC)},
		{in: "-1h", wantErr: true},
		{in: "yesterday", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseTime("since", tt.in, now)
		if tt.wantErr {
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--since") {
				t.Errorf("%q: got %v, want a usage error naming --since", tt.in, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestStatementView(t *testing.T) {
	st := &provider.SparkStatement{ID: "st-1", State: "available", Outputs: []provider.SparkStatementOutput{
		{Schema: `{"type":"struct","fields":[{"name":"id","type":"bigint"},{"name":"who","type":"string"},{"name":"n","type":"double"}]}`,
			Rows: `[{"values":[1,"alice",120.5]},{"values":[2,null,80.25]}]`},
		{},
	}}
	v, err := newStatementView(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Results) != 1 {
		t.Fatalf("got %d results, want 1 (the empty output is left out)", len(v.Results))
	}
	r := v.Results[0]
	var cells [][]string
	for _, row := range r.Rows {
		var line []string
		for _, c := range row {
			line = append(line, cellText(c))
		}
		cells = append(cells, line)
	}
	want := [][]string{{"1", "alice", "120.5"}, {"2", "NULL", "80.25"}}
	if diff := cmp.Diff([]string{"id", "who", "n"}, r.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, cells); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if _, err := newStatementView(&provider.SparkStatement{ID: "st-2", Outputs: []provider.SparkStatementOutput{{Rows: "not json"}}}); err == nil {
		t.Error("rows that are not JSON: got no error, want one")
	}
}

// TestLogLine checks that a log line keeps its tabs but cannot drive the
// terminal or hide text.
func TestLogLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "day\torders\n", want: "day\torders"},
		{in: "\x1b[31mred\x1b[0m", want: `\u001B[31mred\u001B[0m`},
		{in: "a\u202eb", want: `a\u202Eb`},
		{in: "one\ntwo", want: `one\ntwo`},
	}
	for _, tt := range tests {
		if got := logLine(tt.in); got != tt.want {
			t.Errorf("logLine(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckProvider(t *testing.T) {
	err := checkProvider(provider.AWS)
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "emrctl serverless") {
		t.Errorf("aws: got %v, want a usage error that is ErrUnsupported and points to 'emrctl serverless'", err)
	}
	if err := checkProvider(provider.Aliyun); err != nil {
		t.Errorf("aliyun: got %v, want nil", err)
	}
}
