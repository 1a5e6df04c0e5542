// Package aliyun is the Alibaba Cloud adapter: EMR on ECS (2021-03-20), the
// VPC and ECS look-ups for prerequisites, and later Serverless Spark. It
// calls the official generic client (darabonba-openapi CallApi) with
// parameters placed exactly as the contracts in internal/contract say.
//
// Safety properties of the transport: SDK retries are off (emrctl decides
// what to retry), every call has a connect and a read timeout, and the
// SDK's DEBUG logging is never enabled (it prints credentials to stdout).
package aliyun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
)

// Config configures a Client.
type Config struct {
	Region string
	// Endpoint overrides the host (and port) of every product, e.g. the
	// address of 'emrctl sandbox serve'. Empty: the real endpoints.
	Endpoint string
	// Insecure uses HTTP instead of HTTPS (only for a local emulator).
	Insecure bool
	// Credential signs requests.
	Credential credentials.Credential
	// Transport carries requests; nil means a default HTTP transport. The
	// sandbox passes the emulator's in-process transport here.
	Transport http.RoundTripper
	// UserAgent is appended to the SDK's user agent.
	UserAgent      string
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// Client calls Alibaba Cloud APIs.
type Client struct {
	cfg  Config
	http *http.Client

	mu sync.Mutex
	// idle holds each product's generic clients between calls. A call
	// takes one for itself: the generic client writes its own fields while
	// it sends (GetRpcHeaders resets Headers), so concurrent reads (fleet
	// scans, parallel MCP calls) must not share one.
	idle map[contract.Product][]*openapi.Client

	// viaMap decodes JSON bodies the generic client's way (the "json" body
	// type, then a round trip into resp); tests compare it with decodeBody.
	viaMap bool
}

// NewClient returns a Client. Timeouts default to 10 s (connect) and 30 s
// (read): the generic client has none of its own and would hang forever on
// a server that never answers.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Region == "" {
		return nil, errors.New("aliyun: no region: pass --region or set one in the profile")
	}
	if cfg.Credential == nil {
		return nil, errors.New("aliyun: no credentials")
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	tr := cfg.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   cfg.ConnectTimeout,
			ResponseHeaderTimeout: cfg.ReadTimeout,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
		}
	}
	return &Client{
		cfg:  cfg,
		http: &http.Client{Transport: tr, Timeout: cfg.ConnectTimeout + cfg.ReadTimeout},
		idle: map[contract.Product][]*openapi.Client{},
	}, nil
}

// Region returns the client's region.
func (c *Client) Region() string { return c.cfg.Region }

// httpClient adapts net/http to the SDK's HttpClient interface, so the SDK
// never builds (or shares) a transport of its own.
type httpClient struct{ c *http.Client }

func (h httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return h.c.Do(req)
}

// api takes a generic client of product p for one call; put gives it back.
func (c *Client) api(p contract.Product, spec *contract.Spec) (*openapi.Client, error) {
	c.mu.Lock()
	if free := c.idle[p]; len(free) > 0 {
		cl := free[len(free)-1]
		c.idle[p] = free[:len(free)-1]
		c.mu.Unlock()
		return cl, nil
	}
	c.mu.Unlock()
	return c.newAPI(spec)
}

func (c *Client) put(p contract.Product, cl *openapi.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idle[p] = append(c.idle[p], cl)
}

func (c *Client) newAPI(spec *contract.Spec) (*openapi.Client, error) {
	protocol := "HTTPS"
	if c.cfg.Insecure {
		protocol = "HTTP"
	}
	endpoint := c.cfg.Endpoint
	if endpoint == "" {
		endpoint = Endpoint(spec, c.cfg.Region)
	}
	cl, err := openapi.NewClient(&openapi.Config{
		Credential:     c.cfg.Credential,
		Endpoint:       dara.String(endpoint),
		Protocol:       dara.String(protocol),
		RegionId:       dara.String(c.cfg.Region),
		UserAgent:      dara.String(c.cfg.UserAgent),
		ConnectTimeout: dara.Int(int(c.cfg.ConnectTimeout / time.Millisecond)),
		ReadTimeout:    dara.Int(int(c.cfg.ReadTimeout / time.Millisecond)),
		HttpClient:     httpClient{c.http},
		RetryOptions:   &dara.RetryOptions{Retryable: false},
	})
	if err != nil {
		return nil, fmt.Errorf("aliyun: %w", err)
	}
	// Keep the typed errors (ClientError, ThrottlingError, ...) instead of
	// the flattened tea.SDKError, and transport errors as they are.
	cl.DisableSDKError = dara.Bool(true)
	return cl, nil
}

