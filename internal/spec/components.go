package spec

import (
	"fmt"
	"slices"
	"strings"
)

// The component tables below follow cluster-lifecycle.md ("Cluster Type
// Selection", "Component Dependencies", "Mutual Exclusion Rules"). The
// per-type lists add what the documented components themselves need
// (RANGER-PLUGIN and MYSQL for RANGER, for example) and match the sandbox
// emulator's release catalogue.

// ComponentsForType lists the components an Alibaba cluster type offers,
// nil for an unknown type.
func ComponentsForType(t ClusterType) []string {
	switch t {
	case ClusterTypeDataLake:
		return []string{"HADOOP-COMMON", "HDFS", "OSS-HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "SPARK2", "TEZ", "KYUUBI", "TRINO", "PRESTO", "SQOOP", "FLUME", "ICEBERG", "HUDI", "PAIMON", "DELTALAKE", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "CELEBORN", "MYSQL"}
	case ClusterTypeOLAP:
		return []string{"ZOOKEEPER", "STARROCKS3", "STARROCKS2", "DORIS", "CLICKHOUSE", "OPENLDAP", "KERBEROS"}
	case ClusterTypeDataFlow:
		return []string{"HADOOP-COMMON", "HDFS", "OSS-HDFS", "YARN", "ZOOKEEPER", "FLINK", "PAIMON", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "MYSQL"}
	case ClusterTypeDataServing:
		return []string{"HADOOP-COMMON", "HDFS", "OSS-HDFS", "ZOOKEEPER", "HBASE", "PHOENIX", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "MYSQL"}
	case ClusterTypeCustom:
		return []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "SPARK2", "FLINK", "HBASE", "PHOENIX", "TEZ", "KYUUBI", "TRINO", "PRESTO", "SQOOP", "FLUME", "ICEBERG", "HUDI", "PAIMON", "DELTALAKE", "STARROCKS3", "STARROCKS2", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "CELEBORN", "OSS-HDFS", "MYSQL"}
	}
	return nil
}

// RecommendedComponents is the typical combination per cluster type.
func RecommendedComponents(t ClusterType) []string {
	switch t {
	case ClusterTypeDataLake:
		return []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3"}
	case ClusterTypeOLAP:
		return []string{"ZOOKEEPER", "STARROCKS3"}
	case ClusterTypeDataFlow:
		return []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "FLINK", "OPENLDAP"}
	case ClusterTypeDataServing:
		return []string{"HADOOP-COMMON", "HDFS", "ZOOKEEPER", "HBASE"}
	}
	return nil
}

