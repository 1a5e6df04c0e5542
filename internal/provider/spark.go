package provider

import (
	"context"
	"time"
)

// Alibaba EMR Serverless Spark (API 2023-08-08) runs Spark without
// clusters: a workspace holds resource queues measured in CU (1 CU = 1
// core and 4 GiB), job runs use them, Kyuubi services and session
// clusters serve interactive SQL. Only Alibaba Cloud has it; the types
// below are the engine's words for it, the adapter maps them to the wire.
//
// Lists: the calls whose API pages (workspaces, job runs, executors,
// Kyuubi applications, session clusters) take a page token and size and
// return one Page, as ListClusters does; the engine walks pages. The
// others (queues, release versions, Kyuubi services and tokens) return
// everything in one answer.
//
// Writes return *WriteResult: IDs holds the resource's ID, RequestID the
// service's request ID. Every write has a *Request twin that returns the
// exact request the write sends, for confirmations, dry runs and the
// journal (Kyuubi token values redacted). There is no DeleteWorkspace: the
// reference forbids it, and it is refused before any provider is asked.

// SparkWorkspaces manages workspaces, their resource queues and the engine
// releases they can run.
type SparkWorkspaces interface {
	// ListSparkWorkspaces returns one page of the region's workspaces.
	ListSparkWorkspaces(ctx context.Context, f SparkWorkspaceFilter, pageToken string, pageSize int) (*Page[SparkWorkspace], error)
	// GetSparkWorkspace finds one workspace (the API has no get: it
	// walks ListWorkspaces); a typed not-found when it does not exist.
	GetSparkWorkspace(ctx context.Context, id string) (*SparkWorkspace, error)
	// CreateSparkWorkspace creates a workspace (STARTING, then RUNNING);
	// in.ClientToken deduplicates a repeat.
	CreateSparkWorkspace(ctx context.Context, in SparkWorkspaceInput) (*WriteResult, error)
	CreateSparkWorkspaceRequest(in SparkWorkspaceInput) any
	// UpdateSparkWorkspace changes a workspace's name or CU limit.
	UpdateSparkWorkspace(ctx context.Context, id string, in SparkWorkspaceUpdate) (*WriteResult, error)
	UpdateSparkWorkspaceRequest(id string, in SparkWorkspaceUpdate) any
	// ListSparkQueues lists a workspace's resource queues; environment
	// ("dev", "production") may be empty.
	ListSparkQueues(ctx context.Context, workspaceID, environment string) ([]SparkQueue, error)
	// EditSparkQueue sets a queue's CU (scale up or down).
	EditSparkQueue(ctx context.Context, in SparkQueueEdit) (*WriteResult, error)
	EditSparkQueueRequest(in SparkQueueEdit) any
	// ListSparkReleases lists the engine versions (esr-*).
	ListSparkReleases(ctx context.Context, f SparkReleaseFilter) ([]SparkRelease, error)
}

// SparkJobs submits and follows Spark batch job runs.
type SparkJobs interface {
	// StartSparkJobRun submits a JAR, PYTHON or SQL job run;
	// in.ClientToken deduplicates a repeat.
	StartSparkJobRun(ctx context.Context, workspaceID string, in SparkJobRunInput) (*WriteResult, error)
	StartSparkJobRunRequest(workspaceID string, in SparkJobRunInput) any
	GetSparkJobRun(ctx context.Context, workspaceID, runID string) (*SparkJobRun, error)
	ListSparkJobRuns(ctx context.Context, workspaceID string, f SparkJobRunFilter, pageToken string, pageSize int) (*Page[SparkJobRun], error)
	// CancelSparkJobRun aborts a run (Running, then Cancelling,
	// Cancelled).
	CancelSparkJobRun(ctx context.Context, workspaceID, runID string) (*WriteResult, error)
	CancelSparkJobRunRequest(workspaceID, runID string) any
	// SparkLog reads lines of a log file of a finished run (an OSS path
	// from SparkJobRun.Log).
	SparkLog(ctx context.Context, q SparkLogQuery) (*SparkLogContent, error)
	ListSparkExecutors(ctx context.Context, workspaceID, runID string, f SparkExecutorFilter, pageToken string, pageSize int) (*Page[SparkExecutor], error)
	GetSparkRunConfiguration(ctx context.Context, workspaceID, runID string) (*SparkRunConfiguration, error)
	// SparkCUHours reads the CU-hours a queue consumed in a window of at
	// most a month.
	SparkCUHours(ctx context.Context, q SparkCUHoursQuery) (*SparkCUHours, error)
}

