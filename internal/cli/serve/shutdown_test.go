package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/session"
)

// TestShutdownFinishesAnApprovedWrite stops the server while an approved
// scale-out is being sent (the sandbox holds IncreaseNodes): the write
// completes, its outcome is journaled and returned on the approval, and
// only then does the server exit.
func TestShutdownFinishesAnApprovedWrite(t *testing.T) {
	const latency = 2 * time.Second
	var operator, approver, cluster, group string
	s := start(t, []string{"--rest"}, func(sess *session.Session) {
		operator, approver = token(t, sess, auth.Operator), token(t, sess, auth.Approver)
		cluster, group = sandboxCluster(t, sess)
		if err := sess.Emulator.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(latency)}); err != nil {
			t.Fatal(err)
		}
	})
	code, _, ap := post(t, s.base+"/v1/clusters/"+cluster+"/node-groups/"+group+"/scale-out", operator, `{"count":2}`)
	if code != http.StatusAccepted {
		t.Fatalf("scale-out: got %d %v, want 202", code, ap)
	}
	id, _ := ap["id"].(string)
	sent := make(chan struct{})
	type answer struct {
		code int
		body map[string]any
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/v1/approvals/"+id+"/approve", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+approver)
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(sent) }}))
		code, body := decodeResponse(t, req)
		got <- answer{code, body}
	}()
	<-sent
	<-time.After(latency / 4)
	s.stop()
	a := <-got
	result, _ := a.body["result"].(map[string]any)
	if a.code != http.StatusOK || a.body["status"] != "executed" || result["status"] != "sent" || result["journalId"] == nil {
		t.Fatalf("approve during shutdown: got %d %v, want 200, executed, the write sent and journaled", a.code, a.body)
	}
}

// decodeResponse sends req and decodes its JSON answer.
func decodeResponse(t *testing.T, req *http.Request) (int, map[string]any) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return 0, nil
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Errorf("%s %s: %d: %v", req.Method, req.URL, resp.StatusCode, err)
	}
	return resp.StatusCode, m
}
