package emulator

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

var workspaceNameRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_\-. ]{0,63}$`)

func createWorkspace(c *call, w *World) (any, error) {
	var req sparkwire.CreateWorkspaceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := c.sparkRegion(w); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{
		{"workspaceName", req.WorkspaceName}, {"ossBucket", req.OssBucket}, {"ramRoleName", req.RamRoleName}, {"paymentType", req.PaymentType},
	} {
		if err := required(f.name, f.v); err != nil {
			return nil, err
		}
	}
	if req.ResourceSpec == nil || req.ResourceSpec.Cu == "" {
		return nil, errMissing("MissingParameter", "resourceSpec.cu is mandatory: give the workspace's CU quota, for example \"resourceSpec\":{\"cu\":\"8\"}")
	}
	if !workspaceNameRE.MatchString(req.WorkspaceName) {
		return nil, errInvalidParameter("workspaceName %q is not valid: use 1 to 64 letters, digits, spaces, '-', '_' or '.', starting with a letter or digit", req.WorkspaceName)
	}
	cu, err := strconv.ParseInt(strings.TrimSpace(req.ResourceSpec.Cu), 10, 64)
	if err != nil || cu < 1 || cu > 100000 {
		return nil, errInvalidParameter("resourceSpec.cu %q is not in the allowed range: give a whole number of CU from 1 to 100000", req.ResourceSpec.Cu)
	}
	acct := w.sparkAccount()
	bucket, err := workspaceBucket(acct, req.OssBucket)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(acct.RAMRoles, req.RamRoleName) {
		return nil, newError(http.StatusForbidden, "Forbidden.RAM", "the RAM role %s does not exist in this account or is not authorized for EMR Serverless Spark; authorize %s (and the service-linked role %s) in the EMR Serverless Spark console, or create it in the RAM console", req.RamRoleName, jobRunRole, sparkLinkedRole)
	}
	ws := &workspaceRec{
		ID: w.newID("w-", 16), Region: c.region, Name: req.WorkspaceName, Storage: "oss://" + bucket + "/", Bucket: bucket,
		RAMRole: req.RamRoleName, ResourceGroupID: req.ResourceGroupId, DLFCatalogID: req.DlfCatalogId, DLFType: req.DlfType,
		ReleaseType: req.ReleaseType, CU: cu, CreatedAt: c.now, ReadyAt: c.now.Add(c.scale(workspaceStartingFor)),
	}
	if err := setPayment(ws, &req); err != nil {
		return nil, err
	}
	for _, t := range req.Tag {
		ws.Tags = append(ws.Tags, sparkwire.Tag{Key: t.Key, Value: t.Value})
	}
	w.Workspaces.Put(ws.ID, ws)
	// Three quarters to root_queue, the rest to dev_queue: 8 CU gives 6
	// and 2, the split the skill's scaling guide describes.
	putQueue(w, ws, "root_queue", cu-cu/4, c.now, "production")
	putQueue(w, ws, "dev_queue", cu/4, c.now, "dev")
	return &sparkwire.CreateWorkspaceResponse{WorkspaceId: ws.ID, OperationId: w.newID("op-", 16), RequestId: c.requestID}, nil
}

// workspaceBucket checks ossBucket names one of the account's buckets.
func workspaceBucket(acct *sparkAccountRec, v string) (string, error) {
	bucket, key, err := ossPath(strings.TrimSpace(v))
	if err != nil {
		return "", errInvalidParameter("ossBucket: %v", err)
	}
	if strings.Trim(key, "/") != "" {
		return "", errInvalidParameter("ossBucket %q must name a bucket only, in the oss://<bucket-name>/ format", v)
	}
	if _, ok := acct.bucket(bucket); !ok {
		return "", errInvalidParameter("ossBucket %q: the bucket %s does not exist in this account; create it (aliyun oss mb oss://%s) or use one of %s", v, bucket, bucket, bucketNames(acct))
	}
	return bucket, nil
}

func bucketNames(acct *sparkAccountRec) string {
	names := make([]string, len(acct.Buckets))
	for i, b := range acct.Buckets {
		names[i] = "oss://" + b.Name + "/"
	}
	return strings.Join(names, ", ")
}

// setPayment checks the billing members: PayAsYouGo, or Pre (the SDK's
// name for what the skill calls Subscription) with its duration.
func setPayment(ws *workspaceRec, req *sparkwire.CreateWorkspaceRequest) error {
	switch req.PaymentType {
	case "PayAsYouGo":
		ws.PaymentType = "PayAsYouGo"
		return nil
	case "Pre":
	default:
		return errInvalidParameter("paymentType %q is not valid: use PayAsYouGo or Pre (Pre is the subscription billing method)", req.PaymentType)
	}
	ws.PaymentType = "Pre"
	d, err := strconv.ParseInt(req.Duration, 10, 64)
	if err != nil || d < 1 {
		return errInvalidParameter("duration %q is not valid: with paymentType Pre give the subscription length, a whole number of at least 1", req.Duration)
	}
	if !equalFoldAny([]string{"MONTH", "YEAR"}, req.PaymentDurationUnit) {
		return errInvalidParameter("paymentDurationUnit %q is not valid: with paymentType Pre use MONTH or YEAR", req.PaymentDurationUnit)
	}
	ws.Duration, ws.DurationUnit = d, strings.ToUpper(req.PaymentDurationUnit)
	if req.AutoRenew == "true" {
		p, err := strconv.ParseInt(req.AutoRenewPeriod, 10, 64)
		if err != nil || p < 1 || !equalFoldAny([]string{"MONTH", "YEAR"}, req.AutoRenewPeriodUnit) {
			return errInvalidParameter("with autoRenew true give autoRenewPeriod (a whole number of at least 1) and autoRenewPeriodUnit (MONTH or YEAR)")
		}
		ws.AutoRenew, ws.AutoRenewPeriod, ws.AutoRenewUnit = true, p, strings.ToUpper(req.AutoRenewPeriodUnit)
	}
	return nil
}

func workspaceView(ws *workspaceRec, state string) sparkwire.ListWorkspacesResponseWorkspacesItem {
	v := sparkwire.ListWorkspacesResponseWorkspacesItem{
		WorkspaceId: ws.ID, WorkspaceName: ws.Name, WorkspaceStatus: state, RegionId: ws.Region,
		CreateTime: millis(ws.CreatedAt), PaymentType: ws.PaymentType, PaymentStatus: "PAID",
		ResourceSpec: strconv.FormatInt(ws.CU, 10) + "cu", Storage: ws.Storage, DlfCatalogId: ws.DLFCatalogID, DlfType: ws.DLFType,
		ResourceGroupId: ws.ResourceGroupID, ReleaseType: ws.ReleaseType, IpWhiteList: ws.IPWhiteList,
	}
	for _, t := range ws.Tags {
		v.Tags = append(v.Tags, sparkwire.ListWorkspacesResponseWorkspacesItemTagsItem{TagKey: t.Key, TagValue: t.Value})
	}
	if ws.PaymentType == "Pre" {
		v.Duration, v.PaymentDurationUnit = ptr(ws.Duration), ws.DurationUnit
		v.AutoRenew = ptr(ws.AutoRenew)
		if ws.AutoRenew {
			v.AutoRenewPeriod, v.AutoRenewPeriodUnit = ptr(ws.AutoRenewPeriod), ws.AutoRenewUnit
		}
	}
	return v
}

func listWorkspaces(c *call, w *World) (any, error) {
	var req sparkwire.ListWorkspacesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := c.sparkRegion(w); err != nil {
		return nil, err
	}
	kr, err := sparkKeyset(req.MaxResults, req.NextToken, 20, 100)
	if err != nil {
		return nil, err
	}
	matched := w.Workspaces.Select(func(ws *workspaceRec) bool {
		return ws.Region == c.region && workspaceMatches(ws, &req, workspaceState(ws, c.now))
	})
	keys := make([]indexKey, len(matched))
	for i, ws := range matched {
		keys[i] = indexKey{Rank: -ws.CreatedAt.UnixNano(), ID: ws.ID} // newest first
	}
	page, total, next := keyedPage(matched, keys, kr)
	resp := &sparkwire.ListWorkspacesResponse{
		MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total),
		Workspaces: []sparkwire.ListWorkspacesResponseWorkspacesItem{},
	}
	for _, ws := range page {
		resp.Workspaces = append(resp.Workspaces, workspaceView(ws, workspaceState(ws, c.now)))
	}
	return resp, nil
}

func workspaceMatches(ws *workspaceRec, req *sparkwire.ListWorkspacesRequest, state string) bool {
	switch {
	case req.Name != "" && !strings.Contains(strings.ToLower(ws.Name), strings.ToLower(req.Name)),
		req.State != "" && !strings.EqualFold(req.State, state),
		req.ResourceGroupId != "" && req.ResourceGroupId != ws.ResourceGroupID:
		return false
	}
	for _, t := range req.Tag {
		if !slices.ContainsFunc(ws.Tags, func(x sparkwire.Tag) bool { return x.Key == t.Key && (t.Value == "" || x.Value == t.Value) }) {
			return false
		}
	}
	return true
}

func updateWorkspace(c *call, w *World) (any, error) {
	var req sparkwire.UpdateWorkspaceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	if req.WorkspaceName != "" {
		if !workspaceNameRE.MatchString(req.WorkspaceName) {
			return nil, errInvalidParameter("workspaceName %q is not valid: use 1 to 64 letters, digits, spaces, '-', '_' or '.', starting with a letter or digit", req.WorkspaceName)
		}
		ws.Name = req.WorkspaceName
	}
	if req.Cu != nil {
		if err := resizeWorkspace(w, ws, *req.Cu); err != nil {
			return nil, err
		}
	}
	if req.ResourceGroupId != "" {
		ws.ResourceGroupID = req.ResourceGroupId
	}
	if req.IpWhiteList != nil {
		ws.IPWhiteList = req.IpWhiteList
	}
	resp := &sparkwire.UpdateWorkspaceResponse{RequestId: c.requestID}
	if sub := req.Subscription; sub != nil {
		order, err := subscribe(c, w, ws, sub)
		if err != nil {
			return nil, err
		}
		resp.OrderId, resp.Data = order, &sparkwire.UpdateWorkspaceResponseData{OrderId: order}
	}
	return resp, nil
}

// resizeWorkspace changes the CU cap, which must still hold the queues.
func resizeWorkspace(w *World, ws *workspaceRec, cu int64) error {
	if cu < 1 || cu > 100000 {
		return errInvalidParameter("cu %d is not in the allowed range: give a whole number of CU from 1 to 100000", cu)
	}
	var allocated int64
	for _, q := range queuesOf(w, ws.ID) {
		allocated += q.CU
	}
	if cu < allocated {
		return errDenied("UnSupportedOperator", "workspace rest cpu is not enough: the queues of %s hold %d CU, more than the new cap %d; scale the queues down first (EditWorkspaceQueue)", ws.ID, allocated, cu)
	}
	ws.CU = cu
	return nil
}

// subscribe converts a pay-as-you-go workspace to the subscription plan.
func subscribe(c *call, w *World, ws *workspaceRec, sub *sparkwire.UpdateWorkspaceRequestSubscription) (string, error) {
	if ws.PaymentType == "Pre" {
		return "", errDenied("OperationDenied", "workspace %s is already on the subscription plan", ws.ID)
	}
	req := sparkwire.CreateWorkspaceRequest{
		PaymentType: "Pre", Duration: sub.Duration, PaymentDurationUnit: sub.PaymentDurationUnit,
		AutoRenew: sub.AutoRenew, AutoRenewPeriod: sub.AutoRenewPeriod, AutoRenewPeriodUnit: sub.AutoRenewPeriodUnit,
	}
	if err := setPayment(ws, &req); err != nil {
		return "", err
	}
	return strings.TrimPrefix(w.newID("o", 18), "o"), nil
}

func queuesOf(w *World, wsID string) []*queueRec {
	return w.Queues.Select(func(q *queueRec) bool { return q.WorkspaceID == wsID })
}

func queueOf(w *World, ws *workspaceRec, name string) (*queueRec, bool) {
	q, ok := w.Queues.Get(ws.ID + "/" + name)
	return q, ok
}

func listWorkspaceQueues(c *call, w *World) (any, error) {
	var req sparkwire.ListWorkspaceQueuesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	resp := &sparkwire.ListWorkspaceQueuesResponse{RequestId: c.requestID, Queues: []sparkwire.ListWorkspaceQueuesResponseQueuesItem{}}
	for _, q := range queuesOf(w, ws.ID) {
		if req.Environment != "" && !equalFoldAny(q.Environments, req.Environment) {
			continue
		}
		resp.Queues = append(resp.Queues, queueView(w, ws, q, c))
	}
	n := int64(len(resp.Queues))
	resp.TotalCount, resp.MaxResults = ptr(n), ptr(n)
	return resp, nil
}

func queueView(w *World, ws *workspaceRec, q *queueRec, c *call) sparkwire.ListWorkspaceQueuesResponseQueuesItem {
	status := wsRunning
	switch {
	case workspaceState(ws, c.now) == wsStarting:
		status = wsStarting
	case c.now.Before(q.UpdatingUntil):
		status = "UPDATING"
	}
	return sparkwire.ListWorkspaceQueuesResponseQueuesItem{
		QueueName: q.Name, QueueStatus: status, WorkspaceId: ws.ID, RegionId: ws.Region, CreateTime: millis(q.CreatedAt),
		Creator: sandboxUID, Environments: q.Environments, PaymentType: ws.PaymentType, Properties: q.Name,
		QueueCategory: "CPU", QueueScope: `{"arch": "x86"}`, QueueType: "instance",
		MinResource: cuText(float64(q.CU)), MaxResource: cuText(float64(max(q.MaxCU, q.CU))),
		UsedResource: cuText(queueUsed(w, ws.ID, q.Name, c.now)),
		AllowActions: []sparkwire.ListWorkspaceQueuesResponseQueuesItemAllowActionsItem{},
	}
}

func editWorkspaceQueue(c *call, w *World) (any, error) {
	var req sparkwire.EditWorkspaceQueueRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := required("workspaceQueueName", req.WorkspaceQueueName); err != nil {
		return nil, err
	}
	if req.ResourceSpec == nil {
		return nil, errMissing("MissingParameter", "resourceSpec is mandatory: give resourceSpec.cu (and optionally maxCu)")
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	q, ok := queueOf(w, ws, req.WorkspaceQueueName)
	if !ok {
		return nil, errInvalidParameter("workspaceQueueName %q is not a queue of %s; call ListWorkspaceQueues", req.WorkspaceQueueName, ws.ID)
	}
	if c.now.Before(q.UpdatingUntil) {
		return nil, newError(http.StatusInternalServerError, "Error.Internal", "fail to update app instance queue: queue %s is still applying the previous change; wait 5-10 seconds and retry", q.Name)
	}
	cu, maxCU, err := queueSpec(w, ws, q, req.ResourceSpec)
	if err != nil {
		return nil, err
	}
	for _, e := range req.Environments {
		if e != "dev" && e != "production" {
			return nil, errInvalidParameter("environments: %q is not an environment type; use dev or production", e)
		}
	}
	q.CU, q.MaxCU = cu, maxCU
	if req.Environments != nil {
		q.Environments = req.Environments
	}
	q.UpdatingUntil = c.now.Add(c.scale(queueUpdateFor))
	return &sparkwire.EditWorkspaceQueueResponse{RequestId: c.requestID}, nil
}

// queueSpec checks a queue's new CU against the skill's limits: a
// non-negative CU, maxCu not below it, and the queues of a workspace
// together within its cap.
func queueSpec(w *World, ws *workspaceRec, q *queueRec, spec *sparkwire.EditWorkspaceQueueRequestResourceSpec) (cu, maxCU int64, err error) {
	cu, maxCU = q.CU, q.MaxCU
	if spec.Cu != nil {
		cu = *spec.Cu
	}
	if spec.MaxCu != nil {
		maxCU = *spec.MaxCu
	} else if maxCU < cu || spec.Cu != nil {
		maxCU = cu
	}
	if cu < 0 || maxCU < 0 {
		return 0, 0, errInvalidParameter("CU quantity not in allowed range: resourceSpec.cu and maxCu must be 0 or more")
	}
	if maxCU < cu {
		return 0, 0, errInvalidParameter("CU quantity not in allowed range: resourceSpec.maxCu %d is below cu %d", maxCU, cu)
	}
	var others int64
	for _, o := range queuesOf(w, ws.ID) {
		if o.Name != q.Name {
			others += o.CU
		}
	}
	if others+cu > ws.CU {
		return 0, 0, errDenied("UnSupportedOperator", "workspace rest cpu is not enough: %s has %d CU, the other queues hold %d, so %s can have at most %d (asked %d); scale down another queue first or raise the workspace's CU", ws.ID, ws.CU, others, q.Name, ws.CU-others, cu)
	}
	if maxCU > ws.CU {
		return 0, 0, errDenied("UnSupportedOperator", "workspace rest cpu is not enough: maxCu %d is above the workspace's %d CU", maxCU, ws.CU)
	}
	return cu, maxCU, nil
}

func listSparkReleaseVersions(c *call, w *World) (any, error) {
	var req sparkwire.ListReleaseVersionsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := c.sparkRegion(w); err != nil {
		return nil, err
	}
	if req.WorkspaceId != "" {
		if _, err := c.workspace(w, req.WorkspaceId); err != nil {
			return nil, err
		}
	}
	resp := &sparkwire.ListReleaseVersionsResponse{RequestId: c.requestID, ReleaseVersions: []sparkwire.ListReleaseVersionsResponseReleaseVersionsItem{}}
	for _, r := range w.sparkAccount().Releases {
		if (req.ReleaseVersion != "" && req.ReleaseVersion != r.Version && req.ReleaseVersion != r.Short) ||
			(req.ReleaseVersionStatus != "" && !strings.EqualFold(req.ReleaseVersionStatus, r.State)) ||
			(req.ReleaseType != "" && !strings.EqualFold(req.ReleaseType, r.Type)) {
			continue
		}
		resp.ReleaseVersions = append(resp.ReleaseVersions, sparkwire.ListReleaseVersionsResponseReleaseVersionsItem{
			ReleaseVersion: r.Version, DisplayReleaseVersion: r.Display, CommunityVersion: "Spark " + r.Spark,
			ScalaVersion: r.Scala, Fusion: ptr(r.Fusion), State: r.State, Type: r.Type, GmtCreate: millis(r.Created),
			IaasType: "ASI", CpuArchitectures: []string{"x86_64"},
		})
	}
	n := int64(len(resp.ReleaseVersions))
	resp.TotalCount, resp.MaxResults = ptr(n), ptr(n)
	return resp, nil
}
