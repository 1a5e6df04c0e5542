package emulator

import (
	"fmt"
	"sort"
)

// regionRec is the seeded inventory of one region: the network resources
// and catalogue a cluster draws on. Stock is the number of instances of a
// type still available in a zone; nodes consume it and give it back.
type regionRec struct {
	ID             string                    `json:"id"`
	LocalName      string                    `json:"localName"`
	Zones          []zoneInfo                `json:"zones"`
	VPCs           []vpcInfo                 `json:"vpcs"`
	VSwitches      []vswitchInfo             `json:"vswitches"`
	SecurityGroups []securityGroupInfo       `json:"securityGroups"`
	KeyPairs       []keyPairInfo             `json:"keyPairs"`
	InstanceTypes  []instanceTypeInfo        `json:"instanceTypes"`
	Stock          map[string]map[string]int `json:"stock"`            // zone -> instance type -> count
	Releases       map[string][]releaseInfo  `json:"releases"`         // cluster type -> versions, newest first
	NextIP         map[string]int            `json:"nextIp,omitempty"` // vSwitch -> next host number
}

type zoneInfo struct {
	ID        string `json:"id"`
	LocalName string `json:"localName"`
}

type vpcInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	CIDR   string `json:"cidr"`
	Status string `json:"status"`
}

type vswitchInfo struct {
	ID           string `json:"id"`
	VpcID        string `json:"vpcId"`
	ZoneID       string `json:"zoneId"`
	Name         string `json:"name"`
	CIDR         string `json:"cidr"`
	Status       string `json:"status"`
	AvailableIPs int    `json:"availableIps"`
}

type securityGroupInfo struct {
	ID    string `json:"id"`
	VpcID string `json:"vpcId"`
	Name  string `json:"name"`
	Type  string `json:"type"` // normal or enterprise
}

type keyPairInfo struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
}

type instanceTypeInfo struct {
	Type        string `json:"type"`
	Family      string `json:"family"`
	Category    string `json:"category"`
	Cores       int    `json:"cores"`
	MemoryGiB   int    `json:"memoryGiB"`
	Arch        string `json:"arch"`
	GPUs        int    `json:"gpus,omitempty"`
	LocalDisks  int    `json:"localDisks,omitempty"`
	LocalDiskGB int    `json:"localDiskGB,omitempty"`
	// OldFamily marks families whose data disks reject cloud_essd with a
	// single disk (dataDiskCount is not supported).
	OldFamily bool `json:"oldFamily,omitempty"`
}

type releaseInfo struct {
	Version    string            `json:"version"`
	Series     string            `json:"series"`
	Components map[string]string `json:"components"` // name -> version
}

// inventory is the seed of every region.
type inventory []regionRec

func (w *World) region(id string) (*regionRec, bool) { return w.Regions.Get(id) }

func seedWorld(w *World, seed int64, inv inventory) {
	w.Meta.Put("meta", &metaRec{Seed: seed})
	for i := range inv {
		r := inv[i]
		w.Regions.Put(r.ID, &r)
	}
}

// components of an EMR 5.x release and their versions.
var components5 = map[string]string{
	"HADOOP-COMMON": "3.2.1", "HDFS": "3.2.1", "OSS-HDFS": "6.6.2", "YARN": "3.2.1",
	"ZOOKEEPER": "3.8.4", "HIVE": "3.1.3", "SPARK3": "3.5.2", "SPARK2": "2.4.8",
	"TEZ": "0.10.2", "KYUUBI": "1.9.1", "TRINO": "422", "PRESTO": "0.284",
	"SQOOP": "1.4.7", "FLUME": "1.11.0", "ICEBERG": "1.5.2", "HUDI": "0.15.0",
	"PAIMON": "0.9.0", "DELTALAKE": "3.2.0", "RANGER": "2.4.0", "RANGER-PLUGIN": "2.4.0",
	"KERBEROS": "1.15.1", "KNOX": "2.0.0", "OPENLDAP": "2.4.44", "JINDOCACHE": "6.6.2",
	"CELEBORN": "0.5.1", "MYSQL": "8.0.36", "FLINK": "1.17.2", "HBASE": "2.4.18",
	"PHOENIX": "5.1.3", "STARROCKS3": "3.3.5", "STARROCKS2": "2.5.22", "DORIS": "2.1.7",
	"CLICKHOUSE": "23.8.16", "JINDOSDK": "6.6.2",
}

