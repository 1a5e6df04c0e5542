package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
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

const (
	acs3Algorithm   = "ACS3-HMAC-SHA256"
	signatureWindow = 15 * time.Minute
	emptyBodySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

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
	AccessKeyID string // set by verify
}

// verify authenticates r by ACS3-HMAC-SHA256 or, for RPC, the legacy v2
// signature. It returns the access key ID on success.
func (v *verifier) verify(r *signedRequest, rpc bool) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if rpc && r.Query.Get("Signature") != "" {
			return v.verifyLegacyRPC(r)
		}
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "the request has no Authorization header and no Signature parameter; sign it with ACS3-HMAC-SHA256")
	}
	return v.verifyACS3(r, auth)
}

type acs3Auth struct {
	credential    string
	signedHeaders []string
	signature     string
}

func parseACS3(auth string) (acs3Auth, bool) {
	alg, rest, ok := strings.Cut(auth, " ")
	if !ok || alg != acs3Algorithm {
		return acs3Auth{}, false
	}
	var a acs3Auth
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
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "the Authorization header is not of the form %s Credential=...,SignedHeaders=...,Signature=...", acs3Algorithm)
	}
	signed := map[string]bool{}
	for _, h := range a.signedHeaders {
		signed[h] = true
	}
	for _, h := range []string{"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} {
		if !signed[h] || (h != "host" && r.Header.Get(h) == "") {
			return "", newError(http.StatusBadRequest, "IncompleteSignature", "the signature must cover the %s header", h)
		}
	}
	secret, ok := v.secrets[a.credential]
	if !ok {
		return "", newError(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	sum := sha256.Sum256(r.Body)
	if got := r.Header.Get("x-acs-content-sha256"); got != hex.EncodeToString(sum[:]) {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the SHA-256 of the request body")
	}
	stringToSign := acs3StringToSign(r, a.signedHeaders)
	want := acs3Sign(secret, stringToSign)
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.signature)) != 1 {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is: %s", strings.ReplaceAll(stringToSign, "\n", `\n`))
	}
	if err := v.checkFresh(a.credential, r.Header.Get("x-acs-date"), r.Header.Get("x-acs-signature-nonce")); err != nil {
		return "", err
	}
	return a.credential, nil
}

// acs3StringToSign builds the ACS3 string to sign from the request as
// received (see contracts README section 4.1).
func acs3StringToSign(r *signedRequest, signedHeaders []string) string {
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
	hashed := r.Header.Get("x-acs-content-sha256")
	canonical := strings.Join([]string{
		r.Method,
		acsEscapeReplacer.Replace(path),
		canonicalQuery(r.Query),
		strings.Join(headers, ""),
		strings.Join(signedHeaders, ";"),
		hashed,
	}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	return acs3Algorithm + "\n" + hex.EncodeToString(sum[:])
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

func acs3Sign(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
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

// verifyLegacyRPC checks the v2 HMAC-SHA1 signature of an RPC request.
func (v *verifier) verifyLegacyRPC(r *signedRequest) (string, *apiError) {
	q := r.Query
	ak := q.Get("AccessKeyId")
	if ak == "" || q.Get("SignatureMethod") != "HMAC-SHA1" {
		return "", newError(http.StatusBadRequest, "IncompleteSignature", "legacy RPC requests need AccessKeyId and SignatureMethod=HMAC-SHA1")
	}
	secret, ok := v.secrets[ak]
	if !ok {
		return "", newError(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	params := url.Values{}
	for k, vs := range q {
		if k != "Signature" {
			params[k] = vs
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(r.Body))
		if err == nil {
			for k, vs := range form {
				params[k] = vs
			}
		}
	}
	stringToSign := r.Method + "&" + percentEncode("/") + "&" + percentEncode(legacyCanonical(params))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(q.Get("Signature"))) != 1 {
		return "", newError(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is: %s", stringToSign)
	}
	if err := v.checkFresh(ak, q.Get("Timestamp"), q.Get("SignatureNonce")); err != nil {
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
