package mcpserver

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/spec"
)

// gwSecret is a secret value of a cluster's configuration that no tool
// result, error or audit record may show.
const gwSecret = "sandbox-Secret-value-77"

// withSecret gives a cluster a secret key in core-site.xml.
func withSecret(c *spec.Cluster) {
	c.ApplicationConfigs = append(c.ApplicationConfigs, spec.AppConfig{Application: "HDFS", File: "core-site.xml", Key: "fs.oss.accessKeySecret", Value: gwSecret})
}

// custom516 is a CUSTOM cluster of a release without GATEWAY node groups.
func custom516(c *spec.Cluster) {
	c.ClusterType, c.ReleaseVersion = "CUSTOM", "EMR-5.16.0"
}

func configValue(files []provider.ConfigFile, app, file, key string) (string, bool) {
	for _, f := range files {
		for _, it := range f.Items {
			if f.Application == app && f.Name == file && it.Key == key {
				return it.Value, true
			}
		}
	}
	return "", false
}

// auditText is every audit record of the bed's journal, as JSON.
func (b *bed) auditText() string {
	b.t.Helper()
	evs, err := b.eng.Journal().ListAudit(context.Background(), journal.Filter{Limit: 10000})
	if err != nil {
		b.t.Fatal(err)
	}
	raw, err := json.Marshal(evs)
	if err != nil {
		b.t.Fatal(err)
	}
	return string(raw)
}

// TestGatewayPlanTool: the plan picks the mode by cluster type and
// release, and the tools say that none writes local files.
func TestGatewayPlanTool(t *testing.T) {
	b := newBed(t, bedOptions{})
	tests := []struct {
		name     string
		mutate   func(*spec.Cluster)
		wantMode string
		nodeFits bool
	}{
		{name: "datalake 5-21", wantMode: engine.GatewayNodeGroup, nodeFits: true},
		{name: "custom 5-16", mutate: custom516, wantMode: engine.GatewayEnvironment},
	}
	cs, _ := connect(t, b.server(false), declining)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := b.createClusterWith("gw-plan-"+strings.ReplaceAll(tt.name, " ", "-"), 0, tt.mutate)
			var plan engine.GatewayPlan
			decode(t, call(t, cs, "gateway_plan", map[string]any{"clusterId": f.clusterID}), &plan)
			if plan.ClusterID != f.clusterID || plan.Recommended != tt.wantMode {
				t.Errorf("plan of %s: got cluster %s, recommended %q, want %q", f.clusterID, plan.ClusterID, plan.Recommended, tt.wantMode)
			}
			fits := false
			for _, m := range plan.Modes {
				if m.Mode == engine.GatewayNodeGroup {
					fits = m.Applies
				}
			}
			if fits != tt.nodeFits {
				t.Errorf("node-group mode applies: got %v, want %v (%+v)", fits, tt.nodeFits, plan.Modes)
			}
		})
	}
	for _, tl := range listTools(t, cs) {
		if strings.HasPrefix(tl.Name, "gateway_") && !strings.Contains(tl.Description, "No tool writes files on any machine") {
			t.Errorf("%s: the description does not say that no tool writes local files: %s", tl.Name, tl.Description)
		}
	}
}

