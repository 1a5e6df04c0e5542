package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ogen-go/ogen/ogenerrors"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// The problem classes: one type URI each, stable across releases.
const (
	TypeInput                = oas.ProblemTypeHTTPSEmrctlDevProblemsInput
	TypeUnauthenticated      = oas.ProblemTypeHTTPSEmrctlDevProblemsUnauthenticated
	TypeForbidden            = oas.ProblemTypeHTTPSEmrctlDevProblemsForbidden
	TypeNotFound             = oas.ProblemTypeHTTPSEmrctlDevProblemsNotFound
	TypeMethodNotAllowed     = oas.ProblemTypeHTTPSEmrctlDevProblemsMethodNotAllowed
	TypePolicyRefusal        = oas.ProblemTypeHTTPSEmrctlDevProblemsPolicyRefusal
	TypeConfirmationRequired = oas.ProblemTypeHTTPSEmrctlDevProblemsConfirmationRequired
	TypeConflict             = oas.ProblemTypeHTTPSEmrctlDevProblemsConflict
	TypeOutcomeUnknown       = oas.ProblemTypeHTTPSEmrctlDevProblemsOutcomeUnknown
	TypeCloud                = oas.ProblemTypeHTTPSEmrctlDevProblemsCloud
	TypeRateLimited          = oas.ProblemTypeHTTPSEmrctlDevProblemsRateLimited
	TypeUnsupported          = oas.ProblemTypeHTTPSEmrctlDevProblemsUnsupported
	TypeUnavailable          = oas.ProblemTypeHTTPSEmrctlDevProblemsUnavailable
	TypeTimeout              = oas.ProblemTypeHTTPSEmrctlDevProblemsTimeout
	TypeTooLarge             = oas.ProblemTypeHTTPSEmrctlDevProblemsTooLarge
	TypeInternal             = oas.ProblemTypeHTTPSEmrctlDevProblemsInternal
)

// titles are the short summaries of each class.
var titles = map[oas.ProblemType]string{
	TypeInput:                "The input has problems; nothing was sent",
	TypeUnauthenticated:      "A valid bearer token is required",
	TypeForbidden:            "The token's role may not do this",
	TypeNotFound:             "Not found",
	TypeMethodNotAllowed:     "Method not allowed",
	TypePolicyRefusal:        "Refused by emrctl's safety policy; nothing was sent",
	TypeConfirmationRequired: "A person must confirm this operation",
	TypeConflict:             "Conflicts with another request",
	TypeOutcomeUnknown:       "The outcome of the write is unknown",
	TypeCloud:                "The cloud refused the request",
	TypeRateLimited:          "Too many requests for this token",
	TypeUnsupported:          "Not supported by the configured provider",
	TypeUnavailable:          "Not ready to serve",
	TypeTimeout:              "The cloud did not answer in time",
	TypeTooLarge:             "The request body is too large",
	TypeInternal:             "Internal error",
}

// problem builds a problem of class t with HTTP status code.
func problem(t oas.ProblemType, status int, detail string) *oas.ProblemStatusCode {
	p := oas.Problem{Type: t, Title: titles[t], Status: status}
	if detail != "" {
		p.Detail = oas.NewOptString(detail)
	}
	return &oas.ProblemStatusCode{StatusCode: status, Response: p}
}

// inputProblem is a 400 naming one field.
func inputProblem(field, what, fix string) *oas.ProblemStatusCode {
	p := problem(TypeInput, http.StatusBadRequest, field+": "+what)
	p.Response.Errors = []oas.FieldProblem{{Field: field, Problem: what, Fix: optString(fix)}}
	return p
}

// forbiddenError is a token whose role does not allow an operation.
type forbiddenError struct {
	Role      auth.Role
	Operation string
	Need      string
}

func (e *forbiddenError) Error() string {
	return fmt.Sprintf("the token's role %s may not %s (%s); use a token whose role may", e.Role, e.Need, e.Operation)
}

// rateLimitedError is a token over its request rate.
type rateLimitedError struct {
	RetryAfter time.Duration
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("too many requests with this token; wait %d s before the next one", e.seconds())
}

