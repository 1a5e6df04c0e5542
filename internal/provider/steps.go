package provider

import (
	"context"
	"time"

	"github.com/emrctl/emrctl/internal/spec"
)

// Step states of EMR.
const (
	StepPending     = "PENDING"
	StepCancelPend  = "CANCEL_PENDING"
	StepRunning     = "RUNNING"
	StepCompleted   = "COMPLETED"
	StepCancelled   = "CANCELLED"
	StepFailed      = "FAILED"
	StepInterrupted = "INTERRUPTED"
)

// StepStates lists the step states ListSteps accepts.
func StepStates() []string {
	return []string{StepPending, StepCancelPend, StepRunning, StepCompleted, StepCancelled, StepFailed, StepInterrupted}
}

// Step is one step of a cluster.
type Step struct {
	ClusterID       string       `json:"clusterId"`
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	State           string       `json:"state"`
	StateReason     *StateReason `json:"stateReason,omitempty"`
	ActionOnFailure string       `json:"actionOnFailure,omitempty"`
	Jar             string       `json:"jar,omitempty"`
	MainClass       string       `json:"mainClass,omitempty"`
	Args            []string     `json:"args,omitempty"`
	Failure         *StepFailure `json:"failure,omitempty"`
	CreateTime      time.Time    `json:"createTime,omitzero"`
	StartTime       time.Time    `json:"startTime,omitzero"`
	EndTime         time.Time    `json:"endTime,omitzero"`
}

// StepFailure is why a step failed, with the log file EMR points at.
type StepFailure struct {
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	LogFile string `json:"logFile,omitempty"`
}

// StepCancel is what CancelSteps said about one step.
type StepCancel struct {
	StepID string `json:"stepId"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Steps runs work on a running cluster as a queue of steps (EMR on EC2
// only; Alibaba EMR has no step API). The engine journals AddSteps and
// CancelSteps and follows a step to its end with Step.
type Steps interface {
	// AddSteps adds typed steps to a cluster and returns their IDs.
	AddSteps(ctx context.Context, clusterID string, steps []spec.AWSStep) (*WriteResult, error)
	// StepsRequest is the exact request AddSteps sends.
	StepsRequest(clusterID string, steps []spec.AWSStep) any
	// Steps lists the steps of a cluster, newest first; empty states or
	// ids match every step.
	Steps(ctx context.Context, clusterID string, states, ids []string) ([]Step, error)
	// Step describes one step.
	Step(ctx context.Context, clusterID, stepID string) (*Step, error)
	// CancelSteps asks to cancel pending or running steps; it returns
	// what the cloud said about each and the request ID.
	CancelSteps(ctx context.Context, clusterID string, stepIDs []string) ([]StepCancel, string, error)
}
