package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// ClusterRequest is a RunCluster request built from a spec. It holds the
// resolved secrets: only Shown (redacted) is ever printed, journaled or
// marshalled.
type ClusterRequest struct {
	req   *emrwire.RunClusterRequest
	shown *emrwire.RunClusterRequest
}

// API implements provider.CreateRequest.
func (r *ClusterRequest) API() string { return "RunCluster" }

// Shown implements provider.CreateRequest: the RunCluster request with
// the root and metastore passwords redacted. ClientToken and the request
// tag are not in it: they are the journal token, added when it is sent.
func (r *ClusterRequest) Shown() any { return r.shown }

// ClientToken implements provider.CreateRequest: RunCluster deduplicates
// by ClientToken.
func (r *ClusterRequest) ClientToken() bool { return true }

// String never shows the secrets the request holds.
func (r *ClusterRequest) String() string {
	if r == nil || r.shown == nil {
		return "RunCluster (no request)"
	}
	return "RunCluster " + r.shown.ClusterName + " (secrets redacted)"
}

// GoString is String, so %#v does not print the secrets either.
func (r *ClusterRequest) GoString() string { return r.String() }

// MarshalJSON writes the redacted request.
func (r *ClusterRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.shown) }

// PrepareCreate implements provider.ClusterCreator: it maps a validated
// spec (defaults applied, secrets resolved) to the RunCluster request.
// Nothing is sent.
func (p *Provider) PrepareCreate(c *spec.Cluster, secrets *spec.Resolved) (provider.CreateRequest, error) {
	for k := range c.Tags {
		if k == provider.RequestTagKey {
			return nil, fmt.Errorf("aliyun: tags: %w: %s is the tag emrctl sets on every cluster it creates; remove it from the spec", spec.ErrNotMappable, provider.RequestTagKey)
		}
	}
	req, err := buildRunCluster(c, secrets)
	if err != nil {
		return nil, err
	}
	return &ClusterRequest{req: req, shown: redactRunCluster(req)}, nil
}

// CreateCluster implements provider.ClusterCreator. token is sent as the
// ClientToken (RunCluster returns the same cluster for a repeat within
// provider.TokenWindow) and as the value of the request tag, which
// outlives the token's window: FindCreated looks for it.
func (p *Provider) CreateCluster(ctx context.Context, r provider.CreateRequest, token string) (*provider.WriteResult, error) {
	cr, ok := r.(*ClusterRequest)
	if !ok || cr == nil || cr.req == nil {
		return nil, fmt.Errorf("aliyun: CreateCluster needs a request from this provider's PrepareCreate, got %T", r)
	}
	if token == "" {
		return nil, errors.New("aliyun: CreateCluster needs a token: it is the ClientToken and the request tag")
	}
	req := sendable(cr.req, p.Region(), token)
	var resp emrwire.RunClusterResponse
	if err := p.emr(ctx, "RunCluster", req, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.ClusterId, resp.OperationId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}

// sendable returns the request as sent: in the provider's region, with the
// token as ClientToken and as the request tag.
func sendable(in *emrwire.RunClusterRequest, region, token string) *emrwire.RunClusterRequest {
	req := *in
	req.RegionId, req.ClientToken = region, token
	req.Tags = append(append([]emrwire.Tag(nil), in.Tags...), emrwire.Tag{Key: provider.RequestTagKey, Value: token})
	return &req
}

// FindCreated implements provider.ClusterCreator: the clusters named name
// that carry the request tag token and were created at or after after
// (every page of ListClusters filtered by the tag; ClusterName filters by
// substring, so the name is compared here).
func (p *Provider) FindCreated(ctx context.Context, token, name string, after time.Time) ([]string, error) {
	var ids []string
	next := ""
	for {
		req := &emrwire.ListClustersRequest{
			RegionId: p.Region(), ClusterName: name, Tags: []emrwire.Tag{{Key: provider.RequestTagKey, Value: token}},
			NextToken: next, MaxResults: ptr(int64(100)),
		}
		var resp emrwire.ListClustersResponse
		if err := p.emr(ctx, "ListClusters", req, &resp); err != nil {
			return nil, err
		}
		for _, c := range resp.Clusters {
			if c.ClusterName == name && hasTag(c.Tags, provider.RequestTagKey, token) && !fromMillis(c.CreateTime).Before(after) {
				ids = append(ids, c.ClusterId)
			}
		}
		if next = resp.NextToken; next == "" {
			return ids, nil
		}
	}
}

// hasTag reports whether tags hold key=value. The filter already asked
// for it; checking again keeps a service that ignored the filter from
// matching every cluster.
func hasTag(tags []emrwire.Tag, key, value string) bool {
	for _, t := range tags {
		if t.Key == key && t.Value == value {
			return true
		}
	}
	return false
}
