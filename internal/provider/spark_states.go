package provider

import "slices"

// Workspace states (workspaceStatus). A workspace is STARTING for 1-3
// minutes after CreateWorkspace; queues and jobs wait for RUNNING.
const (
	SparkWorkspaceStarting    = "STARTING"
	SparkWorkspaceRunning     = "RUNNING"
	SparkWorkspaceTerminating = "TERMINATING"
	SparkWorkspaceTerminated  = "TERMINATED"
)

// Job run states: Submitted, Pending, Running, then Success or Failed;
// CancelJobRun moves a Running run to Cancelling, then Cancelled.
const (
	SparkRunSubmitted  = "Submitted"
	SparkRunPending    = "Pending"
	SparkRunRunning    = "Running"
	SparkRunSuccess    = "Success"
	SparkRunFailed     = "Failed"
	SparkRunCancelling = "Cancelling"
	SparkRunCancelled  = "Cancelled"
)

// Kyuubi service states. NOT_STARTED is also the state of a stopped
// service; TERMINATING is a service being stopped.
const (
	SparkKyuubiNotStarted  = "NOT_STARTED"
	SparkKyuubiStarting    = "STARTING"
	SparkKyuubiRunning     = "RUNNING"
	SparkKyuubiTerminating = "TERMINATING"
)

// Kyuubi application states.
const (
	SparkAppStarting   = "STARTING"
	SparkAppRunning    = "RUNNING"
	SparkAppTerminated = "TERMINATED"
)

// Session cluster states: the contract's, plus NotStarted from the
// reference (a session created and never started).
const (
	SparkSessionNotStarted = "NotStarted"
	SparkSessionStarting   = "Starting"
	SparkSessionRunning    = "Running"
	SparkSessionStopping   = "Stopping"
	SparkSessionStopped    = "Stopped"
	SparkSessionError      = "Error"
)

// SQL statement states.
const (
	SparkStatementWaiting   = "waiting"
	SparkStatementRunning   = "running"
	SparkStatementAvailable = "available"
	SparkStatementError     = "error"
	SparkStatementCancelled = "cancelled"
)

// Job code types (codeType, required by StartJobRun).
const (
	SparkCodeJAR    = "JAR"
	SparkCodePython = "PYTHON"
	SparkCodeSQL    = "SQL"
)

// Session cluster kinds.
const (
	SparkSessionSQL      = "SQL"
	SparkSessionNotebook = "NOTEBOOK"
)

// Workspace billing methods, in emrctl's words (the API says "Pre" for
// Subscription).
const (
	SparkPayAsYouGo = "PayAsYouGo"
	SparkPrepaid    = "Subscription"
)

// SparkWorkspaceStates lists the workspace states in lifecycle order.
func SparkWorkspaceStates() []string {
	return []string{SparkWorkspaceStarting, SparkWorkspaceRunning, SparkWorkspaceTerminating, SparkWorkspaceTerminated}
}

// SparkJobRunStates lists the job run states in lifecycle order.
func SparkJobRunStates() []string {
	return []string{SparkRunSubmitted, SparkRunPending, SparkRunRunning, SparkRunSuccess, SparkRunFailed, SparkRunCancelling, SparkRunCancelled}
}

// SparkKyuubiStates lists the Kyuubi service states in lifecycle order.
func SparkKyuubiStates() []string {
	return []string{SparkKyuubiNotStarted, SparkKyuubiStarting, SparkKyuubiRunning, SparkKyuubiTerminating}
}

// SparkAppStates lists the Kyuubi application states.
func SparkAppStates() []string {
	return []string{SparkAppStarting, SparkAppRunning, SparkAppTerminated}
}

// SparkSessionStates lists the session cluster states in lifecycle order.
func SparkSessionStates() []string {
	return []string{SparkSessionNotStarted, SparkSessionStarting, SparkSessionRunning, SparkSessionStopping, SparkSessionStopped, SparkSessionError}
}

// SparkStatementStates lists the SQL statement states.
func SparkStatementStates() []string {
	return []string{SparkStatementWaiting, SparkStatementRunning, SparkStatementAvailable, SparkStatementError, SparkStatementCancelled}
}

// SparkCodeTypes lists the job code types.
func SparkCodeTypes() []string { return []string{SparkCodeJAR, SparkCodePython, SparkCodeSQL} }

// Finished reports whether a run ended (Success, Failed or Cancelled).
func (r SparkJobRun) Finished() bool {
	return slices.Contains([]string{SparkRunSuccess, SparkRunFailed, SparkRunCancelled}, r.State)
}

