package rest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// Each write route: the handler decodes the request into the route's
// payload, and the exec function runs the payload through the engine.

type createClusterPayload struct {
	Spec json.RawMessage `json:"spec"`
}

// CreateCluster creates a cluster from a spec.
func (h *handlers) CreateCluster(ctx context.Context, req oas.ClusterSpec, p oas.CreateClusterParams) (oas.CreateClusterRes, error) {
	raw, err := rawObject(req)
	if err != nil {
		return nil, err
	}
	return answer[oas.CreateClusterRes](h.write(ctx, oas.CreateClusterOperation, p.IdempotencyKey, createClusterPayload{Spec: raw}))
}

func execCreateCluster(ctx context.Context, h *handlers, call engine.Call, p createClusterPayload) (any, error) {
	sp, err := spec.Load(p.Spec)
	if err != nil {
		return nil, &bodyError{Field: "body", Err: err}
	}
	// A token names no environment variables: secrets come from the spec's
	// own references, resolved as for an agent (none).
	return h.eng.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: sp, Getenv: func(string) (string, bool) { return "", false }})
}

type clusterPayload struct {
	ClusterID string `json:"clusterId"`
}

// DeleteCluster deletes a cluster, as the policy allows.
func (h *handlers) DeleteCluster(ctx context.Context, p oas.DeleteClusterParams) (oas.DeleteClusterRes, error) {
	return answer[oas.DeleteClusterRes](h.write(ctx, oas.DeleteClusterOperation, p.IdempotencyKey, clusterPayload{ClusterID: p.ClusterId}))
}

// outcomeOnly is the result of a write whose engine method returns only
// its outcome.
type outcomeOnly struct {
	Outcome *engine.Outcome `json:"outcome"`
}

func execDeleteCluster(ctx context.Context, h *handlers, call engine.Call, p clusterPayload) (any, error) {
	out, err := h.eng.DeleteCluster(ctx, call, p.ClusterID)
	if err != nil {
		return nil, err
	}
	return outcomeOnly{Outcome: out}, nil
}

type nodeGroupPayload struct {
	ClusterID string          `json:"clusterId"`
	Group     json.RawMessage `json:"group"`
}

// CreateNodeGroup adds a node group.
func (h *handlers) CreateNodeGroup(ctx context.Context, req oas.NodeGroupSpec, p oas.CreateNodeGroupParams) (oas.CreateNodeGroupRes, error) {
	raw, err := rawObject(req)
	if err != nil {
		return nil, err
	}
	return answer[oas.CreateNodeGroupRes](h.write(ctx, oas.CreateNodeGroupOperation, p.IdempotencyKey, nodeGroupPayload{ClusterID: p.ClusterId, Group: raw}))
}

func execCreateNodeGroup(ctx context.Context, h *handlers, call engine.Call, p nodeGroupPayload) (any, error) {
	g, err := spec.LoadNodeGroup(p.Group)
	if err != nil {
		return nil, &bodyError{Field: "body", Err: err}
	}
	return h.eng.CreateNodeGroup(ctx, call, engine.NodeGroupInput{ClusterID: p.ClusterID, Group: *g})
}

type scaleOutPayload struct {
	ClusterID             string `json:"clusterId"`
	NodeGroupID           string `json:"nodeGroupId"`
	Count                 int    `json:"count"`
	MinCount              int    `json:"minCount,omitempty"`
	PaymentDurationMonths int    `json:"paymentDurationMonths,omitempty"`
}

// ScaleOut adds nodes to a node group.
func (h *handlers) ScaleOut(ctx context.Context, req *oas.ScaleOutRequest, p oas.ScaleOutParams) (oas.ScaleOutRes, error) {
	return answer[oas.ScaleOutRes](h.write(ctx, oas.ScaleOutOperation, p.IdempotencyKey, scaleOutPayload{
		ClusterID: p.ClusterId, NodeGroupID: p.NodeGroupId, Count: req.Count, MinCount: req.MinCount.Or(0), PaymentDurationMonths: req.PaymentDurationMonths.Or(0),
	}))
}

