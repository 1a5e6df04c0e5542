package emulator

import (
	"fmt"
	"net/http"
)

// apiError is an error the emulator returns on the wire, in the shape of
// the real POP gateway: an HTTP status and a body with RequestId, HostId,
// Code, Message and Recommend.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func errInvalidParameter(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "InvalidParameter", format, args...)
}

func errMissing(code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, code, format, args...)
}

func errNotFound(code, format string, args ...any) *apiError {
	return newError(http.StatusNotFound, code, format, args...)
}

func errDenied(code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, code, format, args...)
}

// errorBody is the JSON body of an RPC error response.
type errorBody struct {
	RequestId string `json:"RequestId"`
	HostId    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// roaErrorBody is the JSON body of an ROA (Serverless Spark) error response,
// which uses lower-case keys. Code is null where the real service sends
// none: the skill documents List* calls on a workspace that does not exist
// or is not the caller's answering an error without a code.
type roaErrorBody struct {
	RequestId string  `json:"requestId"`
	Code      *string `json:"code"`
	Message   string  `json:"message"`
}
