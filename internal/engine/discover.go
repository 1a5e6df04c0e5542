package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// ClusterTypes are the cluster types RunCluster creates, in the order
// cluster-lifecycle.md presents them.
func ClusterTypes() []string { return spec.ClusterType("").Values() }

// PaymentTypes are the billing methods of clusters and node groups.
func PaymentTypes() []string { return spec.PaymentType("").Values() }

// NodeGroupTypes are the roles of node groups.
func NodeGroupTypes() []string { return spec.NodeRole("").Values() }

// ReleaseRow is one EMR release a cluster type can use.
type ReleaseRow struct {
	ClusterType string `json:"clusterType"`
	Version     string `json:"version"`
	Series      string `json:"series,omitempty"`
}

// ListReleaseVersions returns the EMR releases of a cluster type, newest
// first as the API orders them; with an empty type, those of every type
// (a cloud without cluster types has one list).
func (e *Engine) ListReleaseVersions(ctx context.Context, clusterType string) ([]ReleaseRow, error) {
	types := e.Traits().ClusterTypes
	switch {
	case clusterType != "" && !slices.Contains(types, clusterType):
		fix := "leave it out: " + e.Traits().Cloud + " has no cluster types"
		if len(types) > 0 {
			fix = "use one of " + strings.Join(types, ", ")
		}
		return nil, inputError("clusterType", fmt.Sprintf("%q is not a cluster type", validate.Render(clusterType)), fix)
	case clusterType != "":
		types = []string{clusterType}
	case len(types) == 0:
		types = []string{""}
	}
	p, err := capability[provider.ReleaseLister](e, "listing release versions")
	if err != nil {
		return nil, err
	}
	out := []ReleaseRow{}
	for _, t := range types {
		rels, err := read(ctx, e, func(ctx context.Context) ([]provider.ReleaseVersion, error) {
			return p.ListReleaseVersions(ctx, provider.ReleaseQuery{ClusterType: t})
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			out = append(out, ReleaseRow{ClusterType: t, Version: r.Version, Series: r.Series})
		}
	}
	return out, nil
}

// ReleaseLabels lists release versions by prefix (emr-7) and application
// (Spark), as AWS offers them.
func (e *Engine) ReleaseLabels(ctx context.Context, prefix, application string) ([]provider.ReleaseVersion, error) {
	p, err := capability[provider.ReleaseLister](e, "listing release versions")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.ReleaseVersion, error) {
		return p.ListReleaseVersions(ctx, provider.ReleaseQuery{Prefix: prefix, Application: application})
	})
}

// ListInstanceTypes returns the instance types offered for a node group,
// with vCPUs, memory and stock in the zone. ListInstanceTypes needs the
// zone, cluster type, payment type and node group type although its
// documentation marks them optional (error-recovery.md, category 3): each
// missing or wrong one is reported with its valid values before anything
// is sent.
func (e *Engine) ListInstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	p, err := capability[provider.InstanceTypeLister](e, "listing instance types")
	if err != nil {
		return nil, err
	}
	if probs := e.instanceTypeQueryProblems(ctx, q); len(probs) > 0 {
		return nil, &InputError{Problems: probs}
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.InstanceType, error) { return p.ListInstanceTypes(ctx, q) })
}

// instanceTypeQueryProblems checks the fields the cloud needs (Traits):
// each missing or wrong one is reported with its valid values.
func (e *Engine) instanceTypeQueryProblems(ctx context.Context, q provider.InstanceTypeQuery) []FieldProblem {
	t := e.Traits()
	const required = "is required: the cloud needs it to list instance types, though its documentation may mark it optional"
	var probs []FieldProblem
	enum := func(field, v string, valid []string) {
		needed := slices.Contains(t.InstanceTypeQuery, field)
		switch {
		case v == "" && needed:
			probs = append(probs, FieldProblem{Field: field, Problem: required, Fix: "use one of " + strings.Join(valid, ", ")})
		case v != "" && len(valid) > 0 && !slices.Contains(valid, v):
			probs = append(probs, FieldProblem{Field: field, Problem: fmt.Sprintf("%q is not valid", validate.Render(v)), Fix: "use one of " + strings.Join(valid, ", ")})
		}
	}
	if slices.Contains(t.InstanceTypeQuery, "zoneId") || q.ZoneID != "" {
		probs = append(probs, e.zoneProblems(ctx, q.ZoneID)...)
	}
	enum("clusterType", q.ClusterType, t.ClusterTypes)
	enum("paymentType", q.PaymentType, t.PaymentTypes)
	enum("nodeGroupType", q.NodeGroupType, t.NodeGroupRoles)
	if q.DeployMode != "" {
		enum("deployMode", q.DeployMode, spec.DeployMode("").Values())
	}
	if slices.Contains(t.InstanceTypeQuery, "releaseVersion") && q.ReleaseVersion == "" {
		probs = append(probs, FieldProblem{Field: "releaseVersion", Problem: required, Fix: "name the release ('emrctl discover releases' lists them)"})
	}
	return probs
}

// zoneProblems checks a zone ID, and that it is a zone of the region when
// the provider can list zones.
func (e *Engine) zoneProblems(ctx context.Context, zone string) []FieldProblem {
	var ids []string
	if n, ok := e.opts.Provider.(provider.Network); ok {
		zones, err := read(ctx, e, func(ctx context.Context) ([]provider.Zone, error) { return n.Zones(ctx) })
		if err == nil {
			for _, z := range zones {
				ids = append(ids, z.ID)
			}
		}
	}
	fix := "use the zone of your vSwitch ('emrctl prereq check' lists them)"
	if len(ids) > 0 {
		fix = "use the zone of your vSwitch, one of " + strings.Join(ids, ", ")
	}
	switch {
	case zone == "":
		return []FieldProblem{{Field: "zoneId", Problem: "is required: the cloud needs it to list instance types, though its documentation may mark it optional", Fix: fix}}
	case validate.ID(validate.ZoneID, "zoneId", zone) != nil:
		return []FieldProblem{{Field: "zoneId", Problem: fmt.Sprintf("%q is not a zone ID", validate.Render(zone)), Fix: fix}}
	case len(ids) > 0 && !slices.Contains(ids, zone):
		return []FieldProblem{{Field: "zoneId", Problem: fmt.Sprintf("%q is not a zone of %s", zone, e.opts.Region), Fix: fix}}
	}
	return nil
}

// ListApplications returns the applications of a cluster with their
// versions and states.
func (e *Engine) ListApplications(ctx context.Context, clusterID string) ([]provider.Application, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	p, err := capability[provider.ApplicationLister](e, "listing applications")
	if err != nil {
		return nil, err
	}
	apps, err := read(ctx, e, func(ctx context.Context) ([]provider.Application, error) { return p.ListApplications(ctx, clusterID) })
	if apps == nil && err == nil {
		apps = []provider.Application{}
	}
	return apps, err
}

// Zones lists the zones of the engine's region.
func (e *Engine) Zones(ctx context.Context) ([]provider.Zone, error) {
	p, err := capability[provider.Network](e, "listing zones")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.Zone, error) { return p.Zones(ctx) })
}