// Endpoint returns the host of a product in a region, from the contract's
// endpoint map or its regional pattern.
func Endpoint(spec *contract.Spec, region string) string {
	if h, ok := spec.Endpoint.Map[region]; ok {
		return h
	}
	return spec.Endpoint.ProductID + "." + region + ".aliyuncs.com"
}

// Call invokes action of product p with req (a wire request struct) and
// decodes the response body into resp.
func (c *Client) Call(ctx context.Context, p contract.Product, action string, req, resp any) error {
	return c.call(ctx, p, action, req, resp, nil)
}

// call is Call with adjust, when not nil, changing the encoded request
// before it is sent.
func (c *Client) call(ctx context.Context, p contract.Product, action string, req, resp any, adjust func(*contract.Action, *openapiutil.OpenApiRequest)) error {
	// Requests only: the client never reads a contract's response trees.
	spec, err := contract.LoadRequests(p)
	if err != nil {
		return err
	}
	a := spec.Action(action)
	if a == nil {
		return fmt.Errorf("aliyun: %s has no action %s", spec.Product, action)
	}
	oreq, pathname, err := Encode(spec, a, req)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(a, oreq)
	}
	params := &openapiutil.Params{
		Action: dara.String(a.Name), Version: dara.String(a.Version), Protocol: dara.String(a.Protocol),
		Pathname: dara.String(pathname), Method: dara.String(a.Method), AuthType: dara.String(a.AuthType),
		Style: dara.String(a.Style), ReqBodyType: dara.String(a.ReqBodyType), BodyType: dara.String(a.BodyType),
	}
	return c.send(ctx, p, spec, params, oreq, resp)
}

// send sends a request with the product's client, signature, timeouts and
// error mapping, and decodes the response body into resp.
func (c *Client) send(ctx context.Context, p contract.Product, spec *contract.Spec, params *openapiutil.Params, oreq *openapiutil.OpenApiRequest, resp any) error {
	cl, err := c.api(p, spec)
	if err != nil {
		return err
	}
	defer c.put(p, cl)
	runtime := &dara.RuntimeOptions{
		ReadTimeout:    dara.Int(int(c.cfg.ReadTimeout / time.Millisecond)),
		ConnectTimeout: dara.Int(int(c.cfg.ConnectTimeout / time.Millisecond)),
		Autoretry:      dara.Bool(false),
	}
	name := dara.StringValue(params.Action)
	if c.viaMap || dara.StringValue(params.BodyType) != "json" {
		out, err := cl.CallApiWithCtx(ctx, params, oreq, runtime)
		if err != nil {
			return mapError(ctx, name, err)
		}
		return decodeValue(name, out["body"], resp)
	}
	// "binary" changes nothing on the wire or in the error answers (the
	// client builds those before it looks at the body type); it only hands
	// back the body unread, which is decoded once, into resp. With "json"
	// the body went through a generic map and two more JSON round trips.
	raw := *params
	raw.BodyType = dara.String("binary")
	out, err := cl.CallApiWithCtx(ctx, &raw, oreq, runtime)
	if err != nil {
		return mapError(ctx, name, err)
	}
	body, _ := out["body"].(io.Reader)
	return decodeBody(ctx, name, body, resp)
}

// decodeValue decodes a body the generic client has already parsed.
func decodeValue(name string, body, resp any) error {
	if resp == nil {
		return nil
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("aliyun %s: decode response: %w", name, err)
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		return fmt.Errorf("aliyun %s: decode response: %w", name, err)
	}
	return nil
}

// decodeBody decodes a JSON response body into resp (nil: read and check
// it only) as the generic client's "json" body type would end up: a body
// that is not JSON fails like a transport error, an empty one or one that
// is not an object leaves resp as it is.
func decodeBody(ctx context.Context, name string, body io.Reader, resp any) error {
	raw, err := readJSON(body)
	if err != nil {
		return mapError(ctx, name, err)
	}
	if resp == nil || !isObject(raw) {
		return nil
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		return fmt.Errorf("aliyun %s: decode response: %w", name, err)
	}
	return nil
}

