package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// metadata GETs a metadata path and returns the status and body.
func (h *harness) metadata(path string, header map[string]string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.base+"/latest/meta-data/"+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.ctl.Do(req)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

func TestMetadataDefaultInstance(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for path, want := range map[string]string{
		"instance-id":               gwGood,
		"region-id":                 region,
		"zone-id":                   zoneH,
		"vpc-id":                    vpcID,
		"vswitch-id":                vswH,
		"private-ipv4":              "192.168.15.201",
		"hostname":                  "emrctl-gateway-good",
		"ram/security-credentials/": GatewayRAMRole,
	} {
		t.Run(path, func(t *testing.T) {
			if code, got := h.metadata(path, nil); code != http.StatusOK || got != want {
				t.Errorf("got %d %q, want 200 %q", code, got, want)
			}
		})
	}
	if code, _ := h.metadata("no-such-item", nil); code != http.StatusNotFound {
		t.Errorf("unknown item: got %d, want 404", code)
	}
}

// TestMetadataCredentialsAreFake checks the role document is well formed
// and cannot pass for real keys.
func TestMetadataCredentialsAreFake(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	code, body := h.metadata("ram/security-credentials/"+GatewayRAMRole, nil)
	if code != http.StatusOK {
		t.Fatalf("got %d, want 200", code)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("credentials document %q: %v", body, err)
	}
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken"} {
		if !strings.Contains(doc[k], "SANDBOX-FAKE") {
			t.Errorf("%s = %q, want a value marked SANDBOX-FAKE", k, doc[k])
		}
	}
	if doc["Expiration"] == "" || doc["Code"] != "Success" {
		t.Errorf("got Expiration %q Code %q, want a time and Success", doc["Expiration"], doc["Code"])
	}
	if code, _ := h.metadata("ram/security-credentials/OtherRole", nil); code != http.StatusNotFound {
		t.Errorf("credentials of a role not attached: got %d, want 404", code)
	}
}

func TestMetadataSwitchInstance(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	if code := h.control(http.MethodPost, "/_emulator/metadata", map[string]string{"instanceId": gwNoRole}, nil); code != http.StatusOK {
		t.Fatalf("POST /_emulator/metadata: got %d, want 200", code)
	}
	if code, got := h.metadata("instance-id", nil); got != gwNoRole {
		t.Errorf("instance-id after the switch: got %d %q, want %s", code, got, gwNoRole)
	}
	if code, _ := h.metadata("ram/security-credentials/", nil); code != http.StatusNotFound {
		t.Errorf("role list of an instance without a role: got %d, want 404", code)
	}
	if code := h.control(http.MethodPost, "/_emulator/metadata", map[string]string{"instanceId": "i-nosuchinstance"}, nil); code != http.StatusBadRequest {
		t.Errorf("switch to an unknown instance: got %d, want 400", code)
	}
	if code := h.control(http.MethodPost, "/_emulator/reset", map[string]int{"seed": 0}, nil); code != http.StatusOK {
		t.Fatalf("reset: got %d", code)
	}
	if _, got := h.metadata("instance-id", nil); got != gwGood {
		t.Errorf("instance-id after a reset: got %q, want the default %s", got, gwGood)
	}
}

// TestMetadataChoiceIsShared shows the chosen instance is kept in the
// state: a second Server on the same SQLite file describes it too.
func TestMetadataChoiceIsShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *Server {
		st, err := OpenSQLiteStore(path)
		if err != nil {
			t.Fatalf("OpenSQLiteStore: %v", err)
		}
		return newServer(t, Options{Store: st})
	}
	first := open()
	if err := first.SetMetadataInstance(gwSmallDisk); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, open(), true)
	if _, got := h.metadata("instance-id", nil); got != gwSmallDisk {
		t.Errorf("instance-id seen by a second server: got %q, want %s", got, gwSmallDisk)
	}
}

func TestMetadataToken(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	req, _ := http.NewRequest(http.MethodPut, h.base+tokenPath, nil)
	req.Header.Set(tokenTTLHeader, "60")
	resp, err := h.ctl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT token: got %d, want 200", resp.StatusCode)
	}
	if code, got := h.metadata("instance-id", map[string]string{tokenHeader: string(raw)}); code != http.StatusOK || got != gwGood {
		t.Errorf("with the token: got %d %q, want 200 %s", code, got, gwGood)
	}
	if code, _ := h.metadata("instance-id", map[string]string{tokenHeader: "forged"}); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: got %d, want 401", code)
	}
}
