package aws

import (
	"context"
	"slices"
	"strings"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/emrctl/emrctl/internal/provider"
)

// Cluster states of EMR.
const (
	StateStarting             = provider.ClusterStarting
	StateBootstrapping        = provider.ClusterBootstrapping
	StateRunning              = provider.ClusterRunning
	StateWaiting              = provider.ClusterWaiting
	StateTerminating          = provider.ClusterTerminating
	StateTerminated           = provider.ClusterTerminated
	StateTerminatedWithErrors = provider.ClusterTerminatedWithErrors
)

// ClusterStates lists the states ListClusters accepts.
func ClusterStates() []string {
	return []string{StateStarting, StateBootstrapping, StateRunning, StateWaiting, StateTerminating, StateTerminated, StateTerminatedWithErrors}
}

func requestID(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

// GetCluster describes one cluster.
func (p *Provider) GetCluster(ctx context.Context, id string) (*provider.Cluster, error) {
	d, err := p.ClusterDetail(ctx, id)
	if err != nil {
		return nil, err
	}
	return &d.Cluster, nil
}

// ClusterDetail describes one cluster with its applications and
// configurations.
func (p *Provider) ClusterDetail(ctx context.Context, id string) (*provider.ClusterDetail, error) {
	out, err := p.emr.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: &id}, p.emrRead)
	if err != nil {
		return nil, mapError(ctx, "DescribeCluster", true, err)
	}
	if out.Cluster == nil {
		return nil, &provider.APIError{Provider: provider.AWS, Action: "DescribeCluster", Kind: provider.KindNotFound, Code: "NoSuchCluster", Message: "cluster " + id + " not found"}
	}
	c := out.Cluster
	d := &provider.ClusterDetail{
		Cluster:              p.clusterOf(c),
		Configurations:       configurationsOf(c.Configurations),
		StepConcurrencyLevel: i32(c.StepConcurrencyLevel),
		KeepAlive:            !boolv(c.AutoTerminate),
	}
	for _, a := range c.Applications {
		d.Applications = append(d.Applications, provider.Application{Name: str(a.Name), Version: str(a.Version)})
	}
	return d, nil
}

func configurationsOf(cs []types.Configuration) []provider.Configuration {
	var out []provider.Configuration
	for _, c := range cs {
		out = append(out, provider.Configuration{Classification: str(c.Classification), Properties: c.Properties, Configurations: configurationsOf(c.Configurations)})
	}
	return out
}

func (p *Provider) clusterOf(c *types.Cluster) provider.Cluster {
	out := provider.Cluster{
		Provider:       provider.AWS,
		Region:         p.region,
		ID:             str(c.Id),
		Name:           str(c.Name),
		ReleaseVersion: str(c.ReleaseLabel),
		AWS: &provider.AWSInfo{
			ARN:                    str(c.ClusterArn),
			InstanceCollectionType: string(c.InstanceCollectionType),
			LogURI:                 str(c.LogUri),
			ServiceRole:            str(c.ServiceRole),
			SecurityConfiguration:  str(c.SecurityConfiguration),
			MasterPublicDNS:        str(c.MasterPublicDnsName),
			AutoTerminate:          boolv(c.AutoTerminate),
			TerminationProtected:   boolv(c.TerminationProtected),
			NormalizedHours:        i32(c.NormalizedInstanceHours),
		},
	}
	if out.ReleaseVersion == "" {
		out.ReleaseVersion = str(c.RunningAmiVersion)
	}
	if out.AWS.InstanceCollectionType == "" {
		out.AWS.InstanceCollectionType = string(types.InstanceCollectionTypeInstanceGroup)
	}
	statusInto(&out, c.Status)
	if a := c.Ec2InstanceAttributes; a != nil {
		out.AWS.InstanceProfile = str(a.IamInstanceProfile)
		out.AWS.KeyName = str(a.Ec2KeyName)
		if s := str(a.Ec2SubnetId); s != "" {
			out.AWS.SubnetIDs = []string{s}
		}
		for _, s := range a.RequestedEc2SubnetIds {
			if !slices.Contains(out.AWS.SubnetIDs, s) {
				out.AWS.SubnetIDs = append(out.AWS.SubnetIDs, s)
			}
		}
	}
	for _, a := range c.Applications {
		out.AWS.Applications = append(out.AWS.Applications, str(a.Name))
	}
	for _, t := range c.Tags {
		out.Tags = append(out.Tags, provider.Tag{Key: str(t.Key), Value: str(t.Value)})
		if str(t.Key) == DescriptionTagKey {
			out.Description = str(t.Value)
		}
	}
	// Termination protection is what deletion protection is elsewhere.
	out.DeletionProtection = out.AWS.TerminationProtected
	return out
}

func statusInto(c *provider.Cluster, s *types.ClusterStatus) {
	if s == nil {
		return
	}
	c.State = string(s.State)
	if r := s.StateChangeReason; r != nil {
		c.StateReason = reasonOf(string(r.Code), str(r.Message))
	}
	if t := s.Timeline; t != nil {
		c.CreateTime, c.ReadyTime, c.EndTime = tm(t.CreationDateTime), tm(t.ReadyDateTime), tm(t.EndDateTime)
	}
}

// awsStates turns a neutral state filter into EMR states. Each state
// means itself: WAITING is listed only when asked for (the names
// "running" and "active" of Traits include it). States EMR does not have
// (Alibaba's START_FAILED, TERMINATE_FAILED) are dropped.
func awsStates(in []string) (states []types.ClusterState, impossible bool) {
	known := ClusterStates()
	for _, s := range in {
		s = strings.ToUpper(s)
		if slices.Contains(known, s) && !slices.Contains(states, types.ClusterState(s)) {
			states = append(states, types.ClusterState(s))
		}
	}
	return states, len(in) > 0 && len(states) == 0
}

