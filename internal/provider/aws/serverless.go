package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/emrserverless"
	"github.com/aws/aws-sdk-go-v2/service/emrserverless/types"

	"github.com/emrctl/emrctl/internal/provider"
)

func sdkCapacity(c *provider.Capacity) *types.MaximumAllowedResources {
	if c == nil {
		return nil
	}
	return &types.MaximumAllowedResources{Cpu: optStr(c.CPU), Memory: optStr(c.Memory), Disk: optStr(c.Disk)}
}

func sdkInitial(m map[string]provider.WorkerCapacity) map[string]types.InitialCapacityConfig {
	if len(m) == 0 {
		return nil
	}
	out := map[string]types.InitialCapacityConfig{}
	for k, w := range m {
		out[k] = types.InitialCapacityConfig{
			WorkerCount:         ptr(int64(w.WorkerCount)),
			WorkerConfiguration: &types.WorkerResourceConfig{Cpu: optStr(w.Worker.CPU), Memory: optStr(w.Worker.Memory), Disk: optStr(w.Worker.Disk)},
		}
	}
	return out
}

func sdkAutoStop(minutes int) *types.AutoStopConfig {
	switch {
	case minutes < 0:
		return &types.AutoStopConfig{Enabled: ptr(false)}
	case minutes > 0:
		return &types.AutoStopConfig{Enabled: ptr(true), IdleTimeoutMinutes: ptr(int32(minutes))}
	}
	return nil
}

func sdkNetwork(subnets, groups []string) *types.NetworkConfiguration {
	if len(subnets) == 0 && len(groups) == 0 {
		return nil
	}
	return &types.NetworkConfiguration{SubnetIds: subnets, SecurityGroupIds: groups}
}

// CreateApplication creates an application; token is its client token.
func (p *Provider) CreateApplication(ctx context.Context, s provider.ServerlessAppSpec, token string) (*provider.WriteResult, error) {
	in := &emrserverless.CreateApplicationInput{
		ClientToken: optStr(token), Name: optStr(s.Name), Type: ptr(s.Type), ReleaseLabel: ptr(s.ReleaseLabel),
		Architecture: types.Architecture(s.Architecture), InitialCapacity: sdkInitial(s.InitialCapacity),
		MaximumCapacity: sdkCapacity(s.MaximumCapacity), AutoStopConfiguration: sdkAutoStop(s.AutoStopIdleMinutes),
		NetworkConfiguration: sdkNetwork(s.SubnetIDs, s.SecurityGroupIDs), Tags: s.Tags,
	}
	if s.AutoStart != nil {
		in.AutoStartConfiguration = &types.AutoStartConfig{Enabled: s.AutoStart}
	}
	out, err := p.serverless.CreateApplication(ctx, in)
	if err != nil {
		return nil, mapError(ctx, "CreateApplication", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.ApplicationId)}, RequestID: requestID(out.ResultMetadata)}, nil
}

