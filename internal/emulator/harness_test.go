package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
)

// The harness drives the emulator through darabonba-openapi's real
// generic client, over HTTP (httptest) or the in-process transport, and
// records every exchange as it crossed the wire.

// exchange is one request and its response as they crossed the wire.
type exchange struct {
	action    string
	path      string
	query     url.Values
	form      url.Values
	json      map[string]any // a JSON body (ROA), decoded with UseNumber
	bodyType  string
	status    int
	header    http.Header
	response  []byte
	requestID string
}

// wireLog keeps the exchanges of a harness.
type wireLog struct {
	mu  sync.Mutex
	all []exchange
}

func (l *wireLog) add(e exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, e)
}

// last returns the latest exchange of an action.
func (l *wireLog) last(action string) (exchange, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.all) - 1; i >= 0; i-- {
		if l.all[i].action == action {
			return l.all[i], true
		}
	}
	return exchange{}, false
}

// requestOf reads what a request put on the wire, leaving its body
// readable for the next handler.
func requestOf(r *http.Request) (exchange, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return exchange{}, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	e := exchange{action: headerValue(r.Header, "x-acs-action"), path: r.URL.Path, query: r.URL.Query(), bodyType: headerValue(r.Header, "Content-Type"), form: url.Values{}}
	if strings.HasPrefix(e.bodyType, "application/x-www-form-urlencoded") && len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return exchange{}, err
		}
		e.form = form
	}
	if strings.HasPrefix(e.bodyType, "application/json") && len(body) > 0 {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if err := d.Decode(&e.json); err != nil {
			return exchange{}, err
		}
	}
	return e, nil
}

// headerValue reads a header whatever the case of its key: the SDK writes
// lower-case keys straight into the map, which Header.Get does not find
// before a server has canonicalized them.
func headerValue(h http.Header, name string) string {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// capturingHandler records requests before the emulator sees them and
// responses after (the HTTP mode).
func capturingHandler(next http.Handler, log *wireLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_emulator/") {
			next.ServeHTTP(w, r)
			return
		}
		e, err := requestOf(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		e.status, e.header, e.response = cw.status, w.Header().Clone(), cw.body.Bytes()
		log.add(e)
	})
}

// captureWriter tees the response; it can be hijacked, so dropped
// responses still close the connection.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(s int) { c.status = s; c.ResponseWriter.WriteHeader(s) }

func (c *captureWriter) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return c.ResponseWriter.(http.Hijacker).Hijack()
}

// capturingTransport records exchanges around a RoundTripper (the
// in-process mode).
type capturingTransport struct {
	next http.RoundTripper
	log  *wireLog
}

