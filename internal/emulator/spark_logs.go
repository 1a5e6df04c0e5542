package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Driver logs of job runs (ListLogContents). They are written to OSS when
// a run ends; their lines are derived from the run, so they read the same
// on every call.

var driverLogFiles = []string{"stdout.log", "stderr.log", "syslog.log", "startup.log"}

func listLogContents(c *call, w *World) (any, error) {
	var req sparkwire.ListLogContentsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := required("fileName", req.FileName); err != nil {
		return nil, err
	}
	if req.Offset == nil || req.Length == nil {
		return nil, errMissing("MissingParameter", "offset and length are mandatory: pass the first line (0) and the number of lines (for example 9999)")
	}
	if *req.Offset < 0 || *req.Length < 0 {
		return nil, errInvalidParameter("offset and length must be 0 or more, got %d and %d", *req.Offset, *req.Length)
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	lines, err := logFile(w, ws, req.FileName, c.now)
	if err != nil {
		return nil, err
	}
	start := min(int(*req.Offset), len(lines))
	end := min(start+int(*req.Length), len(lines))
	out := &sparkwire.ListLogContentsResponseListLogContent{
		TotalLength: ptr(int64(len(lines))), Contents: []sparkwire.ListLogContentsResponseListLogContentContentsItem{},
	}
	for _, l := range lines[start:end] {
		out.Contents = append(out.Contents, sparkwire.ListLogContentsResponseListLogContentContentsItem{LineContent: l + "\n"})
	}
	return &sparkwire.ListLogContentsResponse{ListLogContent: out, RequestId: c.requestID}, nil
}

// logFile reads oss://<bucket>/<workspace>/spark/logs/<run>/driver/<file>.
func logFile(w *World, ws *workspaceRec, name string, now time.Time) ([]string, error) {
	bucket, key, err := ossPath(name)
	if err != nil {
		return nil, errInvalidParameter("fileName: %v", err)
	}
	parts := strings.Split(key, "/")
	notFound := errNotFound("ResourceNotFound", "the log file %s does not exist; take the path from the log field of GetJobRun once the run has ended", name)
	if bucket != ws.Bucket || len(parts) != 6 || parts[0] != ws.ID || parts[1] != "spark" || parts[2] != "logs" || parts[4] != "driver" {
		return nil, notFound
	}
	j, ok := w.JobRuns.Get(parts[3])
	if !ok || j.WorkspaceID != ws.ID {
		return nil, notFound
	}
	state := jobState(j, now)
	if !jobEnded(state) {
		return nil, errNotFound("ResourceNotFound", "the logs of job run %s are written to OSS when it ends (it is %s); while it runs, read them in the Spark UI (the log field of GetJobRun)", j.ID, state)
	}
	if j.NoLogs {
		return nil, errNotFound("ResourceNotFound", "job run %s failed before its driver started, so it wrote no logs; GetJobRun's stateChangeReason says why", j.ID)
	}
	switch parts[5] {
	case "stdout.log":
		return j.Stdout, nil
	case "stderr.log":
		return stderrLines(ws, j, state), nil
	case "syslog.log":
		return syslogLines(ws, j), nil
	case "startup.log":
		return startupLines(j), nil
	}
	return nil, errNotFound("ResourceNotFound", "the log file %s does not exist; a driver writes %s", name, strings.Join(driverLogFiles, ", "))
}

// log4j writes Spark's log lines: yy/MM/dd HH:mm:ss LEVEL Class: message.
func log4j(t time.Time, level, class, msg string) string {
	return fmt.Sprintf("%s %s %s: %s", t.In(sparkZone).Format("06/01/02 15:04:05"), level, class, msg)
}

func stderrLines(ws *workspaceRec, j *jobRunRec, state string) []string {
	t := j.RunningAt
	rel := j.Release
	spark := rel
	if i := strings.Index(rel, "Spark "); i >= 0 {
		spark = strings.SplitN(rel[i+6:], ",", 2)[0]
	}
	lines := []string{
		log4j(t, "INFO", "SparkContext", "Running Spark version "+spark),
		log4j(t, "INFO", "SparkContext", "Submitted application: "+j.Name),
		log4j(t, "INFO", "ResourceProfile", fmt.Sprintf("Default ResourceProfile created, executor resources: cores %g, memory %gg; driver: cores %g, memory %gg", j.Spec.ExecutorCores, j.Spec.ExecutorMemGiB, j.Spec.DriverCores, j.Spec.DriverMemGiB)),
		log4j(t, "INFO", "Utils", "Successfully started service 'sparkDriver' on port 7078."),
		log4j(t, "INFO", "KubernetesClusterSchedulerBackend", fmt.Sprintf("Requesting %d executors in queue %s of workspace %s", j.Spec.Executors, j.Queue, ws.ID)),
	}
	end := jobEnd(j)
	switch state {
	case jrFailed:
		lines = append(lines,
			log4j(end, "ERROR", "SparkSubmit", j.FailMessage),
			log4j(end, "INFO", "ShutdownHookManager", "Shutdown hook called"))
	case jrCancelled:
		lines = append(lines,
			log4j(j.CancelAt, "WARN", "SparkContext", "Cancelling all jobs: the job run was cancelled"),
			log4j(end, "INFO", "SparkContext", "Successfully stopped SparkContext"))
	default:
		lines = append(lines,
			log4j(end, "INFO", "DAGScheduler", "Job 0 finished"),
			log4j(end, "INFO", "SparkContext", "Successfully stopped SparkContext"))
	}
	return lines
}

func syslogLines(ws *workspaceRec, j *jobRunRec) []string {
	return []string{
		log4j(j.SubmittedAt, "INFO", "JobRunController", fmt.Sprintf("job run %s submitted to queue %s (%g CU)", j.ID, j.Queue, j.CU)),
		log4j(j.PendingAt, "INFO", "JobRunController", "waiting for resources"),
		log4j(j.RunningAt, "INFO", "JobRunController", fmt.Sprintf("driver pod %s-driver started in workspace %s", j.ID, ws.ID)),
		log4j(jobEnd(j), "INFO", "JobRunController", "job run "+j.ID+" finished"),
	}
}

func startupLines(j *jobRunRec) []string {
	return []string{
		log4j(j.RunningAt, "INFO", "Launcher", "Downloading "+j.EntryPoint),
		log4j(j.RunningAt, "INFO", "Launcher", fmt.Sprintf("Starting the driver: %g cores, %gg memory", j.Spec.DriverCores, j.Spec.DriverMemGiB)),
	}
}
