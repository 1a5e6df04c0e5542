package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServerlessSparkSubmitEquivalent(t *testing.T) {
	tests := []struct {
		name       string
		job        SparkJobRunInput
		wantParams string
		wantCmd    string
	}{
		{
			name: "jar with class, jars and conf in key order",
			job: SparkJobRunInput{CodeType: SparkCodeJAR, EntryPoint: "oss://b/app.jar", MainClass: "com.example.Main",
				Jars: []string{"oss://b/a.jar", "oss://b/c.jar"}, Conf: map[string]string{"spark.executor.cores": "4", "spark.driver.memory": "8g"}, Args: []string{"arg1", "two words"}},
			wantParams: "--class com.example.Main --jars oss://b/a.jar,oss://b/c.jar --conf spark.driver.memory=8g --conf spark.executor.cores=4",
			wantCmd:    "spark-submit --class com.example.Main --jars oss://b/a.jar,oss://b/c.jar --conf spark.driver.memory=8g --conf spark.executor.cores=4 oss://b/app.jar arg1 'two words'",
		},
		{
			name:       "pyspark with py-files and files",
			job:        SparkJobRunInput{CodeType: SparkCodePython, EntryPoint: "oss://b/wc.py", PyFiles: []string{"oss://b/lib.zip"}, Files: []string{"oss://b/x.csv"}, Args: []string{"--input", "oss://b/in"}},
			wantParams: "--py-files oss://b/lib.zip --files oss://b/x.csv",
			wantCmd:    "spark-submit --py-files oss://b/lib.zip --files oss://b/x.csv oss://b/wc.py --input oss://b/in",
		},
		{
			name:       "sql runs its file with spark-sql; a value with spaces is sent as the reference does and shown quoted",
			job:        SparkJobRunInput{CodeType: SparkCodeSQL, EntryPoint: "oss://b/q.sql", Conf: map[string]string{"spark.app.name": "daily report"}},
			wantParams: "--conf spark.app.name=daily report",
			wantCmd:    "spark-sql --conf 'spark.app.name=daily report' -f oss://b/q.sql",
		},
		{
			name:    "no options",
			job:     SparkJobRunInput{CodeType: SparkCodePython, EntryPoint: "oss://b/x.py"},
			wantCmd: "spark-submit oss://b/x.py",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.job.SubmitParameters(); got != tt.wantParams {
				t.Errorf("SubmitParameters: got %s, want %s", got, tt.wantParams)
			}
			if got := tt.job.SparkSubmit(); got != tt.wantCmd {
				t.Errorf("SparkSubmit: got %s, want %s", got, tt.wantCmd)
			}
		})
	}
}

// fields returns the fields of problems, in order.
func fields(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return out
}

