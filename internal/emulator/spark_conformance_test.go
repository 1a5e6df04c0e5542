package emulator

import (
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// sparkFixture carries Serverless Spark IDs between conformance steps.
type sparkFixture struct {
	workspace, jobRun, streamRun, logFile string
	kyuubi, token                         string
	session, statement, slowStatement     string
	resultFile                            string
}

// Seeded Serverless Spark inventory (spark_seed.go) and good values.
const (
	esrRelease     = "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)"
	sparkExamples  = "oss://" + seedBucket + "/jars/spark-examples.jar"
	streamingJar   = "oss://" + seedBucket + "/jars/streaming-app.jar"
	seedRunningApp = "spark-sandbox00000000000000000000000002"
	goodToken      = "0123456789abcdef0123456789abcdef"
)

// deleteSessionClusterRequest is the request of DeleteSessionCluster,
// which has no SDK model.
type deleteSessionClusterRequest struct {
	WorkspaceId      string `json:"workspaceId"`
	SessionClusterId string `json:"sessionClusterId"`
}

// sparkPiJob is a StartJobRun that succeeds: the skill's JAR example on
// the seeded examples jar.
func sparkPiJob(ws, name string) *sparkwire.StartJobRunRequest {
	return &sparkwire.StartJobRunRequest{
		WorkspaceId: ws, RegionId: region, Name: name, CodeType: "JAR", ResourceQueueId: "root_queue", ReleaseVersion: esrRelease,
		JobDriver: &sparkwire.JobDriver{SparkSubmit: &sparkwire.JobDriverSparkSubmit{
			EntryPoint: sparkExamples, EntryPointArguments: []string{"1000"},
			SparkSubmitParameters: "--class org.apache.spark.examples.SparkPi --conf spark.executor.cores=4 --conf spark.executor.memory=20g --conf spark.driver.cores=4 --conf spark.driver.memory=8g --conf spark.executor.instances=2",
		}},
	}
}

// sparkConformanceSteps drive every Serverless Spark action once, in the
// order of the skill's getting-started, then Kyuubi, then sessions.
func sparkConformanceSteps() []step {
	sp := contract.Spark
	ws := seedWorkspaceID
	return []step{
		{product: sp, action: "ListReleaseVersions", req: func(*fixture) any {
			return &sparkwire.ListReleaseVersionsRequest{RegionId: region, ReleaseVersionStatus: "ONLINE", ReleaseType: "stable"}
		}},
		{product: sp, action: "CreateWorkspace", req: func(*fixture) any {
			return &sparkwire.CreateWorkspaceRequest{
				RegionId: region, WorkspaceName: "conformance", OssBucket: "oss://" + seedBucket + "/", RamRoleName: jobRunRole,
				PaymentType: "PayAsYouGo", ResourceSpec: &sparkwire.CreateWorkspaceRequestResourceSpec{Cu: "8"},
				ClientToken: "conformance-ws-1", Tag: []sparkwire.CreateWorkspaceRequestTagItem{{Key: "env", Value: "test"}},
			}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateWorkspaceResponse
			decodeInto(t, body, &resp)
			f.spark.workspace = resp.WorkspaceId
		}},
		{product: sp, action: "ListWorkspaces", req: func(*fixture) any {
			return &sparkwire.ListWorkspacesRequest{RegionId: region, Name: "conformance", State: "running", MaxResults: i64p(10), Tag: []sparkwire.ListWorkspacesRequestTagItem{{Key: "env", Value: "test"}}}
		}},
		{product: sp, action: "UpdateWorkspace", req: func(f *fixture) any {
			return &sparkwire.UpdateWorkspaceRequest{RegionId: region, WorkspaceId: f.spark.workspace, WorkspaceName: "conformance-2", Cu: i64p(16)}
		}},
		{product: sp, action: "ListWorkspaceQueues", req: func(f *fixture) any {
			return &sparkwire.ListWorkspaceQueuesRequest{WorkspaceId: f.spark.workspace, RegionId: region, Environment: "dev"}
		}},
		{product: sp, action: "EditWorkspaceQueue", req: func(f *fixture) any {
			return &sparkwire.EditWorkspaceQueueRequest{
				RegionId: region, WorkspaceId: f.spark.workspace, WorkspaceQueueName: "dev_queue",
				ResourceSpec: &sparkwire.EditWorkspaceQueueRequestResourceSpec{Cu: i64p(4), MaxCu: i64p(8)}, Environments: []string{"dev"},
			}
		}},
		{product: sp, action: "StartJobRun", req: func(*fixture) any {
			r := sparkPiJob(ws, "conformance-pi")
			r.ClientToken = "conformance-jr-1"
			r.Tags = []sparkwire.Tag{{Key: "workflowId", Value: "wf-1"}}
			r.ExecutionTimeoutSeconds = i64p(3600)
			r.Fusion = dara.Bool(false)
			r.ConfigurationOverrides = &sparkwire.StartJobRunRequestConfigurationOverrides{Configurations: []sparkwire.StartJobRunRequestConfigurationOverridesConfigurationsItem{
				{ConfigFileName: "common.conf", ConfigItemKey: "hive.metastore.type", ConfigItemValue: "USER_RDS"},
			}}
			return r
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.StartJobRunResponse
			decodeInto(t, body, &resp)
			f.spark.jobRun = resp.JobRunId
		}},
		{product: sp, action: "GetJobRun", req: func(f *fixture) any {
			return &sparkwire.GetJobRunRequest{WorkspaceId: ws, JobRunId: f.spark.jobRun, RegionId: region}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.GetJobRunResponse
			decodeInto(t, body, &resp)
			f.spark.logFile = resp.JobRun.Log.DriverStdOut
		}},
		{product: sp, action: "ListJobRuns", req: func(f *fixture) any {
			now := time.Now().Add(time.Hour).UnixMilli()
			return &sparkwire.ListJobRunsRequest{
				WorkspaceId: ws, RegionId: region, States: []string{"Success"}, Name: "conformance", ResourceQueueId: "root_queue",
				StartTime: &sparkwire.ListJobRunsRequestStartTime{StartTime: i64p(0), EndTime: i64p(now)},
				Tags:      []sparkwire.ListJobRunsRequestTagsItem{{Key: "workflowId", Value: "wf-1"}}, MaxResults: i64p(20),
			}
		}},
		{product: sp, action: "ListJobExecutors", req: func(f *fixture) any {
			return &sparkwire.ListJobExecutorsRequest{WorkspaceId: ws, JobRunId: f.spark.jobRun, RegionId: region, ExecutorType: "executor", MaxResults: i64p(10)}
		}},
		{product: sp, action: "GetRunConfiguration", req: func(f *fixture) any {
			return &sparkwire.GetRunConfigurationRequest{WorkspaceId: ws, RunId: f.spark.jobRun, RegionId: region}
		}},
		{product: sp, action: "ListLogContents", req: func(f *fixture) any {
			return &sparkwire.ListLogContentsRequest{WorkspaceId: ws, RegionId: region, FileName: f.spark.logFile, Offset: i64p(0), Length: i64p(9999)}
		}},
		{product: sp, action: "GetCuHours", req: func(*fixture) any {
			day := time.Now().In(sparkZone)
			return &sparkwire.GetCuHoursRequest{WorkspaceId: ws, Queue: "root_queue", StartTime: day.Add(-24 * time.Hour).Format(sparkTimeLayout), EndTime: day.Add(time.Hour).Format(sparkTimeLayout)}
		}},
		{product: sp, action: "StartJobRun", req: func(*fixture) any {
			r := sparkPiJob(ws, "conformance-stream")
			r.JobDriver.SparkSubmit = &sparkwire.JobDriverSparkSubmit{EntryPoint: streamingJar, SparkSubmitParameters: "--class com.example.StreamingApp"}
			return r
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.StartJobRunResponse
			decodeInto(t, body, &resp)
			f.spark.streamRun = resp.JobRunId
		}},
		{product: sp, action: "CancelJobRun", req: func(f *fixture) any {
			return &sparkwire.CancelJobRunRequest{WorkspaceId: ws, JobRunId: f.spark.streamRun, RegionId: region}
		}},
		{product: sp, action: "CreateKyuubiService", req: func(*fixture) any {
			return &sparkwire.CreateKyuubiServiceRequest{
				WorkspaceId: ws, Name: "conformance-kyuubi", Queue: "dev_queue", ReleaseVersion: esrRelease, ComputeInstance: "2c8g",
				PublicEndpointEnabled: dara.Bool(true), Replica: i64p(2), KyuubiConfigs: "kyuubi.session.idle.timeout=PT1H",
				SparkConfigs: "spark.executor.memory=20g;spark.executor.cores=4", KyuubiReleaseVersion: defaultKyuubiRelease,
			}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateKyuubiServiceResponse
			decodeInto(t, body, &resp)
			f.spark.kyuubi = resp.Data.KyuubiServiceId
		}},
		{product: sp, action: "StartKyuubiService", req: func(f *fixture) any {
			return &sparkwire.StartKyuubiServiceRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi}
		}},
		{product: sp, action: "GetKyuubiService", req: func(f *fixture) any {
			return &sparkwire.GetKyuubiServiceRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi}
		}},
		{product: sp, action: "ListKyuubiServices", req: func(*fixture) any { return &sparkwire.ListKyuubiServicesRequest{WorkspaceId: ws} }},
		{product: sp, action: "UpdateKyuubiService", req: func(f *fixture) any {
			return &sparkwire.UpdateKyuubiServiceRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, Name: "conformance-kyuubi", Queue: "root_queue", Restart: dara.Bool(true)}
		}},
		{product: sp, action: "CreateKyuubiToken", req: func(f *fixture) any {
			return &sparkwire.CreateKyuubiTokenRequest{
				WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, RegionId: region, Name: "conformance-token", Token: goodToken,
				AutoExpireConfiguration: &sparkwire.CreateKyuubiTokenRequestAutoExpireConfiguration{Enable: dara.Bool(true), ExpireDays: i64p(30)},
				MemberArns:              []string{"acs:ram::" + sandboxUID + ":user/alice"},
			}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateKyuubiTokenResponse
			decodeInto(t, body, &resp)
			f.spark.token = resp.Data.TokenId
		}},
		{product: sp, action: "GetKyuubiToken", req: func(f *fixture) any {
			return &sparkwire.GetKyuubiTokenRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, TokenId: f.spark.token, RegionId: region}
		}},
		{product: sp, action: "ListKyuubiToken", req: func(f *fixture) any {
			return &sparkwire.ListKyuubiTokenRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, RegionId: region}
		}},
		{product: sp, action: "UpdateKyuubiToken", req: func(f *fixture) any {
			return &sparkwire.UpdateKyuubiTokenRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, TokenId: f.spark.token, RegionId: region, Name: "renamed"}
		}},
		{product: sp, action: "DeleteKyuubiToken", req: func(f *fixture) any {
			return &sparkwire.DeleteKyuubiTokenRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi, TokenId: f.spark.token, RegionId: region}
		}},
		{product: sp, action: "ListKyuubiSparkApplications", req: func(*fixture) any {
			return &sparkwire.ListKyuubiSparkApplicationsRequest{
				WorkspaceId: ws, KyuubiServiceId: seedKyuubiID, States: `["RUNNING","TERMINATED"]`, MaxResults: i64p(10), Sort: "asc",
				StartTime: &sparkwire.ListKyuubiSparkApplicationsRequestStartTime{StartTime: i64p(0)},
			}
		}},
		{product: sp, action: "CancelKyuubiSparkApplication", req: func(*fixture) any {
			return &sparkwire.CancelKyuubiSparkApplicationRequest{WorkspaceId: ws, KyuubiServiceId: seedKyuubiID, ApplicationId: seedRunningApp, RegionId: region}
		}},
		{product: sp, action: "StopKyuubiService", req: func(f *fixture) any {
			return &sparkwire.StopKyuubiServiceRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi}
		}},
		{product: sp, action: "DeleteKyuubiService", req: func(f *fixture) any {
			return &sparkwire.DeleteKyuubiServiceRequest{WorkspaceId: ws, KyuubiServiceId: f.spark.kyuubi}
		}},
		{product: sp, action: "CreateSessionCluster", req: func(*fixture) any {
			return &sparkwire.CreateSessionClusterRequest{
				WorkspaceId: ws, RegionId: region, Name: "conformance-session", QueueName: "dev_queue", Kind: "SQL", ReleaseVersion: esrRelease,
				ClientToken: "conformance-sc-1", Fusion: dara.Bool(false), PublicEndpointEnabled: dara.Bool(false),
				AutoStopConfiguration: &sparkwire.CreateSessionClusterRequestAutoStopConfiguration{Enable: dara.Bool(true), IdleTimeoutMinutes: i64p(30)},
				ApplicationConfigs:    []sparkwire.CreateSessionClusterRequestApplicationConfigsItem{{ConfigFileName: "spark-defaults.conf", ConfigItemKey: "spark.app.name", ConfigItemValue: "conformance"}},
			}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateSessionClusterResponse
			decodeInto(t, body, &resp)
			f.spark.session = resp.SessionClusterId
		}},
		{product: sp, action: "StartSessionCluster", req: func(f *fixture) any {
			return &sparkwire.StartSessionClusterRequest{WorkspaceId: ws, RegionId: region, SessionClusterId: f.spark.session, QueueName: "dev_queue"}
		}},
		{product: sp, action: "GetSessionCluster", req: func(f *fixture) any {
			return &sparkwire.GetSessionClusterRequest{WorkspaceId: ws, SessionClusterId: f.spark.session, RegionId: region}
		}},
		{product: sp, action: "ListSessionClusters", req: func(*fixture) any {
			return &sparkwire.ListSessionClustersRequest{WorkspaceId: ws, RegionId: region, Kind: "SQL", QueueName: "dev_queue", MaxResults: i64p(10)}
		}},
		{product: sp, action: "CreateSqlStatement", req: func(f *fixture) any {
			return &sparkwire.CreateSqlStatementRequest{WorkspaceId: ws, RegionId: region, SqlComputeId: f.spark.session, CodeContent: "SELECT 1 AS test_value", DefaultDatabase: "default", Limit: i64p(100)}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateSqlStatementResponse
			decodeInto(t, body, &resp)
			f.spark.statement = resp.Data.StatementId
		}},
		{product: sp, action: "GetSqlStatement", req: func(f *fixture) any {
			return &sparkwire.GetSqlStatementRequest{WorkspaceId: ws, StatementId: f.spark.statement, RegionId: region}
		}, after: func(t *testing.T, h *harness, f *fixture, body map[string]any) {
			var resp sparkwire.GetSqlStatementResponse
			decodeInto(t, body, &resp)
			if len(resp.Data.SqlOutputs) != 1 {
				t.Fatalf("GetSqlStatement: got %d outputs, want 1", len(resp.Data.SqlOutputs))
			}
			f.spark.resultFile = resp.Data.SqlOutputs[0].RowsFilePath
			// The next statement must still run when it is terminated.
			h.srv.Clock().SetSpeed(SpeedRealistic)
		}},
		{product: sp, action: "CreateSqlStatement", req: func(f *fixture) any {
			return &sparkwire.CreateSqlStatementRequest{WorkspaceId: ws, RegionId: region, SqlComputeId: f.spark.session, CodeContent: "SELECT * FROM sample_orders"}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp sparkwire.CreateSqlStatementResponse
			decodeInto(t, body, &resp)
			f.spark.slowStatement = resp.Data.StatementId
		}},
		{product: sp, action: "TerminateSqlStatement", req: func(f *fixture) any {
			return &sparkwire.TerminateSqlStatementRequest{WorkspaceId: ws, StatementId: f.spark.slowStatement, RegionId: region}
		}, after: func(_ *testing.T, h *harness, _ *fixture, _ map[string]any) {
			h.srv.Clock().SetSpeed(SpeedInstant)
		}},
		{product: sp, action: "StopSessionCluster", req: func(f *fixture) any {
			return &sparkwire.StopSessionClusterRequest{WorkspaceId: ws, RegionId: region, SessionClusterId: f.spark.session}
		}},
		{product: sp, action: "ListSqlStatementContents", req: func(f *fixture) any {
			return &sparkwire.ListSqlStatementContentsRequest{WorkspaceId: ws, FileName: f.spark.resultFile, MaxResults: i64p(100)}
		}},
		{product: sp, action: "DeleteSessionCluster", req: func(f *fixture) any {
			return &deleteSessionClusterRequest{WorkspaceId: ws, SessionClusterId: f.spark.session}
		}},
	}
}
