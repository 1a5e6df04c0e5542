package aws

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

func TestTraitsIDs(t *testing.T) {
	tr := providerAt(t, "http://127.0.0.1:1").Traits()
	for _, tc := range []struct {
		name  string
		check func(field, id string) *validate.Error
		id    string
		ok    bool
	}{
		{name: "cluster", check: tr.CheckClusterID, id: "j-2AXXXXXXGAPLF", ok: true},
		{name: "Alibaba cluster", check: tr.CheckClusterID, id: "c-b933c5aac8fe4a1d"},
		{name: "instance group", check: tr.CheckNodeGroupID, id: "ig-1234567890AB", ok: true},
		{name: "instance fleet", check: tr.CheckNodeGroupID, id: "if-1234567890AB", ok: true},
		{name: "moto's instance group", check: tr.CheckNodeGroupID, id: "i-ABCDEF0123456", ok: true},
		{name: "Alibaba node group", check: tr.CheckNodeGroupID, id: "ng-869471354ecd4a1b"},
		{name: "EC2 instance as a group", check: tr.CheckNodeGroupID, id: "i-0abc123def4567890"},
		{name: "EC2 instance", check: tr.CheckNodeID, id: "i-0abc123def4567890", ok: true},
		{name: "short EC2 instance", check: tr.CheckNodeID, id: "i-0abc123d", ok: true},
		{name: "upper case", check: tr.CheckNodeID, id: "i-0ABC123DEF4567890"},
		{name: "not hexadecimal", check: tr.CheckNodeID, id: "i-bp1cudc25w2bfwl5xxxx"},
		{name: "too long", check: tr.CheckNodeID, id: "i-0abc123def45678901"},
		{name: "a line break", check: tr.CheckNodeID, id: "i-0abc123d\nx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check("id", tc.id)
			if (err == nil) != tc.ok {
				t.Errorf("%q: got %v, want accepted %v", tc.id, err, tc.ok)
			}
			if err != nil && (err.Field != "id" || err.Fix == "") {
				t.Errorf("%q: got %+v, want the field and a fix", tc.id, err)
			}
		})
	}
}

func TestTraitsStates(t *testing.T) {
	tr := providerAt(t, "http://127.0.0.1:1").Traits()
	names := tr.ClusterStateNames
	for _, tc := range []struct {
		name string
		want []string
	}{
		{name: "running", want: []string{StateRunning, StateWaiting}},
		{name: "waiting", want: []string{StateWaiting}},
		{name: "active", want: []string{StateStarting, StateBootstrapping, StateRunning, StateWaiting}},
		{name: "terminated", want: []string{StateTerminating, StateTerminated, StateTerminatedWithErrors}},
	} {
		if diff := cmp.Diff(tc.want, names[tc.name]); diff != "" {
			t.Errorf("name %s (-want +got):\n%s", tc.name, diff)
		}
	}
	up := tr.ClusterWait("")
	if !slices.Contains(up.Target, StateWaiting) || !slices.Contains(up.Failed, StateTerminated) {
		t.Errorf("wait for up: got %+v, want WAITING as a target and TERMINATED as a failure", up)
	}
	gone := tr.ClusterWait(StateTerminated)
	for _, s := range []string{StateRunning, StateWaiting, StateTerminating} {
		if !slices.Contains(gone.Pending, s) {
			t.Errorf("wait for TERMINATED: %s is not pending: %+v", s, gone)
		}
	}
	if !gone.Gone {
		t.Error("wait for TERMINATED: a cluster gone must count as terminated")
	}
	if tr.Name != provider.AWS || tr.Console == "" || !slices.Equal(tr.Attributes, []string{provider.AttrDeletionProtection}) {
		t.Errorf("traits: got %+v", tr)
	}
}
