package provider

import (
	"context"
	"sort"
	"strings"
	"time"
)

// EMR Serverless application and job run states.
const (
	AppCreating    = "CREATING"
	AppCreated     = "CREATED"
	AppStarting    = "STARTING"
	AppStarted     = "STARTED"
	AppStopping    = "STOPPING"
	AppStopped     = "STOPPED"
	AppTerminated  = "TERMINATED"
	RunSubmitted   = "SUBMITTED"
	RunPending     = "PENDING"
	RunScheduled   = "SCHEDULED"
	RunRunning     = "RUNNING"
	RunSuccess     = "SUCCESS"
	RunFailed      = "FAILED"
	RunCancelling  = "CANCELLING"
	RunCancelled   = "CANCELLED"
	RunQueued      = "QUEUED"
	AppTypeSpark   = "SPARK"
	AppTypeHive    = "HIVE"
	JobKindSpark   = "spark"
	JobKindPySpark = "pyspark"
	JobKindHive    = "hive"
)

// Capacity is an amount of CPU, memory and disk, e.g. "4 vCPU", "16 GB".
type Capacity struct {
	CPU    string `json:"cpu,omitempty" yaml:"cpu,omitempty"`
	Memory string `json:"memory,omitempty" yaml:"memory,omitempty"`
	Disk   string `json:"disk,omitempty" yaml:"disk,omitempty"`
}

// WorkerCapacity is pre-initialised capacity of one worker type.
type WorkerCapacity struct {
	WorkerCount int      `json:"workerCount" yaml:"workerCount"`
	Worker      Capacity `json:"worker" yaml:"worker"`
}

// ServerlessAppSpec creates or updates an EMR Serverless application. On
// update, empty fields are left as they are.
type ServerlessAppSpec struct {
	Name         string `json:"name,omitempty" yaml:"name,omitempty"`
	Type         string `json:"type,omitempty" yaml:"type,omitempty"`
	ReleaseLabel string `json:"releaseLabel,omitempty" yaml:"releaseLabel,omitempty"`
	Architecture string `json:"architecture,omitempty" yaml:"architecture,omitempty"`
	// InitialCapacity is keyed by worker type: DRIVER and EXECUTOR for
	// Spark, HiveDriver and TezTask for Hive.
	InitialCapacity map[string]WorkerCapacity `json:"initialCapacity,omitempty" yaml:"initialCapacity,omitempty"`
	MaximumCapacity *Capacity                 `json:"maximumCapacity,omitempty" yaml:"maximumCapacity,omitempty"`
	AutoStart       *bool                     `json:"autoStart,omitempty" yaml:"autoStart,omitempty"`
	// AutoStopIdleMinutes stops the application after that many idle
	// minutes; 0 leaves the default (15), -1 turns auto-stop off.
	AutoStopIdleMinutes int               `json:"autoStopIdleMinutes,omitempty" yaml:"autoStopIdleMinutes,omitempty"`
	SubnetIDs           []string          `json:"subnetIds,omitempty" yaml:"subnetIds,omitempty"`
	SecurityGroupIDs    []string          `json:"securityGroupIds,omitempty" yaml:"securityGroupIds,omitempty"`
	Tags                map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
}

// ServerlessApp is an EMR Serverless application.
type ServerlessApp struct {
	ID                  string                    `json:"id"`
	Name                string                    `json:"name"`
	ARN                 string                    `json:"arn,omitempty"`
	Type                string                    `json:"type"`
	ReleaseLabel        string                    `json:"releaseLabel"`
	Architecture        string                    `json:"architecture,omitempty"`
	State               string                    `json:"state"`
	StateDetails        string                    `json:"stateDetails,omitempty"`
	InitialCapacity     map[string]WorkerCapacity `json:"initialCapacity,omitempty"`
	MaximumCapacity     *Capacity                 `json:"maximumCapacity,omitempty"`
	AutoStart           bool                      `json:"autoStart"`
	AutoStopIdleMinutes int                       `json:"autoStopIdleMinutes,omitempty"`
	Tags                map[string]string         `json:"tags,omitempty"`
	CreateTime          time.Time                 `json:"createTime,omitzero"`
	UpdateTime          time.Time                 `json:"updateTime,omitzero"`
}

