package aws

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/emrctl/emrctl/internal/provider"
)

func TestUploadAndRead(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	if err := p.CreateBucket(ctx, "emrctl-code"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wc.py")
	content := []byte("print('hello')\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	obj, rid, err := p.Upload(ctx, path, "emrctl-code", "jobs/wc.py")
	if err != nil {
		t.Fatal(err)
	}
	if obj.URI() != "s3://emrctl-code/jobs/wc.py" || obj.Size != int64(len(content)) || obj.ETag == "" {
		t.Errorf("upload: got %+v (request %q), want the object's URI, size and ETag", obj, rid)
	}
	got, err := p.Read(ctx, "emrctl-code", "jobs/wc.py", 1<<20)
	if err != nil || !bytes.Equal(got, content) {
		t.Errorf("read back: got %q, %v; want %q", got, err, content)
	}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("line 1\nline 2\n"))
	zw.Close()
	if err := p.Put(ctx, "emrctl-code", "logs/stdout.gz", gz.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		limit int64
		want  string
		err   error
	}{
		{name: "whole", limit: 1 << 20, want: "line 1\nline 2\n"},
		{name: "truncated", limit: 6, want: "line 1", err: provider.ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Read(ctx, "emrctl-code", "logs/stdout.gz", tc.limit)
			if string(got) != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
	if _, err := p.Read(ctx, "emrctl-code", "missing", 10); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("missing object: got %v, want not found", err)
	}
	if _, _, err := p.Upload(ctx, filepath.Join(t.TempDir(), "nope"), "emrctl-code", "x"); err == nil {
		t.Error("uploading a missing file: got nil error")
	}
}