// TestGatewayConfigsTool: the configuration is the cluster's, secret
// values redacted in the result, its text and the audit log.
func TestGatewayConfigsTool(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createClusterWith("gw-configs", 0, withSecret)
	cs, _ := connect(t, b.server(false), declining)
	res := call(t, cs, "gateway_configs", map[string]any{"clusterId": f.clusterID, "apps": []string{"hdfs"}})
	var out GatewayConfigsOutput
	decode(t, res, &out)
	if v, ok := configValue(out.Files, "HDFS", "core-site.xml", "fs.oss.accessKeySecret"); !ok || v != redact.Marker {
		t.Errorf("fs.oss.accessKeySecret: got %q (present %v), want %s", v, ok, redact.Marker)
	}
	if v, _ := configValue(out.Files, "HDFS", "core-site.xml", "fs.defaultFS"); !strings.Contains(v, f.clusterID) {
		t.Errorf("fs.defaultFS: got %q, want the cluster's master address", v)
	}
	for _, fl := range out.Files {
		if fl.Application != "HDFS" {
			t.Errorf("file %s of %s: want HDFS files only", fl.Name, fl.Application)
		}
	}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), gwSecret) || strings.Contains(b.auditText(), gwSecret) {
		t.Errorf("the secret value is in the result or the audit log")
	}
	if res := call(t, cs, "gateway_configs", map[string]any{"clusterId": f.clusterID, "apps": []string{"NOPE"}}); !res.IsError || !strings.Contains(text(res), "app") {
		t.Errorf("an unknown app: got isError=%v %q, want an input error naming app", res.IsError, text(res))
	}
}

// TestGatewaySetConfigTool: the change is sent once after the person
// accepts, with the old and new value in the confirmation; declined or
// without a dialog nothing is sent; the same values again send nothing
// and ask nothing; a secret key is refused for agents without a question.
func TestGatewaySetConfigTool(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createClusterWith("gw-set", 0, withSecret)
	args := func(key, value, idem string) map[string]any {
		return map[string]any{"clusterId": f.clusterID, "application": "HDFS", "file": "core-site.xml",
			"items": []map[string]string{{"key": key, "value": value}}, "idempotencyKey": idem}
	}
	withFile := func(a map[string]any, file string) map[string]any {
		a["file"] = file
		return a
	}
	tests := []struct {
		name      string
		mode      clientMode
		args      map[string]any
		wantSent  int
		wantAsked int
		wantValue string
		wantText  string // part of the tool error; "" for success
	}{
		{name: "declined", mode: declining, args: args("fs.trash.interval", "120", "a1"), wantAsked: 1, wantValue: "1440", wantText: "declined"},
		{name: "no elicitation", mode: noElicit, args: args("fs.trash.interval", "120", "a2"), wantValue: "1440",
			wantText: "emrctl gateway set-config " + f.clusterID + " fs.trash.interval=120 --app HDFS --file core-site.xml"},
		{name: "secret key", mode: acceptingAll, args: args("fs.oss.accessKeySecret", "new-Secret-value-88", "a3"), wantValue: "1440", wantText: policy.RuleSecretConfig},
		{name: "secret key, bad file", mode: acceptingAll, args: withFile(args("fs.oss.accessKeySecret", "other-Secret-value-99", "a6"), "conf/core-site.xml"), wantValue: "1440", wantText: "file"},
		{name: "accepted", mode: acceptingAll, args: args("fs.trash.interval", "120", "a4"), wantSent: 1, wantAsked: 1, wantValue: "120"},
		{name: "unchanged", mode: acceptingAll, args: args("fs.trash.interval", "120", "a5"), wantValue: "120"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, log := connect(t, b.server(true), tt.mode)
			mark := b.rec.mark()
			res := call(t, cs, "gateway_set_config", tt.args)
			switch {
			case tt.wantText == "" && res.IsError:
				t.Fatalf("got error %q, want success", text(res))
			case tt.wantText != "" && (!res.IsError || !strings.Contains(text(res), tt.wantText)):
				t.Fatalf("got isError=%v %q, want an error containing %q", res.IsError, text(res), tt.wantText)
			}
			if sent := b.rec.since(mark, "UpdateApplicationConfigs"); len(sent) != tt.wantSent {
				t.Errorf("UpdateApplicationConfigs sent: got %d, want %d", len(sent), tt.wantSent)
			}
			asked := log.all()
			if len(asked) != tt.wantAsked {
				t.Errorf("confirmations shown: got %d, want %d", len(asked), tt.wantAsked)
			}
			for _, m := range asked {
				if !strings.Contains(m, `"fs.trash.interval": "1440" -> "120"`) {
					t.Errorf("confirmation %q lacks the old and new value", m)
				}
			}
			files, err := b.eng.ClientConfigs(context.Background(), f.clusterID, []string{"HDFS"})
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := configValue(files, "HDFS", "core-site.xml", "fs.trash.interval"); v != tt.wantValue {
				t.Errorf("fs.trash.interval: got %q, want %q", v, tt.wantValue)
			}
		})
	}
	if audit := b.auditText(); strings.Contains(audit, "new-Secret-value-88") || strings.Contains(audit, "other-Secret-value-99") || strings.Contains(audit, gwSecret) {
		t.Errorf("a secret value is in the audit log")
	}
}

