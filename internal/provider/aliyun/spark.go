package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
)

// The adapter offers all of EMR Serverless Spark.
var _ provider.SparkService = (*Provider)(nil)

// spark calls an EMR Serverless Spark action with the generic client.
//
// Every request carries ?regionId=: the gateway reads it on every
// Serverless Spark action, and refuses a write without it
// (MissingParameter.regionId), also on the actions whose contract lacks
// the parameter (the Kyuubi service calls, GetCuHours, ...). The *Request
// twins of those actions show it too (regioned).
//
// The service answers some List calls on a workspace that does not exist,
// or that the caller may not see, with no error code (the reference's
// "null ErrorCode"): such an error gets a message that says what to check.
func (p *Provider) spark(ctx context.Context, action string, req, resp any) error {
	return codeless(p.c.callSpark(ctx, action, req, resp))
}

func (c *Client) callSpark(ctx context.Context, action string, req, resp any) error {
	return c.call(ctx, contract.Spark, action, req, resp, func(a *contract.Action, oreq *openapiutil.OpenApiRequest) {
		if a.Param("regionId") == nil {
			if oreq.Query == nil {
				oreq.Query = map[string]*string{}
			}
			oreq.Query["regionId"] = dara.String(c.Region())
		}
	})
}

// regioned is the request of an action whose contract has no regionId,
// as sent: with the regionId every Serverless Spark request carries.
type regioned struct {
	req    any
	region string
}

// MarshalJSON writes the request's members and regionId.
func (r regioned) MarshalJSON() ([]byte, error) {
	m, err := toMembers(r.req)
	if err != nil {
		return nil, err
	}
	m["regionId"] = r.region
	return json.Marshal(m)
}

// codeless explains an error answer that carries no code. The generic
// client reports a missing code as the text "<nil>": it is dropped.
func codeless(err error) error {
	var ae *provider.APIError
	if !errors.As(err, &ae) || ae.NoResponse || ae.HTTPStatus == 0 {
		return err
	}
	if ae.Code == "<nil>" {
		ae.Code = ""
	}
	if ae.Code != "" {
		return err
	}
	if ae.Kind == provider.KindUnknown && ae.HTTPStatus == http.StatusForbidden {
		ae.Kind = provider.KindDenied
	}
	hint := "the service returned no error code: the workspace ID may be wrong or not visible to these credentials; list the region's workspaces to check the ID, and check the RAM permissions (AliyunEMRServerlessSparkFullAccess or DeveloperAccess)"
	if ae.Message == "" {
		ae.Message = hint
	} else {
		ae.Message += "; " + hint
	}
	return ae
}

// uncontracted is an ROA action the reference documents but the contract
// (generated from the official SDK) lacks: its method, path and query are
// declared here, the rest is as for every action of the product.
type uncontracted struct {
	name     string
	method   string
	pathname string // path parameters filled in
	query    map[string]string
}

// callUncontracted sends an uncontracted action.
func (c *Client) callUncontracted(ctx context.Context, p contract.Product, u uncontracted, resp any) error {
	spec, err := contract.LoadRequests(p)
	if err != nil {
		return err
	}
	query := map[string]interface{}{}
	for k, v := range u.query {
		query[k] = v
	}
	params := &openapiutil.Params{
		Action: dara.String(u.name), Version: dara.String(spec.Version), Protocol: dara.String("HTTPS"),
		Pathname: dara.String(u.pathname), Method: dara.String(u.method), AuthType: dara.String("AK"),
		Style: dara.String("ROA"), ReqBodyType: dara.String("json"), BodyType: dara.String("json"),
	}
	return codeless(c.send(ctx, p, spec, params, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, resp))
}

// notFound is the typed not-found of a resource the API answered without.
func notFound(action, code, what string) error {
	return &provider.APIError{Provider: provider.Aliyun, Action: action, Kind: provider.KindNotFound, Code: code, Message: what + " not found"}
}

