package gateway

import (
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/gateway"
)

// TestChangesShowCloudDataEscaped: a config value from the cluster is data;
// escape sequences and bidi characters in it show as escapes in the diff.
func TestChangesShowCloudDataEscaped(t *testing.T) {
	var b strings.Builder
	printChanges(&b, []gateway.Change{{Path: "etc/hadoop/conf/core-site.xml\u202e", Kind: "changed",
		Diff: "-  <value>60</value>\n+  <value>\x1b[2J\u202e120</value>\n"}})
	got := b.String()
	if strings.ContainsAny(got, "\x1b\u202e") {
		t.Errorf("raw control or bidi characters in %q", got)
	}
	for _, want := range []string{`\u001B[2J\u202E120`, `core-site.xml\u202E`} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q: want %s", got, want)
		}
	}
}
