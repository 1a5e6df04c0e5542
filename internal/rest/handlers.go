package rest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// enginePageSize is the page size the handlers ask the engine for while
// they collect a whole listing (issue 17 pushes the cursor down).
const enginePageSize = 100

// list is one page of a listing: the items and the cursor of the next.
type list[T any] struct {
	items []T
	next  oas.OptString
}

// paged sorts all by key, cuts the page that follows after (the key in
// the request's cursor) and makes the cursor of the next page.
func paged[T any](c cursors, q query, after string, limit oas.OptInt, all []T, key func(T) string) list[T] {
	items, last, more := pageOf(all, key, after, limitOf(limit), false)
	out := list[T]{items: items}
	if more {
		out.next = oas.NewOptString(c.encode(q, last))
	}
	return out
}

func convert[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func joined(vs []string) string { return strings.Join(vs, ",") }

// ListRegions lists the regions of the configured cloud.
func (h *handlers) ListRegions(ctx context.Context, p oas.ListRegionsParams) (*oas.RegionList, error) {
	q := newQuery("regions")
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	regions, err := h.eng.Regions(ctx)
	if err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, regions, func(r provider.Region) string { return r.ID })
	return &oas.RegionList{Items: convert(pg.items, func(r provider.Region) oas.Region {
		return oas.Region{ID: r.ID, Name: optString(r.Name)}
	}), NextCursor: pg.next}, nil
}

// ListClusters lists the clusters matching the filters, by ID.
func (h *handlers) ListClusters(ctx context.Context, p oas.ListClustersParams) (*oas.ClusterList, error) {
	q := newQuery("clusters", joined(p.State), joined(p.Type), p.Name.Or(""))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	states, err := h.eng.ClusterStates("state", p.State)
	if err != nil {
		return nil, err
	}
	var all []provider.Cluster
	f := provider.ClusterFilter{States: states, Types: p.Type, Name: p.Name.Or("")}
	if err := h.eng.ListClusters(ctx, f, enginePageSize, func(page []provider.Cluster) error {
		all = append(all, page...)
		return nil
	}); err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, all, func(c provider.Cluster) string { return c.ID })
	return &oas.ClusterList{Items: convert(pg.items, clusterOf), NextCursor: pg.next}, nil
}

// GetCluster returns one cluster.
func (h *handlers) GetCluster(ctx context.Context, p oas.GetClusterParams) (*oas.Cluster, error) {
	c, err := h.eng.GetCluster(ctx, p.ClusterId)
	if err != nil {
		return nil, err
	}
	out := clusterOf(*c)
	return &out, nil
}

// ListNodeGroups lists a cluster's node groups, by ID.
func (h *handlers) ListNodeGroups(ctx context.Context, p oas.ListNodeGroupsParams) (*oas.NodeGroupList, error) {
	q := newQuery("node-groups", p.ClusterId, joined(p.Role), joined(p.State))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	groups, err := h.eng.ListNodeGroups(ctx, p.ClusterId, provider.NodeGroupFilter{Roles: p.Role, States: p.State})
	if err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, groups, func(g engine.NodeGroupView) string { return g.ID })
	return &oas.NodeGroupList{Items: convert(pg.items, nodeGroupOf), NextCursor: pg.next}, nil
}

// GetNodeGroup returns a node group with its nodes and auto scaling policy.
func (h *handlers) GetNodeGroup(ctx context.Context, p oas.GetNodeGroupParams) (*oas.NodeGroupDetail, error) {
	d, err := h.eng.GetNodeGroup(ctx, p.ClusterId, p.NodeGroupId)
	if err != nil {
		return nil, err
	}
	out := &oas.NodeGroupDetail{Group: nodeGroupOf(d.NodeGroupView), Nodes: convert(d.Nodes, nodeOf)}
	if d.AutoScaling != nil {
		out.AutoScaling = oas.NewOptScalingPolicy(policyOf(*d.AutoScaling))
	}
	return out, nil
}

// GetAutoScalingPolicy returns a node group's auto scaling policy.
func (h *handlers) GetAutoScalingPolicy(ctx context.Context, p oas.GetAutoScalingPolicyParams) (*oas.ScalingPolicy, error) {
	v, err := h.eng.GetScalingPolicy(ctx, p.ClusterId, p.NodeGroupId)
	if err != nil {
		return nil, err
	}
	out := policyViewOf(*v)
	return &out, nil
}

