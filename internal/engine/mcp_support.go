package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// The rules in this file are those that apply to agents on top of the rules
// every request follows. They close paths by which text an agent writes
// would become code running with a cluster's role, a cluster's
// termination, or a credential copied into a cluster: the same concern as
// policy.SubmitJob's own-bucket rule, for the fields that rule does not
// see. The engine applies them to every call whose actor is an agent
// (PrepareCluster, plan, AddStep, StartServerlessJob), so no surface has
// to remember them.

// isAgent reports whether the agent rules apply to a call: to every caller
// that acts for someone else (agents, REST services, kinds emrctl does not
// know), through the policy's one predicate.
func isAgent(a policy.Actor) bool { return a.Kind.Untrusted() }

// AgentGetenv narrows getenv for a spec an agent wrote: it resolves only
// variables whose name ends in PASSWORD, and none of the cloud's
// credential variables, so a spec cannot copy an access key into a
// cluster.
func AgentGetenv(getenv func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if getenv == nil || !strings.HasSuffix(name, "PASSWORD") {
			return "", false
		}
		for _, p := range []string{"ALIBABA_CLOUD_", "ALICLOUD_", "ALIYUN_", "AWS_", "EMRCTL_"} {
			if strings.HasPrefix(name, p) {
				return "", false
			}
		}
		return getenv(name)
	}
}

