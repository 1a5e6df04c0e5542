package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// signingVector is one entry of contract/data/signing-test-vectors.json,
// computed with darabonba-openapi itself.
type signingVector struct {
	Name            string            `json:"name"`
	AccessKeyID     string            `json:"accessKeyId"`
	AccessKeySecret string            `json:"accessKeySecret"`
	Method          string            `json:"method"`
	Pathname        string            `json:"pathname"`
	Query           map[string]string `json:"query"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	Authorization   string            `json:"authorization"`
}

func loadVectors(t *testing.T) []signingVector {
	t.Helper()
	raw, err := os.ReadFile("../contract/data/signing-test-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Signatures []signingVector `json:"signatures"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Signatures) != 4 {
		t.Fatalf("got %d vectors, want 4", len(file.Signatures))
	}
	return file.Signatures
}

func (v signingVector) request() *signedRequest {
	q := url.Values{}
	for k, val := range v.Query {
		q.Set(k, val)
	}
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	h.Set("Authorization", v.Authorization)
	return &signedRequest{Method: v.Method, Path: v.Pathname, Query: q, Header: h, Host: v.Headers["host"], Body: []byte(v.Body)}
}

// fixedNow is the signing date of every vector.
var fixedNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func vectorVerifier(v signingVector) *verifier {
	ver := newVerifier([]Credential{{AccessKeyID: v.AccessKeyID, AccessKeySecret: v.AccessKeySecret}})
	ver.now = func() time.Time { return fixedNow }
	return ver
}

func TestSigningVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			a, ok := parseACS3(v.Authorization)
			if !ok {
				t.Fatalf("cannot parse %q", v.Authorization)
			}
			got := acs3Sign(a.algorithm, v.AccessKeySecret, acs3StringToSign(v.request(), a.algorithm, a.signedHeaders, v.Headers["x-acs-content-sha256"]))
			if got != a.signature {
				t.Errorf("signature: got %s, want %s", got, a.signature)
			}
			ak, aerr := vectorVerifier(v).verify(v.request(), !strings.HasPrefix(v.Pathname, "/api/"))
			if aerr != nil || ak != v.AccessKeyID {
				t.Errorf("verify: got %q, %v; want %s", ak, aerr, v.AccessKeyID)
			}
		})
	}
}

func TestSignatureChecks(t *testing.T) {
	v := loadVectors(t)[1] // RPC with a form body
	for _, c := range []struct {
		name   string
		change func(r *signedRequest, ver *verifier)
		code   string
	}{
		{"body changed", func(r *signedRequest, _ *verifier) { r.Body[0] ^= 1 }, "SignatureDoesNotMatch"},
		{"query changed", func(r *signedRequest, _ *verifier) { r.Query.Set("RegionId", "cn-beijing") }, "SignatureDoesNotMatch"},
		{"host changed", func(r *signedRequest, _ *verifier) { r.Host = "evil.example" }, "SignatureDoesNotMatch"},
		{"unknown key", func(r *signedRequest, _ *verifier) {
			r.Header.Set("Authorization", strings.Replace(v.Authorization, "testAccessKeyId", "otherKey", 1))
		}, "InvalidAccessKeyId.NotFound"},
		{"date outside the window", func(_ *signedRequest, ver *verifier) {
			ver.now = func() time.Time { return fixedNow.Add(16 * time.Minute) }
		}, "InvalidTimeStamp.Expired"},
		{"no authorization", func(r *signedRequest, _ *verifier) { r.Header.Del("Authorization") }, "IncompleteSignature"},
		{"nonce not signed", func(r *signedRequest, _ *verifier) {
			r.Header.Set("Authorization", strings.Replace(v.Authorization, ";x-acs-signature-nonce", "", 1))
		}, "IncompleteSignature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, ver := v.request(), vectorVerifier(v)
			c.change(r, ver)
			_, aerr := ver.verify(r, true)
			if aerr == nil || aerr.Code != c.code {
				t.Errorf("got %v, want %s", aerr, c.code)
			}
		})
	}
	t.Run("nonce replay", func(t *testing.T) {
		ver := vectorVerifier(v)
		if _, aerr := ver.verify(v.request(), true); aerr != nil {
			t.Fatalf("first use: got %v, want success", aerr)
		}
		if _, aerr := ver.verify(v.request(), true); aerr == nil || aerr.Code != "SignatureNonceUsed" {
			t.Errorf("second use: got %v, want SignatureNonceUsed", aerr)
		}
	})
}

// legacySign computes the v2 RPC signature by hand, from the contracts
// README section 4.3, independently of the emulator's code.
func legacySign(secret, method string, params url.Values) string {
	enc := func(s string) string {
		s = url.QueryEscape(s)
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = enc(k) + "=" + enc(params.Get(k))
	}
	toSign := method + "&" + enc("/") + "&" + enc(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestLegacySignature(t *testing.T) {
	cred := Credential{AccessKeyID: "testAccessKeyId", AccessKeySecret: "testAccessKeySecret"}
	query := url.Values{
		"Action": {"ListClusters"}, "Format": {"json"}, "Version": {"2021-03-20"},
		"Timestamp": {"2024-01-01T00:00:00Z"}, "SignatureNonce": {"b5f3c1d2e4a697885a6b7c8d9e0f1a2b"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "AccessKeyId": {cred.AccessKeyID},
		"RegionId": {"cn-hangzhou"}, "ClusterName": {"my cluster*~"},
	}
	form := url.Values{"ClusterStates.1": {"RUNNING"}}
	all := url.Values{}
	for _, src := range []url.Values{query, form} {
		for k, v := range src {
			all[k] = v
		}
	}
	sig := legacySign(cred.AccessKeySecret, http.MethodPost, all)
	build := func(signature string) *signedRequest {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("Signature", signature)
		h := http.Header{}
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		return &signedRequest{Method: http.MethodPost, Path: "/", Query: q, Header: h, Host: "emr.cn-hangzhou.aliyuncs.com", Body: []byte(form.Encode())}
	}
	ver := newVerifier([]Credential{cred})
	ver.now = func() time.Time { return fixedNow }
	if ak, aerr := ver.verify(build(sig), true); aerr != nil || ak != cred.AccessKeyID {
		t.Fatalf("valid legacy signature: got %q, %v; want %s", ak, aerr, cred.AccessKeyID)
	}
	bad := []byte(sig)
	bad[0] ^= 1
	if _, aerr := ver.verify(build(string(bad)), true); aerr == nil || aerr.Code != "SignatureDoesNotMatch" {
		t.Errorf("altered legacy signature: got %v, want SignatureDoesNotMatch", aerr)
	}
	if _, aerr := ver.verify(build(sig), false); aerr == nil || aerr.Code != "IncompleteSignature" {
		t.Errorf("legacy signature on an ROA action: got %v, want IncompleteSignature", aerr)
	}
}