func (c capturingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	e, err := requestOf(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e.status, e.header, e.response = resp.StatusCode, resp.Header.Clone(), body
	if !strings.HasPrefix(r.URL.Path, "/_emulator/") {
		c.log.add(e)
	}
	return resp, nil
}

// httpClient adapts an *http.Client to the SDK's HttpClient interface.
type httpClient struct{ c *http.Client }

func (h httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return h.c.Do(req)
}

// harness is an emulator plus an SDK client pointed at it.
type harness struct {
	t        *testing.T
	srv      *Server
	endpoint string
	base     string       // URL of the emulator for control requests
	ctl      *http.Client // control plane client
	wire     *wireLog
	sdkHTTP  dara.HttpClient // nil: the SDK's own client (HTTP mode)
}

// newHarness starts srv over HTTP (overHTTP) or in process.
func newHarness(t *testing.T, srv *Server, overHTTP bool) *harness {
	t.Helper()
	h := &harness{t: t, srv: srv, wire: &wireLog{}}
	if overHTTP {
		ts := httptest.NewServer(capturingHandler(srv, h.wire))
		t.Cleanup(ts.Close)
		h.base = ts.URL
		h.endpoint = strings.TrimPrefix(ts.URL, "http://")
		h.ctl = ts.Client()
		return h
	}
	tr := capturingTransport{next: srv.Transport(), log: h.wire}
	h.endpoint, h.base = "sandbox.local", "http://sandbox.local"
	h.ctl = &http.Client{Transport: srv.Transport()}
	h.sdkHTTP = httpClient{&http.Client{Transport: tr}}
	return h
}

// newServer returns an emulator for a test; it is closed with the test,
// which fails if a request made the emulator panic.
func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = NewClock(SpeedInstant)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if n := srv.UnexpectedPanics(); n > 0 {
			t.Errorf("the emulator panicked on %d requests (answered 500 InternalError); see its log", n)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// clientOpts vary the SDK client of one call.
type clientOpts struct {
	cred        Credential
	http        dara.HttpClient
	readTimeout time.Duration
	algorithm   string
}

func (h *harness) client(o clientOpts) *openapi.Client {
	h.t.Helper()
	if o.cred.AccessKeyID == "" {
		o.cred = SandboxCredential
	}
	if o.http == nil {
		o.http = h.sdkHTTP
	}
	cfg := &openapi.Config{
		AccessKeyId: dara.String(o.cred.AccessKeyID), AccessKeySecret: dara.String(o.cred.AccessKeySecret),
		Endpoint: dara.String(h.endpoint), Protocol: dara.String("HTTP"), RegionId: dara.String("cn-hangzhou"),
		HttpClient: o.http,
	}
	if o.algorithm != "" {
		cfg.SignatureAlgorithm = dara.String(o.algorithm)
	}
	cl, err := openapi.NewClient(cfg)
	if err != nil {
		h.t.Fatalf("openapi.NewClient: %v", err)
	}
	cl.DisableSDKError = dara.Bool(true)
	return cl
}

func params(a *contract.Action) *openapiutil.Params {
	return &openapiutil.Params{
		Action: dara.String(a.Name), Version: dara.String(a.Version), Protocol: dara.String(a.Protocol),
		Pathname: dara.String(a.Pathname), Method: dara.String(a.Method), AuthType: dara.String(a.AuthType),
		Style: dara.String(a.Style), ReqBodyType: dara.String(a.ReqBodyType), BodyType: dara.String(a.BodyType),
	}
}

func runtimeOptions(readTimeout time.Duration) *dara.RuntimeOptions {
	if readTimeout == 0 {
		readTimeout = 10 * time.Second
	}
	return &dara.RuntimeOptions{
		ReadTimeout: dara.Int(int(readTimeout / time.Millisecond)), ConnectTimeout: dara.Int(5000), Autoretry: dara.Bool(false),
	}
}

func action(t *testing.T, p contract.Product, name string) (*contract.Spec, *contract.Action) {
	t.Helper()
	spec := contract.MustLoad(p)
	a := spec.Action(name)
	if a == nil {
		t.Fatalf("%s has no action %s", p, name)
	}
	return spec, a
}

// sdkRequest builds the generic client's request from a wire request
// struct exactly as the official SDK's <Action>WithOptions does: plain and
// flat members go into the query or body map as values (the client
// flattens them), "json" members are shrunk to one JSON string first, and
// flat body members are flattened into the body.
func sdkRequest(t *testing.T, a *contract.Action, req any) *openapiutil.OpenApiRequest {
	t.Helper()
	members := map[string]any{}
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("encode %s request: %v", a.Name, err)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&members); err != nil {
		t.Fatalf("encode %s request: %v", a.Name, err)
	}
	query, body, bodyFlat := map[string]any{}, map[string]any{}, map[string]any{}
	hasBody := false
	for _, p := range a.Params {
		if p.In == contract.InBody {
			hasBody = true
		}
		v, ok := members[p.Name]
		if !ok {
			continue
		}
		delete(members, p.Name)
		if p.In == contract.InPath {
			continue // in the pathname: see withPath
		}
		if p.Serialization == contract.SerJSON {
			v = dara.StringValue(openapiutil.ArrayToStringWithSpecifiedStyle(v, dara.String(p.Name), dara.String("json")))
		}
		switch {
		case p.In == contract.InBody && p.Serialization == contract.SerFlat:
			bodyFlat[p.Name] = v
		case p.In == contract.InBody:
			body[p.Name] = v
		default:
			query[p.Name] = v
		}
	}
	if len(members) > 0 {
		t.Fatalf("%s request has members the contract does not list: %v", a.Name, members)
	}
	out := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	if hasBody {
		for k, v := range openapiutil.Query(bodyFlat) {
			body[k] = dara.StringValue(v)
		}
		out.Body = openapiutil.ParseToMap(body)
	}
	return out
}

// call sends a wire request struct as action of product p and returns the
// response body.
func (h *harness) call(p contract.Product, name string, req any) (map[string]any, error) {
	h.t.Helper()
	_, a := action(h.t, p, name)
	return h.callAction(a, req)
}

// callAction sends a wire request as the SDK's <Action>WithOptions would,
// plus the one thing the SDK does not do: an ROA write whose model has no
// regionId gets ?regionId= all the same, as the Spark skill says every
// write must (a client such as emrctl's provider has to add it).
func (h *harness) callAction(a *contract.Action, req any) (map[string]any, error) {
	h.t.Helper()
	r := sdkRequest(h.t, a, req)
	if r.Query == nil {
		r.Query = map[string]*string{}
	}
	if a.Style == "ROA" && a.Method != http.MethodGet && a.Param("regionId") == nil {
		r.Query["regionId"] = dara.String(region)
	}
	return h.send(withPath(h.t, a, req), r, clientOpts{})
}

// withPath returns the action with its pathname's {variables} filled from
// the request's path members, percent-encoded as the SDK does.
func withPath(t *testing.T, a *contract.Action, req any) *contract.Action {
	t.Helper()
	if !strings.Contains(a.Pathname, "{") {
		return a
	}
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("encode %s request: %v", a.Name, err)
	}
	var members map[string]any
	if err := json.Unmarshal(raw, &members); err != nil {
		t.Fatalf("encode %s request: %v", a.Name, err)
	}
	filled := *a
	for _, p := range a.Params {
		if p.In == contract.InPath {
			v, _ := members[p.Name].(string)
			filled.Pathname = strings.ReplaceAll(filled.Pathname, "{"+p.Name+"}", dara.PercentEncode(v))
		}
	}
	return &filled
}

