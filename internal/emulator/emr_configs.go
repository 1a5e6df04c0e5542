package emulator

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Application configurations. The defaults of a cluster are not stored:
// they are derived on every read from the cluster (its masters' host
// names, its size, the metastore chosen at create), then the create-time
// ApplicationConfigs and the changes made through UpdateApplicationConfigs
// (kept on the cluster as configChange records) are laid over them.

// Scopes and actions of UpdateApplicationConfigs (contract enums).
const (
	scopeCluster   = "CLUSTER"
	scopeNodeGroup = "NODE_GROUP"
	actionAdd      = "ADD"
	actionUpdate   = "UPDATE"
	actionDelete   = "DELETE"
)

// refreshConfigFor is how long distributing changed configurations to
// the nodes takes when RefreshConfig is set.
const refreshConfigFor = 30 * time.Second

// configChange is one change made through UpdateApplicationConfigs.
type configChange struct {
	App         string    `json:"app"`
	File        string    `json:"file"`
	Key         string    `json:"key"`
	Value       string    `json:"value,omitempty"`
	NodeGroupID string    `json:"nodeGroupId,omitempty"`
	Deleted     bool      `json:"deleted,omitempty"`
	Description string    `json:"description,omitempty"`
	At          time.Time `json:"at"`
}

// configItem is one configuration item as a reader sees it. nodeGroup is
// empty for a CLUSTER item. changed marks an item set at create time or
// through UpdateApplicationConfigs (what ExportMode MODIFICATION exports).
type configItem struct {
	app, file, key, value, init string
	description, nodeGroup      string
	custom, changed             bool
	created, updated            time.Time
	modifier                    string
}

func registerConfigs(s *Server) error {
	for _, h := range []struct {
		name  string
		write bool
		fn    handlerFunc
	}{
		{"ListApplicationConfigs", false, listApplicationConfigs},
		{"ExportApplicationConfigs", false, exportApplicationConfigs},
		{"UpdateApplicationConfigs", true, updateApplicationConfigs},
	} {
		if err := s.handle("emr-20210320", h.name, h.write, h.fn); err != nil {
			return err
		}
	}
	return nil
}

// configEnvOf gathers what a cluster's default configuration depends on.
// Files name the masters by host name, as on EMR; a client resolves them
// with the private IPs ListNodes reports.
func configEnvOf(w *World, cl *clusterRec) configEnv {
	e := configEnv{clusterID: cl.ID, region: cl.Region, ha: cl.DeployMode == "HA", apps: map[string]bool{}}
	for _, a := range cl.Applications {
		e.apps[a] = true
	}
	e.metastore = appConfig(cl.ApplicationConfigs, "HIVE", "hive.metastore.type")
	for _, spark := range []string{"SPARK3", "SPARK2"} {
		if e.metastore == "" {
			e.metastore = appConfig(cl.ApplicationConfigs, spark, "hive.metastore.type")
		}
	}
	e.metastore = orDefault(e.metastore, "LOCAL")
	kinds := map[string]string{}
	for _, g := range groupsOf(w, cl.ID) {
		kinds[g.ID] = g.Config.NodeGroupType
	}
	nodes := w.Nodes.Select(func(n *nodeRec) bool { return n.ClusterID == cl.ID })
	slices.SortFunc(nodes, func(a, b *nodeRec) int { return cmp.Compare(a.Name, b.Name) })
	for _, n := range nodes {
		switch kinds[n.NodeGroupID] {
		case "MASTER":
			e.masters = append(e.masters, n.Name+"."+cl.ID+"."+cl.Region+".emr.aliyuncs.com")
		case "CORE":
			if n.TerminatedAt.IsZero() {
				e.cores++
			}
		}
	}
	return e
}

// configKey identifies an item: application, file, key and scope.
func configKey(app, file, key, group string) string {
	return app + "\x00" + file + "\x00" + key + "\x00" + group
}

