package emulator

import (
	"fmt"
	"strconv"
	"strings"
)

// configEnv is what the default configuration of a cluster is derived
// from: its masters' host names, its size and the choices
// made at create time.
type configEnv struct {
	clusterID string
	region    string
	ha        bool
	masters   []string // host names, master-1 first
	cores     int
	apps      map[string]bool
	metastore string // hive.metastore.type: LOCAL, USER_RDS or DLF
}

// master is the first master's host name.
func (e configEnv) master() string {
	if len(e.masters) == 0 {
		return "master-1." + e.clusterID + "." + e.region + ".emr.aliyuncs.com"
	}
	return e.masters[0]
}

// defaultFS is the HDFS URI clients use: the nameservice on HA clusters,
// the NameNode's address otherwise.
func (e configEnv) defaultFS() string {
	if e.ha {
		return "hdfs://hdfs-cluster"
	}
	return "hdfs://" + e.master() + ":9000"
}

// zkQuorum lists the ZooKeeper servers (the masters).
func (e configEnv) zkQuorum(port bool) string {
	hosts := e.masters
	if len(hosts) == 0 {
		hosts = []string{e.master()}
	}
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h
		if port {
			out[i] += ":2181"
		}
	}
	return strings.Join(out, ",")
}

// kv is one default configuration item.
type kv struct{ key, value string }

// configFile is one configuration file of an application with its default
// items, in the order they appear in the file.
type configFile struct {
	name  string
	items []kv
}

// confDir is where EMR 5.x nodes keep client configurations.
const confDir = "/etc/taihao-apps"

// appConfigCatalog returns the default configuration files of an
// application on a cluster, or nil for an application with no client
// configuration the sandbox models.
func appConfigCatalog(app string, e configEnv) []configFile {
	switch app {
	case "HDFS":
		return hdfsFiles(e)
	case "YARN":
		return yarnFiles(e)
	case "HIVE":
		return hiveFiles(e)
	case "SPARK3", "SPARK2":
		return sparkFiles(app, e)
	case "TEZ":
		return []configFile{{"tez-site.xml", []kv{
			{"tez.lib.uris", e.defaultFS() + "/apps/tez/tez.tar.gz"},
			{"tez.am.resource.memory.mb", "2048"},
			{"tez.task.resource.memory.mb", "1536"},
			{"tez.history.logging.service.class", "org.apache.tez.dag.history.logging.ats.ATSHistoryLoggingService"},
			{"tez.tez-ui.history-url.base", "http://" + e.master() + ":8090/tez-ui/"},
		}}}
	case "FLINK":
		return []configFile{{"flink-conf.yaml", []kv{
			{"execution.target", "yarn-per-job"},
			{"jobmanager.memory.process.size", "1600m"},
			{"taskmanager.memory.process.size", "1728m"},
			{"taskmanager.numberOfTaskSlots", "1"},
			{"state.backend", "rocksdb"},
			{"state.checkpoints.dir", e.defaultFS() + "/flink/flink-checkpoints"},
			{"jobmanager.archive.fs.dir", e.defaultFS() + "/flink/flink-jobs/"},
			{"historyserver.archive.fs.dir", e.defaultFS() + "/flink/flink-jobs/"},
			{"historyserver.web.address", e.master()},
			{"historyserver.web.port", "18082"},
			{"classloader.check-leaked-classloader", "false"},
		}}}
	case "HBASE":
		return []configFile{{"hbase-site.xml", []kv{
			{"hbase.rootdir", e.defaultFS() + "/hbase"},
			{"hbase.cluster.distributed", "true"},
			{"hbase.zookeeper.quorum", e.zkQuorum(false)},
			{"hbase.zookeeper.property.clientPort", "2181"},
			{"hbase.master.port", "16000"},
			{"hbase.regionserver.port", "16020"},
		}}}
	case "ZOOKEEPER":
		return zookeeperFiles(e)
	case "JINDOSDK":
		return []configFile{{"jindosdk.cfg", []kv{
			{"fs.oss.endpoint", "oss-" + e.region + "-internal.aliyuncs.com"},
			{"fs.oss.credentials.provider", "com.aliyun.jindodata.oss.auth.EcsStsCredentialsProvider"},
			{"fs.oss.tmp.data.dirs", "/mnt/disk1/jindosdk/tmp"},
		}}}
	case "SQOOP":
		return []configFile{{"sqoop-site.xml", []kv{
			{"sqoop.metastore.client.enable.autoconnect", "false"},
			{"sqoop.metastore.client.record.password", "false"},
		}}}
	}
	return nil
}