// SparkKyuubi manages Kyuubi services (JDBC gateways), their tokens and
// the Spark applications they run.
type SparkKyuubi interface {
	CreateSparkKyuubi(ctx context.Context, workspaceID string, in SparkKyuubiInput) (*WriteResult, error)
	CreateSparkKyuubiRequest(workspaceID string, in SparkKyuubiInput) any
	GetSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*SparkKyuubiService, error)
	ListSparkKyuubi(ctx context.Context, workspaceID string) ([]SparkKyuubiService, error)
	StartSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*WriteResult, error)
	StartSparkKyuubiRequest(workspaceID, serviceID string) any
	// StopSparkKyuubi disconnects every JDBC connection.
	StopSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*WriteResult, error)
	StopSparkKyuubiRequest(workspaceID, serviceID string) any
	// UpdateSparkKyuubi needs Name and Queue (the service refuses empty
	// ones); in.Restart restarts the service with the change.
	UpdateSparkKyuubi(ctx context.Context, workspaceID, serviceID string, in SparkKyuubiInput) (*WriteResult, error)
	UpdateSparkKyuubiRequest(workspaceID, serviceID string, in SparkKyuubiInput) any
	DeleteSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*WriteResult, error)
	DeleteSparkKyuubiRequest(workspaceID, serviceID string) any

	// CreateSparkKyuubiToken registers in.Value as a token; the value
	// exists only in the input (the service shows it masked afterwards).
	CreateSparkKyuubiToken(ctx context.Context, workspaceID, serviceID string, in SparkKyuubiTokenInput) (*WriteResult, error)
	CreateSparkKyuubiTokenRequest(workspaceID, serviceID string, in SparkKyuubiTokenInput) any
	GetSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string) (*SparkKyuubiToken, error)
	ListSparkKyuubiTokens(ctx context.Context, workspaceID, serviceID string) ([]SparkKyuubiToken, error)
	// UpdateSparkKyuubiToken changes the given fields (an empty Value
	// keeps the token).
	UpdateSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string, in SparkKyuubiTokenInput) (*WriteResult, error)
	UpdateSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID string, in SparkKyuubiTokenInput) any
	DeleteSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string) (*WriteResult, error)
	DeleteSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID string) any

	ListSparkKyuubiApps(ctx context.Context, workspaceID, serviceID string, f SparkKyuubiAppFilter, pageToken string, pageSize int) (*Page[SparkKyuubiApp], error)
	CancelSparkKyuubiApp(ctx context.Context, workspaceID, serviceID, appID string) (*WriteResult, error)
	CancelSparkKyuubiAppRequest(workspaceID, serviceID, appID string) any
}

// SparkSessions manages session clusters and the SQL statements run on
// them.
type SparkSessions interface {
	// CreateSparkSession creates a session cluster; in.ClientToken
	// deduplicates a repeat.
	CreateSparkSession(ctx context.Context, workspaceID string, in SparkSessionInput) (*WriteResult, error)
	CreateSparkSessionRequest(workspaceID string, in SparkSessionInput) any
	GetSparkSession(ctx context.Context, workspaceID, sessionID string) (*SparkSession, error)
	ListSparkSessions(ctx context.Context, workspaceID string, f SparkSessionFilter, pageToken string, pageSize int) (*Page[SparkSession], error)
	// StartSparkSession and StopSparkSession name the session's queue
	// when queue is not empty.
	StartSparkSession(ctx context.Context, workspaceID, sessionID, queue string) (*WriteResult, error)
	StartSparkSessionRequest(workspaceID, sessionID, queue string) any
	StopSparkSession(ctx context.Context, workspaceID, sessionID, queue string) (*WriteResult, error)
	StopSparkSessionRequest(workspaceID, sessionID, queue string) any
	DeleteSparkSession(ctx context.Context, workspaceID, sessionID string) (*WriteResult, error)
	DeleteSparkSessionRequest(workspaceID, sessionID string) any

	// RunSparkStatement submits SQL to a running session.
	RunSparkStatement(ctx context.Context, workspaceID string, in SparkStatementInput) (*WriteResult, error)
	RunSparkStatementRequest(workspaceID string, in SparkStatementInput) any
	GetSparkStatement(ctx context.Context, workspaceID, statementID string) (*SparkStatement, error)
	TerminateSparkStatement(ctx context.Context, workspaceID, statementID string) (*WriteResult, error)
	TerminateSparkStatementRequest(workspaceID, statementID string) any
	// SparkStatementContents reads a statement's result file (a backup
	// to SparkStatement.Outputs once the session wrote it to OSS).
	SparkStatementContents(ctx context.Context, workspaceID, file, pageToken string, pageSize int) (*SparkStatementContents, error)
}

