package aliyun

import (
	"context"
	"slices"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// The Kyuubi service actions have no regionId in the contract; spark
// adds it, and their *Request twins show it (regioned).

// CreateSparkKyuubiRequest implements provider.SparkKyuubi.
func (p *Provider) CreateSparkKyuubiRequest(workspaceID string, in provider.SparkKyuubiInput) any {
	return regioned{createKyuubiRequest(workspaceID, in), p.Region()}
}

func createKyuubiRequest(workspaceID string, in provider.SparkKyuubiInput) *sparkwire.CreateKyuubiServiceRequest {
	return &sparkwire.CreateKyuubiServiceRequest{
		WorkspaceId: workspaceID, Name: in.Name, Queue: in.Queue, ReleaseVersion: in.ReleaseVersion,
		KyuubiReleaseVersion: in.KyuubiReleaseVersion, ComputeInstance: in.ComputeInstance, Replica: optInt(in.Replica),
		PublicEndpointEnabled: in.PublicEndpoint, KyuubiConfigs: in.KyuubiConfigs, SparkConfigs: in.SparkConfigs,
	}
}

// CreateSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) CreateSparkKyuubi(ctx context.Context, workspaceID string, in provider.SparkKyuubiInput) (*provider.WriteResult, error) {
	var resp sparkwire.CreateKyuubiServiceResponse
	if err := p.spark(ctx, "CreateKyuubiService", createKyuubiRequest(workspaceID, in), &resp); err != nil {
		return nil, err
	}
	id := ""
	if resp.Data != nil {
		id = resp.Data.KyuubiServiceId
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: resp.RequestId}, nil
}

// GetSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) GetSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*provider.SparkKyuubiService, error) {
	var resp sparkwire.GetKyuubiServiceResponse
	if err := p.spark(ctx, "GetKyuubiService", &sparkwire.GetKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, &resp); err != nil {
		return nil, err
	}
	d := resp.Data
	if d == nil {
		return nil, notFound("GetKyuubiService", "KyuubiServiceNotFound", "Kyuubi service "+serviceID)
	}
	k := kyuubiOf(workspaceID, sparkwire.ListKyuubiServicesResponseDataKyuubiServicesItem{
		ComputeInstance: d.ComputeInstance, CreateTime: d.CreateTime, Creator: d.Creator, InnerEndpoint: d.InnerEndpoint,
		KyuubiConfigs: d.KyuubiConfigs, KyuubiReleaseVersion: d.KyuubiReleaseVersion, KyuubiServiceId: d.KyuubiServiceId,
		Name: d.Name, PublicEndpoint: d.PublicEndpoint, Queue: d.Queue, ReleaseVersion: d.ReleaseVersion,
		Replica: d.Replica, SparkConfigs: d.SparkConfigs, StartTime: d.StartTime, State: d.State,
	})
	k.PublicEndpoint = boolv(d.PublicEndpointEnabled) || d.PublicEndpoint != ""
	return &k, nil
}

func kyuubiOf(workspaceID string, k sparkwire.ListKyuubiServicesResponseDataKyuubiServicesItem) provider.SparkKyuubiService {
	return provider.SparkKyuubiService{
		WorkspaceID: workspaceID, ID: k.KyuubiServiceId, Name: k.Name, State: canonical(k.State, provider.SparkKyuubiStates()),
		Queue: k.Queue, ReleaseVersion: k.ReleaseVersion, KyuubiReleaseVersion: k.KyuubiReleaseVersion,
		ComputeInstance: k.ComputeInstance, Replica: i64(k.Replica), PublicEndpoint: k.PublicEndpoint != "",
		InnerEndpoint: k.InnerEndpoint, PublicAddress: k.PublicEndpoint, KyuubiConfigs: k.KyuubiConfigs,
		SparkConfigs: k.SparkConfigs, Creator: k.Creator, CreateTime: timeOf(k.CreateTime), StartTime: timeOf(k.StartTime),
	}
}

// ListSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) ListSparkKyuubi(ctx context.Context, workspaceID string) ([]provider.SparkKyuubiService, error) {
	var resp sparkwire.ListKyuubiServicesResponse
	if err := p.spark(ctx, "ListKyuubiServices", &sparkwire.ListKyuubiServicesRequest{WorkspaceId: workspaceID}, &resp); err != nil {
		return nil, err
	}
	out := []provider.SparkKyuubiService{}
	if resp.Data != nil {
		for _, k := range resp.Data.KyuubiServices {
			out = append(out, kyuubiOf(workspaceID, k))
		}
	}
	return out, nil
}

