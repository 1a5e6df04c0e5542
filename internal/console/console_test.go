package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
)

func TestNewNamesTheMissingOption(t *testing.T) {
	b := newBed(t, bedOptions{})
	full := Options{Engine: b.eng, Tokens: b.tokens, Approvals: b.approvals, Journal: b.journal, Decide: b.rest.Decide}
	tests := []struct {
		field string
		drop  func(*Options)
	}{
		{"Engine", func(o *Options) { o.Engine = nil }},
		{"Tokens", func(o *Options) { o.Tokens = nil }},
		{"Approvals", func(o *Options) { o.Approvals = nil }},
		{"Journal", func(o *Options) { o.Journal = nil }},
		{"Decide", func(o *Options) { o.Decide = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			o := full
			tt.drop(&o)
			_, err := New(o)
			var oe *OptionsError
			if !errors.As(err, &oe) || oe.Field != tt.field {
				t.Errorf("New without %s: got %v, want an OptionsError for %s", tt.field, err, tt.field)
			}
		})
	}
	if _, err := New(full); err != nil {
		t.Errorf("New with every option: %v", err)
	}
}

func TestLogin(t *testing.T) {
	b := newBed(t, bedOptions{})
	revoked, _, err := b.tokens.Create(context.Background(), "bob-revoked", auth.Viewer, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.tokens.Revoke(context.Background(), "bob-revoked"); err != nil {
		t.Fatal(err)
	}
	good := b.raw[auth.Viewer]
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"live token", good, true},
		{"live token with spaces around it", "  " + good + "\n", true},
		{"wrong secret", good[:len(good)-4] + "AAAA", false},
		{"revoked token", revoked, false},
		{"not a token", "hunter2", false},
		{"empty", "", false},
		{"too long", strings.Repeat("x", 10000), false},
	}
	var refusal string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := b.browser()
			p := br.login(tt.token)
			if tt.ok {
				if p.status != http.StatusSeeOther || p.location() != "/console/" {
					t.Fatalf("got status %d to %q, want 303 to /console/", p.status, p.location())
				}
				ck := sessionCookieOf(t, p)
				if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console" || ck.Secure {
					t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/console, not Secure over plain HTTP", ck)
				}
				if len(ck.Value) < 43 || strings.Contains(ck.Value, tt.token) {
					t.Errorf("session cookie value %q: want 256 random bits, not the token", ck.Value)
				}
				if home := br.get("/console/"); home.status != http.StatusOK || !strings.Contains(home.body, "alice-viewer") {
					t.Errorf("GET /console/ after login: status %d, want 200 naming alice-viewer", home.status)
				}
				return
			}
			if p.status != http.StatusUnauthorized {
				t.Fatalf("got status %d, want 401", p.status)
			}
			for _, c := range p.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, sessionCookie+"=") {
					t.Errorf("a refused login set a session cookie: %s", c)
				}
			}
			msg := errorText(p.body)
			if refusal == "" {
				refusal = msg
			}
			if msg != refusal {
				t.Errorf("refusal %q differs from another refusal %q: the form must not tell bad tokens apart", msg, refusal)
			}
			if br.get("/console/").status != http.StatusSeeOther {
				t.Errorf("a refused login can see the console")
			}
		})
	}
	if strings.Contains(b.logs.String(), good) {
		t.Errorf("the logs hold a token:\n%s", b.logs.String())
	}
}

func TestCookiesAreSecureOverTLS(t *testing.T) {
	b := newBed(t, bedOptions{tls: true})
	br := b.browser()
	p := br.login(b.raw[auth.Viewer])
	if p.status != http.StatusSeeOther {
		t.Fatalf("login over TLS: status %d\n%s", p.status, p.body)
	}
	if ck := sessionCookieOf(t, p); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie over TLS = %+v, want Secure, HttpOnly, SameSite=Strict", ck)
	}
}

