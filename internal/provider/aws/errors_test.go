package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/emrctl/emrctl/internal/provider"
)

func responseError(status int, err error) error {
	return &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "req-1",
	}
}

func op(err error) error {
	return &smithy.OperationError{ServiceID: "EMR", OperationName: "RunJobFlow", Err: err}
}

func TestMapError(t *testing.T) {
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		err       error
		byID      bool
		kind      provider.Kind
		code      string
		sent      bool
		unknown   bool
		requestID string
	}{
		{name: "throttled", err: op(responseError(400, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"})),
			kind: provider.KindThrottled, code: "ThrottlingException", sent: true, requestID: "req-1"},
		{name: "no such cluster", err: op(responseError(400, &emrtypes.InvalidRequestException{Message: ptr("Cluster id 'j-X' is not valid."), ErrorCode_: ptr("NoSuchCluster")})),
			kind: provider.KindNotFound, code: "InvalidRequestException.NoSuchCluster", sent: true, requestID: "req-1"},
		{name: "invalid request naming one resource", byID: true, err: op(responseError(400, &emrtypes.InvalidRequestException{Message: ptr("bad id")})),
			kind: provider.KindNotFound, code: "InvalidRequestException", sent: true, requestID: "req-1"},
		{name: "invalid request", err: op(responseError(400, &emrtypes.InvalidRequestException{Message: ptr("bad")})),
			kind: provider.KindInvalid, code: "InvalidRequestException", sent: true, requestID: "req-1"},
		{name: "validation", err: op(responseError(400, &smithy.GenericAPIError{Code: "ValidationException"})),
			kind: provider.KindInvalid, code: "ValidationException", sent: true, requestID: "req-1"},
		{name: "access denied", err: op(responseError(403, &smithy.GenericAPIError{Code: "AccessDeniedException"})),
			kind: provider.KindDenied, code: "AccessDeniedException", sent: true, requestID: "req-1"},
		{name: "server error without an AWS body", err: op(responseError(500, &smithy.DeserializationError{Err: io.ErrUnexpectedEOF})),
			kind: provider.KindUnavailable, code: "HTTP500", sent: true, requestID: "req-1"},
		{name: "unreadable success", err: op(&smithy.DeserializationError{Err: io.ErrUnexpectedEOF}),
			kind: provider.KindUnavailable, code: "ResponseUnreadable", sent: true, unknown: true},
		{name: "connection lost after sending", err: op(&smithyhttp.RequestSendError{Err: io.EOF}),
			kind: provider.KindUnavailable, code: "ConnectionLost", sent: true, unknown: true},
		{name: "could not connect", err: op(&smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}),
			kind: provider.KindUnavailable, code: "ConnectionFailed"},
		{name: "deadline", err: op(&smithyhttp.RequestSendError{Err: context.DeadlineExceeded}),
			kind: provider.KindTimeout, code: "RequestTimeout", sent: true, unknown: true},
		{name: "cancelled", ctx: expired, err: op(&smithy.CanceledError{Err: context.Canceled}),
			kind: provider.KindUnavailable, code: "Cancelled", sent: true, unknown: true},
		{name: "rejected by the SDK before sending", err: op(smithy.InvalidParamsError{Context: "X"}),
			kind: provider.KindInvalid, code: "InvalidParameter"},
		{name: "failed before sending", err: op(fmt.Errorf("failed to refresh cached credentials, %w", errors.New("no profile"))),
			kind: provider.KindUnknown, code: "ClientError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			err := mapError(ctx, "RunJobFlow", tc.byID, tc.err)
			var ae *provider.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("got %T, want *provider.APIError", err)
			}
			if ae.Kind != tc.kind || ae.Code != tc.code || ae.Sent != tc.sent || provider.OutcomeUnknown(err) != tc.unknown || ae.RequestID != tc.requestID {
				t.Errorf("got kind %v code %q sent %v unknown %v request %q, want kind %v code %q sent %v unknown %v request %q",
					ae.Kind, ae.Code, ae.Sent, provider.OutcomeUnknown(err), ae.RequestID, tc.kind, tc.code, tc.sent, tc.unknown, tc.requestID)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the mapped error does not wrap the SDK error")
			}
		})
	}
}