// OwnBuckets returns the user's own buckets: those of the profile and those
// of the policy file. Agents may run code only from these.
func (e *Engine) OwnBuckets() []string {
	var out []string
	add := func(list []string) {
		for _, b := range list {
			if _, rest, ok := strings.Cut(b, "://"); ok {
				b = rest
			}
			if b = strings.Trim(b, "/"); b != "" && !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	add(e.opts.OwnBuckets)
	if e.opts.Policy != nil {
		add(e.opts.Policy.OwnBuckets)
	}
	return out
}

// agentSparkConf are the Spark properties an agent may set: resources and
// parallelism. Everything else is refused, because many properties load
// code or change what runs (spark.jars, spark.jars.packages, spark.files,
// spark.submit.pyFiles, *.extraJavaOptions, *.extraClassPath, spark.plugins,
// spark.sql.hive.metastore.jars.path, ...).
var agentSparkConf = []string{
	"spark.driver.cores", "spark.driver.memory", "spark.driver.memoryOverhead",
	"spark.executor.cores", "spark.executor.instances", "spark.executor.memory", "spark.executor.memoryOverhead",
	"spark.dynamicAllocation.enabled", "spark.dynamicAllocation.initialExecutors", "spark.dynamicAllocation.maxExecutors",
	"spark.dynamicAllocation.minExecutors", "spark.default.parallelism", "spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled",
	"spark.emr-serverless.driver.disk", "spark.emr-serverless.executor.disk",
}

func agentConfProblems(field string, conf map[string]string) []FieldProblem {
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []FieldProblem
	for _, k := range keys {
		if !slices.Contains(agentSparkConf, k) {
			out = append(out, FieldProblem{Field: field + "." + k,
				Problem: fmt.Sprintf("%q is not a property agents and REST tokens may set: only resource and parallelism settings, since other properties can load code", validate.Render(k)),
				Fix:     "leave it out, or have a person submit the job from the CLI"})
		}
	}
	return out
}

// codeInOwnBuckets reports a code location outside the user's buckets.
func (e *Engine) codeInOwnBuckets(field, uri, scheme string) []FieldProblem {
	own := e.OwnBuckets()
	if len(own) == 0 {
		return []FieldProblem{{Field: field, Problem: "agents and REST tokens may run code only from your own buckets, and none are configured",
			Fix: "configure ownBuckets for the profile, or have a person do it from the CLI"}}
	}
	if err := validate.ScriptPath(field, uri, scheme, own); err != nil {
		return []FieldProblem{{Field: field, Problem: problemText(err), Fix: err.Fix}}
	}
	return nil
}

// AgentStepProblems returns what an agent may not put in an AWS EMR step:
// a command step (it can run anything, including the AWS CLI with the
// cluster's role), an action on failure that terminates the cluster (a
// step made to fail would then release it), code outside the user's own
// buckets, or Spark properties beyond resources.
func (e *Engine) AgentStepProblems(field string, s spec.AWSStep) []FieldProblem {
	var out []FieldProblem
	switch s.Type {
	case spec.StepSpark, spec.StepPySpark, spec.StepHive, spec.StepJar:
	default:
		out = append(out, FieldProblem{Field: field + ".type", Problem: fmt.Sprintf("%q steps are not available to agents and REST tokens: only spark, pyspark, hive and jar steps", validate.Render(string(s.Type))),
			Fix: "a person can run command steps from the CLI"})
	}
	if strings.EqualFold(string(s.ActionOnFailure), "TERMINATE_CLUSTER") || strings.EqualFold(string(s.ActionOnFailure), "TERMINATE_JOB_FLOW") {
		out = append(out, FieldProblem{Field: field + ".actionOnFailure", Problem: "a step that terminates the cluster when it fails is a way to release the cluster; agents and REST tokens may not set it",
			Fix: "use CONTINUE or CANCEL_AND_WAIT"})
	}
	for _, c := range []struct{ name, uri string }{{"jar", s.Jar}, {"script", s.Script}} {
		if c.uri != "" {
			out = append(out, e.codeInOwnBuckets(field+"."+c.name, c.uri, "s3")...)
		}
	}
	return append(out, agentConfProblems(field+".sparkConf", s.SparkConf)...)
}

// AgentJobRunProblems returns what an agent may not put in an EMR
// Serverless job run beyond the policy's rules: Spark properties other than
// resources and parallelism.
func (e *Engine) AgentJobRunProblems(j provider.JobRunSpec) []FieldProblem {
	return agentConfProblems("sparkConf", j.SparkConf)
}

// AgentSpecProblems returns what an agent may not put in a cluster spec:
// bootstrap scripts outside the user's own buckets (they run as root on
// every node), configuration files (they can run code on the nodes:
// hadoop-env, hooks, extra class paths), and on AWS steps that break
// AgentStepProblems or a cluster that terminates itself. Nil means the
// spec is acceptable.
func (e *Engine) AgentSpecProblems(c *spec.Cluster) []FieldProblem {
	if c == nil {
		return nil
	}
	scheme := "oss"
	if c.Provider == spec.ProviderAWS {
		scheme = "s3"
	}
	var out []FieldProblem
	for i, b := range c.BootstrapScripts {
		out = append(out, e.codeInOwnBuckets(fmt.Sprintf("bootstrapScripts[%d].path", i), b.Path, scheme)...)
	}
	const fromCLI = "leave it out, or have a person create the cluster from the CLI"
	if len(c.ApplicationConfigs) > 0 {
		out = append(out, FieldProblem{Field: "applicationConfigs", Problem: "agents and REST tokens may not set configuration files: they can run code on the nodes", Fix: fromCLI})
	}
	if a := c.AWS; a != nil {
		if len(a.Configurations) > 0 {
			out = append(out, FieldProblem{Field: "aws.configurations", Problem: "agents and REST tokens may not set configuration classifications: they can run code on the nodes", Fix: fromCLI})
		}
		if a.KeepAlive != nil && !*a.KeepAlive {
			out = append(out, FieldProblem{Field: "aws.keepAlive", Problem: "a cluster that terminates itself after its steps is a cluster termination; agents and REST tokens may not set it", Fix: fromCLI})
		}
		if a.AutoTerminationIdleTimeout != "" {
			out = append(out, FieldProblem{Field: "aws.autoTerminationIdleTimeout", Problem: "automatic termination is a cluster termination; agents and REST tokens may not set it", Fix: fromCLI})
		}
		for i, s := range a.Steps {
			out = append(out, e.AgentStepProblems(fmt.Sprintf("aws.steps[%d]", i), s)...)
		}
	}
	return out
}