func hdfsFiles(e configEnv) []configFile {
	core := []kv{
		{"fs.defaultFS", e.defaultFS()},
		{"hadoop.tmp.dir", "/mnt/disk1/hadoop/tmp"},
		{"io.file.buffer.size", "131072"},
		{"fs.trash.interval", "1440"},
		{"fs.oss.impl", "com.aliyun.jindodata.oss.JindoOssFileSystem"},
		{"hadoop.proxyuser.hadoop.hosts", "*"},
		{"hadoop.proxyuser.hadoop.groups", "*"},
	}
	replication := min(max(e.cores, 1), 3)
	hdfs := []kv{
		{"dfs.replication", strconv.Itoa(replication)},
		{"dfs.namenode.name.dir", "file:///mnt/disk1/hdfs/name"},
		{"dfs.datanode.data.dir", "file:///mnt/disk1/hdfs,file:///mnt/disk2/hdfs"},
		{"dfs.permissions.enabled", "true"},
	}
	if e.ha {
		core = append(core, kv{"ha.zookeeper.quorum", e.zkQuorum(true)})
		hdfs = append(hdfs,
			kv{"dfs.nameservices", "hdfs-cluster"},
			kv{"dfs.ha.namenodes.hdfs-cluster", "nn1,nn2"},
			kv{"dfs.automatic.failover.enabled", "true"},
			kv{"dfs.client.failover.proxy.provider.hdfs-cluster", "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"})
		for i, h := range e.masters[:min(2, len(e.masters))] {
			hdfs = append(hdfs,
				kv{fmt.Sprintf("dfs.namenode.rpc-address.hdfs-cluster.nn%d", i+1), h + ":8020"},
				kv{fmt.Sprintf("dfs.namenode.http-address.hdfs-cluster.nn%d", i+1), h + ":9870"})
		}
	} else {
		hdfs = append(hdfs,
			kv{"dfs.namenode.rpc-address", e.master() + ":9000"},
			kv{"dfs.namenode.http-address", e.master() + ":9870"},
			kv{"dfs.namenode.secondary.http-address", e.master() + ":9868"})
	}
	env := []kv{
		{"JAVA_HOME", "/usr/lib/jvm/java-1.8.0"},
		{"HADOOP_CONF_DIR", confDir + "/hadoop-conf"},
		{"HADOOP_LOG_DIR", "/var/log/taihao-apps/hadoop"},
	}
	return []configFile{{"core-site.xml", core}, {"hdfs-site.xml", hdfs}, {"hadoop-env.sh", env}}
}

func yarnFiles(e configEnv) []configFile {
	aux := "mapreduce_shuffle"
	if e.apps["SPARK3"] || e.apps["SPARK2"] {
		aux += ",spark_shuffle"
	}
	yarn := []kv{
		{"yarn.nodemanager.aux-services", aux},
		{"yarn.log-aggregation-enable", "true"},
		{"yarn.nodemanager.remote-app-log-dir", "/tmp/logs"},
		{"yarn.scheduler.minimum-allocation-mb", "1024"},
		{"yarn.log.server.url", "http://" + e.master() + ":19888/jobhistory/logs"},
	}
	if e.ha {
		yarn = append(yarn,
			kv{"yarn.resourcemanager.ha.enabled", "true"},
			kv{"yarn.resourcemanager.cluster-id", e.clusterID},
			kv{"yarn.resourcemanager.zk-address", e.zkQuorum(true)})
		ids := make([]string, 0, len(e.masters))
		for i, h := range e.masters[:min(2, len(e.masters))] {
			id := fmt.Sprintf("rm%d", i+1)
			ids = append(ids, id)
			yarn = append(yarn, kv{"yarn.resourcemanager.hostname." + id, h}, kv{"yarn.resourcemanager.webapp.address." + id, h + ":8088"})
		}
		yarn = append(yarn, kv{"yarn.resourcemanager.ha.rm-ids", strings.Join(ids, ",")})
	} else {
		m := e.master()
		yarn = append(yarn,
			kv{"yarn.resourcemanager.hostname", m},
			kv{"yarn.resourcemanager.address", m + ":8032"},
			kv{"yarn.resourcemanager.scheduler.address", m + ":8030"},
			kv{"yarn.resourcemanager.resource-tracker.address", m + ":8031"},
			kv{"yarn.resourcemanager.webapp.address", m + ":8088"})
	}
	mapred := []kv{
		{"mapreduce.framework.name", "yarn"},
		{"mapreduce.jobhistory.address", e.master() + ":10020"},
		{"mapreduce.jobhistory.webapp.address", e.master() + ":19888"},
		{"yarn.app.mapreduce.am.staging-dir", "/tmp/hadoop-yarn/staging"},
	}
	return []configFile{{"yarn-site.xml", yarn}, {"mapred-site.xml", mapred}}
}

