// Package provider defines what emrctl needs from a cloud: provider-neutral
// domain types, small capability interfaces, typed errors and a waiter.
// Adapters (aliyun, aws) implement the interfaces; they map requests to API
// calls and API errors to typed errors, and never decide policy.
package provider

import (
	"context"
	"time"
)

// Provider names.
const (
	Aliyun = "aliyun"
	AWS    = "aws"
)

// Cluster is a cluster of any provider. Provider-specific details are kept
// in the typed extension of that provider.
type Cluster struct {
	Provider           string       `json:"provider"`
	Region             string       `json:"region"`
	ID                 string       `json:"id"`
	Name               string       `json:"name"`
	Type               string       `json:"type"`
	State              string       `json:"state"`
	StateReason        *StateReason `json:"stateReason,omitempty"`
	ReleaseVersion     string       `json:"releaseVersion"`
	DeployMode         string       `json:"deployMode,omitempty"`
	PaymentType        string       `json:"paymentType,omitempty"`
	DeletionProtection bool         `json:"deletionProtection"`
	Description        string       `json:"description,omitempty"`
	CreateTime         time.Time    `json:"createTime,omitzero"`
	ReadyTime          time.Time    `json:"readyTime,omitzero"`
	EndTime            time.Time    `json:"endTime,omitzero"`
	ExpireTime         time.Time    `json:"expireTime,omitzero"`
	Tags               []Tag        `json:"tags,omitempty"`
	Aliyun             *AliyunInfo  `json:"aliyun,omitempty"`
	AWS                *AWSInfo     `json:"aws,omitempty"`
}

// StateReason is why a resource is in its state (e.g. START_FAILED).
type StateReason struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Tag is a key/value label.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AliyunInfo holds the Alibaba-only attributes of a cluster.
type AliyunInfo struct {
	VpcID             string        `json:"vpcId,omitempty"`
	ZoneID            string        `json:"zoneId,omitempty"`
	SecurityGroupID   string        `json:"securityGroupId,omitempty"`
	KeyPairName       string        `json:"keyPairName,omitempty"`
	RamRole           string        `json:"ramRole,omitempty"`
	ResourceGroupID   string        `json:"resourceGroupId,omitempty"`
	SecurityMode      string        `json:"securityMode,omitempty"`
	Subscription      *Subscription `json:"subscription,omitempty"`
	EmrDefaultRole    string        `json:"emrDefaultRole,omitempty"`
	CreateOperationID string        `json:"createOperationId,omitempty"`
}

// Subscription describes prepaid billing.
type Subscription struct {
	Duration          int    `json:"duration"`
	Unit              string `json:"unit"`
	AutoRenew         bool   `json:"autoRenew"`
	AutoRenewDuration int    `json:"autoRenewDuration,omitempty"`
	AutoRenewUnit     string `json:"autoRenewUnit,omitempty"`
}

// AWSInfo holds the AWS-only attributes of a cluster.
type AWSInfo struct {
	ARN                    string   `json:"arn,omitempty"`
	InstanceCollectionType string   `json:"instanceCollectionType,omitempty"`
	LogURI                 string   `json:"logUri,omitempty"`
	ServiceRole            string   `json:"serviceRole,omitempty"`
	InstanceProfile        string   `json:"instanceProfile,omitempty"`
	SecurityConfiguration  string   `json:"securityConfiguration,omitempty"`
	MasterPublicDNS        string   `json:"masterPublicDns,omitempty"`
	AutoTerminate          bool     `json:"autoTerminate"`
	TerminationProtected   bool     `json:"terminationProtected"`
	NormalizedHours        int      `json:"normalizedInstanceHours,omitempty"`
	Applications           []string `json:"applications,omitempty"`
	SubnetIDs              []string `json:"subnetIds,omitempty"`
	KeyName                string   `json:"keyName,omitempty"`
}

