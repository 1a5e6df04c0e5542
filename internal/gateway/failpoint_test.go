//go:build failpoints && unix

package gateway

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFailpoint(t *testing.T) {
	for _, tc := range []struct {
		value      string
		wantPrefix string
		wantN      int
		wantErr    bool
	}{
		{value: "write:3", wantPrefix: "write", wantN: 3},
		{value: "switch:1", wantPrefix: "switch", wantN: 1},
		{value: "write manifest:1", wantPrefix: "write manifest", wantN: 1},
		{value: "write etc/a:b.xml:2", wantPrefix: "write etc/a:b.xml", wantN: 2},
		{value: "write", wantErr: true},
		{value: ":1", wantErr: true},
		{value: "write:0", wantErr: true},
		{value: "write:x", wantErr: true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			prefix, n, err := parseFailpoint(tc.value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseFailpoint(%q): got error %v, want error %v", tc.value, err, tc.wantErr)
			}
			if prefix != tc.wantPrefix || n != tc.wantN {
				t.Errorf("parseFailpoint(%q): got %q, %d, want %q, %d", tc.value, prefix, n, tc.wantPrefix, tc.wantN)
			}
		})
	}
}

// TestFailpointHookCountsMatchingSteps runs the steps of a real apply
// through the hook and records where it would kill.
func TestFailpointHookCountsMatchingSteps(t *testing.T) {
	steps := applySteps(t)
	for _, tc := range []struct {
		prefix string
		n      int
		want   []int // indexes of steps after which kill ran
	}{
		{prefix: "write", n: 1, want: []int{0}},
		{prefix: "write", n: 3, want: []int{2}},
		{prefix: "write manifest", n: 1, want: []int{stepIndex(steps, "write manifest")}},
		{prefix: "switch", n: 1, want: []int{stepIndex(steps, "switch")}},
		{prefix: "switch", n: 2, want: nil},
	} {
		var killed []int
		i := 0
		hook := failpointHook(tc.prefix, tc.n, func() { killed = append(killed, i) })
		for ; i < len(steps); i++ {
			hook(steps[i])
		}
		if diff := cmp.Diff(tc.want, killed); diff != "" {
			t.Errorf("%s:%d over %q: kills after steps (-want +got):\n%s", tc.prefix, tc.n, steps, diff)
		}
	}
}

// TestFailpointInstalledFromEnv checks NewStore of the failpoint build
// reads the variable.
func TestFailpointInstalledFromEnv(t *testing.T) {
	t.Setenv(failpointEnv, "switch:1")
	if NewStore(t.TempDir()).afterStep == nil {
		t.Errorf("NewStore with %s set: no step hook, want the failpoint", failpointEnv)
	}
}
