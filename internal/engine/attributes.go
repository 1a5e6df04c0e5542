package engine

import (
	"context"
	"fmt"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// AttributesInput changes a cluster's name, description or deletion
// protection. Turning protection off is accepted only on its own.
type AttributesInput struct {
	ClusterID          string `json:"clusterId"`
	Name               string `json:"name,omitempty"`
	Description        string `json:"description,omitempty"`
	DeletionProtection *bool  `json:"deletionProtection,omitempty"`
}

// UpdateAttributes renames, re-describes or (un)protects a cluster.
func (e *Engine) UpdateAttributes(ctx context.Context, call Call, in AttributesInput) (*Outcome, error) {
	var errs []*validate.Error
	errs = append(errs, validate.ID(validate.ClusterID, "cluster ID", in.ClusterID))
	if in.Name != "" {
		errs = append(errs, validate.Name("name", in.Name))
	}
	if in.Description != "" {
		errs = append(errs, validate.Description("description", in.Description))
	}
	if err := checkInput(errs...); err != nil {
		return nil, err
	}
	if in.Name == "" && in.Description == "" && in.DeletionProtection == nil {
		return nil, inputError("attributes", "nothing to change", "pass --name, --description, or --on/--off for protection")
	}
	p, err := e.aliyun("changing cluster attributes")
	if err != nil {
		return nil, err
	}
	cur, err := e.GetCluster(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	op := policy.UpdateClusterAttribute{
		ClusterID: in.ClusterID, Rename: in.Name != "", Redescribe: in.Description != "",
		DeletionProtection: in.DeletionProtection, CurrentProtection: cur.DeletionProtection,
	}
	w := write{
		op: op, operation: "UpdateClusterAttribute", target: in.ClusterID, tokenKind: journal.TokenNone, request: in,
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			rid, err := p.UpdateClusterAttribute(ctx, in.ClusterID, provider.ClusterAttributes{Name: in.Name, Description: in.Description, DeletionProtection: in.DeletionProtection})
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: []string{in.ClusterID}, RequestID: rid}, nil
		},
	}
	return e.guarded(ctx, call, w)
}

// RenewInput sets auto-renewal of a subscription cluster.
type RenewInput struct {
	ClusterID    string `json:"clusterId"`
	Enable       bool   `json:"enable"`
	Duration     int    `json:"duration,omitempty"`
	Unit         string `json:"unit,omitempty"`
	AllInstances bool   `json:"allInstances,omitempty"`
}

// UpdateAutoRenew turns auto-renewal on or off (subscription clusters).
func (e *Engine) UpdateAutoRenew(ctx context.Context, call Call, in RenewInput) (*Outcome, error) {
	if err := checkInput(validate.ID(validate.ClusterID, "cluster ID", in.ClusterID)); err != nil {
		return nil, err
	}
	if in.Unit != "" && in.Unit != "Month" && in.Unit != "Year" {
		return nil, inputError("unit", fmt.Sprintf("%q is not Month or Year", in.Unit), "use --unit Month or --unit Year")
	}
	if in.Enable && in.Duration < 1 {
		return nil, inputError("duration", "auto-renewal needs a term", "pass --duration N (with --unit Month or Year)")
	}
	p, err := e.aliyun("auto-renewal")
	if err != nil {
		return nil, err
	}
	cur, err := e.GetCluster(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	if cur.PaymentType != "Subscription" {
		return nil, inputError("cluster", fmt.Sprintf("cluster %s is %s; auto-renewal applies only to Subscription clusters", in.ClusterID, cur.PaymentType), "nothing to do for pay-as-you-go clusters")
	}
	months := in.Duration
	if in.Unit == "Year" {
		months *= 12
	}
	op := policy.UpdateAutoRenew{ClusterID: in.ClusterID, Enable: in.Enable, Months: months, RenewAllInstances: in.AllInstances}
	w := write{
		op: op, operation: "UpdateClusterAutoRenew", target: in.ClusterID, tokenKind: journal.TokenNone, request: in,
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			rid, err := p.UpdateClusterAutoRenew(ctx, in.ClusterID, provider.AutoRenewInput{Enable: in.Enable, Duration: in.Duration, Unit: in.Unit, AllInstances: in.AllInstances})
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: []string{in.ClusterID}, RequestID: rid}, nil
		},
	}
	return e.guarded(ctx, call, w)
}
