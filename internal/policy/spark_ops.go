package policy

import (
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/safetext"
	"github.com/emrctl/emrctl/internal/validate"
)

// EMR Serverless Spark (seed 001). The engine reads the state each rule
// needs before deciding (the run's state, the Kyuubi service's running
// applications, the session's state, the queues' CU) and fills it in; the
// decisions below never read free text (names, SQL, commands) to reach a
// verdict, they only show it.

// The fixed rules of Serverless Spark, as reported in Decision.Limit.
const (
	// RuleSparkWorkspaceDeletion: workspaces are deleted in the console
	// only, by nobody through emrctl.
	RuleSparkWorkspaceDeletion = "sparkWorkspaceDeletion"
	// RuleSparkPreCheck: the state the seed's pre-check requires does not
	// hold (a run that is not Running, a session that is not stopped, a
	// Kyuubi service that is started or still runs applications).
	RuleSparkPreCheck = "sparkPreCheck"
	// RuleSparkWorkspaceCU: the queues would hold more CU than the
	// workspace's limit.
	RuleSparkWorkspaceCU = "sparkWorkspaceCU"
	// RuleSparkCU: a CU amount is out of range.
	RuleSparkCU = "sparkCU"
)

// Code types of a Serverless Spark job run, as the API spells them.
const (
	SparkCodeJAR    = "JAR"
	SparkCodePython = "PYTHON"
	SparkCodeSQL    = "SQL"
)

// sparkConsole is the console where workspaces are deleted.
const sparkConsole = "https://emr-next.console.aliyun.com/"

// SparkWorkspaceDeletionRefusal returns the refusal shown for a workspace
// deletion in region (may be empty).
func SparkWorkspaceDeletionRefusal(region string) string {
	return sparkDeletionRefusal(region).String()
}

func sparkDeletionRefusal(region string) safetext.Text {
	const words = "emrctl does not delete EMR Serverless Spark workspaces: the safety policy refuses it for everyone, " +
		"since a workspace takes its queues, jobs, Kyuubi services and sessions with it. To delete a workspace, use the EMR Serverless Spark console at "
	if region == "" {
		return safetext.F(words + sparkConsole + ", or ask your cloud administrator.")
	}
	return safetext.F(words+sparkConsole+"#/region/%s/resource/all/serverless/spark/list, or ask your cloud administrator.", safetext.ID(region))
}

// sparkTarget shows a workspace and one of its resources as one target.
func sparkTarget(workspaceID string, ids ...string) safetext.Text {
	t := safetext.ID(workspaceID)
	for _, id := range ids {
		t = safetext.F("%s/%s", t, safetext.ID(id))
	}
	return t
}

func sparkTargetString(workspaceID string, ids ...string) string {
	return strings.Join(append([]string{workspaceID}, ids...), "/")
}

// named shows " (named N)" when name is set.
func named(name string) safetext.Text {
	if name == "" {
		return safetext.Text{}
	}
	return safetext.F(" (named %s)", name)
}

// CreateSparkWorkspace creates a Serverless Spark workspace.
type CreateSparkWorkspace struct {
	Region string
	Name   string
	// OSSBucket is the workspace's storage, oss://bucket/.
	OSSBucket   string
	PaymentType string
	// CU is the workspace's CU limit: what its queues may hold together.
	CU int
	// SubscriptionMonths is the prepaid term; 0 for pay-as-you-go.
	SubscriptionMonths int
}

// API returns "CreateWorkspace".
func (CreateSparkWorkspace) API() string { return "CreateWorkspace" }

// Target returns the new workspace's name and region.
func (o CreateSparkWorkspace) Target() string { return newName("workspace", o.Name, o.Region) }

func (o CreateSparkWorkspace) target() safetext.Text {
	if o.Region == "" {
		return safetext.F("new workspace %s", o.Name)
	}
	return safetext.F("new workspace %s in %s", o.Name, safetext.ID(o.Region))
}

