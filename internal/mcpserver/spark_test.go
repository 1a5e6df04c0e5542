package mcpserver

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

// The Serverless Spark tools of an Alibaba Cloud (or sandbox) server.
var (
	sparkReadTools = []string{
		"get_spark_cu_hours", "get_spark_job_log", "get_spark_job_run", "get_spark_kyuubi_service", "get_spark_session",
		"get_spark_sql_statement", "get_spark_workspace", "list_spark_job_runs", "list_spark_kyuubi_apps", "list_spark_kyuubi_services",
		"list_spark_kyuubi_tokens", "list_spark_queues", "list_spark_releases", "list_spark_sessions", "list_spark_workspaces",
	}
	sparkWriteTools = []string{
		"cancel_spark_job_run", "cancel_spark_kyuubi_app", "create_spark_kyuubi", "create_spark_kyuubi_token", "create_spark_session",
		"create_spark_workspace", "delete_spark_kyuubi", "delete_spark_kyuubi_token", "delete_spark_session", "scale_spark_queue",
		"start_spark_kyuubi", "start_spark_session", "stop_spark_kyuubi", "stop_spark_session", "submit_spark_job", "submit_spark_sql",
	}
	// sparkDestructive stop, cancel or delete something, may drop queue
	// capacity, or run SQL that may change data.
	sparkDestructive = []string{
		"cancel_spark_job_run", "cancel_spark_kyuubi_app", "delete_spark_kyuubi", "delete_spark_kyuubi_token", "delete_spark_session",
		"scale_spark_queue", "stop_spark_kyuubi", "stop_spark_session", "submit_spark_sql",
	}
	// sparkDeletes are the only tools that delete anything: what the seed
	// deletes after its pre-checks and a person's confirmation.
	sparkDeletes = []string{"delete_spark_kyuubi", "delete_spark_kyuubi_token", "delete_spark_session"}
)

// Seeded Serverless Spark inventory of the sandbox.
const (
	sparkWS        = "w-sandbox000000001"
	sparkKyuubi    = "kb-sandbox0000000000000000000001"
	sparkRunApp    = "spark-sandbox00000000000000000000000002"
	sparkOwnCode   = "oss://emrctl-sandbox-spark/jars/spark-examples.jar"
	sparkOwnBucket = "emrctl-sandbox-spark"
)

// sparkWriteActions are the Serverless Spark APIs that change anything.
var sparkWriteActions = []string{
	"CreateWorkspace", "UpdateWorkspace", "DeleteWorkspace", "EditWorkspaceQueue", "StartJobRun", "CancelJobRun",
	"CreateKyuubiService", "StartKyuubiService", "StopKyuubiService", "UpdateKyuubiService", "DeleteKyuubiService",
	"CreateKyuubiToken", "UpdateKyuubiToken", "DeleteKyuubiToken", "CancelKyuubiSparkApplication",
	"CreateSessionCluster", "StartSessionCluster", "StopSessionCluster", "DeleteSessionCluster", "CreateSqlStatement", "TerminateSqlStatement",
}

func sparkToolSet(tools []*mcp.Tool) map[string]*mcp.Tool {
	out := map[string]*mcp.Tool{}
	for _, tl := range tools {
		if strings.Contains(tl.Name, "spark") {
			out[tl.Name] = tl
		}
	}
	return out
}