// allComponents is every Alibaba component name, in a stable order.
func allComponents() []string {
	var out []string
	for _, t := range ClusterType("").Values() {
		for _, c := range ComponentsForType(ClusterType(t)) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// componentDeps returns the hard dependencies of each component. Each inner
// list is a choice: one of its components must be selected (HDFS|OSS-HDFS).
func componentDeps() map[string][][]string {
	storage := []string{"HDFS", "OSS-HDFS"}
	one := func(names ...string) [][]string {
		out := make([][]string, len(names))
		for i, n := range names {
			out[i] = []string{n}
		}
		return out
	}
	withStorage := func(before []string, after ...string) [][]string {
		return append(append(one(before...), storage), one(after...)...)
	}
	spark := withStorage([]string{"YARN"}, "HIVE")
	return map[string][][]string{
		"HDFS":          one("HADOOP-COMMON", "ZOOKEEPER"),
		"OSS-HDFS":      one("HADOOP-COMMON"),
		"YARN":          withStorage([]string{"HADOOP-COMMON"}, "ZOOKEEPER"),
		"HIVE":          withStorage([]string{"YARN"}, "ZOOKEEPER", "MYSQL"),
		"TEZ":           withStorage([]string{"YARN"}),
		"FLINK":         withStorage([]string{"YARN"}, "ZOOKEEPER", "OPENLDAP"),
		"HBASE":         withStorage(nil, "ZOOKEEPER"),
		"PHOENIX":       one("HBASE"),
		"SPARK3":        spark,
		"SPARK2":        spark,
		"KYUUBI":        one("SPARK3", "ZOOKEEPER", "OPENLDAP"),
		"TRINO":         one("HADOOP-COMMON", "HDFS", "HIVE", "OPENLDAP"),
		"PRESTO":        one("HADOOP-COMMON", "HDFS", "HIVE", "OPENLDAP"),
		"SQOOP":         one("YARN", "HIVE"),
		"FLUME":         one("HADOOP-COMMON", "HDFS"),
		"KNOX":          one("HDFS", "YARN", "OPENLDAP"),
		"RANGER":        one("MYSQL", "RANGER-PLUGIN", "OPENLDAP"),
		"RANGER-PLUGIN": one("HDFS"),
		"CLICKHOUSE":    one("ZOOKEEPER"),
	}
}

// exclusivePairs are the components that cannot be selected together.
func exclusivePairs() [][2]string {
	return [][2]string{{"SPARK2", "SPARK3"}, {"HDFS", "OSS-HDFS"}, {"STARROCKS2", "STARROCKS3"}}
}

// internalComponents are installed by EMR itself and never selected.
func internalComponents() []string { return []string{"JINDOSDK"} }

// missingDep is a dependency (or a choice of one) nobody selected.
type missingDep struct {
	choice   []string
	neededBy []string
}

// missingDependencies computes, transitively, what the selection lacks. A
// missing component's own dependencies count as missing too; for a missing
// choice (HDFS|OSS-HDFS) only the dependencies common to every alternative
// are followed, since which one will be picked is not known.
func missingDependencies(selected []string) []missingDep {
	deps := componentDeps()
	have := map[string]bool{}
	for _, s := range selected {
		have[s] = true
	}
	type node struct {
		deps  [][]string
		label string // how the requirer reads in a message
		root  string // the selected component the chain started from
	}
	var queue []node
	for _, s := range selected {
		queue = append(queue, node{deps: deps[s], label: s, root: s})
	}
	var out []missingDep
	index := map[string]int{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, choice := range n.deps {
			if slices.ContainsFunc(choice, func(c string) bool { return have[c] }) {
				continue
			}
			key := strings.Join(choice, "|")
			if i, ok := index[key]; ok {
				if !slices.Contains(out[i].neededBy, n.label) {
					out[i].neededBy = append(out[i].neededBy, n.label)
				}
				continue
			}
			index[key] = len(out)
			out = append(out, missingDep{choice: choice, neededBy: []string{n.label}})
			queue = append(queue, node{deps: commonDeps(deps, choice), label: fmt.Sprintf("%s (needed by %s)", key, n.root), root: n.root})
		}
	}
	return out
}

// commonDeps returns the dependency choices shared by every alternative.
func commonDeps(deps map[string][][]string, choice []string) [][]string {
	if len(choice) == 1 {
		return deps[choice[0]]
	}
	var out [][]string
	for _, d := range deps[choice[0]] {
		shared := true
		for _, alt := range choice[1:] {
			if !slices.ContainsFunc(deps[alt], func(e []string) bool { return slices.Equal(e, d) }) {
				shared = false
				break
			}
		}
		if shared {
			out = append(out, d)
		}
	}
	return out
}

// suggestName finds the known name a misspelt or mis-cased one meant.
func suggestName(v string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(s))
	}
	for _, k := range known {
		if norm(k) == norm(v) {
			return k
		}
	}
	for _, k := range known {
		if len(v) >= 4 && strings.HasPrefix(norm(k), norm(v)) {
			return k
		}
	}
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := levenshtein(norm(v), norm(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= max(1, min(2, len(v)/3)) {
		return best
	}
	return ""
}

// awsApplications are the application names RunJobFlow knows.
func awsApplications() []string {
	return []string{"Hadoop", "Spark", "Hive", "HBase", "HCatalog", "Hue", "JupyterHub", "JupyterEnterpriseGateway",
		"Livy", "Oozie", "Phoenix", "Pig", "Presto", "Trino", "Flink", "Tez", "Sqoop", "ZooKeeper", "Zeppelin",
		"Ganglia", "MXNet", "TensorFlow", "Mahout", "Hudi", "Iceberg", "Delta", "CloudWatchAgent"}
}

// awsNameForAliyun maps Alibaba component names to the AWS application a
// person porting a spec most likely means.
func awsNameForAliyun(name string) string {
	switch name {
	case "HADOOP-COMMON", "HDFS", "YARN":
		return "Hadoop"
	case "SPARK2", "SPARK3":
		return "Spark"
	case "HIVE":
		return "Hive"
	case "HBASE":
		return "HBase"
	case "ZOOKEEPER":
		return "ZooKeeper"
	case "DELTALAKE":
		return "Delta"
	}
	return ""
}
