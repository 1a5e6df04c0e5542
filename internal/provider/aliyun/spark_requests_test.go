package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

// sent is one request as it left darabonba's client.
type sent struct {
	method string
	path   string
	query  map[string]string
	body   map[string]any // nil without a body
}

// recorder is an HTTP transport that keeps every request and answers each
// with an empty success: what the adapter puts on the wire, seen from the
// wire.
type recorder struct {
	// status and answer replace the empty success when set.
	status int
	answer string

	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	s := sent{method: req.Method, path: req.URL.Path, query: map[string]string{}}
	for k, v := range req.URL.Query() {
		s.query[k] = v[0]
	}
	if req.Body != nil {
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(raw))) > 0 {
			if err := json.Unmarshal(raw, &s.body); err != nil {
				return nil, err
			}
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	status, answer := http.StatusOK, `{"requestId":"req-1"}`
	if r.status != 0 {
		status, answer = r.status, r.answer
	}
	return &http.Response{
		StatusCode: status, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Acs-Request-Id": {"req-1"}},
		Body:   io.NopCloser(strings.NewReader(answer)),
	}, nil
}

func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// newRecordingProvider returns a provider whose requests go to a recorder
// through the official generic client (signing included).
func newRecordingProvider(t *testing.T) (*Provider, *recorder) {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{Type: ptr("access_key"), AccessKeyId: ptr("LTAI5tTESTTESTTEST"), AccessKeySecret: ptr("test-secret-test-secret")})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	c, err := NewClient(Config{Region: testRegion, Endpoint: "spark.test", Insecure: true, Credential: cred, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	return New(c), rec
}

// IDs used by the request tests.
const (
	tws  = "w-d2d82aa09155a1b2"
	trun = "jr-8f1e2d3c4b5a6978"
	tkb  = "kb-0a1b2c3d4e5f6a7b"
	ttok = "tk-1a2b3c4d5e6f7a8b"
	tsc  = "sc-0a1b2c3d4e5f6a7b"
	tst  = "st-0a1b2c3d4e5f6a7b"
	tapp = "spark-0a1b2c3d4e5f6a7b"
	tesr = "esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)"
)

// sparkCase is one adapter call and the request it must send. A write has
// write and shown (its *Request twin); a read has read.
type sparkCase struct {
	name   string
	action string // the contract's action; "" for an uncontracted one
	write  func(context.Context, *Provider) (*provider.WriteResult, error)
	shown  func(*Provider) any
	read   func(context.Context, *Provider) error
	method string
	path   string
	query  map[string]string
	body   string // JSON; "" for no body
}

func region(extra ...string) map[string]string {
	q := map[string]string{"regionId": testRegion}
	for i := 0; i+1 < len(extra); i += 2 {
		q[extra[i]] = extra[i+1]
	}
	return q
}

func sparkWriteCases() []sparkCase {
	jar := provider.SparkJobRunInput{
		Name: "my-jar-job", CodeType: provider.SparkCodeJAR, Queue: "root_queue", ReleaseVersion: tesr,
		EntryPoint: "oss://my-bucket/jars/my-app.jar", Args: []string{"arg1", "arg2"}, MainClass: "com.example.MyApp",
		Conf: map[string]string{"spark.executor.instances": "2"}, ClientToken: "tok-2",
	}
	sql := provider.SparkJobRunInput{
		Name: "daily-etl-job", CodeType: provider.SparkCodeSQL, Queue: "root_queue", EntryPoint: "local:///tmp/spark-sql.sh",
		Conf:           map[string]string{"spark.emr.sql.content": "SELECT 1 as test_value"},
		Configurations: []provider.SparkConfigItem{{File: "common.conf", Key: "hive.metastore.type", Value: "USER_RDS"}},
		Tags:           []provider.Tag{{Key: "team", Value: "etl"}}, Fusion: ptr(true), TimeoutSeconds: 3600,
	}
	ws := provider.SparkWorkspaceInput{
		Name: "my-workspace", OSSBucket: "oss://my-spark-bucket", RAMRole: "AliyunEMRSparkJobRunDefaultRole",
		PaymentType: provider.SparkPayAsYouGo, CU: 8, ClientToken: "tok-1", Tags: []provider.Tag{{Key: "team", Value: "etl"}},
	}
	sub := ws
	sub.PaymentType, sub.ClientToken, sub.Tags = provider.SparkPrepaid, "", nil
	sub.Subscription = &provider.SparkSubscription{Duration: 1, Unit: "Month", AutoRenew: true, AutoRenewPeriod: 1}
	kyuubi := provider.SparkKyuubiInput{Name: "my-kyuubi-public", Queue: "dev_queue", ReleaseVersion: tesr, PublicEndpoint: ptr(true), Replica: 2}
	kyuubiUpdate := provider.SparkKyuubiInput{Name: "my-kyuubi", Queue: "root_queue", SparkConfigs: "spark.executor.memory=32g;spark.executor.cores=8", PublicEndpoint: ptr(true), Restart: ptr(true)}
	session := provider.SparkSessionInput{Name: "my-session", Queue: "root_queue", Kind: provider.SparkSessionSQL, ReleaseVersion: tesr, AutoStopMinutes: 30, ClientToken: "tok-3"}
	stmt := provider.SparkStatementInput{SessionID: tsc, SQL: "SHOW TABLES", Database: "default", Limit: 100}
	return []sparkCase{
		{
			name: "create a pay-as-you-go workspace", action: "CreateWorkspace",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CreateSparkWorkspace(ctx, ws)
			},
			shown:  func(p *Provider) any { return p.CreateSparkWorkspaceRequest(ws) },
			method: "POST", path: "/api/v1/workspaces", query: region(),
			body: `{"workspaceName":"my-workspace","ossBucket":"oss://my-spark-bucket","ramRoleName":"AliyunEMRSparkJobRunDefaultRole",
				"paymentType":"PayAsYouGo","resourceSpec":{"cu":"8"},"clientToken":"tok-1","tag":[{"key":"team","value":"etl"}]}`,
		},
		{
			name: "create a subscription workspace", action: "CreateWorkspace",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CreateSparkWorkspace(ctx, sub)
			},
			shown:  func(p *Provider) any { return p.CreateSparkWorkspaceRequest(sub) },
			method: "POST", path: "/api/v1/workspaces", query: region(),
			body: `{"workspaceName":"my-workspace","ossBucket":"oss://my-spark-bucket","ramRoleName":"AliyunEMRSparkJobRunDefaultRole",
				"paymentType":"Pre","resourceSpec":{"cu":"8"},"duration":"1","paymentDurationUnit":"Month","autoRenew":"true",
				"autoRenewPeriod":"1","autoRenewPeriodUnit":"Month"}`,
		},
		{
			name: "update a workspace", action: "UpdateWorkspace",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.UpdateSparkWorkspace(ctx, tws, provider.SparkWorkspaceUpdate{Name: "etl-2", CU: 16})
			},
			shown: func(p *Provider) any {
				return p.UpdateSparkWorkspaceRequest(tws, provider.SparkWorkspaceUpdate{Name: "etl-2", CU: 16})
			},
			method: "POST", path: "/api/v1/workspaces/update", query: region(),
			body: `{"workspaceId":"` + tws + `","workspaceName":"etl-2","cu":16}`,
		},
		{
			name: "scale a queue", action: "EditWorkspaceQueue",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.EditSparkQueue(ctx, provider.SparkQueueEdit{WorkspaceID: tws, Queue: "dev_queue", CU: 32, MaxCU: 64})
			},
			shown: func(p *Provider) any {
				return p.EditSparkQueueRequest(provider.SparkQueueEdit{WorkspaceID: tws, Queue: "dev_queue", CU: 32, MaxCU: 64})
			},
			method: "POST", path: "/api/v1/workspaces/queues/action/edit", query: region(),
			body: `{"workspaceId":"` + tws + `","workspaceQueueName":"dev_queue","resourceSpec":{"cu":32,"maxCu":64}}`,
		},
		{
			name: "submit a JAR job as the reference does", action: "StartJobRun",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StartSparkJobRun(ctx, tws, jar)
			},
			shown:  func(p *Provider) any { return p.StartSparkJobRunRequest(tws, jar) },
			method: "POST", path: "/api/v1/workspaces/" + tws + "/jobRuns", query: region(),
			body: `{"name":"my-jar-job","codeType":"JAR","resourceQueueId":"root_queue","releaseVersion":"` + tesr + `","clientToken":"tok-2",
				"jobDriver":{"sparkSubmit":{"entryPoint":"oss://my-bucket/jars/my-app.jar","entryPointArguments":["arg1","arg2"],
				"sparkSubmitParameters":"--class com.example.MyApp --conf spark.executor.instances=2"}}}`,
		},
		{
			name: "submit a SQL job with overrides, tags, fusion and a timeout", action: "StartJobRun",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StartSparkJobRun(ctx, tws, sql)
			},
			shown:  func(p *Provider) any { return p.StartSparkJobRunRequest(tws, sql) },
			method: "POST", path: "/api/v1/workspaces/" + tws + "/jobRuns", query: region(),
			body: `{"name":"daily-etl-job","codeType":"SQL","resourceQueueId":"root_queue","fusion":true,"executionTimeoutSeconds":3600,
				"jobDriver":{"sparkSubmit":{"entryPoint":"local:///tmp/spark-sql.sh","sparkSubmitParameters":"--conf spark.emr.sql.content=SELECT 1 as test_value"}},
				"configurationOverrides":{"configurations":[{"configFileName":"common.conf","configItemKey":"hive.metastore.type","configItemValue":"USER_RDS"}]},
				"tags":[{"key":"team","value":"etl"}]}`,
		},
		{
			name: "cancel a job run", action: "CancelJobRun",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CancelSparkJobRun(ctx, tws, trun)
			},
			shown:  func(p *Provider) any { return p.CancelSparkJobRunRequest(tws, trun) },
			method: "DELETE", path: "/api/v1/workspaces/" + tws + "/jobRuns/" + trun, query: region(),
		},
		{
			name: "create a Kyuubi service", action: "CreateKyuubiService",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CreateSparkKyuubi(ctx, tws, kyuubi)
			},
			shown:  func(p *Provider) any { return p.CreateSparkKyuubiRequest(tws, kyuubi) },
			method: "POST", path: "/api/v1/kyuubi/" + tws, query: region(),
			body: `{"name":"my-kyuubi-public","queue":"dev_queue","releaseVersion":"` + tesr + `","publicEndpointEnabled":true,"replica":2}`,
		},
		{
			name: "start a Kyuubi service", action: "StartKyuubiService",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StartSparkKyuubi(ctx, tws, tkb)
			},
			shown:  func(p *Provider) any { return p.StartSparkKyuubiRequest(tws, tkb) },
			method: "POST", path: "/api/v1/kyuubi/" + tws + "/" + tkb + "/start", query: region(),
		},
		{
			name: "stop a Kyuubi service", action: "StopKyuubiService",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StopSparkKyuubi(ctx, tws, tkb)
			},
			shown:  func(p *Provider) any { return p.StopSparkKyuubiRequest(tws, tkb) },
			method: "POST", path: "/api/v1/kyuubi/" + tws + "/" + tkb + "/stop", query: region(),
		},
		{
			name: "update a Kyuubi service", action: "UpdateKyuubiService",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.UpdateSparkKyuubi(ctx, tws, tkb, kyuubiUpdate)
			},
			shown:  func(p *Provider) any { return p.UpdateSparkKyuubiRequest(tws, tkb, kyuubiUpdate) },
			method: "PUT", path: "/api/v1/kyuubi/" + tws + "/" + tkb, query: region(),
			body: `{"name":"my-kyuubi","queue":"root_queue","sparkConfigs":"spark.executor.memory=32g;spark.executor.cores=8","publicEndpointEnabled":true,"restart":true}`,
		},
		{
			name: "delete a Kyuubi service", action: "DeleteKyuubiService",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.DeleteSparkKyuubi(ctx, tws, tkb)
			},
			shown:  func(p *Provider) any { return p.DeleteSparkKyuubiRequest(tws, tkb) },
			method: "DELETE", path: "/api/v1/kyuubi/" + tws + "/" + tkb, query: region(),
		},
		{
			name: "update a token's name", action: "UpdateKyuubiToken",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.UpdateSparkKyuubiToken(ctx, tws, tkb, ttok, provider.SparkKyuubiTokenInput{Name: "ci-2"})
			},
			shown: func(p *Provider) any {
				return p.UpdateSparkKyuubiTokenRequest(tws, tkb, ttok, provider.SparkKyuubiTokenInput{Name: "ci-2"})
			},
			method: "PUT", path: "/api/v1/workspaces/" + tws + "/kyuubiService/" + tkb + "/token/" + ttok, query: region(),
			body: `{"name":"ci-2"}`,
		},
		{
			name: "delete a token", action: "DeleteKyuubiToken",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.DeleteSparkKyuubiToken(ctx, tws, tkb, ttok)
			},
			shown:  func(p *Provider) any { return p.DeleteSparkKyuubiTokenRequest(tws, tkb, ttok) },
			method: "DELETE", path: "/api/v1/workspaces/" + tws + "/kyuubiService/" + tkb + "/token/" + ttok, query: region(),
		},
		{
			name: "cancel a Kyuubi application", action: "CancelKyuubiSparkApplication",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CancelSparkKyuubiApp(ctx, tws, tkb, tapp)
			},
			shown:  func(p *Provider) any { return p.CancelSparkKyuubiAppRequest(tws, tkb, tapp) },
			method: "DELETE", path: "/api/v1/kyuubi/" + tws + "/" + tkb + "/application/" + tapp, query: region(),
		},
		{
			name: "create a session cluster", action: "CreateSessionCluster",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CreateSparkSession(ctx, tws, session)
			},
			shown:  func(p *Provider) any { return p.CreateSparkSessionRequest(tws, session) },
			method: "POST", path: "/api/v1/workspaces/" + tws + "/sessionClusters", query: region(),
			body: `{"name":"my-session","queueName":"root_queue","kind":"SQL","releaseVersion":"` + tesr + `",
				"autoStopConfiguration":{"enable":true,"idleTimeoutMinutes":30},"clientToken":"tok-3"}`,
		},
		{
			name: "start a session cluster", action: "StartSessionCluster",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StartSparkSession(ctx, tws, tsc, "root_queue")
			},
			shown:  func(p *Provider) any { return p.StartSparkSessionRequest(tws, tsc, "root_queue") },
			method: "POST", path: "/api/v1/workspaces/" + tws + "/sessionClusters/action/startSessionCluster", query: region(),
			body: `{"sessionClusterId":"` + tsc + `","queueName":"root_queue"}`,
		},
		{
			name: "stop a session cluster", action: "StopSessionCluster",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.StopSparkSession(ctx, tws, tsc, "")
			},
			shown:  func(p *Provider) any { return p.StopSparkSessionRequest(tws, tsc, "") },
			method: "POST", path: "/api/v1/workspaces/" + tws + "/sessionClusters/action/stopSessionCluster", query: region(),
			body: `{"sessionClusterId":"` + tsc + `"}`,
		},
		{
			name: "delete a session cluster at the reference's path",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.DeleteSparkSession(ctx, tws, tsc)
			},
			shown:  func(p *Provider) any { return p.DeleteSparkSessionRequest(tws, tsc) },
			method: "DELETE", path: "/api/v1/workspaces/" + tws + "/sessionClusters/" + tsc, query: region(),
		},
		{
			name: "run a SQL statement", action: "CreateSqlStatement",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.RunSparkStatement(ctx, tws, stmt)
			},
			shown:  func(p *Provider) any { return p.RunSparkStatementRequest(tws, stmt) },
			method: "PUT", path: "/api/interactive/v1/workspace/" + tws + "/statement", query: region(),
			body: `{"sqlComputeId":"` + tsc + `","codeContent":"SHOW TABLES","defaultDatabase":"default","limit":100}`,
		},
		{
			name: "terminate a SQL statement", action: "TerminateSqlStatement",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.TerminateSparkStatement(ctx, tws, tst)
			},
			shown:  func(p *Provider) any { return p.TerminateSparkStatementRequest(tws, tst) },
			method: "POST", path: "/api/interactive/v1/workspace/" + tws + "/statement/" + tst + "/terminate", query: region(),
		},
	}
}

