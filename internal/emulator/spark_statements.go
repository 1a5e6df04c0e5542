package emulator

import (
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// SQL statements on session clusters.

// SQL statement states (skill), plus cancelled after TerminateSqlStatement.
const (
	stWaiting   = "waiting"
	stRunning   = "running"
	stAvailable = "available"
	stError     = "error"
	stCancelled = "cancelled"
)

const (
	statementWaitFor = time.Second
	statementRunFor  = 3 * time.Second
)

func statementState(st *statementRec, now time.Time) string {
	switch {
	case reached(now, st.CancelledAt):
		return stCancelled
	case reached(now, st.DoneAt) && st.ErrCode != "":
		return stError
	case reached(now, st.DoneAt):
		return stAvailable
	case reached(now, st.RunningAt):
		return stRunning
	}
	return stWaiting
}

func createSqlStatement(c *call, w *World) (any, error) {
	var req sparkwire.CreateSqlStatementRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"codeContent", req.CodeContent}, {"sqlComputeId", req.SqlComputeId}} {
		if err := required(f.name, f.v); err != nil {
			return nil, err
		}
	}
	limit := int64(1000)
	if req.Limit != nil {
		if limit = *req.Limit; limit < 1 || limit > 10000 {
			return nil, errInvalidParameter("limit must be between 1 and 10000, got %d", limit)
		}
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	s, err := c.session(w, ws, req.SqlComputeId)
	if err != nil {
		return nil, err
	}
	if state := sessionState(s, c.now); state != scRunning {
		return nil, errDenied("OperationDenied", "session cluster %s is %s: SQL runs on a Running session; start it (StartSessionCluster) and wait", s.ID, state)
	}
	st := &statementRec{
		ID: w.newID("st-", 16), WorkspaceID: ws.ID, SessionID: s.ID, Code: req.CodeContent, Database: orDefault(req.DefaultDatabase, "default"),
		Limit: limit, CreatedAt: c.now, RunningAt: c.now.Add(c.scale(statementWaitFor)),
	}
	st.DoneAt = st.RunningAt.Add(c.scale(statementRunFor))
	if out, serr := runSQL(req.CodeContent, limit); serr != nil {
		st.ErrCode, st.ErrMessage = serr.Code, serr.Message
	} else {
		st.Outputs = out
	}
	s.LastActive = st.DoneAt
	w.Statements.Put(st.ID, st)
	return &sparkwire.CreateSqlStatementResponse{Data: &sparkwire.CreateSqlStatementResponseData{StatementId: st.ID}, RequestId: c.requestID}, nil
}

func (c *call) statement(w *World, wsID, id string) (*workspaceRec, *statementRec, error) {
	ws, err := c.workspace(w, wsID)
	if err != nil {
		return nil, nil, err
	}
	st, ok := w.Statements.Get(id)
	if !ok || st.WorkspaceID != ws.ID {
		return nil, nil, errNotFoundSpark("SQL statement", id, " in workspace "+ws.ID)
	}
	return ws, st, nil
}

// resultPath is the OSS file a statement's rows are written to, the
// fileName of ListSqlStatementContents.
func resultPath(ws *workspaceRec, st *statementRec) string {
	return logDir(ws, st.SessionID) + st.ID
}

func getSqlStatement(c *call, w *World) (any, error) {
	var req sparkwire.GetSqlStatementRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, st, err := c.statement(w, req.WorkspaceId, req.StatementId)
	if err != nil {
		return nil, err
	}
	state := statementState(st, c.now)
	d := &sparkwire.GetSqlStatementResponseData{StatementId: st.ID, State: state, SqlOutputs: []sparkwire.GetSqlStatementResponseDataSqlOutputsItem{}, ExecutionTime: []int64{}}
	switch state {
	case stAvailable:
		for _, o := range st.Outputs {
			d.SqlOutputs = append(d.SqlOutputs, sparkwire.GetSqlStatementResponseDataSqlOutputsItem{Schema: o.schemaJSON(), Rows: rowsJSON(o.Rows), RowsFilePath: resultPath(ws, st)})
		}
		d.ExecutionTime = []int64{st.DoneAt.Sub(st.RunningAt).Milliseconds()}
	case stError:
		d.SqlErrorCode, d.SqlErrorMessage = st.ErrCode, st.ErrMessage
	}
	return &sparkwire.GetSqlStatementResponse{Data: d, RequestId: c.requestID}, nil
}

func terminateSqlStatement(c *call, w *World) (any, error) {
	var req sparkwire.TerminateSqlStatementRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, st, err := c.statement(w, req.WorkspaceId, req.StatementId)
	if err != nil {
		return nil, err
	}
	if state := statementState(st, c.now); state != stWaiting && state != stRunning {
		return nil, errDenied("OperationDenied", "SQL statement %s is %s: only a waiting or running statement can be terminated", st.ID, state)
	}
	st.CancelledAt = c.now
	return &sparkwire.TerminateSqlStatementResponse{RequestId: c.requestID}, nil
}

func listSqlStatementContents(c *call, w *World) (any, error) {
	var req sparkwire.ListSqlStatementContentsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := required("fileName", req.FileName); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	st, ok := w.Statements.Get(req.FileName[strings.LastIndex(req.FileName, "/")+1:])
	if !ok || st.WorkspaceID != ws.ID || resultPath(ws, st) != req.FileName || statementState(st, c.now) != stAvailable {
		return nil, errNotFound("ResourceNotFound", "the result file %s does not exist; take it from rowsFilePath of GetSqlStatement for a statement that is available", req.FileName)
	}
	if s, ok := w.Sessions.Get(st.SessionID); ok && sessionState(s, c.now) != scStopped {
		return nil, errNotFound("ResourceNotFound", "the results of %s are written to OSS when session cluster %s stops (it is %s); until then read them with GetSqlStatement", st.ID, s.ID, sessionState(s, c.now))
	}
	var rows [][]any
	if n := len(st.Outputs); n > 0 {
		rows = st.Outputs[n-1].Rows
	}
	pg, err := sparkPage(len(rows), req.MaxResults, req.NextToken, 2000, 10000)
	if err != nil {
		return nil, err
	}
	return &sparkwire.ListSqlStatementContentsResponse{RequestId: c.requestID, SqlStatementContents: &sparkwire.ListSqlStatementContentsResponseSqlStatementContents{
		Contents: rowsJSON(rows[pg.start:pg.end]), MaxResults: ptr(pg.max), NextToken: pg.next, TotalCount: ptr(int64(len(rows))),
	}}, nil
}