func (o CreateSparkWorkspace) decide(b *builder, a Actor, _ *Policy, l Limits) {
	agentCost(b, a)
	if o.CU < 1 {
		b.deny(RuleSparkCU, safetext.F("A workspace needs a CU limit of at least 1; got %d.", o.CU))
	}
	if o.CU > l.SparkQueueMaxCUTotal {
		b.costAck(safetext.F("The workspace's queues may hold up to %d CU together, more than %d (%s).",
			o.CU, l.SparkQueueMaxCUTotal, safetext.Word(LimitSparkQueueMaxCUTotal)))
	}
	if o.SubscriptionMonths > l.SubscriptionCostAckAboveMonths {
		b.costAck(safetext.F("The subscription runs %d months, more than %d (%s), and is paid for the whole term.",
			o.SubscriptionMonths, l.SubscriptionCostAckAboveMonths, safetext.Word(LimitSubscriptionCostAckAboveMonths)))
	}
	b.confirm(safetext.F("Each workspace is created only after its own confirmation of its billing and CU limit."))
	billing := safetext.F("billed %s by the CU its jobs use", safetext.ID(o.PaymentType))
	if o.SubscriptionMonths > 0 {
		billing = safetext.F("billed %s for %d months, paid in advance", safetext.ID(o.PaymentType), o.SubscriptionMonths)
	}
	b.d.Summary.Impact = safetext.F("creates a workspace with a limit of %d CU (1 CU = 1 core and 4 GiB), %s, storing in %s",
		o.CU, billing, safetext.ID(o.OSSBucket))
}

// UpdateSparkWorkspace renames a workspace or changes its CU limit.
type UpdateSparkWorkspace struct {
	WorkspaceID string
	// Name is the workspace's name now; NewName the new one, or empty.
	Name, NewName string
	// CU is the new CU limit, 0 to keep it; CurrentCU the limit now.
	CU, CurrentCU int
}

// API returns "UpdateWorkspace".
func (UpdateSparkWorkspace) API() string { return "UpdateWorkspace" }

// Target returns the workspace ID.
func (o UpdateSparkWorkspace) Target() string { return o.WorkspaceID }

func (o UpdateSparkWorkspace) target() safetext.Text { return safetext.ID(o.WorkspaceID) }

func (o UpdateSparkWorkspace) decide(b *builder, a Actor, _ *Policy, l Limits) {
	var changes []safetext.Text
	if o.NewName != "" {
		changes = append(changes, safetext.F("renames workspace %s to %s", o.Name, o.NewName))
	}
	switch {
	case o.CU < 0:
		b.deny(RuleSparkCU, safetext.F("The CU limit must not be negative; got %d.", o.CU))
	case o.CU > o.CurrentCU:
		agentCost(b, a)
		if o.CU > l.SparkQueueMaxCUTotal {
			b.costAck(safetext.F("The workspace's queues may then hold up to %d CU together, more than %d (%s).",
				o.CU, l.SparkQueueMaxCUTotal, safetext.Word(LimitSparkQueueMaxCUTotal)))
		}
		changes = append(changes, safetext.F("raises the CU limit of %s from %d to %d", o.Name, o.CurrentCU, o.CU))
	case o.CU > 0 && o.CU < o.CurrentCU:
		changes = append(changes, safetext.F("lowers the CU limit of %s from %d to %d", o.Name, o.CurrentCU, o.CU))
	}
	if len(changes) == 0 {
		changes = append(changes, safetext.F("changes nothing on %s", o.Name))
	}
	b.d.Summary.Impact = safetext.Join(changes, ", ")
}

// DeleteSparkWorkspace deletes a workspace: always refused.
type DeleteSparkWorkspace struct {
	Region      string
	WorkspaceID string
}

// API returns "DeleteWorkspace".
func (DeleteSparkWorkspace) API() string { return "DeleteWorkspace" }

// Target returns the workspace ID.
func (o DeleteSparkWorkspace) Target() string { return o.WorkspaceID }

func (o DeleteSparkWorkspace) target() safetext.Text { return safetext.ID(o.WorkspaceID) }

