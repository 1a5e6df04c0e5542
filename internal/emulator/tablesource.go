package emulator

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// tableSource fills the tables of a world cached from a SQLite state,
// each the first time a call uses it, so a command reads only the kinds
// it touches: a cluster listing never decodes a node.
type tableSource struct {
	w *World
	// read reads one kind's records; the store sets it for each call.
	read func(kind string, each func(id string, body []byte) error) error
	// err is the failed read that stopped the running call.
	err error
}

// fill reads t's records. IDs shared with the records of tables already
// read (a node's cluster ID) keep one copy.
func (s *tableSource) fill(t table) {
	if s.read == nil {
		s.fail(errors.New("sandbox state: read outside a store call"))
		return
	}
	ids := idPool{}
	for _, o := range s.w.tables() {
		if o != t && o.complete() {
			o.internInto(ids)
		}
	}
	err := decodeAll(t, ids, s.read)
	t.loaded()
	if err != nil {
		s.fail(err)
	}
}

// fail keeps the error and stops the call at once: a handler must not
// go on with a table that could not be read.
func (s *tableSource) fail(err error) {
	s.err = err
	panic(readFailed{err})
}

// readFailed is the panic a failed table read raises (see withReads).
type readFailed struct{ err error }

// withReads runs fn, turning the panic of a failed table read into its
// error; other panics go on.
func withReads(fn func(*World) error, w *World) (err error) {
	defer func() {
		if r := recover(); r != nil {
			rf, ok := r.(readFailed)
			if !ok {
				panic(r)
			}
			err = rf.err
		}
	}()
	return fn(w)
}

// rawBatch is a run of records read from the store, decoded together.
type rawBatch struct {
	ids    []string
	bodies [][]byte // slices of buf
	buf    []byte
	recs   []any
	err    error
}

// batches recycles the buffers of decoded batches.
var batches = sync.Pool{New: func() any { return &rawBatch{buf: make([]byte, 0, 256<<10)} }}

func newBatch() *rawBatch {
	b := batches.Get().(*rawBatch)
	b.ids, b.bodies, b.buf, b.recs, b.err = b.ids[:0], b.bodies[:0], b.buf[:0], nil, nil
	return b
}

const decodeBatch = 256

// decodeAll reads one kind and adds its records to t. JSON decoding is
// most of the cost of reading 100,000 clusters, so batches are decoded
// on every CPU while SQLite reads the next ones; t itself is only
// changed here, one batch after another.
func decodeAll(t table, ids idPool, read func(string, func(string, []byte) error) error) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	todo := make(chan *rawBatch, workers)
	done := make(chan *rawBatch, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range todo {
				b.decode(t)
				done <- b
			}
		})
	}
	var addErr error
	added := make(chan struct{})
	go func() {
		defer close(added)
		for b := range done {
			if err := b.addTo(t, ids); err != nil && addErr == nil {
				addErr = err
			}
		}
	}()
	b := newBatch()
	readErr := read(t.kind(), func(id string, body []byte) error {
		b.add(id, body)
		if len(b.ids) == decodeBatch {
			todo <- b
			b = newBatch()
		}
		return nil
	})
	if len(b.ids) > 0 {
		todo <- b
	}
	close(todo)
	wg.Wait()
	close(done)
	<-added
	if readErr != nil {
		return readErr
	}
	return addErr
}

// add copies a record into the batch: body is only valid during the
// read's callback.
func (b *rawBatch) add(id string, body []byte) {
	start := len(b.buf)
	b.buf = append(b.buf, body...)
	b.ids = append(b.ids, id)
	b.bodies = append(b.bodies, b.buf[start:len(b.buf):len(b.buf)])
}

// decode decodes the batch's records, stopping at the first bad one.
func (b *rawBatch) decode(t table) {
	b.recs = make([]any, 0, len(b.ids))
	for i, body := range b.bodies {
		r, err := t.decode(body)
		if err != nil {
			b.err = fmt.Errorf("sandbox state: %s %s: %w", t.kind(), b.ids[i], err)
			return
		}
		b.recs = append(b.recs, r)
	}
}

func (b *rawBatch) addTo(t table, ids idPool) error {
	if b.err != nil {
		return b.err
	}
	for i, r := range b.recs {
		t.add(b.ids[i], r, ids)
	}
	batches.Put(b)
	return nil
}