// ListNodes lists a cluster's nodes, by ID.
func (h *handlers) ListNodes(ctx context.Context, p oas.ListNodesParams) (*oas.NodeList, error) {
	q := newQuery("nodes", p.ClusterId, joined(p.NodeGroupId), joined(p.State))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	var all []provider.Node
	f := provider.NodeFilter{NodeGroupIDs: p.NodeGroupId, States: p.State}
	if err := h.eng.ListNodes(ctx, p.ClusterId, f, enginePageSize, func(page []provider.Node) error {
		all = append(all, page...)
		return nil
	}); err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, all, func(n provider.Node) string { return n.ID })
	return &oas.NodeList{Items: convert(pg.items, nodeOf), NextCursor: pg.next}, nil
}

// ListScalingActivities lists a cluster's scaling activities, by ID.
func (h *handlers) ListScalingActivities(ctx context.Context, p oas.ListScalingActivitiesParams) (*oas.ScalingActivityList, error) {
	q := newQuery("scaling-activities", p.ClusterId, p.NodeGroupId.Or(""), joined(p.State), p.Type.Or(""))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	var all []engine.ActivityView
	f := provider.ActivityFilter{NodeGroupID: p.NodeGroupId.Or(""), States: p.State, Type: p.Type.Or("")}
	if err := h.eng.ListScalingActivities(ctx, p.ClusterId, f, enginePageSize, func(page []engine.ActivityView) error {
		all = append(all, page...)
		return nil
	}); err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, all, func(a engine.ActivityView) string { return a.ID })
	return &oas.ScalingActivityList{Items: convert(pg.items, activityOf), NextCursor: pg.next}, nil
}

// GetScalingActivity returns one scaling activity.
func (h *handlers) GetScalingActivity(ctx context.Context, p oas.GetScalingActivityParams) (*oas.ScalingActivity, error) {
	a, err := h.eng.GetScalingActivity(ctx, p.ClusterId, p.ActivityId)
	if err != nil {
		return nil, err
	}
	out := activityOf(*a)
	return &out, nil
}

// ListSteps lists the steps of an AWS EMR cluster, by ID.
func (h *handlers) ListSteps(ctx context.Context, p oas.ListStepsParams) (*oas.StepList, error) {
	q := newQuery("steps", p.ClusterId, joined(p.State))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	steps, err := h.eng.ListSteps(ctx, p.ClusterId, p.State)
	if err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, steps, func(s provider.Step) string { return s.ID })
	return &oas.StepList{Items: convert(pg.items, stepOf), NextCursor: pg.next}, nil
}

// GetStep returns one step of an AWS EMR cluster.
func (h *handlers) GetStep(ctx context.Context, p oas.GetStepParams) (*oas.Step, error) {
	s, err := h.eng.GetStep(ctx, p.ClusterId, p.StepId)
	if err != nil {
		return nil, err
	}
	out := stepOf(*s)
	return &out, nil
}

// ListSparkWorkspaces lists Serverless Spark workspaces, by ID.
func (h *handlers) ListSparkWorkspaces(ctx context.Context, p oas.ListSparkWorkspacesParams) (*oas.SparkWorkspaceList, error) {
	q := newQuery("spark-workspaces", p.State.Or(""), p.Name.Or(""))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	ws, err := h.eng.SparkWorkspaces(ctx, provider.SparkWorkspaceFilter{State: p.State.Or(""), Name: p.Name.Or("")})
	if err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, ws, func(w provider.SparkWorkspace) string { return w.ID })
	return &oas.SparkWorkspaceList{Items: convert(pg.items, workspaceOf), NextCursor: pg.next}, nil
}

// GetSparkWorkspace returns one workspace.
func (h *handlers) GetSparkWorkspace(ctx context.Context, p oas.GetSparkWorkspaceParams) (*oas.SparkWorkspace, error) {
	w, err := h.eng.SparkWorkspace(ctx, p.WorkspaceId)
	if err != nil {
		return nil, err
	}
	out := workspaceOf(*w)
	return &out, nil
}

// ListSparkJobRuns lists a workspace's job runs, by ID.
func (h *handlers) ListSparkJobRuns(ctx context.Context, p oas.ListSparkJobRunsParams) (*oas.SparkJobRunList, error) {
	q := newQuery("spark-job-runs", p.WorkspaceId, joined(p.State))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	runs, err := h.eng.SparkJobRuns(ctx, p.WorkspaceId, provider.SparkJobRunFilter{States: p.State})
	if err != nil {
		return nil, err
	}
	pg := paged(h.cursors, q, after, p.Limit, runs, func(r provider.SparkJobRun) string { return r.ID })
	return &oas.SparkJobRunList{Items: convert(pg.items, jobRunOf), NextCursor: pg.next}, nil
}