func (o DeleteSparkWorkspace) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.d.Summary.Impact = safetext.F("deletes workspace %s with its queues, job runs, Kyuubi services and sessions; this cannot be undone", safetext.ID(o.WorkspaceID))
	b.deny(RuleSparkWorkspaceDeletion, sparkDeletionRefusal(o.Region))
}

// EditSparkQueue sets a resource queue's CU (EditWorkspaceQueue).
type EditSparkQueue struct {
	WorkspaceID string
	Queue       string
	// CU and MaxCU are the queue's new capacity and elastic maximum (0:
	// as CU); CurrentCU is its capacity now.
	CU, MaxCU, CurrentCU int
	// OtherQueuesCU is the capacity of the workspace's other queues;
	// WorkspaceCU the workspace's limit (0 when unknown).
	OtherQueuesCU, WorkspaceCU int
}

// API returns "EditWorkspaceQueue".
func (EditSparkQueue) API() string { return "EditWorkspaceQueue" }

// Target returns the workspace and queue.
func (o EditSparkQueue) Target() string { return sparkTargetString(o.WorkspaceID, o.Queue) }

func (o EditSparkQueue) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.Queue) }

func (o EditSparkQueue) decide(b *builder, a Actor, _ *Policy, l Limits) {
	total := o.OtherQueuesCU + o.CU
	switch {
	case o.CU < 0 || o.MaxCU < 0:
		b.deny(RuleSparkCU, safetext.F("Queue CU must not be negative; got cu %d and maxCu %d.", o.CU, o.MaxCU))
	case o.MaxCU != 0 && o.MaxCU < o.CU:
		b.deny(RuleSparkCU, safetext.F("The elastic maximum %d is below the queue's CU %d; set maxCu to at least cu, or leave it out.", o.MaxCU, o.CU))
	}
	if o.WorkspaceCU > 0 && total > o.WorkspaceCU {
		b.deny(RuleSparkWorkspaceCU, safetext.F("The queues of workspace %s would hold %d CU, more than its limit of %d: the other queues hold %d, so %s can have at most %d. "+
			"Scale another queue down first, or raise the workspace's CU limit.", safetext.ID(o.WorkspaceID), total, o.WorkspaceCU, o.OtherQueuesCU, safetext.ID(o.Queue), o.WorkspaceCU-o.OtherQueuesCU))
	}
	if o.WorkspaceCU > 0 && o.MaxCU > o.WorkspaceCU {
		b.deny(RuleSparkWorkspaceCU, safetext.F("The elastic maximum %d is above the workspace's limit of %d CU.", o.MaxCU, o.WorkspaceCU))
	}
	growth := o.CU - o.CurrentCU
	if growth > 0 {
		agentCost(b, a)
		if growth > l.SparkQueueMaxCUPerCall {
			b.costAck(safetext.F("The queue grows by %d CU in one change, more than %d (%s).", growth, l.SparkQueueMaxCUPerCall, safetext.Word(LimitSparkQueueMaxCUPerCall)))
		}
		if total > l.SparkQueueMaxCUTotal {
			b.costAck(safetext.F("The workspace's queues then hold %d CU together, more than %d (%s).", total, l.SparkQueueMaxCUTotal, safetext.Word(LimitSparkQueueMaxCUTotal)))
		}
		b.confirm(safetext.F("A larger queue lets jobs use, and be billed for, more CU."))
	} else {
		b.confirm(safetext.F("Running jobs keep their resources, but new jobs may wait longer in a smaller queue."))
	}
	impact := safetext.F("sets queue %s of %s from %d to %d CU", safetext.ID(o.Queue), safetext.ID(o.WorkspaceID), o.CurrentCU, o.CU)
	if o.MaxCU > 0 {
		impact = safetext.F("%s (elastic up to %d)", impact, o.MaxCU)
	}
	if o.WorkspaceCU > 0 {
		impact = safetext.F("%s; the workspace's queues then hold %d of its %d CU", impact, total, o.WorkspaceCU)
	}
	b.d.Summary.Impact = impact
}

