package rest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// TestCursorGoodAtAnotherReplica pages through clusters across two
// servers that share the cursor key (replicas behind one address), and
// checks that a server with another key refuses the cursor.
func TestCursorGoodAtAnotherReplica(t *testing.T) {
	key := bytes.Repeat([]byte{3}, 32)
	b := newBed(t, bedOptions{cursorKey: key})
	for _, name := range []string{"replica-a", "replica-b", "replica-c"} {
		b.createCluster(name)
	}
	replica := func(key []byte) *oas.Client {
		h, err := New(Options{Engine: b.eng, Auth: b.store, CursorKey: key})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		c, err := oas.NewClient(srv.URL, bearer(b.tokens[auth.Viewer]))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	first, err := b.client(auth.Viewer).ListClusters(ctx, oas.ListClustersParams{Limit: oas.NewOptInt(2)})
	if err != nil {
		t.Fatal(err)
	}
	cursor, ok := first.NextCursor.Get()
	if !ok {
		t.Fatal("the first page of 3 clusters at 2 a page has no next cursor")
	}
	next, err := replica(key).ListClusters(ctx, oas.ListClustersParams{Limit: oas.NewOptInt(2), Cursor: oas.NewOptString(cursor)})
	if err != nil || len(next.Items) != 1 {
		t.Fatalf("the next page at a replica with the same key: %+v, %v; want 1 cluster", next, err)
	}
	_, err = replica(bytes.Repeat([]byte{4}, 32)).ListClusters(ctx, oas.ListClustersParams{Limit: oas.NewOptInt(2), Cursor: oas.NewOptString(cursor)})
	if p := problemOf(t, err); p.Type != TypeInput {
		t.Errorf("a server with another key: got %+v, want an input problem naming the cursor", p)
	}
}
