package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// The executors and the run configuration of a job run.

func listJobExecutors(c *call, w *World) (any, error) {
	var req sparkwire.ListJobExecutorsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	j, err := c.jobRun(w, ws, req.JobRunId)
	if err != nil {
		return nil, err
	}
	var all []sparkwire.ListJobExecutorsResponseExexutorsItem
	for _, e := range executors(ws, j, c.now) {
		if (req.Status == "" || strings.EqualFold(req.Status, e.Status)) && (req.ExecutorType == "" || strings.EqualFold(req.ExecutorType, e.ExecutorType)) {
			all = append(all, e)
		}
	}
	pg, err := sparkPage(len(all), req.MaxResults, req.NextToken, 20, 100)
	if err != nil {
		return nil, err
	}
	return &sparkwire.ListJobExecutorsResponse{
		Exexutors:  append([]sparkwire.ListJobExecutorsResponseExexutorsItem{}, all[pg.start:pg.end]...),
		MaxResults: ptr(pg.max), NextToken: pg.next, RequestId: c.requestID, TotalCount: ptr(int64(len(all))),
	}, nil
}

// executors lists the driver and executors of a run that started: Active
// while it runs, Dead after. A run that never started has none.
func executors(ws *workspaceRec, j *jobRunRec, now time.Time) []sparkwire.ListJobExecutorsResponseExexutorsItem {
	state := jobState(j, now)
	if j.NoLogs || !reached(now, j.RunningAt) {
		return nil
	}
	status := "Active"
	if jobEnded(state) {
		status = "Dead"
	}
	ran := runInterval(j, j.RunningAt, now)
	mk := func(id, typ string, n int, cores, memGiB float64) sparkwire.ListJobExecutorsResponseExexutorsItem {
		tasks := int64(ran.Seconds()) * int64(cores) / 10
		active := int64(0)
		if status == "Active" {
			active = int64(cores)
		}
		return sparkwire.ListJobExecutorsResponseExexutorsItem{
			ExecutorId: id, ExecutorType: typ, Status: status, JobRunId: j.ID, WorkspaceId: ws.ID,
			HostPort: fmt.Sprintf("10.0.%d.%d:7078", n/250, n%250+10), AddTime: millis(j.RunningAt),
			TotalCores: ptr(int64(cores)), MaxMemory: ptr(int64(memGiB * (1 << 30))), MemoryUsed: ptr(int64(memGiB * (1 << 28))),
			DiskUsed: ptr(int64(0)), RddBlocks: ptr(int64(0)), ActiveTasks: ptr(active), CompletedTasks: ptr(tasks),
			FailedTasks: ptr(int64(0)), TotalTasks: ptr(tasks + active), TotalDuration: ptr(ran.Milliseconds()),
			TotalGCTime: ptr(ran.Milliseconds() / 50), TotalInputBytes: ptr(tasks * 1 << 20),
			TotalShuffleRead: ptr(tasks * 1 << 16), TotalShuffleWrite: ptr(tasks * 1 << 16),
		}
	}
	out := []sparkwire.ListJobExecutorsResponseExexutorsItem{mk("driver", "driver", 0, j.Spec.DriverCores, j.Spec.DriverMemGiB)}
	for i := 1; i <= j.Spec.Executors; i++ {
		out = append(out, mk(fmt.Sprint(i), "executor", i, j.Spec.ExecutorCores, j.Spec.ExecutorMemGiB))
	}
	return out
}

func getRunConfiguration(c *call, w *World) (any, error) {
	var req sparkwire.GetRunConfigurationRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	j, err := c.jobRun(w, ws, req.RunId)
	if err != nil {
		return nil, err
	}
	rc := &sparkwire.GetRunConfigurationResponseRunConfiguration{
		ApplicationConfigs: []sparkwire.GetRunConfigurationResponseRunConfigurationApplicationConfigsItem{},
		LogConfig:          &sparkwire.GetRunConfigurationResponseRunConfigurationLogConfig{LogLevel: "INFO", LogPath: strings.TrimSuffix(logDir(ws, j.ID), "driver/")},
		RuntimeConfigs: []sparkwire.Tag{
			{Key: "codeType", Value: j.CodeType}, {Key: "entryPoint", Value: j.EntryPoint},
			{Key: "entryPointArguments", Value: strings.Join(j.Args, " ")}, {Key: "releaseVersion", Value: j.Release},
			{Key: "resourceQueueId", Value: j.Queue},
		},
	}
	if cls := j.Spec.MainClass; cls != "" {
		rc.RuntimeConfigs = append(rc.RuntimeConfigs, sparkwire.Tag{Key: "mainClass", Value: cls})
	}
	for _, kv := range j.Spec.Conf {
		rc.ApplicationConfigs = append(rc.ApplicationConfigs, sparkwire.GetRunConfigurationResponseRunConfigurationApplicationConfigsItem{ConfigFileName: "spark-defaults.conf", ConfigItemKey: kv.Key, ConfigItemValue: kv.Value})
	}
	for _, o := range j.Overrides {
		rc.ApplicationConfigs = append(rc.ApplicationConfigs, sparkwire.GetRunConfigurationResponseRunConfigurationApplicationConfigsItem{ConfigFileName: o.ConfigFileName, ConfigItemKey: o.ConfigItemKey, ConfigItemValue: o.ConfigItemValue})
	}
	return &sparkwire.GetRunConfigurationResponse{RunConfiguration: rc, RequestId: c.requestID}, nil
}
