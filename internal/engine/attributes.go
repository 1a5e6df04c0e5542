package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// AttributesInput changes a cluster's name, description or deletion
// protection (termination protection on AWS). Turning protection off is
// accepted only on its own.
type AttributesInput struct {
	ClusterID          string `json:"clusterId"`
	Name               string `json:"name,omitempty"`
	Description        string `json:"description,omitempty"`
	DeletionProtection *bool  `json:"deletionProtection,omitempty"`
}

// onOff names a protection state.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// UpdateAttributes renames, re-describes or (un)protects a cluster. It is
// declarative: what already holds is left alone and said so; only the
// attributes that differ are sent.
func (e *Engine) UpdateAttributes(ctx context.Context, call Call, in AttributesInput) (*Outcome, error) {
	errs := []*validate.Error{e.clusterID(in.ClusterID)}
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
	if err := e.checkAttributes(in); err != nil {
		return nil, err
	}
	p, err := capability[provider.AttributeUpdater](e, "changing cluster attributes")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*Outcome]{
		operation: "UpdateClusterAttribute", target: in.ClusterID, input: in, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
			cur, err := e.GetCluster(ctx, in.ClusterID)
			if err != nil {
				return nil, err
			}
			change, held := attributeChange(cur, in)
			op := policy.UpdateClusterAttribute{
				ClusterID: in.ClusterID, Rename: change.Name != "", Redescribe: change.Description != "",
				DeletionProtection: change.DeletionProtection, CurrentProtection: cur.DeletionProtection,
			}
			if change == (provider.ClusterAttributes{}) {
				return f.unchanged(ctx, op, "cluster "+in.ClusterID+" already has "+strings.Join(held, " and ")), nil
			}
			return f.apply(ctx, write{
				op: op, operation: "UpdateClusterAttribute", target: in.ClusterID, tokenKind: journal.TokenNone,
				request: p.AttributesRequest(in.ClusterID, change),
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.UpdateClusterAttributes(ctx, in.ClusterID, change)
				},
			})
		},
	})
}

// checkAttributes refuses attributes the cloud cannot change.
func (e *Engine) checkAttributes(in AttributesInput) error {
	t := e.Traits()
	for _, a := range []struct {
		name, flag string
		set        bool
	}{
		{provider.AttrName, "--name", in.Name != ""},
		{provider.AttrDescription, "--description", in.Description != ""},
		{provider.AttrDeletionProtection, "--on/--off", in.DeletionProtection != nil},
	} {
		if a.set && !slices.Contains(t.Attributes, a.name) {
			return inputError(a.name, fmt.Sprintf("%s cannot change a cluster's %s", t.Cloud, a.name), "leave out "+a.flag)
		}
	}
	return nil
}

// attributeChange is the part of in that differs from the cluster, and
// what already holds.
func attributeChange(cur *provider.Cluster, in AttributesInput) (change provider.ClusterAttributes, held []string) {
	if in.Name != "" {
		if in.Name == cur.Name {
			held = append(held, fmt.Sprintf("the name %s", validate.Render(in.Name)))
		} else {
			change.Name = in.Name
		}
	}
	if in.Description != "" {
		if in.Description == cur.Description {
			held = append(held, "that description")
		} else {
			change.Description = in.Description
		}
	}
	if p := in.DeletionProtection; p != nil {
		if *p == cur.DeletionProtection {
			held = append(held, "deletion protection "+onOff(*p))
		} else {
			change.DeletionProtection = p
		}
	}
	return change, held
}

func markOutcome(o *Outcome, status, note string) *Outcome {
	if o == nil {
		o = &Outcome{}
	}
	o.Status, o.Note = status, note
	return o
}

// RenewInput sets auto-renewal of a subscription cluster.
type RenewInput struct {
	ClusterID    string `json:"clusterId"`
	Enable       bool   `json:"enable"`
	Duration     int    `json:"duration,omitempty"`
	Unit         string `json:"unit,omitempty"`
	AllInstances bool   `json:"allInstances,omitempty"`
}

// UpdateAutoRenew turns auto-renewal on or off (subscription clusters),
// declaratively: a setting that already holds is not sent again.
func (e *Engine) UpdateAutoRenew(ctx context.Context, call Call, in RenewInput) (*Outcome, error) {
	if err := e.checkClusterID(in.ClusterID); err != nil {
		return nil, err
	}
	if in.Unit != "" && in.Unit != "Month" && in.Unit != "Year" {
		return nil, inputError("unit", fmt.Sprintf("%q is not Month or Year", validate.Render(in.Unit)), "use --unit Month or --unit Year")
	}
	if in.Enable && in.Duration < 1 {
		return nil, inputError("duration", "auto-renewal needs a term", "pass --duration N (with --unit Month or Year)")
	}
	if !in.Enable && in.Duration != 0 {
		return nil, inputError("duration", "a term applies only when turning auto-renewal on", "leave out --duration and --unit")
	}
	p, err := capability[provider.Renewer](e, "auto-renewal")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*Outcome]{
		operation: "UpdateClusterAutoRenew", target: in.ClusterID, input: in, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
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
			if renewHolds(cur, in) {
				return f.unchanged(ctx, op, fmt.Sprintf("auto-renewal of cluster %s is already %s", in.ClusterID, renewText(in))), nil
			}
			pin := provider.AutoRenewInput{Enable: in.Enable, Duration: in.Duration, Unit: in.Unit, AllInstances: in.AllInstances}
			return f.apply(ctx, write{
				op: op, operation: "UpdateClusterAutoRenew", target: in.ClusterID, tokenKind: journal.TokenNone,
				request: p.AutoRenewRequest(in.ClusterID, pin),
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.UpdateAutoRenew(ctx, in.ClusterID, pin)
				},
			})
		},
	})
}

// renewHolds reports whether the cluster's auto-renewal already is what
// in asks. Renewing all instances is an action on the nodes, not a
// setting of the cluster: it is always sent.
func renewHolds(c *provider.Cluster, in RenewInput) bool {
	if in.AllInstances || c.Aliyun == nil || c.Aliyun.Subscription == nil {
		return false
	}
	s := c.Aliyun.Subscription
	if !in.Enable {
		return !s.AutoRenew
	}
	unit := orText(in.Unit, "Month")
	return s.AutoRenew && s.AutoRenewDuration == in.Duration && orText(s.AutoRenewUnit, "Month") == unit
}

func renewText(in RenewInput) string {
	if !in.Enable {
		return "off"
	}
	return fmt.Sprintf("on for %d %s(s)", in.Duration, orText(in.Unit, "Month"))
}
