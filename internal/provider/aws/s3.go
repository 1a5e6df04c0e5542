package aws

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/emrctl/emrctl/internal/provider"
)

// Upload puts a local file at s3://bucket/key. Putting the same file
// again writes the same object, so a retry is harmless.
func (p *Provider) Upload(ctx context.Context, path, bucket, key string) (*provider.Object, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("upload: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("upload: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, "", fmt.Errorf("upload: %s is not a regular file", path)
	}
	out, err := p.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f, ContentLength: ptr(st.Size())})
	if err != nil {
		return nil, "", mapError(ctx, "PutObject", false, err)
	}
	return &provider.Object{Bucket: bucket, Key: key, Size: st.Size(), ETag: strings.Trim(str(out.ETag), `"`)}, requestID(out.ResultMetadata), nil
}

// Read returns an object's content, gunzipped when the key ends in .gz
// (EMR writes step logs that way), at most limit bytes of it.
func (p *Provider) Read(ctx context.Context, bucket, key string, limit int64) ([]byte, error) {
	out, err := p.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key}, p.s3Read)
	if err != nil {
		return nil, mapError(ctx, "GetObject", true, err)
	}
	defer out.Body.Close()
	var r io.Reader = out.Body
	if strings.HasSuffix(key, ".gz") {
		zr, err := gzip.NewReader(out.Body)
		if err != nil {
			return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
		}
		defer zr.Close()
		r = zr
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return nil, mapError(ctx, "GetObject", true, err)
	}
	if n > limit {
		return buf.Bytes()[:limit], provider.ErrTruncated
	}
	return buf.Bytes(), nil
}

// CreateBucket creates a bucket (tests and first use of a moto server).
func (p *Provider) CreateBucket(ctx context.Context, bucket string) error {
	_, err := p.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	if err != nil {
		return mapError(ctx, "CreateBucket", false, err)
	}
	return nil
}

// Put writes content at s3://bucket/key (tests: seeding step logs).
func (p *Provider) Put(ctx context.Context, bucket, key string, content []byte) error {
	_, err := p.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(content)})
	if err != nil {
		return mapError(ctx, "PutObject", false, err)
	}
	return nil
}
