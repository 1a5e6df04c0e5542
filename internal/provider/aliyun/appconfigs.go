package aliyun

import (
	"cmp"
	"context"
	"slices"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// ClientConfigs implements provider.ClientConfigs with
// ListApplicationConfigs, every page, at the CLUSTER scope: the items a
// gateway, which belongs to no node group, sees. ListApplicationConfigs
// gives each key and value exactly, where ExportApplicationConfigs gives
// rendered files to parse back.
func (p *Provider) ClientConfigs(ctx context.Context, clusterID string, apps []string) ([]provider.ConfigFile, error) {
	var items []emrwire.ListApplicationConfigsResponseApplicationConfigsItem
	if len(apps) == 0 {
		apps = []string{""} // one listing of every application
	}
	for _, app := range apps {
		got, err := p.listAppConfigs(ctx, clusterID, app)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	return configFilesOf(items), nil
}

// configPageSize is the page size of ListApplicationConfigs; a cluster
// has some hundreds of items.
const configPageSize = 50

// listAppConfigs reads every page of the CLUSTER items of app ("" for all).
func (p *Provider) listAppConfigs(ctx context.Context, clusterID, app string) ([]emrwire.ListApplicationConfigsResponseApplicationConfigsItem, error) {
	var out []emrwire.ListApplicationConfigsResponseApplicationConfigsItem
	token := ""
	for {
		req := &emrwire.ListApplicationConfigsRequest{RegionId: p.Region(), ClusterId: clusterID, ApplicationName: app, NextToken: token, MaxResults: ptr(int64(configPageSize))}
		var resp emrwire.ListApplicationConfigsResponse
		if err := p.emr(ctx, "ListApplicationConfigs", req, &resp); err != nil {
			return nil, err
		}
		for _, it := range resp.ApplicationConfigs {
			if it.NodeGroupId == "" { // a node group's own value is not the gateway's
				out = append(out, it)
			}
		}
		if token = resp.NextToken; token == "" {
			return out, nil
		}
	}
}

// configFilesOf groups items into files, sorted by application, file and
// key.
func configFilesOf(items []emrwire.ListApplicationConfigsResponseApplicationConfigsItem) []provider.ConfigFile {
	byFile := map[[2]string]*provider.ConfigFile{}
	for _, it := range items {
		k := [2]string{it.ApplicationName, it.ConfigFileName}
		f := byFile[k]
		if f == nil {
			f = &provider.ConfigFile{Application: it.ApplicationName, Name: it.ConfigFileName, Format: provider.ConfigFormat(it.ConfigFileName)}
			byFile[k] = f
		}
		f.Items = append(f.Items, provider.ConfigItem{Key: it.ConfigItemKey, Value: it.ConfigItemValue})
	}
	out := make([]provider.ConfigFile, 0, len(byFile))
	for _, f := range byFile {
		slices.SortFunc(f.Items, func(a, b provider.ConfigItem) int { return cmp.Compare(a.Key, b.Key) })
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b provider.ConfigFile) int {
		return cmp.Or(cmp.Compare(a.Application, b.Application), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// UpdateClientConfigRequest implements provider.ClientConfigUpdater: an
// UPDATE of items of one file at the CLUSTER scope.
func (p *Provider) UpdateClientConfigRequest(clusterID, app, file string, items []provider.ConfigItem, refresh bool) any {
	return updateConfigRequest(p.Region(), clusterID, app, file, items, refresh)
}

func updateConfigRequest(region, clusterID, app, file string, items []provider.ConfigItem, refresh bool) *emrwire.UpdateApplicationConfigsRequest {
	req := &emrwire.UpdateApplicationConfigsRequest{
		RegionId: region, ClusterId: clusterID, ApplicationName: app, ConfigAction: "UPDATE", ConfigScope: "CLUSTER", RefreshConfig: ptr(refresh),
	}
	for _, it := range items {
		req.ApplicationConfigs = append(req.ApplicationConfigs, emrwire.UpdateApplicationConfig{ConfigFileName: file, ConfigItemKey: it.Key, ConfigItemValue: it.Value})
	}
	return req
}

// UpdateClientConfig implements provider.ClientConfigUpdater.
func (p *Provider) UpdateClientConfig(ctx context.Context, clusterID, app, file string, items []provider.ConfigItem, refresh bool) (*provider.WriteResult, error) {
	var resp emrwire.UpdateApplicationConfigsResponse
	if err := p.emr(ctx, "UpdateApplicationConfigs", updateConfigRequest(p.Region(), clusterID, app, file, items, refresh), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{clusterID, resp.OperationId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}
