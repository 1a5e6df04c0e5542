package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-faster/jx"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// A write route is decoded by its handler into a payload, then run by the
// route's exec function. The payload is everything exec needs, so a write
// queued for an approver is run again, after the approval, from the
// payload alone (sealed in the approval store) by the same function.

// execFunc runs one write route from its payload (JSON).
type execFunc func(ctx context.Context, h *handlers, call engine.Call, payload []byte) (any, error)

// typed adapts a typed exec function of payload P.
func typed[P any](f func(ctx context.Context, h *handlers, call engine.Call, p P) (any, error)) execFunc {
	return func(ctx context.Context, h *handlers, call engine.Call, payload []byte) (any, error) {
		var p P
		if err := json.Unmarshal(payload, &p); err != nil {
			return nil, fmt.Errorf("the request to run: %w", err)
		}
		return f(ctx, h, call, p)
	}
}

// execs are the write routes by operation name; an approval's Route is
// one of these names.
var execs = map[oas.OperationName]execFunc{
	oas.CreateClusterOperation:           typed(execCreateCluster),
	oas.DeleteClusterOperation:           typed(execDeleteCluster),
	oas.CreateNodeGroupOperation:         typed(execCreateNodeGroup),
	oas.ScaleOutOperation:                typed(execScaleOut),
	oas.ScaleInOperation:                 typed(execScaleIn),
	oas.PutAutoScalingPolicyOperation:    typed(execPutPolicy),
	oas.RemoveAutoScalingPolicyOperation: typed(execRemovePolicy),
	oas.AddStepOperation:                 typed(execAddStep),
	oas.CancelStepOperation:              typed(execCancelStep),
	oas.CopyToClusterOperation:           typed(execCopy),
	oas.RunScriptOperation:               typed(execRun),
	oas.UploadObjectOperation:            typed(execUpload),
	oas.SubmitSparkJobRunOperation:       typed(execSubmitSpark),
	oas.CancelSparkJobRunOperation:       typed(execCancelSpark),
}

// envelope is what an approval keeps to run a write again: the route's
// payload and the idempotency key of the original request.
type envelope struct {
	Key     string          `json:"idempotencyKey,omitempty"`
	Payload json.RawMessage `json:"payload"`
}

// restClient names the REST API in the journal.
const restClient = "rest"

// serviceActor is the actor of a token's writes.
func serviceActor(name string) policy.Actor {
	return policy.Actor{Kind: policy.Service, Name: name, Client: restClient}
}

// written is a write's answer: done, or queued for an approver.
type written struct {
	done   *oas.WriteResult
	queued *oas.WriteQueuedHeaders
}

// answer returns w as the route's result type R.
func answer[R any](w *written, err error) (R, error) {
	var zero R
	switch {
	case err != nil:
		return zero, err
	case w.queued != nil:
		return any(w.queued).(R), nil
	}
	return any(w.done).(R), nil
}

// write runs a write route for the token in ctx: the Idempotency-Key is
// checked, a confirmation goes to the approval queue, and the work runs
// detached from the client's connection (a client that hangs up does not
// cut a write in half: its outcome is journaled, and a retry with the
// same key gets it), within the server's write timeout.
func (h *handlers) write(ctx context.Context, op oas.OperationName, key oas.OptString, payload any) (*written, error) {
	k := key.Or("")
	if err := engine.CheckIdempotencyKey(headerIdempotencyKey, k); err != nil {
		return nil, err
	}
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return nil, errors.New("write without an authenticated token")
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	env, err := json.Marshal(envelope{Key: k, Payload: raw})
	if err != nil {
		return nil, err
	}
	call := engine.Call{Actor: serviceActor(p.Name), IdempotencyKey: k, Queued: true}
	if h.approvals != nil {
		call.Confirm = &approval.Asker{Store: h.approvals, Route: string(op), Key: k, Payload: env, RequestedBy: p.Name, Via: restClient}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.writeTimeout)
	defer cancel()
	res, err := execs[op](wctx, h, call, raw)
	var pending *approval.PendingError
	if errors.As(err, &pending) {
		a := approvalOf(pending.Approval)
		return &written{queued: &oas.WriteQueuedHeaders{Location: oas.NewOptString(a.Links.Self), Response: a}}, nil
	}
	if err != nil {
		return nil, err
	}
	done, err := h.writeResultOf(op, res)
	if err != nil {
		return nil, err
	}
	return &written{done: done}, nil
}

// headerIdempotencyKey names the header in input problems.
const headerIdempotencyKey = "Idempotency-Key"

// writeResultOf is the answer of a finished write: the outcome's status,
// journal entry and request ID on top, the engine's whole result below.
func (h *handlers) writeResultOf(op oas.OperationName, res any) (*oas.WriteResult, error) {
	raw, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	raw = h.secrets.JSON(raw)
	var top struct {
		Outcome *engine.Outcome `json:"outcome"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	out := &oas.WriteResult{Operation: string(op), Status: engine.StatusSent, Result: jx.Raw(raw)}
	if o := top.Outcome; o != nil {
		out.Status, out.Note = o.Status, optString(o.Note)
		if o.JournalID != 0 {
			out.JournalId = oas.NewOptInt64(o.JournalID)
		}
		if o.Result != nil {
			out.RequestId = optString(o.Result.RequestID)
		}
	}
	return out, nil
}

// bodyError is a request body that does not decode into what the route
// takes.
type bodyError struct {
	Field string
	Err   error
}

func (e *bodyError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *bodyError) Unwrap() error { return e.Err }

// rawObject turns ogen's free-form object back into JSON.
// (jx.Raw is a []byte, which encoding/json would write as base64.)
func rawObject(m map[string]jx.Raw) (json.RawMessage, error) {
	var e jx.Encoder
	e.ObjStart()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.FieldStart(k)
		e.Raw(m[k])
	}
	e.ObjEnd()
	if !json.Valid(e.Bytes()) {
		return nil, &bodyError{Field: "body", Err: errors.New("not a JSON object")}
	}
	return e.Bytes(), nil
}

// decodeStrict decodes raw into v; unknown fields are errors.
func decodeStrict(field string, raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return &bodyError{Field: field, Err: err}
	}
	return nil
}

// splitS3 reads s3://bucket/key.
func splitS3(field, uri string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, key, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", inputProblem(field, fmt.Sprintf("%q is not an S3 object URI", uri), "write s3://bucket/key")
	}
	return bucket, key, nil
}

// tooLargeError is a request body over a route's limit.
type tooLargeError struct{ Limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the body is larger than %d MiB: upload larger objects with the AWS CLI", e.Limit>>20)
}