func sparkReadCases() []sparkCase {
	day := time.Date(2023, 12, 31, 16, 0, 0, 0, time.UTC) // 2024-01-01 00:00 in China
	started := time.UnixMilli(1700000000000)
	return []sparkCase{
		{
			name: "list workspaces", action: "ListWorkspaces",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkWorkspaces(ctx, provider.SparkWorkspaceFilter{Name: "etl", State: "RUNNING"}, "t1", 20)
				return err
			},
			method: "GET", path: "/api/v1/workspaces", query: region("name", "etl", "state", "RUNNING", "nextToken", "t1", "maxResults", "20"),
		},
		{
			name: "get a workspace walks the list", action: "ListWorkspaces",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkWorkspace(ctx, tws)
				return err
			},
			method: "GET", path: "/api/v1/workspaces", query: region("maxResults", "100"),
		},
		{
			name: "list queues", action: "ListWorkspaceQueues",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkQueues(ctx, tws, "dev")
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/queues", query: region("environment", "dev"),
		},
		{
			name: "list releases", action: "ListReleaseVersions",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkReleases(ctx, provider.SparkReleaseFilter{Status: "ONLINE"})
				return err
			},
			method: "GET", path: "/api/v1/releaseVersions", query: region("releaseVersionStatus", "ONLINE"),
		},
		{
			name: "get a job run", action: "GetJobRun",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkJobRun(ctx, tws, trun)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/jobRuns/" + trun, query: region(),
		},
		{
			name: "list job runs with filters", action: "ListJobRuns",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkJobRuns(ctx, tws, provider.SparkJobRunFilter{Name: "etl", States: []string{"Running", "Submitted"}, StartedAfter: started, MinDuration: time.Minute}, "", 20)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/jobRuns",
			query: region("name", "etl", "states", `["Running","Submitted"]`, "startTime", `{"startTime":1700000000000}`, "minDuration", "60000", "maxResults", "20"),
		},
		{
			name: "read a log", action: "ListLogContents",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.SparkLog(ctx, provider.SparkLogQuery{WorkspaceID: tws, File: "oss://my-bucket/w/logs/stdout.log", Offset: 0, Length: 9999})
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/action/listLogContents",
			query: region("fileName", "oss://my-bucket/w/logs/stdout.log", "offset", "0", "length", "9999"),
		},
		{
			name: "list executors", action: "ListJobExecutors",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkExecutors(ctx, tws, trun, provider.SparkExecutorFilter{Status: "Running"}, "", 10)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/jobRuns/" + trun + "/executors", query: region("status", "Running", "maxResults", "10"),
		},
		{
			name: "get a run configuration", action: "GetRunConfiguration",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkRunConfiguration(ctx, tws, trun)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/runs/" + trun + "/action/getRunConfiguration", query: region(),
		},
		{
			name: "CU hours: the window in China Standard Time", action: "GetCuHours",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: tws, Queue: "root_queue", Start: day, End: day.AddDate(0, 0, 7).In(time.Local)})
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/metric/cuHours/root_queue",
			query: region("startTime", "2024-01-01 00:00:00", "endTime", "2024-01-08 00:00:00"),
		},
		{
			name: "get a Kyuubi service", action: "GetKyuubiService",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkKyuubi(ctx, tws, tkb)
				return err
			},
			method: "GET", path: "/api/v1/kyuubi/" + tws + "/" + tkb, query: region(),
		},
		{
			name: "list Kyuubi services", action: "ListKyuubiServices",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkKyuubi(ctx, tws)
				return err
			},
			method: "GET", path: "/api/v1/kyuubi/" + tws, query: region(),
		},
		{
			name: "get a token", action: "GetKyuubiToken",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkKyuubiToken(ctx, tws, tkb, ttok)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/kyuubiService/" + tkb + "/token/" + ttok, query: region(),
		},
		{
			name: "list tokens", action: "ListKyuubiToken",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkKyuubiTokens(ctx, tws, tkb)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/kyuubiService/" + tkb + "/token", query: region(),
		},
		{
			name: "list Kyuubi applications", action: "ListKyuubiSparkApplications",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkKyuubiApps(ctx, tws, tkb, provider.SparkKyuubiAppFilter{State: "RUNNING"}, "", 10)
				return err
			},
			method: "GET", path: "/api/v1/kyuubi/" + tws + "/" + tkb + "/applications", query: region("states", "RUNNING", "maxResults", "10"),
		},
		{
			name: "get a session cluster", action: "GetSessionCluster",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkSession(ctx, tws, tsc)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/sessionClusters/" + tsc, query: region(),
		},
		{
			name: "list session clusters", action: "ListSessionClusters",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.ListSparkSessions(ctx, tws, provider.SparkSessionFilter{Queue: "root_queue"}, "", 0)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/sessionClusters", query: region("queueName", "root_queue"),
		},
		{
			name: "get a SQL statement", action: "GetSqlStatement",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.GetSparkStatement(ctx, tws, tst)
				return err
			},
			method: "GET", path: "/api/interactive/v1/workspace/" + tws + "/statement/" + tst, query: region(),
		},
		{
			name: "read a statement's result file", action: "ListSqlStatementContents",
			read: func(ctx context.Context, p *Provider) error {
				_, err := p.SparkStatementContents(ctx, tws, "oss://b/w/logs/jr/driver/st", "", 100)
				return err
			},
			method: "GET", path: "/api/v1/workspaces/" + tws + "/action/listSqlStatementContents",
			query: region("fileName", "oss://b/w/logs/jr/driver/st", "maxResults", "100"),
		},
	}
}

