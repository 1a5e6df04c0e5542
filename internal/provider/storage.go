package provider

import (
	"context"
	"errors"
)

// Object is an S3 object written or read.
type Object struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag,omitempty"`
}

// URI returns s3://bucket/key.
func (o Object) URI() string { return "s3://" + o.Bucket + "/" + o.Key }

// ErrTruncated is returned with the first limit bytes of an object that is
// longer.
var ErrTruncated = errors.New("object truncated")

// Storage is the object store next to a cluster (S3 for AWS): the engine
// uploads code a step or job run needs, and reads step logs back.
type Storage interface {
	// Upload puts a local file at bucket/key and returns the object and
	// the request ID. Putting the same file again writes the same object.
	Upload(ctx context.Context, path, bucket, key string) (*Object, string, error)
	// Read returns at most limit bytes of an object's content, gunzipped
	// when the key ends in .gz, with ErrTruncated when there was more.
	Read(ctx context.Context, bucket, key string, limit int64) ([]byte, error)
}