// clusterConfigs returns every item of the cluster, CLUSTER and
// NODE_GROUP, sorted by application, file, node group and key.
func clusterConfigs(w *World, cl *clusterRec) []*configItem {
	env := configEnvOf(w, cl)
	byKey := map[string]*configItem{}
	put := func(it *configItem) { byKey[configKey(it.app, it.file, it.key, it.nodeGroup)] = it }
	for _, app := range cl.Applications {
		for _, f := range appConfigCatalog(app, env) {
			for _, i := range f.items {
				put(&configItem{app: app, file: f.name, key: i.key, value: i.value, init: i.value, created: cl.CreatedAt, updated: cl.CreatedAt})
			}
		}
	}
	for _, ac := range cl.ApplicationConfigs {
		if !env.apps[ac.ApplicationName] {
			continue // the service ignores configurations of applications not installed
		}
		group := createGroupID(w, cl, ac)
		old := byKey[configKey(ac.ApplicationName, ac.ConfigFileName, ac.ConfigItemKey, group)]
		if old == nil && group != "" {
			old = byKey[configKey(ac.ApplicationName, ac.ConfigFileName, ac.ConfigItemKey, "")]
		}
		put(&configItem{
			app: ac.ApplicationName, file: ac.ConfigFileName, key: ac.ConfigItemKey, value: ac.ConfigItemValue,
			init: ac.ConfigItemValue, nodeGroup: group, custom: old == nil, changed: true,
			created: cl.CreatedAt, updated: cl.CreatedAt,
		})
	}
	modifier := strconv.FormatInt(sandboxAccountID, 10)
	for _, ch := range cl.ConfigChanges {
		k := configKey(ch.App, ch.File, ch.Key, ch.NodeGroupID)
		if ch.Deleted {
			delete(byKey, k)
			continue
		}
		if it, ok := byKey[k]; ok {
			it.value, it.updated, it.modifier, it.changed = ch.Value, ch.At, modifier, true
			it.description = orDefault(ch.Description, it.description)
			continue
		}
		init, custom := ch.Value, true
		if base, ok := byKey[configKey(ch.App, ch.File, ch.Key, "")]; ok {
			init, custom = base.init, base.custom // a node group's own value of a cluster item
		}
		put(&configItem{
			app: ch.App, file: ch.File, key: ch.Key, value: ch.Value, init: init, nodeGroup: ch.NodeGroupID,
			description: ch.Description, custom: custom, changed: true, created: ch.At, updated: ch.At, modifier: modifier,
		})
	}
	out := make([]*configItem, 0, len(byKey))
	for _, it := range byKey {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *configItem) int {
		return cmp.Or(cmp.Compare(a.app, b.app), cmp.Compare(a.file, b.file), cmp.Compare(a.nodeGroup, b.nodeGroup), cmp.Compare(a.key, b.key))
	})
	return out
}

// createGroupID resolves the node group of a NODE_GROUP create-time item
// (by ID or by name); "" for a CLUSTER item.
func createGroupID(w *World, cl *clusterRec, ac emrwire.ApplicationConfig) string {
	if ac.ConfigScope != scopeNodeGroup {
		return ""
	}
	for _, g := range groupsOf(w, cl.ID) {
		if g.ID == ac.NodeGroupId || (ac.NodeGroupId == "" && g.Config.NodeGroupName == ac.NodeGroupName) {
			return g.ID
		}
	}
	return ""
}

// effective returns the items a node of group sees: the CLUSTER items,
// with the group's own items in place of or next to them. With group ""
// it returns the CLUSTER items.
func effective(all []*configItem, group string) []*configItem {
	own := map[string]bool{}
	for _, it := range all {
		if group != "" && it.nodeGroup == group {
			own[configKey(it.app, it.file, it.key, "")] = true
		}
	}
	var out []*configItem
	for _, it := range all {
		switch {
		case it.nodeGroup == "" && !own[configKey(it.app, it.file, it.key, "")],
			group != "" && it.nodeGroup == group:
			out = append(out, it)
		}
	}
	return out
}

// checkApp refuses an application the cluster does not have.
func checkApp(cl *clusterRec, field, app string) error {
	if !contains(cl.Applications, app) {
		return errNotFound("ApplicationNotFound", "%s %q is not an application of cluster %s (it has %s); call ListApplications", field, app, cl.ID, strings.Join(cl.Applications, ", "))
	}
	return nil
}