// StartSparkKyuubiRequest implements provider.SparkKyuubi.
func (p *Provider) StartSparkKyuubiRequest(workspaceID, serviceID string) any {
	return regioned{&sparkwire.StartKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, p.Region()}
}

// StartSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) StartSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*provider.WriteResult, error) {
	var resp sparkwire.StartKyuubiServiceResponse
	if err := p.spark(ctx, "StartKyuubiService", &sparkwire.StartKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{serviceID}, RequestID: resp.RequestId}, nil
}

// StopSparkKyuubiRequest implements provider.SparkKyuubi.
func (p *Provider) StopSparkKyuubiRequest(workspaceID, serviceID string) any {
	return regioned{&sparkwire.StopKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, p.Region()}
}

// StopSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) StopSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*provider.WriteResult, error) {
	var resp sparkwire.StopKyuubiServiceResponse
	if err := p.spark(ctx, "StopKyuubiService", &sparkwire.StopKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{serviceID}, RequestID: resp.RequestId}, nil
}

// UpdateSparkKyuubiRequest implements provider.SparkKyuubi.
func (p *Provider) UpdateSparkKyuubiRequest(workspaceID, serviceID string, in provider.SparkKyuubiInput) any {
	return regioned{updateKyuubiRequest(workspaceID, serviceID, in), p.Region()}
}

func updateKyuubiRequest(workspaceID, serviceID string, in provider.SparkKyuubiInput) *sparkwire.UpdateKyuubiServiceRequest {
	return &sparkwire.UpdateKyuubiServiceRequest{
		WorkspaceId: workspaceID, KyuubiServiceId: serviceID, Name: in.Name, Queue: in.Queue, ReleaseVersion: in.ReleaseVersion,
		KyuubiReleaseVersion: in.KyuubiReleaseVersion, ComputeInstance: in.ComputeInstance, Replica: optInt(in.Replica),
		PublicEndpointEnabled: in.PublicEndpoint, KyuubiConfigs: in.KyuubiConfigs, SparkConfigs: in.SparkConfigs, Restart: in.Restart,
	}
}

// UpdateSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) UpdateSparkKyuubi(ctx context.Context, workspaceID, serviceID string, in provider.SparkKyuubiInput) (*provider.WriteResult, error) {
	var resp sparkwire.UpdateKyuubiServiceResponse
	if err := p.spark(ctx, "UpdateKyuubiService", updateKyuubiRequest(workspaceID, serviceID, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{serviceID}, RequestID: resp.RequestId}, nil
}

// DeleteSparkKyuubiRequest implements provider.SparkKyuubi.
func (p *Provider) DeleteSparkKyuubiRequest(workspaceID, serviceID string) any {
	return regioned{&sparkwire.DeleteKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, p.Region()}
}

// DeleteSparkKyuubi implements provider.SparkKyuubi.
func (p *Provider) DeleteSparkKyuubi(ctx context.Context, workspaceID, serviceID string) (*provider.WriteResult, error) {
	var resp sparkwire.DeleteKyuubiServiceResponse
	if err := p.spark(ctx, "DeleteKyuubiService", &sparkwire.DeleteKyuubiServiceRequest{WorkspaceId: workspaceID, KyuubiServiceId: serviceID}, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{serviceID}, RequestID: resp.RequestId}, nil
}

// tokenValue returns the value to put in a token request: the secret when
// sending, the redaction marker when showing.
func tokenValue(v string, shown bool) string {
	if shown && v != "" {
		return redact.Marker
	}
	return v
}

// CreateSparkKyuubiTokenRequest implements provider.SparkKyuubi: the
// request with the token value redacted.
func (p *Provider) CreateSparkKyuubiTokenRequest(workspaceID, serviceID string, in provider.SparkKyuubiTokenInput) any {
	return createTokenRequest(p.Region(), workspaceID, serviceID, in, true)
}

