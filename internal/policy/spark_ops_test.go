package policy

import (
	"strings"
	"testing"
)

// TestSparkDecisions is the seed's table of destructive acts and the other
// Serverless Spark rules, for people and for agents.
func TestSparkDecisions(t *testing.T) {
	const ws = "w-d2d82aa09155a1b2"
	human := Actor{Kind: Human, Name: "ana"}
	agent := Actor{Kind: Agent, Name: "bot"}
	own := &Policy{Limits: DefaultLimits(), OwnBuckets: []string{"team"}}
	loose := &Policy{Limits: DefaultLimits(), AllowClusterDeletion: true, AllowLoosening: true}
	tests := []struct {
		name    string
		policy  *Policy
		actor   Actor
		op      Operation
		want    Verdict
		limit   string // the rule of a denial
		costAck bool   // unless denied
		impact  string // in the summary's impact
	}{
		{name: "workspace deletion, person, deletion allowed for clusters", policy: loose, actor: human,
			op: DeleteSparkWorkspace{Region: "cn-hangzhou", WorkspaceID: ws}, want: Deny, limit: RuleSparkWorkspaceDeletion},
		{name: "workspace deletion, agent", actor: agent, op: DeleteSparkWorkspace{WorkspaceID: ws}, want: Deny, limit: RuleSparkWorkspaceDeletion},

		{name: "cancel a running run", actor: human, op: CancelSparkJobRun{WorkspaceID: ws, RunID: "jr-1", State: "Running"}, want: Confirm, impact: "results it has not written yet may be lost"},
		{name: "cancel a pending run", actor: human, op: CancelSparkJobRun{WorkspaceID: ws, RunID: "jr-1", State: "Pending"}, want: Deny, limit: RuleSparkPreCheck},
		{name: "cancel a cancelled run", actor: agent, op: CancelSparkJobRun{WorkspaceID: ws, RunID: "jr-1", State: "Cancelled"}, want: Deny, limit: RuleSparkPreCheck},

		{name: "delete a stopped session", actor: agent, op: DeleteSparkSession{WorkspaceID: ws, SessionID: "sc-1", State: "Stopped"}, want: Confirm},
		{name: "delete a session never started", actor: human, op: DeleteSparkSession{WorkspaceID: ws, SessionID: "sc-1", State: "NotStarted"}, want: Confirm},
		{name: "delete a running session", actor: human, op: DeleteSparkSession{WorkspaceID: ws, SessionID: "sc-1", State: "Running"}, want: Deny, limit: RuleSparkPreCheck},

		{name: "delete a stopped Kyuubi service", actor: agent, op: DeleteSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1", State: "NOT_STARTED"}, want: Confirm},
		{name: "delete a running Kyuubi service", actor: human, op: DeleteSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1", State: "RUNNING"}, want: Deny, limit: RuleSparkPreCheck},
		{name: "delete a stopped Kyuubi service with running applications", actor: human,
			op: DeleteSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1", State: "NOT_STARTED", RunningApps: 1}, want: Deny, limit: RuleSparkPreCheck},

		{name: "delete a token", actor: human, op: DeleteSparkKyuubiToken{WorkspaceID: ws, ServiceID: "kb-1", TokenID: "tk-1"}, want: Confirm, impact: "will fail authentication"},
		{name: "stop a Kyuubi service", actor: human, op: StopSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1", State: "RUNNING", RunningApps: 3}, want: Confirm,
			impact: "disconnects every JDBC connection (3 running applications)"},
		{name: "stop a session", actor: human, op: StopSparkSession{WorkspaceID: ws, SessionID: "sc-1", State: "Running"}, want: Confirm, impact: "state is lost"},
		{name: "cancel a Kyuubi application", actor: human, op: CancelSparkKyuubiApp{WorkspaceID: ws, ServiceID: "kb-1", AppID: "spark-1", State: "RUNNING"}, want: Confirm},
		{name: "cancel a finished Kyuubi application", actor: human, op: CancelSparkKyuubiApp{WorkspaceID: ws, ServiceID: "kb-1", AppID: "spark-1", State: "TERMINATED"},
			want: Deny, limit: RuleSparkPreCheck},

		{name: "a person's job", actor: human, op: StartSparkJobRun{WorkspaceID: ws, CodeType: SparkCodeJAR, CodeURIs: []string{"oss://other/app.jar"}, SparkSubmit: "spark-submit oss://other/app.jar"},
			want: Confirm, impact: "equivalent command:\n\"spark-submit oss://other/app.jar\""},
		{name: "an agent's job from its own bucket", policy: own, actor: agent, op: StartSparkJobRun{WorkspaceID: ws, CodeType: SparkCodePython, CodeURIs: []string{"oss://team/a.py"}},
			want: Confirm},
		{name: "an agent's job from a foreign bucket", policy: own, actor: agent, op: StartSparkJobRun{WorkspaceID: ws, CodeType: SparkCodeJAR, CodeURIs: []string{"oss://team/a.jar", "oss://other/b.jar"}},
			want: Deny, limit: RuleOwnBuckets},
		{name: "an agent's job without own buckets", actor: agent, op: StartSparkJobRun{WorkspaceID: ws, CodeType: SparkCodeJAR, CodeURIs: []string{"oss://team/a.jar"}},
			want: Deny, limit: RuleOwnBuckets},
		{name: "an agent's SQL job on the service's runner", actor: agent, op: StartSparkJobRun{WorkspaceID: ws, CodeType: SparkCodeSQL}, want: Confirm},
		{name: "an unknown code type", actor: human, op: StartSparkJobRun{WorkspaceID: ws, CodeType: "SHELL"}, want: Deny, limit: RuleJobKind},

		{name: "a queue beyond the workspace", actor: human, op: EditSparkQueue{WorkspaceID: ws, Queue: "dev_queue", CU: 60, CurrentCU: 50, OtherQueuesCU: 150, WorkspaceCU: 200},
			want: Deny, limit: RuleSparkWorkspaceCU},
		{name: "an elastic maximum beyond the workspace", actor: human, op: EditSparkQueue{WorkspaceID: ws, Queue: "dev_queue", CU: 10, MaxCU: 300, CurrentCU: 50, OtherQueuesCU: 150, WorkspaceCU: 200},
			want: Deny, limit: RuleSparkWorkspaceCU},
		{name: "a queue scaled down", actor: agent, op: EditSparkQueue{WorkspaceID: ws, Queue: "dev_queue", CU: 10, CurrentCU: 50, OtherQueuesCU: 150, WorkspaceCU: 200},
			want: Confirm, impact: "from 50 to 10 CU"},
		{name: "a queue grown past both limits", actor: human, op: EditSparkQueue{WorkspaceID: ws, Queue: "dev_queue", CU: 300, CurrentCU: 50, OtherQueuesCU: 150, WorkspaceCU: 1000},
			want: Confirm, costAck: true},

		{name: "a Subscription workspace of 3 years", actor: human, op: CreateSparkWorkspace{Name: "etl", PaymentType: PaymentSubscription, CU: 8, SubscriptionMonths: 36},
			want: Confirm, costAck: true, impact: "billed Subscription for 36 months"},
		{name: "a small workspace", actor: human, op: CreateSparkWorkspace{Name: "etl", PaymentType: PaymentPayAsYouGo, CU: 8}, want: Confirm, impact: "a limit of 8 CU"},
		{name: "a workspace raised past the total", actor: human, op: UpdateSparkWorkspace{WorkspaceID: ws, Name: "etl", CU: 500, CurrentCU: 200}, want: Confirm, costAck: true},
		{name: "a workspace renamed", actor: agent, op: UpdateSparkWorkspace{WorkspaceID: ws, Name: "etl", NewName: "etl-2"}, want: Allow},

		{name: "a person starts a session", actor: human, op: StartSparkCompute{Action: "StartSessionCluster", WorkspaceID: ws, ResourceID: "sc-1"}, want: Allow},
		{name: "an agent starts a session", actor: agent, op: StartSparkCompute{Action: "StartSessionCluster", WorkspaceID: ws, ResourceID: "sc-1"}, want: Confirm},
		{name: "a person creates a token", actor: human, op: SparkKyuubiTokenWrite{WorkspaceID: ws, ServiceID: "kb-1", Name: "ci", NewValue: true}, want: Allow, impact: "the value is shown once"},
		{name: "an agent creates a token", actor: agent, op: SparkKyuubiTokenWrite{WorkspaceID: ws, ServiceID: "kb-1", Name: "ci", NewValue: true}, want: Confirm},
		{name: "a person replaces a token's value", actor: human, op: SparkKyuubiTokenWrite{WorkspaceID: ws, ServiceID: "kb-1", TokenID: "tk-1", NewValue: true}, want: Confirm},
		{name: "a person renames a token", actor: human, op: SparkKyuubiTokenWrite{WorkspaceID: ws, ServiceID: "kb-1", TokenID: "tk-1", Name: "ci-2"}, want: Allow},
		{name: "a person's SQL", actor: human, op: RunSparkStatement{WorkspaceID: ws, SessionID: "sc-1", SQL: "DROP TABLE t"}, want: Allow},
		{name: "an agent's SQL", actor: agent, op: RunSparkStatement{WorkspaceID: ws, SessionID: "sc-1", SQL: "DROP TABLE t"}, want: Confirm, impact: "\"DROP TABLE t\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.policy, tt.actor, tt.op)
			if d.Verdict != tt.want || d.Limit != tt.limit || (d.Verdict != Deny && d.NeedsCostAck != tt.costAck) {
				t.Errorf("got %v (limit %q, cost %v), want %v (limit %q, cost %v); reasons %q", d.Verdict, d.Limit, d.NeedsCostAck, tt.want, tt.limit, tt.costAck, d.Reasons)
			}
			if d.Verdict != Allow && len(d.Reasons) == 0 {
				t.Errorf("got %v without reasons", d.Verdict)
			}
			if !strings.Contains(d.Summary.Impact.String(), tt.impact) {
				t.Errorf("impact %q: want %q in it", d.Summary.Impact, tt.impact)
			}
			if s := d.Summary.String(); !strings.HasPrefix(s, "About to execute: "+tt.op.API()+", target: ") || !strings.HasSuffix(s, ". Continue?") {
				t.Errorf("summary %q: want the seed's template", s)
			}
		})
	}
}

// TestSparkWorkspaceRefusalPointsToTheConsole: the refusal names the
// console of the region, and speaks as emrctl.
func TestSparkWorkspaceRefusalPointsToTheConsole(t *testing.T) {
	for _, region := range []string{"cn-hangzhou", ""} {
		r := SparkWorkspaceDeletionRefusal(region)
		if !strings.HasPrefix(r, "emrctl does not delete") || !strings.Contains(r, "https://emr-next.console.aliyun.com/") {
			t.Errorf("region %q: refusal %q, want emrctl speaking and the console", region, r)
		}
		if region != "" && !strings.Contains(r, "#/region/"+region+"/") {
			t.Errorf("region %q: refusal %q, want the region's console page", region, r)
		}
	}
}
