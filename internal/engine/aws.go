package engine

import (
	"context"

	"github.com/emrctl/emrctl/internal/provider"
)

// AWSBackend is what the engine needs from the AWS provider.
type AWSBackend interface {
	provider.Clusters
}

// AWS EMR cluster states.
const (
	awsWaiting = "WAITING"
)

func awsWaitSpec(target string) provider.WaitSpec {
	switch target {
	case StateTerminated:
		return provider.WaitSpec{
			Pending: []string{StateTerminating},
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

// describeAWS fills the AWS part of a cluster view.
func (e *Engine) describeAWS(ctx context.Context, v *ClusterView) (*ClusterView, error) {
	v.fillWarnings(e.opts.Now())
	return v, nil
}

// createAWSCluster is implemented by the AWS provider support.
func (e *Engine) createAWSCluster(ctx context.Context, call Call, in CreateClusterInput, warnings []FieldProblem) (*CreateClusterResult, error) {
	return nil, &UnsupportedError{Provider: e.opts.Provider, What: "creating clusters"}
}
