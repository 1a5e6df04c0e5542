package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
)

// Helpers shared by the Serverless Spark handlers.

// sandboxUID is the account (and creator) UID of the sandbox; sandboxUser
// the name of its RAM user.
const (
	sandboxUID  = "1888800000000001"
	sandboxUser = "emrctl-sandbox"
)

// Workspace states (skill: STARTING for 1-3 minutes, then RUNNING).
const (
	wsStarting = "STARTING"
	wsRunning  = "RUNNING"
)

// Nominal durations on the real cloud; the clock scales them.
const (
	workspaceStartingFor = 2 * time.Minute
	queueUpdateFor       = 10 * time.Second
)

// sparkZone is the time zone of the times the service takes and prints as
// text ("2024-01-01 00:00:00" in GetCuHours): China Standard Time.
var sparkZone = time.FixedZone("CST", 8*60*60)

const sparkTimeLayout = "2006-01-02 15:04:05"

func sparkSpec() *contract.Spec { return contract.MustLoad(contract.Spark) }

func workspaceState(ws *workspaceRec, now time.Time) string {
	if reached(now, ws.ReadyAt) {
		return wsRunning
	}
	return wsStarting
}

// sparkRegion checks the region the call named (if any) is served.
func (c *call) sparkRegion(w *World) error {
	if c.region == "" {
		return nil
	}
	if _, ok := w.region(c.region); !ok {
		return invalidRegion(c.region)
	}
	return nil
}

// errNotFoundSpark is the answer for a sub-resource that does not exist.
func errNotFoundSpark(kind, id string, hint string) *apiError {
	return errNotFound("ResourceNotFound", "%s %s does not exist%s", kind, id, hint)
}

// workspace returns the workspace a call names. A List* call on a
// workspace that does not exist, or is in another region, gets the error
// without a code that the skill documents; other calls get
// ResourceNotFound.
func (c *call) workspace(w *World, id string) (*workspaceRec, error) {
	if err := c.sparkRegion(w); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, errMissing("MissingParameter", "workspaceId is mandatory for this action")
	}
	ws, ok := w.Workspaces.Get(id)
	if ok && (c.region == "" || ws.Region == c.region) {
		return ws, nil
	}
	if strings.HasPrefix(c.action.Name, "List") {
		return nil, newError(http.StatusForbidden, "", "workspace %s does not exist in %s or you are not authorized to access it; call ListWorkspaces to check the ID", id, orDefault(c.region, "this region"))
	}
	return nil, errNotFoundSpark("workspace", id, " in "+orDefault(c.region, "this region")+"; call ListWorkspaces to find the ID")
}

// runningWorkspace returns the workspace of a call that changes it, which
// the service allows only once the workspace is RUNNING.
func (c *call) runningWorkspace(w *World, id string) (*workspaceRec, error) {
	ws, err := c.workspace(w, id)
	if err != nil {
		return nil, err
	}
	if st := workspaceState(ws, c.now); st != wsRunning {
		return nil, errDenied("OperationDenied", "workspace %s is %s: queues, jobs, sessions and Kyuubi services can be changed once it is RUNNING (about 2 minutes after CreateWorkspace); wait and retry", ws.ID, st)
	}
	return ws, nil
}

func (w *World) sparkAccount() *sparkAccountRec {
	a, ok := w.SparkAccount.Get(sparkAccountKey)
	if !ok {
		a = &sparkAccountRec{}
		w.SparkAccount.Put(sparkAccountKey, a)
	}
	return a
}

// release finds an engine version by its full name, its display name or
// its short name (esr-4.7.0: the Java runtime).
func (a *sparkAccountRec) release(v string) (sparkRelease, bool) {
	for _, r := range a.Releases {
		if r.Version == v || r.Display == v {
			return r, true
		}
	}
	for _, r := range a.Releases {
		if r.Short == v && r.Runtime == "Java Runtime" {
			return r, true
		}
	}
	return sparkRelease{}, false
}

// releaseOrDefault resolves an optional release: empty means the newest.
func (a *sparkAccountRec) releaseOrDefault(field, v string) (sparkRelease, error) {
	if v == "" {
		return a.Releases[0], nil
	}
	r, ok := a.release(v)
	if !ok {
		return sparkRelease{}, errInvalidParameter("%s %q does not exist; call ListReleaseVersions for the versions (for example %q)", field, v, a.Releases[0].Version)
	}
	return r, nil
}

func (a *sparkAccountRec) bucket(name string) (*ossBucket, bool) {
	for i := range a.Buckets {
		if a.Buckets[i].Name == name {
			return &a.Buckets[i], true
		}
	}
	return nil, false
}

func (b *ossBucket) object(key string) (ossObject, bool) {
	for _, o := range b.Objects {
		if o.Key == key {
			return o, true
		}
	}
	return ossObject{}, false
}

// ossPath splits oss://bucket/key. It accepts the endpoint forms the skill
// lists (bucket.oss-<region>.aliyuncs.com, -internal, and the
// bucket.<region>.oss-dls.aliyuncs.com form) and refuses CNAME domains.
func ossPath(p string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(p, "oss://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an OSS path; use oss://<bucket>/<path>", p)
	}
	host, key, _ := strings.Cut(rest, "/")
	bucket, domain, dotted := strings.Cut(host, ".")
	if dotted && !ossDomain(domain) {
		return "", "", fmt.Errorf("%q uses a custom (CNAME) domain, which is not supported; use oss://<bucket>/<path>", p)
	}
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket; use oss://<bucket>/<path>", p)
	}
	return bucket, key, nil
}

func ossDomain(d string) bool {
	return strings.HasSuffix(d, ".aliyuncs.com") && (strings.HasPrefix(d, "oss-") || strings.Contains(d, ".oss-dls."))
}

// sparkPage pages n items with maxResults/nextToken (the lower-case names
// Serverless Spark uses).
func sparkPage(n int, maxResults *int64, nextToken string, def, limit int64) (page, error) {
	max := def
	if maxResults != nil {
		max = *maxResults
		if max < 1 || max > limit {
			return page{}, errInvalidParameter("maxResults must be between 1 and %d, got %d", limit, max)
		}
	}
	start := 0
	if nextToken != "" {
		off, ok := decodeOffset(nextToken)
		if !ok {
			return page{}, errInvalidParameter("nextToken %q is not valid; pass the nextToken of the previous page unchanged", nextToken)
		}
		start = min(off, n)
	}
	end := min(start+int(max), n)
	p := page{start: start, end: end, max: max}
	if end < n {
		p.next = encodeOffset(end)
	}
	return p, nil
}

// cuText renders a CU amount the way queue resources are written:
// {"cpu":"8","memory":"32Gi","cu":"8"}.
func cuText(cu float64) string {
	n := strconv.FormatFloat(cu, 'f', -1, 64)
	mem := strconv.FormatFloat(cu*4, 'f', -1, 64)
	return fmt.Sprintf(`{"cpu":"%s","memory":"%sGi","cu":"%s"}`, n, mem, n)
}

func msString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func sparkTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sparkZone).Format(sparkTimeLayout)
}

// required answers MissingParameter for a member the service needs but
// the SDK does not mark required.
func required(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return errMissing("MissingParameter", "%s is mandatory for this action", name)
	}
	return nil
}

func equalFoldAny(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// inRange reports whether t lies in a [start, end] filter given in
// milliseconds (either bound may be absent).
func inRange(t time.Time, start, end *int64) bool {
	if t.IsZero() {
		return start == nil && end == nil
	}
	ms := t.UnixMilli()
	return (start == nil || ms >= *start) && (end == nil || ms <= *end)
}
