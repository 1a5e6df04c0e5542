package provider

import "testing"

func TestSparkSubmitEquivalent(t *testing.T) {
	for _, tc := range []struct {
		name string
		job  JobRunSpec
		want string
	}{
		{name: "pyspark", job: JobRunSpec{Kind: JobKindPySpark, EntryPoint: "s3://b/wc.py", Args: []string{"a,b", "two words", "it's"}},
			want: `spark-submit s3://b/wc.py a,b 'two words' 'it'"'"'s'`},
		{name: "jar with conf in key order", job: JobRunSpec{Kind: JobKindSpark, EntryPoint: "s3://b/app.jar", MainClass: "com.x.Main", SparkConf: map[string]string{"b": "2", "a": "1"}},
			want: "spark-submit --class com.x.Main --conf a=1 --conf b=2 s3://b/app.jar"},
		{name: "hive", job: JobRunSpec{Kind: JobKindHive, HiveQuery: "s3://b/q.sql", HiveInitFile: "s3://b/init.sql"},
			want: "hive -f s3://b/q.sql -i s3://b/init.sql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.job.SparkSubmit(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestShellJoin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		words []string
		want  string
	}{
		{name: "safe words stay bare", words: []string{"s3-dist-cp", "--src=s3://a/b", "x,y@1%+"}, want: "s3-dist-cp --src=s3://a/b x,y@1%+"},
		{name: "empty word", words: []string{"echo", ""}, want: "echo ''"},
		{name: "space and dollar", words: []string{"a b", "$HOME"}, want: "'a b' '$HOME'"},
		{name: "single quote", words: []string{"it's"}, want: `'it'"'"'s'`},
		{name: "none", words: nil, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShellJoin(tc.words); got != tc.want {
				t.Errorf("ShellJoin(%q): got %s, want %s", tc.words, got, tc.want)
			}
		})
	}
}
