// Package emulator is a local emulator of the Alibaba Cloud EMR API
// (2021-03-20) and of the VPC and ECS calls a cluster needs. It speaks the
// real wire protocol: ACS3 signatures, parameters decoded by their contract
// encoding, the POP error body, pagination, ClientToken idempotency,
// throttling, and state machines that move with time.
//
// It runs in process (Server.Transport, no port) or as an HTTP server
// (emrctl sandbox serve). State lives in memory or in a SQLite file.
// Faults, the clock and resets are driven under /_emulator/.
package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
)

// Options configure a Server.
type Options struct {
	// Store keeps the state; default: in memory.
	Store Store
	// Clock drives the state machines; default: interactive speed.
	Clock *Clock
	// Credentials accepted besides SandboxCredential.
	Credentials []Credential
	// Seed makes IDs and the inventory reproducible.
	Seed int64
	// Throttle limits each action per access key; zero means the defaults,
	// a negative Rate disables throttling.
	Throttle ThrottleConfig
	// Logger receives one line per request (never headers or secrets).
	Logger *slog.Logger
}

// Server is the emulator. It implements http.Handler.
type Server struct {
	store    Store
	clock    *Clock
	verifier *verifier
	throttle *throttler
	faults   *faults
	log      *slog.Logger
	routes   map[string]*route // key: version + "/" + action
	roa      []*route

	statsMu sync.Mutex
	stats   map[string]int
}

type route struct {
	spec    *contract.Spec
	action  *contract.Action
	handler handlerFunc
	write   bool
	pattern []string // ROA path template segments
}

// handlerFunc serves one action. It runs inside a store View (reads) or
// Update (writes); what it returns is the response body.
type handlerFunc func(c *call, w *World) (any, error)

// call is one decoded API request.
type call struct {
	ctx       context.Context
	server    *Server
	spec      *contract.Spec
	action    *contract.Action
	params    map[string]any
	pathVars  map[string]string
	region    string
	requestID string
	accessKey string
	now       time.Time
}

// bind copies the decoded parameters into a wire request struct.
func (c *call) bind(into any) error {
	tree := make(map[string]any, len(c.params)+len(c.pathVars))
	for k, v := range c.params {
		tree[k] = v
	}
	for k, v := range c.pathVars {
		tree[k] = v
	}
	return bind(tree, into)
}

// scale converts a real-cloud duration to the emulator's.
func (c *call) scale(d time.Duration) time.Duration { return c.server.clock.Scale(d) }

// New returns a Server, seeding the store with the default inventory if it
// is empty.
func New(opts Options) (*Server, error) {
	if opts.Store == nil {
		opts.Store = NewMemoryStore()
	}
	if opts.Clock == nil {
		opts.Clock = NewClock(SpeedInteractive)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	creds := append([]Credential{SandboxCredential}, opts.Credentials...)
	s := &Server{
		store:    opts.Store,
		clock:    opts.Clock,
		verifier: newVerifier(creds),
		throttle: newThrottler(opts.Throttle),
		faults:   newFaults(),
		log:      opts.Logger,
		routes:   map[string]*route{},
		stats:    map[string]int{},
	}
	if err := s.register(); err != nil {
		return nil, err
	}
	if err := s.seedIfEmpty(opts.Seed); err != nil {
		return nil, err
	}
	return s, nil
}

// Clock returns the server's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Close releases the store.
func (s *Server) Close() error { return s.store.Close() }

// Actions lists the implemented actions as "Product/Action", sorted.
func (s *Server) Actions() []string {
	out := make([]string, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, r.spec.Product+"/"+r.action.Name)
	}
	sort.Strings(out)
	return out
}

func (s *Server) seedIfEmpty(seed int64) error {
	var empty bool
	if err := s.store.View(func(w *World) error {
		empty = w.Regions.Len() == 0
		return nil
	}); err != nil {
		return err
	}
	if !empty {
		return nil
	}
	return s.Reset(seed)
}

