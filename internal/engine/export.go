package engine

import (
	"context"
	"fmt"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// ExportOptions change the spec an export writes.
type ExportOptions struct {
	// Name replaces the source cluster's name: a clone needs its own.
	Name string `json:"name,omitempty"`
}

// ExportResult is a cluster written as a spec.
type ExportResult struct {
	SourceID string        `json:"sourceId"`
	Spec     *spec.Cluster `json:"spec"`
	// YAML is the spec as written to a file, with its header comment.
	YAML string `json:"yaml"`
	// Problems are what 'cluster create' would refuse or warn about as
	// the spec stands (a password variable to set, a name to change).
	Problems []FieldProblem `json:"problems,omitempty"`
}

// ExportCluster turns a cluster into a spec the user can edit and create
// from (cluster-lifecycle.md "Clone Cluster"). Passwords are never
// exported: the spec names the environment variables that must hold them.
// The spec is checked to load back strictly, so what is written is what
// 'cluster create -f' reads.
func (e *Engine) ExportCluster(ctx context.Context, clusterID string, o ExportOptions) (*ExportResult, error) {
	errs := []*validate.Error{e.clusterID(clusterID)}
	if o.Name != "" {
		errs = append(errs, validate.Name("name", o.Name))
	}
	if err := checkInput(errs...); err != nil {
		return nil, err
	}
	p, err := capability[provider.Exporter](e, "exporting clusters")
	if err != nil {
		return nil, err
	}
	c, err := read(ctx, e, func(ctx context.Context) (*spec.Cluster, error) { return p.ExportSpec(ctx, clusterID) })
	if err != nil {
		return nil, err
	}
	source := c.Name
	if c.Region == "" {
		c.Region = e.opts.Region
	}
	if o.Name != "" {
		c.Name = o.Name
	}
	raw, err := spec.Marshal(c)
	if err != nil {
		return nil, err
	}
	back, err := spec.Load(raw)
	if err != nil {
		return nil, fmt.Errorf("export %s: the written spec does not load back: %w", clusterID, err)
	}
	res := &ExportResult{SourceID: clusterID, Spec: c, YAML: string(raw)}
	spec.SetDefaults(back)
	for _, pr := range spec.Validate(back, spec.DefaultValidateOptions()) {
		res.Problems = append(res.Problems, FieldProblem{Field: pr.Path, Problem: pr.Message, Fix: pr.Fix, Warning: pr.Severity == spec.Warning})
	}
	if o.Name == "" || o.Name == source {
		res.Problems = append(res.Problems, FieldProblem{Field: "name", Problem: "is the source cluster's name", Fix: "give the clone its own name (--name or edit the spec)", Warning: true})
	}
	return res, nil
}
