package emulator

import (
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// World is everything the emulator remembers: the seeded inventory of the
// account and every resource created through the API.
//
// Handlers read and change it only inside Store.View / Store.Update. In an
// update, every record a handler fetches is marked touched; the SQLite store
// writes back the touched records whose JSON changed, so a handler cannot
// forget to save a record it modified.
type World struct {
	Meta       *Table[metaRec]
	Regions    *Table[regionRec]
	Clusters   *Table[clusterRec]
	NodeGroups *Table[nodeGroupRec]
	Nodes      *Table[nodeRec]
	Operations *Table[operationRec]
	Policies   *Table[policyRec]
	Activities *Table[activityRec]
	Tokens     *Table[tokenRec]
	// Serverless Spark (see spark_records.go).
	SparkAccount *Table[sparkAccountRec]
	Workspaces   *Table[workspaceRec]
	Queues       *Table[queueRec]
	JobRuns      *Table[jobRunRec]
	Kyuubis      *Table[kyuubiRec]
	KyuubiTokens *Table[kyuubiTokenRec]
	KyuubiApps   *Table[kyuubiAppRec]
	Sessions     *Table[sessionRec]
	Statements   *Table[statementRec]
	// Controls holds the clock and fault settings, so every process that
	// opens the same state sees them (see controlRec).
	Controls *Table[controlRec]
	// Machines are the standalone ECS instances (see ecs_instances.go).
	Machines *Table[machineRec]

	// summaries caches encoded cluster summaries (see summaryCache).
	summaries *summaryCache

	// src fills each table from the store the first time a call uses it
	// (nil: the tables are complete, as in a MemoryStore).
	src *tableSource

	// Indexes (see index.go), kept in step by their tables, so lists
	// read one region or one cluster instead of every record.
	clustersByRegion    *Index[clusterRec] // in the ListClusters order
	groupsByCluster     *Index[nodeGroupRec]
	nodesByGroup        *Index[nodeRec]
	nodesByCluster      *Index[nodeRec]
	policiesByCluster   *Index[policyRec]
	activitiesByCluster *Index[activityRec]
	jobRunsByWorkspace  *Index[jobRunRec] // newest first, as ListJobRuns
}

func newWorld() *World {
	w := &World{
		Meta:       newTable[metaRec]("meta"),
		Regions:    newTable[regionRec]("region"),
		Clusters:   newTable[clusterRec]("cluster"),
		NodeGroups: newTable[nodeGroupRec]("nodegroup"),
		Nodes:      newTable[nodeRec]("node"),
		Operations: newTable[operationRec]("operation"),
		Policies:   newTable[policyRec]("policy"),
		Activities: newTable[activityRec]("activity"),
		Tokens:     newTable[tokenRec]("token"),
		Controls:   newTable[controlRec]("control"),
		Machines:   newTable[machineRec]("machine"),

		SparkAccount: newTable[sparkAccountRec]("sparkaccount"),
		Workspaces:   newTable[workspaceRec]("workspace"),
		Queues:       newTable[queueRec]("queue"),
		JobRuns:      newTable[jobRunRec]("jobrun"),
		Kyuubis:      newTable[kyuubiRec]("kyuubi"),
		KyuubiTokens: newTable[kyuubiTokenRec]("kyuubitoken"),
		KyuubiApps:   newTable[kyuubiAppRec]("kyuubiapp"),
		Sessions:     newTable[sessionRec]("session"),
		Statements:   newTable[statementRec]("statement"),
		summaries:    &summaryCache{},
	}
	w.addIndexes()
	return w
}

func (w *World) addIndexes() {
	w.clustersByRegion = w.Clusters.addIndex(func(c *clusterRec) string { return c.Region }, clusterRank).storeNewestLast()
	w.groupsByCluster = w.NodeGroups.addIndex(func(g *nodeGroupRec) string { return g.ClusterID }, nil)
	w.nodesByGroup = w.Nodes.addIndex(func(n *nodeRec) string { return n.NodeGroupID }, nil)
	w.nodesByCluster = w.Nodes.addIndex(func(n *nodeRec) string { return n.ClusterID }, nil)
	w.policiesByCluster = w.Policies.addIndex(func(p *policyRec) string { return p.ClusterID }, nil)
	w.activitiesByCluster = w.Activities.addIndex(func(a *activityRec) string { return a.ClusterID }, nil)
	w.jobRunsByWorkspace = w.JobRuns.addIndex(func(j *jobRunRec) string { return j.WorkspaceID },
		func(j *jobRunRec) int64 { return -j.SubmittedAt.UnixNano() }).storeNewestLast()
}

// clusterRank orders clusters newest first (ties by ID), as ListClusters
// returns them.
func clusterRank(c *clusterRec) int64 { return -c.CreatedAt.UnixNano() }

// tables lists the tables for persistence, in a fixed order.
func (w *World) tables() []table {
	return []table{
		w.Meta, w.Regions, w.Clusters, w.NodeGroups, w.Nodes, w.Operations, w.Policies, w.Activities, w.Tokens, w.Controls,
		w.SparkAccount, w.Workspaces, w.Queues, w.JobRuns, w.Kyuubis, w.KyuubiTokens, w.KyuubiApps, w.Sessions, w.Statements,
		w.Machines,
	}
}

func (w *World) meta() *metaRec {
	m, ok := w.Meta.Get("meta")
	if !ok {
		m = &metaRec{}
		w.Meta.Put("meta", m)
	}
	return m
}

// table is the untyped view of a Table used by stores.
type table interface {
	kind() string
	decode(raw []byte) (any, error)
	add(id string, rec any, ids idPool)
	loaded()
	setSource(src *tableSource)
	complete() bool
	internInto(ids idPool)
	begin()
	clear()
	changes() (put map[string][]byte, del []string, err error)
	commit()
	rollback()
	reset()
}

// Table is a set of records of one kind, keyed by ID.
//
// It keeps no copy of the saved records. An update captures the JSON of
// a record when it first touches it: the store's copy, since the cached
// records always match the store at the start of an update (a store
// reloads them otherwise). Comparing with it finds the records the update
// really changed, and restoring it rolls a failed update back.
type Table[T any] struct {
	name string
	rows map[string]*T
	// order holds the IDs sorted, kept up to date by every change, so
	// Select need not sort on each read (and reads, which may run
	// concurrently, never write).
	order   []string
	indexes []*Index[T]
	// bulk is set while a store loads the table: IDs are appended and
	// sorted once by loaded, not inserted one by one.
	bulk bool
	// src fills the table on first use unless ready (see tableSource).
	src   *tableSource
	ready bool
	// rev changes whenever a record may have changed: stored, deleted, or
	// touched by an update (which may change it in place).
	rev uint64
	// During an update: pre holds the JSON of every touched record as it
	// was before the update (nil: it did not exist), deleted the records
	// deleted.
	pre     map[string][]byte
	deleted map[string]bool
	track   bool
}

// insert stores r under id, keeping order and the indexes in step.
func (t *Table[T]) insert(id string, r *T) {
	t.rev++
	if old, ok := t.rows[id]; ok {
		for _, x := range t.indexes {
			x.remove(id, old)
		}
	} else if t.bulk {
		t.order = append(t.order, id)
	} else {
		i, _ := slices.BinarySearch(t.order, id)
		t.order = slices.Insert(t.order, i, id)
	}
	t.rows[id] = r
	for _, x := range t.indexes {
		x.add(id, r, t.bulk)
	}
}

// remove drops the record with the given ID from rows, order and indexes.
func (t *Table[T]) remove(id string) {
	t.rev++
	old, ok := t.rows[id]
	if !ok {
		return
	}
	for _, x := range t.indexes {
		x.remove(id, old)
	}
	if i, ok := slices.BinarySearch(t.order, id); ok {
		t.order = slices.Delete(t.order, i, i+1)
	}
	delete(t.rows, id)
}

func newTable[T any](name string) *Table[T] {
	return &Table[T]{name: name, rows: map[string]*T{}}
}

// touch marks id as touched by the running update, capturing its JSON
// the first time for rollback.
func (t *Table[T]) touch(id string) {
	if !t.track {
		return
	}
	if _, ok := t.pre[id]; ok {
		return
	}
	t.rev++
	var raw []byte
	if r, ok := t.rows[id]; ok {
		raw, _ = json.Marshal(r) // records always marshal
	}
	t.pre[id] = raw
}

// Get returns the record with the given ID.
func (t *Table[T]) Get(id string) (*T, bool) {
	t.ensure()
	r, ok := t.rows[id]
	if ok {
		t.touch(id)
	}
	return r, ok
}

// Put stores a record under id.
func (t *Table[T]) Put(id string, r *T) {
	t.ensure()
	t.touch(id)
	t.insert(id, r)
	if t.track {
		delete(t.deleted, id)
	}
}

// Delete removes the record with the given ID.
func (t *Table[T]) Delete(id string) {
	t.ensure()
	t.touch(id)
	t.remove(id)
	if t.track {
		t.deleted[id] = true
	}
}

// Len reports the number of records.
func (t *Table[T]) Len() int {
	t.ensure()
	return len(t.rows)
}

// Select returns the records for which keep returns true, sorted by ID.
// In an update every returned record counts as touched.
func (t *Table[T]) Select(keep func(*T) bool) []*T {
	t.ensure()
	var out []*T
	for _, id := range t.order {
		r := t.rows[id]
		if keep != nil && !keep(r) {
			continue
		}
		out = append(out, r)
		t.touch(id)
	}
	return out
}

func (t *Table[T]) kind() string { return t.name }

func (t *Table[T]) setSource(src *tableSource) { t.src = src }

func (t *Table[T]) complete() bool { return t.ready || t.src == nil }

// ensure fills the table from its source on first use. A failed read is
// kept by the source, and the store fails the call with it.
func (t *Table[T]) ensure() {
	if t.ready {
		return
	}
	t.ready = true
	if t.src != nil {
		t.src.fill(t)
	}
}

// internInto adds the IDs the table's records hold to ids, so records
// loaded later share them.
func (t *Table[T]) internInto(ids idPool) {
	for _, r := range t.rows {
		if x, ok := any(r).(interner); ok {
			x.intern(ids)
		}
	}
}

// decode decodes a persisted record of the table.
func (t *Table[T]) decode(raw []byte) (any, error) {
	r := new(T)
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, err
	}
	return r, nil
}

