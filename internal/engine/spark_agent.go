package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// sparkSQLRunner is the service's own runner of SQL job runs, which runs
// the SQL given in sparkSQLContent (the reference's getting-started). It
// is not code from a bucket.
const (
	sparkSQLRunner  = "local:///tmp/spark-sql.sh"
	sparkSQLContent = "spark.emr.sql.content"
)

// sparkCodeConf are the Spark properties that name code or files to load:
// an agent may set them only to locations in the user's own buckets (the
// policy checks each location as job code).
var sparkCodeConf = []string{"spark.jars", "spark.files", "spark.submit.pyFiles", "spark.archives"}

// sparkCodeURIs returns the locations of a job run's code, for the
// policy: the entry point (not the service's SQL runner), jars, Python
// files, files and the locations in code properties.
func sparkCodeURIs(in provider.SparkJobRunInput) []string {
	var out []string
	if !(in.CodeType == provider.SparkCodeSQL && in.EntryPoint == sparkSQLRunner) {
		out = append(out, in.EntryPoint)
	}
	out = append(out, in.Jars...)
	out = append(out, in.PyFiles...)
	out = append(out, in.Files...)
	for _, k := range sparkCodeConf {
		for _, uri := range strings.Split(in.Conf[k], ",") {
			if uri = strings.TrimSpace(uri); uri != "" {
				out = append(out, uri)
			}
		}
	}
	return out
}

// sparkAgentJobProblems returns what an agent may not put in a job run
// beyond the policy's own-bucket rule: Spark properties other than
// resources, parallelism, the SQL of a SQL job and code locations (which
// the policy checks), and configuration files.
func sparkAgentJobProblems(in provider.SparkJobRunInput) []FieldProblem {
	conf := maps.Clone(in.Conf)
	for _, k := range sparkCodeConf {
		delete(conf, k)
	}
	if in.CodeType == provider.SparkCodeSQL {
		delete(conf, sparkSQLContent)
	}
	out := agentConfProblems("conf", conf)
	if len(in.Configurations) > 0 {
		out = append(out, agentConfigFiles("configurations"))
	}
	return out
}

// agentConfigFiles is the refusal of configuration files to an agent.
func agentConfigFiles(field string) FieldProblem {
	return FieldProblem{Field: field, Problem: "agents and REST tokens may not set configuration files: they can load and run code",
		Fix: "leave them out, or have a person do it from the CLI"}
}

// sparkAgentKyuubiProblems returns what an agent may not put in a Kyuubi
// service: Kyuubi settings (they can load code) and Spark properties other
// than resources and parallelism.
func sparkAgentKyuubiProblems(in provider.SparkKyuubiInput) []FieldProblem {
	var out []FieldProblem
	if in.KyuubiConfigs != "" {
		out = append(out, FieldProblem{Field: "kyuubiConfigs", Problem: "agents and REST tokens may not set Kyuubi settings: they can load and run code",
			Fix: "leave them out, or have a person do it from the CLI"})
	}
	conf := map[string]string{}
	for _, kv := range strings.Split(in.SparkConfigs, ";") {
		if k, v, _ := strings.Cut(strings.TrimSpace(kv), "="); k != "" {
			conf[strings.TrimSpace(k)] = v
		}
	}
	return append(out, agentConfProblems("sparkConfigs", conf)...)
}

// sparkAgentSessionProblems returns what an agent may not put in a
// session cluster: configuration items other than resources and
// parallelism.
func sparkAgentSessionProblems(in provider.SparkSessionInput) []FieldProblem {
	var out []FieldProblem
	for i, c := range in.Configurations {
		if !slices.Contains(agentSparkConf, c.Key) {
			out = append(out, FieldProblem{Field: fmt.Sprintf("configurations[%d]", i),
				Problem: fmt.Sprintf("%q is not a property agents and REST tokens may set: only resource and parallelism settings, since other properties can load code", validate.Render(c.Key)),
				Fix:     "leave it out, or have a person create the session from the CLI"})
		}
	}
	return out
}