// TestSparkToolsList checks which Serverless Spark tools each mode lists,
// their annotations and descriptions, and that none deletes a workspace.
func TestSparkToolsList(t *testing.T) {
	b := newBed(t, bedOptions{})
	for _, allow := range []bool{false, true} {
		cs, _ := connect(t, b.server(allow), declining)
		got := sparkToolSet(listTools(t, cs))
		want := slices.Clone(sparkReadTools)
		if allow {
			want = append(want, sparkWriteTools...)
		}
		sort.Strings(want)
		var names []string
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("allowWrites=%v: Serverless Spark tools (-want +got):\n%s", allow, diff)
		}
	}
	cs, _ := connect(t, b.server(true), declining)
	for name, tl := range sparkToolSet(listTools(t, cs)) {
		a := tl.Annotations
		read := slices.Contains(sparkReadTools, name)
		if a == nil || a.DestructiveHint == nil || a.OpenWorldHint == nil || a.Title == "" {
			t.Errorf("%s: annotations %+v, want every hint set", name, a)
			continue
		}
		if a.ReadOnlyHint != read || (read && !a.IdempotentHint) {
			t.Errorf("%s: readOnlyHint %v idempotentHint %v, want read-only and idempotent for reads only", name, a.ReadOnlyHint, a.IdempotentHint)
		}
		if want := slices.Contains(sparkDestructive, name); *a.DestructiveHint != want {
			t.Errorf("%s: destructiveHint %v, want %v", name, *a.DestructiveHint, want)
		}
		for _, want := range []string{"EMR Serverless Spark", "not EMR on ECS", "not AWS EMR", "profile 'sandbox'", "cn-hangzhou"} {
			if !strings.Contains(tl.Description, want) {
				t.Errorf("%s: description lacks %q", name, want)
			}
		}
		raw, err := json.Marshal(tl.InputSchema)
		if err != nil {
			t.Fatal(err)
		}
		var schema struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(raw, &schema); err != nil {
			t.Fatal(err)
		}
		if _, ok := schema.Properties["idempotencyKey"]; ok == read {
			t.Errorf("%s: idempotencyKey argument %v, want it on write tools only", name, ok)
		}
		if !read && !strings.Contains(tl.Description, "you cannot confirm for them") {
			t.Errorf("%s: description does not say the model cannot confirm", name)
		}
		if strings.Contains(tl.Description, "DeleteWorkspace") || (strings.Contains(name, "delete") || strings.Contains(name, "terminate")) &&
			!slices.Contains(sparkDeletes, name) {
			t.Errorf("%s: deletes or terminates something beyond the seed's Kyuubi, token and session deletions", name)
		}
		for prop := range schema.Properties {
			if slices.Contains([]string{"token", "value", "tokenValue", "secret", "command", "args", "arguments", "confirm", "yes"}, prop) {
				t.Errorf("%s: input property %q", name, prop)
			}
		}
		if out, _ := json.Marshal(tl.OutputSchema); !strings.Contains(string(out), `"properties"`) {
			t.Errorf("%s: output schema %s, want a typed output", name, out)
		}
	}
}

// TestSparkInstructions checks that the instructions put Serverless Spark
// in scope for the Alibaba Cloud provider, keep StarRocks and Milvus out,
// and answer workspace deletion with the console.
func TestSparkInstructions(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(false), declining)
	got := cs.InitializeResult().Instructions
	for _, want := range []string{"EMR Serverless Spark (workspaces", "Not for Serverless StarRocks or Milvus", "no tool that deletes a workspace",
		"https://emr-next.console.aliyun.com/", "own OSS buckets", "only while Running"} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q: %s", want, got)
		}
	}
	if strings.Contains(got, "Not for EMR Serverless Spark") {
		t.Errorf("instructions still put Serverless Spark out of scope: %s", got)
	}
}

// sparkCall runs a tool and decodes its result.
func sparkCall[T any](t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) T {
	t.Helper()
	var out T
	decode(t, call(t, cs, name, args), &out)
	return out
}

