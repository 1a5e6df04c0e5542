package provider

import "context"

// MachineDisk is a cloud disk of a machine. (Disk, in provider.go, is a
// node group's disk specification.)
type MachineDisk struct {
	ID       string
	Category string // e.g. cloud_essd, cloud_efficiency
	SizeGiB  int
}

// Machine is a compute instance as the gateway machine checks see it.
type Machine struct {
	ID, Name, Status, RegionID, ZoneID, VpcID, VSwitchID string
	SecurityGroupIDs, PrivateIPs                         []string
	RAMRole                                              string       // "" when none attached
	SystemDisk                                           *MachineDisk // nil when it could not be read
}

// Machines reads ECS instances (the gateway machine checks). Machine
// returns an *APIError of KindNotFound (errors.Is ErrNotFound) when the
// instance does not exist in the provider's region.
type Machines interface {
	Machine(ctx context.Context, id string) (*Machine, error)
}