func execScaleOut(ctx context.Context, h *handlers, call engine.Call, p scaleOutPayload) (any, error) {
	in := engine.ScaleOutInput{ClusterID: p.ClusterID, NodeGroupID: p.NodeGroupID, Count: p.Count, MinCount: p.MinCount, PaymentDuration: p.PaymentDurationMonths}
	if p.PaymentDurationMonths > 0 {
		in.PaymentUnit = "Month"
	}
	return h.eng.ScaleOut(ctx, call, in)
}

type scaleInPayload struct {
	ClusterID   string   `json:"clusterId"`
	NodeGroupID string   `json:"nodeGroupId"`
	NodeIDs     []string `json:"nodeIds"`
	EmptyGroup  bool     `json:"emptyGroup,omitempty"`
}

// ScaleIn releases given nodes of a TASK node group.
func (h *handlers) ScaleIn(ctx context.Context, req *oas.ScaleInRequest, p oas.ScaleInParams) (oas.ScaleInRes, error) {
	if len(req.NodeIds) == 0 {
		return nil, inputProblem("nodeIds", "no nodes given: tokens release nodes by exact ID only", "take the IDs from GET /v1/clusters/{clusterId}/nodes?nodeGroupId=...")
	}
	return answer[oas.ScaleInRes](h.write(ctx, oas.ScaleInOperation, p.IdempotencyKey, scaleInPayload{
		ClusterID: p.ClusterId, NodeGroupID: p.NodeGroupId, NodeIDs: req.NodeIds, EmptyGroup: req.EmptyGroup.Or(false),
	}))
}

func execScaleIn(ctx context.Context, h *handlers, call engine.Call, p scaleInPayload) (any, error) {
	return h.eng.ScaleIn(ctx, call, engine.ScaleInInput{ClusterID: p.ClusterID, NodeGroupID: p.NodeGroupID, NodeIDs: p.NodeIDs, AckZero: p.EmptyGroup})
}

type putPolicyPayload struct {
	ClusterID   string                 `json:"clusterId"`
	NodeGroupID string                 `json:"nodeGroupId"`
	MinCapacity int                    `json:"minCapacity"`
	MaxCapacity int                    `json:"maxCapacity"`
	Rules       []provider.ScalingRule `json:"rules"`
}

// PutAutoScalingPolicy replaces a node group's auto scaling policy.
func (h *handlers) PutAutoScalingPolicy(ctx context.Context, req *oas.AutoScalingPolicyRequest, p oas.PutAutoScalingPolicyParams) (oas.PutAutoScalingPolicyRes, error) {
	pl := putPolicyPayload{ClusterID: p.ClusterId, NodeGroupID: p.NodeGroupId, MinCapacity: req.MinCapacity, MaxCapacity: req.MaxCapacity}
	for i, r := range req.Rules {
		raw, err := rawObject(r)
		if err != nil {
			return nil, err
		}
		var rule provider.ScalingRule
		if err := decodeStrict(fmt.Sprintf("rules[%d]", i), raw, &rule); err != nil {
			return nil, err
		}
		pl.Rules = append(pl.Rules, rule)
	}
	return answer[oas.PutAutoScalingPolicyRes](h.write(ctx, oas.PutAutoScalingPolicyOperation, p.IdempotencyKey, pl))
}

