package emulator

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

func (h *harness) kyuubiService(id string) *sparkwire.GetKyuubiServiceResponseData {
	h.t.Helper()
	var resp sparkwire.GetKyuubiServiceResponse
	h.spark("GetKyuubiService", &sparkwire.GetKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id}, &resp)
	return resp.Data
}

func TestKyuubiServiceLifecycle(t *testing.T) {
	h := newLifecycle(t, Options{})
	var created sparkwire.CreateKyuubiServiceResponse
	h.spark("CreateKyuubiService", &sparkwire.CreateKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, Name: "bi", Queue: "dev_queue", ReleaseVersion: esrRelease}, &created)
	id := created.Data.KyuubiServiceId
	ref := &sparkwire.StartKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id}
	stop := &sparkwire.StopKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id}
	del := &sparkwire.DeleteKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id}
	steps := []struct {
		name   string
		do     func() error
		code   string
		wait   time.Duration
		state  string
		inner  bool
		public bool
	}{
		{name: "created", state: kbNotStarted},
		{name: "stop a service that is not started", do: func() error { return h.sparkErr("StopKyuubiService", stop) }, code: "OperationDenied", state: kbNotStarted},
		{name: "start", do: func() error { return h.sparkErr("StartKyuubiService", ref) }, state: kbStarting},
		{name: "start again", do: func() error { return h.sparkErr("StartKyuubiService", ref) }, code: "OperationDenied", state: kbStarting},
		{name: "two minutes on", wait: 2 * time.Minute, state: kbRunning, inner: true},
		{name: "delete while running", do: func() error { return h.sparkErr("DeleteKyuubiService", del) }, code: "OperationDenied", state: kbRunning, inner: true},
		{name: "public endpoint", do: func() error {
			return h.sparkErr("UpdateKyuubiService", &sparkwire.UpdateKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id, Name: "bi", Queue: "dev_queue", PublicEndpointEnabled: ptr(true)})
		}, state: kbRunning, inner: true, public: true},
		{name: "update without a queue", do: func() error {
			return h.sparkErr("UpdateKyuubiService", &sparkwire.UpdateKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id, Name: "bi"})
		}, code: "MissingParameter", state: kbRunning, inner: true, public: true},
		{name: "stop", do: func() error { return h.sparkErr("StopKyuubiService", stop) }, state: kbTerminating},
		{name: "a minute on", wait: time.Minute, state: kbNotStarted},
		{name: "delete", do: func() error { return h.sparkErr("DeleteKyuubiService", del) }},
	}
	for _, s := range steps {
		h.advance(s.wait)
		if s.do != nil {
			err := s.do()
			if s.code != "" {
				wantCode(t, err, s.code)
			} else if err != nil {
				t.Fatalf("%s: got %s, want success", s.name, describe(err))
			}
		}
		if s.state == "" {
			continue
		}
		k := h.kyuubiService(id)
		if k.State != s.state || (k.InnerEndpoint != "") != s.inner || (k.PublicEndpoint != "") != s.public {
			t.Fatalf("%s: got %s (inner %q, public %q), want %s with inner %v, public %v", s.name, k.State, k.InnerEndpoint, k.PublicEndpoint, s.state, s.inner, s.public)
		}
	}
	wantCode(t, h.sparkErr("GetKyuubiService", &sparkwire.GetKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: id}), "ResourceNotFound")
}

func TestKyuubiCreateRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	for _, c := range []struct {
		name string
		req  *sparkwire.CreateKyuubiServiceRequest
	}{
		{"unknown queue", &sparkwire.CreateKyuubiServiceRequest{Queue: "default"}},
		{"unknown release", &sparkwire.CreateKyuubiServiceRequest{ReleaseVersion: "esr-0.1"}},
		{"unknown size", &sparkwire.CreateKyuubiServiceRequest{ComputeInstance: "3c7g"}},
		{"too many replicas", &sparkwire.CreateKyuubiServiceRequest{Replica: i64p(9)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.WorkspaceId = seedWorkspaceID
			wantCode(t, h.sparkErr("CreateKyuubiService", c.req), "InvalidParameter")
		})
	}
}