// add stores a record decode returned, while the store reads the table;
// ids pools the IDs the records share. The store calls loaded after the
// last record.
func (t *Table[T]) add(id string, rec any, ids idPool) {
	r := rec.(*T)
	if x, ok := any(r).(interner); ok {
		if own := x.intern(ids); own == id {
			id = own // one copy of the ID for the record and the keys
		}
	}
	t.bulk = true
	t.insert(id, r)
}

// loaded sorts what add appended.
func (t *Table[T]) loaded() {
	slices.Sort(t.order)
	t.order = slices.Compact(t.order)
	for _, x := range t.indexes {
		x.sortAll()
	}
	t.bulk = false
}

func (t *Table[T]) begin() {
	t.track = true
	t.pre = map[string][]byte{}
	t.deleted = map[string]bool{}
}

// changes returns the touched records whose JSON differs from the one
// before the update (the store's), and the deleted records the store has.
func (t *Table[T]) changes() (map[string][]byte, []string, error) {
	put := map[string][]byte{}
	for id, before := range t.pre {
		r, ok := t.rows[id]
		if !ok {
			continue
		}
		raw, err := json.Marshal(r)
		if err != nil {
			return nil, nil, err
		}
		if before == nil || string(raw) != string(before) {
			put[id] = raw
		}
	}
	var del []string
	for id := range t.deleted {
		if _, ok := t.rows[id]; !ok && t.pre[id] != nil {
			del = append(del, id)
		}
	}
	sort.Strings(del)
	return put, del, nil
}