func execPutPolicy(ctx context.Context, h *handlers, call engine.Call, p putPolicyPayload) (any, error) {
	change, out, err := h.eng.PutAutoScalingPolicy(ctx, call, provider.ScalingPolicy{
		ClusterID: p.ClusterID, NodeGroupID: p.NodeGroupID, MinCapacity: p.MinCapacity, MaxCapacity: p.MaxCapacity, Rules: p.Rules,
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Change  *engine.PolicyChange `json:"change"`
		Outcome *engine.Outcome      `json:"outcome"`
	}{change, out}, nil
}

type groupPayload struct {
	ClusterID   string `json:"clusterId"`
	NodeGroupID string `json:"nodeGroupId"`
}

// RemoveAutoScalingPolicy removes a node group's auto scaling policy.
func (h *handlers) RemoveAutoScalingPolicy(ctx context.Context, p oas.RemoveAutoScalingPolicyParams) (oas.RemoveAutoScalingPolicyRes, error) {
	return answer[oas.RemoveAutoScalingPolicyRes](h.write(ctx, oas.RemoveAutoScalingPolicyOperation, p.IdempotencyKey,
		groupPayload{ClusterID: p.ClusterId, NodeGroupID: p.NodeGroupId}))
}

func execRemovePolicy(ctx context.Context, h *handlers, call engine.Call, p groupPayload) (any, error) {
	removed, out, err := h.eng.RemoveAutoScalingPolicy(ctx, call, p.ClusterID, p.NodeGroupID)
	if err != nil {
		return nil, err
	}
	return struct {
		Removed *provider.ScalingPolicy `json:"removed"`
		Outcome *engine.Outcome         `json:"outcome"`
	}{removed, out}, nil
}

type addStepPayload struct {
	ClusterID string       `json:"clusterId"`
	Step      spec.AWSStep `json:"step"`
}

// AddStep adds a step to an AWS EMR cluster.
func (h *handlers) AddStep(ctx context.Context, req oas.StepSpec, p oas.AddStepParams) (oas.AddStepRes, error) {
	raw, err := rawObject(req)
	if err != nil {
		return nil, err
	}
	pl := addStepPayload{ClusterID: p.ClusterId}
	if err := decodeStrict("body", raw, &pl.Step); err != nil {
		return nil, err
	}
	return answer[oas.AddStepRes](h.write(ctx, oas.AddStepOperation, p.IdempotencyKey, pl))
}

func execAddStep(ctx context.Context, h *handlers, call engine.Call, p addStepPayload) (any, error) {
	return h.eng.AddStep(ctx, call, p.ClusterID, p.Step)
}

type stepPayload struct {
	ClusterID string `json:"clusterId"`
	StepID    string `json:"stepId"`
}

// CancelStep cancels a step of an AWS EMR cluster.
func (h *handlers) CancelStep(ctx context.Context, p oas.CancelStepParams) (oas.CancelStepRes, error) {
	return answer[oas.CancelStepRes](h.write(ctx, oas.CancelStepOperation, p.IdempotencyKey, stepPayload{ClusterID: p.ClusterId, StepID: p.StepId}))
}

func execCancelStep(ctx context.Context, h *handlers, call engine.Call, p stepPayload) (any, error) {
	return h.eng.CancelStep(ctx, call, p.ClusterID, p.StepID)
}

// CopyToCluster copies an S3 object to the master node.
func (h *handlers) CopyToCluster(ctx context.Context, req *oas.CopyRequest, p oas.CopyToClusterParams) (oas.CopyToClusterRes, error) {
	bucket, key, err := splitS3("uri", req.URI)
	if err != nil {
		return nil, err
	}
	return answer[oas.CopyToClusterRes](h.write(ctx, oas.CopyToClusterOperation, p.IdempotencyKey,
		engine.CopyInput{ClusterID: p.ClusterId, Bucket: bucket, Key: key, Dest: req.Dest.Or("")}))
}

func execCopy(ctx context.Context, h *handlers, call engine.Call, p engine.CopyInput) (any, error) {
	return h.eng.CopyToCluster(ctx, call, p)
}

// RunScript runs a script or jar from S3 as a step.
func (h *handlers) RunScript(ctx context.Context, req *oas.RunRequest, p oas.RunScriptParams) (oas.RunScriptRes, error) {
	bucket, key, err := splitS3("uri", req.URI)
	if err != nil {
		return nil, err
	}
	in := engine.RunInput{ClusterID: p.ClusterId, Bucket: bucket, Key: key, Args: req.Args, MainClass: req.MainClass.Or(""),
		DeployMode: req.DeployMode.Or(""), Name: req.Name.Or("")}
	if c, ok := req.Conf.Get(); ok {
		in.Conf = c
	}
	return answer[oas.RunScriptRes](h.write(ctx, oas.RunScriptOperation, p.IdempotencyKey, in))
}

func execRun(ctx context.Context, h *handlers, call engine.Call, p engine.RunInput) (any, error) {
	return h.eng.RunScript(ctx, call, p)
}

// maxUpload is the largest object UploadObject takes.
const maxUpload = 64 << 20

// UploadObject stores the request body as an S3 object. The body is
// written to the server's upload directory under the hash of its
// content, so the same content has the same request (its journal entry
// and idempotency key match) and no file of the server is ever named by
// the client.
func (h *handlers) UploadObject(ctx context.Context, req oas.UploadObjectReq, p oas.UploadObjectParams) (oas.UploadObjectRes, error) {
	bucket, key, err := splitS3("uri", p.URI)
	if err != nil {
		return nil, err
	}
	path, size, err := h.spool(req.Data)
	if err != nil {
		return nil, err
	}
	// Uploads never wait for an approval (the policy asks none), so the
	// file is not needed after the write: a retry sends the body again.
	defer os.Remove(path)
	return answer[oas.UploadObjectRes](h.write(ctx, oas.UploadObjectOperation, p.IdempotencyKey,
		engine.UploadInput{Path: path, Bucket: bucket, Key: key, Size: size}))
}

// spool writes an upload's body to a file named by its SHA-256.
func (h *handlers) spool(body io.Reader) (string, int64, error) {
	if err := os.MkdirAll(h.uploadDir, 0o700); err != nil {
		return "", 0, fmt.Errorf("upload directory: %w", err)
	}
	f, err := os.CreateTemp(h.uploadDir, "part-*")
	if err != nil {
		return "", 0, fmt.Errorf("upload directory: %w", err)
	}
	defer os.Remove(f.Name())
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, sum), io.LimitReader(body, maxUpload+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("read the upload: %w", err)
	}
	if n > maxUpload {
		return "", 0, &tooLargeError{Limit: maxUpload}
	}
	path := filepath.Join(h.uploadDir, "sha256-"+hex.EncodeToString(sum.Sum(nil)))
	if err := os.Rename(f.Name(), path); err != nil {
		return "", 0, fmt.Errorf("upload directory: %w", err)
	}
	return path, n, nil
}

