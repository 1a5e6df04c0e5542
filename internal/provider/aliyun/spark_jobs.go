package aliyun

import (
	"context"
	"slices"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// StartSparkJobRunRequest implements provider.SparkJobs.
func (p *Provider) StartSparkJobRunRequest(workspaceID string, in provider.SparkJobRunInput) any {
	return startJobRunRequest(p.Region(), workspaceID, in)
}

func startJobRunRequest(region, workspaceID string, in provider.SparkJobRunInput) *sparkwire.StartJobRunRequest {
	req := &sparkwire.StartJobRunRequest{
		WorkspaceId: workspaceID, RegionId: region, Name: in.Name, CodeType: in.CodeType,
		ResourceQueueId: in.Queue, ReleaseVersion: in.ReleaseVersion, Fusion: in.Fusion,
		ExecutionTimeoutSeconds: optInt(in.TimeoutSeconds), ClientToken: in.ClientToken,
		JobDriver: &sparkwire.JobDriver{SparkSubmit: &sparkwire.JobDriverSparkSubmit{
			EntryPoint: in.EntryPoint, EntryPointArguments: slices.Clone(in.Args), SparkSubmitParameters: in.SubmitParameters(),
		}},
	}
	if len(in.Configurations) > 0 {
		co := &sparkwire.StartJobRunRequestConfigurationOverrides{}
		for _, c := range in.Configurations {
			co.Configurations = append(co.Configurations, sparkwire.StartJobRunRequestConfigurationOverridesConfigurationsItem{ConfigFileName: c.File, ConfigItemKey: c.Key, ConfigItemValue: c.Value})
		}
		req.ConfigurationOverrides = co
	}
	for _, t := range in.Tags {
		req.Tags = append(req.Tags, sparkwire.Tag{Key: t.Key, Value: t.Value})
	}
	return req
}

// StartSparkJobRun implements provider.SparkJobs.
func (p *Provider) StartSparkJobRun(ctx context.Context, workspaceID string, in provider.SparkJobRunInput) (*provider.WriteResult, error) {
	var resp sparkwire.StartJobRunResponse
	if err := p.spark(ctx, "StartJobRun", startJobRunRequest(p.Region(), workspaceID, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.JobRunId}, RequestID: resp.RequestId}, nil
}

// GetSparkJobRun implements provider.SparkJobs.
func (p *Provider) GetSparkJobRun(ctx context.Context, workspaceID, runID string) (*provider.SparkJobRun, error) {
	var resp sparkwire.GetJobRunResponse
	if err := p.spark(ctx, "GetJobRun", &sparkwire.GetJobRunRequest{RegionId: p.Region(), WorkspaceId: workspaceID, JobRunId: runID}, &resp); err != nil {
		return nil, err
	}
	j := resp.JobRun
	if j == nil {
		return nil, notFound("GetJobRun", "JobRunNotFound", "job run "+runID)
	}
	run := jobRunOf(workspaceID, sparkwire.ListJobRunsResponseJobRunsItem{
		CodeType: j.CodeType, DisplayReleaseVersion: j.DisplayReleaseVersion, EndTime: j.EndTime,
		ExecutionTimeoutSeconds: j.ExecutionTimeoutSeconds, Fusion: j.Fusion, JobDriver: j.JobDriver, JobRunId: j.JobRunId,
		Log: j.Log, Name: j.Name, ReleaseVersion: j.ReleaseVersion, ResourceQueueId: j.ResourceQueueId, State: j.State,
		SubmitTime: j.SubmitTime, Tags: j.Tags, WebUI: j.WebUI, WorkspaceId: j.WorkspaceId, Creator: j.ResourceOwnerId,
	})
	if r := j.StateChangeReason; r != nil {
		run.StateReason = reasonOf(r.Code, r.Message)
	}
	if co := j.ConfigurationOverrides; co != nil {
		run.Configurations = configsOf(co.Configurations)
	}
	return &run, nil
}

func jobRunOf(workspaceID string, j sparkwire.ListJobRunsResponseJobRunsItem) provider.SparkJobRun {
	out := provider.SparkJobRun{
		WorkspaceID: orDefault(j.WorkspaceId, workspaceID), ID: j.JobRunId, Name: j.Name,
		State: canonical(j.State, provider.SparkJobRunStates()), CodeType: j.CodeType, Queue: j.ResourceQueueId,
		ReleaseVersion: j.ReleaseVersion, DisplayReleaseVersion: j.DisplayReleaseVersion, Fusion: boolv(j.Fusion),
		TimeoutSeconds: i64(j.ExecutionTimeoutSeconds), Creator: j.Creator, WebUI: j.WebUI, CUHours: f64(j.CuHours),
		VcoreSeconds: i64v(j.VcoreSeconds), MBSeconds: i64v(j.MbSeconds),
		SubmitTime: fromMillis(j.SubmitTime), EndTime: fromMillis(j.EndTime),
	}
	if d := j.JobDriver; d != nil && d.SparkSubmit != nil {
		out.EntryPoint, out.Args, out.SubmitParameters = d.SparkSubmit.EntryPoint, d.SparkSubmit.EntryPointArguments, d.SparkSubmit.SparkSubmitParameters
	}
	if l := j.Log; l != nil {
		out.Log = provider.SparkRunLog{Stdout: l.DriverStdOut, Stderr: l.DriverStdError, Syslog: l.DriverSyslog, Startup: l.DriverStartup}
	}
	if r := j.StateChangeReason; r != nil {
		out.StateReason = reasonOf(r.Code, r.Message)
	}
	if co := j.ConfigurationOverrides; co != nil {
		out.Configurations = configsOf(co.Configurations)
	}
	for _, t := range j.Tags {
		out.Tags = append(out.Tags, provider.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func configsOf(cs []sparkwire.Configuration) []provider.SparkConfigItem {
	var out []provider.SparkConfigItem
	for _, c := range cs {
		out = append(out, provider.SparkConfigItem{File: c.ConfigFileName, Key: c.ConfigItemKey, Value: c.ConfigItemValue})
	}
	return out
}

// ListSparkJobRuns implements provider.SparkJobs: one page.
func (p *Provider) ListSparkJobRuns(ctx context.Context, workspaceID string, f provider.SparkJobRunFilter, token string, size int) (*provider.Page[provider.SparkJobRun], error) {
	var resp sparkwire.ListJobRunsResponse
	if err := p.spark(ctx, "ListJobRuns", listJobRunsRequest(p.Region(), workspaceID, f, token, size), &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.SparkJobRun]{NextToken: resp.NextToken, Total: i64(resp.TotalCount), Items: make([]provider.SparkJobRun, 0, len(resp.JobRuns))}
	for _, j := range resp.JobRuns {
		page.Items = append(page.Items, jobRunOf(workspaceID, j))
	}
	return page, nil
}

func listJobRunsRequest(region, workspaceID string, f provider.SparkJobRunFilter, token string, size int) *sparkwire.ListJobRunsRequest {
	req := &sparkwire.ListJobRunsRequest{
		RegionId: region, WorkspaceId: workspaceID, JobRunId: f.ID, Name: f.Name, Creator: f.Creator,
		ResourceQueueId: f.Queue, States: f.States, NextToken: token, MaxResults: pageSize(size),
	}
	if !f.StartedAfter.IsZero() || !f.StartedBefore.IsZero() {
		req.StartTime = &sparkwire.ListJobRunsRequestStartTime{StartTime: millisOf(f.StartedAfter), EndTime: millisOf(f.StartedBefore)}
	}
	if !f.EndedAfter.IsZero() || !f.EndedBefore.IsZero() {
		req.EndTime = &sparkwire.ListJobRunsRequestEndTime{StartTime: millisOf(f.EndedAfter), EndTime: millisOf(f.EndedBefore)}
	}
	if f.MinDuration > 0 {
		req.MinDuration = ptr(f.MinDuration.Milliseconds())
	}
	for _, t := range f.Tags {
		req.Tags = append(req.Tags, sparkwire.ListJobRunsRequestTagsItem{Key: t.Key, Value: t.Value})
	}
	return req
}

// CancelSparkJobRunRequest implements provider.SparkJobs.
func (p *Provider) CancelSparkJobRunRequest(workspaceID, runID string) any {
	return &sparkwire.CancelJobRunRequest{RegionId: p.Region(), WorkspaceId: workspaceID, JobRunId: runID}
}

// CancelSparkJobRun implements provider.SparkJobs.
func (p *Provider) CancelSparkJobRun(ctx context.Context, workspaceID, runID string) (*provider.WriteResult, error) {
	var resp sparkwire.CancelJobRunResponse
	if err := p.spark(ctx, "CancelJobRun", p.CancelSparkJobRunRequest(workspaceID, runID), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{orDefault(resp.JobRunId, runID)}, RequestID: resp.RequestId}, nil
}

// SparkLog implements provider.SparkJobs. Offset and length are always
// sent: the service fails without them though it documents them optional.
func (p *Provider) SparkLog(ctx context.Context, q provider.SparkLogQuery) (*provider.SparkLogContent, error) {
	req := &sparkwire.ListLogContentsRequest{
		RegionId: p.Region(), WorkspaceId: q.WorkspaceID, FileName: q.File, Offset: ptr(int64(q.Offset)), Length: ptr(int64(q.Length)),
	}
	var resp sparkwire.ListLogContentsResponse
	if err := p.spark(ctx, "ListLogContents", req, &resp); err != nil {
		return nil, err
	}
	out := &provider.SparkLogContent{File: q.File, Offset: q.Offset, Lines: []string{}}
	if l := resp.ListLogContent; l != nil {
		out.TotalLines = i64(l.TotalLength)
		for _, c := range l.Contents {
			out.Lines = append(out.Lines, c.LineContent)
		}
	}
	return out, nil
}

// ListSparkExecutors implements provider.SparkJobs: one page.
func (p *Provider) ListSparkExecutors(ctx context.Context, workspaceID, runID string, f provider.SparkExecutorFilter, token string, size int) (*provider.Page[provider.SparkExecutor], error) {
	req := &sparkwire.ListJobExecutorsRequest{
		RegionId: p.Region(), WorkspaceId: workspaceID, JobRunId: runID, Status: f.Status, ExecutorType: f.Type,
		NextToken: token, MaxResults: pageSize(size),
	}
	var resp sparkwire.ListJobExecutorsResponse
	if err := p.spark(ctx, "ListJobExecutors", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.SparkExecutor]{NextToken: resp.NextToken, Total: i64(resp.TotalCount), Items: make([]provider.SparkExecutor, 0, len(resp.Exexutors))}
	for _, e := range resp.Exexutors {
		page.Items = append(page.Items, provider.SparkExecutor{
			RunID: orDefault(e.JobRunId, runID), ID: e.ExecutorId, Type: e.ExecutorType, Status: e.Status, HostPort: e.HostPort,
			Cores: i64(e.TotalCores), ActiveTasks: i64(e.ActiveTasks), CompletedTasks: i64(e.CompletedTasks),
			FailedTasks: i64(e.FailedTasks), TotalTasks: i64(e.TotalTasks), MemoryUsed: i64v(e.MemoryUsed),
			MaxMemory: i64v(e.MaxMemory), DiskUsed: i64v(e.DiskUsed),
			// Spark reports durations in milliseconds.
			Duration: time.Duration(i64v(e.TotalDuration)) * time.Millisecond, GCTime: time.Duration(i64v(e.TotalGCTime)) * time.Millisecond,
			InputBytes: i64v(e.TotalInputBytes), ShuffleRead: i64v(e.TotalShuffleRead), ShuffleWrite: i64v(e.TotalShuffleWrite),
			AddTime: fromMillis(e.AddTime),
		})
	}
	return page, nil
}

// GetSparkRunConfiguration implements provider.SparkJobs.
func (p *Provider) GetSparkRunConfiguration(ctx context.Context, workspaceID, runID string) (*provider.SparkRunConfiguration, error) {
	var resp sparkwire.GetRunConfigurationResponse
	if err := p.spark(ctx, "GetRunConfiguration", &sparkwire.GetRunConfigurationRequest{RegionId: p.Region(), WorkspaceId: workspaceID, RunId: runID}, &resp); err != nil {
		return nil, err
	}
	out := &provider.SparkRunConfiguration{}
	rc := resp.RunConfiguration
	if rc == nil {
		return out, nil
	}
	for _, c := range rc.ApplicationConfigs {
		out.Configurations = append(out.Configurations, provider.SparkConfigItem{File: c.ConfigFileName, Key: c.ConfigItemKey, Value: c.ConfigItemValue})
	}
	for _, t := range rc.RuntimeConfigs {
		out.Runtime = append(out.Runtime, provider.Tag{Key: t.Key, Value: t.Value})
	}
	if l := rc.LogConfig; l != nil {
		out.LogLevel, out.LogPath = l.LogLevel, l.LogPath
	}
	return out, nil
}

// SparkCUHours implements provider.SparkJobs. The window goes out, and
// the hours of the answer come back, as wall times in China Standard Time.
func (p *Provider) SparkCUHours(ctx context.Context, q provider.SparkCUHoursQuery) (*provider.SparkCUHours, error) {
	var resp sparkwire.GetCuHoursResponse
	if err := p.spark(ctx, "GetCuHours", cuHoursRequest(q), &resp); err != nil {
		return nil, err
	}
	text := ""
	if resp.Data != nil {
		text = resp.Data.CuHours
	}
	return cuHoursOf(q.Queue, text), nil
}

func cuHoursRequest(q provider.SparkCUHoursQuery) *sparkwire.GetCuHoursRequest {
	return &sparkwire.GetCuHoursRequest{
		WorkspaceId: q.WorkspaceID, Queue: q.Queue,
		StartTime: q.Start.In(chinaTime()).Format(wallTime), EndTime: q.End.In(chinaTime()).Format(wallTime),
	}
}