// TestKyuubiTokens: the token value goes in once; afterwards the service
// shows only its mask.
func TestKyuubiTokens(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	create := func(name, token string) (string, error) {
		a := spec(t, "CreateKyuubiToken")
		body, err := h.callAction(a, &sparkwire.CreateKyuubiTokenRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, RegionId: region, Name: name, Token: token})
		if err != nil {
			return "", err
		}
		var resp sparkwire.CreateKyuubiTokenResponse
		decodeInto(t, body, &resp)
		return resp.Data.TokenId, nil
	}
	id, err := create("ci", goodToken)
	if err != nil {
		t.Fatalf("CreateKyuubiToken: %s", describe(err))
	}
	for _, c := range []struct {
		name, token string
	}{
		{"31 characters", goodToken[:31]},
		{"upper case", strings.ToUpper(goodToken)},
		{"already used", goodToken},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := create("x", c.token)
			wantCode(t, err, "InvalidParameter")
			if strings.Contains(messageOf(err), strings.ToLower(c.token)) {
				t.Errorf("message %q repeats the token", messageOf(err))
			}
		})
	}
	var got sparkwire.GetKyuubiTokenResponse
	h.spark("GetKyuubiToken", &sparkwire.GetKyuubiTokenRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, TokenId: id, RegionId: region}, &got)
	if got.Data.Token != "012**********def" {
		t.Errorf("GetKyuubiToken token: got %q, want the mask 012**********def", got.Data.Token)
	}
	h.spark("UpdateKyuubiToken", &sparkwire.UpdateKyuubiTokenRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, TokenId: id, RegionId: region, Name: "ci-2", MemberArns: []string{"acs:ram::1:user/bob"}}, nil)
	var list sparkwire.ListKyuubiTokenResponse
	h.spark("ListKyuubiToken", &sparkwire.ListKyuubiTokenRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, RegionId: region}, &list)
	if len(list.Data.Tokens) != 1 || list.Data.Tokens[0].Name != "ci-2" || !cmp.Equal(list.Data.Tokens[0].AccountNames, []string{"bob"}) {
		t.Errorf("ListKyuubiToken: got %+v, want ci-2 for bob", list.Data.Tokens)
	}
	del := &sparkwire.DeleteKyuubiTokenRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, TokenId: id, RegionId: region}
	h.spark("DeleteKyuubiToken", del, nil)
	wantCode(t, h.sparkErr("DeleteKyuubiToken", del), "ResourceNotFound")
	if _, err := create("reused", goodToken); err != nil {
		t.Errorf("a deleted token's value: got %s, want it free again", describe(err))
	}
}

func (h *harness) apps(kyuubi string) map[string]string {
	h.t.Helper()
	var resp sparkwire.ListKyuubiSparkApplicationsResponse
	h.spark("ListKyuubiSparkApplications", &sparkwire.ListKyuubiSparkApplicationsRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: kyuubi}, &resp)
	out := map[string]string{}
	for _, a := range resp.Applications {
		out[a.ApplicationId] = a.State
	}
	return out
}

func TestKyuubiApplications(t *testing.T) {
	h := newLifecycle(t, Options{})
	inj, err := h.srv.Inject(Injection{Kind: "kyuubi-application", Region: region, WorkspaceID: seedWorkspaceID, KyuubiServiceID: seedKyuubiID})
	if err != nil {
		t.Fatalf("inject: %v", err)
	}
	h.advance(30 * time.Second)
	want := map[string]string{"spark-sandbox00000000000000000000000001": appTerminated, seedRunningApp: appRunning, inj.ApplicationID: appRunning}
	if diff := cmp.Diff(want, h.apps(seedKyuubiID)); diff != "" {
		t.Fatalf("applications (-want +got):\n%s", diff)
	}
	var running sparkwire.ListKyuubiSparkApplicationsResponse
	h.spark("ListKyuubiSparkApplications", &sparkwire.ListKyuubiSparkApplicationsRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, States: `["RUNNING"]`, MaxResults: i64p(1)}, &running)
	if *running.TotalCount != 2 || len(running.Applications) != 1 || running.NextToken == "" {
		t.Errorf("RUNNING, one per page: got %d of %d (next %q), want 1 of 2 and a next page", len(running.Applications), *running.TotalCount, running.NextToken)
	}
	cancel := &sparkwire.CancelKyuubiSparkApplicationRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID, ApplicationId: seedRunningApp, RegionId: region}
	var resp sparkwire.CancelKyuubiSparkApplicationResponse
	h.spark("CancelKyuubiSparkApplication", cancel, &resp)
	if resp.Body == nil || !boolv(resp.Body.Success) {
		t.Errorf("CancelKyuubiSparkApplication: got %+v, want success", resp.Body)
	}
	wantCode(t, h.sparkErr("CancelKyuubiSparkApplication", cancel), "OperationDenied")
	h.spark("StopKyuubiService", &sparkwire.StopKyuubiServiceRequest{WorkspaceId: seedWorkspaceID, KyuubiServiceId: seedKyuubiID}, nil)
	if got := h.apps(seedKyuubiID)[inj.ApplicationID]; got != appTerminated {
		t.Errorf("the injected application after StopKyuubiService: got %s, want TERMINATED", got)
	}
	if _, err := h.srv.Inject(Injection{Kind: "kyuubi-application", Region: region, WorkspaceID: seedWorkspaceID, KyuubiServiceID: seedKyuubiID}); err == nil {
		t.Errorf("inject into a stopping Kyuubi service: got success, want an error")
	}
}
