package emulator

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

func (h *harness) session(id string) *sparkwire.GetSessionClusterResponseSessionCluster {
	h.t.Helper()
	var resp sparkwire.GetSessionClusterResponse
	h.spark("GetSessionCluster", &sparkwire.GetSessionClusterRequest{WorkspaceId: seedWorkspaceID, SessionClusterId: id, RegionId: region}, &resp)
	return resp.SessionCluster
}

func (h *harness) sql(session, code string) string {
	h.t.Helper()
	var resp sparkwire.CreateSqlStatementResponse
	h.spark("CreateSqlStatement", &sparkwire.CreateSqlStatementRequest{WorkspaceId: seedWorkspaceID, RegionId: region, SqlComputeId: session, CodeContent: code}, &resp)
	return resp.Data.StatementId
}

func (h *harness) statement(id string) *sparkwire.GetSqlStatementResponseData {
	h.t.Helper()
	var resp sparkwire.GetSqlStatementResponse
	h.spark("GetSqlStatement", &sparkwire.GetSqlStatementRequest{WorkspaceId: seedWorkspaceID, StatementId: id, RegionId: region}, &resp)
	return resp.Data
}

func TestSessionClusterLifecycle(t *testing.T) {
	h := newLifecycle(t, Options{})
	var created sparkwire.CreateSessionClusterResponse
	h.spark("CreateSessionCluster", &sparkwire.CreateSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, Name: "adhoc", QueueName: "dev_queue", Kind: "SQL"}, &created)
	id := created.SessionClusterId
	start := &sparkwire.StartSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, SessionClusterId: id}
	stop := &sparkwire.StopSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, SessionClusterId: id}
	del := &deleteSessionClusterRequest{WorkspaceId: seedWorkspaceID, SessionClusterId: id}
	sqlOn := &sparkwire.CreateSqlStatementRequest{WorkspaceId: seedWorkspaceID, RegionId: region, SqlComputeId: id, CodeContent: "SELECT 1"}
	for _, s := range []struct {
		name   string
		wait   time.Duration
		action string
		req    any
		code   string
		state  string
	}{
		{name: "created", state: scNotStarted},
		{name: "SQL before the start", action: "CreateSqlStatement", req: sqlOn, code: "OperationDenied", state: scNotStarted},
		{name: "start", action: "StartSessionCluster", req: start, state: scStarting},
		{name: "delete while starting", action: "DeleteSessionCluster", req: del, code: "OperationDenied", state: scStarting},
		{name: "a minute on", wait: time.Minute, state: scRunning},
		{name: "start a running session", action: "StartSessionCluster", req: start, code: "OperationDenied", state: scRunning},
		{name: "stop", action: "StopSessionCluster", req: stop, state: scStopping},
		{name: "30 s on", wait: 30 * time.Second, state: scStopped},
		{name: "stop a stopped session", action: "StopSessionCluster", req: stop, code: "OperationDenied", state: scStopped},
		{name: "delete", action: "DeleteSessionCluster", req: del},
	} {
		h.advance(s.wait)
		if s.action != "" {
			err := h.sparkErr(s.action, s.req)
			if s.code != "" {
				wantCode(t, err, s.code)
			} else if err != nil {
				t.Fatalf("%s: got %s, want success", s.name, describe(err))
			}
		}
		if s.state == "" {
			continue
		}
		if got := h.session(id).State; got != s.state {
			t.Fatalf("%s: got %s, want %s", s.name, got, s.state)
		}
	}
	wantCode(t, h.sparkErr("GetSessionCluster", &sparkwire.GetSessionClusterRequest{WorkspaceId: seedWorkspaceID, SessionClusterId: id, RegionId: region}), "ResourceNotFound")
}

func TestSessionAutoStop(t *testing.T) {
	h := newLifecycle(t, Options{})
	var created sparkwire.CreateSessionClusterResponse
	h.spark("CreateSessionCluster", &sparkwire.CreateSessionClusterRequest{
		WorkspaceId: seedWorkspaceID, RegionId: region, Name: "idle",
		AutoStartConfiguration: &sparkwire.CreateSessionClusterRequestAutoStartConfiguration{Enable: ptr(true)},
		AutoStopConfiguration:  &sparkwire.CreateSessionClusterRequestAutoStopConfiguration{Enable: ptr(true), IdleTimeoutMinutes: i64p(30)},
	}, &created)
	h.advance(time.Minute)
	h.sql(created.SessionClusterId, "SELECT 1") // done 4 s later: idle from then
	h.advance(30 * time.Minute)
	if s := h.session(created.SessionClusterId); s.State != scRunning {
		t.Fatalf("30 minutes after the last statement began: got %s, want Running", s.State)
	}
	h.advance(5 * time.Second)
	s := h.session(created.SessionClusterId)
	if s.State != scStopped || s.StateChangeReason == nil || s.StateChangeReason.Code != "IdleTimeout" {
		t.Errorf("after 30 idle minutes: got %s %+v, want Stopped by IdleTimeout", s.State, s.StateChangeReason)
	}
}

