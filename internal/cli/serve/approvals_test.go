package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

// yes approves the test's own setup writes.
type yes struct{}

func (yes) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true, CostAck: true, ZeroAck: true}, nil
}

// sandboxCluster creates the example dev cluster and returns its ID and
// its CORE group.
func sandboxCluster(t *testing.T, sess *session.Session) (string, string) {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "dev-cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	call := engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test-setup"}, Confirm: yes{}}
	res, err := sess.Engine.CreateCluster(ctx, call, engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Engine.WaitCluster(ctx, res.ClusterID, engine.WaitOptions{Timeout: 20 * time.Second}); err != nil {
		t.Fatal(err)
	}
	groups, err := sess.Engine.ListNodeGroups(ctx, res.ClusterID, provider.NodeGroupFilter{Roles: []string{"CORE"}})
	if err != nil || len(groups) == 0 {
		t.Fatalf("CORE group: %v", err)
	}
	return res.ClusterID, groups[0].ID
}

func post(t *testing.T, url, tok, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("POST %s: %d %s: %v", url, resp.StatusCode, raw, err)
	}
	return resp.StatusCode, resp.Header, m
}

// TestServeApprovals runs 'serve --rest --console': a token's scale-out
// waits as an approval (202), an approver approves it over REST and the
// write runs; the console is mounted; the approval key was created in
// the data directory.
func TestServeApprovals(t *testing.T) {
	var operator, approver, clusterID, group string
	s := start(t, []string{"--rest", "--console", "--approval-ttl", "10m"}, func(sess *session.Session) {
		operator, approver = token(t, sess, auth.Operator), token(t, sess, auth.Approver)
		clusterID, group = sandboxCluster(t, sess)
	})
	status, h, a := post(t, s.base+"/v1/clusters/"+clusterID+"/node-groups/"+group+"/scale-out", operator, `{"count": 1}`)
	id, _ := a["id"].(string)
	if status != http.StatusAccepted || a["status"] != "pending" || h.Get("Location") != "/v1/approvals/"+id {
		t.Fatalf("scale-out: got %d %v (Location %q), want 202 with a pending approval", status, a, h.Get("Location"))
	}
	expires, err := time.Parse(time.RFC3339, a["expiresAt"].(string))
	if err != nil || expires.After(time.Now().Add(11*time.Minute)) {
		t.Errorf("expiresAt %v: want within --approval-ttl 10m", a["expiresAt"])
	}
	status, _, out := post(t, s.base+"/v1/approvals/"+id+"/approve", approver, `{}`)
	if status != http.StatusOK || out["status"] != "executed" {
		t.Errorf("approve: got %d %v, want 200 executed", status, out)
	}
	if got, body := get(t, http.DefaultClient, s.base+"/console/login", ""); got != http.StatusOK {
		t.Errorf("GET /console/login: got %d %.200s, want the login page", got, body)
	}
	paths, err := s.f.Paths()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(paths.DataDir, "approval.key")); err != nil {
		t.Errorf("approval key: %v, want it created in the data directory", err)
	}
	s.stop()
}