func TestLoginIsRateLimitedPerAddress(t *testing.T) {
	b := newBed(t, bedOptions{limiter: auth.NewLimiter(0.001, 2)})
	br := b.browser()
	for i := range 2 {
		if p := br.login("wrong"); p.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got status %d, want 401", i+1, p.status)
		}
	}
	p := br.login(b.raw[auth.Viewer])
	if p.status != http.StatusTooManyRequests {
		t.Fatalf("third attempt: got status %d, want 429", p.status)
	}
	if s, err := strconv.Atoi(p.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q, want seconds", p.header.Get("Retry-After"))
	}
	if br.get("/console/").status != http.StatusSeeOther {
		t.Errorf("a rate-limited login opened a session")
	}
}

func TestPagesNeedASession(t *testing.T) {
	b := newBed(t, bedOptions{})
	paths := []string{"/console/", "/console/clusters/c-0000000000000000", "/console/audit", "/console/approvals"}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			br := b.browser()
			if p := br.get(path); p.status != http.StatusSeeOther || p.location() != "/console/login" {
				t.Errorf("without a cookie: got %d to %q, want 303 to /console/login", p.status, p.location())
			}
			u, _ := url.Parse(b.url + "/console/")
			br.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "forged", Path: "/console"}})
			if p := br.get(path); p.status != http.StatusSeeOther {
				t.Errorf("with a forged cookie: got %d, want 303 to the login", p.status)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	b := newBed(t, bedOptions{})
	br := b.browser()
	login := br.get("/console/login")
	br.mustLogin(b.raw[auth.Viewer])
	for name, p := range map[string]page{"login": login, "clusters": br.get("/console/"), "approvals": br.get("/console/approvals"), "missing": br.get("/console/nope")} {
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
		}
		for k, v := range want {
			if got := p.header.Get(k); !strings.HasPrefix(got, v) {
				t.Errorf("%s page: %s = %q, want %q", name, k, got, v)
			}
		}
		if strings.Contains(p.body, "<script") || strings.Contains(p.body, "style=") || strings.Contains(p.body, "http://") || strings.Contains(p.body, "https://") {
			t.Errorf("%s page loads or runs something inline or from elsewhere:\n%s", name, p.body)
		}
	}
	css := br.get("/console/static/console.css")
	if css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: status %d, type %q", css.status, css.header.Get("Content-Type"))
	}
}

