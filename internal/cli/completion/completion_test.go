package completion_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
)

// TestEveryClusterIDArgumentCompletes walks the real command tree: every
// command whose first argument is a CLUSTER_ID completes it.
func TestEveryClusterIDArgumentCompletes(t *testing.T) {
	root := cli.NewRootCmd(cmdutil.New("test"))
	var with, without []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		f := strings.Fields(c.Use)
		if len(f) < 2 || f[1] != "CLUSTER_ID" {
			return
		}
		if c.ValidArgsFunction == nil {
			without = append(without, c.CommandPath())
		} else {
			with = append(with, c.CommandPath())
		}
	}
	walk(root)
	if len(without) > 0 {
		t.Errorf("commands taking CLUSTER_ID without completion: %v", without)
	}
	for _, want := range []string{"emrctl cluster get", "emrctl cluster diagnose", "emrctl nodegroup get", "emrctl node list", "emrctl autoscaling activity"} {
		if !slices.Contains(with, want) {
			t.Errorf("%s does not complete cluster IDs (completing: %v)", want, with)
		}
	}
}
