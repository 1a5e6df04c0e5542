package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/safetext"
	"github.com/emrctl/emrctl/internal/validate"
)

// The AWS-only scaling writes: instance fleets, sized in capacity units,
// and EMR managed scaling, which sizes a whole cluster within limits. The
// node groups every cloud shares (instance groups) are scaled by the
// neutral CreateNodeGroup, ResizeNodeGroup and the auto-scaling policy
// writes.

// Journal operations of the AWS-only scaling writes.
const (
	opAddInstanceFleet     = "AddInstanceFleet"
	opPutManagedScaling    = "PutManagedScalingPolicy"
	opRemoveManagedScaling = "RemoveManagedScalingPolicy"
)

// AddGroupResult is what adding an instance fleet did.
type AddGroupResult struct {
	ClusterID string   `json:"clusterId"`
	IDs       []string `json:"ids"`
	Outcome   *Outcome `json:"outcome"`
}

func (r *AddGroupResult) outcome() *Outcome { return r.Outcome }

func markAddGroup(r *AddGroupResult, status, note string) *AddGroupResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// fleetObservation names the fleet an AddInstanceFleet asked for, for
// reconciliation after a lost response.
type fleetObservation struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// AddInstanceFleet adds a TASK instance fleet to a cluster that uses
// fleets (policy: CreateNodeGroup limits on its target capacity). It is an
// additive write without a token: after an unknown outcome the engine
// looks for a fleet of that name before it sends again.
func (e *Engine) AddInstanceFleet(ctx context.Context, call Call, clusterID string, f provider.FleetSpec) (*AddGroupResult, error) {
	f.Role = strings.ToUpper(f.Role)
	if err := e.checkFleet(clusterID, f); err != nil {
		return nil, err
	}
	p, err := capability[provider.InstanceFleets](e, "instance fleets")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*AddGroupResult]{
		operation: opAddInstanceFleet, target: clusterID, input: f, mark: markAddGroup,
		do: func(ctx context.Context, fl *flight) (*AddGroupResult, error) {
			fleets, err := read(ctx, e, func(ctx context.Context) ([]provider.InstanceFleet, error) { return p.InstanceFleets(ctx, clusterID) })
			if err != nil {
				return nil, err
			}
			total := 0
			for _, x := range fleets {
				total += x.ProvisionedOnDemandCapacity + x.ProvisionedSpotCapacity
				if f.Name != "" && x.Name == f.Name {
					return nil, inputError("name", "instance fleet "+x.ID+" already has the name "+validate.Render(x.Name), "choose another name")
				}
			}
			paid := "ON_DEMAND"
			if f.TargetSpotCapacity > 0 {
				paid = "ON_DEMAND+SPOT"
			}
			op := policy.CreateNodeGroup{ClusterID: clusterID, Name: f.Name, Role: f.Role, PaymentType: paid, Count: f.TargetOnDemandCapacity + f.TargetSpotCapacity, ClusterNodes: total}
			out, err := fl.apply(ctx, write{
				op: op, operation: opAddInstanceFleet, target: clusterID, tokenKind: journal.TokenNone,
				request: map[string]any{"clusterId": clusterID, "instanceFleet": f}, observed: fleetObservation{Name: f.Name, Role: f.Role},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.AddInstanceFleet(ctx, clusterID, f)
				},
			})
			if err != nil {
				return nil, err
			}
			res := &AddGroupResult{ClusterID: clusterID, IDs: []string{}, Outcome: out}
			if out.Result != nil {
				res.IDs = out.Result.IDs
			}
			return res, nil
		},
	})
}