// GetSparkJobRun returns one job run.
func (h *handlers) GetSparkJobRun(ctx context.Context, p oas.GetSparkJobRunParams) (*oas.SparkJobRun, error) {
	r, err := h.eng.SparkJobRun(ctx, p.WorkspaceId, p.JobRunId)
	if err != nil {
		return nil, err
	}
	out := jobRunOf(*r)
	return &out, nil
}

// ListAuditEntries lists journal entries, newest first.
func (h *handlers) ListAuditEntries(ctx context.Context, p oas.ListAuditEntriesParams) (*oas.JournalEntryList, error) {
	f := journal.Filter{Operation: p.Operation.Or(""), Target: p.Target.Or(""), Status: string(p.Status.Or("")), ActorKind: string(p.ActorKind.Or(""))}
	q := newQuery("audit-entries", f.Operation, f.Target, f.Status, f.ActorKind)
	pg, err := newestFirst(ctx, h.cursors, q, p.Cursor, p.Limit, func(ctx context.Context, until time.Time, n int) ([]journal.Entry, error) {
		f.Until, f.Limit = until, n
		return h.eng.Journal().List(ctx, f)
	}, func(e journal.Entry) string { return timeKey(e.Time, e.ID) })
	if err != nil {
		return nil, err
	}
	return &oas.JournalEntryList{Items: convert(pg.items, entryOf), NextCursor: pg.next}, nil
}

// GetAuditEntry returns one journal entry.
func (h *handlers) GetAuditEntry(ctx context.Context, p oas.GetAuditEntryParams) (*oas.JournalEntry, error) {
	e, err := h.eng.Journal().Get(ctx, p.EntryId)
	if err != nil {
		return nil, fmt.Errorf("journal entry %d: %w", p.EntryId, err)
	}
	out := entryOf(*e)
	return &out, nil
}

// ListAuditEvents lists audit events, newest first.
func (h *handlers) ListAuditEvents(ctx context.Context, p oas.ListAuditEventsParams) (*oas.AuditEventList, error) {
	f := journal.Filter{Event: p.Event.Or(""), Operation: p.Operation.Or(""), Target: p.Target.Or("")}
	q := newQuery("audit-events", f.Event, f.Operation, f.Target)
	pg, err := newestFirst(ctx, h.cursors, q, p.Cursor, p.Limit, func(ctx context.Context, until time.Time, n int) ([]journal.AuditEvent, error) {
		f.Until, f.Limit = until, n
		return h.eng.Journal().ListAudit(ctx, f)
	}, func(e journal.AuditEvent) string { return timeKey(e.Time, e.ID) })
	if err != nil {
		return nil, err
	}
	return &oas.AuditEventList{Items: convert(pg.items, eventOf), NextCursor: pg.next}, nil
}

// timeKey sorts journal rows as the journal does: by time, then ID.
func timeKey(t time.Time, id int64) string { return fmt.Sprintf("%020d/%020d", t.UnixNano(), id) }

// newestFirst pages a journal listing (newest first) with a keyset on
// time and ID pushed down to the journal: it reads only rows up to the
// cursor's time, a page and a little more at a time.
func newestFirst[T any](ctx context.Context, c cursors, q query, cursor oas.OptString, limit oas.OptInt,
	fetch func(ctx context.Context, until time.Time, n int) ([]T, error), key func(T) string) (list[T], error) {
	after, err := c.decode(q, cursor)
	if err != nil {
		return list[T]{}, err
	}
	var until time.Time
	if after != "" {
		ns, err := strconv.ParseInt(strings.SplitN(after, "/", 2)[0], 10, 64)
		if err != nil {
			return list[T]{}, &cursorError{Reason: "not a cursor of this list"}
		}
		until = time.Unix(0, ns+1)
	}
	size := limitOf(limit)
	for n := size + 16; ; n *= 2 {
		rows, err := fetch(ctx, until, n)
		if err != nil {
			return list[T]{}, err
		}
		kept := rows[:0:0]
		for _, r := range rows {
			if after == "" || key(r) < after {
				kept = append(kept, r)
			}
		}
		// Rows of the cursor's own nanosecond that were served already
		// are dropped; read more when they left too few.
		if len(kept) > size || len(rows) < n {
			items, last, more := pageOf(kept, key, "", size, true)
			out := list[T]{items: items}
			if more {
				out.next = oas.NewOptString(c.encode(q, last))
			}
			return out, nil
		}
	}
}
