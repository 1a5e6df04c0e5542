package mcpserver

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// AWSListClustersInput filters an AWS EMR cluster listing.
type AWSListClustersInput struct {
	States     []string `json:"states,omitempty" jsonschema:"EMR states (STARTING, BOOTSTRAPPING, RUNNING, WAITING, TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS) or the names start, boot, run, wait, terminating, shutdown, error, all; default: the live ones"`
	MaxResults int      `json:"maxResults,omitempty" jsonschema:"most clusters to return: 1 to 1000, default 100"`
}

// AWSProtectInput names the AWS cluster to protect.
type AWSProtectInput struct {
	ClusterID      string `json:"clusterId" jsonschema:"cluster ID, j- followed by 8-16 upper-case letters and digits"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// AWSClusterInput names an AWS EMR cluster.
type AWSClusterInput struct {
	ClusterID string `json:"clusterId" jsonschema:"cluster ID, j- followed by 8-16 upper-case letters and digits"`
}

// AWSClusterOutput is an AWS cluster with its instance groups or fleets,
// bootstrap actions and configurations.
type AWSClusterOutput struct {
	engine.ClusterView
	InstanceGroups   []engine.InstanceGroupView `json:"instanceGroups,omitempty"`
	InstanceFleets   []provider.InstanceFleet   `json:"instanceFleets,omitempty"`
	BootstrapActions []provider.BootstrapAction `json:"bootstrapActions"`
	// Configurations are the classifications, nested as EMR nests them.
	Configurations       any `json:"configurations,omitempty"`
	StepConcurrencyLevel int `json:"stepConcurrencyLevel,omitempty"`
}

// AWSInstancesInput filters the instances of a cluster.
type AWSInstancesInput struct {
	ClusterID string   `json:"clusterId" jsonschema:"cluster ID (j-...)"`
	Roles     []string `json:"roles,omitempty" jsonschema:"MASTER, CORE or TASK"`
	States    []string `json:"states,omitempty" jsonschema:"EMR instance states, or start, provision, run, down"`
	GroupID   string   `json:"groupId,omitempty" jsonschema:"one instance group (ig-...) or fleet (if-...)"`
}

// AWSInstancesOutput lists instances.
type AWSInstancesOutput struct {
	Instances []provider.Node `json:"instances"`
}

// AWSStepsInput filters the steps of a cluster.
type AWSStepsInput struct {
	ClusterID string   `json:"clusterId" jsonschema:"cluster ID (j-...)"`
	States    []string `json:"states,omitempty" jsonschema:"pending, running, completed, cancelled, failed, interrupted, or EMR step states"`
}

// AWSStepsOutput lists steps, newest first.
type AWSStepsOutput struct {
	Steps []provider.Step `json:"steps"`
}

// AWSStepInput names one step.
type AWSStepInput struct {
	ClusterID string `json:"clusterId" jsonschema:"cluster ID (j-...)"`
	StepID    string `json:"stepId" jsonschema:"step ID (s-...)"`
}

// AWSReleasesInput filters release labels.
type AWSReleasesInput struct {
	Prefix      string `json:"prefix,omitempty" jsonschema:"e.g. emr-7"`
	Application string `json:"application,omitempty" jsonschema:"e.g. Spark"`
}

// AWSReleasesOutput lists release labels.
type AWSReleasesOutput struct {
	Releases []provider.ReleaseVersion `json:"releases"`
}

// AWSInstanceTypesInput names a release.
type AWSInstanceTypesInput struct {
	ReleaseLabel string `json:"releaseLabel" jsonschema:"EMR release label, e.g. emr-7.2.0"`
}

// AWSAppsInput filters EMR Serverless applications.
type AWSAppsInput struct {
	States []string `json:"states,omitempty" jsonschema:"CREATED, STARTED, STOPPED, TERMINATED, ..."`
}

// AWSAppsOutput lists EMR Serverless applications.
type AWSAppsOutput struct {
	Applications []provider.ServerlessApp `json:"applications"`
}

// AWSAppInput names an EMR Serverless application.
type AWSAppInput struct {
	ApplicationID string `json:"applicationId" jsonschema:"EMR Serverless application ID (16 lower-case letters and digits)"`
}

// AWSJobRunsInput filters the job runs of an application.
type AWSJobRunsInput struct {
	ApplicationID string   `json:"applicationId" jsonschema:"EMR Serverless application ID"`
	States        []string `json:"states,omitempty" jsonschema:"SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, CANCELLING, CANCELLED, QUEUED"`
}

// AWSJobRunsOutput lists job runs.
type AWSJobRunsOutput struct {
	JobRuns []provider.JobRun `json:"jobRuns"`
}

// AWSJobRunInput names one job run.
type AWSJobRunInput struct {
	ApplicationID string `json:"applicationId" jsonschema:"EMR Serverless application ID"`
	JobRunID      string `json:"jobRunId" jsonschema:"job run ID"`
}

// AWSAddStepInput is a typed step: Spark, PySpark, Hive or a JAR, with its
// code in the user's own buckets. There are no command steps here.
type AWSAddStepInput struct {
	ClusterID       string            `json:"clusterId" jsonschema:"cluster ID (j-...)"`
	Name            string            `json:"name" jsonschema:"step name"`
	Type            string            `json:"type" jsonschema:"spark, pyspark, hive or jar"`
	ActionOnFailure string            `json:"actionOnFailure,omitempty" jsonschema:"CONTINUE (default) or CANCEL_AND_WAIT"`
	JarLocation     string            `json:"jarLocation,omitempty" jsonschema:"s3:// location of the jar (spark, jar), in the user's own buckets"`
	MainClass       string            `json:"mainClass,omitempty" jsonschema:"main class (spark, jar)"`
	ScriptLocation  string            `json:"scriptLocation,omitempty" jsonschema:"s3:// location of the script (pyspark, hive), in the user's own buckets"`
	DeployMode      string            `json:"deployMode,omitempty" jsonschema:"cluster or client (spark, pyspark)"`
	SparkConf       map[string]string `json:"sparkConf,omitempty" jsonschema:"Spark resource settings only, e.g. spark.executor.memory"`
	ProgramArgs     []string          `json:"programArgs,omitempty" jsonschema:"arguments passed to the job's own program, one by one"`
	IdempotencyKey  string            `json:"idempotencyKey,omitempty" jsonschema:"optional: a new value marks a deliberate repeat of an identical request within 30 minutes; leave it out otherwise"`
}

// AWSJobRunStartInput is an EMR Serverless job run: Spark, PySpark or Hive,
// with its code in the user's own buckets.
type AWSJobRunStartInput struct {
	ApplicationID    string            `json:"applicationId" jsonschema:"EMR Serverless application ID"`
	Name             string            `json:"name,omitempty" jsonschema:"job run name"`
	Kind             string            `json:"kind,omitempty" jsonschema:"spark, pyspark or hive (default: pyspark for .py entry points, else spark)"`
	ExecutionRoleARN string            `json:"executionRoleArn" jsonschema:"IAM role the job runs as"`
	EntryPoint       string            `json:"entryPoint,omitempty" jsonschema:"s3:// location of the jar or script (spark, pyspark), in the user's own buckets"`
	MainClass        string            `json:"mainClass,omitempty" jsonschema:"main class of a jar"`
	SparkConf        map[string]string `json:"sparkConf,omitempty" jsonschema:"Spark resource settings only, e.g. spark.executor.memory"`
	ProgramArgs      []string          `json:"programArgs,omitempty" jsonschema:"arguments passed to the job's own program, one by one"`
	HiveQuery        string            `json:"hiveQuery,omitempty" jsonschema:"s3:// location of the Hive query file, in the user's own buckets"`
	TimeoutMinutes   int               `json:"executionTimeoutMinutes,omitempty" jsonschema:"minutes after which EMR cancels the run (default 720)"`
	IdempotencyKey   string            `json:"idempotencyKey,omitempty" jsonschema:"optional: a new value marks a deliberate repeat of an identical request within 30 minutes; leave it out otherwise"`
}

func (s *Server) awsScope() string {
	return "AWS EMR on EC2 and EMR Serverless (profile " + quoteName(s.eng.Profile()) + ", region " + s.eng.Region() + "); " +
		"not Alibaba Cloud EMR."
}

func (s *Server) addAWSReadTools() {
	scope := s.awsScope()
	add(s, tool[AWSListClustersInput]{
		name: "list_clusters", title: "List AWS EMR clusters", hints: readCloud,
		description: "List AWS EMR clusters with state, release and instance hours, by state. " + scope + " " + ambiguity + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSListClustersInput) (*ListClustersOutput, error) {
		limit, err := maxResults(in.MaxResults)
		if err != nil {
			return nil, err
		}
		f, err := engine.AWSClusterFilter(in.States)
		if err != nil {
			return nil, err
		}
		out := &ListClustersOutput{}
		out.Clusters, out.Truncated, err = collect(limit, func(yield func([]provider.Cluster) error) error {
			return s.eng.ListClusters(ctx, f, 50, yield)
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	})
	add(s, tool[AWSClusterInput]{
		name: "get_cluster", title: "Describe an AWS EMR cluster", hints: readCloud,
		description: "Describe an AWS EMR cluster: state and reason, instance groups or fleets with their auto scaling, bootstrap actions, " +
			"configurations and warnings. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSClusterInput) (*AWSClusterOutput, error) {
		v, err := s.eng.DescribeAWSCluster(ctx, in.ClusterID)
		if err != nil {
			return nil, err
		}
		out := &AWSClusterOutput{ClusterView: v.ClusterView, InstanceGroups: v.InstanceGroups, InstanceFleets: v.InstanceFleets,
			BootstrapActions: v.BootstrapActions, StepConcurrencyLevel: v.StepConcurrencyLevel}
		if len(v.Configurations) > 0 {
			out.Configurations = v.Configurations
		}
		return out, nil
	})
	add(s, tool[AWSInstancesInput]{
		name: "list_instances", title: "List cluster instances", hints: readCloud,
		description: "List the EC2 instances of an AWS EMR cluster by role and state. " + scope,
	}, func(ctx context.Context, _ *toolCall, in AWSInstancesInput) (*AWSInstancesOutput, error) {
		nodes, err := s.eng.AWSInstances(ctx, in.ClusterID, engine.AWSInstanceFilter{Roles: in.Roles, States: in.States, GroupID: in.GroupID})
		if err != nil {
			return nil, err
		}
		return &AWSInstancesOutput{Instances: orEmpty(nodes)}, nil
	})
	add(s, tool[AWSStepsInput]{
		name: "list_steps", title: "List cluster steps", hints: readCloud,
		description: "List the steps of an AWS EMR cluster, newest first, with state and failure reason. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSStepsInput) (*AWSStepsOutput, error) {
		steps, err := s.eng.ListSteps(ctx, in.ClusterID, in.States)
		if err != nil {
			return nil, err
		}
		return &AWSStepsOutput{Steps: orEmpty(steps)}, nil
	})
	add(s, tool[AWSStepInput]{
		name: "get_step", title: "Show a step", hints: readCloud,
		description: "Show one step of an AWS EMR cluster: its command, state and failure with the log file. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSStepInput) (*provider.Step, error) {
		return s.eng.GetStep(ctx, in.ClusterID, in.StepID)
	})
	add(s, tool[AWSReleasesInput]{
		name: "list_release_labels", title: "List EMR release labels", hints: readCloud,
		description: "List the EMR release labels of the region, by prefix and application. " + scope,
	}, func(ctx context.Context, _ *toolCall, in AWSReleasesInput) (*AWSReleasesOutput, error) {
		rels, err := s.eng.ReleaseLabels(ctx, in.Prefix, in.Application)
		if err != nil {
			return nil, err
		}
		return &AWSReleasesOutput{Releases: orEmpty(rels)}, nil
	})
	add(s, tool[AWSInstanceTypesInput]{
		name: "list_instance_types", title: "List instance types of a release", hints: readCloud,
		description: "List the EC2 instance types an EMR release supports. " + scope,
	}, func(ctx context.Context, _ *toolCall, in AWSInstanceTypesInput) (*InstanceTypesOutput, error) {
		types, err := s.eng.ListInstanceTypes(ctx, provider.InstanceTypeQuery{ReleaseVersion: in.ReleaseLabel})
		if err != nil {
			return nil, err
		}
		return &InstanceTypesOutput{InstanceTypes: orEmpty(types)}, nil
	})
	add(s, tool[SpecInput]{
		name: "plan_cluster", title: "Plan a cluster from a spec", hints: readCloud,
		description: "Validate an AWS EMR cluster spec (YAML, provider aws) against every rule emrctl knows, without creating anything: " +
			"the summary to show the user, every problem with its field and fix, and the exact request. " + scope,
	}, func(ctx context.Context, c *toolCall, in SpecInput) (*engine.Plan, error) {
		sp, err := spec.Load([]byte(in.SpecYAML))
		if err != nil {
			return nil, err
		}
		return s.eng.PlanCluster(ctx, c.actor, sp, s.opts.Getenv)
	})
	add(s, tool[AWSAppsInput]{
		name: "list_serverless_applications", title: "List EMR Serverless applications", hints: readCloud,
		description: "List the EMR Serverless applications of the region with state and release. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSAppsInput) (*AWSAppsOutput, error) {
		apps, err := s.eng.ListServerlessApps(ctx, in.States)
		if err != nil {
			return nil, err
		}
		return &AWSAppsOutput{Applications: orEmpty(apps)}, nil
	})
	add(s, tool[AWSAppInput]{
		name: "get_serverless_application", title: "Describe an EMR Serverless application", hints: readCloud,
		description: "Describe one EMR Serverless application: state, release, capacity and limits. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSAppInput) (*provider.ServerlessApp, error) {
		return s.eng.GetServerlessApp(ctx, in.ApplicationID)
	})
	add(s, tool[AWSJobRunsInput]{
		name: "list_serverless_job_runs", title: "List EMR Serverless job runs", hints: readCloud,
		description: "List the job runs of an EMR Serverless application by state. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSJobRunsInput) (*AWSJobRunsOutput, error) {
		runs, err := s.eng.ListServerlessJobs(ctx, in.ApplicationID, in.States)
		if err != nil {
			return nil, err
		}
		return &AWSJobRunsOutput{JobRuns: orEmpty(runs)}, nil
	})
	add(s, tool[AWSJobRunInput]{
		name: "get_serverless_job_run", title: "Show an EMR Serverless job run", hints: readCloud,
		description: "Show one EMR Serverless job run: state, its reason and resource use. " + scope + dataNote,
	}, func(ctx context.Context, _ *toolCall, in AWSJobRunInput) (*provider.JobRun, error) {
		return s.eng.GetServerlessJob(ctx, in.ApplicationID, in.JobRunID)
	})
}

func (s *Server) addAWSWriteTools() {
	scope := s.awsScope()
	add(s, tool[CreateClusterInput]{
		name: "create_cluster", title: "Create an AWS EMR cluster from a spec", hints: additive,
		description: "Create one AWS EMR cluster from a spec (YAML, provider aws). The spec is validated first; each cluster needs its own " +
			"confirmation by the person. Agents may not set configurations, self-termination, command steps or code outside the user's " +
			"own buckets. " + scope + confirmNote + dedupeNote,
		cli: createClusterCLI,
	}, s.createCluster)
	add(s, tool[AWSAddStepInput]{
		name: "add_step", title: "Submit a Spark, PySpark, Hive or JAR step", hints: additive,
		description: "Submit a typed step to an AWS EMR cluster (AddJobFlowSteps): spark, pyspark, hive or jar, with code in the user's own " +
			"S3 buckets; Spark settings are limited to resources. No command steps, and no step that terminates the cluster on failure. " +
			"The person confirms the equivalent command. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in AWSAddStepInput) string { return s.cmdline(stepCLI(in)) },
	}, func(ctx context.Context, c *toolCall, in AWSAddStepInput) (*engine.StepResult, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		st := spec.AWSStep{
			Name: in.Name, Type: spec.StepType(strings.ToLower(in.Type)), ActionOnFailure: spec.ActionOnFailure(strings.ToUpper(orDefault(in.ActionOnFailure, "CONTINUE"))),
			Jar: in.JarLocation, MainClass: in.MainClass, Script: in.ScriptLocation, DeployMode: spec.SparkDeployMode(in.DeployMode),
			SparkConf: in.SparkConf, Args: in.ProgramArgs,
		}
		return s.eng.AddStep(ctx, c.engineCall(in.IdempotencyKey), in.ClusterID, st)
	})
	add(s, tool[AWSJobRunStartInput]{
		name: "start_serverless_job_run", title: "Start an EMR Serverless job run", hints: additive,
		description: "Start a Spark, PySpark or Hive job run on an EMR Serverless application (StartJobRun), with code in the user's own " +
			"S3 buckets; Spark settings are limited to resources. The person confirms the equivalent spark-submit. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in AWSJobRunStartInput) string { return s.cmdline(jobRunCLI(in)) },
	}, func(ctx context.Context, c *toolCall, in AWSJobRunStartInput) (*engine.ServerlessResult, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		j := provider.JobRunSpec{
			ApplicationID: in.ApplicationID, Name: in.Name, Kind: in.Kind, ExecutionRoleARN: in.ExecutionRoleARN, EntryPoint: in.EntryPoint,
			MainClass: in.MainClass, SparkConf: in.SparkConf, Args: in.ProgramArgs, HiveQuery: in.HiveQuery, TimeoutMinutes: in.TimeoutMinutes,
		}
		return s.eng.StartServerlessJob(ctx, c.engineCall(in.IdempotencyKey), j)
	})
	add(s, tool[AWSProtectInput]{
		name: "enable_termination_protection", title: "Turn termination protection on", hints: idempotentW,
		description: "Turn termination protection on for an AWS EMR cluster. Turning it off is not available here: it is a person's " +
			"standalone decision at the CLI. A cluster already protected is left alone. " + scope + confirmNote + dedupeNote,
	}, func(ctx context.Context, c *toolCall, in AWSProtectInput) (*engine.Outcome, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		on := true
		return s.eng.UpdateAttributes(ctx, c.engineCall(in.IdempotencyKey), engine.AttributesInput{ClusterID: in.ClusterID, DeletionProtection: &on})
	})
}

func stepCLI(in AWSAddStepInput) cli {
	flags := []string{"--type", in.Type, "--name", in.Name}
	for _, f := range []struct{ flag, v string }{{"--jar", in.JarLocation}, {"--class", in.MainClass}, {"--script", in.ScriptLocation}, {"--deploy-mode", in.DeployMode}, {"--action-on-failure", in.ActionOnFailure}} {
		if f.v != "" {
			flags = append(flags, f.flag, f.v)
		}
	}
	flags = append(flags, confFlags(in.SparkConf)...)
	for _, a := range in.ProgramArgs {
		flags = append(flags, "--arg", a)
	}
	return cli{cmd: []string{"step", "add"}, pos: []string{in.ClusterID}, flags: flags}
}

func jobRunCLI(in AWSJobRunStartInput) cli {
	flags := []string{"--role", in.ExecutionRoleARN}
	for _, f := range []struct{ flag, v string }{{"--name", in.Name}, {"--kind", in.Kind}, {"--entry-point", in.EntryPoint}, {"--class", in.MainClass}, {"--hive-query", in.HiveQuery}} {
		if f.v != "" {
			flags = append(flags, f.flag, f.v)
		}
	}
	if in.TimeoutMinutes > 0 {
		flags = append(flags, "--execution-timeout", strconv.Itoa(in.TimeoutMinutes))
	}
	flags = append(flags, confFlags(in.SparkConf)...)
	for _, a := range in.ProgramArgs {
		flags = append(flags, "--arg", a)
	}
	return cli{cmd: []string{"serverless", "job", "start"}, pos: []string{in.ApplicationID}, flags: flags}
}

func confFlags(conf map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(conf) {
		out = append(out, "--conf", fmt.Sprintf("%s=%s", k, conf[k]))
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
