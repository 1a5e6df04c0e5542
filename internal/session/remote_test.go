package session

import (
	"net/http/httptest"
	"testing"

	"github.com/emrctl/emrctl/internal/emulator"
)

// TestRemoteSandboxSpeed: waits on a served sandbox follow the speed of its
// clock, not the profile's guess.
func TestRemoteSandboxSpeed(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(120)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	gen, speed := remoteSandbox(ts.URL, true, 60)
	if gen != srv.Generation() || speed != 120 {
		t.Errorf("got generation %q speed %v, want %q and the emulator's 120", gen, speed, srv.Generation())
	}
	if err := srv.SetClockSpeed(0); err != nil {
		t.Fatal(err)
	}
	if _, speed := remoteSandbox(ts.URL, true, 60); speed != 0 {
		t.Errorf("an instant emulator: speed %v, want 0", speed)
	}
	if gen, speed := remoteSandbox("http://127.0.0.1:1", true, 60); gen != "http://127.0.0.1:1" || speed != 60 {
		t.Errorf("no emulator answering: got %q %v, want the endpoint and the profile's speed", gen, speed)
	}
}