func TestPostsNeedCSRFAndThisSite(t *testing.T) {
	b := newBed(t, bedOptions{})
	tests := []struct {
		name   string
		csrf   func(good string) string
		header map[string]string
		want   int
	}{
		{"no token", func(string) string { return "" }, nil, http.StatusForbidden},
		{"wrong token", func(g string) string { return g[:len(g)-2] + "xx" }, nil, http.StatusForbidden},
		{"another site says Sec-Fetch-Site", func(g string) string { return g }, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"another site's Origin", func(g string) string { return g }, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"same site", func(g string) string { return g }, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "null"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := b.browser()
			br.mustLogin(b.raw[auth.Viewer])
			good := br.csrf(br.get("/console/"))
			p := br.post("/console/logout", url.Values{"csrf": {tt.csrf(good)}}, tt.header)
			if p.status != tt.want {
				t.Fatalf("logout: got status %d, want %d\n%s", p.status, tt.want, p.body)
			}
			stillIn := br.get("/console/").status == http.StatusOK
			if stillIn != (tt.want != http.StatusSeeOther) {
				t.Errorf("after the logout answered %d, logged in = %v", p.status, stillIn)
			}
		})
	}
	t.Run("login without the form's cookie", func(t *testing.T) {
		br := b.browser()
		form := br.get("/console/login")
		u, _ := url.Parse(b.url + "/console/login")
		br.c.Jar.SetCookies(u, []*http.Cookie{{Name: loginCookie, Value: "", Path: "/console/login", MaxAge: -1}})
		p := br.post("/console/login", url.Values{"csrf": {br.csrf(form)}, "token": {b.raw[auth.Viewer]}}, nil)
		if p.status != http.StatusForbidden {
			t.Errorf("got status %d, want 403", p.status)
		}
	})
	t.Run("login from another site", func(t *testing.T) {
		br := b.browser()
		form := br.get("/console/login")
		p := br.post("/console/login", url.Values{"csrf": {br.csrf(form)}, "token": {b.raw[auth.Viewer]}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
		if p.status != http.StatusForbidden {
			t.Errorf("got status %d, want 403", p.status)
		}
	})
}

func TestRevokedTokenEndsTheSession(t *testing.T) {
	b := newBed(t, bedOptions{})
	br := b.browser()
	br.mustLogin(b.raw[auth.Operator])
	if p := br.get("/console/"); p.status != http.StatusOK {
		t.Fatalf("before revocation: status %d", p.status)
	}
	if _, err := b.tokens.Revoke(context.Background(), "alice-operator"); err != nil {
		t.Fatal(err)
	}
	p := br.get("/console/audit")
	if p.status != http.StatusSeeOther || p.location() != "/console/login" {
		t.Fatalf("after revocation: got %d to %q, want 303 to /console/login", p.status, p.location())
	}
	if n := b.console.sessions.len(); n != 0 {
		t.Errorf("sessions kept after revocation: %d, want 0", n)
	}
}

func TestIdleSessionExpires(t *testing.T) {
	b := newBed(t, bedOptions{})
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	b.clock.advance(11 * time.Hour)
	if p := br.get("/console/"); p.status != http.StatusOK {
		t.Fatalf("after 11h idle: status %d, want 200", p.status)
	}
	b.clock.advance(12 * time.Hour)
	if p := br.get("/console/"); p.status != http.StatusSeeOther {
		t.Errorf("after 12h idle: status %d, want 303 to the login", p.status)
	}
}

func TestClusterListFilters(t *testing.T) {
	b := newBed(t, bedOptions{})
	one := b.createCluster("sales-etl")
	two := b.createCluster("ads-report")
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	tests := []struct {
		query   string
		status  int
		want    []string
		notWant []string
	}{
		{"", http.StatusOK, []string{one.clusterID, two.clusterID}, nil},
		{"?name=ETL", http.StatusOK, []string{one.clusterID}, []string{two.clusterID}},
		{"?state=running&name=ads", http.StatusOK, []string{two.clusterID}, []string{one.clusterID}},
		{"?state=terminated", http.StatusOK, nil, []string{one.clusterID, two.clusterID}},
		{"?state=sideways", http.StatusBadRequest, []string{"state"}, []string{one.clusterID}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := br.get("/console/" + tt.query)
			if p.status != tt.status {
				t.Fatalf("status %d, want %d\n%s", p.status, tt.status, p.body)
			}
			for _, s := range tt.want {
				if !strings.Contains(p.body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(p.body, s) {
					t.Errorf("page shows %q", s)
				}
			}
		})
	}
}

// hostileName tries to run a script, break out of an attribute and
// reorder or hide text.
const hostileName = "<script>alert(\"pwn\")</script>' onmouseover='x\u202egnp.exe\u200b"

func TestHostileNamesAreShownInert(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("plain")
	b.rename(f.clusterID, hostileName)
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	for _, path := range []string{"/console/", "/console/clusters/" + f.clusterID} {
		t.Run(path, func(t *testing.T) {
			p := br.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("status %d\n%s", p.status, p.body)
			}
			for _, raw := range []string{"<script", "alert(\"", "' onmouseover", "\u202e", "\u200b"} {
				if strings.Contains(p.body, raw) {
					t.Errorf("page holds %q raw", raw)
				}
			}
			shown := `&lt;script&gt;alert(&#34;pwn&#34;)&lt;/script&gt;&#39; onmouseover=&#39;x\u202Egnp.exe\u200B`
			if !strings.Contains(p.body, shown) {
				t.Errorf("page does not show the name escaped as %s\n%s", shown, p.body)
			}
		})
	}
}