// ClusterFilter selects clusters. Empty fields match everything.
type ClusterFilter struct {
	States          []string  `json:"states,omitempty"`
	Types           []string  `json:"types,omitempty"`
	Name            string    `json:"name,omitempty"`
	IDs             []string  `json:"ids,omitempty"`
	PaymentTypes    []string  `json:"paymentTypes,omitempty"`
	ResourceGroupID string    `json:"resourceGroupId,omitempty"`
	CreatedAfter    time.Time `json:"createdAfter,omitzero"`
	CreatedBefore   time.Time `json:"createdBefore,omitzero"`
}

// Page is one page of a list; NextToken is empty on the last page.
type Page[T any] struct {
	Items     []T    `json:"items"`
	NextToken string `json:"nextToken,omitempty"`
	Total     int    `json:"total,omitempty"`
}

// NodeGroup is a group of nodes with one role (instance group on AWS).
type NodeGroup struct {
	ClusterID     string       `json:"clusterId"`
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Role          string       `json:"role"`
	State         string       `json:"state"`
	StateReason   *StateReason `json:"stateReason,omitempty"`
	RunningNodes  int          `json:"runningNodes"`
	DesiredNodes  int          `json:"desiredNodes,omitempty"`
	InstanceTypes []string     `json:"instanceTypes,omitempty"`
	PaymentType   string       `json:"paymentType,omitempty"`
	SpotStrategy  string       `json:"spotStrategy,omitempty"`
	ZoneID        string       `json:"zoneId,omitempty"`
	VSwitchIDs    []string     `json:"vSwitchIds,omitempty"`
	SystemDisk    *Disk        `json:"systemDisk,omitempty"`
	DataDisks     []Disk       `json:"dataDisks,omitempty"`
	Market        string       `json:"market,omitempty"`
	BidPrice      string       `json:"bidPrice,omitempty"`
	// Fleet is set for an AWS instance fleet: its capacity is changed in
	// units, not by counts of one instance type.
	Fleet bool `json:"fleet,omitempty"`
}

// Disk is a disk specification.
type Disk struct {
	Category         string `json:"category"`
	Size             int    `json:"size"`
	Count            int    `json:"count,omitempty"`
	PerformanceLevel string `json:"performanceLevel,omitempty"`
}

// Node is one machine of a cluster.
type Node struct {
	ClusterID    string    `json:"clusterId"`
	ID           string    `json:"id"`
	Name         string    `json:"name,omitempty"`
	NodeGroupID  string    `json:"nodeGroupId"`
	Role         string    `json:"role"`
	State        string    `json:"state"`
	InstanceType string    `json:"instanceType"`
	PrivateIP    string    `json:"privateIp,omitempty"`
	PublicIP     string    `json:"publicIp,omitempty"`
	ZoneID       string    `json:"zoneId,omitempty"`
	PaymentType  string    `json:"paymentType,omitempty"`
	Maintenance  string    `json:"maintenance,omitempty"`
	CreateTime   time.Time `json:"createTime,omitzero"`
	ExpireTime   time.Time `json:"expireTime,omitzero"`
	AutoRenew    bool      `json:"autoRenew,omitempty"`
	// Phase is State in the words every cloud shares (set by the adapter).
	Phase NodePhase `json:"-"`
}

// NodeFilter selects nodes of a cluster.
type NodeFilter struct {
	NodeGroupIDs []string `json:"nodeGroupIds,omitempty"`
	NodeIDs      []string `json:"nodeIds,omitempty"`
	States       []string `json:"states,omitempty"`
}

// NodeGroupFilter selects node groups of a cluster.
type NodeGroupFilter struct {
	IDs    []string `json:"ids,omitempty"`
	Names  []string `json:"names,omitempty"`
	Roles  []string `json:"roles,omitempty"`
	States []string `json:"states,omitempty"`
}

// Operation is an asynchronous operation of the cloud.
type Operation struct {
	ClusterID   string       `json:"clusterId"`
	ID          string       `json:"id"`
	Type        string       `json:"type"`
	State       string       `json:"state"`
	StateReason *StateReason `json:"stateReason,omitempty"`
	Description string       `json:"description,omitempty"`
	CreateTime  time.Time    `json:"createTime,omitzero"`
	EndTime     time.Time    `json:"endTime,omitzero"`
}

// Application is a service installed on a cluster.
type Application struct {
	Name             string `json:"name"`
	Version          string `json:"version,omitempty"`
	CommunityVersion string `json:"communityVersion,omitempty"`
	State            string `json:"state,omitempty"`
}

