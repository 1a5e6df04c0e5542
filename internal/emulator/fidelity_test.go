package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Wire fidelity seen with clients other than the darabonba generic client
// over ACS3-HMAC-SHA256: pop-core's v1 signature in a form body, the SM3
// signature, and the shape of responses (empty lists, request ID header,
// panics).

// popCoreEncode is @alicloud/pop-core's encode: encodeURIComponent with
// ! ' ( ) * escaped as well, so only A-Z a-z 0-9 - _ . ~ stay.
func popCoreEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// popCoreCall is one RPCClient.request of @alicloud/pop-core 1.8 in POST
// mode (lib/rpc.js), rebuilt step by step.
type popCoreCall struct {
	cred      Credential
	action    string
	version   string
	params    map[string]string
	timestamp time.Time
	nonce     string
	// actionHeader sends x-acs-action/x-acs-version as pop-core 1.8 does;
	// older releases did not, leaving Action only in the body.
	actionHeader bool
	// tamper changes the body after signing.
	tamper func(body string) string
}

func (pc popCoreCall) request(t *testing.T, base string) *http.Request {
	t.Helper()
	all := map[string]string{
		"Action": pc.action, "Format": "JSON", "Version": pc.version,
		"Timestamp":       pc.timestamp.UTC().Format("2006-01-02T15:04:05Z"),
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": pc.nonce, "AccessKeyId": pc.cred.AccessKeyID,
	}
	for k, v := range pc.params {
		all[k] = v
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = popCoreEncode(k) + "=" + popCoreEncode(all[k])
	}
	canonicalized := strings.Join(pairs, "&")
	m := hmac.New(sha1.New, []byte(pc.cred.AccessKeySecret+"&"))
	m.Write([]byte("POST&" + popCoreEncode("/") + "&" + popCoreEncode(canonicalized)))
	body := canonicalized + "&Signature=" + popCoreEncode(base64.StdEncoding.EncodeToString(m.Sum(nil)))
	if pc.tamper != nil {
		body = pc.tamper(body)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", "application/x-www-form-urlencoded")
	if pc.actionHeader {
		req.Header.Set("x-acs-action", pc.action)
		req.Header.Set("x-acs-version", pc.version)
	}
	return req
}

// rawResponse is an answer read off the wire.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
	fields map[string]any
}

func doRaw(t *testing.T, c *http.Client, req *http.Request) rawResponse {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := rawResponse{status: resp.StatusCode, header: resp.Header, body: raw}
	if err := json.Unmarshal(raw, &out.fields); err != nil {
		t.Fatalf("response %s: %v", raw, err)
	}
	return out
}

func (r rawResponse) code() string { s, _ := r.fields["Code"].(string); return s }

