package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/spec"
)

// AWSBackend is what the engine needs from the AWS provider: EMR on EC2,
// EMR Serverless and S3. *aws.Provider implements it.
type AWSBackend interface {
	provider.Clusters
	ClusterDetail(ctx context.Context, id string) (*awsprov.Detail, error)
	FindByTag(ctx context.Context, key, value, name string, after time.Time) ([]string, error)
	RunJobFlow(ctx context.Context, r *awsprov.ClusterRequest, requestTag string) (*provider.WriteResult, error)
	TerminateCluster(ctx context.Context, id string) (*provider.WriteResult, error)
	SetTerminationProtection(ctx context.Context, id string, on bool) (*provider.WriteResult, error)

	InstanceGroups(ctx context.Context, clusterID string) ([]awsprov.InstanceGroup, error)
	InstanceFleets(ctx context.Context, clusterID string) ([]awsprov.InstanceFleet, error)
	BootstrapActions(ctx context.Context, clusterID string) ([]awsprov.BootstrapAction, error)
	Instances(ctx context.Context, clusterID string, f awsprov.InstanceFilter) ([]provider.Node, error)
	AddInstanceGroups(ctx context.Context, clusterID string, groups []awsprov.GroupSpec) (*provider.WriteResult, error)
	AddInstanceFleet(ctx context.Context, clusterID string, f awsprov.FleetSpec) (*provider.WriteResult, error)
	ModifyInstanceGroup(ctx context.Context, clusterID, groupID string, count int, terminate []string) (*provider.WriteResult, error)
	PutAutoScalingPolicy(ctx context.Context, clusterID, groupID string, a awsprov.AutoScalingPolicy) (*provider.WriteResult, error)
	RemoveAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*provider.WriteResult, error)
	ManagedScalingPolicy(ctx context.Context, clusterID string) (*awsprov.ManagedScaling, error)
	PutManagedScalingPolicy(ctx context.Context, clusterID string, m awsprov.ManagedScaling) (*provider.WriteResult, error)
	RemoveManagedScalingPolicy(ctx context.Context, clusterID string) (*provider.WriteResult, error)
	ReleaseLabels(ctx context.Context, prefix, application string) ([]provider.ReleaseVersion, error)
	SupportedInstanceTypes(ctx context.Context, release string) ([]provider.InstanceType, error)

	AddSteps(ctx context.Context, clusterID string, steps []spec.AWSStep) (*provider.WriteResult, error)
	Steps(ctx context.Context, clusterID string, states, ids []string) ([]awsprov.Step, error)
	Step(ctx context.Context, clusterID, stepID string) (*awsprov.Step, error)
	CancelSteps(ctx context.Context, clusterID string, stepIDs []string) ([]awsprov.CancelResult, string, error)

	CreateApplication(ctx context.Context, s awsprov.ApplicationSpec, token string) (*provider.WriteResult, error)
	UpdateApplication(ctx context.Context, id string, s awsprov.ApplicationSpec, token string) (*provider.WriteResult, error)
	Application(ctx context.Context, id string) (*awsprov.Application, error)
	Applications(ctx context.Context, states []string) ([]awsprov.Application, error)
	StartApplication(ctx context.Context, id string) (*provider.WriteResult, error)
	StopApplication(ctx context.Context, id string) (*provider.WriteResult, error)
	DeleteApplication(ctx context.Context, id string) (*provider.WriteResult, error)
	StartJobRun(ctx context.Context, j awsprov.JobRunSpec, token string) (*provider.WriteResult, error)
	JobRun(ctx context.Context, appID, runID string) (*awsprov.JobRun, error)
	JobRuns(ctx context.Context, appID string, states []string) ([]awsprov.JobRun, error)
	CancelJobRun(ctx context.Context, appID, runID string) (*provider.WriteResult, error)

	Upload(ctx context.Context, path, bucket, key string) (*awsprov.Object, string, error)
	Read(ctx context.Context, bucket, key string, limit int64) ([]byte, error)
}

// awsClockSkew is how far AWS's clock may be from ours when matching
// creation times to a journaled attempt.
const awsClockSkew = 5 * time.Minute

// awsBackend returns the AWS provider or an unsupported error.
func (e *Engine) awsBackend(what string) (AWSBackend, error) {
	if e.opts.AWS == nil {
		return nil, &UnsupportedError{Provider: e.opts.Provider, What: what}
	}
	return e.opts.AWS, nil
}

