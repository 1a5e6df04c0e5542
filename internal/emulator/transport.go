package emulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// Transport returns an http.RoundTripper that serves requests in process,
// without a port. It honours the request context, so client timeouts work
// against injected latency exactly as over a network.
func (s *Server) Transport() http.RoundTripper { return transport{s} }

type transport struct{ s *Server }

// ErrResponseDropped is returned by the in-process transport when a fault
// applied a request and then dropped its response.
var ErrResponseDropped = errors.New("emulator: connection reset by peer (response dropped after the request was applied)")

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Clients may set non-canonical header keys (the Alibaba SDK writes
	// "x-acs-action" directly into the map); a server would canonicalize
	// them while parsing, so do the same here.
	req = req.Clone(req.Context())
	h := http.Header{}
	for k, vs := range req.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	req.Header = h
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// ServeHTTP answers every other panic with a 500; only the
			// deliberate abort of a dropped response reaches here.
			if v := recover(); v != nil {
				if v != http.ErrAbortHandler {
					panic(v)
				}
				rec.dropped = true
			}
		}()
		if req.Body == nil {
			req.Body = http.NoBody
		}
		t.s.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	if rec.dropped {
		return nil, ErrResponseDropped
	}
	rec.header.Set("Content-Length", strconv.Itoa(rec.body.Len()))
	return &http.Response{
		Status:        strconv.Itoa(rec.status) + " " + http.StatusText(rec.status),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}, nil
}

// recorder is a minimal http.ResponseWriter for the in-process transport.
type recorder struct {
	header  http.Header
	status  int
	body    bytes.Buffer
	wrote   bool
	dropped bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

func (r *recorder) drop() { r.dropped = true }