// checkFleet validates a fleet to add before anything is read or sent.
func (e *Engine) checkFleet(clusterID string, f provider.FleetSpec) error {
	if err := e.checkClusterID(clusterID); err != nil {
		return err
	}
	if f.Role != policy.RoleTask {
		return inputError("role", fmt.Sprintf("%q fleets cannot be added to a running cluster", validate.Render(f.Role)), "add a TASK fleet")
	}
	if len(f.InstanceTypes) == 0 {
		return inputError("instanceTypes", "no instance type", "list at least one instance type")
	}
	var errs []*validate.Error
	for i, t := range f.InstanceTypes {
		errs = append(errs, validate.ID(validate.AWSInstanceType, fmt.Sprintf("instanceTypes[%d]", i), t.InstanceType))
	}
	if f.Name != "" {
		errs = append(errs, validate.Name("name", f.Name))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	if f.TargetOnDemandCapacity < 0 || f.TargetSpotCapacity < 0 {
		return inputError("capacity", "target capacities must not be negative", "use 0 or more")
	}
	return nil
}

// reconcileAddFleet decides whether an AddInstanceFleet with an unknown
// outcome was applied: a fleet of its name and role exists or not.
func reconcileAddFleet(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	var obs fleetObservation
	if err := json.Unmarshal(entry.Observed, &obs); err != nil || obs.Name == "" {
		return cannotTellBecause("the journal entry does not record the fleet's name"), nil
	}
	p, err := capability[provider.InstanceFleets](e, "instance fleets")
	if err != nil {
		return verdict{}, err
	}
	fleets, err := read(ctx, e, func(ctx context.Context) ([]provider.InstanceFleet, error) {
		return p.InstanceFleets(ctx, entry.Target)
	})
	if err != nil {
		return verdict{}, err
	}
	for _, x := range fleets {
		if x.Name == obs.Name && x.Role == obs.Role {
			return appliedBecause(&provider.WriteResult{IDs: []string{x.ID}}, "instance fleet %s named %s exists", x.ID, validate.Render(obs.Name)), nil
		}
	}
	return notAppliedBecause("no %s instance fleet is named %s", obs.Role, validate.Render(obs.Name)), nil
}

// managedScalingTarget names managed scaling for the policy: it scales the
// whole cluster, within the auto-scaling limits.
const managedScalingTarget = "managed-scaling"

// ManagedScalingChange is a put or remove of a managed scaling policy.
type ManagedScalingChange struct {
	ClusterID string                   `json:"clusterId"`
	Previous  *provider.ManagedScaling `json:"previous,omitempty"`
	Policy    *provider.ManagedScaling `json:"policy,omitempty"`
	Outcome   *Outcome                 `json:"outcome"`
}

func (r *ManagedScalingChange) outcome() *Outcome { return r.Outcome }

func markManaged(r *ManagedScalingChange, status, note string) *ManagedScalingChange {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// ManagedScaling returns a cluster's managed scaling policy, or nil.
func (e *Engine) ManagedScaling(ctx context.Context, clusterID string) (*provider.ManagedScaling, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	p, err := capability[provider.ManagedScaler](e, "managed scaling")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.ManagedScaling, error) {
		return p.ManagedScalingPolicy(ctx, clusterID)
	})
}

func awsCheckManagedScaling(m provider.ManagedScaling) error {
	var probs []FieldProblem
	if !slices.Contains([]string{"Instances", "InstanceFleetUnits", "VCPU"}, m.UnitType) {
		probs = append(probs, FieldProblem{Field: "unitType", Problem: fmt.Sprintf("%q is not a unit type", validate.Render(m.UnitType)), Fix: "use Instances, InstanceFleetUnits or VCPU"})
	}
	if m.MinimumCapacityUnits < 1 {
		probs = append(probs, FieldProblem{Field: "minimumCapacityUnits", Problem: "must be at least 1", Fix: "use 1 or more"})
	}
	if m.MaximumCapacityUnits < m.MinimumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumCapacityUnits", Problem: "is below the minimum", Fix: "make the maximum at least the minimum"})
	}
	if m.MaximumOnDemandCapacityUnits > m.MaximumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumOnDemandCapacityUnits", Problem: "is above maximumCapacityUnits", Fix: "keep it at most the maximum"})
	}
	if m.MaximumCoreCapacityUnits > m.MaximumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumCoreCapacityUnits", Problem: "is above maximumCapacityUnits", Fix: "keep it at most the maximum"})
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

