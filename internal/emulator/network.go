package emulator

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
)

// registerNetwork installs the VPC and ECS look-ups used for prerequisite
// checks (see vpc.go and ecs.go).
func registerNetwork(s *Server) error {
	for _, reg := range []func(*Server) error{registerVPC, registerECS} {
		if err := reg(s); err != nil {
			return err
		}
	}
	return nil
}

// sandboxAccountID is the owner of every seeded resource (OwnerId).
const sandboxAccountID int64 = 1513672094127688

// seededAt is when the seeded network resources were "created": a fixed
// date, so responses are reproducible.
var seededAt = time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC)

// isoMinute formats times the way VPC and ECS list them.
func isoMinute(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// localNamesZH are the Chinese names the consoles use; the sandbox answers
// in English unless the caller asks for Chinese with AcceptLanguage.
var localNamesZH = map[string]string{
	"cn-hangzhou": "华东1（杭州）", "cn-shanghai": "华东2（上海）",
	"cn-beijing": "华北2（北京）", "ap-southeast-1": "新加坡",
}

func wantsChinese(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }

func regionLocalName(r *regionRec, lang string) string {
	if zh, ok := localNamesZH[r.ID]; ok && wantsChinese(lang) {
		return zh
	}
	return r.LocalName
}

func zoneLocalName(r *regionRec, z zoneInfo, lang string) string {
	if zh, ok := localNamesZH[r.ID]; ok && wantsChinese(lang) {
		return zh + " 可用区" + strings.ToUpper(strings.TrimPrefix(z.ID, r.ID+"-"))
	}
	return z.LocalName
}

// endpointOf is the regional endpoint of a product, from its contract's
// endpoint map (cn-hangzhou is special for both VPC and ECS).
func endpointOf(spec *contract.Spec, region string) string {
	if h, ok := spec.Endpoint.Map[region]; ok {
		return h
	}
	return spec.Endpoint.ProductID + "." + region + ".aliyuncs.com"
}

// checkEnum refuses a value the contract does not list for a parameter.
// Case is ignored: the services accept zh-cn as well as zh-CN.
func (c *call) checkEnum(name, value string) error {
	p := c.action.Param(name)
	if value == "" || p == nil || len(p.Enum) == 0 {
		return nil
	}
	for _, e := range p.Enum {
		if strings.EqualFold(e, value) {
			return nil
		}
	}
	return errInvalidParameter("%s %q is not valid; use one of %s", name, value, strings.Join(p.Enum, ", "))
}

// dryRun answers a DryRun request whose checks passed, as ECS and VPC do.
func dryRun(dry *bool) error {
	if boolv(dry) {
		return newError(http.StatusBadRequest, "DryRunOperation", "Request validation has been passed with DryRun flag set.")
	}
	return nil
}

// numbered is the PageNumber/PageSize paging of VPC and ECS: the slice
// bounds plus the echoed page number and size.
type numbered struct {
	start, end       int
	number, pageSize int64
}

// pageNumbers pages n items; PageSize defaults to 10 and is at most limit.
func pageNumbers(n int, pageNumber, pageSize *int64, limit int64) (numbered, error) {
	num, size := int64(1), int64(10)
	if pageNumber != nil {
		num = *pageNumber
		if num < 1 {
			return numbered{}, errInvalidParameter("PageNumber must be 1 or more, got %d", num)
		}
	}
	if pageSize != nil {
		size = *pageSize
		if size < 1 || size > limit {
			return numbered{}, errInvalidParameter("PageSize must be between 1 and %d, got %d", limit, size)
		}
	}
	start := int64(n)
	if off := (num - 1) * size; off < start {
		start = off
	}
	end := min(start+size, int64(n))
	return numbered{start: int(start), end: int(end), number: num, pageSize: size}, nil
}

// tokenPage pages n items with MaxResults/NextToken: max defaults to def
// and must lie in 1..limit. The token is an opaque offset.
func tokenPage(n int, maxResults *int64, nextToken string, def, limit int64) (page, error) {
	max := def
	if maxResults != nil {
		max = *maxResults
		if max < 1 || max > limit {
			return page{}, errInvalidParameter("MaxResults must be between 1 and %d, got %d", limit, max)
		}
	}
	start := 0
	if nextToken != "" {
		off, ok := decodeOffset(nextToken)
		if !ok {
			return page{}, errInvalidParameter("NextToken %q is not valid; pass the NextToken of the previous page unchanged", nextToken)
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

func encodeOffset(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(off)))
}

func decodeOffset(token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(raw), "offset:")
	if !ok {
		return 0, false
	}
	off, err := strconv.Atoi(rest)
	return off, err == nil && off >= 0
}

// wildcard reports whether name matches pattern, where * matches any run
// of characters (the KeyPairName rule of DescribeKeyPairs).
func wildcard(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}

// idList splits a filter that takes one ID or several separated by commas.
func idList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// filtersOutSeeded is the outcome of a tag or resource group filter: seeded
// network resources carry no tags and sit in the default resource group,
// so any such filter leaves nothing.
func filtersOutSeeded(tags int, resourceGroupID string) bool {
	return tags > 0 || resourceGroupID != ""
}

// vpcRouterIDs derives the vRouter and system route table of a seeded VPC
// from its ID, so they are stable without being stored.
func vpcRouterIDs(vpcID string) (router, table string) {
	suffix := strings.TrimPrefix(vpcID, "vpc-")
	return "vrt-" + suffix, "vtb-" + suffix
}

// nodesUsing counts the live nodes of clusters in a security group.
func nodesUsing(w *World, sgID string, now time.Time) int {
	clusters := map[string]bool{}
	for _, cl := range w.Clusters.Select(func(cl *clusterRec) bool { return cl.NodeAttributes.SecurityGroupId == sgID }) {
		clusters[cl.ID] = true
	}
	n := 0
	for _, nd := range w.Nodes.Select(func(nd *nodeRec) bool { return clusters[nd.ClusterID] }) {
		if nodeState(nd, now) != nodeTerminated {
			n++
		}
	}
	return n
}

// fmtList joins values for messages.
func fmtList(vs []string) string { return "[" + strings.Join(vs, ", ") + "]" }