// commit ends a successful update.
func (t *Table[T]) commit() { t.endUpdate() }

func (t *Table[T]) endUpdate() {
	t.pre, t.deleted = nil, nil
	t.track = false
}

// rollback restores every touched record from the JSON captured when it
// was first touched: a failed update leaves nothing half-applied.
func (t *Table[T]) rollback() {
	for id, raw := range t.pre {
		t.remove(id)
		if raw == nil {
			continue
		}
		var r T
		if err := json.Unmarshal(raw, &r); err == nil {
			t.insert(id, &r)
		}
	}
	t.endUpdate()
}

// clear deletes every record (tracked, so a store persists it).
func (t *Table[T]) clear() {
	t.ensure()
	for _, id := range slices.Clone(t.order) {
		t.Delete(id)
	}
}

func (t *Table[T]) reset() {
	t.rows, t.order, t.ready = map[string]*T{}, nil, true
	for _, x := range t.indexes {
		x.reset()
	}
	t.endUpdate()
}

// metaRec holds the seed, the ID counter and the generation.
type metaRec struct {
	Seed    int64 `json:"seed"`
	Counter int64 `json:"counter"`
	// Generation identifies this incarnation of the state: it is created
	// with the state and replaced by every reset (see Server.Generation).
	Generation string `json:"generation,omitempty"`
}

