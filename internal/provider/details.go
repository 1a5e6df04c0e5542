package provider

import "context"

// RequestTagKey is the tag every cluster emrctl creates carries: its value
// is the journal attempt's token, so a cluster whose create response was
// lost can be found again before anything is re-sent.
const RequestTagKey = "emrctl:request-id"

// Instance states of EMR on EC2.
const (
	AWSInstanceAwaitingFulfillment = "AWAITING_FULFILLMENT"
	AWSInstanceProvisioning        = "PROVISIONING"
	AWSInstanceBootstrapping       = "BOOTSTRAPPING"
	AWSInstanceRunning             = "RUNNING"
	AWSInstanceTerminated          = "TERMINATED"
)

// ClusterDetail is a cluster with what DescribeCluster returns beyond the
// neutral fields.
type ClusterDetail struct {
	Cluster              Cluster         `json:"cluster"`
	Applications         []Application   `json:"applications,omitempty"`
	Configurations       []Configuration `json:"configurations,omitempty"`
	StepConcurrencyLevel int             `json:"stepConcurrencyLevel,omitempty"`
	KeepAlive            bool            `json:"keepJobFlowAliveWhenNoSteps"`
}

// Configuration is an EMR configuration classification.
type Configuration struct {
	Classification string            `json:"classification"`
	Properties     map[string]string `json:"properties,omitempty"`
	Configurations []Configuration   `json:"configurations,omitempty"`
}

// BootstrapAction is a script run on every node before applications start.
type BootstrapAction struct {
	Name string   `json:"name"`
	Path string   `json:"path"`
	Args []string `json:"args,omitempty"`
}

// ClusterDetails reads what an EMR on EC2 cluster was created with beyond
// the neutral Cluster: applications with versions, configurations, step
// concurrency, keep-alive and bootstrap actions (AWS only).
type ClusterDetails interface {
	// ClusterDetail describes one cluster with its applications and
	// configurations.
	ClusterDetail(ctx context.Context, id string) (*ClusterDetail, error)
	// BootstrapActions lists the bootstrap actions of a cluster.
	BootstrapActions(ctx context.Context, clusterID string) ([]BootstrapAction, error)
}
