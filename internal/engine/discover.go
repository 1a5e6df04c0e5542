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
// first as the API orders them; with an empty type, those of every type.
func (e *Engine) ListReleaseVersions(ctx context.Context, clusterType string) ([]ReleaseRow, error) {
	types := ClusterTypes()
	if clusterType != "" {
		if !slices.Contains(types, clusterType) {
			return nil, inputError("clusterType", fmt.Sprintf("%q is not a cluster type", validate.Render(clusterType)), "use one of "+strings.Join(types, ", "))
		}
		types = []string{clusterType}
	}
	p, err := e.aliyun("listing release versions")
	if err != nil {
		return nil, err
	}
	out := []ReleaseRow{}
	for _, t := range types {
		rels, err := read(ctx, e, func(ctx context.Context) ([]provider.ReleaseVersion, error) { return p.ListReleaseVersions(ctx, t) })
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			out = append(out, ReleaseRow{ClusterType: t, Version: r.Version, Series: r.Series})
		}
	}
	return out, nil
}

// ListInstanceTypes returns the instance types offered for a node group,
// with vCPUs, memory and stock in the zone. ListInstanceTypes needs the
// zone, cluster type, payment type and node group type although its
// documentation marks them optional (error-recovery.md, category 3): each
// missing or wrong one is reported with its valid values before anything
// is sent.
func (e *Engine) ListInstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	p, err := e.aliyun("listing instance types")
	if err != nil {
		return nil, err
	}
	const required = "is required: ListInstanceTypes needs it, though its documentation marks it optional"
	var probs []FieldProblem
	enum := func(field, v string, valid []string) {
		switch {
		case v == "":
			probs = append(probs, FieldProblem{Field: field, Problem: required, Fix: "use one of " + strings.Join(valid, ", ")})
		case !slices.Contains(valid, v):
			probs = append(probs, FieldProblem{Field: field, Problem: fmt.Sprintf("%q is not valid", validate.Render(v)), Fix: "use one of " + strings.Join(valid, ", ")})
		}
	}
	// The zones are read once: to list them when the zone is missing or
	// wrong, and to catch a zone of another region before the call.
	zones, zerr := read(ctx, e, func(ctx context.Context) ([]provider.Zone, error) { return p.Zones(ctx) })
	ids := make([]string, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	zoneFix := "use the zone of your vSwitch ('emrctl prereq check' lists them)"
	if zerr == nil && len(ids) > 0 {
		zoneFix = "use the zone of your vSwitch, one of " + strings.Join(ids, ", ")
	}
	switch {
	case q.ZoneID == "":
		probs = append(probs, FieldProblem{Field: "zoneId", Problem: required, Fix: zoneFix})
	case validate.ID(validate.ZoneID, "zoneId", q.ZoneID) != nil:
		probs = append(probs, FieldProblem{Field: "zoneId", Problem: fmt.Sprintf("%q is not a zone ID", validate.Render(q.ZoneID)), Fix: zoneFix})
	case zerr == nil && len(ids) > 0 && !slices.Contains(ids, q.ZoneID):
		probs = append(probs, FieldProblem{Field: "zoneId", Problem: fmt.Sprintf("%q is not a zone of %s", q.ZoneID, e.opts.Region), Fix: zoneFix})
	}
	enum("clusterType", q.ClusterType, ClusterTypes())
	enum("paymentType", q.PaymentType, PaymentTypes())
	enum("nodeGroupType", q.NodeGroupType, NodeGroupTypes())
	if q.DeployMode != "" {
		enum("deployMode", q.DeployMode, spec.DeployMode("").Values())
	}
	if len(probs) > 0 {
		return nil, &InputError{Problems: probs}
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.InstanceType, error) { return p.ListInstanceTypes(ctx, q) })
}

// ListApplications returns the applications of a cluster with their
// versions and states.
func (e *Engine) ListApplications(ctx context.Context, clusterID string) ([]provider.Application, error) {
	if err := checkClusterID(e.opts.Provider, clusterID); err != nil {
		return nil, err
	}
	p, err := e.aliyun("listing applications")
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
	p, err := e.aliyun("listing zones")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.Zone, error) { return p.Zones(ctx) })
}