// SparkService is all of EMR Serverless Spark.
type SparkService interface {
	SparkWorkspaces
	SparkJobs
	SparkKyuubi
	SparkSessions
}

// SparkWorkspace is a Serverless Spark workspace.
type SparkWorkspace struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Region      string       `json:"region,omitempty"`
	State       string       `json:"state"`
	StateReason *StateReason `json:"stateReason,omitempty"`
	// PaymentType is PayAsYouGo or Subscription (the API's "Pre").
	PaymentType string `json:"paymentType,omitempty"`
	// CU is the workspace's CU limit, read from ResourceSpec ("100cu");
	// 0 when it cannot be read.
	CU              int       `json:"cu,omitempty"`
	ResourceSpec    string    `json:"resourceSpec,omitempty"`
	Storage         string    `json:"storage,omitempty"`
	DLFCatalogID    string    `json:"dlfCatalogId,omitempty"`
	ResourceGroupID string    `json:"resourceGroupId,omitempty"`
	CreateTime      time.Time `json:"createTime,omitzero"`
	EndTime         time.Time `json:"endTime,omitzero"`
	Tags            []Tag     `json:"tags,omitempty"`
}

// SparkWorkspaceFilter selects workspaces; empty fields match all.
type SparkWorkspaceFilter struct {
	// Name matches part of the name (the API's fuzzy search).
	Name            string `json:"name,omitempty"`
	State           string `json:"state,omitempty"`
	ResourceGroupID string `json:"resourceGroupId,omitempty"`
	Tags            []Tag  `json:"tags,omitempty"`
}

// SparkWorkspaceInput creates a workspace.
type SparkWorkspaceInput struct {
	Name string `json:"name"`
	// OSSBucket is the workspace's storage, oss://<bucket>/.
	OSSBucket string `json:"ossBucket"`
	// RAMRole runs the jobs; normally AliyunEMRSparkJobRunDefaultRole.
	RAMRole string `json:"ramRole"`
	// PaymentType is PayAsYouGo or Subscription.
	PaymentType string `json:"paymentType"`
	CU          int    `json:"cu"`
	// Subscription is the term of a Subscription workspace.
	Subscription    *SparkSubscription `json:"subscription,omitempty"`
	DLFCatalogID    string             `json:"dlfCatalogId,omitempty"`
	ResourceGroupID string             `json:"resourceGroupId,omitempty"`
	Tags            []Tag              `json:"tags,omitempty"`
	ClientToken     string             `json:"clientToken,omitempty"`
}

// SparkSubscription is the prepaid term of a workspace; units are the
// API's ("Month", "Year").
type SparkSubscription struct {
	Duration        int    `json:"duration"`
	Unit            string `json:"unit"`
	AutoRenew       bool   `json:"autoRenew"`
	AutoRenewPeriod int    `json:"autoRenewPeriod,omitempty"`
	AutoRenewUnit   string `json:"autoRenewUnit,omitempty"`
}

// SparkWorkspaceUpdate changes a workspace; empty fields stay as they are.
type SparkWorkspaceUpdate struct {
	Name string `json:"name,omitempty"`
	CU   int    `json:"cu,omitempty"`
}

