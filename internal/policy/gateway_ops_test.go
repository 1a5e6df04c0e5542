package policy

import (
	"strings"
	"testing"
)

func TestUpdateApplicationConfigs(t *testing.T) {
	plain := []ConfigChange{{Key: "fs.trash.interval", Old: "60", Set: true, New: "120"}}
	secret := []ConfigChange{{Key: "fs.oss.accessKeySecret", Old: "old-s3cr3t", Set: true, New: "new-s3cr3t"}}
	tests := []struct {
		name      string
		kind      ActorKind
		items     []ConfigChange
		refresh   bool
		want      Verdict
		limit     string
		impactHas []string
		impactNot []string
	}{
		{name: "human plain", kind: Human, items: plain, want: Confirm,
			impactHas: []string{`"fs.trash.interval"`, `"60" -> "120"`, "not refreshed", "core-site.xml"}},
		{name: "human refresh", kind: Human, items: plain, refresh: true, want: Confirm, impactHas: []string{"are refreshed"}},
		{name: "human new key", kind: Human, items: []ConfigChange{{Key: "fs.trash.interval", New: "120"}}, want: Confirm, impactHas: []string{`(unset) -> "120"`}},
		{name: "human secret", kind: Human, items: secret, want: Confirm, impactHas: []string{"[REDACTED] -> [REDACTED]"}, impactNot: []string{"s3cr3t"}},
		{name: "agent plain", kind: Agent, items: plain, want: Confirm},
		{name: "agent secret", kind: Agent, items: secret, want: Deny, limit: RuleSecretConfig, impactNot: []string{"s3cr3t"}},
		{name: "service secret among others", kind: Service, items: append(append([]ConfigChange{}, plain...), secret...), want: Deny, limit: RuleSecretConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := UpdateApplicationConfigs{ClusterID: "c-12345678", Application: "HDFS", File: "core-site.xml", Items: tt.items, Refresh: tt.refresh}
			d := Decide(nil, Actor{Kind: tt.kind, Name: "x"}, op)
			if d.Verdict != tt.want || d.Limit != tt.limit {
				t.Fatalf("got verdict %v limit %q (reasons %q), want %v limit %q", d.Verdict, d.Limit, d.Reasons, tt.want, tt.limit)
			}
			impact := d.Summary.Impact.String()
			for _, h := range tt.impactHas {
				if !strings.Contains(impact, h) {
					t.Errorf("impact %q lacks %q", impact, h)
				}
			}
			for _, h := range tt.impactNot {
				if strings.Contains(impact+strings.Join(d.Reasons, " "), h) {
					t.Errorf("impact or reasons show %q: %q %q", h, impact, d.Reasons)
				}
			}
		})
	}
}