// canonical returns the known state that s spells, whatever its case
// (the reference and the contract spell session states differently), or
// s as it is.
func canonical(s string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(s, k) {
			return k
		}
	}
	return s
}

// wallTime is how the API writes times without a zone
// ("2025-01-09 00:00:00"): in China Standard Time, the service's zone.
const wallTime = "2006-01-02 15:04:05"

// chinaTime is the zone of the API's wall times (UTC+8, no daylight saving).
func chinaTime() *time.Location { return time.FixedZone("CST", 8*60*60) }

// timeOf reads a time the API sends as text: epoch milliseconds, RFC 3339,
// or a wall time in China Standard Time (the API's examples show all
// three).
func timeOf(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms == 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms).UTC()
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	if t, err := time.ParseInLocation(wallTime, s, chinaTime()); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

func f64(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func i64v(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func optInt(n int) *int64 {
	if n == 0 {
		return nil
	}
	return ptr(int64(n))
}

// cuOf reads a CU amount from the API's resource texts: "100cu", "8", or
// JSON such as {"cpu":"2","memory":"8Gi","cu":"2"} (the cu member, else
// the cores: 1 CU is 1 core). It returns -1 when it cannot tell.
func cuOf(text string) float64 {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "{") {
		var m map[string]any
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			return -1
		}
		for _, k := range []string{"cu", "cpu"} {
			if v, ok := m[k]; ok {
				return amount(fmt.Sprint(v))
			}
		}
		return -1
	}
	return amount(strings.TrimSuffix(strings.ToLower(text), "cu"))
}

// amount reads "2", "2.5" or Kubernetes millicores ("2000m").
func amount(s string) float64 {
	s = strings.TrimSpace(s)
	div := 1.0
	if strings.HasSuffix(s, "m") {
		s, div = strings.TrimSuffix(s, "m"), 1000
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return v / div
}

// cuHoursOf reads GetCuHours' text: a number, a JSON object of hour to
// CU-hours, or the Java map text the service sends ({2025-01-09
// 00:00:00=2.03, ...}). Hours are wall times in China Standard Time. Text
// it cannot read is kept in Raw.
func cuHoursOf(queue, text string) *provider.SparkCUHours {
	loc := chinaTime()
	out := &provider.SparkCUHours{Queue: queue}
	text = strings.TrimSpace(text)
	if text == "" {
		return out
	}
	if v, err := strconv.ParseFloat(text, 64); err == nil {
		out.Total = v
		return out
	}
	points, ok := jsonPoints(text, loc)
	if !ok {
		points, ok = javaMapPoints(text, loc)
	}
	if !ok {
		out.Raw = text
		return out
	}
	sort.Slice(points, func(i, j int) bool { return points[i].Time.Before(points[j].Time) })
	out.Points = points
	for _, pt := range points {
		out.Total += pt.CUHours
	}
	return out
}

func jsonPoints(text string, loc *time.Location) ([]provider.SparkCUPoint, bool) {
	var m map[string]json.Number
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, false
	}
	var out []provider.SparkCUPoint
	for k, v := range m {
		t, err1 := time.ParseInLocation(wallTime, k, loc)
		f, err2 := v.Float64()
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out = append(out, provider.SparkCUPoint{Time: t, CUHours: f})
	}
	return out, true
}

func javaMapPoints(text string, loc *time.Location) ([]provider.SparkCUPoint, bool) {
	if !strings.HasPrefix(text, "{") || !strings.HasSuffix(text, "}") {
		return nil, false
	}
	body := strings.TrimSpace(text[1 : len(text)-1])
	if body == "" {
		return nil, true
	}
	var out []provider.SparkCUPoint
	for _, entry := range strings.Split(body, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if !ok {
			return nil, false
		}
		t, err1 := time.ParseInLocation(wallTime, strings.TrimSpace(k), loc)
		f, err2 := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out = append(out, provider.SparkCUPoint{Time: t, CUHours: f})
	}
	return out, true
}
