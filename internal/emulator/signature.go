package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Credential is an access key pair the emulator accepts.
type Credential struct {
	AccessKeyID     string
	AccessKeySecret string
}

// SandboxCredential is the key pair of the embedded sandbox. It opens
// nothing but the local emulator, so it is published.
var SandboxCredential = Credential{
	AccessKeyID:     "LTAI5tEmrctlSandbox00001",
	AccessKeySecret: "emrctl-sandbox-secret-not-for-cloud-use",
}

// SandboxReadOnlyCredential is a second published key pair of the sandbox
// account: a RAM user that holds read-only policies only
// (AliyunEmrServerlessSparkReadOnlyAccess and the EMR equivalent), so
// every write it signs is refused with Forbidden.RAM, as the real service
// refuses a user who lacks the action.
var SandboxReadOnlyCredential = Credential{
	AccessKeyID:     "LTAI5tEmrctlSandboxRead1",
	AccessKeySecret: "emrctl-sandbox-read-only-secret-not-for-cloud-use",
}

// The ACS3 signature algorithms the emulator accepts, with their hash.
// ACS3-RSA-SHA256 (key-pair credentials) is not offered by the sandbox.
const (
	acs3SHA256      = "ACS3-HMAC-SHA256"
	acs3SM3         = "ACS3-HMAC-SM3"
	signatureWindow = 15 * time.Minute
)

var acs3Hashes = map[string]func() hash.Hash{acs3SHA256: sha256.New, acs3SM3: newSM3}

// verifier checks request signatures and remembers nonces.
type verifier struct {
	secrets map[string]string
	now     func() time.Time

	mu        sync.Mutex
	nonces    map[string]time.Time
	lastSweep time.Time
}

func newVerifier(creds []Credential) *verifier {
	v := &verifier{secrets: map[string]string{}, now: time.Now, nonces: map[string]time.Time{}}
	for _, c := range creds {
		v.secrets[c.AccessKeyID] = c.AccessKeySecret
	}
	return v
}

// signedRequest is what the verifier needs from an HTTP request.
type signedRequest struct {
	Method      string
	Path        string // escaped path as sent
	Query       url.Values
	Header      http.Header
	Host        string
	Body        []byte
	Form        url.Values // parameters of a form body, nil for other bodies
	AccessKeyID string     // set once verified
}

// form returns the parameters of a form body, parsing it if the caller did
// not.
func (r *signedRequest) form() url.Values {
	if r.Form == nil && isForm(r.Header) && len(r.Body) > 0 {
		if f, err := url.ParseQuery(string(r.Body)); err == nil {
			r.Form = f
		}
	}
	return r.Form
}

// verify authenticates r by an ACS3 signature or, for RPC, the v1
// (HMAC-SHA1) signature. It returns the access key ID on success.
func (v *verifier) verify(r *signedRequest, rpc bool) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if rpc && (r.Query.Get("Signature") != "" || r.form().Get("Signature") != "") {
			return v.verifyRPCv1(r)
		}
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "the request has no Authorization header and no Signature parameter; sign it with ACS3-HMAC-SHA256")
	}
	return v.verifyACS3(r, auth)
}

type acs3Auth struct {
	algorithm     string
	credential    string
	signedHeaders []string
	signature     string
}

func parseACS3(auth string) (acs3Auth, bool) {
	alg, rest, ok := strings.Cut(auth, " ")
	if !ok || !strings.HasPrefix(alg, "ACS3-") {
		return acs3Auth{}, false
	}
	a := acs3Auth{algorithm: alg}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return acs3Auth{}, false
		}
		switch k {
		case "Credential":
			a.credential = val
		case "SignedHeaders":
			a.signedHeaders = strings.Split(val, ";")
		case "Signature":
			a.signature = val
		}
	}
	return a, a.credential != "" && len(a.signedHeaders) > 0 && a.signature != ""
}

func (v *verifier) verifyACS3(r *signedRequest, auth string) (string, *apiError) {
	a, ok := parseACS3(auth)
	if !ok {
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "the Authorization header is not of the form ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...")
	}
	newHash, ok := acs3Hashes[a.algorithm]
	if !ok {
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "the signature algorithm %s is not accepted here; sign with %s or %s", a.algorithm, acs3SHA256, acs3SM3)
	}
	content := contentHashHeader(a.algorithm, r.Header)
	signed := map[string]bool{}
	for _, h := range a.signedHeaders {
		signed[h] = true
	}
	for _, h := range []string{"host", "x-acs-date", "x-acs-signature-nonce", content} {
		if !signed[h] || (h != "host" && r.Header.Get(h) == "") {
			return "", newError(http.StatusBadRequest, "IncompleteSignature", "the signature must cover the %s header", h)
		}
	}
	secret, ok := v.secrets[a.credential]
	if !ok {
		return "", newError(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if got := r.Header.Get(content); got != hexHash(newHash, r.Body) {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "%s does not match the %s hash of the request body", content, a.algorithm)
	}
	stringToSign := acs3StringToSign(r, a.algorithm, a.signedHeaders, r.Header.Get(content))
	want := acs3Sign(a.algorithm, secret, stringToSign)
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.signature)) != 1 {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is: %s", strings.ReplaceAll(stringToSign, "\n", `\n`))
	}
	if err := v.checkFresh(a.credential, r.Header.Get("x-acs-date"), r.Header.Get("x-acs-signature-nonce")); err != nil {
		return "", err
	}
	return a.credential, nil
}

