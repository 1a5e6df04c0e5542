package emulator

import (
	"errors"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

func callListClusters(h *harness) error {
	_, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region})
	return err
}

func callListReleases(h *harness) error {
	_, err := h.call(contract.EMR, "ListReleaseVersions", &emrwire.ListReleaseVersionsRequest{RegionId: region, ClusterType: clusterType})
	return err
}

// TestThrottlePerActionLimit: a per-action limit throttles that action and
// leaves the others at the default (here: off).
func TestThrottlePerActionLimit(t *testing.T) {
	cfg := ThrottleConfig{Rate: -1, Actions: map[string]Limit{"ListClusters": {Rate: 0.001, Burst: 2}}}
	h := newHarness(t, newServer(t, Options{Throttle: cfg}), false)
	for i := range 2 {
		if err := callListClusters(h); err != nil {
			t.Fatalf("ListClusters %d: %s", i+1, describe(err))
		}
	}
	wantCode(t, callListClusters(h), "Throttling.User")
	if e, _ := h.wire.last("ListClusters"); e.header.Get("x-ratelimit-user-api") != "Limit:2,Remain:0,TimeLeft:1000" {
		t.Errorf("x-ratelimit-user-api: got %q, want the action's burst, Limit:2", e.header.Get("x-ratelimit-user-api"))
	}
	for i := range 150 {
		if err := callListReleases(h); err != nil {
			t.Fatalf("ListReleaseVersions %d: %s (only ListClusters has a limit)", i+1, describe(err))
		}
	}
}

// TestThrottlePerActionOff: an action can be exempt while the default
// still throttles the rest.
func TestThrottlePerActionOff(t *testing.T) {
	cfg := ThrottleConfig{Rate: 0.001, Burst: 1, Actions: map[string]Limit{"ListClusters": {Rate: -1}}}
	h := newHarness(t, newServer(t, Options{Throttle: cfg}), false)
	for i := range 150 {
		if err := callListClusters(h); err != nil {
			t.Fatalf("ListClusters %d: %s (its limit is off)", i+1, describe(err))
		}
	}
	if err := callListReleases(h); err != nil {
		t.Fatalf("first ListReleaseVersions: %s", describe(err))
	}
	wantCode(t, callListReleases(h), "Throttling.User")
}

// TestThrottleOffNeverThrottles sends far more than the default burst in
// an instant: with Rate off, none is refused.
func TestThrottleOffNeverThrottles(t *testing.T) {
	th := newThrottler(ThrottleConfig{Rate: -1})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th.now = func() time.Time { return now }
	for i := range 10000 {
		if !th.allow("ak", "ListClusters") {
			t.Fatalf("request %d refused with throttling off", i+1)
		}
	}
	def := newThrottler(ThrottleConfig{})
	def.now = th.now
	allowed := 0
	for range 10000 {
		if def.allow("ak", "ListClusters") {
			allowed++
		}
	}
	if allowed != defaultThrottle.Burst {
		t.Errorf("default limit at one instant: got %d allowed, want the burst %d", allowed, defaultThrottle.Burst)
	}
}

// TestThrottleRefill: a per-action bucket refills at its own rate.
func TestThrottleRefill(t *testing.T) {
	th := newThrottler(ThrottleConfig{Actions: map[string]Limit{"GetCluster": {Rate: 200, Burst: 400}}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th.now = func() time.Time { return now }
	count := func(action string) int {
		n := 0
		for range 1000 {
			if th.allow("ak", action) {
				n++
			}
		}
		return n
	}
	if got := count("GetCluster"); got != 400 {
		t.Errorf("GetCluster burst: got %d, want 400", got)
	}
	if got := count("ListClusters"); got != defaultThrottle.Burst {
		t.Errorf("ListClusters burst: got %d, want the default %d", got, defaultThrottle.Burst)
	}
	now = now.Add(500 * time.Millisecond)
	if got := count("GetCluster"); got != 100 {
		t.Errorf("GetCluster after 0.5 s at 200/s: got %d, want 100", got)
	}
}

func TestThrottleUnknownActionRefused(t *testing.T) {
	_, err := New(Options{Throttle: ThrottleConfig{Actions: map[string]Limit{"ListClusters": {Rate: 1}, "ListCluster": {Rate: 1}}}})
	var ue *UnknownActionError
	if !errors.As(err, &ue) || ue.Action != "ListCluster" {
		t.Fatalf("got %v, want an UnknownActionError for ListCluster", err)
	}
	srv, err := New(Options{Throttle: ThrottleConfig{Actions: map[string]Limit{"ListWorkspaces": {Rate: 1}, "DescribeRegions": {Rate: 1}}}})
	if err != nil {
		t.Fatalf("Spark and VPC/ECS actions: %v", err)
	}
	srv.Close()
}

// TestCredentialExtraKeyPair signs with the official SDK over HTTP: an
// extra key pair is accepted, an unknown one and a wrong secret are not.
func TestCredentialExtraKeyPair(t *testing.T) {
	extra := Credential{AccessKeyID: "LTAI5tBenchKey000000001", AccessKeySecret: "bench-secret-1"}
	h := newHarness(t, newServer(t, Options{Credentials: []Credential{extra}}), true)
	_, get := action(t, contract.EMR, "ListClusters")
	req := func() *emrwire.ListClustersRequest { return &emrwire.ListClustersRequest{RegionId: region} }
	if _, err := h.send(get, sdkRequest(t, get, req()), clientOpts{cred: extra}); err != nil {
		t.Fatalf("extra key pair: %s", describe(err))
	}
	if _, err := h.send(get, sdkRequest(t, get, req()), clientOpts{cred: SandboxCredential}); err != nil {
		t.Fatalf("sandbox key pair next to an extra one: %s", describe(err))
	}
	_, err := h.send(get, sdkRequest(t, get, req()), clientOpts{cred: Credential{AccessKeyID: "LTAI5tBenchKey000000002", AccessKeySecret: "bench-secret-1"}})
	wantCode(t, err, "InvalidAccessKeyId.NotFound")
	_, err = h.send(get, sdkRequest(t, get, req()), clientOpts{cred: Credential{AccessKeyID: extra.AccessKeyID, AccessKeySecret: "bench-secret-2"}})
	wantCode(t, err, "SignatureDoesNotMatch")
}