func TestSparkInputProblems(t *testing.T) {
	goodJob := SparkJobRunInput{Name: "etl", CodeType: SparkCodeJAR, Queue: "root_queue", EntryPoint: "oss://b/app.jar", MainClass: "x.Main"}
	goodWorkspace := SparkWorkspaceInput{Name: "ws", OSSBucket: "oss://b/", RAMRole: "AliyunEMRSparkJobRunDefaultRole", PaymentType: SparkPayAsYouGo, CU: 8}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  []Problem
		want []string
	}{
		{name: "job: valid", got: goodJob.Problems()},
		{name: "job: empty", got: SparkJobRunInput{}.Problems(), want: []string{"name", "codeType", "queue", "entryPoint"}},
		{name: "job: lower-case code type", got: with(goodJob, func(j *SparkJobRunInput) { j.CodeType = "jar" }).Problems(), want: []string{"codeType", "mainClass"}},
		{name: "job: class on a python job", got: with(goodJob, func(j *SparkJobRunInput) { j.CodeType = SparkCodePython }).Problems(), want: []string{"mainClass"}},
		{name: "job: bad conf key and timeout", got: with(goodJob, func(j *SparkJobRunInput) {
			j.Conf = map[string]string{"a b": "1", "spark.x": "y"}
			j.TimeoutSeconds = -1
		}).Problems(), want: []string{"conf", "executionTimeoutSeconds"}},
		{name: "job: a conf value that smuggles an option", got: with(goodJob, func(j *SparkJobRunInput) {
			j.Conf = map[string]string{"spark.app.name": "x --conf spark.driver.extraJavaOptions=-Dy"}
		}).Problems(), want: []string{"conf"}},
		{name: "job: a value with spaces", got: with(goodJob, func(j *SparkJobRunInput) {
			j.Conf = map[string]string{"spark.emr.sql.content": "SELECT 1 as test_value", "spark.x": "-Dy"}
		}).Problems()},
		{name: "job: locations with spaces or commas", got: with(goodJob, func(j *SparkJobRunInput) {
			j.Jars, j.Files, j.MainClass = []string{"oss://b/a.jar,oss://c/d.jar"}, []string{"oss://b/my file"}, "x.Main --jars y"
		}).Problems(), want: []string{"mainClass", "jars", "files"}},
		{name: "workspace: valid", got: goodWorkspace.Problems()},
		{name: "workspace: empty", got: SparkWorkspaceInput{}.Problems(), want: []string{"name", "ossBucket", "ramRole", "paymentType", "cu"}},
		{name: "workspace: bucket without scheme", got: with(goodWorkspace, func(w *SparkWorkspaceInput) { w.OSSBucket = "my-bucket" }).Problems(), want: []string{"ossBucket"}},
		{name: "workspace: subscription without a term", got: with(goodWorkspace, func(w *SparkWorkspaceInput) { w.PaymentType = SparkPrepaid }).Problems(), want: []string{"subscription"}},
		{name: "workspace: subscription with a term", got: with(goodWorkspace, func(w *SparkWorkspaceInput) {
			w.PaymentType, w.Subscription = SparkPrepaid, &SparkSubscription{Duration: 1, Unit: "Month"}
		}).Problems()},
		{name: "workspace: term on pay-as-you-go", got: with(goodWorkspace, func(w *SparkWorkspaceInput) { w.Subscription = &SparkSubscription{Duration: 1, Unit: "Month"} }).Problems(), want: []string{"subscription"}},
		{name: "queue: valid", got: SparkQueueEdit{WorkspaceID: "w-1", Queue: "dev_queue", CU: 16, MaxCU: 32}.Problems()},
		{name: "queue: max below cu", got: SparkQueueEdit{WorkspaceID: "w-1", Queue: "dev_queue", CU: 16, MaxCU: 8}.Problems(), want: []string{"maxCu"}},
		{name: "queue: empty", got: SparkQueueEdit{}.Problems(), want: []string{"workspaceId", "queue", "cu"}},
		{name: "kyuubi: create", got: SparkKyuubiInput{}.Problems(false)},
		{name: "kyuubi: update needs name and queue", got: SparkKyuubiInput{}.Problems(true), want: []string{"name", "queue"}},
		{name: "kyuubi: restart on create", got: SparkKyuubiInput{Restart: ptrTo(true)}.Problems(false), want: []string{"restart"}},
		{name: "token: create needs a value", got: SparkKyuubiTokenInput{Name: "t"}.Problems(true), want: []string{"token"}},
		{name: "token: update keeps the value", got: SparkKyuubiTokenInput{Name: "t"}.Problems(false)},
		{name: "token: too short", got: SparkKyuubiTokenInput{Value: "abc123"}.Problems(true), want: []string{"token"}},
		{name: "token: upper case", got: SparkKyuubiTokenInput{Value: strings.Repeat("A", 32)}.Problems(true), want: []string{"token"}},
		{name: "token: valid", got: SparkKyuubiTokenInput{Value: strings.Repeat("a1", 16), ExpireDays: 30}.Problems(true)},
		{name: "session: valid", got: SparkSessionInput{Name: "s", Queue: "root_queue", Kind: SparkSessionSQL}.Problems()},
		{name: "session: bad kind", got: SparkSessionInput{Name: "s", Queue: "root_queue", Kind: "sql", AutoStopMinutes: -1}.Problems(), want: []string{"kind", "autoStopMinutes"}},
		{name: "statement: empty", got: SparkStatementInput{Limit: 10001}.Problems(), want: []string{"sessionId", "sql", "limit"}},
		{name: "cu hours: a month", got: SparkCUHoursQuery{WorkspaceID: "w-1", Queue: "root_queue", Start: start, End: start.AddDate(0, 1, 0)}.Problems()},
		{name: "cu hours: over a month", got: SparkCUHoursQuery{WorkspaceID: "w-1", Queue: "root_queue", Start: start, End: start.AddDate(0, 1, 1)}.Problems(), want: []string{"end"}},
		{name: "cu hours: reversed", got: SparkCUHoursQuery{WorkspaceID: "w-1", Queue: "root_queue", Start: start, End: start}.Problems(), want: []string{"end"}},
		{name: "cu hours: no window", got: SparkCUHoursQuery{WorkspaceID: "w-1", Queue: "root_queue"}.Problems(), want: []string{"start"}},
		{name: "log: https link", got: SparkLogQuery{WorkspaceID: "w-1", File: "https://ui/x", Length: 10}.Problems(), want: []string{"file"}},
		{name: "log: valid", got: SparkLogQuery{WorkspaceID: "w-1", File: "oss://b/w-1/logs/stdout.log", Length: 9999}.Problems()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fields(tt.got)); diff != "" {
				t.Errorf("problem fields (-want +got):\n%s\nproblems: %+v", diff, tt.got)
			}
			for _, p := range tt.got {
				if p.Message == "" || p.Fix == "" {
					t.Errorf("problem %+v: got an empty message or fix, want both", p)
				}
			}
		})
	}
}