// metastoreItems are the hive-site.xml items that tell a client where the
// metadata lives.
func metastoreItems(e configEnv) []kv {
	if e.metastore == "DLF" {
		return []kv{
			{"hive.imetastoreclient.factory.class", "com.aliyun.datalake.metastore.hive2.DlfMetaStoreClientFactory"},
			{"dlf.catalog.region", e.region},
			{"dlf.catalog.endpoint", "dlf-vpc." + e.region + ".aliyuncs.com"},
		}
	}
	return []kv{{"hive.metastore.uris", "thrift://" + e.master() + ":9083"}}
}

func hiveFiles(e configEnv) []configFile {
	engine := "mr"
	if e.apps["TEZ"] {
		engine = "tez"
	}
	site := append([]kv{
		{"hive.metastore.warehouse.dir", "/user/hive/warehouse"},
		{"hive.execution.engine", engine},
		{"hive.server2.thrift.port", "10000"},
		{"hive.zookeeper.quorum", e.zkQuorum(false)},
		{"hive.exec.scratchdir", "/tmp/hive"},
	}, metastoreItems(e)...)
	ms := []kv{{"hive.metastore.type", e.metastore}}
	if e.metastore == "LOCAL" {
		ms = append(ms,
			kv{"javax.jdo.option.ConnectionURL", "jdbc:mysql://" + e.master() + ":3306/hivemeta?createDatabaseIfNotExist=true"},
			kv{"javax.jdo.option.ConnectionUserName", "root"})
	}
	hs2 := []kv{
		{"hive.server2.enable.doAs", "false"},
		{"hive.server2.webui.port", "10002"},
	}
	return []configFile{{"hive-site.xml", site}, {"hivemetastore-site.xml", ms}, {"hiveserver2-site.xml", hs2}}
}

func sparkFiles(app string, e configEnv) []configFile {
	history := e.defaultFS() + "/spark-history"
	defaults := []kv{
		{"spark.master", "yarn"},
		{"spark.submit.deployMode", "client"},
		{"spark.driver.memory", "1g"},
		{"spark.executor.memory", "2g"},
		{"spark.executor.cores", "1"},
		{"spark.eventLog.enabled", "true"},
		{"spark.eventLog.dir", history},
		{"spark.history.fs.logDirectory", history},
		{"spark.yarn.historyServer.address", e.master() + ":18080"},
		{"spark.sql.catalogImplementation", "hive"},
		{"spark.shuffle.service.enabled", "true"},
	}
	conf := strings.ToLower(app) + "-conf"
	env := []kv{
		{"JAVA_HOME", "/usr/lib/jvm/java-1.8.0"},
		{"HADOOP_CONF_DIR", confDir + "/hadoop-conf"},
		{"SPARK_CONF_DIR", confDir + "/" + conf},
		{"SPARK_LOG_DIR", "/var/log/taihao-apps/" + strings.ToLower(app)},
	}
	hive := append([]kv{{"hive.metastore.type", e.metastore}}, metastoreItems(e)...)
	return []configFile{{"spark-defaults.conf", defaults}, {"spark-env.sh", env}, {"hive-site.xml", hive}}
}

func zookeeperFiles(e configEnv) []configFile {
	items := []kv{
		{"tickTime", "2000"},
		{"initLimit", "10"},
		{"syncLimit", "5"},
		{"dataDir", "/mnt/disk1/zookeeper/data"},
		{"clientPort", "2181"},
	}
	hosts := e.masters
	if len(hosts) == 0 {
		hosts = []string{e.master()}
	}
	for i, h := range hosts {
		items = append(items, kv{fmt.Sprintf("server.%d", i+1), h + ":2888:3888"})
	}
	return []configFile{{"zoo.cfg", items}}
}