// SparkQueue is a resource queue of a workspace.
type SparkQueue struct {
	WorkspaceID  string   `json:"workspaceId"`
	Name         string   `json:"name"`
	Status       string   `json:"status"`
	Type         string   `json:"type,omitempty"`
	PaymentType  string   `json:"paymentType,omitempty"`
	Environments []string `json:"environments,omitempty"`
	// MaxCU, MinCU and UsedCU are read from the API's resource texts
	// ({"cpu":"2","memory":"8Gi","cu":"2"}): the cu member, else the
	// cores (1 CU = 1 core). -1 when neither can be read.
	MaxCU        float64   `json:"maxCu"`
	MinCU        float64   `json:"minCu"`
	UsedCU       float64   `json:"usedCu"`
	MaxResource  string    `json:"maxResource,omitempty"`
	MinResource  string    `json:"minResource,omitempty"`
	UsedResource string    `json:"usedResource,omitempty"`
	Actions      []string  `json:"allowActions,omitempty"`
	CreateTime   time.Time `json:"createTime,omitzero"`
}

// SparkQueueEdit sets a queue's capacity.
type SparkQueueEdit struct {
	WorkspaceID string `json:"workspaceId"`
	Queue       string `json:"queue"`
	// CU is the queue's capacity; MaxCU, if set, its elastic maximum.
	CU           int      `json:"cu"`
	MaxCU        int      `json:"maxCu,omitempty"`
	Environments []string `json:"environments,omitempty"`
}

// SparkRelease is an engine version, e.g. "esr-4.7.0 (Spark 3.5.2, Scala
// 2.12, Java Runtime)".
type SparkRelease struct {
	Version        string `json:"version"`
	DisplayVersion string `json:"displayVersion,omitempty"`
	State          string `json:"state,omitempty"`
	Type           string `json:"type,omitempty"`
	// Spark, Scala and Runtime come from the version text; Spark falls
	// back to the API's community version, Scala to its Scala version.
	Spark            string    `json:"spark,omitempty"`
	Scala            string    `json:"scala,omitempty"`
	Runtime          string    `json:"runtime,omitempty"`
	Fusion           bool      `json:"fusion"`
	CPUArchitectures []string  `json:"cpuArchitectures,omitempty"`
	CreateTime       time.Time `json:"createTime,omitzero"`
}

// SparkReleaseFilter selects release versions; empty fields match all.
type SparkReleaseFilter struct {
	Version     string `json:"version,omitempty"`
	Status      string `json:"status,omitempty"`
	Type        string `json:"type,omitempty"`
	WorkspaceID string `json:"workspaceId,omitempty"`
}

// SparkConfigItem is one configuration item of a configuration file
// (configurationOverrides, applicationConfigs).
type SparkConfigItem struct {
	File  string `json:"file,omitempty" yaml:"file,omitempty"`
	Key   string `json:"key" yaml:"key"`
	Value string `json:"value" yaml:"value"`
}

// SparkRunLog names the driver's log files of a run: OSS paths once the
// run ended, an HTTPS link to the Spark UI while it runs.
type SparkRunLog struct {
	Stdout  string `json:"stdout,omitempty"`
	Stderr  string `json:"stderr,omitempty"`
	Syslog  string `json:"syslog,omitempty"`
	Startup string `json:"startup,omitempty"`
}

// SparkJobRun is a Spark job run.
type SparkJobRun struct {
	WorkspaceID           string            `json:"workspaceId"`
	ID                    string            `json:"id"`
	Name                  string            `json:"name"`
	State                 string            `json:"state"`
	StateReason           *StateReason      `json:"stateReason,omitempty"`
	CodeType              string            `json:"codeType,omitempty"`
	Queue                 string            `json:"queue,omitempty"`
	ReleaseVersion        string            `json:"releaseVersion,omitempty"`
	DisplayReleaseVersion string            `json:"displayReleaseVersion,omitempty"`
	EntryPoint            string            `json:"entryPoint,omitempty"`
	Args                  []string          `json:"args,omitempty"`
	SubmitParameters      string            `json:"sparkSubmitParameters,omitempty"`
	Configurations        []SparkConfigItem `json:"configurations,omitempty"`
	Tags                  []Tag             `json:"tags,omitempty"`
	Fusion                bool              `json:"fusion"`
	TimeoutSeconds        int               `json:"executionTimeoutSeconds,omitempty"`
	Creator               string            `json:"creator,omitempty"`
	Log                   SparkRunLog       `json:"log"`
	WebUI                 string            `json:"webUI,omitempty"`
	// CUHours, VcoreSeconds and MBSeconds are the service's estimates
	// (ListJobRuns only).
	CUHours      float64   `json:"cuHours,omitempty"`
	VcoreSeconds int64     `json:"vcoreSeconds,omitempty"`
	MBSeconds    int64     `json:"mbSeconds,omitempty"`
	SubmitTime   time.Time `json:"submitTime,omitzero"`
	EndTime      time.Time `json:"endTime,omitzero"`
}