// StartSparkJobRun submits a Serverless Spark job run. Every submission is
// confirmed with the equivalent spark-submit command (the seed's job
// submission protection).
type StartSparkJobRun struct {
	WorkspaceID string
	Name        string
	// CodeType is JAR, PYTHON or SQL.
	CodeType string
	Queue    string
	// CodeURIs are the locations of the entry point, jars, Python files
	// and files (not the service's own SQL runner).
	CodeURIs []string
	// OwnBuckets are the user's own buckets from the configuration; they
	// add to the policy's OwnBuckets.
	OwnBuckets []string
	// SparkSubmit is the equivalent spark-submit command.
	SparkSubmit string
}

// API returns "StartJobRun".
func (StartSparkJobRun) API() string { return "StartJobRun" }

// Target returns the workspace ID.
func (o StartSparkJobRun) Target() string { return o.WorkspaceID }

func (o StartSparkJobRun) target() safetext.Text { return safetext.ID(o.WorkspaceID) }

func (o StartSparkJobRun) decide(b *builder, a Actor, p *Policy, _ Limits) {
	if !slices.Contains([]string{SparkCodeJAR, SparkCodePython, SparkCodeSQL}, o.CodeType) {
		b.deny(RuleJobKind, safetext.F("The code type %s is unknown; use JAR, PYTHON or SQL.", o.CodeType))
	}
	if a.Kind.Untrusted() {
		own := ownBuckets(p.OwnBuckets, o.OwnBuckets)
		var outside []string
		for _, uri := range o.CodeURIs {
			u, ok := validate.ParseObjectURI(uri)
			if !ok || u.Scheme != "oss" || !slices.Contains(own, u.Bucket) {
				outside = append(outside, uri)
			}
		}
		switch {
		case len(outside) > 0 && len(own) == 0:
			b.deny(RuleOwnBuckets, safetext.F("Agents and services run only code stored in your own OSS buckets, and none are configured: configure ownBuckets. "+
				"Outside them: %s.", safetext.IDs(outside)))
		case len(outside) > 0:
			b.deny(RuleOwnBuckets, safetext.F("Agents and services run only code stored in your own OSS buckets (%s); these are outside them: %s. "+
				"Copy the code into one of them, or add the bucket to ownBuckets.", safetext.IDs(own), safetext.IDs(outside)))
		}
	}
	b.confirm(safetext.F("A job run is submitted only after its equivalent spark-submit command is confirmed."))
	impact := safetext.F("runs %s job %s on queue %s of %s", safetext.ID(o.CodeType), o.Name, safetext.ID(o.Queue), safetext.ID(o.WorkspaceID))
	if len(o.CodeURIs) > 0 {
		impact = safetext.F("%s with code from %s", impact, safetext.IDs(o.CodeURIs))
	}
	// One command, shown as one value: a line break in an argument is
	// escaped, never a new line.
	b.d.Summary.Impact = safetext.F("%s, billed by the CU it uses; equivalent command:\n%s", impact, o.SparkSubmit)
}

// CancelSparkJobRun cancels a job run: only a Running one.
type CancelSparkJobRun struct {
	WorkspaceID, RunID string
	Name               string
	// State is the run's state, read just before.
	State string
}

// API returns "CancelJobRun".
func (CancelSparkJobRun) API() string { return "CancelJobRun" }

// Target returns the workspace and run.
func (o CancelSparkJobRun) Target() string { return sparkTargetString(o.WorkspaceID, o.RunID) }

func (o CancelSparkJobRun) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.RunID) }

func (o CancelSparkJobRun) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.d.Summary.Impact = safetext.F("aborts job run %s%s, which is %s; results it has not written yet may be lost", safetext.ID(o.RunID), named(o.Name), safetext.ID(o.State))
	if o.State != "Running" {
		b.deny(RuleSparkPreCheck, safetext.F("Job run %s is %s, not Running: only a running job run is cancelled, so nothing was sent.", safetext.ID(o.RunID), safetext.ID(o.State)))
		return
	}
	b.confirm(safetext.F("Cancelling aborts the job run."))
}