// send sends a prepared request with a client configured by o.
func (h *harness) send(a *contract.Action, req *openapiutil.OpenApiRequest, o clientOpts) (map[string]any, error) {
	cl := h.client(o)
	out, err := cl.CallApiWithCtx(context.Background(), params(a), req, runtimeOptions(o.readTimeout))
	if err != nil {
		return nil, err
	}
	body, _ := out["body"].(map[string]any)
	return body, nil
}

// do calls an action that must succeed and decodes its response into resp.
func (h *harness) do(p contract.Product, name string, req, resp any) {
	h.t.Helper()
	body, err := h.call(p, name, req)
	if err != nil {
		h.t.Fatalf("%s: %v", name, describe(err))
	}
	decodeInto(h.t, body, resp)
}

func decodeInto(t *testing.T, body map[string]any, resp any) {
	t.Helper()
	if resp == nil {
		return
	}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("re-encode response: %v", err)
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		t.Fatalf("decode response %s: %v", raw, err)
	}
}

// sdkError is what every typed error of the generic client offers.
type sdkError interface {
	GetCode() *string
	GetStatusCode() *int
	GetMessage() *string
}

// codeOf returns the POP error code of err, or "" for a transport error.
func codeOf(err error) string {
	var se sdkError
	if errors.As(err, &se) {
		return dara.StringValue(se.GetCode())
	}
	return ""
}

func messageOf(err error) string {
	var se sdkError
	if errors.As(err, &se) {
		return dara.StringValue(se.GetMessage())
	}
	return ""
}

func describe(err error) string {
	if c := codeOf(err); c != "" {
		return c + ": " + messageOf(err)
	}
	return err.Error()
}

// wantCode checks that err is an API error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want error %s", code)
	}
	if got := codeOf(err); got != code {
		t.Fatalf("got error %q (%s), want %s", got, describe(err), code)
	}
}

// control calls a /_emulator/ path and decodes the JSON answer into out.
func (h *harness) control(method, path string, in, out any) int {
	h.t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			h.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.base+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := h.ctl.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			h.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode
}