// streamingRun starts a run that runs until cancelled, as the test's own
// script, and waits until it is Running.
func (b *bed) streamingRun(name string) string {
	b.t.Helper()
	ctx := context.Background()
	res, err := b.eng.SubmitSparkJob(ctx, setupCall(), sparkWS, provider.SparkJobRunInput{
		Name: name, CodeType: provider.SparkCodeJAR, Queue: "root_queue",
		EntryPoint: "oss://emrctl-sandbox-spark/jars/streaming-app.jar", MainClass: "com.example.StreamingApp",
	})
	if err != nil {
		b.t.Fatalf("submit %s: %v", name, err)
	}
	if _, err := b.eng.WaitSparkJobRun(ctx, sparkWS, res.ID, engine.WaitOptions{Target: provider.SparkRunRunning}); err != nil {
		b.t.Fatalf("wait %s: %v", name, err)
	}
	return res.ID
}

// session creates a session cluster, started or not, as the test's own
// script.
func (b *bed) session(name string, start bool) string {
	b.t.Helper()
	ctx := context.Background()
	in := provider.SparkSessionInput{Name: name, Queue: "root_queue"}
	if start {
		in.AutoStart = ptr(true)
	}
	res, err := b.eng.CreateSparkSession(ctx, setupCall(), sparkWS, in)
	if err != nil {
		b.t.Fatalf("create session %s: %v", name, err)
	}
	if start {
		if _, err := b.eng.WaitSparkSession(ctx, sparkWS, res.ID, engine.WaitOptions{Target: provider.SparkSessionRunning}); err != nil {
			b.t.Fatalf("wait session %s: %v", name, err)
		}
	}
	return res.ID
}

// sparkCase is one destructive Serverless Spark tool call: it is confirmed
// by the person, and without a dialog it names the CLI command.
type sparkCase struct {
	tool   string
	action string
	// args sets up the target and returns the call's arguments and the
	// command a person can run instead.
	args func(b *bed, i int) (map[string]any, string)
}

func sparkCases() []sparkCase {
	const cli = " --profile sandbox --region cn-hangzhou"
	return []sparkCase{
		{tool: "cancel_spark_job_run", action: "CancelJobRun", args: func(b *bed, i int) (map[string]any, string) {
			run := b.streamingRun("stream-" + itoa(i))
			return map[string]any{"workspaceId": sparkWS, "jobRunId": run}, "emrctl spark job cancel " + sparkWS + " " + run + cli
		}},
		{tool: "stop_spark_session", action: "StopSessionCluster", args: func(b *bed, i int) (map[string]any, string) {
			sc := b.session("stop-"+itoa(i), true)
			return map[string]any{"workspaceId": sparkWS, "sessionId": sc}, "emrctl spark session stop " + sparkWS + " " + sc + cli
		}},
		{tool: "delete_spark_session", action: "DeleteSessionCluster", args: func(b *bed, i int) (map[string]any, string) {
			sc := b.session("del-"+itoa(i), false)
			return map[string]any{"workspaceId": sparkWS, "sessionId": sc}, "emrctl spark session delete " + sparkWS + " " + sc + cli
		}},
		{tool: "stop_spark_kyuubi", action: "StopKyuubiService", args: func(b *bed, i int) (map[string]any, string) {
			return map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi}, "emrctl spark kyuubi stop " + sparkWS + " " + sparkKyuubi + cli
		}},
		{tool: "delete_spark_kyuubi", action: "DeleteKyuubiService", args: func(b *bed, i int) (map[string]any, string) {
			res, err := b.eng.CreateSparkKyuubi(context.Background(), setupCall(), sparkWS, provider.SparkKyuubiInput{Name: "gw-" + itoa(i), Queue: "dev_queue"})
			if err != nil {
				b.t.Fatal(err)
			}
			return map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": res.ID}, "emrctl spark kyuubi delete " + sparkWS + " " + res.ID + cli
		}},
		{tool: "delete_spark_kyuubi_token", action: "DeleteKyuubiToken", args: func(b *bed, i int) (map[string]any, string) {
			res, err := b.eng.CreateSparkKyuubiToken(context.Background(), setupCall(), sparkWS, sparkKyuubi, provider.SparkKyuubiTokenInput{Name: "tk-" + itoa(i)})
			if err != nil {
				b.t.Fatal(err)
			}
			return map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi, "tokenId": res.ID},
				"emrctl spark kyuubi token delete " + sparkWS + " " + sparkKyuubi + " " + res.ID + cli
		}},
		{tool: "cancel_spark_kyuubi_app", action: "CancelKyuubiSparkApplication", args: func(b *bed, i int) (map[string]any, string) {
			return map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi, "applicationId": sparkRunApp},
				"emrctl spark kyuubi app cancel " + sparkWS + " " + sparkKyuubi + " " + sparkRunApp + cli
		}},
	}
}

