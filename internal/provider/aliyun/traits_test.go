package aliyun

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

func TestTraits(t *testing.T) {
	tr := (&Provider{c: &Client{cfg: Config{Region: testRegion}}}).Traits()
	if tr.Name != provider.Aliyun || tr.Cloud != "Alibaba Cloud" || tr.Region != testRegion {
		t.Errorf("names: got %s %q %s, want %s \"Alibaba Cloud\" %s", tr.Name, tr.Cloud, tr.Region, provider.Aliyun, testRegion)
	}
	checks := []struct {
		name      string
		check     func(field, id string) *validate.Error
		good, bad string
	}{
		{"cluster", tr.CheckClusterID, "c-b933c5aac8fe4a1d", "j-2AXXXXXXGAPLF"},
		{"node group", tr.CheckNodeGroupID, "ng-869471354ecd4a1b", "c-b933c5aac8fe4a1d"},
		{"node", tr.CheckNodeID, "i-bp1cudc25w2bfwl5xxxx", "ng-869471354ecd4a1b"},
	}
	for _, c := range checks {
		if e := c.check("id", c.good); e != nil {
			t.Errorf("%s ID %s: got %v, want it accepted", c.name, c.good, e)
		}
		if e := c.check("id", c.bad); e == nil || e.Field != "id" {
			t.Errorf("%s ID %s: got %v, want it refused naming the field", c.name, c.bad, e)
		}
	}
	if got := tr.ClusterStateNames["active"]; !slices.Equal(got, []string{StateStarting, StateBootstrapping, StateRunning}) {
		t.Errorf("active: got %v, want STARTING, BOOTSTRAPPING, RUNNING", got)
	}
	for _, name := range []string{"active", "starting", "running", "failed", "terminated"} {
		if len(tr.ClusterStateNames[name]) == 0 {
			t.Errorf("state name %s: got none, want the cloud's states", name)
		}
	}
	if !slices.Equal(tr.Attributes, []string{provider.AttrName, provider.AttrDescription, provider.AttrDeletionProtection}) {
		t.Errorf("attributes: got %v, want all three", tr.Attributes)
	}
	if !slices.Contains(tr.NodeGroupBusy, "INCREASING") || !slices.Equal(tr.NodeGroupIdle, []string{"RUNNING"}) {
		t.Errorf("node group states: got busy %v idle %v", tr.NodeGroupBusy, tr.NodeGroupIdle)
	}
}

// TestClusterWait replays state sequences through provider.Wait with the
// spec Traits.ClusterWait declares.
func TestClusterWait(t *testing.T) {
	tests := []struct {
		name   string
		target string
		states []string
		want   string // final state; "" for a *provider.WaitError
	}{
		{name: "up", states: []string{StateStarting, StateBootstrapping, StateRunning}, want: StateRunning},
		{name: "start failed", states: []string{StateStarting, StateStartFailed}},
		{name: "terminated while starting", states: []string{StateStarting, StateTerminated}},
		{name: "released, still RUNNING at first", target: StateTerminated, states: []string{StateRunning, StateRunning, StateTerminating, StateTerminated}, want: StateTerminated},
		{name: "released while starting", target: StateTerminated, states: []string{StateStarting, StateTerminating, StateTerminated}, want: StateTerminated},
		{name: "release failed", target: StateTerminated, states: []string{StateRunning, StateTerminating, StateTerminateFailed}},
		{name: "other target", target: StateStartFailed, states: []string{StateStarting, StateStartFailed}, want: StateStartFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				i := 0
				obs, err := provider.Wait(context.Background(), clusterWait(tt.target), func(context.Context) (provider.Observation, error) {
					s := tt.states[min(i, len(tt.states)-1)]
					i++
					return provider.Observation{State: s}, nil
				})
				var we *provider.WaitError
				switch {
				case tt.want == "" && !errors.As(err, &we):
					t.Errorf("got %q, %v; want a *provider.WaitError", obs.State, err)
				case tt.want != "" && (err != nil || obs.State != tt.want):
					t.Errorf("got %q, %v; want %s", obs.State, err, tt.want)
				}
			})
		})
	}
}

func TestClusterWaitTerminatedGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		obs, err := provider.Wait(context.Background(), clusterWait(StateTerminated), func(context.Context) (provider.Observation, error) {
			calls++
			if calls == 1 {
				return provider.Observation{State: StateRunning}, nil
			}
			return provider.Observation{}, &provider.APIError{Kind: provider.KindNotFound}
		})
		if err != nil || obs.State != "GONE" {
			t.Errorf("got %q, %v; want GONE", obs.State, err)
		}
		if calls != 2 {
			t.Errorf("polls: got %d, want 2", calls)
		}
	})
}

func TestNodePhase(t *testing.T) {
	tests := []struct {
		state string
		want  provider.NodePhase
		live  bool
	}{
		{nodePending, provider.PhasePending, true},
		{nodeStarting, provider.PhasePending, true},
		{nodeRunning, provider.PhaseRunning, true},
		{nodeStopped, provider.PhaseStopped, true},
		{nodeStopping, provider.PhaseReleasing, false},
		{nodeTerminated, provider.PhaseReleased, false},
		{"Unheard", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			got := nodePhase(tt.state)
			if got != tt.want {
				t.Errorf("nodePhase(%s): got %q, want %q", tt.state, got, tt.want)
			}
			if live := (provider.Node{Phase: got}).Live(); live != tt.live {
				t.Errorf("Live: got %v, want %v", live, tt.live)
			}
		})
	}
}
