package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// The fault, reset, clock and stats controls, driven over HTTP as a test
// suite or CI pipeline would drive 'emrctl sandbox serve'.

func (h *harness) addFault(r FaultRule) {
	h.t.Helper()
	if code := h.control(http.MethodPost, "/_emulator/faults", r, nil); code != http.StatusOK {
		h.t.Fatalf("POST /_emulator/faults: got status %d", code)
	}
}

func (h *harness) clearFaults() {
	h.t.Helper()
	if code := h.control(http.MethodDelete, "/_emulator/faults", nil, nil); code != http.StatusOK {
		h.t.Fatalf("DELETE /_emulator/faults: got status %d", code)
	}
}

func (h *harness) clusterCount(name string) int {
	h.t.Helper()
	var list emrwire.ListClustersResponse
	h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, ClusterName: name, MaxResults: i64p(100)}, &list)
	return len(list.Clusters)
}

func TestFaults(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, get := action(t, contract.EMR, "GetCluster")
	getReq := sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: "c-none"})

	t.Run("latency", func(t *testing.T) {
		h.addFault(FaultRule{Action: "GetCluster", Latency: Duration(5 * time.Second)})
		defer h.clearFaults()
		start := time.Now()
		_, err := h.send(get, getReq, clientOpts{readTimeout: 150 * time.Millisecond})
		if err == nil || codeOf(err) != "" {
			t.Fatalf("got %v, want a client timeout", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the call took %s, want the client's 150ms read timeout to end it", d)
		}
	})
	t.Run("error rate", func(t *testing.T) {
		h.addFault(FaultRule{Action: "ListClusters", ErrorRate: 1, ErrorCode: "ServiceUnavailable", ErrorStatus: http.StatusServiceUnavailable})
		defer h.clearFaults()
		_, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region})
		wantCode(t, err, "ServiceUnavailable")
		_, err = h.send(get, getReq, clientOpts{})
		wantCode(t, err, "ClusterNotFound") // other actions are untouched
	})
	t.Run("drop the response of an applied request", func(t *testing.T) {
		h.addFault(FaultRule{Action: "RunCluster", DropResponses: 1})
		defer h.clearFaults()
		_, err := h.call(contract.EMR, "RunCluster", goodCluster("dropped"))
		if err == nil || codeOf(err) != "" {
			t.Fatalf("got %v, want a connection error", err)
		}
		if n := h.clusterCount("dropped"); n != 1 {
			t.Fatalf("after the dropped response: got %d clusters, want exactly 1", n)
		}
		h.runCluster(goodCluster("dropped")) // the fault was used up
		if n := h.clusterCount("dropped"); n != 2 {
			t.Errorf("after a second RunCluster: got %d clusters, want 2", n)
		}
	})
	t.Run("throttle next", func(t *testing.T) {
		h.addFault(FaultRule{Action: "*", ThrottleNext: 2})
		defer h.clearFaults()
		for i := 0; i < 2; i++ {
			_, err := h.send(get, getReq, clientOpts{})
			wantCode(t, err, "Throttling.User")
		}
		_, err := h.send(get, getReq, clientOpts{})
		wantCode(t, err, "ClusterNotFound")
	})
	t.Run("listing", func(t *testing.T) {
		h.addFault(FaultRule{Action: "GetCluster", ThrottleNext: 3})
		var rules []FaultRule
		h.control(http.MethodGet, "/_emulator/faults", nil, &rules)
		if len(rules) != 1 || rules[0].ThrottleNext != 3 {
			t.Errorf("GET /_emulator/faults: got %+v, want the one rule", rules)
		}
		h.clearFaults()
		h.control(http.MethodGet, "/_emulator/faults", nil, &rules)
		if len(rules) != 0 {
			t.Errorf("after DELETE: got %+v, want none", rules)
		}
	})
	t.Run("stats", func(t *testing.T) {
		var stats map[string]int
		h.control(http.MethodGet, "/_emulator/stats", nil, &stats)
		for k, want := range map[string]int{"ListClusters:ServiceUnavailable": 1, "GetCluster:Throttling.User": 2, "RunCluster": 2} {
			if stats[k] != want {
				t.Errorf("stats[%s]: got %d, want %d", k, stats[k], want)
			}
		}
	})
	t.Run("hold the response of an applied request", func(t *testing.T) {
		h.addFault(FaultRule{Action: "RunCluster", HoldAfterApply: Duration(5 * time.Second)})
		defer h.clearFaults()
		_, run := action(t, contract.EMR, "RunCluster")
		start := time.Now()
		_, err := h.send(run, sdkRequest(t, run, goodCluster("held")), clientOpts{readTimeout: 300 * time.Millisecond})
		if err == nil || codeOf(err) != "" {
			t.Fatalf("got %v, want a client timeout", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("the call took %s, want the client's read timeout to end it", d)
		}
		if n := h.clusterCount("held"); n != 1 {
			t.Errorf("while the answer is held: got %d clusters, want 1 (applied)", n)
		}
	})
}

func TestResetAndClock(t *testing.T) {
	h := newHarness(t, newServer(t, Options{Clock: NewClock(SpeedRealistic)}), true)
	id := h.runCluster(goodCluster("before-reset"))
	h.addFault(FaultRule{Action: "GetCluster", ThrottleNext: 5})

	var clock ClockState
	if code := h.control(http.MethodPost, "/_emulator/clock", map[string]any{"advance": "10m"}, &clock); code != http.StatusOK {
		t.Fatalf("POST /_emulator/clock: got status %d", code)
	}
	if time.Duration(clock.Offset) != 10*time.Minute || clock.Speed != SpeedRealistic {
		t.Errorf("clock: got offset %s, speed %v; want 10m0s and %v", time.Duration(clock.Offset), clock.Speed, SpeedRealistic)
	}
	if code := h.control(http.MethodPost, "/_emulator/clock", map[string]any{"advance": "-1m"}, nil); code != http.StatusBadRequest {
		t.Errorf("negative advance: got status %d, want 400", code)
	}
	if code := h.control(http.MethodPost, "/_emulator/clock", map[string]any{"speed": 60}, &clock); code != http.StatusOK || clock.Speed != 60 {
		t.Errorf("set speed: got status %d, speed %v; want 200 and 60", code, clock.Speed)
	}

	if code := h.control(http.MethodPost, "/_emulator/reset", map[string]any{"seed": 7}, nil); code != http.StatusOK {
		t.Fatalf("POST /_emulator/reset: got status %d", code)
	}
	var stats map[string]int
	h.control(http.MethodGet, "/_emulator/stats", nil, &stats)
	if len(stats) != 0 {
		t.Errorf("stats after reset: got %v, want none", stats)
	}
	_, err := h.call(contract.EMR, "GetCluster", &emrwire.GetClusterRequest{RegionId: region, ClusterId: id})
	wantCode(t, err, "ClusterNotFound") // forgotten, and the fault is gone too
	if next := h.runCluster(goodCluster("after-reset")); next == id {
		t.Errorf("after reset with another seed: got the same ID %s", next)
	}
	if code := h.control(http.MethodPost, "/_emulator/reset", map[string]any{"sede": 7}, nil); code != http.StatusBadRequest {
		t.Errorf("misspelt control field: got status %d, want 400", code)
	}
	if code := h.control(http.MethodGet, "/_emulator/nothing", nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown control path: got status %d, want 404", code)
	}
}