// PutManagedScaling sets a cluster's managed scaling policy: a
// declarative write (the same policy again is not sent). The policy judges
// it as an auto-scaling policy of the whole cluster: confirmed, and its
// maximum within the auto-scaling MaxCapacity limit.
func (e *Engine) PutManagedScaling(ctx context.Context, call Call, clusterID string, m provider.ManagedScaling) (*ManagedScalingChange, error) {
	if err := awsCheckManagedScaling(m); err != nil {
		return nil, err
	}
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	p, err := capability[provider.ManagedScaler](e, "managed scaling")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*ManagedScalingChange]{
		operation: opPutManagedScaling, target: clusterID, input: m, mark: markManaged,
		do: func(ctx context.Context, f *flight) (*ManagedScalingChange, error) {
			cur, err := e.ManagedScaling(ctx, clusterID)
			if err != nil {
				return nil, err
			}
			res := &ManagedScalingChange{ClusterID: clusterID, Previous: cur, Policy: &m}
			op := policy.PutAutoScalingPolicy{
				ClusterID: clusterID, NodeGroupID: managedScalingTarget, Role: policy.RoleTask,
				MinCapacity: m.MinimumCapacityUnits, MaxCapacity: m.MaximumCapacityUnits, Diff: awsPolicyDiff(awsAnyOrNil(cur), m),
			}
			if cur != nil {
				op.Current = &policy.PolicySnapshot{MinCapacity: cur.MinimumCapacityUnits, MaxCapacity: cur.MaximumCapacityUnits}
			}
			if cur != nil && *cur == m {
				res.Outcome = f.unchanged(ctx, op, "cluster "+clusterID+" already has this managed scaling policy")
				return res, nil
			}
			res.Outcome, err = f.apply(ctx, write{
				op: op, operation: opPutManagedScaling, target: clusterID, tokenKind: journal.TokenNone, request: m,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.PutManagedScalingPolicy(ctx, clusterID, m)
				},
			})
			if err != nil {
				return nil, err
			}
			return res, nil
		},
	})
}

func awsAnyOrNil(m *provider.ManagedScaling) any {
	if m == nil {
		return nil
	}
	return *m
}

// RemoveManagedScaling removes a cluster's managed scaling policy; a
// cluster without one is left alone and said so.
func (e *Engine) RemoveManagedScaling(ctx context.Context, call Call, clusterID string) (*ManagedScalingChange, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	p, err := capability[provider.ManagedScaler](e, "managed scaling")
	if err != nil {
		return nil, err
	}
	in := map[string]string{"clusterId": clusterID}
	return run(ctx, e, call, job[*ManagedScalingChange]{
		operation: opRemoveManagedScaling, target: clusterID, input: in, mark: markManaged,
		do: func(ctx context.Context, f *flight) (*ManagedScalingChange, error) {
			cur, err := e.ManagedScaling(ctx, clusterID)
			if err != nil {
				return nil, err
			}
			res := &ManagedScalingChange{ClusterID: clusterID, Previous: cur}
			op := policy.RemoveAutoScalingPolicy{ClusterID: clusterID, NodeGroupID: managedScalingTarget}
			if cur == nil {
				res.Outcome = f.unchanged(ctx, op, "cluster "+clusterID+" already has no managed scaling policy")
				return res, nil
			}
			op.Current = &policy.PolicySnapshot{MinCapacity: cur.MinimumCapacityUnits, MaxCapacity: cur.MaximumCapacityUnits}
			res.Outcome, err = f.apply(ctx, write{
				op: op, operation: opRemoveManagedScaling, target: clusterID, tokenKind: journal.TokenNone, request: in,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.RemoveManagedScalingPolicy(ctx, clusterID)
				},
			})
			if err != nil {
				return nil, err
			}
			return res, nil
		},
	})
}

// awsPolicyDiff shows what changes between two policies, one line per
// changed field ("maximumCapacityUnits: 10 -> 20", strings quoted as
// data); empty when they are equal. With no current policy it is empty:
// the whole request is shown anyway.
func awsPolicyDiff(cur, next any) safetext.Text {
	if cur == nil {
		return safetext.Text{}
	}
	a, b := map[string]any{}, map[string]any{}
	awsFlatten(cur, "", a)
	awsFlatten(next, "", b)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []safetext.Text
	for _, k := range keys {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case !ina:
			out = append(out, safetext.F("%s: (none) -> %v", safetext.ID(k), vb))
		case !inb:
			out = append(out, safetext.F("%s: %v -> (none)", safetext.ID(k), va))
		case va != vb:
			out = append(out, safetext.F("%s: %v -> %v", safetext.ID(k), va, vb))
		}
	}
	return safetext.Lines(out...)
}

// awsFlatten writes v's JSON leaves (numbers, strings, booleans) into out
// by path.
func awsFlatten(v any, path string, out map[string]any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	var x any
	if json.Unmarshal(raw, &x) != nil {
		return
	}
	var walk func(x any, path string)
	walk = func(x any, path string) {
		switch t := x.(type) {
		case map[string]any:
			for k, y := range t {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(y, p)
			}
		case []any:
			for i, y := range t {
				walk(y, fmt.Sprintf("%s[%d]", path, i))
			}
		case nil:
		default:
			out[path] = t
		}
	}
	walk(x, path)
}
