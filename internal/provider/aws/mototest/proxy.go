package mototest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// Proxy sits between a client and moto_server and injects what moto
// cannot: responses lost after the write was applied, and latency. Each
// fault applies to one X-Amz-Target operation (e.g.
// "ElasticMapReduce.ModifyInstanceGroups").
type Proxy struct {
	// URL is the proxy's endpoint.
	URL    string
	srv    *httptest.Server
	target string

	mu      sync.Mutex
	drops   map[string]int
	latency map[string]time.Duration
	seen    map[string]int
}

// NewProxy starts a proxy in front of the server at target.
func NewProxy(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, drops: map[string]int{}, latency: map[string]time.Duration{}, seen: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(rp, w, r) }))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

// Drop makes the next n requests of op reach moto and then lose their
// responses: the client's connection is closed without an answer.
func (p *Proxy) Drop(op string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drops[op] += n
}

// Delay holds every request of op for d before forwarding it.
func (p *Proxy) Delay(op string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency[op] = d
}

// Seen returns how many requests of op reached the proxy.
func (p *Proxy) Seen(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[op]
}

func (p *Proxy) serve(rp *httputil.ReverseProxy, w http.ResponseWriter, r *http.Request) {
	op := r.Header.Get("X-Amz-Target")
	p.mu.Lock()
	p.seen[op]++
	drop := p.drops[op] > 0
	if drop {
		p.drops[op]--
	}
	delay := p.latency[op]
	p.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if !drop {
		rp.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err == nil {
		req.Header = r.Header.Clone()
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}
