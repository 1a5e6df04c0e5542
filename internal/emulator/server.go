// Package emulator is a local emulator of the Alibaba Cloud EMR API
// (2021-03-20), of the VPC and ECS calls a cluster needs (with ECS
// instances and the instance metadata service for gateway machines), and of EMR
// Serverless Spark (2023-08-08: workspaces, queues, job runs, Kyuubi,
// session clusters and SQL statements). It speaks the real wire protocol:
// ACS3 signatures (HMAC-SHA256 and HMAC-SM3), the RPC v1 HMAC-SHA1
// signature with its parameters in the query or a form body, ROA requests
// routed by method and path, parameters decoded by their contract
// encoding, the POP and ROA error bodies and x-acs-request-id header,
// pagination, ClientToken idempotency, throttling, RAM refusals, and state
// machines that move with time.
//
// It runs in process (Server.Transport, no port) or as an HTTP server
// (emrctl sandbox serve). State lives in memory or in a SQLite file; the
// clock setting and the fault rules are kept with it, so separate
// processes on one SQLite file (the commands of the embedded sandbox)
// share them. Faults, the clock and resets are driven under /_emulator/.
//
// Every state has a generation (Server.Generation): a random ID created
// with the state and replaced by every reset, so whatever records sandbox
// resources can tell that the sandbox it knew is gone.
//
// A handler that panics is a bug: the request gets a 500 InternalError and
// Server.UnexpectedPanics counts it, so tests can fail on it. Only the
// deliberate abort of a dropped response (http.ErrAbortHandler) loses the
// connection.
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
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
)

// Options configure a Server.
type Options struct {
	// Store keeps the state; default: in memory.
	Store Store
	// Clock drives the state machines; default: interactive speed. A clock
	// setting stored in the state (AdvanceClock, SetClockSpeed, POST
	// /_emulator/clock) overrides its offset and speed.
	Clock *Clock
	// Credentials accepted besides SandboxCredential and
	// SandboxReadOnlyCredential.
	Credentials []Credential
	// Seed makes IDs and the inventory reproducible.
	Seed int64
	// Throttle limits each action per access key; zero means the defaults,
	// a negative Rate disables throttling, Actions sets single actions' own
	// limits (New refuses an unknown action with *UnknownActionError).
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
	log      *slog.Logger
	routes   map[string]*route // key: version + "/" + action
	roa      []*route

	// clockApplied is the stored clock setting last applied to clock.
	clockMu      sync.Mutex
	clockApplied clockSetting

	statsMu sync.Mutex
	stats   map[string]int

	panics atomic.Int64
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
	route     *route
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
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	creds := append([]Credential{SandboxCredential, SandboxReadOnlyCredential}, opts.Credentials...)
	s := &Server{
		store:    opts.Store,
		clock:    opts.Clock,
		verifier: newVerifier(creds),
		throttle: newThrottler(opts.Throttle),
		log:      opts.Logger,
		routes:   map[string]*route{},
		stats:    map[string]int{},
	}
	if err := s.register(); err != nil {
		return nil, err
	}
	if err := opts.Throttle.checkActions(s.hasAction); err != nil {
		return nil, err
	}
	if err := s.seedIfEmpty(opts.Seed); err != nil {
		return nil, err
	}
	if _, err := s.loadControls(); err != nil {
		return nil, err
	}
	return s, nil
}

// Clock returns the server's clock. It reflects the clock setting stored
// in the state as of the last request; Clock().Advance moves only this
// Server's clock, AdvanceClock moves every Server's on the store.
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

