package emulator

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

type configRow = emrwire.ListApplicationConfigsResponseApplicationConfigsItem

// lakeCluster is a running DATALAKE cluster with HIVE, SPARK3 and TEZ on a
// DLF metastore, plus one NODE_GROUP create-time item on the core group.
func (h *harness) lakeCluster() string {
	h.t.Helper()
	req := goodCluster("configs")
	req.Applications = append(req.Applications, emrwire.Application{ApplicationName: "HIVE"}, emrwire.Application{ApplicationName: "SPARK3"}, emrwire.Application{ApplicationName: "TEZ"})
	req.ApplicationConfigs = []emrwire.ApplicationConfig{
		{ApplicationName: "HIVE", ConfigFileName: "hivemetastore-site.xml", ConfigItemKey: "hive.metastore.type", ConfigItemValue: "DLF"},
		{ApplicationName: "SPARK3", ConfigFileName: "hive-site.xml", ConfigItemKey: "hive.metastore.type", ConfigItemValue: "DLF"},
		{ApplicationName: "HDFS", ConfigFileName: "hdfs-site.xml", ConfigItemKey: "dfs.replication", ConfigItemValue: "2"},
		{ApplicationName: "YARN", ConfigFileName: "yarn-site.xml", ConfigItemKey: "yarn.nodemanager.resource.memory-mb", ConfigItemValue: "12288", ConfigScope: "NODE_GROUP", NodeGroupName: "core"},
	}
	id := h.runCluster(req)
	h.advance(10 * time.Minute)
	if st := h.getCluster(id).ClusterState; st != stateRunning {
		h.t.Fatalf("cluster %s: got %s after 10 minutes, want RUNNING", id, st)
	}
	return id
}

// configs lists every item a request matches, following NextToken.
func (h *harness) configs(req emrwire.ListApplicationConfigsRequest) []configRow {
	h.t.Helper()
	req.RegionId = region
	var out []configRow
	for {
		var resp emrwire.ListApplicationConfigsResponse
		h.do(contract.EMR, "ListApplicationConfigs", &req, &resp)
		out = append(out, resp.ApplicationConfigs...)
		if resp.NextToken == "" {
			if got := int(i64(resp.TotalCount)); got != len(out) {
				h.t.Errorf("TotalCount: got %d, want %d (the items listed)", got, len(out))
			}
			return out
		}
		req.NextToken = resp.NextToken
	}
}

// configValue returns the value of one item, failing if it is not listed.
func (h *harness) configValue(clusterID, app, file, key string) configRow {
	h.t.Helper()
	for _, r := range h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: clusterID, ApplicationName: app, ConfigFileName: file, ConfigItemKey: key}) {
		if r.ConfigItemKey == key {
			return r
		}
	}
	h.t.Fatalf("%s %s %s: not listed", app, file, key)
	return configRow{}
}

// masterHost is the host name of the cluster's master, from ListNodes.
func (h *harness) masterHost(clusterID string) string {
	h.t.Helper()
	var resp emrwire.ListNodesResponse
	h.do(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: region, ClusterId: clusterID, NodeGroupIds: []string{h.groupID(clusterID, "MASTER")}}, &resp)
	if len(resp.Nodes) != 1 {
		h.t.Fatalf("got %d master nodes, want 1", len(resp.Nodes))
	}
	return resp.Nodes[0].NodeName + "." + clusterID + "." + region + ".emr.aliyuncs.com"
}

// hadoopXML is a Hadoop configuration file.
type hadoopXML struct {
	Properties []struct {
		Name  string `xml:"name"`
		Value string `xml:"value"`
	} `xml:"property"`
}

// exported exports files and returns their decoded contents by app/file.
func (h *harness) exported(req emrwire.ExportApplicationConfigsRequest) map[string]string {
	h.t.Helper()
	req.RegionId = region
	var resp emrwire.ExportApplicationConfigsResponse
	h.do(contract.EMR, "ExportApplicationConfigs", &req, &resp)
	out := map[string]string{}
	for _, f := range resp.ApplicationConfigs {
		raw, err := base64.StdEncoding.DecodeString(f.Content)
		if err != nil {
			h.t.Fatalf("%s %s: Content is not base64: %v", f.ApplicationName, f.ConfigFileName, err)
		}
		out[f.ApplicationName+"/"+f.ConfigFileName] = string(raw)
	}
	return out
}

