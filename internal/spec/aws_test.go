package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHadoopJarStep(t *testing.T) {
	tests := []struct {
		name      string
		step      AWSStep
		jar, main string
		args      []string
	}{
		{
			name: "spark",
			step: AWSStep{Type: StepSpark, DeployMode: "cluster", MainClass: "com.example.Job", Jar: "s3://b/job.jar",
				SparkConf: map[string]string{"spark.executor.memory": "4g", "spark.executor.cores": "2"}, Args: []string{"a b", "c,d"}},
			jar: CommandRunnerJar,
			args: []string{"spark-submit", "--deploy-mode", "cluster", "--conf", "spark.executor.cores=2", "--conf", "spark.executor.memory=4g",
				"--class", "com.example.Job", "s3://b/job.jar", "a b", "c,d"},
		},
		{name: "pyspark", step: AWSStep{Type: StepPySpark, Script: "s3://b/x.py", Args: []string{"--in", "s3://b/in/"}},
			jar: CommandRunnerJar, args: []string{"spark-submit", "s3://b/x.py", "--in", "s3://b/in/"}},
		{name: "hive", step: AWSStep{Type: StepHive, Script: "s3://b/t.q"},
			jar: CommandRunnerJar, args: []string{"hive-script", "--run-hive-script", "--args", "-f", "s3://b/t.q"}},
		{name: "jar", step: AWSStep{Type: StepJar, Jar: "s3://b/tool.jar", MainClass: "com.example.Tool", Args: []string{"x"}},
			jar: "s3://b/tool.jar", main: "com.example.Tool", args: []string{"x"}},
		{name: "command", step: AWSStep{Type: StepCommand, Command: "s3-dist-cp", Args: []string{"--src", "s3://b/a/"}},
			jar: CommandRunnerJar, args: []string{"s3-dist-cp", "--src", "s3://b/a/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jar, main, args := tt.step.HadoopJarStep()
			if jar != tt.jar || main != tt.main {
				t.Errorf("jar, main class: got %q, %q, want %q, %q", jar, main, tt.jar, tt.main)
			}
			if diff := cmp.Diff(tt.args, args); diff != "" {
				t.Errorf("args mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAWSMarketAndArgs(t *testing.T) {
	c := defaulted(t, "aws-spark-cluster.yaml")
	if m, p := c.NodeGroups[0].AWSMarket(); m != "ON_DEMAND" || p != "" {
		t.Errorf("master market: got %s %q, want ON_DEMAND without a price", m, p)
	}
	if m, p := c.NodeGroups[2].AWSMarket(); m != "SPOT" || p != "0.20" {
		t.Errorf("task market: got %s %q, want SPOT 0.20", m, p)
	}
	if got := (BootstrapScript{Args: " --quiet  -x 1 "}).AWSArgs(); !cmp.Equal(got, []string{"--quiet", "-x", "1"}) {
		t.Errorf("AWSArgs: got %q, want [--quiet -x 1]", got)
	}
	if d, ok := c.AWS.IdleTimeout(); !ok || d.Hours() != 2 {
		t.Errorf("IdleTimeout: got %v %v, want 2h", d, ok)
	}
	if _, ok := (*AWS)(nil).IdleTimeout(); ok {
		t.Errorf("IdleTimeout of nil: got ok, want not set")
	}
}
