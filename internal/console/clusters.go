package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

// Bounds of what one page shows.
const (
	maxClusters  = 500
	maxNodes     = 100
	maxActivity  = 25
	maxNameQuery = 128
)

// errEnough stops a listing once a page has what it shows.
var errEnough = errors.New("enough")

// clustersView is the cluster list.
type clustersView struct {
	view
	State     string
	Name      string
	States    []string
	Clusters  []provider.Cluster
	Truncated bool
}

// clusterList shows the clusters, filtered by state (a state or an
// alias such as active) and by a part of the name.
func (c *Console) clusterList(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
	q := r.URL.Query()
	v := clustersView{
		view:  c.viewOf(s, p, "Clusters"),
		State: q.Get("state"), Name: q.Get("name"),
		States: append([]string{"all"}, engine.NameKeys(c.stateNames())...),
	}
	f, err := c.clusterFilter(v.State, v.Name)
	if err != nil {
		c.failed(w, r, v.view, err)
		return
	}
	name := strings.ToLower(v.Name)
	err = c.opts.Engine.ListClusters(r.Context(), f, 100, func(page []provider.Cluster) error {
		for _, cl := range page {
			if name != "" && !strings.Contains(strings.ToLower(cl.Name), name) {
				continue
			}
			if len(v.Clusters) == maxClusters {
				v.Truncated = true
				return errEnough
			}
			v.Clusters = append(v.Clusters, cl)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		c.failed(w, r, v.view, err)
		return
	}
	c.render(w, r, http.StatusOK, "clusters", v)
}

// stateNames are the state filters the provider knows.
func (c *Console) stateNames() map[string][]string {
	if t := c.opts.Engine.Traits().ClusterStateNames; t != nil {
		return t
	}
	return engine.StateAliases
}

// clusterFilter checks the list's query parameters. The name is matched
// here, as a case-insensitive part of the name, the same on every cloud.
func (c *Console) clusterFilter(state, name string) (provider.ClusterFilter, error) {
	var f provider.ClusterFilter
	if len(name) > maxNameQuery {
		return f, &queryError{Param: "name", Problem: "longer than 128 bytes", Fix: "search for a shorter part of the name"}
	}
	if state == "" {
		return f, nil
	}
	states, err := c.opts.Engine.ClusterStates("state", []string{state})
	if err != nil {
		return f, err
	}
	f.States = states
	return f, nil
}

// clusterView is one cluster's page.
type clusterView struct {
	view
	Cluster   *engine.ClusterView
	Nodes     []provider.Node
	MoreNodes bool
	Activity  []activity
}

// clusterPage shows one cluster: its summary, node groups, first nodes,
// applications and the recent writes and audit events on it.
func (c *Console) clusterPage(w http.ResponseWriter, r *http.Request, s *session, p *auth.Principal) {
	ctx := r.Context()
	id := r.PathValue("id")
	v := clusterView{view: c.viewOf(s, p, "Cluster")}
	cv, err := c.opts.Engine.DescribeCluster(ctx, id)
	if err != nil {
		c.failed(w, r, v.view, err)
		return
	}
	v.Cluster = cv
	if len(cv.NodeGroups) > 0 {
		err = c.opts.Engine.ListNodes(ctx, id, provider.NodeFilter{}, maxNodes, func(page []provider.Node) error {
			for _, n := range page {
				if len(v.Nodes) == maxNodes {
					v.MoreNodes = true
					return errEnough
				}
				v.Nodes = append(v.Nodes, n)
			}
			return nil
		})
		if err != nil && !errors.Is(err, errEnough) {
			c.failed(w, r, v.view, err)
			return
		}
	}
	targets := []string{id}
	for _, g := range cv.NodeGroups {
		targets = append(targets, id+"/"+g.ID)
	}
	if v.Activity, err = c.recentActivity(ctx, id, cv.Cluster.Name, targets); err != nil {
		c.failed(w, r, v.view, err)
		return
	}
	c.render(w, r, http.StatusOK, "cluster", v)
}

// activity is one line of the journal: a write or an audit event.
type activity struct {
	ID        int64
	Time      time.Time
	Kind      string // "write" or "event"
	Actor     string
	ActorKind string
	Operation string
	Target    string
	What      string // a write's status, an event's name
	Detail    string
}

func writeActivity(e journal.Entry) activity {
	detail := e.ErrorCode
	if e.ErrorMessage != "" {
		detail = strings.TrimSpace(detail + " " + e.ErrorMessage)
	}
	if detail == "" && len(e.ResultIDs) > 0 {
		detail = strings.Join(e.ResultIDs, ", ")
	}
	return activity{ID: e.ID, Time: e.Time, Kind: "write", Actor: e.Actor, ActorKind: e.ActorKind,
		Operation: e.Operation, Target: e.Target, What: string(e.Status), Detail: detail}
}

func eventActivity(ev journal.AuditEvent) activity {
	return activity{ID: ev.ID, Time: ev.Time, Kind: "event", Actor: ev.Actor, ActorKind: ev.ActorKind,
		Operation: ev.Operation, Target: ev.Target, What: ev.Event, Detail: ev.Detail}
}

// recentActivity is the newest writes and audit events on a cluster:
// those on its ID and its node groups' targets, and its creation, which
// is journaled under the cluster's name (it had no ID yet) and names the
// ID among its results.
func (c *Console) recentActivity(ctx context.Context, id, name string, targets []string) ([]activity, error) {
	var out []activity
	for _, t := range targets {
		f := journal.Filter{Target: t, Limit: maxActivity}
		entries, err := c.opts.Journal.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			out = append(out, writeActivity(e))
		}
		events, err := c.opts.Journal.ListAudit(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			out = append(out, eventActivity(ev))
		}
	}
	if name != "" && name != id {
		created, err := c.opts.Journal.List(ctx, journal.Filter{Target: name, Limit: maxActivity})
		if err != nil {
			return nil, err
		}
		for _, e := range created {
			if slices.Contains(e.ResultIDs, id) {
				out = append(out, writeActivity(e))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b activity) int { return b.Time.Compare(a.Time) })
	return out[:min(len(out), maxActivity)], nil
}

// viewOf is the common part of a logged-in page.
func (c *Console) viewOf(s *session, p *auth.Principal, title string) view {
	return view{Title: title, Principal: p, CSRF: s.csrf, Flash: s.takeFlash()}
}