// TestRPCv1FormBody sends requests the way @alicloud/pop-core does in POST
// mode: every parameter, Signature included, in a form body; nothing in the
// query.
func TestRPCv1FormBody(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	nodeGroups, _ := json.Marshal(goodCluster("x").NodeGroups)
	apps, _ := json.Marshal(goodCluster("x").Applications)
	attrs, _ := json.Marshal(goodCluster("x").NodeAttributes)
	run := map[string]string{
		"RegionId": region, "ClusterName": "pop core (form)", "ClusterType": clusterType, "ReleaseVersion": release,
		"DeployMode": "NORMAL", "PaymentType": "PayAsYouGo", "ClientToken": "pop-core-1*~!'()",
		"Applications": string(apps), "NodeGroups": string(nodeGroups), "NodeAttributes": string(attrs),
	}
	call := func(action string, params map[string]string) popCoreCall {
		return popCoreCall{
			cred: SandboxCredential, action: action, version: "2021-03-20", params: params,
			timestamp: time.Now(), nonce: newRequestID(),
		}
	}
	var clusterID string
	t.Run("RunCluster with JSON parameters", func(t *testing.T) {
		r := doRaw(t, h.ctl, call("RunCluster", run).request(t, h.base))
		if r.status != http.StatusOK {
			t.Fatalf("got %d %s, want 200", r.status, r.body)
		}
		clusterID, _ = r.fields["ClusterId"].(string)
		if !strings.HasPrefix(clusterID, "c-") {
			t.Fatalf("got ClusterId %q in %s", clusterID, r.body)
		}
	})
	t.Run("GetCluster with the action headers", func(t *testing.T) {
		pc := call("GetCluster", map[string]string{"RegionId": region, "ClusterId": clusterID})
		pc.actionHeader = true
		r := doRaw(t, h.ctl, pc.request(t, h.base))
		cl, _ := r.fields["Cluster"].(map[string]any)
		if r.status != http.StatusOK || cl["ClusterName"] != "pop core (form)" {
			t.Fatalf("got %d %s, want the cluster named %q", r.status, r.body, "pop core (form)")
		}
	})
	t.Run("flat list parameters", func(t *testing.T) {
		r := doRaw(t, h.ctl, call("ListClusters", map[string]string{"RegionId": region, "ClusterIds.1": clusterID}).request(t, h.base))
		if total, _ := r.fields["TotalCount"].(float64); r.status != http.StatusOK || total != 1 {
			t.Fatalf("got %d %s, want one cluster", r.status, r.body)
		}
	})
	for _, c := range []struct {
		name   string
		change func(*popCoreCall)
		code   string
	}{
		{"tampered body", func(pc *popCoreCall) {
			pc.tamper = func(b string) string { return strings.Replace(b, "ClusterId=c-", "ClusterId=c-x", 1) }
		}, "SignatureDoesNotMatch"},
		{"wrong secret", func(pc *popCoreCall) { pc.cred.AccessKeySecret = "not-the-secret" }, "SignatureDoesNotMatch"},
		{"unknown key", func(pc *popCoreCall) { pc.cred.AccessKeyID = "LTAI5tUnknownKey0000001" }, "InvalidAccessKeyId.NotFound"},
		{"stale timestamp", func(pc *popCoreCall) { pc.timestamp = time.Now().Add(-time.Hour) }, "InvalidTimeStamp.Expired"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pc := call("GetCluster", map[string]string{"RegionId": region, "ClusterId": clusterID})
			c.change(&pc)
			r := doRaw(t, h.ctl, pc.request(t, h.base))
			if r.code() != c.code {
				t.Errorf("got %d %s, want %s", r.status, r.body, c.code)
			}
		})
	}
	t.Run("replayed nonce", func(t *testing.T) {
		pc := call("GetCluster", map[string]string{"RegionId": region, "ClusterId": clusterID})
		if r := doRaw(t, h.ctl, pc.request(t, h.base)); r.status != http.StatusOK {
			t.Fatalf("first use: got %d %s, want 200", r.status, r.body)
		}
		if r := doRaw(t, h.ctl, pc.request(t, h.base)); r.code() != "SignatureNonceUsed" {
			t.Errorf("second use: got %d %s, want SignatureNonceUsed", r.status, r.body)
		}
	})
	if n := h.clusterCount("pop core (form)"); n != 1 {
		t.Errorf("got %d clusters, want 1 (a refused request changed state)", n)
	}
}

// TestSM3Signature signs with ACS3-HMAC-SM3: through the Go SDK, which
// sends the SM3 body hash as x-acs-content-sha256, and as the gateway SDKs
// do, with x-acs-content-sm3.
func TestSM3Signature(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, run := action(t, contract.EMR, "RunCluster")
	_, get := action(t, contract.EMR, "GetCluster")
	sm3 := clientOpts{algorithm: acs3SM3}
	body, err := h.send(run, sdkRequest(t, run, goodCluster("sm3")), sm3)
	if err != nil {
		t.Fatalf("RunCluster signed with SM3 by the SDK: got %s, want success", describe(err))
	}
	id, _ := body["ClusterId"].(string)
	if _, err := h.send(get, sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: id}), sm3); err != nil {
		t.Errorf("GetCluster signed with SM3 by the SDK: got %s, want success", describe(err))
	}
	_, err = h.send(get, sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: id}),
		clientOpts{algorithm: acs3SM3, cred: Credential{AccessKeyID: SandboxCredential.AccessKeyID, AccessKeySecret: "wrong"}})
	wantCode(t, err, "SignatureDoesNotMatch")

	form := url.Values{"ClusterName": {"sm3-gateway"}}.Encode()
	for _, c := range []struct {
		name    string
		body    string
		content string // value of x-acs-content-sm3; "" computes it
		code    string // "" = success
	}{
		{"x-acs-content-sm3", form, "", ""},
		{"body changed after hashing", form, hex.EncodeToString(openapiutil.Hash([]byte("other"), dara.String(acs3SM3))), "SignatureDoesNotMatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := gatewaySM3Request(t, h.base, h.endpoint, "UpdateClusterAttribute", url.Values{"RegionId": {region}, "ClusterId": {id}}, c.body, c.content)
			r := doRaw(t, h.ctl, req)
			if r.code() != c.code {
				t.Fatalf("got %d %s, want code %q", r.status, r.body, c.code)
			}
		})
	}
	if got := h.getCluster(id).ClusterName; got != "sm3-gateway" {
		t.Errorf("after UpdateClusterAttribute signed with x-acs-content-sm3: got name %q, want sm3-gateway", got)
	}
}