// controlsKey is the ID of the one controlRec.
const controlsKey = "controls"

// controlRec holds the controls that must outlive a process. The embedded
// sandbox opens a new Server in every emrctl command, so a clock moved or
// a fault installed by one command must be in the state for the next one
// to see it. A reset clears the faults and keeps the clock: the clock
// never goes back.
type controlRec struct {
	// ClockOffset is how far the clock was advanced.
	ClockOffset time.Duration `json:"clockOffset,omitempty"`
	// ClockSpeed, once set through the controls, overrides the speed each
	// Server was opened with.
	ClockSpeed *float64 `json:"clockSpeed,omitempty"`
	// ClockRev counts clock changes, so a Server never applies a setting
	// older than the one it has.
	ClockRev int64       `json:"clockRev,omitempty"`
	Faults   []FaultRule `json:"faults,omitempty"`
	// MetadataInstance is the instance the metadata service describes
	// ("" = the good gateway candidate; see metadata.go). A reset clears it.
	MetadataInstance string `json:"metadataInstance,omitempty"`
}

// clone returns a copy that shares nothing with c.
func (c *controlRec) clone() controlRec {
	out := controlRec{ClockOffset: c.ClockOffset, ClockRev: c.ClockRev, Faults: slices.Clone(c.Faults)}
	if c.ClockSpeed != nil {
		out.ClockSpeed = ptr(*c.ClockSpeed)
	}
	return out
}

// controls returns the control record for an update, creating it.
func (w *World) controls() *controlRec {
	c, ok := w.Controls.Get(controlsKey)
	if !ok {
		c = &controlRec{}
		w.Controls.Put(controlsKey, c)
	}
	return c
}

// clusterRec is an EMR cluster. Its state is not stored: it is derived from
// the timeline fixed at creation (see clusterState), so time moves on
// between requests without anything being written.
type clusterRec struct {
	ID                 string                                 `json:"id"`
	Region             string                                 `json:"region"`
	Name               string                                 `json:"name"`
	Type               string                                 `json:"type"`
	Release            string                                 `json:"release"`
	DeployMode         string                                 `json:"deployMode"`
	PaymentType        string                                 `json:"paymentType"`
	SecurityMode       string                                 `json:"securityMode"`
	Description        string                                 `json:"description,omitempty"`
	ResourceGroupID    string                                 `json:"resourceGroupId,omitempty"`
	DeletionProtection bool                                   `json:"deletionProtection"`
	NodeAttributes     emrwire.NodeAttributes                 `json:"nodeAttributes"`
	Applications       []string                               `json:"applications"`
	Requested          []string                               `json:"requested"`
	ApplicationConfigs []emrwire.ApplicationConfig            `json:"applicationConfigs,omitempty"`
	BootstrapScripts   []emrwire.Script                       `json:"bootstrapScripts,omitempty"`
	Tags               []emrwire.Tag                          `json:"tags,omitempty"`
	Subscription       *emrwire.SubscriptionConfig            `json:"subscription,omitempty"`
	AutoRenew          *emrwire.UpdateClusterAutoRenewRequest `json:"autoRenew,omitempty"`
	CreatedAt          time.Time                              `json:"createdAt"`
	BootstrapAt        time.Time                              `json:"bootstrapAt"`
	ReadyAt            time.Time                              `json:"readyAt"`
	FailAt             time.Time                              `json:"failAt,omitzero"`
	FailCode           string                                 `json:"failCode,omitempty"`
	FailMessage        string                                 `json:"failMessage,omitempty"`
	DeleteAt           time.Time                              `json:"deleteAt,omitzero"`
	TerminatedAt       time.Time                              `json:"terminatedAt,omitzero"`
	ExpireAt           time.Time                              `json:"expireAt,omitzero"`
	CreateOperation    string                                 `json:"createOperation"`
	// ConfigChanges are the UpdateApplicationConfigs changes, oldest first.
	ConfigChanges []configChange `json:"configChanges,omitempty"`
}