// TestGatewayDeployNodeGroupTool: the GATEWAY group goes through the
// policy of any new node group with the agent's rules on top (an agent's
// cost is the person's decision, however small), and only where the plan
// says the mode fits.
func TestGatewayDeployNodeGroupTool(t *testing.T) {
	b := newBed(t, bedOptions{})
	fits := b.createCluster("gw-ng", 0)
	custom := b.createClusterWith("gw-ng-custom", 0, custom516)
	tests := []struct {
		name      string
		mode      clientMode
		args      map[string]any
		wantSent  int
		wantAsked int
		wantText  string // part of the tool error; "" for success
	}{
		{name: "declined", mode: declining, args: map[string]any{"clusterId": fits.clusterID}, wantAsked: 1, wantText: "declined"},
		{name: "no elicitation", mode: noElicit, args: map[string]any{"clusterId": fits.clusterID, "count": 2},
			wantText: "emrctl gateway deploy " + fits.clusterID + " --mode node-group --count 2"},
		{name: "over the limit", mode: acceptingAll, args: map[string]any{"clusterId": fits.clusterID, "count": 60}, wantText: "policy limit of 50"},
		{name: "mode does not fit", mode: acceptingAll, args: map[string]any{"clusterId": custom.clusterID}, wantText: "node-group does not fit"},
		{name: "accepted", mode: acceptingAll, args: map[string]any{"clusterId": fits.clusterID, "idempotencyKey": "gw-1"}, wantSent: 1, wantAsked: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, log := connect(t, b.server(true), tt.mode)
			mark := b.rec.mark()
			res := call(t, cs, "gateway_deploy_node_group", tt.args)
			switch {
			case tt.wantText == "" && res.IsError:
				t.Fatalf("got error %q, want success", text(res))
			case tt.wantText != "" && (!res.IsError || !strings.Contains(text(res), tt.wantText)):
				t.Fatalf("got isError=%v %q, want an error containing %q", res.IsError, text(res), tt.wantText)
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != tt.wantSent {
				t.Errorf("writes sent: got %v, want %d", sent, tt.wantSent)
			}
			if n := len(log.all()); n != tt.wantAsked {
				t.Errorf("confirmations shown: got %d, want %d", n, tt.wantAsked)
			}
			for _, m := range log.all() {
				if !strings.Contains(m, `adds GATEWAY node group "gateway" with 1 node`) || !strings.Contains(m, "A write by an agent or a REST token that adds cost") {
					t.Errorf("confirmation %q: want the GATEWAY group and the agent's cost rule", m)
				}
			}
			if tt.wantSent == 0 {
				return
			}
			var out CreateNodeGroupOutput
			decode(t, res, &out)
			groups, err := b.eng.ListNodeGroups(context.Background(), fits.clusterID, provider.NodeGroupFilter{IDs: []string{out.NodeGroupID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != 1 || groups[0].Role != "GATEWAY" || len(groups[0].InstanceTypes) == 0 || groups[0].InstanceTypes[0] != "ecs.g8i.xlarge" {
				t.Errorf("node group %s: got %+v, want a GATEWAY group of the MASTER's type", out.NodeGroupID, groups)
			}
		})
	}
}