// ReleaseVersion is an EMR release a cluster type can use.
type ReleaseVersion struct {
	Version string `json:"version"`
	Series  string `json:"series,omitempty"`
}

// InstanceType is a machine type offered for a node group.
type InstanceType struct {
	Type        string  `json:"type"`
	Family      string  `json:"family,omitempty"`
	Category    string  `json:"category,omitempty"`
	Arch        string  `json:"arch,omitempty"`
	VCPUs       int     `json:"vcpus"`
	MemoryGiB   float64 `json:"memoryGiB,omitempty"`
	LocalDisks  int     `json:"localDisks,omitempty"`
	LocalDiskGB int     `json:"localDiskGB,omitempty"`
	Stock       string  `json:"stock,omitempty"`
}

// InstanceTypeQuery carries the parameters ListInstanceTypes needs (all of
// them are required by the API, though its docs mark them optional).
type InstanceTypeQuery struct {
	ZoneID         string `json:"zoneId"`
	ClusterType    string `json:"clusterType"`
	PaymentType    string `json:"paymentType"`
	NodeGroupType  string `json:"nodeGroupType"`
	ReleaseVersion string `json:"releaseVersion,omitempty"`
	DeployMode     string `json:"deployMode,omitempty"`
	InstanceType   string `json:"instanceType,omitempty"`
}

// ScalingPolicy is the auto scaling policy of a node group.
type ScalingPolicy struct {
	ID          string        `json:"id,omitempty"`
	ClusterID   string        `json:"clusterId"`
	NodeGroupID string        `json:"nodeGroupId"`
	MinCapacity int           `json:"minCapacity"`
	MaxCapacity int           `json:"maxCapacity"`
	Rules       []ScalingRule `json:"rules"`
}

// ScalingRule is one rule of a scaling policy.
type ScalingRule struct {
	Name         string          `json:"name" yaml:"name"`
	TriggerType  string          `json:"triggerType" yaml:"triggerType"`
	ActivityType string          `json:"activityType" yaml:"activityType"`
	Adjustment   int             `json:"adjustment" yaml:"adjustment"`
	MinAdjust    int             `json:"minAdjustment,omitempty" yaml:"minAdjustment,omitempty"`
	Time         *TimeTrigger    `json:"time,omitempty" yaml:"time,omitempty"`
	Metrics      *MetricsTrigger `json:"metrics,omitempty" yaml:"metrics,omitempty"`
	// AWS holds what a CloudWatch rule of AWS EMR adds.
	AWS *AWSScalingRule `json:"aws,omitempty" yaml:"aws,omitempty"`
}

// AWSScalingRule is the AWS part of a scaling rule. Its metric condition
// is Metrics.Conditions[0] (CloudWatch: one alarm per rule): MetricName,
// Statistics (AVERAGE, ...), Operator (GREATER_THAN, ...), Threshold, and
// Tags as dimensions; TimeWindowSeconds is the period, EvaluationCount the
// evaluation periods, CoolDownSeconds the cooldown.
type AWSScalingRule struct {
	Description    string `json:"description,omitempty" yaml:"description,omitempty"`
	Market         string `json:"market,omitempty" yaml:"market,omitempty"`
	AdjustmentType string `json:"adjustmentType,omitempty" yaml:"adjustmentType,omitempty"`
	Namespace      string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Unit           string `json:"unit,omitempty" yaml:"unit,omitempty"`
}

// TimeTrigger fires a rule on a schedule.
type TimeTrigger struct {
	LaunchTime      string    `json:"launchTime" yaml:"launchTime"`
	StartTime       time.Time `json:"startTime" yaml:"startTime"`
	EndTime         time.Time `json:"endTime,omitzero" yaml:"endTime,omitempty"`
	ExpireSeconds   int       `json:"launchExpirationSeconds,omitempty" yaml:"launchExpirationSeconds,omitempty"`
	RecurrenceType  string    `json:"recurrenceType,omitempty" yaml:"recurrenceType,omitempty"`
	RecurrenceValue string    `json:"recurrenceValue,omitempty" yaml:"recurrenceValue,omitempty"`
}