// TestSparkRequests checks, for every Serverless Spark call, the request
// on the wire: method, path, query and body exactly; against the contract
// (method, path template, placement of every member, regionId on every
// query, also where the contract lacks it); and, for writes, that the
// request a person confirms (the *Request twin) is the request sent.
func TestSparkRequests(t *testing.T) {
	spec, err := contract.Load(contract.Spark)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range append(sparkWriteCases(), sparkReadCases()...) {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newRecordingProvider(t)
			ctx := context.Background()
			if tt.write != nil {
				res, err := tt.write(ctx, p)
				if err != nil {
					t.Fatalf("write: got %v, want success", err)
				}
				if res.RequestID != "req-1" {
					t.Errorf("write result: got request id %q, want req-1", res.RequestID)
				}
			} else {
				_ = tt.read(ctx, p) // an empty answer may be a not-found; the request is what is checked
			}
			reqs := rec.take()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.method != tt.method || got.path != tt.path {
				t.Errorf("got %s %s, want %s %s", got.method, got.path, tt.method, tt.path)
			}
			if diff := cmp.Diff(tt.query, got.query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			var want map[string]any
			if tt.body != "" {
				if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
					t.Fatalf("want body: %v", err)
				}
			}
			if diff := cmp.Diff(want, got.body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if tt.action != "" {
				checkContract(t, spec, spec.Action(tt.action), got)
			}
			if tt.shown != nil {
				checkShownIsSent(t, tt.shown(p), got, tt.path, tt.action, spec)
			}
		})
	}
}