// AWS EMR cluster states beyond the shared ones.
const (
	awsWaiting = "WAITING"
)

// awsWaitSpec declares the states a wait for target passes through. A
// RUNNING cluster with no step to run is WAITING: both count as up.
func awsWaitSpec(target string) provider.WaitSpec {
	switch target {
	case StateTerminated:
		return provider.WaitSpec{
			// A transient cluster runs its steps, then terminates.
			Pending: []string{StateStarting, StateBootstrapping, StateRunning, awsWaiting, StateTerminating},
			Target:  []string{StateTerminated, StateTerminatedWithErrors},
			Gone:    true,
		}
	case "", StateRunning, awsWaiting:
		return provider.WaitSpec{
			Pending: []string{StateStarting, StateBootstrapping},
			Target:  []string{StateRunning, awsWaiting},
			Failed:  []string{StateTerminating, StateTerminated, StateTerminatedWithErrors},
		}
	}
	return provider.WaitSpec{Target: []string{target}}
}

// describeAWS fills the AWS part of a cluster view: instance groups (or
// fleets) with their instances counted by state, and the applications.
func (e *Engine) describeAWS(ctx context.Context, v *ClusterView) (*ClusterView, error) {
	av, err := e.awsView(ctx, v)
	if err != nil {
		return nil, err
	}
	return &av.ClusterView, nil
}

// createAWSCluster runs RunJobFlow. It has no client token: the cluster is
// tagged with the journal attempt's token, and after an unknown outcome
// the engine looks for a cluster with that tag before sending again.
func (e *Engine) createAWSCluster(ctx context.Context, call Call, in CreateClusterInput, warnings []FieldProblem) (*CreateClusterResult, error) {
	p, err := e.awsBackend("creating clusters")
	if err != nil {
		return nil, err
	}
	req, err := awsprov.BuildCluster(in.Spec)
	if err != nil {
		return nil, err
	}
	w := write{
		op: awsCreateOp(in.Spec), operation: "RunJobFlow", target: in.Spec.Name, tokenKind: journal.TokenRequestTag,
		request: req.Shown(),
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			return e.findByRequestTag(ctx, p, req.Name(), prev)
		},
		send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
			return p.RunJobFlow(ctx, req, token)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	res := &CreateClusterResult{Warnings: warnings, Outcome: out, RequestID: out.Result.RequestID}
	if len(out.Result.IDs) > 0 {
		res.ClusterID = out.Result.IDs[0]
	}
	return res, nil
}

// findByRequestTag is the reconcile of RunJobFlow: a cluster carrying the
// earlier attempt's request tag means that attempt was applied.
func (e *Engine) findByRequestTag(ctx context.Context, p AWSBackend, name string, prev *journal.Entry) (*provider.WriteResult, bool, error) {
	if prev.Token == "" {
		return nil, false, nil
	}
	ids, err := read(ctx, e, func(ctx context.Context) ([]string, error) {
		return p.FindByTag(ctx, awsprov.RequestTagKey, prev.Token, name, prev.Time.Add(-awsClockSkew))
	})
	if err != nil {
		return nil, false, fmt.Errorf("look for the cluster tagged %s=%s: %w", awsprov.RequestTagKey, prev.Token, err)
	}
	if len(ids) == 0 {
		return nil, false, nil
	}
	return &provider.WriteResult{IDs: ids[:1]}, true, nil
}

// awsCreateOp describes a RunJobFlow for the policy: instance groups, or
// fleets counted by their target capacity. EMR on EC2 is billed per
// second of use.
func awsCreateOp(c *spec.Cluster) policy.CreateCluster {
	op := policy.CreateCluster{Region: c.Region, ClusterName: c.Name, PaymentType: "PayAsYouGo"}
	if c.AWS != nil && len(c.AWS.InstanceFleets) > 0 {
		for _, f := range c.AWS.InstanceFleets {
			op.Groups = append(op.Groups, policy.GroupCount{Name: f.Name, Role: string(f.Role), Count: f.TargetOnDemandCapacity + f.TargetSpotCapacity})
		}
		return op
	}
	for _, g := range c.NodeGroups {
		n := 0
		if g.Count != nil {
			n = *g.Count
		}
		op.Groups = append(op.Groups, policy.GroupCount{Name: g.Name, Role: string(g.Role), Count: n})
	}
	return op
}