func createTokenRequest(region, workspaceID, serviceID string, in provider.SparkKyuubiTokenInput, shown bool) *sparkwire.CreateKyuubiTokenRequest {
	req := &sparkwire.CreateKyuubiTokenRequest{
		RegionId: region, WorkspaceId: workspaceID, KyuubiServiceId: serviceID, Name: in.Name,
		Token: tokenValue(in.Value, shown), MemberArns: slices.Clone(in.MemberARNs),
	}
	if in.ExpireDays > 0 {
		req.AutoExpireConfiguration = &sparkwire.CreateKyuubiTokenRequestAutoExpireConfiguration{Enable: ptr(true), ExpireDays: ptr(int64(in.ExpireDays))}
	}
	return req
}

// CreateSparkKyuubiToken implements provider.SparkKyuubi.
func (p *Provider) CreateSparkKyuubiToken(ctx context.Context, workspaceID, serviceID string, in provider.SparkKyuubiTokenInput) (*provider.WriteResult, error) {
	var resp sparkwire.CreateKyuubiTokenResponse
	if err := p.spark(ctx, "CreateKyuubiToken", createTokenRequest(p.Region(), workspaceID, serviceID, in, false), &resp); err != nil {
		return nil, err
	}
	id := ""
	if resp.Data != nil {
		id = resp.Data.TokenId
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: resp.RequestId}, nil
}

// GetSparkKyuubiToken implements provider.SparkKyuubi.
func (p *Provider) GetSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string) (*provider.SparkKyuubiToken, error) {
	var resp sparkwire.GetKyuubiTokenResponse
	req := &sparkwire.GetKyuubiTokenRequest{RegionId: p.Region(), WorkspaceId: workspaceID, KyuubiServiceId: serviceID, TokenId: tokenID}
	if err := p.spark(ctx, "GetKyuubiToken", req, &resp); err != nil {
		return nil, err
	}
	d := resp.Data
	if d == nil {
		return nil, notFound("GetKyuubiToken", "KyuubiTokenNotFound", "Kyuubi token "+tokenID)
	}
	t := tokenOf(sparkwire.ListKyuubiTokenResponseDataTokensItem{
		CreateTime: d.CreateTime, CreatedBy: d.CreatedBy, ExpireTime: d.ExpireTime, LastUsedTime: d.LastUsedTime,
		MemberArns: d.MemberArns, Name: d.Name, Token: d.Token, TokenId: d.TokenId,
	})
	if a := d.AutoExpireConfiguration; a != nil {
		t.AutoExpire, t.ExpireDays = boolv(a.Enable), i64(a.ExpireDays)
	}
	return &t, nil
}

func tokenOf(t sparkwire.ListKyuubiTokenResponseDataTokensItem) provider.SparkKyuubiToken {
	return provider.SparkKyuubiToken{
		ID: t.TokenId, Name: t.Name, Masked: t.Token, CreatedBy: t.CreatedBy, MemberARNs: t.MemberArns,
		AccountNames: t.AccountNames, AutoExpire: t.ExpireTime != nil && *t.ExpireTime > 0,
		CreateTime: fromMillis(t.CreateTime), ExpireTime: fromMillis(t.ExpireTime), LastUsedTime: fromMillis(t.LastUsedTime),
	}
}

// ListSparkKyuubiTokens implements provider.SparkKyuubi.
func (p *Provider) ListSparkKyuubiTokens(ctx context.Context, workspaceID, serviceID string) ([]provider.SparkKyuubiToken, error) {
	var resp sparkwire.ListKyuubiTokenResponse
	req := &sparkwire.ListKyuubiTokenRequest{RegionId: p.Region(), WorkspaceId: workspaceID, KyuubiServiceId: serviceID}
	if err := p.spark(ctx, "ListKyuubiToken", req, &resp); err != nil {
		return nil, err
	}
	out := []provider.SparkKyuubiToken{}
	if resp.Data != nil {
		for _, t := range resp.Data.Tokens {
			out = append(out, tokenOf(t))
		}
	}
	return out, nil
}

// UpdateSparkKyuubiTokenRequest implements provider.SparkKyuubi: the
// request with a new token value redacted.
func (p *Provider) UpdateSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID string, in provider.SparkKyuubiTokenInput) any {
	return updateTokenRequest(p.Region(), workspaceID, serviceID, tokenID, in, true)
}