// TestSparkDestructiveTools runs each destructive tool with a person who
// declines, a client that cannot ask, and a person who accepts: only the
// last sends, once; the others send nothing, and the refusal without a
// dialog names the CLI command a person can run.
func TestSparkDestructiveTools(t *testing.T) {
	for _, sc := range sparkCases() {
		t.Run(sc.tool, func(t *testing.T) {
			b := newBed(t, bedOptions{ownBuckets: []string{sparkOwnBucket}})
			for i, m := range []clientMode{declining, noElicit, acceptingAll} {
				args, cli := sc.args(b, i)
				cs, log := connect(t, b.server(true), m)
				mark := b.rec.mark()
				res := call(t, cs, sc.tool, args)
				sent := b.rec.since(mark, sparkWriteActions...)
				switch m.name {
				case acceptingAll.name:
					if res.IsError {
						t.Fatalf("accepted: got error %q", text(res))
					}
					if len(sent) != 1 || sent[0].Action != sc.action {
						t.Errorf("accepted: sent %v, want one %s", sent, sc.action)
					}
					if len(log.all()) == 0 || !strings.Contains(log.all()[0], sc.action) {
						t.Errorf("accepted: the person saw %q, want a confirmation of %s", log.all(), sc.action)
					}
				default:
					if !res.IsError || len(sent) != 0 {
						t.Errorf("%s: got error=%v, sent %v; want a refusal with nothing sent", m.name, res.IsError, sent)
					}
					if m.name == noElicit.name && !strings.Contains(text(res), cli) {
						t.Errorf("no dialog: got %q, want it to name %q", text(res), cli)
					}
				}
			}
		})
	}
}

// TestSparkPreChecks checks the seed's pre-checks from MCP: whatever the
// person would answer, a run that is not Running is not cancelled, a
// running session or a started gateway is not deleted; emrctl read the
// state (the emulator saw the read) and sent nothing.
func TestSparkPreChecks(t *testing.T) {
	b := newBed(t, bedOptions{})
	ctx := context.Background()
	done, err := b.eng.SubmitSparkJob(ctx, setupCall(), sparkWS, provider.SparkJobRunInput{Name: "pi", CodeType: provider.SparkCodeJAR, Queue: "root_queue",
		EntryPoint: sparkOwnCode, MainClass: "org.apache.spark.examples.SparkPi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.eng.WaitSparkJobRun(ctx, sparkWS, done.ID, engine.WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	running := b.session("running", true)
	tests := []struct {
		tool      string
		args      map[string]any
		read      string
		wantError string
	}{
		{tool: "cancel_spark_job_run", args: map[string]any{"workspaceId": sparkWS, "jobRunId": done.ID}, read: "GetJobRun", wantError: "Success"},
		{tool: "delete_spark_session", args: map[string]any{"workspaceId": sparkWS, "sessionId": running}, read: "GetSessionCluster", wantError: "Running"},
		{tool: "delete_spark_kyuubi", args: map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi}, read: "GetKyuubiService", wantError: "RUNNING"},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			cs, log := connect(t, b.server(true), acceptingAll)
			mark := b.rec.mark()
			res := call(t, cs, tt.tool, tt.args)
			if !res.IsError || !strings.Contains(text(res), tt.wantError) || !strings.Contains(text(res), "nothing was sent") {
				t.Errorf("got %q, want a refusal naming the state %s", text(res), tt.wantError)
			}
			if sent := b.rec.since(mark, sparkWriteActions...); len(sent) != 0 {
				t.Errorf("sent %v, want nothing", sent)
			}
			if len(b.rec.since(mark, tt.read)) == 0 {
				t.Errorf("the pre-check %s did not reach the emulator", tt.read)
			}
			if len(log.all()) != 0 {
				t.Errorf("the person was asked %q, want no question for a refused act", log.all())
			}
		})
	}
}

