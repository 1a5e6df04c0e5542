package emulator

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSubmit(t *testing.T) {
	for _, c := range []struct {
		name    string
		params  string
		class   string
		conf    []confItem
		cu      float64
		wantErr bool
	}{
		{name: "defaults", params: "", cu: 3},
		{name: "skill JAR example", params: "--class com.example.MyApp --conf spark.executor.cores=4 --conf spark.executor.memory=20g --conf spark.driver.cores=4 --conf spark.driver.memory=8g --conf spark.executor.instances=2",
			class: "com.example.MyApp", cu: 4 + 2*5, conf: []confItem{
				{"spark.executor.cores", "4"}, {"spark.executor.memory", "20g"}, {"spark.driver.cores", "4"}, {"spark.driver.memory", "8g"}, {"spark.executor.instances", "2"},
			}},
		{name: "unquoted SQL in a --conf value", params: "--conf spark.executor.instances=1 --conf spark.emr.sql.content=SELECT 1 as test_value",
			cu: 2, conf: []confItem{{"spark.executor.instances", "1"}, {"spark.emr.sql.content", "SELECT 1 as test_value"}}},
		{name: "quoted value", params: `--conf "spark.app.name=my app" --num-executors 0 --driver-memory 512m`,
			cu: 1, conf: []confItem{{"spark.app.name", "my app"}, {"spark.executor.instances", "0"}, {"spark.driver.memory", "512m"}}},
		{name: "value without a flag", params: "app.jar", wantErr: true},
		{name: "flag without a value", params: "--class", wantErr: true},
		{name: "conf without =", params: "--conf spark.x", wantErr: true},
		{name: "bad memory", params: "--conf spark.executor.memory=lots", wantErr: true},
		{name: "unbalanced quote", params: `--conf "spark.x=1`, wantErr: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec, err := parseSubmit(c.params)
			if (err != nil) != c.wantErr {
				t.Fatalf("got error %v, want error: %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			if spec.MainClass != c.class || spec.cu() != c.cu || !cmp.Equal(spec.Conf, c.conf) {
				t.Errorf("got class %q, CU %g, conf %v; want %q, %g, %v", spec.MainClass, spec.cu(), spec.Conf, c.class, c.cu, c.conf)
			}
		})
	}
}

func TestOSSPath(t *testing.T) {
	for _, c := range []struct {
		path, bucket, key string
		wantErr           bool
	}{
		{path: "oss://b/a/b.jar", bucket: "b", key: "a/b.jar"},
		{path: "oss://b.oss-cn-hangzhou.aliyuncs.com/k", bucket: "b", key: "k"},
		{path: "oss://b.oss-cn-hangzhou-internal.aliyuncs.com/k", bucket: "b", key: "k"},
		{path: "oss://b.cn-hangzhou.oss-dls.aliyuncs.com/k", bucket: "b", key: "k"},
		{path: "oss://files.example.com/k", wantErr: true},
		{path: "s3://b/k", wantErr: true},
		{path: "oss:///k", wantErr: true},
	} {
		b, k, err := ossPath(c.path)
		if (err != nil) != c.wantErr || b != c.bucket || k != c.key {
			t.Errorf("ossPath(%q): got %q %q %v, want %q %q (error %v)", c.path, b, k, err, c.bucket, c.key, c.wantErr)
		}
	}
}

func TestRunSQL(t *testing.T) {
	for _, c := range []struct {
		code    string
		columns []sqlColumn
		rows    [][]any
		errCode string
	}{
		{code: "SELECT 1", columns: []sqlColumn{{"1", "integer"}}, rows: [][]any{{int64(1)}}},
		{code: "select 'a', true AS ok, 2.5, null;", columns: []sqlColumn{{"a", "string"}, {"ok", "boolean"}, {"2.5", "decimal"}, {"null", "void"}}, rows: [][]any{{"a", true, 2.5, nil}}},
		{code: "SELECT count(*) FROM default.sample_orders", columns: []sqlColumn{{"count(1)", "bigint"}}, rows: [][]any{{3}}},
		{code: "CREATE TABLE t (a INT)", columns: []sqlColumn{}, rows: [][]any{}},
		{code: "SHOW TABLES IN sales", errCode: "SCHEMA_NOT_FOUND"},
		{code: "SELECT price FROM sample_orders", errCode: "UNRESOLVED_COLUMN"},
		{code: "  ;  ", errCode: "PARSE_SYNTAX_ERROR"},
	} {
		t.Run(c.code, func(t *testing.T) {
			out, err := runSQL(c.code, 1000)
			if c.errCode != "" {
				if err == nil || err.Code != c.errCode {
					t.Fatalf("got %+v, %+v; want error %s", out, err, c.errCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %+v", err)
			}
			last := out[len(out)-1]
			if diff := cmp.Diff(sqlResult{Columns: c.columns, Rows: c.rows}, last); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReleaseLookup(t *testing.T) {
	w := newWorld()
	seedSpark(w, time.Date(2025, 1, 9, 0, 0, 0, 0, time.UTC))
	acct := w.sparkAccount()
	for _, c := range []struct{ ask, want string }{
		{"esr-4.7.0 (Spark 3.5.2, Scala 2.12, Native Runtime)", "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Native Runtime)"},
		{"esr-4.7.0", "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)"},
		{"esr-2.1 (Spark 3.3.1, Scala 2.12)", "esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)"},
		{"", "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)"},
	} {
		r, err := acct.releaseOrDefault("releaseVersion", c.ask)
		if err != nil || r.Version != c.want {
			t.Errorf("release %q: got %q, %v; want %q", c.ask, r.Version, err, c.want)
		}
	}
	if _, err := acct.releaseOrDefault("releaseVersion", "esr-1.0"); err == nil {
		t.Errorf("release esr-1.0: got one, want an error")
	}
}