func TestSQLStatements(t *testing.T) {
	h := newLifecycle(t, Options{})
	var created sparkwire.CreateSessionClusterResponse
	h.spark("CreateSessionCluster", &sparkwire.CreateSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, AutoStartConfiguration: &sparkwire.CreateSessionClusterRequestAutoStartConfiguration{Enable: ptr(true)}}, &created)
	sc := created.SessionClusterId
	h.advance(time.Minute)
	for _, c := range []struct {
		code   string
		state  string
		schema string
		rows   string
		errc   string
	}{
		{code: "SELECT 1 as test_value", state: stAvailable, schema: `{"fields":[{"name":"test_value","type":"integer","nullable":false,"metadata":{}}],"type":"struct"}`, rows: `[{"values":[1]}]`},
		{code: "SHOW DATABASES", state: stAvailable, rows: `[{"values":["default"]}]`},
		{code: "show tables", state: stAvailable, rows: `[{"values":["default","sample_orders",false]}]`},
		{code: "SELECT customer FROM sample_orders LIMIT 2", state: stAvailable, rows: `[{"values":["alice"]},{"values":["bob"]}]`},
		{code: "SELECT * FROM orders", state: stError, errc: "TABLE_OR_VIEW_NOT_FOUND"},
		{code: "SELEC 1", state: stError, errc: "PARSE_SYNTAX_ERROR"},
		{code: "SELECT now()", state: stError, errc: "UNSUPPORTED_IN_SANDBOX"},
	} {
		t.Run(c.code, func(t *testing.T) {
			id := h.sql(sc, c.code)
			if st := h.statement(id).State; st != stWaiting {
				t.Errorf("at once: got %s, want waiting", st)
			}
			h.advance(time.Second)
			if st := h.statement(id).State; st != stRunning {
				t.Errorf("a second on: got %s, want running", st)
			}
			h.advance(3 * time.Second)
			d := h.statement(id)
			if d.State != c.state || d.SqlErrorCode != c.errc {
				t.Fatalf("done: got %s %q, want %s %q", d.State, d.SqlErrorCode, c.state, c.errc)
			}
			if c.rows != "" && (len(d.SqlOutputs) != 1 || d.SqlOutputs[0].Rows != c.rows) {
				t.Errorf("rows: got %+v, want %s", d.SqlOutputs, c.rows)
			}
			if c.schema != "" && d.SqlOutputs[0].Schema != c.schema {
				t.Errorf("schema: got %s, want %s", d.SqlOutputs[0].Schema, c.schema)
			}
		})
	}
	slow := h.sql(sc, "SELECT 2")
	h.spark("TerminateSqlStatement", &sparkwire.TerminateSqlStatementRequest{WorkspaceId: seedWorkspaceID, StatementId: slow, RegionId: region}, nil)
	if st := h.statement(slow).State; st != stCancelled {
		t.Errorf("after TerminateSqlStatement: got %s, want cancelled", st)
	}
	done := h.sql(sc, "SELECT customer FROM sample_orders")
	h.advance(time.Minute)
	wantCode(t, h.sparkErr("TerminateSqlStatement", &sparkwire.TerminateSqlStatementRequest{WorkspaceId: seedWorkspaceID, StatementId: done, RegionId: region}), "OperationDenied")
	file := h.statement(done).SqlOutputs[0].RowsFilePath
	contents := func(next string) (*sparkwire.ListSqlStatementContentsResponseSqlStatementContents, error) {
		_, a := routeAction(t, h.srv, "emr-serverless-spark-20230808", "ListSqlStatementContents")
		body, err := h.callAction(a, &sparkwire.ListSqlStatementContentsRequest{WorkspaceId: seedWorkspaceID, FileName: file, MaxResults: i64p(2), NextToken: next})
		var resp sparkwire.ListSqlStatementContentsResponse
		decodeInto(t, body, &resp)
		return resp.SqlStatementContents, err
	}
	_, err := contents("")
	wantCode(t, err, "ResourceNotFound") // the session still runs
	h.spark("StopSessionCluster", &sparkwire.StopSessionClusterRequest{WorkspaceId: seedWorkspaceID, RegionId: region, SessionClusterId: sc}, nil)
	h.advance(time.Minute)
	first, err := contents("")
	if err != nil {
		t.Fatalf("ListSqlStatementContents: %s", describe(err))
	}
	second, err := contents(first.NextToken)
	if err != nil {
		t.Fatalf("ListSqlStatementContents page 2: %s", describe(err))
	}
	got := []string{first.Contents, second.Contents}
	want := []string{`[{"values":["alice"]},{"values":["bob"]}]`, `[{"values":["carol"]}]`}
	if diff := cmp.Diff(want, got); diff != "" || *first.TotalCount != 3 || second.NextToken != "" {
		t.Errorf("contents (-want +got):\n%s (total %d, last next %q)", diff, *first.TotalCount, second.NextToken)
	}
}
