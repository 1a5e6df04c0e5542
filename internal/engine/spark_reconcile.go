package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Reconciliations of the Serverless Spark creates whose outcome is
// unknown and whose client token the service no longer remembers (within
// its window, the same token is sent again instead). A workspace or job
// run emrctl creates carries its token in emrctl's request tag; a session
// cluster or Kyuubi service is recognised by its name, as one that was not
// there before the attempt.

// hasRequestTag reports whether tags carry token in emrctl's request tag.
func hasRequestTag(tags []provider.Tag, token string) bool {
	return slices.Contains(tags, provider.Tag{Key: sparkRequestTagKey, Value: token})
}

// byRequestTag decides from the IDs of the resources carrying the
// attempt's token.
func byRequestTag(what string, ids []string, token string) verdict {
	switch len(ids) {
	case 0:
		return notAppliedBecause("no %s carries its request tag %s", what, token)
	case 1:
		return appliedBecause(&provider.WriteResult{IDs: ids}, "%s %s carries its request tag", what, ids[0])
	}
	return cannotTellBecause("%ss %s all carry its request tag", what, strings.Join(ids, ", "))
}

// reconcileSparkWorkspace finds the workspace an attempt of CreateWorkspace
// created by its request tag.
func reconcileSparkWorkspace(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	p, err := e.spark()
	if err != nil {
		return verdict{}, err
	}
	if entry.Token == "" {
		return cannotTellBecause("the journal entry has no token to look for"), nil
	}
	f := provider.SparkWorkspaceFilter{Tags: []provider.Tag{{Key: sparkRequestTagKey, Value: entry.Token}}}
	list, err := allPages(ctx, e, "workspaces", func(ctx context.Context, token string) (*provider.Page[provider.SparkWorkspace], error) {
		return p.ListSparkWorkspaces(ctx, f, token, sparkPageSize)
	})
	if err != nil {
		return verdict{}, err
	}
	var ids []string
	for _, w := range list {
		if hasRequestTag(w.Tags, entry.Token) {
			ids = append(ids, w.ID)
		}
	}
	return byRequestTag("workspace", ids, entry.Token), nil
}

// reconcileSparkJobRun finds the job run an attempt of StartJobRun
// submitted in its workspace (the entry's target) by its request tag.
func reconcileSparkJobRun(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	p, err := e.spark()
	if err != nil {
		return verdict{}, err
	}
	if entry.Token == "" {
		return cannotTellBecause("the journal entry has no token to look for"), nil
	}
	f := provider.SparkJobRunFilter{Tags: []provider.Tag{{Key: sparkRequestTagKey, Value: entry.Token}}, StartedAfter: entry.Time.Add(-createClockSkew)}
	list, err := allPages(ctx, e, "job runs", func(ctx context.Context, token string) (*provider.Page[provider.SparkJobRun], error) {
		return p.ListSparkJobRuns(ctx, entry.Target, f, token, sparkPageSize)
	})
	if err != nil {
		return verdict{}, err
	}
	var ids []string
	for _, r := range list {
		if hasRequestTag(r.Tags, entry.Token) {
			ids = append(ids, r.ID)
		}
	}
	return byRequestTag("job run", ids, entry.Token), nil
}

// byName decides from the resources of the attempt's name that were not
// there before it (the entry's observed state).
func byName(what string, entry *journal.Entry, ids func(name string) ([]string, error)) (verdict, error) {
	var obs sparkCreateObserved
	if err := json.Unmarshal(entry.Observed, &obs); err != nil || obs.Name == "" {
		return cannotTellBecause("the journal entry does not record the %s's name", what), nil
	}
	now, err := ids(obs.Name)
	if err != nil {
		return verdict{}, err
	}
	var added []string
	for _, id := range now {
		if !slices.Contains(obs.IDs, id) {
			added = append(added, id)
		}
	}
	switch len(added) {
	case 0:
		return notAppliedBecause("no %s named %s appeared after it", what, validate.Render(obs.Name)), nil
	case 1:
		return appliedBecause(&provider.WriteResult{IDs: added}, "%s %s named %s appeared after it", what, added[0], validate.Render(obs.Name)), nil
	}
	return cannotTellBecause("%ss %s named %s appeared after it; another caller may have created one", what, strings.Join(added, ", "), validate.Render(obs.Name)), nil
}

// reconcileSparkSession decides whether CreateSessionCluster was applied:
// a session of its name that was not there before.
func reconcileSparkSession(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	p, err := e.spark()
	if err != nil {
		return verdict{}, err
	}
	return byName("session cluster", entry, func(name string) ([]string, error) {
		list, err := e.sessions(ctx, p, entry.Target, provider.SparkSessionFilter{})
		return namedIDs(list, name, func(s provider.SparkSession) string { return s.Name }, func(s provider.SparkSession) string { return s.ID }), err
	})
}

// reconcileSparkKyuubi decides whether CreateKyuubiService was applied: a
// service of its name that was not there before.
func reconcileSparkKyuubi(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	p, err := e.spark()
	if err != nil {
		return verdict{}, err
	}
	return byName("Kyuubi service", entry, func(name string) ([]string, error) {
		list, err := read(ctx, e, func(ctx context.Context) ([]provider.SparkKyuubiService, error) {
			return p.ListSparkKyuubi(ctx, entry.Target)
		})
		return namedIDs(list, name, func(k provider.SparkKyuubiService) string { return k.Name }, func(k provider.SparkKyuubiService) string { return k.ID }), err
	})
}