// ListClusters returns one page of clusters. EMR pages by 50 whatever
// pageSize says; the name and ID filters are applied to each page. Cluster
// types, payment types and resource groups are Alibaba notions: ignored.
func (p *Provider) ListClusters(ctx context.Context, f provider.ClusterFilter, pageToken string, pageSize int) (*provider.Page[provider.Cluster], error) {
	states, impossible := awsStates(f.States)
	if impossible {
		return &provider.Page[provider.Cluster]{}, nil
	}
	in := &emr.ListClustersInput{ClusterStates: states, Marker: optStr(pageToken)}
	if !f.CreatedAfter.IsZero() {
		in.CreatedAfter = ptr(f.CreatedAfter)
	}
	if !f.CreatedBefore.IsZero() {
		in.CreatedBefore = ptr(f.CreatedBefore)
	}
	out, err := p.emr.ListClusters(ctx, in, p.emrRead)
	if err != nil {
		return nil, mapError(ctx, "ListClusters", false, err)
	}
	page := &provider.Page[provider.Cluster]{NextToken: str(out.Marker), Items: []provider.Cluster{}}
	for _, s := range out.Clusters {
		c := provider.Cluster{
			Provider: provider.AWS, Region: p.region, ID: str(s.Id), Name: str(s.Name),
			AWS: &provider.AWSInfo{ARN: str(s.ClusterArn), NormalizedHours: i32(s.NormalizedInstanceHours)},
		}
		statusInto(&c, s.Status)
		if f.Name != "" && !strings.Contains(c.Name, f.Name) {
			continue
		}
		if len(f.IDs) > 0 && !slices.Contains(f.IDs, c.ID) {
			continue
		}
		page.Items = append(page.Items, c)
	}
	return page, nil
}

// FindByTag returns the IDs of clusters named name, created after the
// given time, that carry the tag key=value. It reads every page and
// describes each candidate (ListClusters does not return tags).
func (p *Provider) FindByTag(ctx context.Context, key, value, name string, after time.Time) ([]string, error) {
	var ids []string
	token := ""
	for {
		page, err := p.ListClusters(ctx, provider.ClusterFilter{CreatedAfter: after}, token, 0)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Items {
			if c.Name != name {
				continue
			}
			full, err := p.GetCluster(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			for _, t := range full.Tags {
				if t.Key == key && t.Value == value {
					ids = append(ids, c.ID)
					break
				}
			}
		}
		if token = page.NextToken; token == "" {
			return ids, nil
		}
	}
}

// TerminateCluster terminates a cluster (TerminateJobFlows).
func (p *Provider) TerminateCluster(ctx context.Context, id string) (*provider.WriteResult, error) {
	out, err := p.emr.TerminateJobFlows(ctx, &emr.TerminateJobFlowsInput{JobFlowIds: []string{id}})
	if err != nil {
		return nil, mapError(ctx, "TerminateJobFlows", true, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

// SetTerminationProtection switches a cluster's termination protection.
func (p *Provider) SetTerminationProtection(ctx context.Context, id string, on bool) (*provider.WriteResult, error) {
	out, err := p.emr.SetTerminationProtection(ctx, protectionInput(id, on))
	if err != nil {
		return nil, mapError(ctx, "SetTerminationProtection", true, err)
	}
	return &provider.WriteResult{IDs: []string{id}, RequestID: requestID(out.ResultMetadata)}, nil
}

func protectionInput(id string, on bool) *emr.SetTerminationProtectionInput {
	return &emr.SetTerminationProtectionInput{JobFlowIds: []string{id}, TerminationProtected: &on}
}

// AttributesRequest implements provider.AttributeUpdater: the
// SetTerminationProtection request. EMR changes no other attribute of a
// running cluster (Traits.Attributes): for those it is nil.
func (p *Provider) AttributesRequest(clusterID string, a provider.ClusterAttributes) any {
	if a.DeletionProtection == nil || a.Name != "" || a.Description != "" {
		return nil
	}
	return Wire(protectionInput(clusterID, *a.DeletionProtection))
}

// UpdateClusterAttributes implements provider.AttributeUpdater: deletion
// protection is EMR's termination protection. A name or description
// cannot be changed on EMR; the engine refuses them before (Traits).
func (p *Provider) UpdateClusterAttributes(ctx context.Context, clusterID string, a provider.ClusterAttributes) (*provider.WriteResult, error) {
	switch {
	case a.Name != "" || a.Description != "":
		return nil, &provider.APIError{Provider: provider.AWS, Action: "SetTerminationProtection", Kind: provider.KindInvalid, Code: "UnsupportedAttribute",
			Message: "EMR cannot change a cluster's name or description after it is created; only termination protection"}
	case a.DeletionProtection == nil:
		return nil, &provider.APIError{Provider: provider.AWS, Action: "SetTerminationProtection", Kind: provider.KindInvalid, Code: "MissingParameter",
			Message: "no attribute to change: give termination (deletion) protection on or off"}
	}
	return p.SetTerminationProtection(ctx, clusterID, *a.DeletionProtection)
}

// ListApplications implements provider.ApplicationLister: the
// applications DescribeCluster names, with their versions.
func (p *Provider) ListApplications(ctx context.Context, clusterID string) ([]provider.Application, error) {
	d, err := p.ClusterDetail(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	if d.Applications == nil {
		return []provider.Application{}, nil
	}
	return d.Applications, nil
}