// Reset forgets every resource and restores the default inventory.
func (s *Server) Reset(seed int64) error {
	return s.store.Update(func(w *World) error {
		for _, t := range w.tables() {
			t.clear()
		}
		seedWorld(w, seed, defaultInventory())
		return nil
	})
}

// handle registers an action of a product.
func (s *Server) handle(p contract.Product, action string, write bool, h handlerFunc) error {
	spec, err := contract.Load(p)
	if err != nil {
		return err
	}
	a := spec.Action(action)
	if a == nil {
		return fmt.Errorf("emulator: %s has no action %s", p, action)
	}
	r := &route{spec: spec, action: a, handler: h, write: write}
	if a.Style == "ROA" {
		r.pattern = strings.Split(strings.Trim(a.Pathname, "/"), "/")
		s.roa = append(s.roa, r)
	}
	s.routes[a.Version+"/"+a.Name] = r
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	start := time.Now()
	reqID := newRequestID()
	rt, body, aerr := s.prepare(r)
	action := "unknown"
	if rt != nil {
		action = rt.action.Name
	}
	var resp any
	var dropped bool
	if aerr == nil {
		resp, dropped, aerr = s.dispatch(r, rt, body, reqID)
	}
	s.count(action, aerr)
	if dropped {
		s.log.Info("request", "action", action, "request_id", reqID, "result", "response dropped by fault")
		dropConnection(w)
		return
	}
	if aerr != nil {
		s.log.Info("request", "action", action, "request_id", reqID, "status", aerr.Status, "code", aerr.Code, "duration", time.Since(start))
		s.writeError(w, rt, r, reqID, aerr)
		return
	}
	s.log.Info("request", "action", action, "request_id", reqID, "status", 200, "duration", time.Since(start))
	writeJSON(w, http.StatusOK, resp)
}

// prepare finds the route, reads the body and checks the signature.
func (s *Server) prepare(r *http.Request) (*route, []byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, nil, newError(http.StatusBadRequest, "InvalidParameter", "could not read the request body: %v", err)
	}
	rt, aerr := s.findRoute(r)
	if aerr != nil {
		return nil, body, aerr
	}
	sr := &signedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
		Header: r.Header, Host: r.Host, Body: body,
	}
	ak, aerr := s.verifier.verify(sr, rt.action.Style == "RPC")
	if aerr != nil {
		return rt, body, aerr
	}
	r.Header.Set("X-Emulator-Access-Key", ak)
	return rt, body, nil
}

func (s *Server) findRoute(r *http.Request) (*route, *apiError) {
	q := r.URL.Query()
	action := r.Header.Get("x-acs-action")
	version := r.Header.Get("x-acs-version")
	if action == "" {
		action, version = q.Get("Action"), q.Get("Version")
	}
	if rt := s.routes[version+"/"+action]; rt != nil {
		if rt.action.Style == "ROA" && !rt.matches(r.Method, r.URL.Path) {
			return nil, errNotFound("InvalidAction.NotFound", "%s %s does not match action %s (%s %s)", r.Method, r.URL.Path, action, rt.action.Method, rt.action.Pathname)
		}
		return rt, nil
	}
	for _, rt := range s.roa {
		if rt.action.Version == version && rt.matches(r.Method, r.URL.Path) {
			return rt, nil
		}
	}
	if action == "" {
		return nil, errMissing("MissingParameter", "the request names no action: send the x-acs-action header (or the Action parameter)")
	}
	if !knownVersion(version) {
		return nil, newError(http.StatusBadRequest, "InvalidVersion", "version %q is not served here; emrctl's emulator serves EMR 2021-03-20, EMR Serverless Spark 2023-08-08, VPC 2016-04-28 and ECS 2014-05-26", version)
	}
	return nil, errNotFound("InvalidAction.NotFound", "Specified api is not found, please check your url and method. (%s, version %s)", action, version)
}