// contentHashHeader names the header holding the body hash. The gateway
// SDKs send an SM3 hash as x-acs-content-sm3; the Go darabonba-openapi v2
// client sends it under x-acs-content-sha256, so that is accepted too.
func contentHashHeader(algorithm string, h http.Header) string {
	if algorithm == acs3SM3 && h.Get("x-acs-content-sm3") != "" {
		return "x-acs-content-sm3"
	}
	return "x-acs-content-sha256"
}

func hexHash(newHash func() hash.Hash, b []byte) string {
	h := newHash()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// acs3StringToSign builds the ACS3 string to sign from the request as
// received (see contracts README section 4.1); hashedBody is the value of
// the content hash header.
func acs3StringToSign(r *signedRequest, algorithm string, signedHeaders []string, hashedBody string) string {
	path := r.Path
	if path == "" {
		path = "/"
	}
	headers := make([]string, len(signedHeaders))
	for i, h := range signedHeaders {
		val := r.Header.Get(h)
		if h == "host" {
			val = r.Host
		}
		headers[i] = h + ":" + strings.TrimSpace(val) + "\n"
	}
	canonical := strings.Join([]string{
		r.Method,
		acsEscapeReplacer.Replace(path),
		canonicalQuery(r.Query),
		strings.Join(headers, ""),
		strings.Join(signedHeaders, ";"),
		hashedBody,
	}, "\n")
	return algorithm + "\n" + hexHash(acs3Hashes[algorithm], []byte(canonical))
}

var acsEscapeReplacer = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + url.QueryEscape(q.Get(k))
	}
	return acsEscapeReplacer.Replace(strings.Join(parts, "&"))
}

func acs3Sign(algorithm, secret, stringToSign string) string {
	m := hmac.New(acs3Hashes[algorithm], []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// checkFresh enforces the date window and single use of nonces.
func (v *verifier) checkFresh(ak, date, nonce string) *apiError {
	t, err := time.Parse("2006-01-02T15:04:05Z", date)
	if err != nil {
		return newError(http.StatusBadRequest, "InvalidTimeStamp.Format", "the signing date %q is not in the form 2006-01-02T15:04:05Z", date)
	}
	now := v.now()
	if d := now.Sub(t); d > signatureWindow || d < -signatureWindow {
		return newError(http.StatusBadRequest, "InvalidTimeStamp.Expired", "the signing date %s is more than %s from the server time %s", date, signatureWindow, now.UTC().Format(time.RFC3339))
	}
	if nonce == "" {
		return newError(http.StatusBadRequest, "IncompleteSignature", "the signature nonce is missing")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.sweep(now)
	key := ak + "/" + nonce
	if _, used := v.nonces[key]; used {
		return newError(http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	v.nonces[key] = now
	return nil
}

// sweep forgets nonces older than the window. It runs at most once a
// minute: scanning every remembered nonce on each request would make the
// cost of a request grow with the request rate.
func (v *verifier) sweep(now time.Time) {
	if now.Sub(v.lastSweep) < time.Minute {
		return
	}
	v.lastSweep = now
	for n, seen := range v.nonces {
		if now.Sub(seen) > signatureWindow {
			delete(v.nonces, n)
		}
	}
}

// verifyRPCv1 checks the v1 RPC signature (SignatureMethod=HMAC-SHA1,
// SignatureVersion=1.0). Its parameters may travel in the query (the
// darabonba client's "v2" mode, GET requests) or in a form body (the POST
// mode of @alicloud/pop-core, where Signature, AccessKeyId and the rest are
// in the body and the query is empty). The string to sign covers the union
// of both, Signature excluded:
//
//	METHOD&%2F&percentEncode(sorted percentEncode(key)=percentEncode(value) joined by &)
func (v *verifier) verifyRPCv1(r *signedRequest) (string, *apiError) {
	params := url.Values{}
	for _, src := range []url.Values{r.Query, r.form()} {
		for k, vs := range src {
			if _, dup := params[k]; dup {
				return "", newError(http.StatusBadRequest, "IncompleteSignature", "parameter %s is in both the query string and the body; the signature covers each parameter once", k)
			}
			params[k] = vs
		}
	}
	signature := params.Get("Signature")
	delete(params, "Signature")
	ak := params.Get("AccessKeyId")
	if ak == "" || params.Get("SignatureMethod") != "HMAC-SHA1" {
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "RPC requests signed with a Signature parameter need AccessKeyId and SignatureMethod=HMAC-SHA1")
	}
	if sv := params.Get("SignatureVersion"); sv != "" && sv != "1.0" {
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "SignatureVersion %q is not supported; HMAC-SHA1 signatures use SignatureVersion=1.0", sv)
	}
	secret, ok := v.secrets[ak]
	if !ok {
		return "", newError(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	stringToSign := r.Method + "&" + percentEncode("/") + "&" + percentEncode(legacyCanonical(params))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is: %s", stringToSign)
	}
	if err := v.checkFresh(ak, params.Get("Timestamp"), params.Get("SignatureNonce")); err != nil {
		return "", err
	}
	return ak, nil
}

func legacyCanonical(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = percentEncode(k) + "=" + percentEncode(params.Get(k))
	}
	return strings.Join(parts, "&")
}

func percentEncode(s string) string {
	return acsEscapeReplacer.Replace(url.QueryEscape(s))
}