// TestSparkAgentRules checks the agent rules on job submission: code only
// from the user's own buckets, no Spark setting that runs code; a job
// within the rules is sent once the person confirms.
func TestSparkAgentRules(t *testing.T) {
	b := newBed(t, bedOptions{ownBuckets: []string{sparkOwnBucket}})
	job := func(mut func(m map[string]any)) map[string]any {
		m := map[string]any{"workspaceId": sparkWS, "name": "pi", "codeType": "JAR", "queue": "root_queue",
			"entryPoint": sparkOwnCode, "mainClass": "org.apache.spark.examples.SparkPi"}
		if mut != nil {
			mut(m)
		}
		return m
	}
	tests := []struct {
		name string
		args map[string]any
		// want is in the refusal; empty: the job is sent.
		want string
	}{
		{name: "foreign entry point", args: job(func(m map[string]any) { m["entryPoint"] = "oss://someone-elses-bucket/evil.jar" }), want: "someone-elses-bucket"},
		{name: "foreign jar", args: job(func(m map[string]any) { m["jars"] = []string{"oss://attacker-bucket/lib.jar"} }), want: "attacker-bucket"},
		{name: "extra java options", args: job(func(m map[string]any) {
			m["sparkConf"] = map[string]string{"spark.driver.extraJavaOptions": "-javaagent:/tmp/a.jar"}
		}), want: "spark.driver.extraJavaOptions"},
		{name: "jars from a foreign URL", args: job(func(m map[string]any) {
			m["sparkConf"] = map[string]string{"spark.jars": "https://example.com/x.jar"}
		}), want: "https://example.com/x.jar"},
		{name: "own code, resource settings", args: job(func(m map[string]any) {
			m["sparkConf"] = map[string]string{"spark.executor.instances": "2", "spark.executor.memory": "4g"}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, _ := connect(t, b.server(true), acceptingAll)
			mark := b.rec.mark()
			res := call(t, cs, "submit_spark_job", tt.args)
			sent := b.rec.since(mark, "StartJobRun")
			if tt.want == "" {
				if res.IsError || len(sent) != 1 {
					t.Fatalf("got error=%v %q, sent %d; want one StartJobRun", res.IsError, text(res), len(sent))
				}
				var out engine.SparkResult
				decode(t, res, &out)
				if !strings.HasPrefix(out.SparkSubmit, "spark-submit --class org.apache.spark.examples.SparkPi") {
					t.Errorf("sparkSubmit %q, want the equivalent command", out.SparkSubmit)
				}
				return
			}
			if !res.IsError || !strings.Contains(text(res), tt.want) || len(sent) != 0 {
				t.Errorf("got error=%v %q, sent %d; want a refusal naming %q and nothing sent", res.IsError, text(res), len(sent), tt.want)
			}
		})
	}
}

// TestSparkTokensAndSQL creates a token (its value returned once, never
// listed), and runs SQL on a session, reading its results.
func TestSparkTokensAndSQL(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(true), acceptingAll)
	created := sparkCall[engine.SparkResult](t, cs, "create_spark_kyuubi_token", map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi, "name": "agent-made"})
	if !regexp.MustCompile(`^[a-z0-9]{32}$`).MatchString(created.Token) {
		t.Fatalf("token value %q, want 32 lowercase letters and digits", created.Token)
	}
	listed := call(t, cs, "list_spark_kyuubi_tokens", map[string]any{"workspaceId": sparkWS, "kyuubiServiceId": sparkKyuubi})
	raw, _ := json.Marshal(listed.StructuredContent)
	if listed.IsError || strings.Contains(string(raw), created.Token) || !strings.Contains(string(raw), "agent-made") || strings.Contains(string(raw), `"token"`) {
		t.Errorf("list_spark_kyuubi_tokens: got %s, want the token without any value", raw)
	}
	if strings.Contains(text(listed), created.Token) {
		t.Errorf("list_spark_kyuubi_tokens text holds the value")
	}

	sc := b.session("sql", true)
	st := sparkCall[engine.SparkResult](t, cs, "submit_spark_sql", map[string]any{"workspaceId": sparkWS, "sessionId": sc, "sql": "SELECT 1 AS test_value"})
	if st.ID == "" {
		t.Fatal("submit_spark_sql: no statement ID")
	}
	if _, err := b.eng.WaitSparkStatement(context.Background(), sparkWS, st.ID, engine.WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	got := sparkCall[provider.SparkStatement](t, cs, "get_spark_sql_statement", map[string]any{"workspaceId": sparkWS, "statementId": st.ID})
	if got.State != provider.SparkStatementAvailable || len(got.Outputs) != 1 || !strings.Contains(got.Outputs[0].Schema, "test_value") {
		t.Errorf("statement: got %+v, want available with a test_value column", got)
	}
}