// UpdateApplication changes an application's capacity, auto start/stop,
// release or network; token is its client token.
func (p *Provider) UpdateApplication(ctx context.Context, id string, s provider.ServerlessAppSpec, token string) (*provider.WriteResult, error) {
	in := &emrserverless.UpdateApplicationInput{
		ApplicationId: &id, ClientToken: optStr(token), ReleaseLabel: optStr(s.ReleaseLabel), Architecture: types.Architecture(s.Architecture),
		InitialCapacity: sdkInitial(s.InitialCapacity), MaximumCapacity: sdkCapacity(s.MaximumCapacity),
		AutoStopConfiguration: sdkAutoStop(s.AutoStopIdleMinutes), NetworkConfiguration: sdkNetwork(s.SubnetIDs, s.SecurityGroupIDs),
	}
	if s.AutoStart != nil {
		in.AutoStartConfiguration = &types.AutoStartConfig{Enabled: s.AutoStart}
	}
	out, err := p.serverless.UpdateApplication(ctx, in)
	if err != nil {
		return nil, mapError(ctx, "UpdateApplication", false, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

// Application describes one application.
func (p *Provider) Application(ctx context.Context, id string) (*provider.ServerlessApp, error) {
	out, err := p.serverless.GetApplication(ctx, &emrserverless.GetApplicationInput{ApplicationId: &id}, p.slsRead)
	if err != nil {
		return nil, mapError(ctx, "GetApplication", true, err)
	}
	a := out.Application
	if a == nil {
		return nil, &provider.APIError{Provider: provider.AWS, Action: "GetApplication", Kind: provider.KindNotFound, Code: "ResourceNotFoundException", Message: "application " + id + " not found"}
	}
	app := &provider.ServerlessApp{
		ID: str(a.ApplicationId), Name: str(a.Name), ARN: str(a.Arn), Type: strings.ToUpper(str(a.Type)), ReleaseLabel: str(a.ReleaseLabel),
		Architecture: string(a.Architecture), State: string(a.State), StateDetails: str(a.StateDetails), Tags: a.Tags,
		CreateTime: tm(a.CreatedAt), UpdateTime: tm(a.UpdatedAt),
	}
	if c := a.MaximumCapacity; c != nil {
		app.MaximumCapacity = &provider.Capacity{CPU: str(c.Cpu), Memory: str(c.Memory), Disk: str(c.Disk)}
	}
	if len(a.InitialCapacity) > 0 {
		app.InitialCapacity = map[string]provider.WorkerCapacity{}
		for k, v := range a.InitialCapacity {
			w := provider.WorkerCapacity{}
			if v.WorkerCount != nil {
				w.WorkerCount = int(*v.WorkerCount)
			}
			if c := v.WorkerConfiguration; c != nil {
				w.Worker = provider.Capacity{CPU: str(c.Cpu), Memory: str(c.Memory), Disk: str(c.Disk)}
			}
			app.InitialCapacity[k] = w
		}
	}
	if a.AutoStartConfiguration != nil {
		app.AutoStart = boolv(a.AutoStartConfiguration.Enabled)
	}
	if s := a.AutoStopConfiguration; s != nil && boolv(s.Enabled) {
		app.AutoStopIdleMinutes = i32(s.IdleTimeoutMinutes)
	}
	return app, nil
}

// Applications lists the applications, every page; empty states match all.
func (p *Provider) Applications(ctx context.Context, states []string) ([]provider.ServerlessApp, error) {
	in := &emrserverless.ListApplicationsInput{}
	for _, s := range states {
		in.States = append(in.States, types.ApplicationState(strings.ToUpper(s)))
	}
	out := []provider.ServerlessApp{}
	for {
		page, err := p.serverless.ListApplications(ctx, in, p.slsRead)
		if err != nil {
			return nil, mapError(ctx, "ListApplications", false, err)
		}
		for _, a := range page.Applications {
			out = append(out, provider.ServerlessApp{
				ID: str(a.Id), Name: str(a.Name), ARN: str(a.Arn), Type: strings.ToUpper(str(a.Type)), ReleaseLabel: str(a.ReleaseLabel),
				Architecture: string(a.Architecture), State: string(a.State), StateDetails: str(a.StateDetails),
				CreateTime: tm(a.CreatedAt), UpdateTime: tm(a.UpdatedAt),
			})
		}
		if in.NextToken = page.NextToken; str(in.NextToken) == "" {
			return out, nil
		}
	}
}

// StartApplication starts an application (its initial capacity, if any).
func (p *Provider) StartApplication(ctx context.Context, id string) (*provider.WriteResult, error) {
	out, err := p.serverless.StartApplication(ctx, &emrserverless.StartApplicationInput{ApplicationId: &id})
	if err != nil {
		return nil, mapError(ctx, "StartApplication", false, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

// StopApplication stops an application.
func (p *Provider) StopApplication(ctx context.Context, id string) (*provider.WriteResult, error) {
	out, err := p.serverless.StopApplication(ctx, &emrserverless.StopApplicationInput{ApplicationId: &id})
	if err != nil {
		return nil, mapError(ctx, "StopApplication", false, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

// DeleteApplication deletes a stopped or created application.
func (p *Provider) DeleteApplication(ctx context.Context, id string) (*provider.WriteResult, error) {
	out, err := p.serverless.DeleteApplication(ctx, &emrserverless.DeleteApplicationInput{ApplicationId: &id})
	if err != nil {
		return nil, mapError(ctx, "DeleteApplication", true, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

// StartJobRun starts a job run; token is its client token.
func (p *Provider) StartJobRun(ctx context.Context, j provider.JobRunSpec, token string) (*provider.WriteResult, error) {
	in := &emrserverless.StartJobRunInput{
		ApplicationId: &j.ApplicationID, ClientToken: optStr(token), ExecutionRoleArn: ptr(j.ExecutionRoleARN), Name: optStr(j.Name), Tags: j.Tags,
	}
	if j.TimeoutMinutes > 0 {
		in.ExecutionTimeoutMinutes = ptr(int64(j.TimeoutMinutes))
	}
	if j.Kind == provider.JobKindHive {
		in.JobDriver = &types.JobDriverMemberHive{Value: types.Hive{Query: ptr(j.HiveQuery), InitQueryFile: optStr(j.HiveInitFile)}}
	} else {
		in.JobDriver = &types.JobDriverMemberSparkSubmit{Value: types.SparkSubmit{
			EntryPoint: ptr(j.EntryPoint), EntryPointArguments: j.Args, SparkSubmitParameters: optStr(j.SparkSubmitParameters()),
		}}
	}
	if j.LogURI != "" {
		in.ConfigurationOverrides = &types.ConfigurationOverrides{MonitoringConfiguration: &types.MonitoringConfiguration{
			S3MonitoringConfiguration: &types.S3MonitoringConfiguration{LogUri: &j.LogURI},
		}}
	}
	out, err := p.serverless.StartJobRun(ctx, in)
	if err != nil {
		return nil, mapError(ctx, "StartJobRun", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.JobRunId)}, RequestID: requestID(out.ResultMetadata)}, nil
}

// JobRun describes one job run.
func (p *Provider) JobRun(ctx context.Context, appID, runID string) (*provider.JobRun, error) {
	out, err := p.serverless.GetJobRun(ctx, &emrserverless.GetJobRunInput{ApplicationId: &appID, JobRunId: &runID}, p.slsRead)
	if err != nil {
		return nil, mapError(ctx, "GetJobRun", true, err)
	}
	r := out.JobRun
	if r == nil {
		return nil, &provider.APIError{Provider: provider.AWS, Action: "GetJobRun", Kind: provider.KindNotFound, Code: "ResourceNotFoundException", Message: "job run " + runID + " not found"}
	}
	jr := &provider.JobRun{
		ApplicationID: str(r.ApplicationId), ID: str(r.JobRunId), Name: str(r.Name), ARN: str(r.Arn), State: string(r.State),
		StateDetails: str(r.StateDetails), ReleaseLabel: str(r.ReleaseLabel), ExecutionRole: str(r.ExecutionRole),
		DurationSeconds: i32(r.TotalExecutionDurationSeconds), CreateTime: tm(r.CreatedAt), UpdateTime: tm(r.UpdatedAt), EndTime: tm(r.EndedAt),
	}
	switch d := r.JobDriver.(type) {
	case *types.JobDriverMemberSparkSubmit:
		jr.EntryPoint, jr.Args, jr.SparkParameters = str(d.Value.EntryPoint), d.Value.EntryPointArguments, str(d.Value.SparkSubmitParameters)
	case *types.JobDriverMemberHive:
		jr.HiveQuery = str(d.Value.Query)
	}
	return jr, nil
}

// JobRuns lists an application's job runs, every page; empty states match
// all.
func (p *Provider) JobRuns(ctx context.Context, appID string, states []string) ([]provider.JobRun, error) {
	in := &emrserverless.ListJobRunsInput{ApplicationId: &appID}
	for _, s := range states {
		in.States = append(in.States, types.JobRunState(strings.ToUpper(s)))
	}
	out := []provider.JobRun{}
	for {
		page, err := p.serverless.ListJobRuns(ctx, in, p.slsRead)
		if err != nil {
			return nil, mapError(ctx, "ListJobRuns", true, err)
		}
		for _, r := range page.JobRuns {
			out = append(out, provider.JobRun{
				ApplicationID: str(r.ApplicationId), ID: str(r.Id), Name: str(r.Name), ARN: str(r.Arn), State: string(r.State),
				StateDetails: str(r.StateDetails), ReleaseLabel: str(r.ReleaseLabel), ExecutionRole: str(r.ExecutionRole),
				CreateTime: tm(r.CreatedAt), UpdateTime: tm(r.UpdatedAt),
			})
		}
		if in.NextToken = page.NextToken; str(in.NextToken) == "" {
			return out, nil
		}
	}
}

// CancelJobRun cancels a job run.
func (p *Provider) CancelJobRun(ctx context.Context, appID, runID string) (*provider.WriteResult, error) {
	out, err := p.serverless.CancelJobRun(ctx, &emrserverless.CancelJobRunInput{ApplicationId: &appID, JobRunId: &runID})
	if err != nil {
		return nil, mapError(ctx, "CancelJobRun", true, err)
	}
	return &provider.WriteResult{IDs: []string{runID}, RequestID: requestID(out.ResultMetadata)}, nil
}
