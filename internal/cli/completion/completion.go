// Package completion holds 'emrctl completion' (shell completion scripts)
// and the dynamic completion of cluster and node group IDs from the
// current profile.
package completion

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/provider"
)

// lookupTimeout bounds a completion's call to the cloud: a shell must not
// hang on a slow or unreachable endpoint.
const lookupTimeout = 3 * time.Second

// maxCandidates bounds how many IDs a completion lists.
const maxCandidates = 200

// NewCmd returns the 'completion' command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script for bash, zsh or fish",
		Long: `Print a completion script. Commands and flags complete; cluster IDs (and node
group IDs after a cluster ID) complete from the current profile, read with a
3-second limit and without any prompt.`,
		Example: `  source <(emrctl completion bash)                        # this shell
  emrctl completion bash > /etc/bash_completion.d/emrctl   # every shell
  emrctl completion zsh > "${fpath[1]}/_emrctl"
  emrctl completion fish > ~/.config/fish/completions/emrctl.fish`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			w := f.IOStreams.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			}
			return cmdutil.FlagErrorf("unknown shell %q: use bash, zsh or fish", args[0])
		},
	}
}

// AddDynamic sets completion functions on every command of the tree whose
// first argument is a CLUSTER_ID, and whose second, if any, is a node
// group ID. Commands with their own completion keep it.
func AddDynamic(root *cobra.Command, f *cmdutil.Factory) {
	for _, c := range root.Commands() {
		AddDynamic(c, f)
	}
	if root.ValidArgsFunction != nil {
		return
	}
	fields := strings.Fields(root.Use)
	if len(fields) < 2 || fields[1] != "CLUSTER_ID" {
		return
	}
	second := ""
	if len(fields) > 2 {
		second = fields[2]
	}
	root.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		switch {
		case len(args) == 0:
			return clusterIDs(cmd.Context(), f, toComplete)
		case len(args) == 1 && (second == "NODE_GROUP_ID" || second == "NG_ID"):
			return nodeGroupIDs(cmd.Context(), f, args[0], toComplete)
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

func clusterIDs(ctx context.Context, f *cmdutil.Factory, prefix string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	s, err := f.Session(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	var out []string
	err = s.Engine.ListClusters(ctx, provider.ClusterFilter{}, 100, func(page []provider.Cluster) error {
		for _, c := range page {
			if c.State == "TERMINATED" || !strings.HasPrefix(c.ID, prefix) {
				continue
			}
			out = append(out, fmt.Sprintf("%s\t%s (%s)", c.ID, c.Name, c.State))
			if len(out) >= maxCandidates {
				return errEnough
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func nodeGroupIDs(ctx context.Context, f *cmdutil.Factory, clusterID, prefix string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	s, err := f.Session(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	groups, err := s.Engine.ListNodeGroups(ctx, clusterID, provider.NodeGroupFilter{})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	var out []string
	for _, g := range groups {
		if strings.HasPrefix(g.ID, prefix) {
			out = append(out, fmt.Sprintf("%s\t%s (%s, %s)", g.ID, g.Name, g.Role, g.State))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// errEnough stops a listing once there are enough candidates.
var errEnough = errors.New("enough candidates")
