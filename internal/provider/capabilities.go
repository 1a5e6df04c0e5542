package provider

import (
	"context"
	"time"

	"github.com/emrctl/emrctl/internal/spec"
)

// Provider is one cloud's adapter in one region: what every provider
// offers (reads of clusters, node groups and nodes) and its Traits. Every
// other capability is a small interface below; the engine asks for it by
// type assertion, and a provider without it answers "not supported by the
// <name> provider". The engine never asks which cloud it talks to.
type Provider interface {
	Traits() Traits
	Clusters
	NodeGroups
}

// ClusterCreator creates clusters from specs.
type ClusterCreator interface {
	// PrepareCreate maps a validated spec (defaults applied, secrets
	// resolved) to the exact create request. Nothing is sent.
	PrepareCreate(c *spec.Cluster, secrets *spec.Resolved) (CreateRequest, error)
	// CreateCluster sends r. token identifies the journal attempt: the
	// adapter passes it as the API's client token where there is one, and
	// tags the cluster with it (RequestTagKey) so that FindCreated can
	// find a cluster whose create response was lost.
	CreateCluster(ctx context.Context, r CreateRequest, token string) (*WriteResult, error)
	// FindCreated returns the IDs of the clusters named name that carry
	// the request tag token and were created after after.
	FindCreated(ctx context.Context, token, name string, after time.Time) ([]string, error)
}

// CreateRequest is a create request an adapter built from a spec.
type CreateRequest interface {
	// API names the call ("RunCluster", "RunJobFlow").
	API() string
	// Shown is the exact request with secrets redacted: what the person
	// confirms, the dry run prints and the journal keeps.
	Shown() any
	// ClientToken reports whether the API itself deduplicates requests by
	// the token (for TokenWindow), so that a retry with the same token can
	// be sent without looking first.
	ClientToken() bool
}

// TokenWindow is how long the clouds remember a client token.
const TokenWindow = 30 * time.Minute

// AttributeUpdater changes a cluster's attributes: the ones Traits
// lists (name, description, deletion protection).
type AttributeUpdater interface {
	UpdateClusterAttributes(ctx context.Context, clusterID string, a ClusterAttributes) (*WriteResult, error)
	// AttributesRequest is the exact request UpdateClusterAttributes sends.
	AttributesRequest(clusterID string, a ClusterAttributes) any
}

// Renewer sets the auto-renewal of subscription clusters.
type Renewer interface {
	UpdateAutoRenew(ctx context.Context, clusterID string, in AutoRenewInput) (*WriteResult, error)
	// AutoRenewRequest is the exact request UpdateAutoRenew sends.
	AutoRenewRequest(clusterID string, in AutoRenewInput) any
}

// Terminator releases clusters. The engine reaches it only through the
// policy, which refuses it to everyone by default.
type Terminator interface {
	TerminateCluster(ctx context.Context, clusterID string) (*WriteResult, error)
}

// Exporter turns a cluster back into a spec to clone it from (passwords
// are never exported: the spec names environment variables instead).
type Exporter interface {
	ExportSpec(ctx context.Context, clusterID string) (*spec.Cluster, error)
}

// Operations reads the cloud's asynchronous operations.
type Operations interface {
	GetOperation(ctx context.Context, clusterID, operationID string) (*Operation, error)
}

// ApplicationLister lists the services installed on a cluster.
type ApplicationLister interface {
	ListApplications(ctx context.Context, clusterID string) ([]Application, error)
}

// ReleaseQuery selects release versions. Each cloud reads the fields it
// knows: Alibaba ClusterType, AWS Prefix and Application.
type ReleaseQuery struct {
	ClusterType string `json:"clusterType,omitempty"`
	Prefix      string `json:"prefix,omitempty"`
	Application string `json:"application,omitempty"`
}

// ReleaseLister lists the release versions a cluster may use.
type ReleaseLister interface {
	ListReleaseVersions(ctx context.Context, q ReleaseQuery) ([]ReleaseVersion, error)
}

// InstanceTypeLister lists the instance types a node group may use. Each
// cloud reads the query fields it needs (Alibaba: zone, cluster type,
// payment, role; AWS: the release).
type InstanceTypeLister interface {
	ListInstanceTypes(ctx context.Context, q InstanceTypeQuery) ([]InstanceType, error)
}

// RegionLister lists the cloud's regions, sorted by ID.
type RegionLister interface {
	Regions(ctx context.Context) ([]Region, error)
}

// NodeGroupRequest is a node group creation an adapter built.
type NodeGroupRequest interface {
	// Shown is the exact request, secrets redacted.
	Shown() any
}

// NodeGroupCreator adds node groups to running clusters.
type NodeGroupCreator interface {
	// PrepareNodeGroup maps a validated group to the exact request.
	PrepareNodeGroup(clusterID string, g spec.NodeGroup) (NodeGroupRequest, error)
	CreateNodeGroup(ctx context.Context, clusterID string, r NodeGroupRequest) (*WriteResult, error)
}

// DecreaseInput releases nodes of a node group.
type DecreaseInput struct {
	NodeIDs []string `json:"nodeIds"`
	// From is the group's requested size as observed before: a cloud that
	// sets an absolute size (AWS ModifyInstanceGroups) sends From minus
	// the nodes released.
	From int `json:"-"`
}

// NodeScaler adds and releases nodes of a node group. Neither call has a
// client token on either cloud: the engine reconciles an unknown outcome
// from the group's state before it sends anything again.
type NodeScaler interface {
	IncreaseNodes(ctx context.Context, clusterID, groupID string, in IncreaseInput) (*WriteResult, error)
	DecreaseNodes(ctx context.Context, clusterID, groupID string, in DecreaseInput) (*WriteResult, error)
	// IncreaseRequest and DecreaseRequest are the exact requests sent.
	IncreaseRequest(clusterID, groupID string, in IncreaseInput) any
	DecreaseRequest(clusterID, groupID string, in DecreaseInput) any
}

// Problem is one problem a cloud's rules find in an input, with its field
// and fix.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// AutoScaler manages the auto-scaling policy of a node group.
type AutoScaler interface {
	// GetAutoScalingPolicy returns the group's policy, or nil when it has
	// none.
	GetAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*ScalingPolicy, error)
	PutAutoScalingPolicy(ctx context.Context, p ScalingPolicy) (*WriteResult, error)
	RemoveAutoScalingPolicy(ctx context.Context, clusterID, groupID string) (*WriteResult, error)
	// AutoScalingProblems checks a policy against the cloud's documented
	// metric names, operators, statistics and bounds; nothing is sent.
	AutoScalingProblems(p ScalingPolicy) []Problem
	// AutoScalingRequest is the exact request PutAutoScalingPolicy sends.
	AutoScalingRequest(p ScalingPolicy) any
}

// ScalingActivities reads the history of auto scaling.
type ScalingActivities interface {
	ListScalingActivities(ctx context.Context, clusterID string, f ActivityFilter, pageToken string, pageSize int) (*Page[ScalingActivity], error)
	GetScalingActivity(ctx context.Context, clusterID, activityID string) (*ScalingActivity, error)
}
