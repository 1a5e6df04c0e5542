package emulator

import (
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Records of EMR Serverless Spark. As with clusters, states are not
// stored: each record keeps the timeline fixed when work started, and the
// state at any moment is derived from it (see the *State functions).

// sparkAccountKey is the ID of the one sparkAccountRec.
const sparkAccountKey = "account"

// sparkAccountRec is what the sandbox account has outside Serverless
// Spark itself: its RAM roles, its OSS buckets and their objects, and the
// engine versions the service offers.
type sparkAccountRec struct {
	RAMRoles []string       `json:"ramRoles"`
	Buckets  []ossBucket    `json:"buckets"`
	Releases []sparkRelease `json:"releases"`
}

// ossBucket is an OSS bucket of the account with the objects a job may
// name as its entry point. An object not listed does not exist.
type ossBucket struct {
	Name    string      `json:"name"`
	Region  string      `json:"region"`
	Objects []ossObject `json:"objects"`
}

// ossObject is one file in a bucket. For a jar, MainClass is the manifest's
// Main-Class and Classes the classes --class may name.
type ossObject struct {
	Key       string   `json:"key"`
	MainClass string   `json:"mainClass,omitempty"`
	Classes   []string `json:"classes,omitempty"`
	// Streaming marks a program that runs until it is cancelled.
	Streaming bool `json:"streaming,omitempty"`
	// Output is what the program prints on the driver's stdout.
	Output []string `json:"output,omitempty"`
}

// sparkRelease is an engine version (ListReleaseVersions).
type sparkRelease struct {
	Version string    `json:"version"` // esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)
	Short   string    `json:"short"`   // esr-4.7.0
	Display string    `json:"display"` // esr-4.7.0 (Spark 3.5.2, Scala 2.12)
	Spark   string    `json:"spark"`   // 3.5.2
	Scala   string    `json:"scala"`   // 2.12
	Runtime string    `json:"runtime"` // Java Runtime, Native Runtime
	Java    string    `json:"java"`    // the JDK of the image
	Fusion  bool      `json:"fusion"`
	Type    string    `json:"type"`  // stable, beta
	State   string    `json:"state"` // ONLINE
	Created time.Time `json:"created"`
}

// workspaceRec is a Serverless Spark workspace.
type workspaceRec struct {
	ID              string          `json:"id"`
	Region          string          `json:"region"`
	Name            string          `json:"name"`
	PaymentType     string          `json:"paymentType"`
	Storage         string          `json:"storage"` // oss://bucket/
	Bucket          string          `json:"bucket"`
	RAMRole         string          `json:"ramRole"`
	ResourceGroupID string          `json:"resourceGroupId,omitempty"`
	DLFCatalogID    string          `json:"dlfCatalogId,omitempty"`
	DLFType         string          `json:"dlfType,omitempty"`
	ReleaseType     string          `json:"releaseType,omitempty"`
	CU              int64           `json:"cu"`
	Tags            []sparkwire.Tag `json:"tags,omitempty"`
	Duration        int64           `json:"duration,omitempty"`
	DurationUnit    string          `json:"durationUnit,omitempty"`
	AutoRenew       bool            `json:"autoRenew,omitempty"`
	AutoRenewPeriod int64           `json:"autoRenewPeriod,omitempty"`
	AutoRenewUnit   string          `json:"autoRenewUnit,omitempty"`
	IPWhiteList     []string        `json:"ipWhiteList,omitempty"`
	CreatedAt       time.Time       `json:"createdAt"`
	// The workspace is STARTING until ReadyAt, then RUNNING.
	ReadyAt time.Time `json:"readyAt"`
}

// queueRec is a resource queue of a workspace, keyed workspace/name.
type queueRec struct {
	Key          string    `json:"key"`
	WorkspaceID  string    `json:"workspaceId"`
	Name         string    `json:"name"`
	CU           int64     `json:"cu"`
	MaxCU        int64     `json:"maxCu"`
	Environments []string  `json:"environments,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	// An edit is being applied until UpdatingUntil; another edit meanwhile
	// fails as the skill says (Error.Internal).
	UpdatingUntil time.Time `json:"updatingUntil,omitzero"`
}

// jobRunRec is one StartJobRun. Its state follows the timestamps:
// Submitted, Pending at PendingAt, Running at RunningAt, Success or Failed
// (FailCode set) at EndAt (zero: runs until cancelled), Cancelling at
// CancelAt and Cancelled at CancelledAt.
type jobRunRec struct {
	ID             string                    `json:"id"`
	WorkspaceID    string                    `json:"workspaceId"`
	Name           string                    `json:"name"`
	CodeType       string                    `json:"codeType"`
	Queue          string                    `json:"queue"`
	Release        string                    `json:"release"`
	Display        string                    `json:"display"`
	EntryPoint     string                    `json:"entryPoint"`
	Args           []string                  `json:"args,omitempty"`
	SubmitParams   string                    `json:"submitParams,omitempty"`
	Overrides      []sparkwire.Configuration `json:"overrides,omitempty"`
	Tags           []sparkwire.Tag           `json:"tags,omitempty"`
	Fusion         bool                      `json:"fusion,omitempty"`
	TimeoutSeconds int64                     `json:"timeoutSeconds,omitempty"`
	Spec           jobSpec                   `json:"spec"`
	CU             float64                   `json:"cu"`
	SubmittedAt    time.Time                 `json:"submittedAt"`
	PendingAt      time.Time                 `json:"pendingAt"`
	RunningAt      time.Time                 `json:"runningAt"`
	EndAt          time.Time                 `json:"endAt,omitzero"`
	CancelAt       time.Time                 `json:"cancelAt,omitzero"`
	CancelledAt    time.Time                 `json:"cancelledAt,omitzero"`
	FailCode       string                    `json:"failCode,omitempty"`
	FailMessage    string                    `json:"failMessage,omitempty"`
	// NoLogs marks a run that failed before its driver wrote anything.
	NoLogs bool     `json:"noLogs,omitempty"`
	Stdout []string `json:"stdout,omitempty"`
}

// kyuubiRec is a Kyuubi gateway. It is NOT_STARTED until StartAt, STARTING
// until RunningAt, RUNNING until StopAt, TERMINATING until StoppedAt, then
// NOT_STARTED again.
type kyuubiRec struct {
	ID              string    `json:"id"`
	WorkspaceID     string    `json:"workspaceId"`
	Name            string    `json:"name"`
	Queue           string    `json:"queue"`
	Release         string    `json:"release"`
	ComputeInstance string    `json:"computeInstance"`
	KyuubiRelease   string    `json:"kyuubiRelease"`
	KyuubiConfigs   string    `json:"kyuubiConfigs,omitempty"`
	SparkConfigs    string    `json:"sparkConfigs,omitempty"`
	Public          bool      `json:"public,omitempty"`
	Replica         int64     `json:"replica"`
	CreatedAt       time.Time `json:"createdAt"`
	StartAt         time.Time `json:"startAt,omitzero"`
	RunningAt       time.Time `json:"runningAt,omitzero"`
	StopAt          time.Time `json:"stopAt,omitzero"`
	StoppedAt       time.Time `json:"stoppedAt,omitzero"`
}

// kyuubiTokenRec is a Kyuubi authentication token. The token itself is
// never stored: only its hash (for uniqueness) and its masked form (what
// Get and List return).
type kyuubiTokenRec struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspaceId"`
	KyuubiID    string    `json:"kyuubiId"`
	Name        string    `json:"name"`
	Hash        string    `json:"hash"`
	Masked      string    `json:"masked"`
	MemberArns  []string  `json:"memberArns,omitempty"`
	SparkRole   []string  `json:"sparkRole,omitempty"`
	AutoExpire  bool      `json:"autoExpire,omitempty"`
	ExpireDays  int64     `json:"expireDays,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	ExpireAt    time.Time `json:"expireAt,omitzero"`
}

// kyuubiAppRec is a Spark application a Kyuubi gateway started for a JDBC
// session: STARTING until RunningAt, RUNNING until EndAt, then TERMINATED.
type kyuubiAppRec struct {
	ID           string    `json:"id"`
	WorkspaceID  string    `json:"workspaceId"`
	KyuubiID     string    `json:"kyuubiId"`
	Name         string    `json:"name"`
	Queue        string    `json:"queue"`
	CU           float64   `json:"cu"`
	StartedAt    time.Time `json:"startedAt"`
	RunningAt    time.Time `json:"runningAt"`
	EndAt        time.Time `json:"endAt,omitzero"`
	ExitReason   string    `json:"exitReason,omitempty"`
	LatestStatus string    `json:"latestStatus"`
}

// sessionRec is a session cluster. It is NotStarted until StartAt,
// Starting until RunningAt, Running until StopAt (or until it has been idle
// IdleMinutes with auto-stop on), Stopping until StoppedAt, then Stopped.
type sessionRec struct {
	ID          string                    `json:"id"`
	WorkspaceID string                    `json:"workspaceId"`
	Name        string                    `json:"name"`
	Queue       string                    `json:"queue"`
	Release     string                    `json:"release"`
	Display     string                    `json:"display"`
	Kind        string                    `json:"kind"`
	EnvID       string                    `json:"envId,omitempty"`
	AppConfigs  []sparkwire.Configuration `json:"appConfigs,omitempty"`
	AutoStart   bool                      `json:"autoStart,omitempty"`
	AutoStop    bool                      `json:"autoStop,omitempty"`
	IdleMinutes int64                     `json:"idleMinutes,omitempty"`
	Fusion      bool                      `json:"fusion,omitempty"`
	Public      bool                      `json:"public,omitempty"`
	CreatedAt   time.Time                 `json:"createdAt"`
	StartAt     time.Time                 `json:"startAt,omitzero"`
	RunningAt   time.Time                 `json:"runningAt,omitzero"`
	StopAt      time.Time                 `json:"stopAt,omitzero"`
	StoppedAt   time.Time                 `json:"stoppedAt,omitzero"`
	// LastActive is when the session last finished work, for auto-stop.
	LastActive time.Time `json:"lastActive,omitzero"`
}

// statementRec is one CreateSqlStatement: waiting until RunningAt,
// running until DoneAt, then available (or error, ErrCode set); cancelled
// from CancelledAt.
type statementRec struct {
	ID          string      `json:"id"`
	WorkspaceID string      `json:"workspaceId"`
	SessionID   string      `json:"sessionId"`
	Code        string      `json:"code"`
	Database    string      `json:"database"`
	Limit       int64       `json:"limit"`
	CreatedAt   time.Time   `json:"createdAt"`
	RunningAt   time.Time   `json:"runningAt"`
	DoneAt      time.Time   `json:"doneAt"`
	CancelledAt time.Time   `json:"cancelledAt,omitzero"`
	Outputs     []sqlResult `json:"outputs,omitempty"`
	ErrCode     string      `json:"errCode,omitempty"`
	ErrMessage  string      `json:"errMessage,omitempty"`
}
