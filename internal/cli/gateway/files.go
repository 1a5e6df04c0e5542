package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/gateway"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/validate"
)

// recordPath is the file of the set that records how it was deployed, so
// that refresh and status render the same applications and profile. It
// is part of each generation, so rollback restores it with the rest.
const recordPath = "etc/emrctl-gateway/deploy.json"

// deployRecord is what recordPath holds. Apps empty means every gateway
// application of the cluster.
type deployRecord struct {
	ClusterID string   `json:"clusterId"`
	Apps      []string `json:"apps,omitempty"`
	JavaHome  string   `json:"javaHome,omitempty"`
}

// storeOf opens the file store under root; state overrides where the
// generations live.
func storeOf(root, state string) (*gateway.Store, error) {
	if root == "" {
		return nil, cmdutil.FlagErrorf("--root is required: the directory the gateway files go under (/ on the gateway machine itself)")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, cmdutil.FlagErrorf("--root %q: %v", root, err)
	}
	s := gateway.NewStore(abs)
	if state != "" {
		if s.State, err = filepath.Abs(state); err != nil {
			return nil, cmdutil.FlagErrorf("--state %q: %v", state, err)
		}
	}
	return s, nil
}

// readRecord returns the record of the visible set, or nil when there is
// none (a set applied by an older emrctl, or none at all).
func readRecord(st *gateway.Store) (*deployRecord, error) {
	b, err := os.ReadFile(filepath.Join(st.Root, filepath.FromSlash(recordPath)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the deploy record: %w", err)
	}
	var r deployRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read the deploy record %s: %w; deploy again to rewrite it", recordPath, err)
	}
	return &r, nil
}

// clusterSet reads the cluster's configuration (raw values: these are the
// files written) and renders the set rec describes under st.Root. Secret
// keys the cluster hides (it returns them empty) are reported to warn
// when it is not nil.
func clusterSet(ctx context.Context, s *session.Session, st *gateway.Store, rec deployRecord, warn io.Writer) (gateway.Set, error) {
	cfgs, err := s.Engine.ClientConfigsForDeploy(ctx, rec.ClusterID, rec.Apps)
	if err != nil {
		return nil, err
	}
	for _, c := range cfgs {
		for _, it := range c.Items {
			if redact.IsSecretKey(it.Key) && it.Value == "" && warn != nil {
				fmt.Fprintf(warn, "warning: the cluster does not return the value of %s (%s of %s): set it in %s by hand; status then reports that file as modified\n",
					validate.Inline(it.Key), validate.Inline(c.Name), validate.Inline(c.Application), validate.Inline(path.Join(gateway.ConfDir(c.Application), c.Name)))
			}
		}
	}
	set, err := gateway.Render(gateway.FilesFrom(cfgs), gateway.RenderOptions{Root: st.Root, JavaHome: rec.JavaHome})
	if err != nil {
		return nil, fmt.Errorf("render the client configuration of %s: %w", rec.ClusterID, err)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	set[recordPath] = append(b, '\n')
	return set, nil
}

// printChanges writes the files a set would change, with their diffs
// (secret values redacted by gateway.Plan).
func printChanges(w io.Writer, changes []gateway.Change) {
	if len(changes) == 0 {
		fmt.Fprintln(w, "No changes: the files match the cluster's configuration.")
		return
	}
	fmt.Fprintf(w, "%d file(s) to write:\n", len(changes))
	for _, c := range changes {
		fmt.Fprintf(w, "  %-8s %s\n", c.Kind, validate.Inline(c.Path))
	}
	for _, c := range changes {
		if c.Diff != "" {
			// Lines stay lines; what the cluster's values hold that would
			// be invisible or misleading is escaped.
			fmt.Fprint(w, "\n"+validate.Visible(c.Diff))
		}
	}
}
