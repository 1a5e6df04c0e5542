package mcpserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// MaxLine bounds one message on stdio; a longer line is refused, not read
// into memory.
const MaxLine = 4 << 20

// StdioTransport serves newline-delimited JSON-RPC on a reader and a
// writer, like the SDK's IOTransport, but one bad line does not end the
// session: a line that is not JSON gets a parse error, a batch (which MCP
// no longer has) and an object that is not a JSON-RPC message get an
// invalid-request error, and the server keeps reading.
type StdioTransport struct {
	In  io.Reader
	Out io.Writer
	// MaxLine bounds a line (default MaxLine).
	MaxLine int
}

// Connect implements mcp.Transport.
func (t *StdioTransport) Connect(context.Context) (mcp.Connection, error) {
	limit := t.MaxLine
	if limit <= 0 {
		limit = MaxLine
	}
	c := &lineConn{out: t.Out, incoming: make(chan lineOrErr), closed: make(chan struct{})}
	go c.readLines(bufio.NewReaderSize(t.In, 64<<10), limit)
	return c, nil
}

type lineOrErr struct {
	line []byte
	err  error
}

// lineConn is one stdio session.
type lineConn struct {
	out      io.Writer
	writeMu  sync.Mutex
	incoming chan lineOrErr
	closed   chan struct{}
	once     sync.Once
}

// readLines feeds whole lines to Read; reads happen in their own goroutine
// so that Close unblocks a Read waiting for input.
func (c *lineConn) readLines(r *bufio.Reader, limit int) {
	for {
		line, err := readLine(r, limit)
		select {
		case c.incoming <- lineOrErr{line: line, err: err}:
		case <-c.closed:
			return
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline; a line over limit is
// skipped to its end and reported as errLineTooLong.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > limit+1 {
			line = nil
			if err = skipLine(r, err); err != nil {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(bytes.TrimSpace(line)) > 0:
			return line, nil
		case err != nil:
			return nil, err
		}
		return line, nil
	}
}

// skipLine discards the rest of a line whose read returned err.
func skipLine(r *bufio.Reader, err error) error {
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = r.ReadSlice('\n')
	}
	return err
}

// Read returns the next JSON-RPC message, answering the lines that are not
// one on the way.
func (c *lineConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	for {
		var in lineOrErr
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closed:
			return nil, io.EOF
		case in = <-c.incoming:
		}
		switch {
		case errors.Is(in.err, errLineTooLong):
			c.reply(ctx, errorReply(nil, jsonrpc.CodeInvalidRequest, fmt.Sprintf("the message is longer than %d bytes; nothing in it was read", MaxLine)))
			continue
		case in.err != nil:
			return nil, in.err
		}
		if msg := c.accept(ctx, bytes.TrimSpace(in.line)); msg != nil {
			return msg, nil
		}
	}
}

// accept decodes one line, or answers it with the JSON-RPC error it
// deserves and returns nil.
func (c *lineConn) accept(ctx context.Context, line []byte) jsonrpc.Message {
	if len(line) == 0 {
		return nil
	}
	msg, refusal := decodePayload(line)
	if refusal != nil {
		c.reply(ctx, refusal)
	}
	return msg
}

// decodePayload reads one JSON-RPC message, or returns the error reply for a
// payload that is not one: not JSON (a parse error), a batch, or JSON that
// is no JSON-RPC 2.0 message (invalid request).
func decodePayload(payload []byte) (jsonrpc.Message, any) {
	switch {
	case !json.Valid(payload):
		return nil, errorReply(nil, jsonrpc.CodeParseError, "Parse error: the payload is not valid JSON; send one JSON-RPC message per line")
	case payload[0] == '[':
		return nil, batchReply(payload)
	}
	msg, err := jsonrpc.DecodeMessage(payload)
	if err != nil {
		return nil, errorReply(idOf(payload), jsonrpc.CodeInvalidRequest, "Invalid Request: not a JSON-RPC 2.0 request, notification or response")
	}
	return msg, nil
}

// batchReply refuses a batch: MCP (2025-06-18 and later) has none. Each
// element with an ID gets its own error, so a client waiting on an ID is
// answered.
func batchReply(line []byte) any {
	const why = "Invalid Request: JSON-RPC batches are not supported by MCP; send each message on its own line"
	var elems []json.RawMessage
	_ = json.Unmarshal(line, &elems)
	var out []any
	for _, e := range elems {
		if id := idOf(e); id != nil {
			out = append(out, errorReply(id, jsonrpc.CodeInvalidRequest, why))
		}
	}
	if len(out) == 0 {
		return errorReply(nil, jsonrpc.CodeInvalidRequest, why)
	}
	return out
}

// idOf is the "id" of a message, when it has a valid one.
func idOf(raw []byte) json.RawMessage {
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &m) != nil || len(m.ID) == 0 {
		return nil
	}
	switch m.ID[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return m.ID
	}
	return nil
}

type rpcError struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func errorReply(id json.RawMessage, code int64, msg string) rpcError {
	if id == nil {
		id = json.RawMessage("null")
	}
	r := rpcError{JSONRPC: "2.0", ID: id}
	r.Error.Code, r.Error.Message = code, msg
	return r
}

// reply writes an answer the server itself makes.
func (c *lineConn) reply(ctx context.Context, v any) {
	data, err := json.Marshal(v)
	if err == nil {
		_ = c.writeLine(ctx, data)
	}
}

// Write implements mcp.Connection.
func (c *lineConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("encoding a message: %w", err)
	}
	return c.writeLine(ctx, data)
}

func (c *lineConn) writeLine(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, err := c.out.Write(append(data, '\n'))
	return err
}

// Close implements mcp.Connection.
func (c *lineConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// SessionID implements mcp.Connection; stdio has one session.
func (c *lineConn) SessionID() string { return "" }

// jsonrpcErrors answers a POST whose body is no JSON-RPC message with the
// JSON-RPC error, as stdio does, instead of the SDK's plain-text 400; the
// session goes on either way.
func jsonrpcErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxLine))
		if err != nil {
			writeRefusal(w, errorReply(nil, jsonrpc.CodeInvalidRequest, fmt.Sprintf("the message is longer than %d bytes; nothing in it was read", MaxLine)))
			return
		}
		if _, refusal := decodePayload(bytes.TrimSpace(body)); refusal != nil && len(bytes.TrimSpace(body)) > 0 {
			writeRefusal(w, refusal)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func writeRefusal(w http.ResponseWriter, refusal any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(refusal)
}