// SparkJobRunFilter selects job runs; empty fields match all.
type SparkJobRunFilter struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name,omitempty"`
	Creator string   `json:"creator,omitempty"`
	Queue   string   `json:"queue,omitempty"`
	States  []string `json:"states,omitempty"`
	// StartedAfter and StartedBefore bound the start time, EndedAfter
	// and EndedBefore the end time.
	StartedAfter  time.Time     `json:"startedAfter,omitzero"`
	StartedBefore time.Time     `json:"startedBefore,omitzero"`
	EndedAfter    time.Time     `json:"endedAfter,omitzero"`
	EndedBefore   time.Time     `json:"endedBefore,omitzero"`
	MinDuration   time.Duration `json:"minDuration,omitempty"`
	Tags          []Tag         `json:"tags,omitempty"`
}

// SparkLogQuery reads Length lines of File from line Offset.
type SparkLogQuery struct {
	WorkspaceID string `json:"workspaceId"`
	File        string `json:"file"`
	Offset      int    `json:"offset"`
	Length      int    `json:"length"`
}

// SparkLogContent is a slice of a log file.
type SparkLogContent struct {
	File   string   `json:"file"`
	Offset int      `json:"offset"`
	Lines  []string `json:"lines"`
	// TotalLines is the file's length in lines, as far as the service
	// knows it.
	TotalLines int `json:"totalLines"`
}

// SparkExecutor is a driver or executor of a job run.
type SparkExecutor struct {
	RunID          string        `json:"runId"`
	ID             string        `json:"id"`
	Type           string        `json:"type,omitempty"`
	Status         string        `json:"status"`
	HostPort       string        `json:"hostPort,omitempty"`
	Cores          int           `json:"cores"`
	ActiveTasks    int           `json:"activeTasks"`
	CompletedTasks int           `json:"completedTasks"`
	FailedTasks    int           `json:"failedTasks"`
	TotalTasks     int           `json:"totalTasks"`
	MemoryUsed     int64         `json:"memoryUsed"`
	MaxMemory      int64         `json:"maxMemory"`
	DiskUsed       int64         `json:"diskUsed"`
	Duration       time.Duration `json:"duration"`
	GCTime         time.Duration `json:"gcTime"`
	InputBytes     int64         `json:"inputBytes"`
	ShuffleRead    int64         `json:"shuffleRead"`
	ShuffleWrite   int64         `json:"shuffleWrite"`
	AddTime        time.Time     `json:"addTime,omitzero"`
}

// SparkExecutorFilter selects executors; empty fields match all.
type SparkExecutorFilter struct {
	Status string `json:"status,omitempty"`
	Type   string `json:"type,omitempty"`
}

// SparkRunConfiguration is what a run was started with.
type SparkRunConfiguration struct {
	Configurations []SparkConfigItem `json:"configurations,omitempty"`
	Runtime        []Tag             `json:"runtime,omitempty"`
	LogLevel       string            `json:"logLevel,omitempty"`
	LogPath        string            `json:"logPath,omitempty"`
}

