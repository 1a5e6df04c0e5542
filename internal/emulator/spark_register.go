package emulator

import "github.com/emrctl/emrctl/internal/contract"

// registerSpark installs the Serverless Spark actions. DeleteWorkspace is
// not among them: it is not in the SDK, and the skill forbids it, so a
// call to it is answered like any unknown action.
func registerSpark(s *Server) error {
	for _, h := range []struct {
		name  string
		write bool
		fn    handlerFunc
	}{
		{"CreateWorkspace", true, createWorkspace},
		{"ListWorkspaces", false, listWorkspaces},
		{"UpdateWorkspace", true, updateWorkspace},
		{"ListWorkspaceQueues", false, listWorkspaceQueues},
		{"EditWorkspaceQueue", true, editWorkspaceQueue},
		{"ListReleaseVersions", false, listSparkReleaseVersions},
		{"StartJobRun", true, startJobRun},
		{"GetJobRun", false, getJobRun},
		{"ListJobRuns", false, listJobRuns},
		{"CancelJobRun", true, cancelJobRun},
		{"ListLogContents", false, listLogContents},
		{"ListJobExecutors", false, listJobExecutors},
		{"GetRunConfiguration", false, getRunConfiguration},
		{"GetCuHours", false, getCuHours},
		{"CreateKyuubiService", true, createKyuubiService},
		{"GetKyuubiService", false, getKyuubiService},
		{"ListKyuubiServices", false, listKyuubiServices},
		{"StartKyuubiService", true, startKyuubiService},
		{"StopKyuubiService", true, stopKyuubiService},
		{"UpdateKyuubiService", true, updateKyuubiService},
		{"DeleteKyuubiService", true, deleteKyuubiService},
		{"CreateKyuubiToken", true, createKyuubiToken},
		{"GetKyuubiToken", false, getKyuubiToken},
		{"ListKyuubiToken", false, listKyuubiToken},
		{"UpdateKyuubiToken", true, updateKyuubiToken},
		{"DeleteKyuubiToken", true, deleteKyuubiToken},
		{"ListKyuubiSparkApplications", false, listKyuubiSparkApplications},
		{"CancelKyuubiSparkApplication", true, cancelKyuubiSparkApplication},
		{"CreateSessionCluster", true, createSessionCluster},
		{"GetSessionCluster", false, getSessionCluster},
		{"ListSessionClusters", false, listSessionClusters},
		{"StartSessionCluster", true, startSessionCluster},
		{"StopSessionCluster", true, stopSessionCluster},
		{"CreateSqlStatement", true, createSqlStatement},
		{"GetSqlStatement", false, getSqlStatement},
		{"TerminateSqlStatement", true, terminateSqlStatement},
		{"ListSqlStatementContents", false, listSqlStatementContents},
	} {
		if err := s.handle(contract.Spark, h.name, h.write, h.fn); err != nil {
			return err
		}
	}
	s.route(sparkSpec(), deleteSessionClusterAction(), true, deleteSessionCluster)
	return nil
}
