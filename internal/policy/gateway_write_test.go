package policy

import (
	"strings"
	"testing"
)

func TestGatewayFileOps(t *testing.T) {
	write := WriteGatewayFiles{Root: "/opt/gw", ClusterID: "c-12345678",
		Files: []GatewayFile{{Path: "etc/hadoop/conf/core-site.xml", Kind: FileChanged}, {Path: "etc/hive/conf/hive-site.xml", Kind: FileAdded}}}
	switching := write
	switching.PreviousClusterID = "c-87654321"
	refresh := write
	refresh.Refresh = true
	rollback := RollbackGatewayFiles{Root: "/opt/gw", From: "20261203T100000Z-2", To: "20261203T090000Z-1", ClusterID: "c-12345678"}
	tests := []struct {
		name      string
		kind      ActorKind
		op        Operation
		want      Verdict
		limit     string
		impactHas []string
		impactNot []string
	}{
		{name: "human deploy", kind: Human, op: write, want: Confirm,
			impactHas: []string{"deploys", "c-12345678", "2 files to write", "\n  changed etc/hadoop/conf/core-site.xml\n  added etc/hive/conf/hive-site.xml"},
			impactNot: []string{"switches"}},
		{name: "script refresh", kind: Script, op: refresh, want: Confirm, impactHas: []string{"refreshes"}},
		{name: "switching clusters", kind: Human, op: switching, want: Confirm, impactHas: []string{"switches from cluster c-87654321 to c-12345678"}},
		{name: "agent deploy", kind: Agent, op: write, want: Deny, limit: RuleLocalFiles},
		{name: "service deploy", kind: Service, op: write, want: Deny, limit: RuleLocalFiles},
		{name: "human rollback", kind: Human, op: rollback, want: Allow,
			impactHas: []string{"makes generation 20261203T090000Z-1 current again", "20261203T100000Z-2 (cluster c-12345678) stays as a backup"}},
		{name: "script rollback", kind: Script, op: rollback, want: Allow},
		{name: "agent rollback", kind: Agent, op: rollback, want: Deny, limit: RuleLocalFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(nil, Actor{Kind: tt.kind, Name: "x"}, tt.op)
			if d.Verdict != tt.want || d.Limit != tt.limit {
				t.Fatalf("got verdict %v limit %q (reasons %q), want %v limit %q", d.Verdict, d.Limit, d.Reasons, tt.want, tt.limit)
			}
			if d.Verdict == Deny && !strings.Contains(strings.Join(d.Reasons, " "), "no MCP tool or REST call writes local files") {
				t.Errorf("reasons %q do not say that no tool writes local files", d.Reasons)
			}
			if got := d.Summary.Target.String(); got != "the gateway files under /opt/gw" {
				t.Errorf("target: got %q, want the root", got)
			}
			impact := d.Summary.Impact.String()
			for _, h := range tt.impactHas {
				if !strings.Contains(impact, h) {
					t.Errorf("impact %q lacks %q", impact, h)
				}
			}
			for _, h := range tt.impactNot {
				if strings.Contains(impact, h) {
					t.Errorf("impact %q has %q", impact, h)
				}
			}
		})
	}
}