// gatewaySM3Request signs an RPC request with ACS3-HMAC-SM3 as the
// alibabacloud gateway SDKs do (the SM3 body hash in x-acs-content-sm3),
// using the darabonba helpers, whose SM3 comes from tjfoc/gmsm.
func gatewaySM3Request(t *testing.T, base, host, action string, query url.Values, body, content string) *http.Request {
	t.Helper()
	if content == "" {
		content = hex.EncodeToString(openapiutil.Hash([]byte(body), dara.String(acs3SM3)))
	}
	headers := map[string]*string{
		"host": dara.String(host), "x-acs-action": dara.String(action), "x-acs-version": dara.String("2021-03-20"),
		"x-acs-date": dara.String(time.Now().UTC().Format("2006-01-02T15:04:05Z")), "x-acs-signature-nonce": dara.String(newRequestID()),
		"x-acs-content-sm3": dara.String(content), "content-type": dara.String("application/x-www-form-urlencoded"),
	}
	q := map[string]*string{}
	for k := range query {
		q[k] = dara.String(query.Get(k))
	}
	auth := openapiutil.GetAuthorization(&dara.Request{Method: dara.String(http.MethodPost), Pathname: dara.String("/"), Headers: headers, Query: q},
		dara.String(acs3SM3), dara.String(content), dara.String(SandboxCredential.AccessKeyID), dara.String(SandboxCredential.AccessKeySecret))
	req, err := http.NewRequest(http.MethodPost, base+"/?"+query.Encode(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, *v)
	}
	req.Header.Set("Authorization", *auth)
	return req
}

// TestMisspeltJSONMember sends NodeAttributes as JSON with a misspelt
// member: the member is ignored, and the required one it stood for is
// missing, as on the real service.
func TestMisspeltJSONMember(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, run := action(t, contract.EMR, "RunCluster")
	send := func(attrs string) error {
		req := sdkRequest(t, run, goodCluster("misspelt"))
		req.Body.(map[string]any)["NodeAttributes"] = attrs
		_, err := h.send(run, req, clientOpts{})
		return err
	}
	err := send(`{"VpcId":"` + vpcID + `","ZoneID":"` + zoneH + `","SecurityGroupId":"` + sgNormal + `"}`)
	wantCode(t, err, "MissingZoneId")
	if !strings.Contains(messageOf(err), "ZoneID") {
		t.Errorf("message %q does not point at the misspelt ZoneID", messageOf(err))
	}
	e, _ := h.wire.last("RunCluster")
	checkErrorBody(t, e)
	if e.status != http.StatusBadRequest {
		t.Errorf("got status %d, want 400", e.status)
	}
	if err := send(`{"VpcId":"` + vpcID + `","ZoneId":"` + zoneH + `","SecurityGroupId":"` + sgNormal + `","KeyPairNme":"x"}`); err != nil {
		t.Errorf("misspelt optional member: got %s, want success (ignored)", describe(err))
	}
	// A top-level unknown parameter is still refused.
	req := sdkRequest(t, run, goodCluster("misspelt"))
	req.Body.(map[string]any)["ZoneID"] = zoneH
	_, err = h.send(run, req, clientOpts{})
	wantCode(t, err, "InvalidParameter")
}