func xmlProps(t *testing.T, content string) map[string]string {
	t.Helper()
	var doc hadoopXML
	if err := xml.Unmarshal([]byte(content), &doc); err != nil {
		t.Fatalf("not Hadoop XML: %v\n%s", err, content)
	}
	out := map[string]string{}
	for _, p := range doc.Properties {
		out[p.Name] = p.Value
	}
	return out
}

func TestApplicationConfigsAfterCreate(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.lakeCluster()
	master := h.masterHost(id)
	for _, c := range []struct {
		app, file, key, want string
	}{
		{"HDFS", "core-site.xml", "fs.defaultFS", "hdfs://" + master + ":9000"},
		{"HDFS", "hdfs-site.xml", "dfs.replication", "2"}, // from the create-time ApplicationConfigs
		{"YARN", "yarn-site.xml", "yarn.resourcemanager.address", master + ":8032"},
		{"YARN", "mapred-site.xml", "mapreduce.framework.name", "yarn"},
		{"HIVE", "hivemetastore-site.xml", "hive.metastore.type", "DLF"},
		{"HIVE", "hive-site.xml", "hive.execution.engine", "tez"},
		{"HIVE", "hive-site.xml", "dlf.catalog.region", region},
		{"SPARK3", "spark-defaults.conf", "spark.eventLog.dir", "hdfs://" + master + ":9000/spark-history"},
		{"SPARK3", "hive-site.xml", "hive.metastore.type", "DLF"},
		{"TEZ", "tez-site.xml", "tez.lib.uris", "hdfs://" + master + ":9000/apps/tez/tez.tar.gz"},
		{"ZOOKEEPER", "zoo.cfg", "server.1", master + ":2888:3888"},
	} {
		t.Run(c.app+"/"+c.key, func(t *testing.T) {
			got := h.configValue(id, c.app, c.file, c.key)
			if got.ConfigItemValue != c.want {
				t.Errorf("got %q, want %q", got.ConfigItemValue, c.want)
			}
			if got.ConfigEffectState != "EFFECT" || got.CreateTime == nil || got.Custom == nil || *got.Custom {
				t.Errorf("got state %q, CreateTime %v, Custom %v; want EFFECT, a time, false", got.ConfigEffectState, got.CreateTime, got.Custom)
			}
		})
	}
	t.Run("no hive.metastore.uris on DLF", func(t *testing.T) {
		if rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, ApplicationName: "HIVE", ConfigItemKey: "hive.metastore.uris"}); len(rows) != 0 {
			t.Errorf("got %v, want none (DLF clients use the DLF client factory)", rows)
		}
	})
	t.Run("node group item at create", func(t *testing.T) {
		core := h.groupID(id, "CORE")
		rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, NodeGroupId: core, ConfigItemKey: "yarn.nodemanager.resource.memory-mb"})
		if len(rows) != 1 || rows[0].ConfigItemValue != "12288" || rows[0].NodeGroupId != core {
			t.Errorf("core group: got %+v, want one item 12288 of %s", rows, core)
		}
		if rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, ConfigItemKey: "yarn.nodemanager.resource.memory-mb"}); len(rows) != 0 {
			t.Errorf("cluster scope: got %+v, want none (the item is the core group's)", rows)
		}
	})
	t.Run("export", func(t *testing.T) {
		files := h.exported(emrwire.ExportApplicationConfigsRequest{ClusterId: id, ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS"}, {ApplicationName: "SPARK3", ConfigFileName: "spark-defaults.conf"}}})
		names := slices.Sorted(maps.Keys(files))
		if want := []string{"HDFS/core-site.xml", "HDFS/hadoop-env.sh", "HDFS/hdfs-site.xml", "SPARK3/spark-defaults.conf"}; !cmp.Equal(names, want) {
			t.Fatalf("exported files: got %v, want %v", names, want)
		}
		if got := xmlProps(t, files["HDFS/core-site.xml"])["fs.defaultFS"]; got != "hdfs://"+master+":9000" {
			t.Errorf("core-site.xml fs.defaultFS: got %q, want the master's address", got)
		}
		if !strings.Contains(files["SPARK3/spark-defaults.conf"], "\nspark.master yarn\n") {
			t.Errorf("spark-defaults.conf: got\n%s\nwant a line \"spark.master yarn\"", files["SPARK3/spark-defaults.conf"])
		}
		if !strings.Contains(files["HDFS/hadoop-env.sh"], "export HADOOP_CONF_DIR=/etc/taihao-apps/hadoop-conf\n") {
			t.Errorf("hadoop-env.sh: got\n%s\nwant an export of HADOOP_CONF_DIR", files["HDFS/hadoop-env.sh"])
		}
	})
	t.Run("export JSON", func(t *testing.T) {
		files := h.exported(emrwire.ExportApplicationConfigsRequest{ClusterId: id, FileFormat: "JSON", ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "YARN", ConfigFileName: "yarn-site.xml"}}})
		var m map[string]string
		if err := json.Unmarshal([]byte(files["YARN/yarn-site.xml"]), &m); err != nil {
			t.Fatalf("yarn-site.xml as JSON: %v", err)
		}
		if got := m["yarn.resourcemanager.hostname"]; got != master {
			t.Errorf("yarn.resourcemanager.hostname: got %q, want %q", got, master)
		}
	})
}

