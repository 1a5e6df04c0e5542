package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// bucketPattern is the bucket name format shared by OSS and S3.
const bucketPattern = `^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`

// ossEndpointPattern matches the endpoint part of an OSS host written as
// bucket.<endpoint>: OSS-HDFS (bucket.cn-hangzhou.oss-dls.aliyuncs.com) and
// the regular and internal OSS endpoints (bucket.oss-cn-hangzhou.aliyuncs.com).
const ossEndpointPattern = `^(?:[a-z0-9-]+\.oss-dls|oss-[a-z0-9-]+)\.aliyuncs\.com$`

// ObjectURI is an object location such as oss://bucket/key or s3://bucket/key.
type ObjectURI struct {
	// Scheme is the part before "://", e.g. "oss".
	Scheme string
	// Host is the part between "://" and the next '/'.
	Host string
	// Bucket is the bucket name: Host without an OSS endpoint suffix.
	Bucket string
	// Key is the object key, without the leading '/'.
	Key string
}

// ParseObjectURI splits v into scheme, host, bucket and key without judging
// them; ok is false when v has no "scheme://". ScriptPath does the judging.
func ParseObjectURI(v string) (u ObjectURI, ok bool) {
	scheme, rest, found := strings.Cut(v, "://")
	if !found || scheme == "" {
		return ObjectURI{}, false
	}
	host, key, _ := strings.Cut(rest, "/")
	u = ObjectURI{Scheme: strings.ToLower(scheme), Host: host, Bucket: host, Key: key}
	if u.Scheme == "oss" {
		if b, endpoint, dotted := strings.Cut(host, "."); dotted && regexp.MustCompile(ossEndpointPattern).MatchString(endpoint) {
			u.Bucket = b
		}
	}
	return u, true
}

// Bucket checks a bucket name: 3-63 lower-case letters, digits, '.' and '-',
// starting and ending with a letter or digit, without "..".
func Bucket(field, v string) *Error {
	const fix = "a bucket name has 3-63 lower-case letters, digits, '.' and '-', and starts and ends with a letter or digit"
	if e := Text(field, v); e != nil {
		e.Fix = fix
		return e
	}
	if !regexp.MustCompile(bucketPattern).MatchString(v) {
		return newError(field, v, "is not a bucket name", fix)
	}
	if strings.Contains(v, "..") {
		return newError(field, v, "contains \"..\"", fix)
	}
	return nil
}

// ScriptPath checks the location of a bootstrap script or job code: an
// object in one of the user's own buckets, oss://bucket/key when scheme is
// "oss" and s3://bucket/key when it is "s3". Remote URLs (http, https, ftp),
// file URLs and local paths are refused, as are ".." segments, an empty key,
// query strings and malformed bucket names. For OSS, the bucket may be
// written with its endpoint (bucket.cn-hangzhou.oss-dls.aliyuncs.com for
// OSS-HDFS). When ownBuckets is not empty, the bucket must be one of them.
func ScriptPath(field, v string, scheme string, ownBuckets []string) *Error {
	scheme = strings.ToLower(scheme)
	fix := fmt.Sprintf("upload the file to your own bucket and pass %s://bucket/path/to/file", scheme)
	if e := Text(field, v); e != nil {
		e.Fix = withFix(e.Fix, fix)
		return e
	}
	if v == "" {
		return newError(field, v, "must not be empty", fix)
	}
	u, ok := ParseObjectURI(v)
	if !ok {
		return newError(field, v, "is a local path: scripts and job code must be objects in your own bucket", fix)
	}
	if u.Scheme != scheme {
		switch u.Scheme {
		case "http", "https", "ftp", "ftps", "file":
			article := "an"
			if u.Scheme == "file" {
				article = "a"
			}
			return newError(field, v, fmt.Sprintf("is %s %s URL: emrctl runs only code stored in your own bucket, never code from a link", article, u.Scheme), fix)
		}
		return newError(field, v, fmt.Sprintf("must be a %s:// path, not %s://", scheme, u.Scheme), fix)
	}
	if u.Host == "" {
		return newError(field, v, "has no bucket", fix)
	}
	if e := Bucket(field, u.Bucket); e != nil {
		return newError(field, v, fmt.Sprintf("has an invalid bucket name %q: %s", Render(u.Bucket), e.Rule), e.Fix)
	}
	if u.Key == "" || strings.HasSuffix(u.Key, "/") {
		return newError(field, v, "names no object: the key after the bucket is empty or ends with '/'", fix)
	}
	if strings.ContainsAny(u.Key, "?# \\") {
		return newError(field, v, "contains '?', '#', a space or '\\', which do not belong in an object path", fix)
	}
	if slices.Contains(strings.Split(u.Key, "/"), "..") {
		return newError(field, v, "contains a \"..\" segment", fix)
	}
	if len(ownBuckets) > 0 && !slices.Contains(normalizeBuckets(ownBuckets, scheme), u.Bucket) {
		return newError(field, v, fmt.Sprintf("is in bucket %q, which is not one of your own buckets", Render(u.Bucket)),
			"add the bucket to ownBuckets in the config or use one of: "+strings.Join(ownBuckets, ", "))
	}
	return nil
}

// normalizeBuckets strips a scheme and slashes that users tend to write
// around configured bucket names ("oss://my-bucket/").
func normalizeBuckets(buckets []string, scheme string) []string {
	out := make([]string, 0, len(buckets))
	for _, b := range buckets {
		b = strings.TrimPrefix(b, scheme+"://")
		out = append(out, strings.Trim(b, "/"))
	}
	return out
}