// nodeGroupRec is a node group of a cluster.
type nodeGroupRec struct {
	ID        string                  `json:"id"`
	ClusterID string                  `json:"clusterId"`
	Config    emrwire.NodeGroupConfig `json:"config"`
	ZoneID    string                  `json:"zoneId"`
	CreatedAt time.Time               `json:"createdAt"`
	// The group is INCREASING or DECREASING until ResizeUntil.
	ResizeKind  string    `json:"resizeKind,omitempty"`
	ResizeUntil time.Time `json:"resizeUntil,omitzero"`
	// Created counts the nodes ever created, for node names.
	Created int `json:"created"`
}

// nodeRec is an ECS instance of a node group. Its state follows the
// timestamps: Pending until StartingAt, Starting until RunningAt, Running
// until StoppingAt, Stopping until TerminatedAt.
type nodeRec struct {
	ID           string    `json:"id"`
	ClusterID    string    `json:"clusterId"`
	NodeGroupID  string    `json:"nodeGroupId"`
	Name         string    `json:"name"`
	InstanceType string    `json:"instanceType"`
	ZoneID       string    `json:"zoneId"`
	VSwitchID    string    `json:"vswitchId,omitempty"`
	PrivateIP    string    `json:"privateIp"`
	PublicIP     string    `json:"publicIp,omitempty"`
	PaymentType  string    `json:"paymentType"`
	CreatedAt    time.Time `json:"createdAt"`
	StartingAt   time.Time `json:"startingAt"`
	RunningAt    time.Time `json:"runningAt"`
	StoppingAt   time.Time `json:"stoppingAt,omitzero"`
	TerminatedAt time.Time `json:"terminatedAt,omitzero"`
	ExpireAt     time.Time `json:"expireAt,omitzero"`
	AutoRenew    bool      `json:"autoRenew,omitempty"`
	// StoppedAt marks a node stopped by a fault (for inspect/diagnose).
	StoppedAt  time.Time `json:"stoppedAt,omitzero"`
	StopReason string    `json:"stopReason,omitempty"`
}

// operationRec is an asynchronous operation (create, increase, decrease).
type operationRec struct {
	ID          string    `json:"id"`
	ClusterID   string    `json:"clusterId"`
	Type        string    `json:"type"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	DoneAt      time.Time `json:"doneAt"`
	FailCode    string    `json:"failCode,omitempty"`
	FailMessage string    `json:"failMessage,omitempty"`
}

// policyRec is the auto scaling policy of a node group, keyed by group ID.
type policyRec struct {
	ID          string                      `json:"id"`
	ClusterID   string                      `json:"clusterId"`
	NodeGroupID string                      `json:"nodeGroupId"`
	Constraints *emrwire.ScalingConstraints `json:"constraints,omitempty"`
	Rules       []emrwire.ScalingRule       `json:"rules,omitempty"`
	UpdatedAt   time.Time                   `json:"updatedAt"`
}

// activityRec is one auto scaling activity.
type activityRec struct {
	ID          string               `json:"id"`
	ClusterID   string               `json:"clusterId"`
	NodeGroupID string               `json:"nodeGroupId"`
	RuleName    string               `json:"ruleName"`
	Rule        *emrwire.ScalingRule `json:"rule,omitempty"`
	Type        string               `json:"type"`
	State       string               `json:"state"`
	Cause       string               `json:"cause"`
	ExpectNum   int64                `json:"expectNum"`
	OperationID string               `json:"operationId,omitempty"`
	NodeIDs     []string             `json:"nodeIds,omitempty"`
	StartedAt   time.Time            `json:"startedAt"`
	EndAt       time.Time            `json:"endAt"`
}

// tokenRec remembers the outcome of a request that carried a ClientToken.
type tokenRec struct {
	Key         string          `json:"key"`
	RequestHash string          `json:"requestHash"`
	Response    json.RawMessage `json:"response"`
	ExpiresAt   time.Time       `json:"expiresAt"`
}