// pathVars matches path against an action's template.
func pathVars(template, path string) (map[string]string, bool) {
	ts, ps := strings.Split(strings.Trim(template, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return nil, false
	}
	vars := map[string]string{}
	for i, s := range ts {
		switch {
		case strings.HasPrefix(s, "{"):
			vars[strings.Trim(s, "{}")] = ps[i]
		case s != ps[i]:
			return nil, false
		}
	}
	return vars, true
}

func checkContract(t *testing.T, spec *contract.Spec, a *contract.Action, got sent) {
	t.Helper()
	if a == nil {
		t.Fatal("the action is not in the contract")
	}
	if got.method != a.Method {
		t.Errorf("method: got %s, want the contract's %s", got.method, a.Method)
	}
	if _, ok := pathVars(a.Pathname, got.path); !ok {
		t.Errorf("path %s does not match the contract's %s", got.path, a.Pathname)
	}
	for k := range got.query {
		if p := a.Param(k); k != "regionId" && (p == nil || p.In != contract.InQuery) {
			t.Errorf("query member %s is not a query parameter of %s", k, a.Name)
		}
	}
	for k := range got.body {
		if p := a.Param(k); p == nil || p.In != contract.InBody {
			t.Errorf("body member %s is not a body parameter of %s", k, a.Name)
		}
	}
	// The gateway reads regionId on every action, in the contract or not.
	if got.query["regionId"] != testRegion {
		t.Errorf("regionId: got %q on the query, want %s", got.query["regionId"], testRegion)
	}
	for _, p := range a.Params {
		if !p.Required {
			continue
		}
		_, inQuery := got.query[p.Name]
		_, inBody := got.body[p.Name]
		if p.In != contract.InPath && !inQuery && !inBody {
			t.Errorf("required %s %s is missing", p.In, p.Name)
		}
	}
}

// checkShownIsSent compares the members of the shown request with the
// members sent (path, query and body together).
func checkShownIsSent(t *testing.T, shown any, got sent, path, action string, spec *contract.Spec) {
	t.Helper()
	raw, err := json.Marshal(shown)
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]any
	if err := json.Unmarshal(raw, &members); err != nil {
		t.Fatal(err)
	}
	sentMembers := map[string]any{}
	template := path
	if a := spec.Action(action); a != nil {
		template = a.Pathname
	} else {
		template = "/api/v1/workspaces/{workspaceId}/sessionClusters/{sessionClusterId}"
	}
	vars, _ := pathVars(template, got.path)
	for k, v := range vars {
		sentMembers[k] = v
	}
	for k, v := range got.query {
		sentMembers[k] = v
	}
	for k, v := range got.body {
		sentMembers[k] = v
	}
	if diff := cmp.Diff(members, sentMembers); diff != "" {
		t.Errorf("shown request differs from the request sent (-shown +sent):\n%s", diff)
	}
}