// readJSON reads body and returns its first JSON value (nil when the body
// is empty), with the read and syntax errors of the generic client's own
// reader, which also ignores anything after that value.
func readJSON(body io.Reader) (json.RawMessage, error) {
	if body == nil {
		return nil, nil
	}
	if c, ok := body.(io.Closer); ok {
		defer c.Close()
	}
	b, err := io.ReadAll(body)
	if err != nil || len(b) == 0 {
		return nil, err
	}
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// sdkError is what every error type of the generic client offers.
type sdkError interface {
	GetCode() *string
	GetStatusCode() *int
	GetRequestId() *string
	GetData() map[string]interface{}
}

type retryAfter interface{ GetRetryAfter() *int64 }

// mapError turns an SDK or transport error into a *provider.APIError.
func mapError(ctx context.Context, action string, err error) error {
	ae := &provider.APIError{Provider: provider.Aliyun, Action: action, Err: err}
	var se sdkError
	if errors.As(err, &se) {
		ae.Code = dara.StringValue(se.GetCode())
		if ae.Code == "<nil>" {
			ae.Code = "" // the generic client's text for an answer without a code
		}
		ae.HTTPStatus = dara.IntValue(se.GetStatusCode())
		ae.RequestID = dara.StringValue(se.GetRequestId())
		if m, ok := se.GetData()["Message"].(string); ok {
			ae.Message = m
		} else if m, ok := se.GetData()["message"].(string); ok {
			ae.Message = m
		}
		if ra, ok := err.(retryAfter); ok && ra.GetRetryAfter() != nil {
			ae.RetryAfter = time.Duration(*ra.GetRetryAfter()) * time.Millisecond
		}
		ae.Kind = classify(ae.Code, ae.HTTPStatus)
		ae.Sent = true
		return ae
	}
	ae.Sent, ae.NoResponse = true, true
	ae.Kind = provider.KindUnavailable
	ae.Code = "RequestTimeout"
	var ne net.Error
	var ue *url.Error
	if !errors.As(err, &ue) && !errors.As(err, &ne) && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
		// Not a transport error: it happened before the request left,
		// typically while the credential chain was resolved.
		ae.Sent, ae.NoResponse = false, false
		ae.Kind, ae.Code = provider.KindAuth, "CredentialsUnavailable"
		ae.Message = "no request was sent: " + err.Error()
		return ae
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		ae.Kind = provider.KindTimeout
		ae.Message = "no response before the deadline; the request may or may not have been applied"
	case ctx.Err() != nil:
		ae.Kind, ae.Code = provider.KindUnavailable, "Cancelled"
		ae.Message = "cancelled; the request may or may not have been applied"
	case errors.As(err, &ue) && isDialError(ue.Err):
		ae.Sent, ae.NoResponse = false, true
		ae.Code = "ConnectionFailed"
		ae.Message = "could not connect to the endpoint; nothing was sent"
	default:
		ae.Code = "ConnectionLost"
		ae.Message = "the connection broke before a response arrived; the request may or may not have been applied"
	}
	return ae
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// classify maps a POP error code to a kind. It matches codes, never text.
func classify(code string, status int) provider.Kind {
	switch {
	case strings.HasPrefix(code, "Throttling"):
		return provider.KindThrottled
	case strings.HasPrefix(code, "InvalidAccessKeyId"):
		return provider.KindAuth
	case strings.HasSuffix(code, "NotFound") || code == "InvalidClusterId":
		return provider.KindNotFound
	case code == "ConcurrentModification" || code == "OperationDenied.ClusterStatus" || code == "IdempotentParameterMismatch":
		return provider.KindConflict
	case code == "IncompleteSignature" || code == "SignatureDoesNotMatch" || strings.HasPrefix(code, "InvalidAccessKeyId") ||
		strings.HasPrefix(code, "InvalidTimeStamp") || code == "SignatureNonceUsed" || code == "InvalidSecurityToken.Expired":
		return provider.KindAuth
	case strings.HasPrefix(code, "Forbidden") || strings.HasPrefix(code, "OperationDenied"):
		if code == "OperationDenied.InsufficientBalance" {
			return provider.KindQuota
		}
		return provider.KindDenied
	case strings.HasPrefix(code, "QuotaExceeded") || code == "ResourceNotEnough" || strings.HasPrefix(code, "InvalidResourceType"):
		return provider.KindQuota
	case strings.HasPrefix(code, "Invalid") || strings.HasPrefix(code, "Missing"):
		return provider.KindInvalid
	case status >= 500:
		return provider.KindUnavailable
	case status == 404:
		return provider.KindNotFound
	}
	return provider.KindUnknown
}