// TestEmptyLists shows list fields answer [] when empty.
func TestEmptyLists(t *testing.T) {
	for _, overHTTP := range []bool{true, false} {
		t.Run(fmt.Sprintf("http=%v", overHTTP), func(t *testing.T) {
			h := newHarness(t, newServer(t, Options{}), overHTTP)
			if _, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}); err != nil {
				t.Fatal(describe(err))
			}
			e, _ := h.wire.last("ListClusters")
			if !bytes.Contains(e.response, []byte(`"Clusters":[]`)) {
				t.Errorf("ListClusters on an empty sandbox: got %s, want \"Clusters\":[]", e.response)
			}
			id := h.runCluster(goodCluster("lists"))
			task := h.groupID(id, "TASK") // created with no nodes
			if _, err := h.call(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: region, ClusterId: id, NodeGroupIds: []string{task}}); err != nil {
				t.Fatal(describe(err))
			}
			e, _ = h.wire.last("ListNodes")
			if !bytes.Contains(e.response, []byte(`"Nodes":[]`)) {
				t.Errorf("ListNodes of an empty group: got %s, want \"Nodes\":[]", e.response)
			}
			spec, list := action(t, contract.EMR, "ListNodes")
			for _, p := range missingLists(spec, list, e.response) {
				t.Errorf("ListNodes: %s", p)
			}
		})
	}
}

// TestRequestIDHeader shows every API answer, success or error of any
// origin, carries x-acs-request-id equal to the body's RequestId.
func TestRequestIDHeader(t *testing.T) {
	for _, overHTTP := range []bool{true, false} {
		t.Run(fmt.Sprintf("http=%v", overHTTP), func(t *testing.T) {
			h := newHarness(t, newServer(t, Options{}), overHTTP)
			_, get := action(t, contract.EMR, "GetCluster")
			getReq := sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: "c-none"})
			for _, c := range []struct {
				name string
				send func() error
			}{
				{"success", func() error {
					_, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region})
					return err
				}},
				{"handler error", func() error { _, err := h.send(get, getReq, clientOpts{}); return err }},
				{"signature error", func() error {
					_, err := h.send(get, getReq, clientOpts{cred: Credential{AccessKeyID: SandboxCredential.AccessKeyID, AccessKeySecret: "x"}})
					return err
				}},
			} {
				t.Run(c.name, func(t *testing.T) {
					sent := "GetCluster"
					if err := c.send(); err == nil {
						sent = "ListClusters"
					}
					e, _ := h.wire.last(sent)
					checkRequestID(t, c.name, e, "RequestId")
				})
			}
		})
	}
}

// TestHandlerPanic shows a panicking handler answers 500 InternalError and
// is counted, in process and over HTTP, while a dropped response still
// loses the connection.
func TestHandlerPanic(t *testing.T) {
	for _, overHTTP := range []bool{true, false} {
		t.Run(fmt.Sprintf("http=%v", overHTTP), func(t *testing.T) {
			srv, err := New(Options{Clock: NewClock(SpeedInstant)}) // not newServer: these panics are expected
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			h := newHarness(t, srv, overHTTP)
			srv.routes["2021-03-20/GetCluster"].handler = func(*call, *World) (any, error) { panic("boom") }
			_, err = h.call(contract.EMR, "GetCluster", &emrwire.GetClusterRequest{RegionId: region, ClusterId: "c-none"})
			wantCode(t, err, "InternalError")
			e, _ := h.wire.last("GetCluster")
			if e.status != http.StatusInternalServerError {
				t.Errorf("got status %d, want 500", e.status)
			}
			checkErrorBody(t, e)
			if n := srv.UnexpectedPanics(); n != 1 {
				t.Errorf("UnexpectedPanics: got %d, want 1", n)
			}
			var health struct {
				Panics int `json:"panics"`
			}
			h.control(http.MethodGet, "/_emulator/health", nil, &health)
			if health.Panics != 1 {
				t.Errorf("health panics: got %d, want 1", health.Panics)
			}
			if err := srv.AddFault(FaultRule{Action: "ListClusters", DropResponses: 1}); err != nil {
				t.Fatal(err)
			}
			_, err = h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region})
			if err == nil || codeOf(err) != "" {
				t.Errorf("dropped response: got %v, want a connection error", err)
			}
			if !overHTTP {
				if !errors.Is(err, ErrResponseDropped) {
					t.Errorf("dropped response in process: got %v, want ErrResponseDropped", err)
				}
			}
			if n := srv.UnexpectedPanics(); n != 1 {
				t.Errorf("after a dropped response: UnexpectedPanics got %d, want still 1", n)
			}
		})
	}
}
