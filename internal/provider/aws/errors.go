package aws

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/emrctl/emrctl/internal/provider"
)

// mapError turns an SDK or transport error of action into a
// *provider.APIError. byID marks calls that name one resource (Describe,
// Get): there an invalid-request answer means the resource is unknown.
func mapError(ctx context.Context, action string, byID bool, err error) error {
	if err == nil {
		return nil
	}
	ae := &provider.APIError{Provider: provider.AWS, Action: action, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		ae.RequestID = re.ServiceRequestID()
		ae.HTTPStatus = re.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		ae.Code, ae.Message, ae.Sent = api.ErrorCode(), api.ErrorMessage(), true
		// EMR's InvalidRequestException carries a finer code, e.g.
		// NoSuchCluster; keep it after a dot, so advice still finds the
		// general entry.
		var ir *emrtypes.InvalidRequestException
		if errors.As(err, &ir) && ir.ErrorCode_ != nil && *ir.ErrorCode_ != "" {
			ae.Code += "." + *ir.ErrorCode_
		}
		ae.Kind = classify(ae.Code, ae.HTTPStatus, byID)
		return ae
	}
	if re != nil && ae.HTTPStatus >= 300 {
		// An error status without a readable AWS error body.
		ae.Sent = true
		ae.Kind = classify("", ae.HTTPStatus, byID)
		ae.Code = "HTTP" + strconv.Itoa(ae.HTTPStatus)
		return ae
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		// A response came but could not be read: a write may have been
		// applied.
		ae.Sent, ae.NoResponse = true, true
		ae.Kind, ae.Code = provider.KindUnavailable, "ResponseUnreadable"
		ae.Message = "the response could not be read (" + clip(de.Err, 120) + "); the request may or may not have been applied"
		return ae
	}
	var ipe smithy.InvalidParamsError
	if errors.As(err, &ipe) {
		// The SDK checked the request before sending it.
		ae.Kind, ae.Code, ae.Message = provider.KindInvalid, "InvalidParameter", strings.TrimSpace(ipe.Error())
		return ae
	}
	var se *smithyhttp.RequestSendError
	var ne net.Error
	var ce *smithy.CanceledError
	sent := errors.As(err, &se) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ce) || ctx.Err() != nil
	if !sent {
		// Failed before anything went out: credentials, signing, endpoint.
		ae.Kind, ae.Code, ae.Message = provider.KindUnknown, "ClientError", err.Error()
		return ae
	}
	ae.Sent, ae.NoResponse = true, true
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		ae.Kind, ae.Code = provider.KindTimeout, "RequestTimeout"
		ae.Message = "no response before the deadline; the request may or may not have been applied"
	case ctx.Err() != nil || errors.As(err, &ce):
		ae.Kind, ae.Code = provider.KindUnavailable, "Cancelled"
		ae.Message = "cancelled; the request may or may not have been applied"
	case isDialError(err):
		ae.Sent = false
		ae.Kind, ae.Code = provider.KindUnavailable, "ConnectionFailed"
		ae.Message = "could not connect to the endpoint; nothing was sent"
	default:
		ae.Kind, ae.Code = provider.KindUnavailable, "ConnectionLost"
		ae.Message = "the connection broke before a response arrived; the request may or may not have been applied"
	}
	return ae
}

// isDialError reports a failure to connect: the request never left.
func isDialError(err error) bool {
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &se) {
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// classify maps an AWS error code to a kind. It matches codes, never text.
func classify(code string, status int, byID bool) provider.Kind {
	base, detail, _ := strings.Cut(code, ".")
	switch {
	case base == "ThrottlingException" || base == "Throttling" || base == "TooManyRequestsException" ||
		base == "RequestLimitExceeded" || base == "SlowDown" || status == 429:
		return provider.KindThrottled
	case base == "ResourceNotFoundException" || base == "NoSuchKey" || base == "NoSuchBucket" || base == "NotFound" ||
		detail == "NoSuchCluster" || detail == "ResourceNotFound":
		return provider.KindNotFound
	case base == "InvalidRequestException" && byID && detail == "":
		return provider.KindNotFound
	case base == "ConflictException" || base == "ConcurrentModificationException":
		return provider.KindConflict
	case base == "ServiceQuotaExceededException" || base == "LimitExceededException":
		return provider.KindQuota
	case base == "AccessDeniedException" || base == "AccessDenied" || base == "UnauthorizedOperation":
		return provider.KindDenied
	case base == "UnrecognizedClientException" || base == "InvalidSignatureException" || base == "SignatureDoesNotMatch" ||
		base == "ExpiredTokenException" || base == "InvalidAccessKeyId" || base == "InvalidClientTokenId" || base == "MissingAuthenticationToken":
		return provider.KindAuth
	case base == "ValidationException" || base == "InvalidRequestException" || base == "InvalidParameterValue" ||
		base == "InvalidParameterException" || base == "MalformedPolicyDocument":
		return provider.KindInvalid
	case base == "InternalServerException" || base == "InternalServerError" || base == "InternalFailure" ||
		base == "ServiceUnavailable" || status >= 500:
		return provider.KindUnavailable
	case status == 404:
		return provider.KindNotFound
	case status == 403:
		return provider.KindDenied
	}
	return provider.KindUnknown
}

// clip is err's text cut to n bytes, for a cause inside a longer message.
func clip(err error, n int) string {
	if err == nil {
		return "no detail"
	}
	s := err.Error()
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// invalid is bad input the adapter finds before sending action: nothing
// was sent. Its message names the field and the fix.
func invalid(action, field, problem, fix string) error {
	return &provider.APIError{Provider: provider.AWS, Action: action, Kind: provider.KindInvalid, Code: "InvalidParameter",
		Message: field + ": " + problem + "; " + fix}
}