// Cancellable reports whether CancelJobRun may be sent: the reference's
// pre-check is that the run is Running.
func (r SparkJobRun) Cancellable() bool { return r.State == SparkRunRunning }

// Deletable reports whether DeleteKyuubiService may be sent: the service
// must be NOT_STARTED (stopped). Running applications are a separate check.
func (k SparkKyuubiService) Deletable() bool { return k.State == SparkKyuubiNotStarted }

// Deletable reports whether DeleteSessionCluster may be sent: the session
// must be stopped (or never started).
func (s SparkSession) Deletable() bool {
	return s.State == SparkSessionStopped || s.State == SparkSessionNotStarted
}

// Running reports whether a Kyuubi application is starting or running (a
// query it would abort).
func (a SparkKyuubiApp) Running() bool {
	return a.State == SparkAppStarting || a.State == SparkAppRunning
}

// SparkWorkspaceWait waits for a new workspace to be RUNNING.
func SparkWorkspaceWait() WaitSpec {
	return WaitSpec{
		Pending: []string{SparkWorkspaceStarting},
		Target:  []string{SparkWorkspaceRunning},
		Failed:  []string{SparkWorkspaceTerminating, SparkWorkspaceTerminated},
	}
}

// SparkJobRunWait declares a wait for a job run: "" or Success waits for
// it to end (Failed and Cancelled fail the wait, with the run's reason);
// Running waits for it to start (a run that already succeeded has
// started); Cancelled follows a cancel.
func SparkJobRunWait(target string) WaitSpec {
	switch target {
	case "", SparkRunSuccess:
		return WaitSpec{
			Pending: []string{SparkRunSubmitted, SparkRunPending, SparkRunRunning, SparkRunCancelling},
			Target:  []string{SparkRunSuccess},
			Failed:  []string{SparkRunFailed, SparkRunCancelled},
		}
	case SparkRunRunning:
		return WaitSpec{
			Pending: []string{SparkRunSubmitted, SparkRunPending},
			Target:  []string{SparkRunRunning, SparkRunSuccess},
			Failed:  []string{SparkRunFailed, SparkRunCancelling, SparkRunCancelled},
		}
	case SparkRunCancelled:
		return WaitSpec{
			Pending: []string{SparkRunSubmitted, SparkRunPending, SparkRunRunning, SparkRunCancelling},
			Target:  []string{SparkRunCancelled},
			Failed:  []string{SparkRunSuccess, SparkRunFailed},
		}
	}
	return WaitSpec{Target: []string{target}}
}

// SparkKyuubiWait declares a wait for a Kyuubi service: RUNNING after a
// start (it may still show NOT_STARTED right after the call), NOT_STARTED
// after a stop.
func SparkKyuubiWait(target string) WaitSpec {
	switch target {
	case "", SparkKyuubiRunning:
		return WaitSpec{
			Pending: []string{SparkKyuubiNotStarted, SparkKyuubiStarting},
			Target:  []string{SparkKyuubiRunning},
			Failed:  []string{SparkKyuubiTerminating},
		}
	case SparkKyuubiNotStarted:
		return WaitSpec{
			Pending: []string{SparkKyuubiRunning, SparkKyuubiStarting, SparkKyuubiTerminating},
			Target:  []string{SparkKyuubiNotStarted},
		}
	}
	return WaitSpec{Target: []string{target}}
}

// SparkSessionWait declares a wait for a session cluster: Running after a
// start (it may still show NotStarted or Stopped right after the call),
// Stopped after a stop.
func SparkSessionWait(target string) WaitSpec {
	switch target {
	case "", SparkSessionRunning:
		return WaitSpec{
			Pending: []string{SparkSessionNotStarted, SparkSessionStopped, SparkSessionStarting},
			Target:  []string{SparkSessionRunning},
			Failed:  []string{SparkSessionError, SparkSessionStopping},
		}
	case SparkSessionStopped:
		return WaitSpec{
			Pending: []string{SparkSessionRunning, SparkSessionStarting, SparkSessionStopping},
			Target:  []string{SparkSessionStopped},
			Failed:  []string{SparkSessionError},
		}
	}
	return WaitSpec{Target: []string{target}}
}

// SparkStatementWait waits for a SQL statement's results.
func SparkStatementWait() WaitSpec {
	return WaitSpec{
		Pending: []string{SparkStatementWaiting, SparkStatementRunning},
		Target:  []string{SparkStatementAvailable},
		Failed:  []string{SparkStatementError, SparkStatementCancelled},
	}
}