// TestSparkJobLogTool reads a finished run's log and refuses a running
// one's, with its reason.
func TestSparkJobLogTool(t *testing.T) {
	b := newBed(t, bedOptions{})
	ctx := context.Background()
	res, err := b.eng.SubmitSparkJob(ctx, setupCall(), sparkWS, provider.SparkJobRunInput{Name: "pi", CodeType: provider.SparkCodeJAR, Queue: "root_queue",
		EntryPoint: sparkOwnCode, MainClass: "org.apache.spark.examples.SparkPi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.eng.WaitSparkJobRun(ctx, sparkWS, res.ID, engine.WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	stream := b.streamingRun("stream")
	cs, _ := connect(t, b.server(false), declining)
	log := sparkCall[provider.SparkLogContent](t, cs, "get_spark_job_log", map[string]any{"workspaceId": sparkWS, "jobRunId": res.ID})
	if !slices.ContainsFunc(log.Lines, func(l string) bool { return strings.Contains(l, "Pi is roughly 3.14") }) {
		t.Errorf("stdout: got %q, want SparkPi's answer", log.Lines)
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{args: map[string]any{"workspaceId": sparkWS, "jobRunId": stream}, want: "is Running"},
		{args: map[string]any{"workspaceId": sparkWS, "jobRunId": res.ID, "length": 5000}, want: "length"},
		{args: map[string]any{"workspaceId": sparkWS, "jobRunId": res.ID, "stream": "syslog"}, want: "stream"},
	} {
		r := call(t, cs, "get_spark_job_log", tt.args)
		if !r.IsError || !strings.Contains(text(r), tt.want) {
			t.Errorf("%v: got %q, want an error naming %q", tt.args, text(r), tt.want)
		}
	}
}

// TestSparkNotOnAWS checks that an AWS server lists no Serverless Spark
// tool and tells the model that Alibaba's products are out of its scope.
func TestSparkNotOnAWS(t *testing.T) {
	b := newAWSBed(t)
	cs, _ := connect(t, b.server(t), declining)
	if got := sparkToolSet(listTools(t, cs)); len(got) != 0 {
		t.Errorf("AWS server lists Serverless Spark tools: %v", got)
	}
	if got := cs.InitializeResult().Instructions; !strings.Contains(got, awsBoundaries) {
		t.Errorf("AWS instructions lack %q: %s", awsBoundaries, got)
	}
}