// typeComponents lists the components each cluster type offers.
var typeComponents = map[string][]string{
	"DATALAKE":    {"HADOOP-COMMON", "HDFS", "OSS-HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "SPARK2", "TEZ", "KYUUBI", "TRINO", "PRESTO", "SQOOP", "FLUME", "ICEBERG", "HUDI", "PAIMON", "DELTALAKE", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "CELEBORN", "MYSQL"},
	"OLAP":        {"ZOOKEEPER", "STARROCKS3", "STARROCKS2", "DORIS", "CLICKHOUSE", "OPENLDAP", "KERBEROS"},
	"DATAFLOW":    {"HADOOP-COMMON", "HDFS", "OSS-HDFS", "YARN", "ZOOKEEPER", "FLINK", "PAIMON", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "MYSQL"},
	"DATASERVING": {"HADOOP-COMMON", "HDFS", "OSS-HDFS", "ZOOKEEPER", "HBASE", "PHOENIX", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "MYSQL"},
	"CUSTOM":      {"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "SPARK2", "FLINK", "HBASE", "PHOENIX", "TEZ", "KYUUBI", "TRINO", "PRESTO", "SQOOP", "FLUME", "ICEBERG", "HUDI", "PAIMON", "DELTALAKE", "STARROCKS3", "STARROCKS2", "RANGER", "RANGER-PLUGIN", "KERBEROS", "KNOX", "OPENLDAP", "JINDOCACHE", "CELEBORN", "OSS-HDFS", "MYSQL"},
}

func releasesFor(clusterType string) []releaseInfo {
	comps := map[string]string{}
	for _, c := range typeComponents[clusterType] {
		comps[c] = components5[c]
	}
	mk := func(v, series string) releaseInfo { return releaseInfo{Version: v, Series: series, Components: comps} }
	out := []releaseInfo{mk("EMR-5.21.0", "EMR-5.x"), mk("EMR-5.20.0", "EMR-5.x"), mk("EMR-5.17.1", "EMR-5.x"), mk("EMR-5.16.0", "EMR-5.x")}
	if clusterType == "DATALAKE" || clusterType == "CUSTOM" {
		out = append(out, mk("EMR-3.51.1", "EMR-3.x"))
	}
	return out
}

var catalogue = []instanceTypeInfo{
	{Type: "ecs.g8i.xlarge", Family: "ecs.g8i", Category: "General-purpose", Cores: 4, MemoryGiB: 16, Arch: "X86"},
	{Type: "ecs.g8i.2xlarge", Family: "ecs.g8i", Category: "General-purpose", Cores: 8, MemoryGiB: 32, Arch: "X86"},
	{Type: "ecs.g8i.4xlarge", Family: "ecs.g8i", Category: "General-purpose", Cores: 16, MemoryGiB: 64, Arch: "X86"},
	{Type: "ecs.g8i.8xlarge", Family: "ecs.g8i", Category: "General-purpose", Cores: 32, MemoryGiB: 128, Arch: "X86"},
	{Type: "ecs.c8i.2xlarge", Family: "ecs.c8i", Category: "Compute-optimized", Cores: 8, MemoryGiB: 16, Arch: "X86"},
	{Type: "ecs.r8i.2xlarge", Family: "ecs.r8i", Category: "Memory-optimized", Cores: 8, MemoryGiB: 64, Arch: "X86"},
	{Type: "ecs.g7.xlarge", Family: "ecs.g7", Category: "General-purpose", Cores: 4, MemoryGiB: 16, Arch: "X86"},
	{Type: "ecs.g7.2xlarge", Family: "ecs.g7", Category: "General-purpose", Cores: 8, MemoryGiB: 32, Arch: "X86"},
	{Type: "ecs.g8y.2xlarge", Family: "ecs.g8y", Category: "General-purpose", Cores: 8, MemoryGiB: 32, Arch: "ARM"},
	{Type: "ecs.g6.xlarge", Family: "ecs.g6", Category: "General-purpose", Cores: 4, MemoryGiB: 16, Arch: "X86", OldFamily: true},
	{Type: "ecs.hfg6.xlarge", Family: "ecs.hfg6", Category: "General-purpose", Cores: 4, MemoryGiB: 16, Arch: "X86", OldFamily: true},
	{Type: "ecs.d3s.4xlarge", Family: "ecs.d3s", Category: "Big data", Cores: 16, MemoryGiB: 64, Arch: "X86", LocalDisks: 8, LocalDiskGB: 11918},
	{Type: "ecs.gn7i-c8g1.2xlarge", Family: "ecs.gn7i", Category: "GPU", Cores: 8, MemoryGiB: 30, Arch: "X86", GPUs: 1},
}

type regionPlan struct {
	id, name, code string
	zones          []string
}

var regionPlans = []regionPlan{
	{"cn-hangzhou", "China (Hangzhou)", "bp1", []string{"h", "i", "j"}},
	{"cn-shanghai", "China (Shanghai)", "uf6", []string{"e", "f", "l"}},
	{"cn-beijing", "China (Beijing)", "2ze", []string{"h", "i", "k"}},
	{"ap-southeast-1", "Singapore", "t4n", []string{"a", "b", "c"}},
}

// defaultInventory is the account the sandbox starts with. In every region:
// one VPC with a vSwitch per zone (the third nearly full), a normal and an
// enterprise security group, two key pairs, and instance stock that runs out
// for some types in some zones.
func defaultInventory() inventory {
	var inv inventory
	for _, p := range regionPlans {
		inv = append(inv, planRegion(p))
	}
	return inv
}

func planRegion(p regionPlan) regionRec {
	r := regionRec{ID: p.id, LocalName: p.name, Stock: map[string]map[string]int{}, Releases: map[string][]releaseInfo{}}
	vpc := fmt.Sprintf("vpc-%ssandbox0000000001", p.code)
	r.VPCs = []vpcInfo{{ID: vpc, Name: "emrctl-sandbox-vpc", CIDR: "192.168.0.0/16", Status: "Available"}}
	for i, z := range p.zones {
		zone := p.id + "-" + z
		r.Zones = append(r.Zones, zoneInfo{ID: zone, LocalName: fmt.Sprintf("%s Zone %s", p.name, z)})
		ips := 4000
		if i == 2 {
			ips = 3 // nearly full: room for few nodes
		}
		r.VSwitches = append(r.VSwitches, vswitchInfo{
			ID: fmt.Sprintf("vsw-%ssandboxzone%s00001", p.code, z), VpcID: vpc, ZoneID: zone,
			Name: "emrctl-sandbox-" + z, CIDR: fmt.Sprintf("192.168.%d.0/20", i*16), Status: "Available", AvailableIPs: ips,
		})
		stock := map[string]int{}
		for _, it := range catalogue {
			stock[it.Type] = 500
		}
		stock["ecs.gn7i-c8g1.2xlarge"] = 2
		if i == 2 {
			stock["ecs.g8i.4xlarge"] = 0
			stock["ecs.g8i.8xlarge"] = 0
		}
		if i != 1 {
			stock["ecs.d3s.4xlarge"] = 0
		}
		r.Stock[zone] = stock
	}
	r.SecurityGroups = []securityGroupInfo{
		{ID: fmt.Sprintf("sg-%ssandboxnormal0001", p.code), VpcID: vpc, Name: "emrctl-sandbox-normal", Type: "normal"},
		{ID: fmt.Sprintf("sg-%ssandboxenterprise1", p.code), VpcID: vpc, Name: "emrctl-sandbox-enterprise", Type: "enterprise"},
	}
	r.KeyPairs = []keyPairInfo{
		{Name: "emrctl-sandbox", Fingerprint: "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89"},
		{Name: "dev-keypair", Fingerprint: "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef"},
	}
	r.InstanceTypes = append([]instanceTypeInfo(nil), catalogue...)
	types := make([]string, 0, len(typeComponents))
	for t := range typeComponents {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		r.Releases[t] = releasesFor(t)
	}
	return r
}

func (r *regionRec) zone(id string) bool {
	for _, z := range r.Zones {
		if z.ID == id {
			return true
		}
	}
	return false
}

func (r *regionRec) vpc(id string) (vpcInfo, bool) {
	for _, v := range r.VPCs {
		if v.ID == id {
			return v, true
		}
	}
	return vpcInfo{}, false
}

func (r *regionRec) vswitch(id string) (vswitchInfo, bool) {
	for _, v := range r.VSwitches {
		if v.ID == id {
			return v, true
		}
	}
	return vswitchInfo{}, false
}

func (r *regionRec) securityGroup(id string) (securityGroupInfo, bool) {
	for _, g := range r.SecurityGroups {
		if g.ID == id {
			return g, true
		}
	}
	return securityGroupInfo{}, false
}

func (r *regionRec) keyPair(name string) bool {
	for _, k := range r.KeyPairs {
		if k.Name == name {
			return true
		}
	}
	return false
}

func (r *regionRec) instanceType(t string) (instanceTypeInfo, bool) {
	for _, it := range r.InstanceTypes {
		if it.Type == t {
			return it, true
		}
	}
	return instanceTypeInfo{}, false
}

func (r *regionRec) release(clusterType, version string) (releaseInfo, bool) {
	for _, rel := range r.Releases[clusterType] {
		if rel.Version == version {
			return rel, true
		}
	}
	return releaseInfo{}, false
}