func (h *harness) updateConfigs(req emrwire.UpdateApplicationConfigsRequest) error {
	h.t.Helper()
	req.RegionId = region
	_, err := h.call(contract.EMR, "UpdateApplicationConfigs", &req)
	return err
}

func TestUpdateApplicationConfigs(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.lakeCluster()
	created := h.configValue(id, "HDFS", "core-site.xml", "fs.trash.interval")
	h.advance(time.Minute)
	item := func(file, key, value string) []emrwire.UpdateApplicationConfig {
		return []emrwire.UpdateApplicationConfig{{ConfigFileName: file, ConfigItemKey: key, ConfigItemValue: value}}
	}

	if err := h.updateConfigs(emrwire.UpdateApplicationConfigsRequest{ClusterId: id, ApplicationName: "HDFS", ConfigAction: "UPDATE", ApplicationConfigs: item("core-site.xml", "fs.trash.interval", "60")}); err != nil {
		t.Fatalf("UPDATE: %s", describe(err))
	}
	got := h.configValue(id, "HDFS", "core-site.xml", "fs.trash.interval")
	if got.ConfigItemValue != "60" || got.InitValue != "1440" || got.Modifier == "" || *got.UpdateTime <= *created.UpdateTime {
		t.Errorf("after UPDATE: got value %q, init %q, modifier %q, UpdateTime %d (was %d); want 60, 1440, set, later",
			got.ConfigItemValue, got.InitValue, got.Modifier, *got.UpdateTime, *created.UpdateTime)
	}
	files := h.exported(emrwire.ExportApplicationConfigsRequest{ClusterId: id, ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS", ConfigFileName: "core-site.xml"}}})
	if got := xmlProps(t, files["HDFS/core-site.xml"])["fs.trash.interval"]; got != "60" {
		t.Errorf("exported core-site.xml fs.trash.interval: got %q, want 60", got)
	}

	t.Run("MODIFICATION exports only changed items", func(t *testing.T) {
		files := h.exported(emrwire.ExportApplicationConfigsRequest{ClusterId: id, ExportMode: "MODIFICATION", ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS"}}})
		want := map[string]map[string]string{
			"HDFS/core-site.xml": {"fs.trash.interval": "60"},
			"HDFS/hdfs-site.xml": {"dfs.replication": "2"},
		}
		gotProps := map[string]map[string]string{}
		for n, c := range files {
			gotProps[n] = xmlProps(t, c)
		}
		if d := cmp.Diff(want, gotProps); d != "" {
			t.Errorf("MODIFICATION export (-want +got):\n%s", d)
		}
	})

	t.Run("ADD then DELETE a custom item", func(t *testing.T) {
		add := emrwire.UpdateApplicationConfigsRequest{ClusterId: id, ApplicationName: "SPARK3", ConfigAction: "ADD", ApplicationConfigs: item("spark-defaults.conf", "spark.sql.adaptive.enabled", "true")}
		if err := h.updateConfigs(add); err != nil {
			t.Fatalf("ADD: %s", describe(err))
		}
		if got := h.configValue(id, "SPARK3", "spark-defaults.conf", "spark.sql.adaptive.enabled"); got.Custom == nil || !*got.Custom || got.ConfigItemValue != "true" {
			t.Errorf("after ADD: got %+v, want a custom item true", got)
		}
		wantCode(t, h.updateConfigs(add), "InvalidParameter") // it exists now
		del := add
		del.ConfigAction = "DELETE"
		if err := h.updateConfigs(del); err != nil {
			t.Fatalf("DELETE: %s", describe(err))
		}
		if rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, ApplicationName: "SPARK3", ConfigItemKey: "spark.sql.adaptive.enabled"}); len(rows) != 0 {
			t.Errorf("after DELETE: got %+v, want none", rows)
		}
		if err := h.updateConfigs(add); err != nil {
			t.Fatalf("ADD again after DELETE: %s", describe(err))
		}
		if rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, ApplicationName: "SPARK3", ConfigItemKey: "spark.sql.adaptive.enabled"}); len(rows) != 1 {
			t.Errorf("after ADD again: got %d items, want 1", len(rows))
		}
	})

	t.Run("NODE_GROUP scope", func(t *testing.T) {
		core := h.groupID(id, "CORE")
		err := h.updateConfigs(emrwire.UpdateApplicationConfigsRequest{ClusterId: id, ApplicationName: "HDFS", ConfigScope: "NODE_GROUP", NodeGroupId: core, RefreshConfig: dara.Bool(true), ApplicationConfigs: item("hdfs-site.xml", "dfs.datanode.data.dir", "file:///mnt/disk1/hdfs")})
		if err != nil {
			t.Fatalf("NODE_GROUP UPDATE: %s", describe(err))
		}
		rows := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, NodeGroupId: core, ConfigItemKey: "dfs.datanode.data.dir"})
		if len(rows) != 1 || rows[0].ConfigItemValue != "file:///mnt/disk1/hdfs" || rows[0].NodeGroupId != core {
			t.Errorf("core group: got %+v, want its own value", rows)
		}
		if got := h.configValue(id, "HDFS", "hdfs-site.xml", "dfs.datanode.data.dir"); got.ConfigItemValue != "file:///mnt/disk1/hdfs,file:///mnt/disk2/hdfs" {
			t.Errorf("cluster scope: got %q, want the default (the change is the core group's)", got.ConfigItemValue)
		}
		files := h.exported(emrwire.ExportApplicationConfigsRequest{ClusterId: id, ConfigScope: "NODE_GROUP", NodeGroupIds: []string{core}, ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS", ConfigFileName: "hdfs-site.xml"}}})
		if got := xmlProps(t, files["HDFS/hdfs-site.xml"])["dfs.datanode.data.dir"]; got != "file:///mnt/disk1/hdfs" {
			t.Errorf("NODE_GROUP export of core: got dfs.datanode.data.dir %q, want the group's value", got)
		}
	})

	t.Run("refused while the cluster starts", func(t *testing.T) {
		starting := h.runCluster(goodCluster("starting"))
		err := h.updateConfigs(emrwire.UpdateApplicationConfigsRequest{ClusterId: starting, ApplicationName: "HDFS", ApplicationConfigs: item("core-site.xml", "fs.trash.interval", "1")})
		wantCode(t, err, "OperationDenied.ClusterStatus")
	})

	for _, c := range []struct {
		name string
		req  emrwire.UpdateApplicationConfigsRequest
		code string
	}{
		{"UPDATE of a missing key", emrwire.UpdateApplicationConfigsRequest{ApplicationName: "HDFS", ConfigAction: "UPDATE", ApplicationConfigs: item("core-site.xml", "no.such.key", "1")}, "InvalidParameter"},
		{"DELETE of a default item", emrwire.UpdateApplicationConfigsRequest{ApplicationName: "HDFS", ConfigAction: "DELETE", ApplicationConfigs: item("core-site.xml", "fs.defaultFS", "")}, "InvalidParameter"},
		{"file of another application", emrwire.UpdateApplicationConfigsRequest{ApplicationName: "HDFS", ApplicationConfigs: item("yarn-site.xml", "yarn.log-aggregation-enable", "false")}, "InvalidParameter"},
		{"NODE_GROUP without NodeGroupId", emrwire.UpdateApplicationConfigsRequest{ApplicationName: "HDFS", ConfigScope: "NODE_GROUP", ApplicationConfigs: item("core-site.xml", "fs.trash.interval", "1")}, "MissingParameter"},
		{"unknown ConfigAction", emrwire.UpdateApplicationConfigsRequest{ApplicationName: "HDFS", ConfigAction: "REPLACE", ApplicationConfigs: item("core-site.xml", "fs.trash.interval", "1")}, "InvalidParameter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.ClusterId = id
			wantCode(t, h.updateConfigs(c.req), c.code)
			if got := h.configValue(id, "HDFS", "core-site.xml", "fs.trash.interval").ConfigItemValue; got != "60" {
				t.Errorf("after a refused update: got fs.trash.interval %q, want 60", got)
			}
		})
	}
}