func updateTokenRequest(region, workspaceID, serviceID, tokenID string, in provider.SparkKyuubiTokenInput, shown bool) *sparkwire.UpdateKyuubiTokenRequest {
	req := &sparkwire.UpdateKyuubiTokenRequest{
		RegionId: region, WorkspaceId: workspaceID, KyuubiServiceId: serviceID, TokenId: tokenID, Name: in.Name,
		Token: tokenValue(in.Value, shown), MemberArns: slices.Clone(in.MemberARNs),
	}
	if in.ExpireDays > 0 {
		req.AutoExpireConfiguration = &sparkwire.UpdateKyuubiTokenRequestAutoExpireConfiguration{Enable: ptr(true), ExpireDays: ptr(int64(in.ExpireDays))}
	}
	return req
}

// UpdateSparkKyuubiToken implements provider.SparkKyuubi.
func (p *Provider) UpdateSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string, in provider.SparkKyuubiTokenInput) (*provider.WriteResult, error) {
	var resp sparkwire.UpdateKyuubiTokenResponse
	if err := p.spark(ctx, "UpdateKyuubiToken", updateTokenRequest(p.Region(), workspaceID, serviceID, tokenID, in, false), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{tokenID}, RequestID: resp.RequestId}, nil
}

// DeleteSparkKyuubiTokenRequest implements provider.SparkKyuubi.
func (p *Provider) DeleteSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID string) any {
	return &sparkwire.DeleteKyuubiTokenRequest{RegionId: p.Region(), WorkspaceId: workspaceID, KyuubiServiceId: serviceID, TokenId: tokenID}
}

// DeleteSparkKyuubiToken implements provider.SparkKyuubi.
func (p *Provider) DeleteSparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string) (*provider.WriteResult, error) {
	var resp sparkwire.DeleteKyuubiTokenResponse
	if err := p.spark(ctx, "DeleteKyuubiToken", p.DeleteSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{tokenID}, RequestID: resp.RequestId}, nil
}

// ListSparkKyuubiApps implements provider.SparkKyuubi: one page.
func (p *Provider) ListSparkKyuubiApps(ctx context.Context, workspaceID, serviceID string, f provider.SparkKyuubiAppFilter, token string, size int) (*provider.Page[provider.SparkKyuubiApp], error) {
	req := &sparkwire.ListKyuubiSparkApplicationsRequest{
		WorkspaceId: workspaceID, KyuubiServiceId: serviceID, ApplicationId: f.ID, ApplicationName: f.Name,
		ResourceQueueId: f.Queue, States: f.State, NextToken: token, MaxResults: pageSize(size),
	}
	var resp sparkwire.ListKyuubiSparkApplicationsResponse
	if err := p.spark(ctx, "ListKyuubiSparkApplications", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.SparkKyuubiApp]{NextToken: resp.NextToken, Total: i64(resp.TotalCount), Items: make([]provider.SparkKyuubiApp, 0, len(resp.Applications))}
	for _, a := range resp.Applications {
		page.Items = append(page.Items, provider.SparkKyuubiApp{
			ServiceID: orDefault(a.KyuubiServiceId, serviceID), ID: a.ApplicationId, Name: a.ApplicationName,
			State: canonical(a.State, provider.SparkAppStates()), Queue: a.ResourceQueueId, ExitReason: a.ExitReason,
			LatestStatement: a.LatestSqlStatementStatus, WebUI: a.WebUI, CUHours: f64(a.CuHours),
			VcoreSeconds: i64v(a.VcoreSeconds), MBSeconds: i64v(a.MbSeconds), StartTime: timeOf(a.StartTime), EndTime: timeOf(a.EndTime),
		})
	}
	return page, nil
}

// CancelSparkKyuubiAppRequest implements provider.SparkKyuubi.
func (p *Provider) CancelSparkKyuubiAppRequest(workspaceID, serviceID, appID string) any {
	return &sparkwire.CancelKyuubiSparkApplicationRequest{RegionId: p.Region(), WorkspaceId: workspaceID, KyuubiServiceId: serviceID, ApplicationId: appID}
}

// CancelSparkKyuubiApp implements provider.SparkKyuubi.
func (p *Provider) CancelSparkKyuubiApp(ctx context.Context, workspaceID, serviceID, appID string) (*provider.WriteResult, error) {
	var resp sparkwire.CancelKyuubiSparkApplicationResponse
	if err := p.spark(ctx, "CancelKyuubiSparkApplication", p.CancelSparkKyuubiAppRequest(workspaceID, serviceID, appID), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{appID}, RequestID: resp.RequestId}, nil
}
