package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// emptyHash is the SHA-256 of an empty body.
var emptyHash = hex.EncodeToString(sha256.New().Sum(nil))

// raw sends an EMR RPC action signed with ACS3-HMAC-SHA256 (contracts
// README section 4.1) and drops the answer unread but for its status. The
// load measures the server: the SDK would spend as much CPU decoding each
// page as the server spends encoding it, on the same two cores.
func (e *emulatorTarget) raw(ctx context.Context, action string, q map[string]string) error {
	query := url.Values{"RegionId": {region}}
	for k, v := range q {
		query.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+e.host+"/?"+query.Encode(), nil)
	if err != nil {
		return err
	}
	e.sign(req, action, query)
	resp, err := e.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", action, resp.StatusCode)
	}
	return nil
}

func (e *emulatorTarget) sign(req *http.Request, action string, query url.Values) {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	h := map[string]string{
		"host":                  e.host,
		"x-acs-action":          action,
		"x-acs-content-sha256":  emptyHash,
		"x-acs-date":            time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": hex.EncodeToString(nonce),
		"x-acs-version":         "2021-03-20",
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var headers strings.Builder
	for _, k := range names {
		headers.WriteString(k + ":" + h[k] + "\n")
		if k != "host" {
			req.Header.Set(k, h[k])
		}
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{http.MethodPost, "/", canonicalQuery(query), headers.String(), signed, emptyHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	m := hmac.New(sha256.New, []byte(e.secret))
	m.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])))
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+e.keyID+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(m.Sum(nil)))
}

var acsEscape = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

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
	return acsEscape.Replace(strings.Join(parts, "&"))
}