// scopeGroup resolves the node group a request is about, from a node
// group ID or a node ID; "" means the CLUSTER scope.
func (c *call) scopeGroup(w *World, cl *clusterRec, groupID, nodeID string) (string, error) {
	if nodeID != "" {
		n, ok := w.Nodes.Get(nodeID)
		if !ok || n.ClusterID != cl.ID {
			return "", errNotFound("NodeNotFound", "node %s does not exist in cluster %s; call ListNodes to find the ID", nodeID, cl.ID)
		}
		if groupID != "" && groupID != n.NodeGroupID {
			return "", errInvalidParameter("NodeId %s belongs to node group %s, not NodeGroupId %s; pass one of them", nodeID, n.NodeGroupID, groupID)
		}
		return n.NodeGroupID, nil
	}
	if groupID == "" {
		return "", nil
	}
	g, err := c.nodeGroup(w, cl, groupID)
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

func listApplicationConfigs(c *call, w *World) (any, error) {
	var req emrwire.ListApplicationConfigsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if req.ApplicationName != "" {
		if err := checkApp(cl, "ApplicationName", req.ApplicationName); err != nil {
			return nil, err
		}
	}
	group, err := c.scopeGroup(w, cl, req.NodeGroupId, req.NodeId)
	if err != nil {
		return nil, err
	}
	var matched []*configItem
	for _, it := range effective(clusterConfigs(w, cl), group) {
		if configMatches(it, &req) {
			matched = append(matched, it)
		}
	}
	pg, err := paginate(len(matched), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	resp := &emrwire.ListApplicationConfigsResponse{
		MaxResults: ptr(pg.max), NextToken: pg.next, RequestId: c.requestID, TotalCount: ptr(int64(len(matched))),
		ApplicationConfigs: make([]emrwire.ListApplicationConfigsResponseApplicationConfigsItem, 0, pg.end-pg.start),
	}
	for _, it := range matched[pg.start:pg.end] {
		resp.ApplicationConfigs = append(resp.ApplicationConfigs, emrwire.ListApplicationConfigsResponseApplicationConfigsItem{
			ApplicationName: it.app, ConfigFileName: it.file, ConfigItemKey: it.key, ConfigItemValue: it.value,
			ConfigEffectState: "EFFECT", CreateTime: millis(it.created), UpdateTime: millis(it.updated),
			Custom: ptr(it.custom), Description: it.description, InitValue: it.init, Modifier: it.modifier,
			NodeGroupId: it.nodeGroup, NodeId: req.NodeId,
		})
	}
	return resp, nil
}

// configMatches applies the filters of ListApplicationConfigs: the
// application and file match exactly, the key and value as a search box
// does (substring).
func configMatches(it *configItem, req *emrwire.ListApplicationConfigsRequest) bool {
	switch {
	case req.ApplicationName != "" && it.app != req.ApplicationName,
		req.ConfigFileName != "" && it.file != req.ConfigFileName,
		req.ConfigItemKey != "" && !strings.Contains(it.key, req.ConfigItemKey),
		req.ConfigItemValue != "" && !strings.Contains(it.value, req.ConfigItemValue):
		return false
	}
	return true
}

func exportApplicationConfigs(c *call, w *World) (any, error) {
	var req emrwire.ExportApplicationConfigsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	mode, format := orDefault(req.ExportMode, "ALL"), orDefault(req.FileFormat, "XML")
	if mode != "ALL" && mode != "MODIFICATION" {
		return nil, errInvalidParameter("ExportMode %q is not valid; use ALL or MODIFICATION", req.ExportMode)
	}
	if format != "XML" && format != "JSON" {
		return nil, errInvalidParameter("FileFormat %q is not valid; use XML or JSON", req.FileFormat)
	}
	group, err := c.exportGroup(w, cl, &req)
	if err != nil {
		return nil, err
	}
	items := effective(clusterConfigs(w, cl), group)
	want, err := exportSelection(cl, items, req.ApplicationConfigFiles)
	if err != nil {
		return nil, err
	}
	files := map[[2]string][]*configItem{}
	var order [][2]string
	for _, it := range items {
		f := [2]string{it.app, it.file}
		if !want(f) || (mode == "MODIFICATION" && !it.changed) {
			continue
		}
		if _, ok := files[f]; !ok {
			order = append(order, f)
		}
		files[f] = append(files[f], it)
	}
	resp := &emrwire.ExportApplicationConfigsResponse{RequestId: c.requestID, ApplicationConfigs: []emrwire.ExportApplicationConfigsResponseApplicationConfigsItem{}}
	for _, f := range order {
		content, err := renderConfigFile(f[1], format, files[f])
		if err != nil {
			return nil, err
		}
		resp.ApplicationConfigs = append(resp.ApplicationConfigs, emrwire.ExportApplicationConfigsResponseApplicationConfigsItem{
			ApplicationName: f[0], ConfigFileName: f[1], Content: base64.StdEncoding.EncodeToString(content),
		})
	}
	return resp, nil
}

// exportGroup resolves the scope of an export: CLUSTER, or one node group
// (named directly or through one of its nodes).
func (c *call) exportGroup(w *World, cl *clusterRec, req *emrwire.ExportApplicationConfigsRequest) (string, error) {
	scope := orDefault(req.ConfigScope, scopeCluster)
	switch scope {
	case scopeCluster:
		if len(req.NodeGroupIds)+len(req.NodeIds) > 0 {
			return "", errInvalidParameter("NodeGroupIds and NodeIds apply only with ConfigScope NODE_GROUP; set ConfigScope NODE_GROUP or drop them")
		}
		return "", nil
	case scopeNodeGroup:
		if len(req.NodeGroupIds)+len(req.NodeIds) != 1 {
			return "", errInvalidParameter("ConfigScope NODE_GROUP exports one node group: pass exactly one NodeGroupIds or NodeIds value, got %d", len(req.NodeGroupIds)+len(req.NodeIds))
		}
		if len(req.NodeIds) == 1 {
			return c.scopeGroup(w, cl, "", req.NodeIds[0])
		}
		return c.scopeGroup(w, cl, req.NodeGroupIds[0], "")
	}
	return "", errInvalidParameter("ConfigScope %q is not valid; use CLUSTER or NODE_GROUP", req.ConfigScope)
}

// exportSelection checks the requested files and returns which (app,
// file) pairs to export; none requested means every file.
func exportSelection(cl *clusterRec, items []*configItem, sel []emrwire.ApplicationConfigFile) (func([2]string) bool, error) {
	if len(sel) == 0 {
		return func([2]string) bool { return true }, nil
	}
	apps, files := map[string]bool{}, map[[2]string]bool{}
	for i, s := range sel {
		field := fmt.Sprintf("ApplicationConfigFiles.%d.ApplicationName", i+1)
		if s.ApplicationName == "" {
			return nil, errMissing("MissingParameter", "%s is mandatory", field)
		}
		if err := checkApp(cl, field, s.ApplicationName); err != nil {
			return nil, err
		}
		if s.ConfigFileName == "" {
			apps[s.ApplicationName] = true
			continue
		}
		if !slices.Contains(appFiles(items, s.ApplicationName), s.ConfigFileName) {
			return nil, errInvalidParameter("ApplicationConfigFiles.%d.ConfigFileName %q is not a file of %s; use one of %s", i+1, s.ConfigFileName, s.ApplicationName, strings.Join(appFiles(items, s.ApplicationName), ", "))
		}
		files[[2]string{s.ApplicationName, s.ConfigFileName}] = true
	}
	return func(f [2]string) bool { return apps[f[0]] || files[f] }, nil
}

// appFiles lists the files an application has, sorted.
func appFiles(items []*configItem, app string) []string {
	var out []string
	for _, it := range items {
		if it.app == app && !slices.Contains(out, it.file) {
			out = append(out, it.file)
		}
	}
	slices.Sort(out)
	return out
}

// renderConfigFile writes a file as the nodes have it: Hadoop XML for
// *.xml, the file's own syntax otherwise; with FileFormat JSON, one JSON
// object of the items.
func renderConfigFile(name, format string, items []*configItem) ([]byte, error) {
	if format == "JSON" {
		m := make(map[string]string, len(items))
		for _, it := range items {
			m[it.key] = it.value
		}
		return json.MarshalIndent(m, "", "  ")
	}
	var b strings.Builder
	switch {
	case strings.HasSuffix(name, ".xml"):
		b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n")
		for _, it := range items {
			b.WriteString("  <property>\n    <name>")
			_ = xml.EscapeText(&b, []byte(it.key)) // a strings.Builder never fails
			b.WriteString("</name>\n    <value>")
			_ = xml.EscapeText(&b, []byte(it.value))
			b.WriteString("</value>\n  </property>\n")
		}
		b.WriteString("</configuration>\n")
	case strings.HasSuffix(name, ".sh"):
		for _, it := range items {
			fmt.Fprintf(&b, "export %s=%s\n", it.key, shellQuote(it.value))
		}
	case strings.HasSuffix(name, ".yaml"), strings.HasSuffix(name, ".yml"):
		for _, it := range items {
			fmt.Fprintf(&b, "%s: %s\n", it.key, it.value)
		}
	case name == "spark-defaults.conf":
		for _, it := range items {
			fmt.Fprintf(&b, "%s %s\n", it.key, it.value)
		}
	default:
		for _, it := range items {
			fmt.Fprintf(&b, "%s=%s\n", it.key, it.value)
		}
	}
	return []byte(b.String()), nil
}

// shellQuote quotes a value for a POSIX shell when it needs it.
func shellQuote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\"'$`\\;&|<>()*?[]#~") {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

func updateApplicationConfigs(c *call, w *World) (any, error) {
	var req emrwire.UpdateApplicationConfigsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if st := clusterState(cl, c.now); st != stateRunning {
		return nil, errDenied("OperationDenied.ClusterStatus", "cluster %s is %s; configurations can change only while it is RUNNING", cl.ID, st)
	}
	if err := checkApp(cl, "ApplicationName", req.ApplicationName); err != nil {
		return nil, err
	}
	group, err := c.updateGroup(w, cl, &req)
	if err != nil {
		return nil, err
	}
	changes, err := planConfigChanges(cl, clusterConfigs(w, cl), group, &req, c.now)
	if err != nil {
		return nil, err
	}
	cl.ConfigChanges = append(cl.ConfigChanges, changes...)
	done := c.now
	if boolv(req.RefreshConfig) {
		done = c.now.Add(c.scale(refreshConfigFor))
	}
	op := &operationRec{
		ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "UPDATE_APPLICATION_CONFIGS",
		Description: orDefault(req.Description, "Update "+req.ApplicationName+" configurations"), CreatedAt: c.now, DoneAt: done,
	}
	w.Operations.Put(op.ID, op)
	return &emrwire.UpdateApplicationConfigsResponse{OperationId: op.ID, RequestId: c.requestID}, nil
}

// updateGroup resolves the scope of an update.
func (c *call) updateGroup(w *World, cl *clusterRec, req *emrwire.UpdateApplicationConfigsRequest) (string, error) {
	if req.NodeId != "" {
		return "", errInvalidParameter("NodeId: the sandbox keeps configurations per cluster and per node group, not per node; use ConfigScope NODE_GROUP with the node's NodeGroupId")
	}
	switch orDefault(req.ConfigScope, scopeCluster) {
	case scopeCluster:
		if req.NodeGroupId != "" {
			return "", errInvalidParameter("NodeGroupId applies only with ConfigScope NODE_GROUP; set ConfigScope NODE_GROUP or drop NodeGroupId")
		}
		return "", nil
	case scopeNodeGroup:
		if req.NodeGroupId == "" {
			return "", errMissing("MissingParameter", "NodeGroupId is mandatory with ConfigScope NODE_GROUP")
		}
		return c.scopeGroup(w, cl, req.NodeGroupId, "")
	}
	return "", errInvalidParameter("ConfigScope %q is not valid; use CLUSTER or NODE_GROUP", req.ConfigScope)
}

// planConfigChanges checks every item of an update against the current
// items and returns the changes to record; one bad item refuses them all.
func planConfigChanges(cl *clusterRec, all []*configItem, group string, req *emrwire.UpdateApplicationConfigsRequest, now time.Time) ([]configChange, error) {
	action := orDefault(req.ConfigAction, actionUpdate)
	if action != actionAdd && action != actionUpdate && action != actionDelete {
		return nil, errInvalidParameter("ConfigAction %q is not valid; use ADD, UPDATE or DELETE", req.ConfigAction)
	}
	if len(req.ApplicationConfigs) == 0 {
		return nil, errMissing("MissingParameter", "ApplicationConfigs is mandatory: list the items to %s", strings.ToLower(action))
	}
	visible, exact := map[string]*configItem{}, map[string]*configItem{}
	for _, it := range effective(all, group) {
		visible[configKey(it.app, it.file, it.key, "")] = it
	}
	for _, it := range all {
		if it.nodeGroup == group {
			exact[configKey(it.app, it.file, it.key, "")] = it
		}
	}
	files := appFiles(all, req.ApplicationName)
	seen := map[string]bool{}
	out := make([]configChange, 0, len(req.ApplicationConfigs))
	for i, u := range req.ApplicationConfigs {
		p := fmt.Sprintf("ApplicationConfigs.%d", i+1)
		if u.ConfigFileName == "" || u.ConfigItemKey == "" {
			return nil, errMissing("MissingParameter", "%s.ConfigFileName and %s.ConfigItemKey are mandatory", p, p)
		}
		if !slices.Contains(files, u.ConfigFileName) {
			return nil, errInvalidParameter("%s.ConfigFileName %q is not a file of %s; use one of %s", p, u.ConfigFileName, req.ApplicationName, strings.Join(files, ", "))
		}
		k := configKey(req.ApplicationName, u.ConfigFileName, u.ConfigItemKey, "")
		if seen[k] {
			return nil, errInvalidParameter("%s.ConfigItemKey %q is listed twice for %s; list it once", p, u.ConfigItemKey, u.ConfigFileName)
		}
		seen[k] = true
		if err := checkConfigAction(cl, p, action, u, visible[k], exact[k]); err != nil {
			return nil, err
		}
		value := u.ConfigItemValue
		if strings.Contains(strings.ToLower(u.ConfigItemKey), "password") {
			value = "" // hidden, as the real service hides it (see redactConfigs)
		}
		out = append(out, configChange{
			App: req.ApplicationName, File: u.ConfigFileName, Key: u.ConfigItemKey, Value: value,
			NodeGroupID: group, Deleted: action == actionDelete, Description: u.ConfigDescription, At: now,
		})
	}
	return out, nil
}

// checkConfigAction checks one item against the action: ADD needs a new
// key, UPDATE an existing one, DELETE an item of this scope that is not a
// default of the cluster.
func checkConfigAction(cl *clusterRec, p, action string, u emrwire.UpdateApplicationConfig, visible, exact *configItem) error {
	switch {
	case action == actionAdd && visible != nil:
		return errInvalidParameter("%s.ConfigItemKey %q already exists in %s; use ConfigAction UPDATE to change it", p, u.ConfigItemKey, u.ConfigFileName)
	case action == actionUpdate && visible == nil:
		return errInvalidParameter("%s.ConfigItemKey %q does not exist in %s; use ConfigAction ADD to add a custom item", p, u.ConfigItemKey, u.ConfigFileName)
	case action == actionDelete && exact == nil:
		return errInvalidParameter("%s.ConfigItemKey %q is not set at this scope in %s of cluster %s; nothing to delete", p, u.ConfigItemKey, u.ConfigFileName, cl.ID)
	case action == actionDelete && exact.nodeGroup == "" && !exact.custom:
		return errInvalidParameter("%s.ConfigItemKey %q is a default item of %s and cannot be deleted; UPDATE it to its InitValue %q instead", p, u.ConfigItemKey, u.ConfigFileName, exact.init)
	}
	return nil
}
