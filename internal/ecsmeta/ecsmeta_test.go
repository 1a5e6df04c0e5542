package ecsmeta

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
)

// sandbox serves the emulator over HTTP and records the paths asked for.
func sandbox(t *testing.T) (*emulator.Server, string, func() []string) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var mu sync.Mutex
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return srv, ts.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
}

func TestIdentityFromSandbox(t *testing.T) {
	_, url, _ := sandbox(t)
	got, err := (&Client{BaseURL: url}).Identity(context.Background())
	if err != nil {
		t.Fatalf("Identity: %v", err)
	}
	want := &Identity{
		InstanceID: emulator.GatewayCandidateID, RegionID: "cn-hangzhou", ZoneID: "cn-hangzhou-h",
		VpcID: "vpc-bp1sandbox0000000001", VSwitchID: "vsw-bp1sandboxzoneh00001", PrivateIP: "192.168.15.201",
		Hostname: "emrctl-gateway-good", RAMRole: emulator.GatewayRAMRole,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Identity (-want +got):\n%s", diff)
	}
}

func TestIdentityWithoutRole(t *testing.T) {
	srv, url, paths := sandbox(t)
	if err := srv.SetMetadataInstance("i-sandboxgw0000007"); err != nil {
		t.Fatal(err)
	}
	got, err := (&Client{BaseURL: url}).Identity(context.Background())
	if err != nil {
		t.Fatalf("Identity: %v", err)
	}
	if got.InstanceID != "i-sandboxgw0000007" || got.RAMRole != "" {
		t.Errorf("got instance %s role %q, want i-sandboxgw0000007 and no role", got.InstanceID, got.RAMRole)
	}
	for _, p := range paths() {
		if strings.HasPrefix(p, "/latest/meta-data/ram/security-credentials/") && p != "/latest/meta-data/ram/security-credentials/" {
			t.Errorf("asked for %s: the client must never read role credentials", p)
		}
	}
}

// TestIdentityNeverReadsCredentials checks that with a role attached only
// its name is read.
func TestIdentityNeverReadsCredentials(t *testing.T) {
	_, url, paths := sandbox(t)
	if _, err := (&Client{BaseURL: url}).Identity(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths() {
		if strings.Contains(p, emulator.GatewayRAMRole) {
			t.Errorf("asked for %s: the client must never read role credentials", p)
		}
	}
}

func TestNotOnECS(t *testing.T) {
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	silent := func(t *testing.T) string {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	for _, tc := range []struct {
		name string
		url  func(*testing.T) string
	}{
		{"closed port", closed},
		{"no answer", silent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url(t)
			start := time.Now()
			_, err := (&Client{BaseURL: url}).Identity(context.Background())
			elapsed := time.Since(start)
			var notOnECS *NotOnECSError
			if !errors.As(err, &notOnECS) {
				t.Fatalf("got %v, want a NotOnECSError", err)
			}
			if notOnECS.URL != url {
				t.Errorf("URL: got %s, want %s", notOnECS.URL, url)
			}
			if elapsed > Budget+500*time.Millisecond {
				t.Errorf("took %v, want at most the %v budget", elapsed, Budget)
			}
		})
	}
}

func TestCallerCancelIsNotNotOnECS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, url, _ := sandbox(t)
	_, err := (&Client{BaseURL: url}).Identity(ctx)
	var notOnECS *NotOnECSError
	if errors.As(err, &notOnECS) || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled and no NotOnECSError", err)
	}
}

// TestIdentityInProcess reads the embedded sandbox through its in-process
// transport, the way a command on the embedded sandbox would.
func TestIdentityInProcess(t *testing.T) {
	srv, _, _ := sandbox(t)
	c := &Client{BaseURL: "http://sandbox.local", HTTP: &http.Client{Transport: srv.Transport()}}
	got, err := c.Identity(context.Background())
	if err != nil {
		t.Fatalf("Identity: %v", err)
	}
	if got.InstanceID != emulator.GatewayCandidateID || got.RAMRole != emulator.GatewayRAMRole {
		t.Errorf("got %s with role %q, want %s with %s", got.InstanceID, got.RAMRole, emulator.GatewayCandidateID, emulator.GatewayRAMRole)
	}
}
