package provider

import "context"

// InstanceFleet is an instance fleet.
type InstanceFleet struct {
	ClusterID                   string              `json:"clusterId"`
	ID                          string              `json:"id"`
	Name                        string              `json:"name"`
	Role                        string              `json:"role"`
	State                       string              `json:"state"`
	StateReason                 *StateReason        `json:"stateReason,omitempty"`
	TargetOnDemandCapacity      int                 `json:"targetOnDemandCapacity"`
	TargetSpotCapacity          int                 `json:"targetSpotCapacity"`
	ProvisionedOnDemandCapacity int                 `json:"provisionedOnDemandCapacity"`
	ProvisionedSpotCapacity     int                 `json:"provisionedSpotCapacity"`
	InstanceTypes               []FleetInstanceType `json:"instanceTypes,omitempty"`
}

// FleetSpec is an instance fleet to create.
type FleetSpec struct {
	Name                   string              `json:"name,omitempty"`
	Role                   string              `json:"role"`
	TargetOnDemandCapacity int                 `json:"targetOnDemandCapacity,omitempty"`
	TargetSpotCapacity     int                 `json:"targetSpotCapacity,omitempty"`
	InstanceTypes          []FleetInstanceType `json:"instanceTypes"`
	SpotTimeoutMinutes     int                 `json:"spotTimeoutMinutes,omitempty"`
	SpotTimeoutAction      string              `json:"spotTimeoutAction,omitempty"`
}

// FleetInstanceType is one instance type a fleet may use.
type FleetInstanceType struct {
	InstanceType     string  `json:"instanceType"`
	WeightedCapacity int     `json:"weightedCapacity,omitempty"`
	BidPrice         string  `json:"bidPrice,omitempty"`
	BidPricePercent  float64 `json:"bidPriceAsPercentageOfOnDemandPrice,omitempty"`
}

// InstanceFleets reads and adds the instance fleets of a cluster (EMR on
// EC2 only: a cluster has either instance groups or instance fleets).
type InstanceFleets interface {
	// InstanceFleets lists the instance fleets of a cluster.
	InstanceFleets(ctx context.Context, clusterID string) ([]InstanceFleet, error)
	// AddInstanceFleet adds an instance fleet (TASK) to a cluster.
	AddInstanceFleet(ctx context.Context, clusterID string, f FleetSpec) (*WriteResult, error)
}

// ManagedScaling is the EMR managed scaling policy of a cluster.
type ManagedScaling struct {
	MinimumCapacityUnits         int    `json:"minimumCapacityUnits" yaml:"minimumCapacityUnits"`
	MaximumCapacityUnits         int    `json:"maximumCapacityUnits" yaml:"maximumCapacityUnits"`
	MaximumOnDemandCapacityUnits int    `json:"maximumOnDemandCapacityUnits,omitempty" yaml:"maximumOnDemandCapacityUnits,omitempty"`
	MaximumCoreCapacityUnits     int    `json:"maximumCoreCapacityUnits,omitempty" yaml:"maximumCoreCapacityUnits,omitempty"`
	UnitType                     string `json:"unitType" yaml:"unitType"`
}

// ManagedScaler reads and sets a cluster-wide managed scaling policy,
// where the cloud sizes groups or fleets within limits itself (EMR managed
// scaling, AWS only), as opposed to per-group rules.
type ManagedScaler interface {
	// ManagedScalingPolicy returns the cluster's policy, or nil when it
	// has none.
	ManagedScalingPolicy(ctx context.Context, clusterID string) (*ManagedScaling, error)
	PutManagedScalingPolicy(ctx context.Context, clusterID string, m ManagedScaling) (*WriteResult, error)
	RemoveManagedScalingPolicy(ctx context.Context, clusterID string) (*WriteResult, error)
}