func (e *rateLimitedError) seconds() int {
	return max(1, int((e.RetryAfter+time.Second-1)/time.Second))
}

// cursorError is a cursor this server did not issue for this list.
type cursorError struct{ Reason string }

func (e *cursorError) Error() string { return "cursor: " + e.Reason }

// problemFor maps an error from the engine, the journal, ogen or the
// authentication to a problem. Every text in it is scrubbed of secrets.
func problemFor(ctx context.Context, err error, secrets *redact.Registry) *oas.ProblemStatusCode {
	p := scrubbedProblem(err, secrets)
	r := &p.Response
	if info := infoFrom(ctx); info != nil {
		r.Instance = oas.NewOptString(info.path)
		info.problem = r.Type
		switch p.StatusCode {
		case http.StatusUnauthorized:
			info.header.Set("WWW-Authenticate", `Bearer realm="emrctl"`)
		case http.StatusTooManyRequests:
			if v, ok := r.RetryAfter.Get(); ok {
				info.header.Set("Retry-After", strconv.Itoa(v))
			}
		}
	}
	return p
}

// scrubbedProblem is the problem of err, every text in it scrubbed of
// secrets.
func scrubbedProblem(err error, secrets *redact.Registry) *oas.ProblemStatusCode {
	p := classify(err)
	r := &p.Response
	scrub := func(o *oas.OptString) {
		if v, ok := o.Get(); ok {
			o.SetTo(secrets.String(v))
		}
	}
	scrub(&r.Detail)
	scrub(&r.Code)
	scrub(&r.RequestId)
	scrub(&r.Advice)
	for i := range r.Errors {
		r.Errors[i].Field = secrets.String(r.Errors[i].Field)
		r.Errors[i].Problem = secrets.String(r.Errors[i].Problem)
		scrub(&r.Errors[i].Fix)
	}
	return p
}