// SparkCUHoursQuery asks for a queue's CU-hours between Start and End
// (any zone: the adapter converts to the service's).
type SparkCUHoursQuery struct {
	WorkspaceID string    `json:"workspaceId"`
	Queue       string    `json:"queue"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
}

// SparkCUHours is a queue's consumption: hourly points and their sum.
type SparkCUHours struct {
	Queue  string         `json:"queue"`
	Total  float64        `json:"total"`
	Points []SparkCUPoint `json:"points,omitempty"`
	// Raw is the service's answer when it could not be read as points.
	Raw string `json:"raw,omitempty"`
}

// SparkCUPoint is the CU-hours of one period starting at Time.
type SparkCUPoint struct {
	Time    time.Time `json:"time"`
	CUHours float64   `json:"cuHours"`
}

// SparkKyuubiService is a Kyuubi gateway.
type SparkKyuubiService struct {
	WorkspaceID          string    `json:"workspaceId"`
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	State                string    `json:"state"`
	Queue                string    `json:"queue,omitempty"`
	ReleaseVersion       string    `json:"releaseVersion,omitempty"`
	KyuubiReleaseVersion string    `json:"kyuubiReleaseVersion,omitempty"`
	ComputeInstance      string    `json:"computeInstance,omitempty"`
	Replica              int       `json:"replica,omitempty"`
	PublicEndpoint       bool      `json:"publicEndpointEnabled"`
	InnerEndpoint        string    `json:"innerEndpoint,omitempty"`
	PublicAddress        string    `json:"publicEndpoint,omitempty"`
	KyuubiConfigs        string    `json:"kyuubiConfigs,omitempty"`
	SparkConfigs         string    `json:"sparkConfigs,omitempty"`
	Creator              string    `json:"creator,omitempty"`
	CreateTime           time.Time `json:"createTime,omitzero"`
	StartTime            time.Time `json:"startTime,omitzero"`
}

// SparkKyuubiInput creates or updates a Kyuubi service. Configs are the
// API's texts ("k=v;k2=v2").
type SparkKyuubiInput struct {
	Name                 string `json:"name,omitempty"`
	Queue                string `json:"queue,omitempty"`
	ReleaseVersion       string `json:"releaseVersion,omitempty"`
	KyuubiReleaseVersion string `json:"kyuubiReleaseVersion,omitempty"`
	ComputeInstance      string `json:"computeInstance,omitempty"`
	Replica              int    `json:"replica,omitempty"`
	PublicEndpoint       *bool  `json:"publicEndpointEnabled,omitempty"`
	KyuubiConfigs        string `json:"kyuubiConfigs,omitempty"`
	SparkConfigs         string `json:"sparkConfigs,omitempty"`
	// Restart applies an update by restarting the service (update only).
	Restart *bool `json:"restart,omitempty"`
}

// SparkKyuubiToken is a Kyuubi token as the service shows it: masked.
// The value itself exists only in the SparkKyuubiTokenInput that created
// it.
type SparkKyuubiToken struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Masked       string    `json:"token,omitempty"`
	CreatedBy    string    `json:"createdBy,omitempty"`
	MemberARNs   []string  `json:"memberArns,omitempty"`
	AccountNames []string  `json:"accountNames,omitempty"`
	AutoExpire   bool      `json:"autoExpire"`
	ExpireDays   int       `json:"expireDays,omitempty"`
	CreateTime   time.Time `json:"createTime,omitzero"`
	ExpireTime   time.Time `json:"expireTime,omitzero"`
	LastUsedTime time.Time `json:"lastUsedTime,omitzero"`
}

// SparkKyuubiTokenInput creates or updates a token. Value is a secret:
// never printed, journaled or logged (the *Request methods redact it).
type SparkKyuubiTokenInput struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"-"`
	// ExpireDays > 0 makes the token expire after that many days.
	ExpireDays int      `json:"expireDays,omitempty"`
	MemberARNs []string `json:"memberArns,omitempty"`
}

// SparkKyuubiApp is a Spark application a Kyuubi service started.
type SparkKyuubiApp struct {
	ServiceID       string    `json:"kyuubiServiceId"`
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	State           string    `json:"state"`
	Queue           string    `json:"queue,omitempty"`
	ExitReason      string    `json:"exitReason,omitempty"`
	LatestStatement string    `json:"latestSqlStatementStatus,omitempty"`
	WebUI           string    `json:"webUI,omitempty"`
	CUHours         float64   `json:"cuHours,omitempty"`
	VcoreSeconds    int64     `json:"vcoreSeconds,omitempty"`
	MBSeconds       int64     `json:"mbSeconds,omitempty"`
	StartTime       time.Time `json:"startTime,omitzero"`
	EndTime         time.Time `json:"endTime,omitzero"`
}