// seedIfEmpty seeds a new state, gives a state written before
// generations existed its first one, and a state written before Serverless
// Spark existed its Spark inventory.
func (s *Server) seedIfEmpty(seed int64) error {
	var empty, noGeneration, noSpark, noMachines bool
	if err := s.store.View(func(w *World) error {
		empty = w.Regions.Len() == 0
		m, ok := w.Meta.Get("meta")
		noGeneration = !ok || m.Generation == ""
		noSpark = w.SparkAccount.Len() == 0
		noMachines = w.Machines.Len() == 0
		return nil
	}); err != nil {
		return err
	}
	if empty {
		// Two commands may open a new state at once: only the first to
		// take the write lock seeds it. Seeding it again would start a
		// second generation under the first one's feet (the journal
		// keys writes by generation, so a create of the first would not
		// be seen by the second).
		return s.store.Update(func(w *World) error {
			if w.Regions.Len() > 0 {
				return nil
			}
			s.reset(w, seed)
			return nil
		})
	}
	if !noGeneration && !noSpark && !noMachines {
		return nil
	}
	return s.store.Update(func(w *World) error {
		if m := w.meta(); m.Generation == "" {
			m.Generation = newGeneration()
		}
		if w.SparkAccount.Len() == 0 {
			seedSpark(w, s.clock.Now())
		}
		if w.Machines.Len() == 0 {
			seedMachines(w)
		}
		return nil
	})
}

// Reset forgets every resource and fault rule, restores the default
// inventory and starts a new generation. The clock is kept: it never goes
// back.
func (s *Server) Reset(seed int64) error {
	return s.store.Update(func(w *World) error {
		s.reset(w, seed)
		return nil
	})
}

func (s *Server) reset(w *World, seed int64) {
	var clock controlRec
	if c, ok := w.Controls.Get(controlsKey); ok {
		clock = controlRec{ClockOffset: c.ClockOffset, ClockSpeed: c.ClockSpeed, ClockRev: c.ClockRev}
	}
	for _, t := range w.tables() {
		t.clear()
	}
	seedWorld(w, seed, defaultInventory())
	seedSpark(w, s.clock.Now())
	seedMachines(w)
	w.meta().Generation = newGeneration()
	w.Controls.Put(controlsKey, &clock)
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
	s.route(spec, a, write, h)
	return nil
}

// route installs a handler for an action, which handleExtra may have
// described outside the contract.
func (s *Server) route(spec *contract.Spec, a *contract.Action, write bool, h handlerFunc) {
	r := &route{spec: spec, action: a, handler: h, write: write}
	if a.Style == "ROA" {
		r.pattern = strings.Split(strings.Trim(a.Pathname, "/"), "/")
		s.roa = append(s.roa, r)
	}
	s.routes[a.Version+"/"+a.Name] = r
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	var rt *route
	defer s.recoverPanic(w, r, reqID, &rt)
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, metadataPrefix) {
		s.serveMetadata(w, r)
		return
	}
	start := time.Now()
	rt, sr, aerr := s.prepare(r)
	action := "unknown"
	if rt != nil {
		action = rt.action.Name
	}
	var resp any
	var dropped bool
	if aerr == nil {
		resp, dropped, aerr = s.dispatch(r, rt, sr, reqID)
	}
	var body []byte
	if aerr == nil && !dropped {
		var err error
		if body, err = encodeResponse(rt, resp); err != nil {
			aerr = newError(http.StatusInternalServerError, "InternalError", "the emulator could not encode the %s response: %v", action, err)
		}
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
	w.Header().Set(requestIDHeader, reqID)
	writeBody(w, http.StatusOK, body)
}

// requestIDHeader carries the request ID on every API response, as the
// real gateway does; it equals the body's RequestId.
const requestIDHeader = "x-acs-request-id"

// recoverPanic turns a panic of a handler into a 500 InternalError and
// counts it (UnexpectedPanics). The deliberate abort of a dropped
// response (http.ErrAbortHandler) goes on: it is how the connection is
// lost on purpose.
func (s *Server) recoverPanic(w http.ResponseWriter, r *http.Request, reqID string, rt **route) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.panics.Add(1)
	s.log.Error("emulator panic", "path", r.URL.Path, "request_id", reqID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		controlError(w, http.StatusInternalServerError, "the emulator failed; this is a bug in emrctl (see the emulator log)")
		return
	}
	aerr := newError(http.StatusInternalServerError, "InternalError", "the emulator failed while serving this request; this is a bug in emrctl (see the emulator log for request %s)", reqID)
	action := "unknown"
	if *rt != nil {
		action = (*rt).action.Name
	}
	s.count(action, aerr)
	s.writeError(w, *rt, r, reqID, aerr)
}

