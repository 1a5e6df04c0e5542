package rest

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/emrctl/emrctl/internal/rest/oas"
)

// requestInfo is what one request's log line needs from deeper layers:
// the token's name (set by the authentication) and the problem class;
// header lets a problem add Retry-After or WWW-Authenticate.
type requestInfo struct {
	path    string
	header  http.Header
	token   string
	problem oas.ProblemType
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	i, _ := ctx.Value(infoKey{}).(*requestInfo)
	return i
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logged wraps srv with one structured log line per request: method,
// route pattern, path, status, duration, the token's name when one was
// accepted, and the problem class. Never headers or bodies: they hold
// tokens and requests.
func (h *handlers) logged(srv *oas.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{path: r.URL.EscapedPath(), header: w.Header()}
		rec := &statusRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
		route := ""
		if rt, ok := srv.FindPath(r.Method, r.URL); ok {
			route = rt.PathPattern()
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", h.secrets.String(r.URL.EscapedPath())),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
		}
		if info.token != "" {
			attrs = append(attrs, slog.String("token", info.token))
		}
		if info.problem != "" {
			attrs = append(attrs, slog.String("problem", string(info.problem)))
		}
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