func with[T any](v T, change func(*T)) T {
	change(&v)
	return v
}

func ptrTo[T any](v T) *T { return &v }

// TestSparkTokenValue: generated values are what the service accepts,
// differ, and a refused value is never echoed.
func TestSparkTokenValue(t *testing.T) {
	a, err := NewSparkTokenValue()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSparkTokenValue()
	if err != nil {
		t.Fatal(err)
	}
	if ps := (SparkKyuubiTokenInput{Value: a}).Problems(true); len(ps) > 0 {
		t.Errorf("generated value: got problems %+v, want none", ps)
	}
	if a == b {
		t.Errorf("two generated values: got %q twice, want different values", a)
	}
	bad := "SECRET-" + strings.Repeat("x", 30)
	for _, p := range (SparkKyuubiTokenInput{Value: bad}).Problems(true) {
		if strings.Contains(p.Message+p.Fix, "SECRET") {
			t.Errorf("problem %+v: got the value echoed, want it hidden", p)
		}
	}
}

func TestSparkPreChecks(t *testing.T) {
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"a running run may be cancelled", SparkJobRun{State: SparkRunRunning}.Cancellable(), true},
		{"a pending run may not", SparkJobRun{State: SparkRunPending}.Cancellable(), false},
		{"a finished run may not", SparkJobRun{State: SparkRunSuccess}.Cancellable(), false},
		{"success is finished", SparkJobRun{State: SparkRunSuccess}.Finished(), true},
		{"cancelling is not finished", SparkJobRun{State: SparkRunCancelling}.Finished(), false},
		{"a stopped Kyuubi service may be deleted", SparkKyuubiService{State: SparkKyuubiNotStarted}.Deletable(), true},
		{"a running one may not", SparkKyuubiService{State: SparkKyuubiRunning}.Deletable(), false},
		{"a stopped session may be deleted", SparkSession{State: SparkSessionStopped}.Deletable(), true},
		{"a session never started may be deleted", SparkSession{State: SparkSessionNotStarted}.Deletable(), true},
		{"a running session may not", SparkSession{State: SparkSessionRunning}.Deletable(), false},
		{"a running application runs", SparkKyuubiApp{State: SparkAppRunning}.Running(), true},
		{"a terminated one does not", SparkKyuubiApp{State: SparkAppTerminated}.Running(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// TestSparkWaits follows each wait spec through a sequence of states.
func TestSparkWaits(t *testing.T) {
	failure := &StateReason{Code: "ClassNotFound", Message: "com.x.Main"}
	tests := []struct {
		name      string
		spec      WaitSpec
		states    []string
		wantState string
		wantFail  bool
	}{
		{name: "workspace becomes RUNNING", spec: SparkWorkspaceWait(), states: []string{"STARTING", "RUNNING"}, wantState: "RUNNING"},
		{name: "job run succeeds", spec: SparkJobRunWait(""), states: []string{"Submitted", "Pending", "Running", "Success"}, wantState: "Success"},
		{name: "job run fails with its reason", spec: SparkJobRunWait(SparkRunSuccess), states: []string{"Submitted", "Failed"}, wantState: "Failed", wantFail: true},
		{name: "job run starts", spec: SparkJobRunWait(SparkRunRunning), states: []string{"Submitted", "Pending", "Running"}, wantState: "Running"},
		{name: "a run that finished has started", spec: SparkJobRunWait(SparkRunRunning), states: []string{"Submitted", "Success"}, wantState: "Success"},
		{name: "a cancel is followed", spec: SparkJobRunWait(SparkRunCancelled), states: []string{"Running", "Cancelling", "Cancelled"}, wantState: "Cancelled"},
		{name: "a cancel that came too late", spec: SparkJobRunWait(SparkRunCancelled), states: []string{"Running", "Success"}, wantState: "Success", wantFail: true},
		{name: "Kyuubi starts", spec: SparkKyuubiWait(""), states: []string{"NOT_STARTED", "STARTING", "RUNNING"}, wantState: "RUNNING"},
		{name: "Kyuubi stops", spec: SparkKyuubiWait(SparkKyuubiNotStarted), states: []string{"RUNNING", "TERMINATING", "NOT_STARTED"}, wantState: "NOT_STARTED"},
		{name: "session starts", spec: SparkSessionWait(""), states: []string{"Stopped", "Starting", "Running"}, wantState: "Running"},
		{name: "session start fails", spec: SparkSessionWait(SparkSessionRunning), states: []string{"Starting", "Error"}, wantState: "Error", wantFail: true},
		{name: "session stops", spec: SparkSessionWait(SparkSessionStopped), states: []string{"Running", "Stopping", "Stopped"}, wantState: "Stopped"},
		{name: "statement answers", spec: SparkStatementWait(), states: []string{"waiting", "running", "available"}, wantState: "available"},
		{name: "statement errs", spec: SparkStatementWait(), states: []string{"running", "error"}, wantState: "error", wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				spec := tt.spec
				spec.What, spec.Interval = "resource", time.Second
				i := 0
				obs, err := Wait(context.Background(), spec, func(context.Context) (Observation, error) {
					s := tt.states[min(i, len(tt.states)-1)]
					i++
					return Observation{State: s, Reason: failure}, nil
				})
				if obs.State != tt.wantState {
					t.Errorf("state: got %s, want %s", obs.State, tt.wantState)
				}
				var we *WaitError
				if got := errors.As(err, &we); got != tt.wantFail {
					t.Fatalf("got error %v, want a WaitError: %v", err, tt.wantFail)
				}
				if tt.wantFail && (we.Reason == nil || we.Reason.Code != failure.Code) {
					t.Errorf("WaitError reason: got %+v, want the cloud's %+v", we.Reason, failure)
				}
			})
		})
	}
}
