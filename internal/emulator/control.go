package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// serveControl handles the reserved /_emulator/ paths:
//
//	GET    /_emulator/health           liveness, implemented actions, generation, unexpected panics
//	GET    /_emulator/generation       {"generation": "..."}: the ID of the current state (see Server.Generation)
//	POST   /_emulator/reset            {"seed": N}: forget everything (state, faults, stats), reseed, new generation
//	GET    /_emulator/faults           installed fault rules
//	POST   /_emulator/faults           add a FaultRule
//	DELETE /_emulator/faults           remove every fault rule
//	GET    /_emulator/clock            speed, offset and now
//	POST   /_emulator/clock            {"advance": "10m", "speed": 60}
//	GET    /_emulator/stats            request counts per action and code
//	POST   /_emulator/inject           {"kind": "node-failure"|"metric-breach"|"cluster-failure"|"kyuubi-application", ...}
//	POST   /_emulator/instances        a MachineSpec: add a standalone ECS instance (see metadata.go)
//	GET    /_emulator/metadata         {"instanceId": "..."}: the instance the metadata service describes
//	POST   /_emulator/metadata         {"instanceId": "..."}: describe another instance ("" = the default)
//
// Faults and the clock are kept in the state, so on a SQLite store they
// reach every process that opens it.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_emulator/")
	switch {
	case path == "health" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "actions": len(s.routes), "generation": s.Generation(), "panics": s.UnexpectedPanics()})
	case path == "generation" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]string{"generation": s.Generation()})
	case path == "reset" && r.Method == http.MethodPost:
		var req struct {
			Seed int64 `json:"seed"`
		}
		if !readControl(w, r, &req) {
			return
		}
		s.clearStats()
		if err := s.Reset(req.Seed); err != nil {
			controlError(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"reset": true, "seed": req.Seed, "generation": s.Generation()})
	case path == "faults":
		s.serveFaults(w, r)
	case path == "clock":
		s.serveClock(w, r)
	case path == "stats" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Stats())
	case path == "instances" && r.Method == http.MethodPost:
		s.serveCreateInstance(w, r)
	case path == "metadata":
		s.serveMetadataTarget(w, r)
	case path == "inject" && r.Method == http.MethodPost:
		var in Injection
		if !readControl(w, r, &in) {
			return
		}
		out, err := s.Inject(in)
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, out)
	default:
		controlError(w, http.StatusNotFound, "unknown control path "+r.Method+" "+r.URL.Path)
	}
}

func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request) {
	var err error
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var rule FaultRule
		if !readControl(w, r, &rule) {
			return
		}
		err = s.AddFault(rule)
	case http.MethodDelete:
		err = s.ClearFaults()
	default:
		controlError(w, http.StatusMethodNotAllowed, "use GET, POST or DELETE")
		return
	}
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	rules, err := s.Faults()
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, rules)
}

// ClockState is the clock control's view.
type ClockState struct {
	Speed   float64   `json:"speed"`
	Offset  Duration  `json:"offset"`
	Now     time.Time `json:"now"`
	Advance Duration  `json:"advance,omitempty"`
}

func (s *Server) serveClock(w http.ResponseWriter, r *http.Request) {
	var err error
	switch r.Method {
	case http.MethodGet:
		_, err = s.loadControls()
	case http.MethodPost:
		var req struct {
			Advance Duration `json:"advance"`
			Speed   *float64 `json:"speed"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if req.Advance < 0 || (req.Speed != nil && *req.Speed < 0) {
			controlError(w, http.StatusBadRequest, "advance and speed must not be negative: the clock never goes back")
			return
		}
		err = s.changeClock(time.Duration(req.Advance), req.Speed)
	default:
		controlError(w, http.StatusMethodNotAllowed, "use GET or POST")
		return
	}
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, ClockState{Speed: s.clock.Speed(), Offset: Duration(s.clock.Offset()), Now: s.clock.Now()})
}

func readControl(w http.ResponseWriter, r *http.Request, into any) bool {
	d := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil && !errors.Is(err, io.EOF) {
		controlError(w, http.StatusBadRequest, "bad control request: "+err.Error())
		return false
	}
	return true
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
