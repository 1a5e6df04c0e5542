package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Kyuubi authentication tokens.

// tokenRE is the SDK's rule for a token: 32 lower-case letters and digits.
var tokenRE = regexp.MustCompile(`^[a-z0-9]{32}$`)

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// maskToken keeps the first and last three characters, as the service
// shows a token after it was created.
func maskToken(token string) string { return token[:3] + "**********" + token[len(token)-3:] }

// setToken checks a token value and stores its hash and mask, never the
// value. The message never repeats the value.
func setToken(w *World, t *kyuubiTokenRec, token string) error {
	if !tokenRE.MatchString(token) {
		return errInvalidParameter("token must be 32 characters of lower-case letters and digits (got %d characters); generate one, for example with: python3 -c \"import secrets; print(secrets.token_hex(16))\"", len(token))
	}
	h := tokenHash(token)
	if len(w.KyuubiTokens.Select(func(o *kyuubiTokenRec) bool { return o.Hash == h && o.ID != t.ID })) > 0 {
		return errInvalidParameter("token is already in use: a token value must be unique; generate a new random value")
	}
	t.Hash, t.Masked = h, maskToken(token)
	return nil
}

func setExpiry(t *kyuubiTokenRec, enable *bool, days *int64) error {
	if enable == nil {
		return nil
	}
	t.AutoExpire, t.ExpireDays, t.ExpireAt = *enable, 0, time.Time{}
	if !*enable {
		return nil
	}
	if days == nil || *days < 1 {
		return errInvalidParameter("autoExpireConfiguration.expireDays must be 1 or more when enable is true")
	}
	t.ExpireDays, t.ExpireAt = *days, t.CreatedAt.Add(time.Duration(*days)*24*time.Hour)
	return nil
}

func checkMemberArns(arns []string) error {
	for i, a := range arns {
		if !strings.HasPrefix(a, "acs:ram::") && !strings.HasPrefix(a, "acs:emr::") {
			return errInvalidParameter("memberArns.%d %q is not an ARN: use acs:ram::<uid>:user/<name>", i+1, a)
		}
	}
	return nil
}

func createKyuubiToken(c *call, w *World) (any, error) {
	var req sparkwire.CreateKyuubiTokenRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := required("token", req.Token); err != nil {
		return nil, err
	}
	_, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	if err := checkMemberArns(req.MemberArns); err != nil {
		return nil, err
	}
	t := &kyuubiTokenRec{ID: w.newID("tk-", 16), WorkspaceID: k.WorkspaceID, KyuubiID: k.ID, Name: req.Name, MemberArns: req.MemberArns, SparkRole: req.SparkRole, CreatedAt: c.now}
	if err := setToken(w, t, req.Token); err != nil {
		return nil, err
	}
	if e := req.AutoExpireConfiguration; e != nil {
		if err := setExpiry(t, e.Enable, e.ExpireDays); err != nil {
			return nil, err
		}
	}
	t.Name = orDefault(t.Name, t.ID)
	w.KyuubiTokens.Put(t.ID, t)
	return &sparkwire.CreateKyuubiTokenResponse{Data: &sparkwire.CreateKyuubiTokenResponseData{TokenId: t.ID}, RequestId: c.requestID}, nil
}

func (c *call) kyuubiToken(w *World, wsID, kbID, id string) (*kyuubiTokenRec, error) {
	_, k, err := c.kyuubi(w, wsID, kbID)
	if err != nil {
		return nil, err
	}
	t, ok := w.KyuubiTokens.Get(id)
	if !ok || t.KyuubiID != k.ID {
		return nil, errNotFoundSpark("Kyuubi token", id, " of Kyuubi service "+k.ID+"; call ListKyuubiToken")
	}
	return t, nil
}

func getKyuubiToken(c *call, w *World) (any, error) {
	var req sparkwire.GetKyuubiTokenRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	t, err := c.kyuubiToken(w, req.WorkspaceId, req.KyuubiServiceId, req.TokenId)
	if err != nil {
		return nil, err
	}
	v := &sparkwire.GetKyuubiTokenResponseData{
		TokenId: t.ID, Name: t.Name, Token: t.Masked, CreateTime: millis(t.CreatedAt), CreatedBy: sandboxUser,
		ExpireTime: millis(t.ExpireAt), MemberArns: orEmpty(t.MemberArns), SparkRole: orEmpty(t.SparkRole),
		AutoExpireConfiguration: &sparkwire.GetKyuubiTokenResponseDataAutoExpireConfiguration{Enable: ptr(t.AutoExpire)},
	}
	if t.AutoExpire {
		v.AutoExpireConfiguration.ExpireDays = ptr(t.ExpireDays)
	}
	return &sparkwire.GetKyuubiTokenResponse{Data: v, RequestId: c.requestID}, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func listKyuubiToken(c *call, w *World) (any, error) {
	var req sparkwire.ListKyuubiTokenRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, k, err := c.kyuubi(w, req.WorkspaceId, req.KyuubiServiceId)
	if err != nil {
		return nil, err
	}
	data := &sparkwire.ListKyuubiTokenResponseData{Tokens: []sparkwire.ListKyuubiTokenResponseDataTokensItem{}}
	for _, t := range w.KyuubiTokens.Select(func(t *kyuubiTokenRec) bool { return t.KyuubiID == k.ID }) {
		data.Tokens = append(data.Tokens, sparkwire.ListKyuubiTokenResponseDataTokensItem{
			TokenId: t.ID, Name: t.Name, Token: t.Masked, CreateTime: millis(t.CreatedAt), CreatedBy: sandboxUser,
			ExpireTime: millis(t.ExpireAt), MemberArns: orEmpty(t.MemberArns), SparkRole: orEmpty(t.SparkRole),
			AccountNames: accountNames(t.MemberArns),
		})
	}
	return &sparkwire.ListKyuubiTokenResponse{Data: data, RequestId: c.requestID}, nil
}

// accountNames are the user names of acs:ram::<uid>:user/<name> ARNs.
func accountNames(arns []string) []string {
	out := []string{}
	for _, a := range arns {
		if _, name, ok := strings.Cut(a, ":user/"); ok {
			out = append(out, name)
		}
	}
	return out
}

func updateKyuubiToken(c *call, w *World) (any, error) {
	var req sparkwire.UpdateKyuubiTokenRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	t, err := c.kyuubiToken(w, req.WorkspaceId, req.KyuubiServiceId, req.TokenId)
	if err != nil {
		return nil, err
	}
	if req.Token != "" {
		if err := setToken(w, t, req.Token); err != nil {
			return nil, err
		}
	}
	if req.MemberArns != nil {
		if err := checkMemberArns(req.MemberArns); err != nil {
			return nil, err
		}
		t.MemberArns = req.MemberArns
	}
	if req.SparkRole != nil {
		t.SparkRole = req.SparkRole
	}
	if e := req.AutoExpireConfiguration; e != nil {
		if err := setExpiry(t, e.Enable, e.ExpireDays); err != nil {
			return nil, err
		}
	}
	if req.Name != "" {
		t.Name = req.Name
	}
	return &sparkwire.UpdateKyuubiTokenResponse{RequestId: c.requestID}, nil
}

func deleteKyuubiToken(c *call, w *World) (any, error) {
	var req sparkwire.DeleteKyuubiTokenRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	t, err := c.kyuubiToken(w, req.WorkspaceId, req.KyuubiServiceId, req.TokenId)
	if err != nil {
		return nil, err
	}
	w.KyuubiTokens.Delete(t.ID)
	return &sparkwire.DeleteKyuubiTokenResponse{RequestId: c.requestID}, nil
}