// StopSparkKyuubi stops a Kyuubi service.
type StopSparkKyuubi struct {
	WorkspaceID, ServiceID string
	Name                   string
	State                  string
	// RunningApps is the number of its applications starting or running.
	RunningApps int
}

// API returns "StopKyuubiService".
func (StopSparkKyuubi) API() string { return "StopKyuubiService" }

// Target returns the workspace and service.
func (o StopSparkKyuubi) Target() string { return sparkTargetString(o.WorkspaceID, o.ServiceID) }

func (o StopSparkKyuubi) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.ServiceID) }

func (o StopSparkKyuubi) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.confirm(safetext.F("Stopping a Kyuubi service disconnects its JDBC clients and aborts the queries they run."))
	b.d.Summary.Impact = safetext.F("stops Kyuubi service %s%s, which is %s: disconnects every JDBC connection (%s)",
		safetext.ID(o.ServiceID), named(o.Name), safetext.ID(o.State), count(o.RunningApps, safetext.Word("running application")))
}

// DeleteSparkKyuubi deletes a Kyuubi service: only a stopped one without
// running applications.
type DeleteSparkKyuubi struct {
	WorkspaceID, ServiceID string
	Name                   string
	State                  string
	RunningApps            int
}

// API returns "DeleteKyuubiService".
func (DeleteSparkKyuubi) API() string { return "DeleteKyuubiService" }

// Target returns the workspace and service.
func (o DeleteSparkKyuubi) Target() string { return sparkTargetString(o.WorkspaceID, o.ServiceID) }

func (o DeleteSparkKyuubi) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.ServiceID) }

func (o DeleteSparkKyuubi) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.d.Summary.Impact = safetext.F("permanently deletes Kyuubi service %s%s, which is %s with %s; this cannot be undone",
		safetext.ID(o.ServiceID), named(o.Name), safetext.ID(o.State), count(o.RunningApps, safetext.Word("running application")))
	if o.State != "NOT_STARTED" {
		b.deny(RuleSparkPreCheck, safetext.F("Kyuubi service %s is %s: only a stopped service (NOT_STARTED) is deleted. Stop it first, as its own confirmed command.",
			safetext.ID(o.ServiceID), safetext.ID(o.State)))
	}
	if o.RunningApps > 0 {
		b.deny(RuleSparkPreCheck, safetext.F("Kyuubi service %s still runs %s: wait for them to end, or cancel them, then delete.",
			safetext.ID(o.ServiceID), count(o.RunningApps, safetext.Word("application"))))
	}
	if b.d.Verdict != Deny {
		b.confirm(safetext.F("Deleting a Kyuubi service cannot be undone; a person confirms it, also for an agent."))
	}
}

// DeleteSparkKyuubiToken deletes a Kyuubi token.
type DeleteSparkKyuubiToken struct {
	WorkspaceID, ServiceID, TokenID string
	Name                            string
}

// API returns "DeleteKyuubiToken".
func (DeleteSparkKyuubiToken) API() string { return "DeleteKyuubiToken" }

// Target returns the workspace, service and token.
func (o DeleteSparkKyuubiToken) Target() string {
	return sparkTargetString(o.WorkspaceID, o.ServiceID, o.TokenID)
}

func (o DeleteSparkKyuubiToken) target() safetext.Text {
	return sparkTarget(o.WorkspaceID, o.ServiceID, o.TokenID)
}

func (o DeleteSparkKyuubiToken) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.confirm(safetext.F("A deleted token cannot be brought back."))
	b.d.Summary.Impact = safetext.F("deletes token %s%s of Kyuubi service %s: connections using this token will fail authentication",
		safetext.ID(o.TokenID), named(o.Name), safetext.ID(o.ServiceID))
}

// CancelSparkKyuubiApp cancels a Spark application of a Kyuubi service:
// only a starting or running one.
type CancelSparkKyuubiApp struct {
	WorkspaceID, ServiceID, AppID string
	Name                          string
	State                         string
}

// API returns "CancelKyuubiSparkApplication".
func (CancelSparkKyuubiApp) API() string { return "CancelKyuubiSparkApplication" }