func TestApplicationConfigFilters(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.lakeCluster()
	all := h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id})
	for _, c := range []struct {
		name string
		req  emrwire.ListApplicationConfigsRequest
		keep func(configRow) bool
	}{
		{"application", emrwire.ListApplicationConfigsRequest{ApplicationName: "YARN"}, func(r configRow) bool { return r.ApplicationName == "YARN" }},
		{"file", emrwire.ListApplicationConfigsRequest{ConfigFileName: "hive-site.xml"}, func(r configRow) bool { return r.ConfigFileName == "hive-site.xml" }},
		{"key", emrwire.ListApplicationConfigsRequest{ConfigItemKey: "resourcemanager"}, func(r configRow) bool { return strings.Contains(r.ConfigItemKey, "resourcemanager") }},
		{"value", emrwire.ListApplicationConfigsRequest{ConfigItemValue: "DLF"}, func(r configRow) bool { return strings.Contains(r.ConfigItemValue, "DLF") }},
		{"application and file", emrwire.ListApplicationConfigsRequest{ApplicationName: "SPARK3", ConfigFileName: "hive-site.xml"}, func(r configRow) bool {
			return r.ApplicationName == "SPARK3" && r.ConfigFileName == "hive-site.xml"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.ClusterId = id
			var want []configRow
			for _, r := range all {
				if c.keep(r) {
					want = append(want, r)
				}
			}
			if len(want) == 0 || len(want) == len(all) {
				t.Fatalf("the filter keeps %d of %d items; the case must keep some, not all", len(want), len(all))
			}
			if d := cmp.Diff(want, h.configs(c.req)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var resp emrwire.ListApplicationConfigsResponse
		h.do(contract.EMR, "ListApplicationConfigs", &emrwire.ListApplicationConfigsRequest{RegionId: region, ClusterId: id, MaxResults: i64p(7)}, &resp)
		if len(resp.ApplicationConfigs) != 7 || resp.NextToken == "" || int(i64(resp.TotalCount)) != len(all) {
			t.Errorf("first page: got %d items, NextToken %q, TotalCount %d; want 7, a token, %d", len(resp.ApplicationConfigs), resp.NextToken, i64(resp.TotalCount), len(all))
		}
		if d := cmp.Diff(all, h.configs(emrwire.ListApplicationConfigsRequest{ClusterId: id, MaxResults: i64p(7)})); d != "" {
			t.Errorf("pages of 7 joined (-one page +pages):\n%s", d)
		}
	})
}

// TestApplicationConfigRefusals shows unknown applications, node groups
// and bad export options refused over HTTP in the POP error shape.
func TestApplicationConfigRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	id := h.runCluster(goodCluster("config-refusals"))
	for _, c := range []struct {
		name, action string
		req          any
		code         string
		mentions     string
	}{
		{"list unknown application", "ListApplicationConfigs", &emrwire.ListApplicationConfigsRequest{RegionId: region, ClusterId: id, ApplicationName: "KAFKA"}, "ApplicationNotFound", "KAFKA"},
		{"export unknown application", "ExportApplicationConfigs", &emrwire.ExportApplicationConfigsRequest{RegionId: region, ClusterId: id, ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HIVE"}}}, "ApplicationNotFound", "HIVE"},
		{"update unknown application", "UpdateApplicationConfigs", &emrwire.UpdateApplicationConfigsRequest{RegionId: region, ClusterId: id, ApplicationName: "SPARK3", ApplicationConfigs: []emrwire.UpdateApplicationConfig{{ConfigFileName: "spark-defaults.conf", ConfigItemKey: "spark.master", ConfigItemValue: "local"}}}, "ApplicationNotFound", "SPARK3"},
		{"unknown node group", "ListApplicationConfigs", &emrwire.ListApplicationConfigsRequest{RegionId: region, ClusterId: id, NodeGroupId: "ng-0000000000000000"}, "NodeGroupNotFound", "ng-0000000000000000"},
		{"unknown cluster", "ListApplicationConfigs", &emrwire.ListApplicationConfigsRequest{RegionId: region, ClusterId: "c-0000000000000000"}, "ClusterNotFound", "c-0000000000000000"},
		{"unknown file", "ExportApplicationConfigs", &emrwire.ExportApplicationConfigsRequest{RegionId: region, ClusterId: id, ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS", ConfigFileName: "yarn-site.xml"}}}, "InvalidParameter", "yarn-site.xml"},
		{"node groups with CLUSTER scope", "ExportApplicationConfigs", &emrwire.ExportApplicationConfigsRequest{RegionId: region, ClusterId: id, NodeGroupIds: []string{"ng-0000000000000000"}}, "InvalidParameter", "NODE_GROUP"},
		{"bad file format", "ExportApplicationConfigs", &emrwire.ExportApplicationConfigsRequest{RegionId: region, ClusterId: id, FileFormat: "YAML"}, "InvalidParameter", "FileFormat"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := h.call(contract.EMR, c.action, c.req)
			wantCode(t, err, c.code)
			if !strings.Contains(messageOf(err), c.mentions) {
				t.Errorf("message %q does not name %s", messageOf(err), c.mentions)
			}
			e, _ := h.wire.last(c.action)
			checkErrorBody(t, e)
		})
	}
}

// TestApplicationConfigChangePersists shows a change made by one handle
// on a SQLite state file is seen by the next (each emrctl command opens
// the sandbox anew, so drift must survive between commands).
func TestApplicationConfigChangePersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *harness {
		s, err := OpenSQLiteStore(path)
		if err != nil {
			t.Fatalf("OpenSQLiteStore: %v", err)
		}
		return newHarness(t, newServer(t, Options{Store: s}), false)
	}
	first := open()
	id := first.runCluster(goodCluster("persist"))
	err := first.updateConfigs(emrwire.UpdateApplicationConfigsRequest{ClusterId: id, ApplicationName: "YARN", ApplicationConfigs: []emrwire.UpdateApplicationConfig{{ConfigFileName: "yarn-site.xml", ConfigItemKey: "yarn.scheduler.minimum-allocation-mb", ConfigItemValue: "512"}}})
	if err != nil {
		t.Fatalf("UpdateApplicationConfigs: %s", describe(err))
	}
	second := open()
	if got := second.configValue(id, "YARN", "yarn-site.xml", "yarn.scheduler.minimum-allocation-mb").ConfigItemValue; got != "512" {
		t.Errorf("second handle: got %q, want 512", got)
	}
}

// TestConfigCatalogHA shows an HA cluster's clients get the HDFS
// nameservice and the ResourceManager pair instead of one master.
func TestConfigCatalogHA(t *testing.T) {
	masters := []string{"master-1.c-x.cn-hangzhou.emr.aliyuncs.com", "master-2.c-x.cn-hangzhou.emr.aliyuncs.com", "master-3.c-x.cn-hangzhou.emr.aliyuncs.com"}
	env := configEnv{clusterID: "c-x", region: region, ha: true, masters: masters, cores: 5, apps: map[string]bool{"HDFS": true, "YARN": true}, metastore: "DLF"}
	got := map[string]string{}
	for _, app := range []string{"HDFS", "YARN"} {
		for _, f := range appConfigCatalog(app, env) {
			for _, i := range f.items {
				got[f.name+" "+i.key] = i.value
			}
		}
	}
	for key, want := range map[string]string{
		"core-site.xml fs.defaultFS":                                    "hdfs://hdfs-cluster",
		"core-site.xml ha.zookeeper.quorum":                             masters[0] + ":2181," + masters[1] + ":2181," + masters[2] + ":2181",
		"hdfs-site.xml dfs.replication":                                 "3",
		"hdfs-site.xml dfs.namenode.rpc-address.hdfs-cluster.nn2":       masters[1] + ":8020",
		"yarn-site.xml yarn.resourcemanager.ha.rm-ids":                  "rm1,rm2",
		"yarn-site.xml yarn.resourcemanager.hostname.rm2":               masters[1],
		"yarn-site.xml yarn.resourcemanager.ha.enabled":                 "true",
		"hdfs-site.xml dfs.client.failover.proxy.provider.hdfs-cluster": "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider",
	} {
		if got[key] != want {
			t.Errorf("%s: got %q, want %q", key, got[key], want)
		}
	}
	if v, ok := got["yarn-site.xml yarn.resourcemanager.address"]; ok {
		t.Errorf("yarn.resourcemanager.address: got %q, want none on HA (clients use the rm-ids)", v)
	}
}
