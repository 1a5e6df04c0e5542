package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

func stepOf(clusterID, id, name string, aof types.ActionOnFailure, cfg *types.HadoopStepConfig, st *types.StepStatus) provider.Step {
	s := provider.Step{ClusterID: clusterID, ID: id, Name: name, ActionOnFailure: string(aof)}
	if cfg != nil {
		s.Jar, s.MainClass, s.Args = str(cfg.Jar), str(cfg.MainClass), cfg.Args
	}
	if st != nil {
		s.State = string(st.State)
		if r := st.StateChangeReason; r != nil {
			s.StateReason = reasonOf(string(r.Code), str(r.Message))
		}
		if f := st.FailureDetails; f != nil && (f.Reason != nil || f.Message != nil || f.LogFile != nil) {
			s.Failure = &provider.StepFailure{Reason: str(f.Reason), Message: str(f.Message), LogFile: str(f.LogFile)}
		}
		if t := st.Timeline; t != nil {
			s.CreateTime, s.StartTime, s.EndTime = tm(t.CreationDateTime), tm(t.StartDateTime), tm(t.EndDateTime)
		}
	}
	return s
}

// StepsRequest implements provider.Steps: the AddJobFlowSteps request for
// typed steps, what is shown, journaled and sent. Every argument stays one
// argument.
func (p *Provider) StepsRequest(clusterID string, steps []spec.AWSStep) any {
	return Wire(addStepsInput(clusterID, steps))
}

func addStepsInput(clusterID string, steps []spec.AWSStep) *emr.AddJobFlowStepsInput {
	in := &emr.AddJobFlowStepsInput{JobFlowId: &clusterID}
	for _, s := range steps {
		in.Steps = append(in.Steps, sdkStep(s))
	}
	return in
}

// AddSteps adds typed steps to a cluster and returns their IDs.
func (p *Provider) AddSteps(ctx context.Context, clusterID string, steps []spec.AWSStep) (*provider.WriteResult, error) {
	out, err := p.emr.AddJobFlowSteps(ctx, addStepsInput(clusterID, steps))
	if err != nil {
		return nil, mapError(ctx, "AddJobFlowSteps", false, err)
	}
	return &provider.WriteResult{IDs: out.StepIds, RequestID: requestID(out.ResultMetadata)}, nil
}

// Steps lists the steps of a cluster, newest first, every page. Empty
// states or ids match every step.
func (p *Provider) Steps(ctx context.Context, clusterID string, states, ids []string) ([]provider.Step, error) {
	in := &emr.ListStepsInput{ClusterId: &clusterID, StepIds: ids}
	for _, s := range states {
		in.StepStates = append(in.StepStates, types.StepState(strings.ToUpper(s)))
	}
	out := []provider.Step{}
	for {
		page, err := p.emr.ListSteps(ctx, in, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListSteps", true, err)
		}
		for _, s := range page.Steps {
			out = append(out, stepOf(clusterID, str(s.Id), str(s.Name), s.ActionOnFailure, s.Config, s.Status))
		}
		if in.Marker = page.Marker; str(in.Marker) == "" {
			return out, nil
		}
	}
}

// Step describes one step.
func (p *Provider) Step(ctx context.Context, clusterID, stepID string) (*provider.Step, error) {
	out, err := p.emr.DescribeStep(ctx, &emr.DescribeStepInput{ClusterId: &clusterID, StepId: &stepID}, p.emrRead)
	if err != nil {
		return nil, mapError(ctx, "DescribeStep", true, err)
	}
	if out.Step == nil {
		return nil, &provider.APIError{Provider: provider.AWS, Action: "DescribeStep", Kind: provider.KindNotFound, Code: "NoSuchStep", Message: "step " + stepID + " not found in cluster " + clusterID}
	}
	s := out.Step
	st := stepOf(clusterID, str(s.Id), str(s.Name), s.ActionOnFailure, s.Config, s.Status)
	return &st, nil
}

// CancelSteps asks EMR to cancel pending or running steps (SEND_INTERRUPT).
func (p *Provider) CancelSteps(ctx context.Context, clusterID string, stepIDs []string) ([]provider.StepCancel, string, error) {
	out, err := p.emr.CancelSteps(ctx, &emr.CancelStepsInput{ClusterId: &clusterID, StepIds: stepIDs, StepCancellationOption: types.StepCancellationOptionSendInterrupt})
	if err != nil {
		return nil, "", mapError(ctx, "CancelSteps", false, err)
	}
	var res []provider.StepCancel
	for _, c := range out.CancelStepsInfoList {
		res = append(res, provider.StepCancel{StepID: str(c.StepId), Status: string(c.Status), Reason: str(c.Reason)})
	}
	return res, requestID(out.ResultMetadata), nil
}
