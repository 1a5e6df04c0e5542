package aliyun

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

var (
	_ provider.ClientConfigs       = (*Provider)(nil)
	_ provider.ClientConfigUpdater = (*Provider)(nil)
)

// configValue finds key in file of app, reporting whether it is there.
func configValue(files []provider.ConfigFile, app, file, key string) (string, bool) {
	for _, f := range files {
		if f.Application != app || f.Name != file {
			continue
		}
		for _, it := range f.Items {
			if it.Key == key {
				return it.Value, true
			}
		}
	}
	return "", false
}

func countItems(files []provider.ConfigFile) int {
	n := 0
	for _, f := range files {
		n += len(f.Items)
	}
	return n
}

// TestClientConfigsFromEmulator reads the dev cluster's configuration
// from the emulator: every page, grouped by file, the values derived from
// the cluster itself.
func TestClientConfigsFromEmulator(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "configs", "token-c")

	all, err := p.ClientConfigs(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	var first emrwire.ListApplicationConfigsResponse
	if err := p.emr(ctx, "ListApplicationConfigs", &emrwire.ListApplicationConfigsRequest{RegionId: p.Region(), ClusterId: id, MaxResults: ptr(int64(1))}, &first); err != nil {
		t.Fatal(err)
	}
	if total := int(*first.TotalCount); countItems(all) != total || total <= configPageSize {
		t.Errorf("items: got %d, want the emulator's TotalCount %d, more than one page of %d", countItems(all), total, configPageSize)
	}
	fs, ok := configValue(all, "HDFS", "core-site.xml", "fs.defaultFS")
	if !ok || !strings.HasPrefix(fs, "hdfs://") || !strings.Contains(fs, "."+id+"."+testRegion+".emr.aliyuncs.com") {
		t.Errorf("fs.defaultFS: got %q (found %v), want hdfs:// and the master host of %s", fs, ok, id)
	}
	for _, f := range all {
		if f.Name == "spark-defaults.conf" && f.Format != provider.FormatSpark || f.Name == "core-site.xml" && f.Format != provider.FormatXML {
			t.Errorf("%s/%s: got format %q", f.Application, f.Name, f.Format)
		}
	}

	hdfs, err := p.ClientConfigs(ctx, id, []string{"HDFS"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range hdfs {
		names = append(names, f.Application+"/"+f.Name)
	}
	if diff := cmp.Diff([]string{"HDFS/core-site.xml", "HDFS/hadoop-env.sh", "HDFS/hdfs-site.xml"}, names); diff != "" {
		t.Errorf("HDFS files (-want +got):\n%s", diff)
	}

	if _, err := p.ClientConfigs(ctx, id, []string{"HBASE"}); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("HBASE, not installed: got error %v, want ErrNotFound", err)
	}
}

// TestUpdateClientConfigReadsBack changes an item and reads it back.
func TestUpdateClientConfigReadsBack(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "configs-update", "token-u")
	res, err := p.UpdateClientConfig(ctx, id, "HDFS", "core-site.xml", []provider.ConfigItem{{Key: "fs.trash.interval", Value: "60"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.OperationID == "" {
		t.Errorf("got %+v, want an operation ID", res)
	}
	files, err := p.ClientConfigs(ctx, id, []string{"HDFS"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := configValue(files, "HDFS", "core-site.xml", "fs.trash.interval"); got != "60" {
		t.Errorf("fs.trash.interval after update: got %q, want 60", got)
	}
	if _, err := p.UpdateClientConfig(ctx, id, "HDFS", "core-site.xml", []provider.ConfigItem{{Key: "no.such.key", Value: "1"}}, false); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("UPDATE of a key that does not exist: got error %v, want ErrInvalid", err)
	}
}