// classify picks the problem class of err.
func classify(err error) *oas.ProblemStatusCode {
	var (
		ps  *oas.ProblemStatusCode
		fe  *forbiddenError
		rl  *rateLimitedError
		ce  *cursorError
		dpe *ogenerrors.DecodeParamError
		ie  *engine.InputError
		pe  *engine.PolicyError
		ou  *engine.OutcomeUnknownError
		ct  *engine.CannotTellError
		kc  *engine.KeyConflictError
		be  *engine.BusyError
		ae  *provider.APIError
		ue  *provider.UnreachableError
		be2 *bodyError
		dre *ogenerrors.DecodeRequestError
		tl  *tooLargeError
		mb  *http.MaxBytesError
		rg  *requesterGoneError
		de  *approval.DecidedError
		an  *approval.AnswerError
		st  *approval.StaleError
	)
	switch {
	case errors.As(err, &ps):
		return ps
	case errors.As(err, &tl):
		return problem(TypeTooLarge, http.StatusRequestEntityTooLarge, tl.Error())
	case errors.As(err, &rg):
		return problem(TypeForbidden, http.StatusForbidden, rg.Error())
	case errors.As(err, &mb):
		return problem(TypeTooLarge, http.StatusRequestEntityTooLarge, fmt.Sprintf("the JSON body is larger than %d KiB", mb.Limit>>10))
	case errors.As(err, &be2):
		return inputProblem(be2.Field, be2.Err.Error(), "see the request body's schema in /openapi.json")
	case errors.As(err, &dre):
		return inputProblem("body", dre.Err.Error(), "send the JSON body the route's schema in /openapi.json describes")
	case errors.Is(err, approval.ErrNotFound):
		return problem(TypeNotFound, http.StatusNotFound, "no such approval: it may have been removed, or the id is wrong")
	case errors.Is(err, approval.ErrSelfApproval):
		return problem(TypeForbidden, http.StatusForbidden, err.Error()+": another approver must decide it")
	case errors.As(err, &de):
		p := problem(TypeConflict, http.StatusConflict, de.Error())
		p.Response.Code = oas.NewOptString("approval-" + string(de.Status))
		return p
	case errors.As(err, &an):
		return inputProblem(an.Field, an.Problem, "answer what the approval's question asks for")
	case errors.As(err, &st):
		p := problem(TypeConflict, http.StatusConflict, st.Error())
		p.Response.Code = oas.NewOptString("approval-stale")
		return p
	case errors.As(err, &fe):
		return problem(TypeForbidden, http.StatusForbidden, fe.Error())
	case errors.As(err, &rl):
		p := problem(TypeRateLimited, http.StatusTooManyRequests, rl.Error())
		p.Response.RetryAfter = oas.NewOptInt(rl.seconds())
		return p
	case errors.Is(err, auth.ErrUnauthenticated), errors.Is(err, ogenerrors.ErrSecurityRequirementIsNotSatisfied):
		return problem(TypeUnauthenticated, http.StatusUnauthorized,
			"send a token made by 'emrctl token create' in the Authorization header, with the scheme Bearer; it must not be expired or revoked")
	case errors.As(err, &ce):
		return inputProblem("cursor", ce.Reason, "pass the nextCursor of the previous page of the same list and filters, or leave cursor out to start again")
	case errors.As(err, &dpe):
		return inputProblem(dpe.Name, dpe.Err.Error(), fixFor(dpe.Name))
	case errors.As(err, &ie):
		p := problem(TypeInput, http.StatusBadRequest, "the input has problems; nothing was sent")
		for _, fp := range ie.Problems {
			if !fp.Warning {
				p.Response.Errors = append(p.Response.Errors, oas.FieldProblem{Field: fp.Field, Problem: fp.Problem, Fix: optString(fp.Fix)})
			}
		}
		return p
	case errors.As(err, &pe):
		return problem(TypePolicyRefusal, http.StatusForbidden, pe.Error())
	case errors.Is(err, engine.ErrNotConfirmed):
		return problem(TypeConfirmationRequired, http.StatusConflict, err.Error())
	case errors.As(err, &ou):
		p := problem(TypeOutcomeUnknown, http.StatusBadGateway, ou.Error())
		p.Response.JournalId = oas.NewOptInt64(ou.JournalID)
		return p
	case errors.As(err, &ct):
		p := problem(TypeOutcomeUnknown, http.StatusConflict, ct.Error())
		p.Response.JournalId = oas.NewOptInt64(ct.JournalID)
		return p
	case errors.As(err, &kc), errors.As(err, &be):
		return problem(TypeConflict, http.StatusConflict, err.Error())
	case errors.Is(err, provider.ErrUnsupported):
		return problem(TypeUnsupported, http.StatusNotImplemented, err.Error())
	case errors.Is(err, provider.ErrNotFound), errors.Is(err, journal.ErrNotFound):
		return problem(TypeNotFound, http.StatusNotFound, err.Error())
	case errors.As(err, &ue):
		p := problem(TypeCloud, http.StatusBadGateway, err.Error())
		p.Response.Code = oas.NewOptString("EndpointUnreachable")
		p.Response.Advice = oas.NewOptString("nothing was sent; check the endpoint (the profile) and the network")
		return p
	case errors.Is(err, provider.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return problem(TypeTimeout, http.StatusGatewayTimeout, err.Error())
	case errors.As(err, &ae):
		p := problem(TypeCloud, http.StatusBadGateway, err.Error())
		p.Response.Code = optString(ae.Code)
		p.Response.RequestId = optString(ae.RequestID)
		p.Response.Advice = optString(provider.Advice(ae.Code))
		return p
	case errors.Is(err, provider.ErrInvalid):
		return problem(TypeInput, http.StatusBadRequest, err.Error())
	}
	return problem(TypeInternal, http.StatusInternalServerError, "an error emrctl did not expect; the server log has the details")
}

// fixFor says how to fix a query or path parameter ogen rejected.
func fixFor(name string) string {
	if name == "limit" {
		return fmt.Sprintf("use a whole number from 1 to %d", maxLimit)
	}
	return "see the parameter in /openapi.json"
}

func optString(s string) oas.OptString {
	if s == "" {
		return oas.OptString{}
	}
	return oas.NewOptString(s)
}
