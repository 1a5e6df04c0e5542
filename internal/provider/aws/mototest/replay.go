package mototest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Exchange is one recorded request and its response, for the APIs moto
// lacks. Op is the X-Amz-Target of a JSON 1.1 API (EMR), or "METHOD /path"
// of a REST API (EMR Serverless, S3).
type Exchange struct {
	Op string `json:"op"`
	// Request is the JSON body the SDK must send (compared after
	// decoding); nil skips the check.
	Request json.RawMessage `json:"request,omitempty"`
	// Status defaults to 200.
	Status   int             `json:"status,omitempty"`
	Response json.RawMessage `json:"response"`
}

// LoadExchanges reads a JSON list of exchanges from a file.
func LoadExchanges(t testing.TB, path string) []Exchange {
	t.Helper()
	raw, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	var xs []Exchange
	if err := json.Unmarshal(raw, &xs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return xs
}

// Replay serves the exchanges in order and fails t when a request is not
// the next expected one or its body differs. It checks at cleanup that
// every exchange was used.
func Replay(t testing.TB, xs []Exchange) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		op := r.Header.Get("X-Amz-Target")
		if op == "" {
			op = r.Method + " " + r.URL.Path
		}
		body, _ := io.ReadAll(r.Body)
		if next >= len(xs) {
			t.Errorf("unexpected request %s %s: all %d recorded exchanges were used", op, body, len(xs))
			http.Error(w, `{"__type":"UnexpectedRequest"}`, http.StatusBadRequest)
			return
		}
		x := xs[next]
		next++
		if op != x.Op {
			t.Errorf("request %d: got %s, want %s", next, op, x.Op)
		}
		if x.Request != nil {
			var got, want any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Errorf("request %d (%s): body is not JSON: %v: %s", next, op, err, body)
			}
			if err := json.Unmarshal(x.Request, &want); err != nil {
				t.Errorf("recorded request %d (%s): %v", next, op, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request %d (%s) body mismatch (-want +got):\n%s", next, op, diff)
			}
		}
		ct := "application/x-amz-json-1.1"
		if !strings.Contains(op, ".") {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("x-amzn-RequestId", fmt.Sprintf("recorded-%d", next))
		status := x.Status
		if status == 0 {
			status = http.StatusOK
		}
		if status >= 400 {
			var e struct {
				Type string `json:"__type"`
			}
			_ = json.Unmarshal(x.Response, &e)
			w.Header().Set("X-Amzn-Errortype", e.Type)
		}
		w.WriteHeader(status)
		_, _ = w.Write(x.Response)
	}))
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		defer mu.Unlock()
		if next < len(xs) {
			t.Errorf("only %d of %d recorded exchanges were requested; next was %s", next, len(xs), xs[next].Op)
		}
	})
	return srv
}