func knownVersion(v string) bool {
	for _, p := range contract.Products {
		if contract.MustLoad(p).Version == v {
			return true
		}
	}
	return false
}

func (rt *route) matches(method, path string) bool {
	if rt.pattern == nil || !strings.EqualFold(method, rt.action.Method) {
		return false
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) != len(rt.pattern) {
		return false
	}
	for i, p := range rt.pattern {
		if !strings.HasPrefix(p, "{") && p != segs[i] {
			return false
		}
	}
	return true
}

func (rt *route) pathVars(path string) map[string]string {
	vars := map[string]string{}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range rt.pattern {
		if strings.HasPrefix(p, "{") && i < len(segs) {
			name := strings.Trim(p, "{}")
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			vars[name] = v
		}
	}
	return vars
}

// dispatch applies faults and throttling, decodes the parameters, and runs
// the handler with idempotency. dropped reports that the change was applied
// but the response must be lost.
func (s *Server) dispatch(r *http.Request, rt *route, body []byte, reqID string) (resp any, dropped bool, aerr *apiError) {
	name := rt.action.Name
	f := s.faults.take(name)
	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-r.Context().Done():
			return nil, false, newError(http.StatusServiceUnavailable, "ServiceUnavailable", "the client went away")
		}
	}
	ak := r.Header.Get("X-Emulator-Access-Key")
	if f.throttle || !s.throttle.allow(ak, name) {
		return nil, false, &apiError{Status: http.StatusBadRequest, Code: "Throttling.User", Message: "Request was denied due to user flow control."}
	}
	if f.err != nil {
		return nil, false, f.err
	}
	c := &call{
		ctx: r.Context(), server: s, spec: rt.spec, action: rt.action,
		requestID: reqID, accessKey: ak, now: s.clock.Now(),
	}
	if aerr := s.decode(r, rt, body, c); aerr != nil {
		return nil, false, aerr
	}
	resp, err := s.run(c, rt)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return nil, false, ae
		}
		return nil, false, newError(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	if d := s.faults.holdAfterApply(name); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	return resp, s.faults.takeDrop(name), nil
}

func (s *Server) decode(r *http.Request, rt *route, body []byte, c *call) *apiError {
	ct := r.Header.Get("Content-Type")
	if rt.action.Style == "ROA" {
		c.pathVars = rt.pathVars(r.URL.Path)
		kv := map[string]string{}
		for k, vs := range r.URL.Query() {
			kv[k] = vs[0]
		}
		params, aerr := decodeRPC(rt.spec, rt.action, kv)
		if aerr != nil {
			return aerr
		}
		if strings.HasPrefix(ct, "application/json") {
			if aerr := decodeJSONBody(rt.spec, rt.action, body, params); aerr != nil {
				return aerr
			}
		}
		c.params = params
		c.region, _ = params["regionId"].(string)
		return nil
	}
	var form url.Values
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") && len(body) > 0 {
		var err error
		if form, err = url.ParseQuery(string(body)); err != nil {
			return errInvalidParameter("the form body is not valid: %v", err)
		}
	} else if len(bytes.TrimSpace(body)) > 0 {
		return errInvalidParameter("RPC actions take a form body (application/x-www-form-urlencoded), got %q", ct)
	}
	kv, aerr := rpcParams(r.URL.Query(), form)
	if aerr != nil {
		return aerr
	}
	params, aerr := decodeRPC(rt.spec, rt.action, kv)
	if aerr != nil {
		return aerr
	}
	c.params = params
	c.region, _ = params["RegionId"].(string)
	return nil
}

