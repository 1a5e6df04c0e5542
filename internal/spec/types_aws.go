package spec

// AWS is the part of a spec only RunJobFlow takes. Node groups become
// instance groups unless InstanceFleets is set (one or the other, never both).
type AWS struct {
	LogURI                string `json:"logUri,omitempty" yaml:"logUri,omitempty"`
	ServiceRole           string `json:"serviceRole,omitempty" yaml:"serviceRole,omitempty"`
	JobFlowRole           string `json:"jobFlowRole,omitempty" yaml:"jobFlowRole,omitempty"`
	SecurityConfiguration string `json:"securityConfiguration,omitempty" yaml:"securityConfiguration,omitempty"`
	// EC2SubnetID places instance groups; EC2SubnetIDs lets instance fleets
	// choose among several subnets.
	EC2SubnetID  string   `json:"ec2SubnetId,omitempty" yaml:"ec2SubnetId,omitempty"`
	EC2SubnetIDs []string `json:"ec2SubnetIds,omitempty" yaml:"ec2SubnetIds,omitempty"`
	EC2KeyName   string   `json:"ec2KeyName,omitempty" yaml:"ec2KeyName,omitempty"`
	// KeepAlive is KeepJobFlowAliveWhenNoSteps; nil means true (SetDefaults).
	KeepAlive            *bool `json:"keepAlive,omitempty" yaml:"keepAlive,omitempty"`
	TerminationProtected bool  `json:"terminationProtected,omitempty" yaml:"terminationProtected,omitempty"`
	// AutoTerminationIdleTimeout is a Go duration ("1h30m"), 1m to 7 days.
	AutoTerminationIdleTimeout string             `json:"autoTerminationIdleTimeout,omitempty" yaml:"autoTerminationIdleTimeout,omitempty"`
	StepConcurrencyLevel       int                `json:"stepConcurrencyLevel,omitempty" yaml:"stepConcurrencyLevel,omitempty"`
	Configurations             []AWSConfiguration `json:"configurations,omitempty" yaml:"configurations,omitempty"`
	Steps                      []AWSStep          `json:"steps,omitempty" yaml:"steps,omitempty"`
	InstanceFleets             []AWSInstanceFleet `json:"instanceFleets,omitempty" yaml:"instanceFleets,omitempty"`
	ManagedScaling             *AWSManagedScaling `json:"managedScaling,omitempty" yaml:"managedScaling,omitempty"`
}

// AWSConfiguration is an EMR configuration classification, possibly nested.
type AWSConfiguration struct {
	Classification string             `json:"classification" yaml:"classification"`
	Properties     map[string]string  `json:"properties,omitempty" yaml:"properties,omitempty"`
	Configurations []AWSConfiguration `json:"configurations,omitempty" yaml:"configurations,omitempty"`
}

// AWSStep is a typed step run at creation. Which fields apply depends on
// Type: spark (Jar, MainClass), pyspark (Script), hive (Script), jar (Jar,
// MainClass), command (Command). Args are passed one by one, never split.
type AWSStep struct {
	Name            string            `json:"name" yaml:"name"`
	Type            StepType          `json:"type" yaml:"type"`
	ActionOnFailure ActionOnFailure   `json:"actionOnFailure,omitempty" yaml:"actionOnFailure,omitempty"`
	Jar             string            `json:"jar,omitempty" yaml:"jar,omitempty"`
	MainClass       string            `json:"mainClass,omitempty" yaml:"mainClass,omitempty"`
	Script          string            `json:"script,omitempty" yaml:"script,omitempty"`
	Command         string            `json:"command,omitempty" yaml:"command,omitempty"`
	DeployMode      SparkDeployMode   `json:"deployMode,omitempty" yaml:"deployMode,omitempty"`
	SparkConf       map[string]string `json:"sparkConf,omitempty" yaml:"sparkConf,omitempty"`
	Args            []string          `json:"args,omitempty" yaml:"args,omitempty"`
}

// AWSInstanceFleet is one instance fleet.
type AWSInstanceFleet struct {
	Name                   string                  `json:"name" yaml:"name"`
	Role                   NodeRole                `json:"role" yaml:"role"`
	TargetOnDemandCapacity int                     `json:"targetOnDemandCapacity,omitempty" yaml:"targetOnDemandCapacity,omitempty"`
	TargetSpotCapacity     int                     `json:"targetSpotCapacity,omitempty" yaml:"targetSpotCapacity,omitempty"`
	InstanceTypeConfigs    []AWSInstanceTypeConfig `json:"instanceTypeConfigs" yaml:"instanceTypeConfigs"`
	SpotTimeoutMinutes     int                     `json:"spotTimeoutMinutes,omitempty" yaml:"spotTimeoutMinutes,omitempty"`
	SpotTimeoutAction      SpotTimeoutAction       `json:"spotTimeoutAction,omitempty" yaml:"spotTimeoutAction,omitempty"`
}

// AWSInstanceTypeConfig is one instance type a fleet may use.
type AWSInstanceTypeConfig struct {
	InstanceType     string `json:"instanceType" yaml:"instanceType"`
	WeightedCapacity int    `json:"weightedCapacity,omitempty" yaml:"weightedCapacity,omitempty"`
	// BidPrice is in USD, a decimal string; the alternative is a percentage
	// of the on-demand price.
	BidPrice                            string  `json:"bidPrice,omitempty" yaml:"bidPrice,omitempty"`
	BidPriceAsPercentageOfOnDemandPrice float64 `json:"bidPriceAsPercentageOfOnDemandPrice,omitempty" yaml:"bidPriceAsPercentageOfOnDemandPrice,omitempty"`
}

// AWSManagedScaling is the EMR managed scaling policy.
type AWSManagedScaling struct {
	MinimumCapacityUnits         int          `json:"minimumCapacityUnits" yaml:"minimumCapacityUnits"`
	MaximumCapacityUnits         int          `json:"maximumCapacityUnits" yaml:"maximumCapacityUnits"`
	MaximumOnDemandCapacityUnits int          `json:"maximumOnDemandCapacityUnits,omitempty" yaml:"maximumOnDemandCapacityUnits,omitempty"`
	MaximumCoreCapacityUnits     int          `json:"maximumCoreCapacityUnits,omitempty" yaml:"maximumCoreCapacityUnits,omitempty"`
	UnitType                     ScalingUnits `json:"unitType" yaml:"unitType"`
}