// SparkKyuubiAppFilter selects Kyuubi applications; empty fields match all.
type SparkKyuubiAppFilter struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Queue string `json:"queue,omitempty"`
	State string `json:"state,omitempty"`
}

// SparkSession is a session cluster.
type SparkSession struct {
	WorkspaceID           string            `json:"workspaceId"`
	ID                    string            `json:"id"`
	Name                  string            `json:"name"`
	State                 string            `json:"state"`
	StateReason           *StateReason      `json:"stateReason,omitempty"`
	Kind                  string            `json:"kind,omitempty"`
	Queue                 string            `json:"queue,omitempty"`
	ReleaseVersion        string            `json:"releaseVersion,omitempty"`
	DisplayReleaseVersion string            `json:"displayReleaseVersion,omitempty"`
	Configurations        []SparkConfigItem `json:"configurations,omitempty"`
	AutoStart             bool              `json:"autoStart"`
	// AutoStopMinutes is the idle time after which the session stops; 0
	// when auto-stop is off.
	AutoStopMinutes int       `json:"autoStopMinutes,omitempty"`
	Fusion          bool      `json:"fusion"`
	PublicEndpoint  bool      `json:"publicEndpointEnabled"`
	Domain          string    `json:"domain,omitempty"`
	DomainInner     string    `json:"domainInner,omitempty"`
	WebUI           string    `json:"webUI,omitempty"`
	UserName        string    `json:"userName,omitempty"`
	CreateTime      time.Time `json:"createTime,omitzero"`
	StartTime       time.Time `json:"startTime,omitzero"`
}

// SparkSessionFilter selects session clusters; empty fields match all.
type SparkSessionFilter struct {
	ID    string `json:"id,omitempty"`
	Queue string `json:"queue,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

// SparkSessionInput creates a session cluster.
type SparkSessionInput struct {
	Name string `json:"name"`
	// Kind is SQL (default) or NOTEBOOK.
	Kind           string            `json:"kind,omitempty"`
	Queue          string            `json:"queue"`
	ReleaseVersion string            `json:"releaseVersion,omitempty"`
	Configurations []SparkConfigItem `json:"configurations,omitempty"`
	AutoStart      *bool             `json:"autoStart,omitempty"`
	// AutoStopMinutes > 0 stops the session after that many idle minutes.
	AutoStopMinutes int    `json:"autoStopMinutes,omitempty"`
	Fusion          *bool  `json:"fusion,omitempty"`
	PublicEndpoint  *bool  `json:"publicEndpointEnabled,omitempty"`
	ClientToken     string `json:"clientToken,omitempty"`
}

// SparkStatementInput runs SQL on a session cluster.
type SparkStatementInput struct {
	SessionID string `json:"sessionId"`
	SQL       string `json:"sql"`
	Database  string `json:"database,omitempty"`
	Catalog   string `json:"catalog,omitempty"`
	// Limit caps the rows returned, 1 to 10000 (0: the service's 1000).
	Limit int `json:"limit,omitempty"`
}

// SparkStatement is a SQL statement and, once available, its results.
type SparkStatement struct {
	ID           string                 `json:"id"`
	State        string                 `json:"state"`
	ErrorCode    string                 `json:"errorCode,omitempty"`
	ErrorMessage string                 `json:"errorMessage,omitempty"`
	Outputs      []SparkStatementOutput `json:"outputs,omitempty"`
	// ExecutionMillis is the run time of each statement of the SQL.
	ExecutionMillis []int64 `json:"executionMillis,omitempty"`
}

// SparkStatementOutput is the result of one statement: JSON texts of its
// schema and rows, as the service gives them.
type SparkStatementOutput struct {
	Schema   string `json:"schema,omitempty"`
	Rows     string `json:"rows,omitempty"`
	RowsFile string `json:"rowsFile,omitempty"`
}

// SparkStatementContents is one page of a statement's result file.
type SparkStatementContents struct {
	Contents  string `json:"contents"`
	NextToken string `json:"nextToken,omitempty"`
	Total     int    `json:"total,omitempty"`
}
