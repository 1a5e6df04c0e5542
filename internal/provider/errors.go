package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies an error for callers that branch on it.
type Kind int

// Error kinds.
const (
	KindUnknown     Kind = iota
	KindNotFound         // the resource does not exist
	KindThrottled        // rate limited; retry later
	KindConflict         // state does not allow it now (ConcurrentModification, OperationDenied.ClusterStatus)
	KindInvalid          // a parameter is wrong or missing
	KindDenied           // not permitted (RAM, protection, unsupported on this resource)
	KindQuota            // quota, stock or balance
	KindAuth             // credentials or signature
	KindUnavailable      // the service failed or could not be reached
	KindTimeout          // no answer within the deadline
)

var kindNames = map[Kind]string{
	KindUnknown: "unknown", KindNotFound: "not found", KindThrottled: "throttled", KindConflict: "conflict",
	KindInvalid: "invalid parameter", KindDenied: "denied", KindQuota: "quota", KindAuth: "authentication",
	KindUnavailable: "unavailable", KindTimeout: "timeout",
}

func (k Kind) String() string { return kindNames[k] }

// Sentinel errors, matched with errors.Is against an *APIError of that kind.
var (
	ErrNotFound    = errors.New("not found")
	ErrThrottled   = errors.New("throttled")
	ErrConflict    = errors.New("conflict")
	ErrInvalid     = errors.New("invalid parameter")
	ErrDenied      = errors.New("denied")
	ErrQuota       = errors.New("quota exceeded")
	ErrAuth        = errors.New("authentication failed")
	ErrUnavailable = errors.New("service unavailable")
	ErrTimeout     = errors.New("timed out")
	// ErrUnsupported is returned for capabilities a provider lacks.
	ErrUnsupported = errors.New("not supported by this provider")
)

var kindErrors = map[Kind]error{
	KindNotFound: ErrNotFound, KindThrottled: ErrThrottled, KindConflict: ErrConflict, KindInvalid: ErrInvalid,
	KindDenied: ErrDenied, KindQuota: ErrQuota, KindAuth: ErrAuth, KindUnavailable: ErrUnavailable, KindTimeout: ErrTimeout,
}

// APIError is an error from a cloud API (or from reaching it).
type APIError struct {
	Provider   string
	Action     string
	Kind       Kind
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	// RetryAfter is the cool-down the service asked for, if any.
	RetryAfter time.Duration
	// Sent reports that the request may have reached the service: for a
	// write with no response the outcome is unknown.
	Sent bool
	// NoResponse reports that no response was read (timeout, reset).
	NoResponse bool
	Err        error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Provider, e.Action)
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *APIError) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *APIError) Is(target error) bool {
	return kindErrors[e.Kind] == target
}

// OutcomeUnknown reports whether err means a request may or may not have
// been applied: it was sent and no answer came back.
func OutcomeUnknown(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Sent && ae.NoResponse
}

// CodeOf returns the cloud error code of err, if any.
func CodeOf(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// KindOf returns the kind of err (KindUnknown when it is not an APIError).
func KindOf(err error) Kind {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return KindUnknown
}