// JobRunSpec is a job run to start: Spark (a jar or a Python script) or
// Hive (a query file). Args are passed one by one, never split.
type JobRunSpec struct {
	ApplicationID    string            `json:"applicationId"`
	Name             string            `json:"name,omitempty"`
	Kind             string            `json:"kind"`
	ExecutionRoleARN string            `json:"executionRoleArn"`
	EntryPoint       string            `json:"entryPoint,omitempty"`
	MainClass        string            `json:"mainClass,omitempty"`
	SparkConf        map[string]string `json:"sparkConf,omitempty"`
	Args             []string          `json:"args,omitempty"`
	HiveQuery        string            `json:"hiveQuery,omitempty"`
	HiveInitFile     string            `json:"hiveInitFile,omitempty"`
	TimeoutMinutes   int               `json:"executionTimeoutMinutes,omitempty"`
	LogURI           string            `json:"logUri,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// SparkSubmitParameters returns the parameters EMR Serverless passes to
// spark-submit, in a stable order.
func (j JobRunSpec) SparkSubmitParameters() string {
	var parts []string
	if j.MainClass != "" {
		parts = append(parts, "--class", j.MainClass)
	}
	keys := make([]string, 0, len(j.SparkConf))
	for k := range j.SparkConf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, "--conf", k+"="+j.SparkConf[k])
	}
	return strings.Join(parts, " ")
}

// SparkSubmit returns the spark-submit command equivalent to the job run,
// with every argument quoted for a POSIX shell: what a person confirms.
func (j JobRunSpec) SparkSubmit() string {
	if j.Kind == JobKindHive {
		cmd := []string{"hive", "-f", j.HiveQuery}
		if j.HiveInitFile != "" {
			cmd = append(cmd, "-i", j.HiveInitFile)
		}
		return ShellJoin(cmd)
	}
	cmd := []string{"spark-submit"}
	if p := j.SparkSubmitParameters(); p != "" {
		cmd = append(cmd, strings.Fields(p)...)
	}
	cmd = append(cmd, j.EntryPoint)
	return ShellJoin(append(cmd, j.Args...))
}

// ShellJoin quotes each word for a POSIX shell where needed and joins them.
func ShellJoin(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = shellQuote(w)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// JobRun is an EMR Serverless job run.
type JobRun struct {
	ApplicationID   string    `json:"applicationId"`
	ID              string    `json:"id"`
	Name            string    `json:"name,omitempty"`
	ARN             string    `json:"arn,omitempty"`
	State           string    `json:"state"`
	StateDetails    string    `json:"stateDetails,omitempty"`
	ReleaseLabel    string    `json:"releaseLabel,omitempty"`
	ExecutionRole   string    `json:"executionRole,omitempty"`
	EntryPoint      string    `json:"entryPoint,omitempty"`
	Args            []string  `json:"args,omitempty"`
	SparkParameters string    `json:"sparkSubmitParameters,omitempty"`
	HiveQuery       string    `json:"hiveQuery,omitempty"`
	DurationSeconds int       `json:"totalExecutionDurationSeconds,omitempty"`
	CreateTime      time.Time `json:"createTime,omitzero"`
	UpdateTime      time.Time `json:"updateTime,omitzero"`
	EndTime         time.Time `json:"endTime,omitzero"`
}

// Serverless runs Spark and Hive jobs without a cluster (EMR Serverless,
// AWS only): applications hold capacity, job runs use it. The writes take
// a client token where the API has one, so the engine can re-send them.
type Serverless interface {
	// CreateApplication creates an application; token is its client token.
	CreateApplication(ctx context.Context, s ServerlessAppSpec, token string) (*WriteResult, error)
	// UpdateApplication changes an application; empty fields of s are
	// left as they are.
	UpdateApplication(ctx context.Context, id string, s ServerlessAppSpec, token string) (*WriteResult, error)
	// Application describes one application.
	Application(ctx context.Context, id string) (*ServerlessApp, error)
	// Applications lists the applications; empty states match all.
	Applications(ctx context.Context, states []string) ([]ServerlessApp, error)
	StartApplication(ctx context.Context, id string) (*WriteResult, error)
	StopApplication(ctx context.Context, id string) (*WriteResult, error)
	DeleteApplication(ctx context.Context, id string) (*WriteResult, error)
	// StartJobRun starts a job run; token is its client token.
	StartJobRun(ctx context.Context, j JobRunSpec, token string) (*WriteResult, error)
	// JobRun describes one job run.
	JobRun(ctx context.Context, appID, runID string) (*JobRun, error)
	// JobRuns lists an application's job runs; empty states match all.
	JobRuns(ctx context.Context, appID string, states []string) ([]JobRun, error)
	CancelJobRun(ctx context.Context, appID, runID string) (*WriteResult, error)
}