// UnexpectedPanics reports how many requests panicked (and were answered
// with a 500 InternalError). Tests fail when it is not zero.
func (s *Server) UnexpectedPanics() int { return int(s.panics.Load()) }

// prepare finds the route, reads the body (and, for a form body, its
// parameters) and checks the signature.
func (s *Server) prepare(r *http.Request) (*route, *signedRequest, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, nil, newError(http.StatusBadRequest, "InvalidParameter", "could not read the request body: %v", err)
	}
	sr := &signedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
		Header: r.Header, Host: r.Host, Body: body,
	}
	if isForm(r.Header) && len(body) > 0 {
		if sr.Form, err = url.ParseQuery(string(body)); err != nil {
			return nil, sr, errInvalidParameter("the form body is not valid: %v", err)
		}
	}
	rt, aerr := s.findRoute(r, sr.Form)
	if aerr != nil {
		return nil, sr, aerr
	}
	ak, aerr := s.verifier.verify(sr, rt.action.Style == "RPC")
	if aerr != nil {
		return rt, sr, aerr
	}
	sr.AccessKeyID = ak
	return rt, sr, nil
}

func isForm(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/x-www-form-urlencoded")
}

// findRoute finds the action from the x-acs-action header or, for RPC,
// the Action parameter in the query or the form body (where the v1
// signature's POST mode puts every parameter).
func (s *Server) findRoute(r *http.Request, form url.Values) (*route, *apiError) {
	q := r.URL.Query()
	action := r.Header.Get("x-acs-action")
	version := r.Header.Get("x-acs-version")
	if action == "" {
		action, version = q.Get("Action"), q.Get("Version")
	}
	if action == "" {
		action, version = form.Get("Action"), form.Get("Version")
	}
	if rt := s.routes[version+"/"+action]; rt != nil {
		if rt.action.Style == "ROA" && !rt.matches(r.Method, r.URL.Path) {
			return nil, errNotFound("InvalidAction.NotFound", "%s %s does not match action %s (%s %s)", r.Method, r.URL.Path, action, rt.action.Method, rt.action.Pathname)
		}
		return rt, nil
	}
	if rt := s.roaRoute(version, r.Method, r.URL.Path); rt != nil {
		return rt, nil
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

// roaRoute finds an ROA action by method and path alone (a client that
// sends no x-acs-action header). Where two templates match, the one with
// more literal segments wins: POST /api/v1/workspaces/update is
// UpdateWorkspace even if a template /api/v1/workspaces/{x} existed.
func (s *Server) roaRoute(version, method, path string) *route {
	var best *route
	bestLiterals := -1
	for _, rt := range s.roa {
		if rt.action.Version != version || !rt.matches(method, path) {
			continue
		}
		if n := rt.literals(); n > bestLiterals {
			best, bestLiterals = rt, n
		}
	}
	return best
}

func (rt *route) literals() int {
	n := 0
	for _, p := range rt.pattern {
		if !strings.HasPrefix(p, "{") {
			n++
		}
	}
	return n
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
func (s *Server) dispatch(r *http.Request, rt *route, sr *signedRequest, reqID string) (resp any, dropped bool, aerr *apiError) {
	name := rt.action.Name
	f, rules, err := s.faultsBefore(name)
	if err != nil {
		return nil, false, newError(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-r.Context().Done():
			return nil, false, newError(http.StatusServiceUnavailable, "ServiceUnavailable", "the client went away")
		}
	}
	ak := sr.AccessKeyID
	if f.throttle || !s.throttle.allow(ak, name) {
		return nil, false, throttled(rt)
	}
	if f.err != nil {
		return nil, false, f.err
	}
	if aerr := checkRAM(rt, ak); aerr != nil {
		return nil, false, aerr
	}
	c := &call{
		ctx: r.Context(), server: s, route: rt, spec: rt.spec, action: rt.action,
		requestID: reqID, accessKey: ak, now: s.clock.Now(),
	}
	if aerr := s.decode(r, rt, sr, c); aerr != nil {
		return nil, false, aerr
	}
	resp, err = s.run(c, rt)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return nil, false, ae
		}
		return nil, false, newError(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	if d := holdAfterApply(rules, name); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	drop, err := s.dropAfter(name, rules)
	if err != nil {
		// The change is applied: answer it rather than fail it.
		s.log.Warn("use up a dropped-response fault", "action", name, "error", err)
	}
	return resp, drop, nil
}

func (s *Server) decode(r *http.Request, rt *route, sr *signedRequest, c *call) *apiError {
	ct := r.Header.Get("Content-Type")
	body := sr.Body
	if rt.action.Style == "ROA" {
		c.pathVars = rt.pathVars(r.URL.Path)
		kv := map[string]string{}
		for k, vs := range r.URL.Query() {
			kv[k] = vs[0]
		}
		c.region = kv["regionId"]
		if rt.action.Param("regionId") == nil {
			// The gateway reads regionId on every ROA action, also where
			// the SDK model has none (the skill appends ?regionId= to
			// every write, StartKyuubiService included).
			delete(kv, "regionId")
		}
		if aerr := roaRegion(r, rt.action, c); aerr != nil {
			return aerr
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
		return nil
	}
	if sr.Form == nil && len(bytes.TrimSpace(body)) > 0 {
		return errInvalidParameter("RPC actions take a form body (application/x-www-form-urlencoded), got %q", ct)
	}
	kv, aerr := rpcParams(r.URL.Query(), sr.Form)
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
	w.Header().Set(requestIDHeader, reqID)
	if e.Code == "Throttling.User" || e.Code == "Throttling" {
		w.Header().Set("x-ratelimit-user-api", "Limit:"+fmt.Sprint(s.throttle.limit(rateAction(rt)).Burst)+",Remain:0,TimeLeft:1000")
	}
	if rt != nil && rt.action.Style == "ROA" {
		body := roaErrorBody{RequestId: reqID, Message: e.Message}
		if e.Code != "" {
			body.Code = &e.Code
		}
		writeJSON(w, e.Status, body)
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

// writeJSON encodes v before writing anything, so an encoding failure can
// still become an error status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"the emulator could not encode its answer"}`+"\n")
	}
	writeBody(w, status, body)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client is gone; nothing to tell
}

// responseJSON encodes a handler's response the way the real service
// writes it: every list the contract declares is present, as [] when
// empty, at the top and inside every object present. The wire structs
// drop empty lists (omitempty); clients that index "Clusters" or "Nodes"
// without a nil check rely on the real behaviour.
func responseJSON(rt *route, resp any) ([]byte, error) {
	raw, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	var body map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&body); err != nil {
		return nil, err
	}
	fillLists(rt.spec, rt.action.Response, body)
	return encodeJSON(body)
}

// fillLists adds [] for every absent (or null) list field of obj and
// descends into the objects present.
func fillLists(spec *contract.Spec, fields []*contract.Node, obj map[string]any) {
	for _, f := range fields {
		n := spec.Resolve(f)
		v := obj[f.Name]
		switch n.Type {
		case "array":
			list, ok := v.([]any)
			if !ok {
				if v == nil {
					obj[f.Name] = []any{}
				}
				continue
			}
			item := spec.Resolve(n.Items)
			if item == nil || item.Type != "object" {
				continue
			}
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					fillLists(spec, item.Fields, m)
				}
			}
		case "object":
			if m, ok := v.(map[string]any); ok {
				fillLists(spec, n.Fields, m)
			}
		}
	}
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