// MetricsTrigger fires a rule when metrics cross thresholds.
type MetricsTrigger struct {
	TimeWindowSeconds int               `json:"timeWindowSeconds" yaml:"timeWindowSeconds"`
	EvaluationCount   int               `json:"evaluationCount" yaml:"evaluationCount"`
	CoolDownSeconds   int               `json:"coolDownSeconds" yaml:"coolDownSeconds"`
	LogicOperator     string            `json:"logicOperator,omitempty" yaml:"logicOperator,omitempty"`
	Conditions        []MetricCondition `json:"conditions" yaml:"conditions"`
}

// MetricCondition compares one metric statistic with a threshold.
type MetricCondition struct {
	MetricName string  `json:"metricName" yaml:"metricName"`
	Statistics string  `json:"statistics" yaml:"statistics"`
	Operator   string  `json:"operator" yaml:"operator"`
	Threshold  float64 `json:"threshold" yaml:"threshold"`
	Tags       []Tag   `json:"tags,omitempty" yaml:"tags,omitempty"`
}

// ScalingActivity is one auto scaling event.
type ScalingActivity struct {
	ID            string    `json:"id"`
	ClusterID     string    `json:"clusterId"`
	NodeGroupID   string    `json:"nodeGroupId"`
	NodeGroupName string    `json:"nodeGroupName,omitempty"`
	RuleName      string    `json:"ruleName,omitempty"`
	Type          string    `json:"type"`
	State         string    `json:"state"`
	Cause         string    `json:"cause,omitempty"`
	ExpectNum     int       `json:"expectNum"`
	OperationID   string    `json:"operationId,omitempty"`
	StartTime     time.Time `json:"startTime,omitzero"`
	EndTime       time.Time `json:"endTime,omitzero"`
	NodeIDs       []string  `json:"nodeIds,omitempty"`
}

// Clusters is the cluster lifecycle every provider offers.
type Clusters interface {
	GetCluster(ctx context.Context, id string) (*Cluster, error)
	ListClusters(ctx context.Context, f ClusterFilter, pageToken string, pageSize int) (*Page[Cluster], error)
}

// NodeGroups manages the node groups and nodes of a cluster.
type NodeGroups interface {
	ListNodeGroups(ctx context.Context, clusterID string, f NodeGroupFilter) ([]NodeGroup, error)
	GetNodeGroup(ctx context.Context, clusterID, nodeGroupID string) (*NodeGroup, error)
	ListNodes(ctx context.Context, clusterID string, f NodeFilter, pageToken string, pageSize int) (*Page[Node], error)
}

// Region is a cloud region.
type Region struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Zone is an availability zone.
type Zone struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// VPC is a virtual private cloud.
type VPC struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	CIDR   string `json:"cidr,omitempty"`
	Status string `json:"status,omitempty"`
}

// VSwitch is a subnet of a VPC in one zone.
type VSwitch struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	VpcID        string `json:"vpcId"`
	ZoneID       string `json:"zoneId"`
	CIDR         string `json:"cidr,omitempty"`
	Status       string `json:"status,omitempty"`
	AvailableIPs int    `json:"availableIps"`
}

// SecurityGroup is a firewall group; EMR accepts only Type "normal".
type SecurityGroup struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	VpcID string `json:"vpcId,omitempty"`
	Type  string `json:"type"`
}

// KeyPair is an SSH key pair.
type KeyPair struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Network answers the prerequisite questions before a cluster is created.
type Network interface {
	Zones(ctx context.Context) ([]Zone, error)
	VPCs(ctx context.Context, vpcID string) ([]VPC, error)
	VSwitches(ctx context.Context, vpcID, vswitchID string) ([]VSwitch, error)
	SecurityGroups(ctx context.Context, vpcID, securityGroupID string) ([]SecurityGroup, error)
	KeyPairs(ctx context.Context, name string) ([]KeyPair, error)
	// Stock reports, per instance type, "WithStock" or "WithoutStock" in a zone.
	Stock(ctx context.Context, zoneID string, instanceTypes []string) (map[string]string, error)
}
