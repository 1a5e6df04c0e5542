package emulator

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
)

func TestDecodeRPC(t *testing.T) {
	spec := contract.MustLoad(contract.EMR)
	for _, c := range []struct {
		name   string
		action string
		kv     map[string]string
		want   map[string]any
		code   string
		// mentions is text the error message must contain (the field, or
		// the suggestion).
		mentions string
	}{
		{
			name: "plain and flat list", action: "ListClusters",
			kv:   map[string]string{"RegionId": "cn-hangzhou", "MaxResults": "10", "ClusterIds.1": "c-1", "ClusterIds.2": "c-2"},
			want: map[string]any{"RegionId": "cn-hangzhou", "MaxResults": int64(10), "ClusterIds": []any{"c-1", "c-2"}},
		},
		{
			name: "flat list of objects", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "Tags.1.Key": "env", "Tags.1.Value": "dev", "Tags.2.Key": "team"},
			want: map[string]any{"RegionId": "r", "Tags": []any{map[string]any{"Key": "env", "Value": "dev"}, map[string]any{"Key": "team"}}},
		},
		{
			name: "flat list with a gap", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "ClusterIds.1": "c-1", "ClusterIds.3": "c-3"},
			code: "InvalidParameter", mentions: "ClusterIds.3",
		},
		{
			name: "flat list starting at 0", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "ClusterIds.0": "c-0"},
			code: "InvalidParameter", mentions: "ClusterIds.0",
		},
		{
			name: "boolean", action: "UpdateClusterAttribute",
			kv:   map[string]string{"RegionId": "r", "ClusterId": "c", "DeletionProtection": "false"},
			want: map[string]any{"RegionId": "r", "ClusterId": "c", "DeletionProtection": false},
		},
		{
			name: "boolean spelt yes", action: "UpdateClusterAttribute",
			kv:   map[string]string{"RegionId": "r", "ClusterId": "c", "DeletionProtection": "yes"},
			code: "InvalidParameter", mentions: "DeletionProtection",
		},
		{
			name: "integer in words", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "MaxResults": "ten"},
			code: "InvalidParameter", mentions: "MaxResults",
		},
		{
			name: "unknown parameter close to a real one", action: "GetCluster",
			kv:   map[string]string{"RegionId": "r", "ClusterID": "c"},
			code: "InvalidParameter", mentions: "did you mean ClusterId?",
		},
		{
			name: "unknown parameter far from any", action: "RunCluster",
			kv:   map[string]string{"RegionId": "r", "EmrVersion": "EMR-5.21.0"},
			code: "InvalidParameter", mentions: "EmrVersion is not a parameter of RunCluster",
		},
		{
			name: "missing required parameter", action: "GetCluster",
			kv:   map[string]string{"RegionId": "r"},
			code: "MissingParameter", mentions: "ClusterId",
		},
		{
			name: "flat object", action: "CreateNodeGroup",
			kv: map[string]string{
				"RegionId": "r", "ClusterId": "c", "NodeGroup.NodeGroupType": "TASK", "NodeGroup.NodeCount": "2",
				"NodeGroup.InstanceTypes.1": "ecs.g8i.xlarge", "NodeGroup.WithPublicIp": "true",
			},
			want: map[string]any{"RegionId": "r", "ClusterId": "c", "NodeGroup": map[string]any{
				"NodeGroupType": "TASK", "NodeCount": int64(2), "InstanceTypes": []any{"ecs.g8i.xlarge"}, "WithPublicIp": true,
			}},
		},
		{
			name: "unknown nested field", action: "CreateNodeGroup",
			kv:   map[string]string{"RegionId": "r", "ClusterId": "c", "NodeGroup.NodeGroupType": "TASK", "NodeGroup.NodeCont": "2"},
			code: "InvalidParameter", mentions: "did you mean NodeGroup.NodeCount?",
		},
		{
			name: "nested required field", action: "CreateNodeGroup",
			kv:   map[string]string{"RegionId": "r", "ClusterId": "c", "NodeGroup.NodeCount": "2"},
			code: "MissingNodeGroupType", mentions: "NodeGroup.NodeGroupType",
		},
		{
			name: "nested required field in a flat list", action: "CreateCluster",
			kv: map[string]string{
				"RegionId": "r", "ClusterName": "n", "ClusterType": "DATALAKE", "ReleaseVersion": "v",
				"Applications.1.ApplicationName": "HDFS", "NodeAttributes.VpcId": "v", "NodeAttributes.ZoneId": "z",
				"NodeGroups.1.NodeGroupType": "MASTER",
			},
			code: "MissingSecurityGroupId", mentions: "NodeAttributes.SecurityGroupId",
		},
		{
			name: "flat value for a list", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "ClusterIds": "c-1"},
			code: "InvalidParameter", mentions: "flat format",
		},
		{
			name: "list element with members", action: "ListClusters",
			kv:   map[string]string{"RegionId": "r", "ClusterIds.1.Id": "c-1"},
			code: "InvalidParameter", mentions: "ClusterIds.1",
		},
		{
			name: "JSON parameter", action: "RunCluster",
			kv: map[string]string{
				"RegionId": "r", "ClusterName": "n", "ClusterType": "DATALAKE", "ReleaseVersion": "v",
				"Applications": `[{"ApplicationName":"HDFS"}]`, "NodeGroups": `[{"NodeGroupType":"MASTER","NodeCount":1.0}]`,
			},
			want: map[string]any{
				"RegionId": "r", "ClusterName": "n", "ClusterType": "DATALAKE", "ReleaseVersion": "v",
				"Applications": []any{map[string]any{"ApplicationName": "HDFS"}},
				"NodeGroups":   []any{map[string]any{"NodeGroupType": "MASTER", "NodeCount": int64(1)}},
			},
		},
		{
			name: "flat keys for a JSON parameter", action: "RunCluster",
			kv:   map[string]string{"RegionId": "r", "NodeGroups.1.NodeCount": "1"},
			code: "InvalidParameter", mentions: "NodeGroups",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, aerr := decodeRPC(spec, spec.Action(c.action), c.kv)
			if c.code != "" {
				if aerr == nil || aerr.Code != c.code {
					t.Fatalf("got %v (%v), want error %s", aerr, got, c.code)
				}
				if !strings.Contains(aerr.Message, c.mentions) {
					t.Errorf("message %q does not contain %q", aerr.Message, c.mentions)
				}
				return
			}
			if aerr != nil {
				t.Fatalf("got error %v, want success", aerr)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("decoded tree (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONParam(t *testing.T) {
	spec := contract.MustLoad(contract.EMR)
	p := spec.Action("RunCluster").Param("NodeGroups")
	for _, c := range []struct {
		name     string
		text     string
		want     any
		code     string // default InvalidParameter when mentions is set
		mentions string
	}{
		{name: "valid", text: `[{"NodeGroupType":"CORE","VSwitchIds":["vsw-1"],"WithPublicIp":false}]`,
			want: []any{map[string]any{"NodeGroupType": "CORE", "VSwitchIds": []any{"vsw-1"}, "WithPublicIp": false}}},
		{name: "not JSON", text: `[{NodeGroupType: CORE}]`, mentions: "InvalidJSON parsing error"},
		{name: "trailing data", text: `[] []`, mentions: "trailing"},
		{name: "object for a list", text: `{"NodeGroupType":"CORE"}`, mentions: "JSON array"},
		{name: "unknown member ignored", text: `[{"NodeGroupType":"CORE","NodeGroupTyp":"x"}]`,
			want: []any{map[string]any{"NodeGroupType": "CORE"}}},
		{name: "misspelt required member", text: `[{"NodeGroupTyp":"CORE"}]`, code: "MissingNodeGroupType", mentions: "did you mean NodeGroups.1.NodeGroupType?"},
		{name: "fraction for an integer", text: `[{"NodeGroupType":"CORE","NodeCount":1.5}]`, mentions: "NodeGroups.1.NodeCount"},
		{name: "string for a boolean", text: `[{"NodeGroupType":"CORE","WithPublicIp":"true"}]`, mentions: "NodeGroups.1.WithPublicIp"},
		{name: "number for a string", text: `[{"NodeGroupType":7}]`, mentions: "NodeGroups.1.NodeGroupType"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, aerr := parseJSONParam(spec, p, "NodeGroups", c.text)
			if c.mentions != "" {
				code := orDefault(c.code, "InvalidParameter")
				if aerr == nil || aerr.Code != code || !strings.Contains(aerr.Message, c.mentions) {
					t.Fatalf("got %v, want %s mentioning %q", aerr, code, c.mentions)
				}
				return
			}
			if aerr != nil {
				t.Fatalf("got error %v, want success", aerr)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTyped(t *testing.T) {
	spec := contract.MustLoad(contract.EMR)
	attrs := spec.Action("RunCluster").Param("NodeAttributes")
	for _, c := range []struct {
		name     string
		in       string
		unknown  unknownMembers
		want     any
		code     string
		mentions string
	}{
		{name: "complete", in: `{"VpcId":"v","ZoneId":"z","SecurityGroupId":"s","DataDiskEncrypted":true}`,
			want: map[string]any{"VpcId": "v", "ZoneId": "z", "SecurityGroupId": "s", "DataDiskEncrypted": true}},
		{name: "missing ZoneId", in: `{"VpcId":"v","SecurityGroupId":"s"}`, code: "MissingZoneId"},
		{name: "misspelt member refused", in: `{"VpcID":"v","ZoneId":"z","SecurityGroupId":"s"}`, code: "InvalidParameter", mentions: "did you mean NodeAttributes.VpcId?"},
		{name: "misspelt required member ignored", unknown: ignoreUnknown, in: `{"VpcId":"v","ZoneID":"z","SecurityGroupId":"s"}`,
			code: "MissingZoneId", mentions: "did you mean NodeAttributes.ZoneId?"},
		{name: "misspelt optional member ignored", unknown: ignoreUnknown, in: `{"VpcId":"v","ZoneId":"z","SecurityGroupId":"s","KeyPairNme":"k"}`,
			want: map[string]any{"VpcId": "v", "ZoneId": "z", "SecurityGroupId": "s"}},
		{name: "null is absent", in: `null`, want: nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var v any
			d := json.NewDecoder(strings.NewReader(c.in))
			d.UseNumber()
			if err := d.Decode(&v); err != nil {
				t.Fatal(err)
			}
			got, aerr := typed(spec, attrs, "NodeAttributes", v, c.unknown)
			if c.code != "" {
				if aerr == nil || aerr.Code != c.code {
					t.Fatalf("got %v, want %s", aerr, c.code)
				}
				if !strings.Contains(aerr.Message, c.mentions) {
					t.Errorf("message %q does not contain %q", aerr.Message, c.mentions)
				}
				return
			}
			if aerr != nil {
				t.Fatalf("got error %v, want success", aerr)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnflatten(t *testing.T) {
	spec := contract.MustLoad(contract.EMR)
	p := spec.Action("PutAutoScalingPolicy").Param("ScalingRules")
	got, aerr := unflatten(spec, p, "ScalingRules", map[string]string{
		"1.RuleName": "busy", "1.TriggerType": "METRICS_TRIGGER", "1.ActivityType": "SCALE_OUT", "1.AdjustmentValue": "2",
		"1.MetricsTrigger.TimeWindow": "300", "1.MetricsTrigger.EvaluationCount": "1",
		"1.MetricsTrigger.Conditions.1.Threshold": "10.5", "1.MetricsTrigger.Conditions.1.MetricName": "m",
		"1.MetricsTrigger.Conditions.1.Statistics": "AVG", "1.MetricsTrigger.Conditions.1.ComparisonOperator": "GT",
	})
	if aerr != nil {
		t.Fatalf("got %v, want success", aerr)
	}
	want := []any{map[string]any{
		"RuleName": "busy", "TriggerType": "METRICS_TRIGGER", "ActivityType": "SCALE_OUT", "AdjustmentValue": int64(2),
		"MetricsTrigger": map[string]any{
			"TimeWindow": int64(300), "EvaluationCount": int64(1),
			"Conditions": []any{map[string]any{"Threshold": 10.5, "MetricName": "m", "Statistics": "AVG", "ComparisonOperator": "GT"}},
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		name string
		vals map[string]string
		code string
	}{
		{"missing required nested member", map[string]string{"1.RuleName": "r", "1.TriggerType": "T", "1.ActivityType": "A"}, "MissingAdjustmentValue"},
		{"value and members on one key", map[string]string{"1.RuleName": "r", "1.RuleName.x": "y"}, "InvalidParameter"},
		{"number in words", map[string]string{"1.RuleName": "r", "1.TriggerType": "T", "1.ActivityType": "A", "1.AdjustmentValue": "two"}, "InvalidParameter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, aerr := unflatten(spec, p, "ScalingRules", c.vals)
			if aerr == nil || aerr.Code != c.code {
				t.Errorf("got %v, want %s", aerr, c.code)
			}
		})
	}
}

func TestRPCParams(t *testing.T) {
	q := url.Values{"RegionId": {"r"}, "Action": {"GetCluster"}, "Signature": {"s"}}
	got, aerr := rpcParams(q, url.Values{"ClusterId": {"c"}})
	if aerr != nil {
		t.Fatal(aerr)
	}
	if diff := cmp.Diff(map[string]string{"RegionId": "r", "ClusterId": "c"}, got); diff != "" {
		t.Errorf("legacy parameters must be dropped, the body merged (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		name        string
		query, form url.Values
	}{
		{"twice in the query", url.Values{"RegionId": {"a", "b"}}, nil},
		{"in query and body", url.Values{"RegionId": {"a"}}, url.Values{"RegionId": {"a"}}},
	} {
		if _, aerr := rpcParams(c.query, c.form); aerr == nil || aerr.Code != "InvalidParameter" {
			t.Errorf("%s: got %v, want InvalidParameter", c.name, aerr)
		}
	}
}