// run executes the handler in the right kind of transaction, deduplicating
// by ClientToken in the same transaction as the change.
func (s *Server) run(c *call, rt *route) (any, error) {
	if !rt.write {
		var resp any
		err := s.store.View(func(w *World) error {
			var err error
			resp, err = rt.handler(c, w)
			return err
		})
		return resp, err
	}
	token := clientToken(c.params)
	var resp any
	err := s.store.Update(func(w *World) error {
		if token != "" {
			if prev, ok, err := replay(w, c, token); ok || err != nil {
				resp = prev
				return err
			}
		}
		var err error
		if resp, err = rt.handler(c, w); err != nil {
			return err
		}
		if token != "" {
			return remember(w, c, token, resp)
		}
		return nil
	})
	return resp, err
}

const tokenTTL = 30 * time.Minute

func clientToken(params map[string]any) string {
	for _, k := range []string{"ClientToken", "clientToken"} {
		if t, ok := params[k].(string); ok && t != "" {
			return t
		}
	}
	return ""
}

func tokenKey(c *call, token string) string {
	return c.accessKey + "/" + c.action.Name + "/" + token
}

// requestHash identifies a request by its parameters, token excluded.
func requestHash(c *call) string {
	p := make(map[string]any, len(c.params))
	for k, v := range c.params {
		if k != "ClientToken" && k != "clientToken" {
			p[k] = v
		}
	}
	for k, v := range c.pathVars {
		p["path:"+k] = v
	}
	raw, _ := json.Marshal(p) // map keys are sorted: canonical
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// replay returns the remembered response for a repeated token.
func replay(w *World, c *call, token string) (any, bool, error) {
	rec, ok := w.Tokens.Get(tokenKey(c, token))
	if !ok || c.now.After(rec.ExpiresAt) {
		return nil, false, nil
	}
	if rec.RequestHash != requestHash(c) {
		return nil, false, errDenied("IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.")
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Response, &body); err != nil {
		return nil, false, err
	}
	for _, k := range []string{"RequestId", "requestId"} {
		if _, ok := body[k]; ok {
			body[k] = c.requestID
		}
	}
	return body, true, nil
}

func remember(w *World, c *call, token string, resp any) error {
	raw, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	w.Tokens.Put(tokenKey(c, token), &tokenRec{
		Key: tokenKey(c, token), RequestHash: requestHash(c), Response: raw,
		ExpiresAt: c.now.Add(tokenTTL),
	})
	for _, t := range w.Tokens.Select(func(t *tokenRec) bool { return c.now.After(t.ExpiresAt) }) {
		w.Tokens.Delete(t.Key)
	}
	return nil
}

func (s *Server) count(action string, err *apiError) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats[action]++
	if err != nil {
		s.stats[action+":"+err.Code]++
	}
}

// Stats returns how many requests each action received (and, under
// "Action:Code", how many failed with each code).
func (s *Server) Stats() map[string]int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := make(map[string]int, len(s.stats))
	for k, v := range s.stats {
		out[k] = v
	}
	return out
}

// clearStats forgets the request counts, so a reset starts from zero.
func (s *Server) clearStats() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	clear(s.stats)
}

func (s *Server) writeError(w http.ResponseWriter, rt *route, r *http.Request, reqID string, e *apiError) {
	if e.Code == "Throttling.User" {
		w.Header().Set("x-ratelimit-user-api", "Limit:"+fmt.Sprint(s.throttle.cfg.Burst)+",Remain:0,TimeLeft:1000")
	}
	if rt != nil && rt.action.Style == "ROA" {
		writeJSON(w, e.Status, roaErrorBody{RequestId: reqID, Code: e.Code, Message: e.Message})
		return
	}
	host := r.Host
	if host == "" {
		host = "emr.aliyuncs.com"
	}
	product := "Emr"
	if rt != nil {
		product = rt.spec.Product
	}
	writeJSON(w, e.Status, errorBody{
		RequestId: reqID, HostId: host, Code: e.Code, Message: e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=" + product + "&requestId=" + reqID,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// dropConnection loses the response: over HTTP the connection is closed
// without a reply; in process the transport reports a connection reset.
func dropConnection(w http.ResponseWriter) {
	if d, ok := w.(interface{ drop() }); ok {
		d.drop()
		return
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