func TestClusterPage(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	b.askScaleOut(f, 2) // an audit event on the CORE group
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	p := br.get("/console/clusters/" + f.clusterID)
	if p.status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	for _, want := range []string{"sales-etl", f.core, "CORE", "HDFS", `id="nodes"`, "RunCluster", "confirm.requested"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("cluster page lacks %q", want)
		}
	}
	for path, want := range map[string]int{
		"/console/clusters/c-ffffffffffffffff": http.StatusNotFound,
		"/console/clusters/not%20an%20id":      http.StatusBadRequest,
	} {
		if got := br.get(path).status; got != want {
			t.Errorf("GET %s: status %d, want %d", path, got, want)
		}
	}
}

var rowID = regexp.MustCompile(`<tr data-id="(\d+)">`)

func TestAuditPagesNewestFirst(t *testing.T) {
	b := newBed(t, bedOptions{})
	ctx := context.Background()
	// 120 events, seven at a time sharing a timestamp, so pages end
	// inside a group of equal times.
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	const n = 120
	for i := range n {
		ev := journal.AuditEvent{Time: base.Add(time.Duration(i/7) * time.Second), Actor: "ci", ActorKind: "service", Event: "test.event", Operation: "Op" + strconv.Itoa(i), Target: "c-1"}
		if err := b.journal.Audit(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	var ids []int
	path := "/console/audit?kind=events"
	pages := 0
	for path != "" {
		p := br.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s: status %d\n%s", path, p.status, p.body)
		}
		pages++
		for _, m := range rowID.FindAllStringSubmatch(p.body, -1) {
			id, _ := strconv.Atoi(m[1])
			ids = append(ids, id)
		}
		path = ""
		if m := regexp.MustCompile(`id="older" href="([^"]+)"`).FindStringSubmatch(p.body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if pages != 3 || len(ids) != n {
		t.Fatalf("got %d events on %d pages, want %d on 3", len(ids), pages, n)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			t.Fatalf("events not newest first without repeats: %v", ids)
		}
	}
	if p := br.get("/console/audit?before=zzz"); p.status != http.StatusBadRequest || !strings.Contains(p.body, "before") {
		t.Errorf("bad cursor: status %d, want 400 naming before", p.status)
	}
}

func TestWritesAuditPage(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	br := b.browser()
	br.mustLogin(b.raw[auth.Viewer])
	p := br.get("/console/audit")
	if p.status != http.StatusOK || !strings.Contains(p.body, "RunCluster") || !strings.Contains(p.body, f.clusterID) {
		t.Errorf("writes page: status %d, want 200 showing the RunCluster of %s\n%s", p.status, f.clusterID, p.body)
	}
}

func TestOnlyApproversDecide(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	a := b.askScaleOut(f, 2)
	for _, role := range []auth.Role{auth.Viewer, auth.Operator} {
		t.Run(string(role), func(t *testing.T) {
			br := b.browser()
			br.mustLogin(b.raw[role])
			list := br.get("/console/approvals")
			if !strings.Contains(list.body, a.ID) {
				t.Fatalf("%s does not see the pending approval", role)
			}
			if strings.Contains(list.body, "/approve") || strings.Contains(list.body, "/reject") {
				t.Errorf("%s is offered the approve or reject buttons", role)
			}
			for _, verb := range []string{"approve", "reject"} {
				p := br.postForm("/console/approvals", "/console/approvals/"+a.ID+"/"+verb, nil)
				if p.status != http.StatusForbidden {
					t.Errorf("%s %s: got status %d, want 403", role, verb, p.status)
				}
			}
		})
	}
	got, err := b.approvals.Get(context.Background(), a.ID)
	if err != nil || got.Status != approval.Pending {
		t.Errorf("approval after refused decisions: %v %v, want pending", got, err)
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 0 {
		t.Errorf("IncreaseNodes sent %d times, want 0", n)
	}
}

func TestApproveRunsTheWriteOnce(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	before := b.groupSize(f)
	a := b.askScaleOut(f, 2)
	br := b.browser()
	br.mustLogin(b.raw[auth.Approver])
	list := br.get("/console/approvals")
	if !strings.Contains(list.body, "/console/approvals/"+a.ID+"/approve") {
		t.Fatalf("the approver is not offered the approve button\n%s", list.body)
	}
	if !strings.Contains(list.body, "IncreaseNodes") {
		t.Errorf("the question is not shown")
	}
	p := br.postForm("/console/approvals", "/console/approvals/"+a.ID+"/approve", url.Values{"reason": {"capacity for the nightly run"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("approve: status %d, want 303\n%s", p.status, p.body)
	}
	after := br.get("/console/approvals")
	if !strings.Contains(after.body, "executed") || !strings.Contains(after.body, `id="flash"`) {
		t.Errorf("after approval the page does not say it executed\n%s", after.body)
	}
	again := br.postForm("/console/approvals", "/console/approvals/"+a.ID+"/approve", nil)
	if again.status != http.StatusConflict {
		t.Errorf("second approval: status %d, want 409", again.status)
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
	if got := b.groupSize(f); got != before+2 {
		t.Errorf("CORE group has %d nodes, want %d", got, before+2)
	}
	if !strings.Contains(b.logs.String(), `"approval":"`+a.ID) {
		t.Errorf("the decision is not logged")
	}
}

func TestApprovalNeedsTheAcknowledgementsAsked(t *testing.T) {
	// A cluster of 3 nodes growing to 5 passes the cost limit of 4.
	b := newBed(t, bedOptions{tighten: func(l *policy.Limits) { l.ClusterNodesCostAckAbove = 4 }})
	f := b.createCluster("sales-etl")
	a := b.askScaleOut(f, 2)
	if !a.Question.NeedsCostAck {
		t.Fatalf("question %+v does not ask for a cost acknowledgement", a.Question)
	}
	br := b.browser()
	br.mustLogin(b.raw[auth.Approver])
	if list := br.get("/console/approvals"); !strings.Contains(list.body, `name="costAck"`) {
		t.Fatalf("the approve form has no cost checkbox\n%s", list.body)
	}
	path := "/console/approvals/" + a.ID + "/approve"
	p := br.postForm("/console/approvals", path, nil)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(errorText(p.body), "costAck") {
		t.Fatalf("approve without the cost checkbox: status %d, error %q; want 422 naming costAck", p.status, errorText(p.body))
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 0 {
		t.Fatalf("IncreaseNodes sent %d times before the cost was acknowledged", n)
	}
	if p := br.postForm("/console/approvals", path, url.Values{"costAck": {"on"}}); p.status != http.StatusSeeOther {
		t.Fatalf("approve with the cost checkbox: status %d\n%s", p.status, p.body)
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
}

func TestRejectSendsNothing(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	a := b.askScaleOut(f, 2)
	br := b.browser()
	br.mustLogin(b.raw[auth.Approver])
	p := br.postForm("/console/approvals", "/console/approvals/"+a.ID+"/reject", url.Values{"reason": {"not tonight"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("reject: status %d, want 303\n%s", p.status, p.body)
	}
	got, err := b.approvals.Get(context.Background(), a.ID)
	if err != nil || got.Status != approval.Rejected || got.Reason != "not tonight" || got.DecidedBy != "alice-approver" {
		t.Errorf("approval after reject = %+v, %v; want rejected by alice-approver with the reason", got, err)
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 0 {
		t.Errorf("IncreaseNodes sent %d times, want 0", n)
	}
}

// errorText is the error a page shows.
func errorText(body string) string {
	m := regexp.MustCompile(`(?s)<pre class="error"[^>]*>(.*?)</pre>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func sessionCookieOf(t *testing.T, p page) *http.Cookie {
	t.Helper()
	for _, line := range p.header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err == nil && ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatalf("no session cookie in %v", p.header.Values("Set-Cookie"))
	return nil
}