func execUpload(ctx context.Context, h *handlers, call engine.Call, p engine.UploadInput) (any, error) {
	return h.eng.UploadObject(ctx, call, p)
}

type sparkSubmitPayload struct {
	WorkspaceID string                    `json:"workspaceId"`
	Run         provider.SparkJobRunInput `json:"run"`
}

// SubmitSparkJobRun submits a job run to a Serverless Spark workspace.
func (h *handlers) SubmitSparkJobRun(ctx context.Context, req oas.SparkJobRunRequest, p oas.SubmitSparkJobRunParams) (oas.SubmitSparkJobRunRes, error) {
	raw, err := rawObject(req)
	if err != nil {
		return nil, err
	}
	pl := sparkSubmitPayload{WorkspaceID: p.WorkspaceId}
	if err := decodeStrict("body", raw, &pl.Run); err != nil {
		return nil, err
	}
	return answer[oas.SubmitSparkJobRunRes](h.write(ctx, oas.SubmitSparkJobRunOperation, p.IdempotencyKey, pl))
}

func execSubmitSpark(ctx context.Context, h *handlers, call engine.Call, p sparkSubmitPayload) (any, error) {
	return h.eng.SubmitSparkJob(ctx, call, p.WorkspaceID, p.Run)
}

type jobRunPayload struct {
	WorkspaceID string `json:"workspaceId"`
	JobRunID    string `json:"jobRunId"`
}

// CancelSparkJobRun cancels a job run.
func (h *handlers) CancelSparkJobRun(ctx context.Context, p oas.CancelSparkJobRunParams) (oas.CancelSparkJobRunRes, error) {
	return answer[oas.CancelSparkJobRunRes](h.write(ctx, oas.CancelSparkJobRunOperation, p.IdempotencyKey,
		jobRunPayload{WorkspaceID: p.WorkspaceId, JobRunID: p.JobRunId}))
}

func execCancelSpark(ctx context.Context, h *handlers, call engine.Call, p jobRunPayload) (any, error) {
	return h.eng.CancelSparkJobRun(ctx, call, p.WorkspaceID, p.JobRunID)
}
