package aliyun

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// TestExactRequests pins what each write sends, member by member: the
// request a person confirms is the request that goes on the wire.
func TestExactRequests(t *testing.T) {
	p := &Provider{c: &Client{cfg: Config{Region: testRegion}}}
	const cid, gid = "c-b933c5aac8fe4a1d", "ng-869471354ecd4a1b"
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	nodeGroup, err := p.PrepareNodeGroup(cid, spec.NodeGroup{Name: "task", Role: spec.RoleTask, Count: ptr(2), InstanceTypes: []string{"ecs.g8i.xlarge"}, PaymentType: spec.PaymentPayAsYouGo})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want string
	}{
		{
			name: "increase a pay-as-you-go group",
			got:  p.IncreaseRequest(cid, gid, provider.IncreaseInput{Count: 3, PaymentUnit: "Month"}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","IncreaseNodeCount":3}`,
		},
		{
			name: "increase a subscription group",
			got:  p.IncreaseRequest(cid, gid, provider.IncreaseInput{Count: 2, MinCount: 1, PaymentDuration: 1, AutoPay: ptr(true), AutoRenew: ptr(false)}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","IncreaseNodeCount":2,"MinIncreaseNodeCount":1,
				"PaymentDuration":1,"PaymentDurationUnit":"Month","AutoPayOrder":true,"AutoRenew":false}`,
		},
		{
			name: "increase by the year",
			got:  p.IncreaseRequest(cid, gid, provider.IncreaseInput{Count: 1, PaymentDuration: 1, PaymentUnit: "Year"}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","IncreaseNodeCount":1,"PaymentDuration":1,"PaymentDurationUnit":"Year"}`,
		},
		{
			name: "decrease names the nodes only",
			got:  p.DecreaseRequest(cid, gid, provider.DecreaseInput{NodeIDs: []string{"i-bp1aaaaaaaaaaaaaaaaa", "i-bp1bbbbbbbbbbbbbbbbb"}, From: 5}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","NodeIds":["i-bp1aaaaaaaaaaaaaaaaa","i-bp1bbbbbbbbbbbbbbbbb"]}`,
		},
		{
			name: "attributes: the name only",
			got:  p.AttributesRequest(cid, provider.ClusterAttributes{Name: "etl-2"}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","ClusterName":"etl-2"}`,
		},
		{
			name: "attributes: protection off",
			got:  p.AttributesRequest(cid, provider.ClusterAttributes{DeletionProtection: ptr(false)}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","DeletionProtection":false}`,
		},
		{
			name: "auto-renew on with a term",
			got:  p.AutoRenewRequest(cid, provider.AutoRenewInput{Enable: true, Duration: 2}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","ClusterAutoRenew":true,"ClusterAutoRenewDuration":2,"ClusterAutoRenewDurationUnit":"Month","RenewAllInstances":false}`,
		},
		{
			name: "auto-renew off ignores the term",
			got:  p.AutoRenewRequest(cid, provider.AutoRenewInput{Enable: false, Duration: 2, Unit: "Year", AllInstances: true}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","ClusterAutoRenew":false,"RenewAllInstances":true}`,
		},
		{
			name: "node group",
			got:  nodeGroup.Shown(),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroup":{"NodeGroupType":"TASK","NodeGroupName":"task","NodeCount":2,"InstanceTypes":["ecs.g8i.xlarge"],"PaymentType":"PayAsYouGo"}}`,
		},
		{
			name: "auto scaling policy",
			got: p.AutoScalingRequest(provider.ScalingPolicy{ClusterID: cid, NodeGroupID: gid, MaxCapacity: 10, Rules: []provider.ScalingRule{
				{Name: "weekday", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
					Time: &provider.TimeTrigger{LaunchTime: "09:00", StartTime: start, RecurrenceType: "WEEKLY", RecurrenceValue: "MON,FRI"}},
			}}),
			want: `{"RegionId":"cn-hangzhou","ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","Constraints":{"MinCapacity":0,"MaxCapacity":10},
				"ScalingRules":[{"RuleName":"weekday","TriggerType":"TIME_TRIGGER","ActivityType":"SCALE_OUT","AdjustmentValue":2,
				"TimeTrigger":{"LaunchTime":"09:00","StartTime":1767225600000,"RecurrenceType":"WEEKLY","RecurrenceValue":"MON,FRI"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.got)
			if err != nil {
				t.Fatal(err)
			}
			var got, want map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("want: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSendableAddsTokenAndTag checks the request CreateCluster sends: the
// shown request plus the token as ClientToken and as the request tag, in
// the provider's region, without touching the prepared request.
func TestSendableAddsTokenAndTag(t *testing.T) {
	c := defaulted(t, "dev-cluster.yaml")
	c.Tags = map[string]string{"team": "etl"}
	r := prepared(t, &Provider{}, c, resolveFake(t, c))
	sent := sendable(r.req, "cn-shanghai", "token-1")
	want := []struct{ Key, Value string }{{"team", "etl"}, {provider.RequestTagKey, "token-1"}}
	var got []struct{ Key, Value string }
	for _, tag := range sent.Tags {
		got = append(got, struct{ Key, Value string }{tag.Key, tag.Value})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent tags (-want +got):\n%s", diff)
	}
	if sent.ClientToken != "token-1" || sent.RegionId != "cn-shanghai" {
		t.Errorf("sent: got ClientToken %q region %q, want token-1 cn-shanghai", sent.ClientToken, sent.RegionId)
	}
	if len(r.req.Tags) != 1 || r.req.ClientToken != "" || len(r.shown.Tags) != 1 {
		t.Errorf("prepared request changed: got tags %v token %q", r.req.Tags, r.req.ClientToken)
	}
}
