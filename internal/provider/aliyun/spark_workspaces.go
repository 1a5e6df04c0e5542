package aliyun

import (
	"context"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// apiPrepaid is the API's word for a Subscription workspace or queue.
const apiPrepaid = "Pre"

func apiPayment(p string) string {
	if p == provider.SparkPrepaid {
		return apiPrepaid
	}
	return p
}

func paymentOf(p string) string {
	if p == apiPrepaid {
		return provider.SparkPrepaid
	}
	return p
}

// ListSparkWorkspaces implements provider.SparkWorkspaces: one page.
func (p *Provider) ListSparkWorkspaces(ctx context.Context, f provider.SparkWorkspaceFilter, token string, size int) (*provider.Page[provider.SparkWorkspace], error) {
	req := &sparkwire.ListWorkspacesRequest{
		RegionId: p.Region(), Name: f.Name, State: f.State, ResourceGroupId: f.ResourceGroupID,
		NextToken: token, MaxResults: pageSize(size),
	}
	for _, t := range f.Tags {
		req.Tag = append(req.Tag, sparkwire.ListWorkspacesRequestTagItem{Key: t.Key, Value: t.Value})
	}
	var resp sparkwire.ListWorkspacesResponse
	if err := p.spark(ctx, "ListWorkspaces", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.SparkWorkspace]{NextToken: resp.NextToken, Total: i64(resp.TotalCount), Items: make([]provider.SparkWorkspace, 0, len(resp.Workspaces))}
	for _, w := range resp.Workspaces {
		page.Items = append(page.Items, workspaceOf(w))
	}
	return page, nil
}

func workspaceOf(w sparkwire.ListWorkspacesResponseWorkspacesItem) provider.SparkWorkspace {
	out := provider.SparkWorkspace{
		ID: w.WorkspaceId, Name: w.WorkspaceName, Region: w.RegionId,
		State:       canonical(w.WorkspaceStatus, provider.SparkWorkspaceStates()),
		PaymentType: paymentOf(w.PaymentType), ResourceSpec: w.ResourceSpec, Storage: w.Storage,
		DLFCatalogID: w.DlfCatalogId, ResourceGroupID: w.ResourceGroupId,
		CreateTime: fromMillis(w.CreateTime), EndTime: fromMillis(w.EndTime),
	}
	if cu := cuOf(w.ResourceSpec); cu > 0 {
		out.CU = int(cu)
	}
	if r := w.StateChangeReason; r != nil {
		out.StateReason = reasonOf(r.Code, r.Message)
	}
	if out.StateReason == nil && w.FailReason != "" {
		out.StateReason = reasonOf("", w.FailReason)
	}
	for _, t := range w.Tags {
		out.Tags = append(out.Tags, provider.Tag{Key: t.TagKey, Value: t.TagValue})
	}
	return out
}

// maxWorkspacePages bounds the walk of GetSparkWorkspace (100 per page).
const maxWorkspacePages = 50

// GetSparkWorkspace implements provider.SparkWorkspaces. The API has no
// GetWorkspace: it walks ListWorkspaces.
func (p *Provider) GetSparkWorkspace(ctx context.Context, id string) (*provider.SparkWorkspace, error) {
	token := ""
	for range maxWorkspacePages {
		page, err := p.ListSparkWorkspaces(ctx, provider.SparkWorkspaceFilter{}, token, 100)
		if err != nil {
			return nil, err
		}
		for _, w := range page.Items {
			if w.ID == id {
				return &w, nil
			}
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	return nil, notFound("ListWorkspaces", "WorkspaceNotFound", "workspace "+id)
}

// CreateSparkWorkspaceRequest implements provider.SparkWorkspaces.
func (p *Provider) CreateSparkWorkspaceRequest(in provider.SparkWorkspaceInput) any {
	return createWorkspaceRequest(p.Region(), in)
}

func createWorkspaceRequest(region string, in provider.SparkWorkspaceInput) *sparkwire.CreateWorkspaceRequest {
	req := &sparkwire.CreateWorkspaceRequest{
		RegionId: region, WorkspaceName: in.Name, OssBucket: in.OSSBucket, RamRoleName: in.RAMRole,
		PaymentType:  apiPayment(in.PaymentType),
		ResourceSpec: &sparkwire.CreateWorkspaceRequestResourceSpec{Cu: strconv.Itoa(in.CU)},
		DlfCatalogId: in.DLFCatalogID, ResourceGroupId: in.ResourceGroupID, ClientToken: in.ClientToken,
	}
	for _, t := range in.Tags {
		req.Tag = append(req.Tag, sparkwire.CreateWorkspaceRequestTagItem{Key: t.Key, Value: t.Value})
	}
	if s := in.Subscription; s != nil {
		req.Duration, req.PaymentDurationUnit = strconv.Itoa(s.Duration), s.Unit
		req.AutoRenew = strconv.FormatBool(s.AutoRenew)
		if s.AutoRenew && s.AutoRenewPeriod > 0 {
			req.AutoRenewPeriod, req.AutoRenewPeriodUnit = strconv.Itoa(s.AutoRenewPeriod), orDefault(s.AutoRenewUnit, s.Unit)
		}
	}
	return req
}

// CreateSparkWorkspace implements provider.SparkWorkspaces.
func (p *Provider) CreateSparkWorkspace(ctx context.Context, in provider.SparkWorkspaceInput) (*provider.WriteResult, error) {
	var resp sparkwire.CreateWorkspaceResponse
	if err := p.spark(ctx, "CreateWorkspace", createWorkspaceRequest(p.Region(), in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.WorkspaceId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}

// UpdateSparkWorkspaceRequest implements provider.SparkWorkspaces.
func (p *Provider) UpdateSparkWorkspaceRequest(id string, in provider.SparkWorkspaceUpdate) any {
	return updateWorkspaceRequest(p.Region(), id, in)
}

func updateWorkspaceRequest(region, id string, in provider.SparkWorkspaceUpdate) *sparkwire.UpdateWorkspaceRequest {
	return &sparkwire.UpdateWorkspaceRequest{RegionId: region, WorkspaceId: id, WorkspaceName: in.Name, Cu: optInt(in.CU)}
}

// UpdateSparkWorkspace implements provider.SparkWorkspaces.
func (p *Provider) UpdateSparkWorkspace(ctx context.Context, id string, in provider.SparkWorkspaceUpdate) (*provider.WriteResult, error) {
	var resp sparkwire.UpdateWorkspaceResponse
	if err := p.spark(ctx, "UpdateWorkspace", updateWorkspaceRequest(p.Region(), id, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: resp.RequestId}, nil
}

// ListSparkQueues implements provider.SparkWorkspaces.
func (p *Provider) ListSparkQueues(ctx context.Context, workspaceID, environment string) ([]provider.SparkQueue, error) {
	var resp sparkwire.ListWorkspaceQueuesResponse
	req := &sparkwire.ListWorkspaceQueuesRequest{RegionId: p.Region(), WorkspaceId: workspaceID, Environment: environment}
	if err := p.spark(ctx, "ListWorkspaceQueues", req, &resp); err != nil {
		return nil, err
	}
	out := make([]provider.SparkQueue, 0, len(resp.Queues))
	for _, q := range resp.Queues {
		sq := provider.SparkQueue{
			WorkspaceID: orDefault(q.WorkspaceId, workspaceID), Name: q.QueueName, Status: q.QueueStatus, Type: q.QueueType,
			PaymentType: paymentOf(q.PaymentType), Environments: q.Environments,
			MaxCU: cuOf(q.MaxResource), MinCU: cuOf(q.MinResource), UsedCU: cuOf(q.UsedResource),
			MaxResource: q.MaxResource, MinResource: q.MinResource, UsedResource: q.UsedResource,
			CreateTime: fromMillis(q.CreateTime),
		}
		for _, a := range q.AllowActions {
			sq.Actions = append(sq.Actions, a.ActionName)
		}
		out = append(out, sq)
	}
	return out, nil
}

// EditSparkQueueRequest implements provider.SparkWorkspaces.
func (p *Provider) EditSparkQueueRequest(in provider.SparkQueueEdit) any {
	return editQueueRequest(p.Region(), in)
}

func editQueueRequest(region string, in provider.SparkQueueEdit) *sparkwire.EditWorkspaceQueueRequest {
	return &sparkwire.EditWorkspaceQueueRequest{
		RegionId: region, WorkspaceId: in.WorkspaceID, WorkspaceQueueName: in.Queue, Environments: in.Environments,
		ResourceSpec: &sparkwire.EditWorkspaceQueueRequestResourceSpec{Cu: ptr(int64(in.CU)), MaxCu: optInt(in.MaxCU)},
	}
}

// EditSparkQueue implements provider.SparkWorkspaces.
func (p *Provider) EditSparkQueue(ctx context.Context, in provider.SparkQueueEdit) (*provider.WriteResult, error) {
	var resp sparkwire.EditWorkspaceQueueResponse
	if err := p.spark(ctx, "EditWorkspaceQueue", editQueueRequest(p.Region(), in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{in.Queue}, RequestID: resp.RequestId}, nil
}

// ListSparkReleases implements provider.SparkWorkspaces.
func (p *Provider) ListSparkReleases(ctx context.Context, f provider.SparkReleaseFilter) ([]provider.SparkRelease, error) {
	req := &sparkwire.ListReleaseVersionsRequest{
		RegionId: p.Region(), ReleaseVersion: f.Version, ReleaseVersionStatus: f.Status, ReleaseType: f.Type, WorkspaceId: f.WorkspaceID,
	}
	var resp sparkwire.ListReleaseVersionsResponse
	if err := p.spark(ctx, "ListReleaseVersions", req, &resp); err != nil {
		return nil, err
	}
	out := make([]provider.SparkRelease, 0, len(resp.ReleaseVersions))
	for _, r := range resp.ReleaseVersions {
		rel := provider.SparkRelease{
			Version: r.ReleaseVersion, DisplayVersion: r.DisplayReleaseVersion, State: r.State, Type: r.Type,
			Fusion: boolv(r.Fusion), CPUArchitectures: r.CpuArchitectures, CreateTime: fromMillis(r.GmtCreate),
		}
		rel.Spark, rel.Scala, rel.Runtime = runtimesOf(r.ReleaseVersion)
		rel.Spark, rel.Scala = orDefault(rel.Spark, r.CommunityVersion), orDefault(rel.Scala, r.ScalaVersion)
		out = append(out, rel)
	}
	return out, nil
}

// runtimesOf reads "esr-4.7.0 (Spark 3.5.2, Scala 2.12, Java Runtime)".
func runtimesOf(version string) (spark, scala, runtime string) {
	open, end := strings.Index(version, "("), strings.LastIndex(version, ")")
	if open < 0 || end < open {
		return "", "", ""
	}
	for _, part := range strings.Split(version[open+1:end], ",") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "Spark "):
			spark = strings.TrimPrefix(part, "Spark ")
		case strings.HasPrefix(part, "Scala "):
			scala = strings.TrimPrefix(part, "Scala ")
		case part != "":
			runtime = part
		}
	}
	return spark, scala, runtime
}