// Target returns the workspace, service and application.
func (o CancelSparkKyuubiApp) Target() string {
	return sparkTargetString(o.WorkspaceID, o.ServiceID, o.AppID)
}

func (o CancelSparkKyuubiApp) target() safetext.Text {
	return sparkTarget(o.WorkspaceID, o.ServiceID, o.AppID)
}

func (o CancelSparkKyuubiApp) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.d.Summary.Impact = safetext.F("aborts the running Spark query of application %s%s, which is %s", safetext.ID(o.AppID), named(o.Name), safetext.ID(o.State))
	if o.State != "STARTING" && o.State != "RUNNING" {
		b.deny(RuleSparkPreCheck, safetext.F("Application %s is %s: only a starting or running application is cancelled, so nothing was sent.", safetext.ID(o.AppID), safetext.ID(o.State)))
		return
	}
	b.confirm(safetext.F("Cancelling aborts the query; its JDBC client gets an error."))
}

// StopSparkSession stops a session cluster.
type StopSparkSession struct {
	WorkspaceID, SessionID string
	Name                   string
	State                  string
}

// API returns "StopSessionCluster".
func (StopSparkSession) API() string { return "StopSessionCluster" }

// Target returns the workspace and session.
func (o StopSparkSession) Target() string { return sparkTargetString(o.WorkspaceID, o.SessionID) }

func (o StopSparkSession) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.SessionID) }

func (o StopSparkSession) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.confirm(safetext.F("Stopping a session cluster ends its session."))
	b.d.Summary.Impact = safetext.F("stops session cluster %s%s, which is %s: the session's state is lost (temporary views, cached data, running statements)",
		safetext.ID(o.SessionID), named(o.Name), safetext.ID(o.State))
}

// DeleteSparkSession deletes a session cluster: only a stopped one.
type DeleteSparkSession struct {
	WorkspaceID, SessionID string
	Name                   string
	State                  string
}

// API returns "DeleteSessionCluster".
func (DeleteSparkSession) API() string { return "DeleteSessionCluster" }

// Target returns the workspace and session.
func (o DeleteSparkSession) Target() string { return sparkTargetString(o.WorkspaceID, o.SessionID) }

func (o DeleteSparkSession) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.SessionID) }

func (o DeleteSparkSession) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.d.Summary.Impact = safetext.F("permanently deletes session cluster %s%s, which is %s; this cannot be undone", safetext.ID(o.SessionID), named(o.Name), safetext.ID(o.State))
	if o.State != "Stopped" && o.State != "NotStarted" {
		b.deny(RuleSparkPreCheck, safetext.F("Session cluster %s is %s: only a stopped session cluster is deleted. Stop it first, as its own confirmed command.",
			safetext.ID(o.SessionID), safetext.ID(o.State)))
		return
	}
	b.confirm(safetext.F("Deleting a session cluster cannot be undone; a person confirms it, also for an agent."))
}

// StartSparkCompute creates, starts or restarts Spark compute that is
// billed while it runs: a Kyuubi service or a session cluster (API names
// which).
type StartSparkCompute struct {
	// Action is the API: CreateKyuubiService, StartKyuubiService,
	// UpdateKyuubiService, CreateSessionCluster or StartSessionCluster.
	Action      string
	WorkspaceID string
	// ResourceID is the service or session; empty for a new one.
	ResourceID string
	Name       string
	Queue      string
}

// API returns the API the write calls.
func (o StartSparkCompute) API() string { return o.Action }

// Target returns the workspace and the resource, or the new resource's
// name.
func (o StartSparkCompute) Target() string {
	if o.ResourceID == "" {
		return sparkTargetString(o.WorkspaceID, "new "+o.Name)
	}
	return sparkTargetString(o.WorkspaceID, o.ResourceID)
}

func (o StartSparkCompute) target() safetext.Text {
	if o.ResourceID == "" {
		return safetext.F("%s/new %s", safetext.ID(o.WorkspaceID), o.Name)
	}
	return sparkTarget(o.WorkspaceID, o.ResourceID)
}