// TestSparkTokenRequestsHideTheValue: the token value goes on the wire,
// and only there: the request shown (printed, journaled) has it redacted.
func TestSparkTokenRequestsHideTheValue(t *testing.T) {
	const value = "rjy7ejhej9gkzjjuun49jnx2xk8if2cu"
	in := provider.SparkKyuubiTokenInput{Name: "ci", Value: value, ExpireDays: 30}
	tests := []struct {
		name  string
		write func(context.Context, *Provider) (*provider.WriteResult, error)
		shown func(*Provider) any
		body  string
	}{
		{
			name: "create",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.CreateSparkKyuubiToken(ctx, tws, tkb, in)
			},
			shown: func(p *Provider) any { return p.CreateSparkKyuubiTokenRequest(tws, tkb, in) },
			body:  `{"name":"ci","token":"` + value + `","autoExpireConfiguration":{"enable":true,"expireDays":30}}`,
		},
		{
			name: "update",
			write: func(ctx context.Context, p *Provider) (*provider.WriteResult, error) {
				return p.UpdateSparkKyuubiToken(ctx, tws, tkb, ttok, in)
			},
			shown: func(p *Provider) any { return p.UpdateSparkKyuubiTokenRequest(tws, tkb, ttok, in) },
			body:  `{"name":"ci","token":"` + value + `","autoExpireConfiguration":{"enable":true,"expireDays":30}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newRecordingProvider(t)
			if _, err := tt.write(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			reqs := rec.take()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, reqs[0].body); diff != "" {
				t.Errorf("body sent (-want +got):\n%s", diff)
			}
			if reqs[0].query["regionId"] != testRegion {
				t.Errorf("regionId: got %q, want %s", reqs[0].query["regionId"], testRegion)
			}
			raw, err := json.Marshal(tt.shown(p))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), value) {
				t.Errorf("shown request: got the token value in %s, want it redacted", raw)
			}
			if !strings.Contains(string(raw), `"token":"`+redact.Marker+`"`) {
				t.Errorf("shown request: got %s, want the token shown as %s", raw, redact.Marker)
			}
		})
	}
}

// TestSparkErrors: the service's ROA error bodies (lower-case keys) become
// typed errors with code, message and request ID; an answer without a
// code says what to check.
func TestSparkErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		answer   string
		kind     error
		code     string
		inMsg    string
		advice   string // what the advice must mention
		noAdvice bool
	}{
		{name: "a write without ?regionId=", status: 400, answer: `{"requestId":"R1","code":"MissingParameter.regionId","message":"regionId is mandatory"}`,
			kind: provider.ErrInvalid, code: "MissingParameter.regionId", inMsg: "regionId is mandatory", advice: "--region"},
		{name: "a workspace still STARTING", status: 400, answer: `{"requestId":"R1","code":"OperationDenied","message":"workspace is STARTING"}`,
			kind: provider.ErrDenied, code: "OperationDenied", inMsg: "STARTING", advice: "RUNNING"},
		{name: "RAM", status: 403, answer: `{"requestId":"R1","code":"Forbidden.RAM","message":"not authorized"}`,
			kind: provider.ErrDenied, code: "Forbidden.RAM", inMsg: "not authorized", advice: "AliyunEMRServerlessSparkDeveloperAccess"},
		{name: "throttled", status: 400, answer: `{"requestId":"R1","code":"Throttling","message":"Request was denied due to request throttling."}`,
			kind: provider.ErrThrottled, code: "Throttling"},
		{name: "no log file", status: 404, answer: `{"requestId":"R1","code":"ResourceNotFound","message":"the log file does not exist"}`,
			kind: provider.ErrNotFound, code: "ResourceNotFound", advice: "state reason"},
		{name: "queue total over the workspace", status: 400, answer: `{"requestId":"R1","code":"UnSupportedOperator","message":"workspace rest cpu is not enough"}`,
			code: "UnSupportedOperator", inMsg: "rest cpu", advice: "scale another queue down"},
		{name: "no code, forbidden", status: 403, answer: `{"requestId":"R1","message":"not authorized to access it"}`,
			kind: provider.ErrDenied, inMsg: "check the RAM permissions", noAdvice: true},
		{name: "no code on a workspace sub-resource", status: 404, answer: `{"requestId":"R1","message":"workspace not found"}`,
			kind: provider.ErrNotFound, inMsg: "list the region's workspaces", noAdvice: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newRecordingProvider(t)
			rec.status, rec.answer = tt.status, tt.answer
			_, err := p.ListSparkQueues(context.Background(), tws, "")
			var ae *provider.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("got %T %v, want *provider.APIError", err, err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("got kind %v, want %v", ae.Kind, tt.kind)
			}
			if ae.Code != tt.code || ae.RequestID != "R1" || ae.Action != "ListWorkspaceQueues" || !strings.Contains(ae.Message, tt.inMsg) {
				t.Errorf("got code %q request %q action %q message %q, want %q R1 ListWorkspaceQueues and %q", ae.Code, ae.RequestID, ae.Action, ae.Message, tt.code, tt.inMsg)
			}
			if got := provider.Advice(ae.Code); (got == "") != tt.noAdvice || !strings.Contains(got, tt.advice) {
				t.Errorf("advice for %q: got %q, want it to mention %q", ae.Code, got, tt.advice)
			}
		})
	}
}

// TestSparkReadsDecode feeds answers shaped as the contract describes
// them through the adapter and checks what the engine gets.
func TestSparkReadsDecode(t *testing.T) {
	ms := time.UnixMilli(1684115879955).UTC()
	tests := []struct {
		name   string
		answer string
		read   func(context.Context, *Provider) (any, error)
		want   any
	}{
		{
			name: "workspace: state in any case, Pre is Subscription, CU from the spec",
			answer: `{"requestId":"r","workspaces":[{"workspaceId":"w-1","workspaceName":"ws","workspaceStatus":"running","paymentType":"Pre",
				"resourceSpec":"100cu","createTime":1684115879955,"failReason":"quota","tags":[{"tagKey":"k","tagValue":"v"}]}]}`,
			read: func(ctx context.Context, p *Provider) (any, error) { return p.GetSparkWorkspace(ctx, "w-1") },
			want: &provider.SparkWorkspace{ID: "w-1", Name: "ws", State: "RUNNING", PaymentType: "Subscription", CU: 100, ResourceSpec: "100cu",
				CreateTime: ms, StateReason: &provider.StateReason{Message: "quota"}, Tags: []provider.Tag{{Key: "k", Value: "v"}}},
		},
		{
			name:   "queues: CU from the resource texts",
			answer: `{"requestId":"r","queues":[{"queueName":"dev_queue","queueStatus":"RUNNING","maxResource":"{\"cpu\": \"2\",\"memory\": \"8Gi\"}","usedResource":"{\"cu\":\"1.5\"}","minResource":"500m"}]}`,
			read:   func(ctx context.Context, p *Provider) (any, error) { return p.ListSparkQueues(ctx, tws, "") },
			want: []provider.SparkQueue{{WorkspaceID: tws, Name: "dev_queue", Status: "RUNNING", MaxCU: 2, UsedCU: 1.5, MinCU: 0.5,
				MaxResource: `{"cpu": "2","memory": "8Gi"}`, UsedResource: `{"cu":"1.5"}`, MinResource: "500m"}},
		},
		{
			name: "job run: reason, driver, logs and times",
			answer: `{"requestId":"r","jobRun":{"jobRunId":"jr-1","name":"etl","state":"FAILED","codeType":"JAR","resourceQueueId":"root_queue",
				"stateChangeReason":{"code":"ClassNotFound","message":"com.x.Main"},"log":{"driverStdOut":"oss://b/stdout.log","driverStdError":"oss://b/stderr.log"},
				"jobDriver":{"sparkSubmit":{"entryPoint":"oss://b/a.jar","entryPointArguments":["a"],"sparkSubmitParameters":"--class com.x.Main"}},
				"submitTime":1684115879955,"configurationOverrides":{"configurations":[{"configFileName":"common.conf","configItemKey":"k","configItemValue":"v"}]}}}`,
			read: func(ctx context.Context, p *Provider) (any, error) { return p.GetSparkJobRun(ctx, tws, "jr-1") },
			want: &provider.SparkJobRun{WorkspaceID: tws, ID: "jr-1", Name: "etl", State: "Failed", CodeType: "JAR", Queue: "root_queue",
				StateReason: &provider.StateReason{Code: "ClassNotFound", Message: "com.x.Main"}, EntryPoint: "oss://b/a.jar", Args: []string{"a"},
				SubmitParameters: "--class com.x.Main", Log: provider.SparkRunLog{Stdout: "oss://b/stdout.log", Stderr: "oss://b/stderr.log"},
				SubmitTime: ms, Configurations: []provider.SparkConfigItem{{File: "common.conf", Key: "k", Value: "v"}}},
		},
		{
			name:   "CU hours: the service's map text, hours in China Standard Time",
			answer: `{"requestId":"r","data":{"cuHours":"{2025-01-09 01:00:00=2.0, 2025-01-09 00:00:00=2.5}"}}`,
			read: func(ctx context.Context, p *Provider) (any, error) {
				start := time.Date(2025, 1, 8, 16, 0, 0, 0, time.UTC)
				return p.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: tws, Queue: "root_queue", Start: start, End: start.Add(2 * time.Hour)})
			},
			want: &provider.SparkCUHours{Queue: "root_queue", Total: 4.5, Points: []provider.SparkCUPoint{
				{Time: time.Date(2025, 1, 8, 16, 0, 0, 0, time.UTC), CUHours: 2.5}, {Time: time.Date(2025, 1, 8, 17, 0, 0, 0, time.UTC), CUHours: 2}}},
		},
		{
			name:   "CU hours: a plain number",
			answer: `{"requestId":"r","data":{"cuHours":"12.25"}}`,
			read: func(ctx context.Context, p *Provider) (any, error) {
				return p.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: tws, Queue: "q", Start: ms, End: ms.Add(time.Hour)})
			},
			want: &provider.SparkCUHours{Queue: "q", Total: 12.25},
		},
		{
			name:   "CU hours: text kept when unreadable",
			answer: `{"requestId":"r","data":{"cuHours":"n/a"}}`,
			read: func(ctx context.Context, p *Provider) (any, error) {
				return p.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: tws, Queue: "q", Start: ms, End: ms.Add(time.Hour)})
			},
			want: &provider.SparkCUHours{Queue: "q", Raw: "n/a"},
		},
		{
			name:   "Kyuubi service: times as millisecond text",
			answer: `{"requestId":"r","data":{"kyuubiServiceId":"kb-1","name":"k","state":"running","createTime":"1684115879955","publicEndpoint":"kb.example","replica":2}}`,
			read:   func(ctx context.Context, p *Provider) (any, error) { return p.GetSparkKyuubi(ctx, tws, "kb-1") },
			want: &provider.SparkKyuubiService{WorkspaceID: tws, ID: "kb-1", Name: "k", State: "RUNNING", CreateTime: ms, PublicEndpoint: true,
				PublicAddress: "kb.example", Replica: 2},
		},
		{
			name:   "Kyuubi service: times in RFC 3339 and China wall time",
			answer: `{"requestId":"r","data":{"kyuubiServices":[{"kyuubiServiceId":"kb-1","state":"NOT_STARTED","createTime":"2023-05-15T01:57:59Z","startTime":"2023-05-15 09:57:59"}]}}`,
			read:   func(ctx context.Context, p *Provider) (any, error) { return p.ListSparkKyuubi(ctx, tws) },
			want: []provider.SparkKyuubiService{{WorkspaceID: tws, ID: "kb-1", State: "NOT_STARTED",
				CreateTime: time.Date(2023, 5, 15, 1, 57, 59, 0, time.UTC), StartTime: time.Date(2023, 5, 15, 1, 57, 59, 0, time.UTC)}},
		},
		{
			name:   "Kyuubi applications: wall times",
			answer: `{"requestId":"r","applications":[{"applicationId":"spark-1","state":"RUNNING","startTime":"2025-02-12 19:59:16","cuHours":0.25}]}`,
			read: func(ctx context.Context, p *Provider) (any, error) {
				page, err := p.ListSparkKyuubiApps(ctx, tws, "kb-1", provider.SparkKyuubiAppFilter{}, "", 0)
				if err != nil {
					return nil, err
				}
				return page.Items, nil
			},
			want: []provider.SparkKyuubiApp{{ServiceID: "kb-1", ID: "spark-1", State: "RUNNING", CUHours: 0.25, StartTime: time.Date(2025, 2, 12, 11, 59, 16, 0, time.UTC)}},
		},
		{
			name:   "session: the reference's lower-case state",
			answer: `{"requestId":"r","sessionCluster":{"sessionClusterId":"sc-1","name":"s","state":"stopped","autoStopConfiguration":{"enable":true,"idleTimeoutMinutes":30}}}`,
			read:   func(ctx context.Context, p *Provider) (any, error) { return p.GetSparkSession(ctx, tws, "sc-1") },
			want:   &provider.SparkSession{WorkspaceID: tws, ID: "sc-1", Name: "s", State: "Stopped", AutoStopMinutes: 30},
		},
		{
			name:   "release: runtimes from the version text",
			answer: `{"requestId":"r","releaseVersions":[{"releaseVersion":"esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)","state":"ONLINE"}]}`,
			read: func(ctx context.Context, p *Provider) (any, error) {
				return p.ListSparkReleases(ctx, provider.SparkReleaseFilter{})
			},
			want: []provider.SparkRelease{{Version: "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)", State: "ONLINE", Spark: "3.5.2", Scala: "2.12",
				Runtime: "Java Runtime"}},
		},
		{
			name:   "statement: outputs",
			answer: `{"requestId":"r","data":{"statementId":"st-1","state":"AVAILABLE","sqlOutputs":[{"schema":"{\"fields\":[]}","rows":"[[1]]"}],"executionTime":[12]}}`,
			read:   func(ctx context.Context, p *Provider) (any, error) { return p.GetSparkStatement(ctx, tws, "st-1") },
			want: &provider.SparkStatement{ID: "st-1", State: "available", ExecutionMillis: []int64{12},
				Outputs: []provider.SparkStatementOutput{{Schema: `{"fields":[]}`, Rows: "[[1]]"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newRecordingProvider(t)
			rec.status, rec.answer = http.StatusOK, tt.answer
			got, err := tt.read(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}
