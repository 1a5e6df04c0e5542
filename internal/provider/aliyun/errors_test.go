package aliyun

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/provider"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestMapError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		kind       provider.Kind
		code       string
		sent, lost bool
	}{
		{"client error", &openapi.ClientError{Code: dara.String("InvalidParameter"), StatusCode: dara.Int(400), RequestId: dara.String("R1"), Data: map[string]interface{}{"Message": "bad"}}, provider.KindInvalid, "InvalidParameter", true, false},
		{"throttled", &openapi.ThrottlingError{Code: dara.String("Throttling.User"), StatusCode: dara.Int(400), RetryAfter: dara.Int64(1000)}, provider.KindThrottled, "Throttling.User", true, false},
		{"state conflict", &openapi.ClientError{Code: dara.String("ConcurrentModification"), StatusCode: dara.Int(400)}, provider.KindConflict, "ConcurrentModification", true, false},
		{"not found", &openapi.ClientError{Code: dara.String("ClusterNotFound"), StatusCode: dara.Int(404)}, provider.KindNotFound, "ClusterNotFound", true, false},
		{"server error", &openapi.ServerError{Code: dara.String("InternalError"), StatusCode: dara.Int(500)}, provider.KindUnavailable, "InternalError", true, false},
		{"read timeout", &url.Error{Op: "Post", URL: "http://x", Err: timeoutErr{}}, provider.KindTimeout, "RequestTimeout", true, true},
		{"connection refused", &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}, provider.KindUnavailable, "ConnectionFailed", false, true},
		{"connection reset", &url.Error{Op: "Post", URL: "http://x", Err: errors.New("EOF")}, provider.KindUnavailable, "ConnectionLost", true, true},
		{"no credentials", errors.New("unable to get credentials from any of the providers in the chain"), provider.KindAuth, "CredentialsUnavailable", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mapError(context.Background(), "RunCluster", tt.err)
			var ae *provider.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("got %T, want *provider.APIError", err)
			}
			if ae.Kind != tt.kind || ae.Code != tt.code || ae.Sent != tt.sent || ae.NoResponse != tt.lost {
				t.Errorf("got kind %v code %s sent %v lost %v, want %v %s %v %v", ae.Kind, ae.Code, ae.Sent, ae.NoResponse, tt.kind, tt.code, tt.sent, tt.lost)
			}
			if provider.OutcomeUnknown(err) != (tt.sent && tt.lost) {
				t.Errorf("OutcomeUnknown: got %v, want %v", provider.OutcomeUnknown(err), tt.sent && tt.lost)
			}
		})
	}
}