func (o StartSparkCompute) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	agentCost(b, a)
	queue := safetext.Text{}
	if o.Queue != "" {
		queue = safetext.F(" on queue %s", safetext.ID(o.Queue))
	}
	what := safetext.F("new Spark compute %s", o.Name)
	if o.ResourceID != "" {
		what = safetext.F("Spark compute %s%s", safetext.ID(o.ResourceID), named(o.Name))
	}
	b.d.Summary.Impact = safetext.F("runs %s%s in %s, billed by the CU it uses while it runs", what, queue, safetext.ID(o.WorkspaceID))
}

// SparkKyuubiTokenWrite creates a Kyuubi token, or changes one.
type SparkKyuubiTokenWrite struct {
	WorkspaceID, ServiceID string
	// TokenID is empty when the token is created.
	TokenID string
	Name    string
	// NewValue: the write sets a token value (always on create); on an
	// update it replaces the value clients use.
	NewValue   bool
	MemberARNs []string
	ExpireDays int
}

// API returns "CreateKyuubiToken" or "UpdateKyuubiToken".
func (o SparkKyuubiTokenWrite) API() string {
	if o.TokenID == "" {
		return "CreateKyuubiToken"
	}
	return "UpdateKyuubiToken"
}

// Target returns the workspace, service and token.
func (o SparkKyuubiTokenWrite) Target() string {
	if o.TokenID == "" {
		return sparkTargetString(o.WorkspaceID, o.ServiceID)
	}
	return sparkTargetString(o.WorkspaceID, o.ServiceID, o.TokenID)
}

func (o SparkKyuubiTokenWrite) target() safetext.Text {
	if o.TokenID == "" {
		return sparkTarget(o.WorkspaceID, o.ServiceID)
	}
	return sparkTarget(o.WorkspaceID, o.ServiceID, o.TokenID)
}

func (o SparkKyuubiTokenWrite) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	if a.Kind.Untrusted() {
		b.confirm(safetext.F("A Kyuubi token grants JDBC access to the workspace's data; a token an agent or service writes needs the person's confirmation."))
	}
	expiry := safetext.F("never expires")
	if o.ExpireDays > 0 {
		expiry = safetext.F("expires after %d days", o.ExpireDays)
	}
	members := safetext.Text{}
	if len(o.MemberARNs) > 0 {
		members = safetext.F(", for %s", safetext.IDs(o.MemberARNs))
	}
	if o.TokenID == "" {
		b.d.Summary.Impact = safetext.F("creates token %s for Kyuubi service %s (JDBC access; it %s%s); the value is shown once",
			o.Name, safetext.ID(o.ServiceID), expiry, members)
		return
	}
	impact := safetext.F("changes token %s%s of Kyuubi service %s (it %s%s)", safetext.ID(o.TokenID), named(o.Name), safetext.ID(o.ServiceID), expiry, members)
	if o.NewValue {
		b.confirm(safetext.F("A new token value makes clients that use the old one fail authentication."))
		impact = safetext.F("%s and replaces its value: connections using the old value will fail authentication; the new value is shown once", impact)
	}
	b.d.Summary.Impact = impact
}

// RunSparkStatement runs SQL on a session cluster.
type RunSparkStatement struct {
	WorkspaceID, SessionID string
	Database               string
	SQL                    string
}

// API returns "CreateSqlStatement".
func (RunSparkStatement) API() string { return "CreateSqlStatement" }

// Target returns the workspace and session.
func (o RunSparkStatement) Target() string { return sparkTargetString(o.WorkspaceID, o.SessionID) }

func (o RunSparkStatement) target() safetext.Text { return sparkTarget(o.WorkspaceID, o.SessionID) }

func (o RunSparkStatement) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	if a.Kind.Untrusted() {
		b.confirm(safetext.F("SQL can change or drop data; SQL an agent or service runs needs the person's confirmation."))
	}
	db := safetext.Text{}
	if o.Database != "" {
		db = safetext.F(" in database %s", o.Database)
	}
	b.d.Summary.Impact = safetext.F("runs SQL on session cluster %s%s:\n%s", safetext.ID(o.SessionID), db, o.SQL)
}
