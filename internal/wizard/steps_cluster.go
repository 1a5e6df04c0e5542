package wizard

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// purpose is what the cluster is for; it drives the recommendations.
type purpose string

// Purposes of seed 000's workflow.
const (
	purposeDev   purpose = "dev"
	purposeSmall purpose = "small-production"
	purposeLarge purpose = "large-production"
)

// recommendation is what a purpose suggests (cluster-lifecycle.md,
// "Deployment Mode Decision", "Payment Method", "Node Group Roles").
type recommendation struct {
	label      string
	mode       spec.DeployMode
	payment    spec.PaymentType
	months     int
	namePrefix string
	coreCount  int
	taskCount  int
	task       bool
	protection bool
}

func (p purpose) rec() recommendation {
	switch p {
	case purposeSmall:
		return recommendation{label: "small production", mode: spec.DeployHA, payment: spec.PaymentSubscription, months: 1,
			namePrefix: "prod", coreCount: 3, taskCount: 2, protection: true}
	case purposeLarge:
		return recommendation{label: "large production", mode: spec.DeployHA, payment: spec.PaymentSubscription, months: 12,
			namePrefix: "prod", coreCount: 6, taskCount: 4, task: true, protection: true}
	}
	return recommendation{label: "dev/test", mode: spec.DeployNormal, payment: spec.PaymentPayAsYouGo,
		namePrefix: "dev", coreCount: 2, taskCount: 2}
}

// recommended marks the label of the recommended option.
func recommended(label string, yes bool) string {
	if yes {
		return label + "  (recommended)"
	}
	return label
}

func (f *Flow) askRegion(ctx context.Context) (*Question, applyFunc, error) {
	regions, err := f.b.Regions(ctx)
	q := &Question{
		Title: "Region",
		Help:  "Where the cluster runs. Its VPC, vSwitch, security group and key pair must be in the same region.",
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, err
		}
		// An account may not be allowed to list regions; it can still
		// type one.
		q.Intro = "The regions could not be listed (" + err.Error() + "): type the region ID."
	}
	if len(regions) == 0 {
		q.Kind, q.Default, q.Placeholder = Input, f.o.Region, "cn-hangzhou"
		q.Check = func(v string) error { return checkText(validate.ID(validate.RegionID, "region", v)) }
	} else {
		q.Kind = Select
		for _, r := range regions {
			label := r.ID
			if r.Name != "" {
				label += "  " + r.Name
			}
			if r.ID == f.o.Region {
				label += "  (your profile's region)"
				q.Default = r.ID
			}
			q.Options = append(q.Options, Option{Value: r.ID, Label: label})
		}
	}
	return q, func(ctx context.Context, a Answer) error {
		if err := f.b.UseRegion(ctx, a.Value); err != nil {
			return err
		}
		f.st.region = a.Value
		return nil
	}, nil
}

func (f *Flow) askPurpose(context.Context) (*Question, applyFunc, error) {
	q := &Question{
		Kind: Select, Title: "What is the cluster for?",
		Help: "This only sets the recommendations of the next questions (deploy mode, payment, node sizes); you choose each one.",
		Options: []Option{
			{string(purposeDev), "Development / test: NORMAL mode (1 MASTER), pay-as-you-go, smallest specs"},
			{string(purposeSmall), "Small production: HA mode (3 MASTER), subscription"},
			{string(purposeLarge), "Large production: HA mode (3 MASTER), subscription, bigger nodes and a TASK group"},
		},
		Default: string(purposeDev),
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.purpose = purpose(a.Value)
		return nil
	}, nil
}

func (f *Flow) askDeployMode(context.Context) (*Question, applyFunc, error) {
	rec := f.st.purpose.rec()
	q := &Question{
		Kind: Select, Title: "Deploy mode",
		Intro: "Production uses HA: 3 MASTER nodes with standby switching. HA must select ZOOKEEPER (for the\n" +
			"master standby switching) and keep the Hive metastore in an external RDS MySQL in the cluster's\n" +
			"VPC (the 3 MASTER nodes share it). NORMAL is for dev/test only: 1 MASTER node, lowest cost.",
		Help: "Recommended for " + rec.label + ": " + string(rec.mode) + ".",
		Options: []Option{
			{string(spec.DeployNormal), recommended("NORMAL: 1 MASTER node (dev/test)", rec.mode == spec.DeployNormal)},
			{string(spec.DeployHA), recommended("HA: 3 MASTER nodes, ZOOKEEPER, external RDS metastore (production)", rec.mode == spec.DeployHA)},
		},
		Default: string(rec.mode),
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.mode = spec.DeployMode(a.Value)
		return nil
	}, nil
}

func (f *Flow) askPayment(context.Context) (*Question, applyFunc, error) {
	rec := f.st.purpose.rec()
	q := &Question{
		Kind: Select, Title: "Payment",
		Help: "Dev/test uses pay-as-you-go (billed hourly, release any time); production uses a subscription (prepaid, cheaper for long-term use).",
		Options: []Option{
			{string(spec.PaymentPayAsYouGo), recommended("PayAsYouGo: billed by the hour", rec.payment == spec.PaymentPayAsYouGo)},
			{string(spec.PaymentSubscription), recommended("Subscription: prepaid by month or year", rec.payment == spec.PaymentSubscription)},
		},
		Default: string(rec.payment),
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.payment = spec.PaymentType(a.Value)
		return nil
	}, nil
}

func (f *Flow) askTerm(context.Context) (*Question, applyFunc, error) {
	if f.st.payment != spec.PaymentSubscription {
		return nil, nil, nil
	}
	rec := f.st.purpose.rec()
	months := rec.months
	if months == 0 {
		months = 1
	}
	q := &Question{
		Kind: Select, Title: "Subscription term",
		Help: "Terms longer than 12 months need an explicit cost acknowledgement when you create.",
	}
	for _, m := range []int{1, 2, 3, 6, 9, 12, 24, 36, 48, 60} {
		label := fmt.Sprintf("%d month(s)", m)
		if m > 12 {
			label += "  (needs a cost acknowledgement)"
		}
		q.Options = append(q.Options, Option{Value: strconv.Itoa(m), Label: recommended(label, m == months)})
	}
	q.Default = strconv.Itoa(months)
	return q, func(_ context.Context, a Answer) error {
		m, _ := strconv.Atoi(a.Value)
		f.st.term.Duration, f.st.term.Unit = m, spec.Month
		return nil
	}, nil
}

func (f *Flow) askAutoRenew(context.Context) (*Question, applyFunc, error) {
	if f.st.payment != spec.PaymentSubscription {
		return nil, nil, nil
	}
	q := &Question{
		Kind: Select, Title: "Renewal",
		Help: "A subscription cluster that expires is stopped; auto-renewal renews it one month at a time.",
		Options: []Option{
			{"yes", recommended("Auto-renew monthly", true)},
			{"no", "No auto-renewal: renew yourself ('emrctl cluster renew')"},
		},
		Default: "yes",
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.term.AutoRenew = a.Value == "yes"
		f.st.term.AutoRenewDuration, f.st.term.AutoRenewUnit = 0, ""
		if f.st.term.AutoRenew {
			f.st.term.AutoRenewDuration, f.st.term.AutoRenewUnit = 1, spec.Month
		}
		return nil
	}, nil
}

func (f *Flow) askClusterType(context.Context) (*Question, applyFunc, error) {
	labels := map[spec.ClusterType]string{
		spec.ClusterTypeDataLake:    "DATALAKE: data lake, batch processing, ETL, data warehouse (80% of scenarios)",
		spec.ClusterTypeOLAP:        "OLAP: real-time analytics, interactive query (StarRocks, Doris, ClickHouse)",
		spec.ClusterTypeDataFlow:    "DATAFLOW: real-time stream processing (Flink)",
		spec.ClusterTypeDataServing: "DATASERVING: data service, NoSQL storage (HBase)",
		spec.ClusterTypeCustom:      "CUSTOM: free choice of components",
	}
	q := &Question{
		Kind: Select, Title: "Cluster type",
		Help:    "Not sure? 80% of scenarios choose DATALAKE.",
		Default: string(spec.ClusterTypeDataLake),
	}
	for _, t := range spec.ClusterType("").Values() {
		ct := spec.ClusterType(t)
		q.Options = append(q.Options, Option{Value: t, Label: recommended(labels[ct], ct == spec.ClusterTypeDataLake)})
	}
	return q, func(_ context.Context, a Answer) error {
		if f.st.clusterType != spec.ClusterType(a.Value) {
			f.st.apps = nil
		}
		f.st.clusterType = spec.ClusterType(a.Value)
		return nil
	}, nil
}

func (f *Flow) askRelease(ctx context.Context) (*Question, applyFunc, error) {
	versions, err := f.b.ReleaseVersions(ctx, string(f.st.clusterType))
	if err != nil {
		return nil, nil, err
	}
	if len(versions) == 0 {
		return nil, nil, fmt.Errorf("wizard: no EMR release is offered for %s clusters in %s", f.st.clusterType, f.st.region)
	}
	q := &Question{
		Kind: Select, Title: "EMR release",
		Help:    "New clusters should use the latest release.",
		Default: versions[0],
	}
	for i, v := range versions {
		q.Options = append(q.Options, Option{Value: v, Label: recommended(v, i == 0)})
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.release = a.Value
		return nil
	}, nil
}

// componentLabels says in a few words what each component is for.
func componentLabels() map[string]string {
	return map[string]string{
		"HADOOP-COMMON": "Hadoop common libraries",
		"HDFS":          "HDFS on the CORE nodes' disks (excludes OSS-HDFS)",
		"OSS-HDFS":      "OSS-HDFS: data in an OSS bucket (excludes HDFS)",
		"YARN":          "resource manager",
		"ZOOKEEPER":     "coordination; HA master failover",
		"HIVE":          "SQL data warehouse",
		"SPARK3":        "Spark 3 (excludes SPARK2)",
		"SPARK2":        "Spark 2 (excludes SPARK3)",
		"TEZ":           "speeds up Hive",
		"KYUUBI":        "multi-tenant Spark SQL",
		"TRINO":         "interactive SQL",
		"PRESTO":        "interactive SQL",
		"SQOOP":         "data import",
		"FLUME":         "log collection",
		"ICEBERG":       "lake format",
		"HUDI":          "lake format",
		"PAIMON":        "lake format",
		"DELTALAKE":     "lake format",
		"RANGER":        "permission control",
		"RANGER-PLUGIN": "Ranger plugins",
		"KERBEROS":      "authentication",
		"KNOX":          "gateway",
		"OPENLDAP":      "user directory",
		"JINDOCACHE":    "local cache for OSS",
		"CELEBORN":      "remote shuffle service",
		"MYSQL":         "MySQL on the MASTER (Hive, Ranger metadata)",
		"FLINK":         "stream processing",
		"HBASE":         "NoSQL store",
		"PHOENIX":       "SQL on HBase",
		"STARROCKS3":    "StarRocks 3 (excludes STARROCKS2)",
		"STARROCKS2":    "StarRocks 2 (excludes STARROCKS3)",
		"DORIS":         "Doris",
		"CLICKHOUSE":    "ClickHouse",
	}
}

// componentsIntro explains the rules of the selection (cluster-lifecycle.md,
// "Mutual Exclusion Rules", "Component Dependencies").
func componentsIntro(mode spec.DeployMode) string {
	s := "Rules, checked as you select:\n" +
		"  - choose one of SPARK2/SPARK3, one of HDFS/OSS-HDFS, one of STARROCKS2/STARROCKS3;\n" +
		"  - dependencies are transitive: HDFS and YARN need HADOOP-COMMON and ZOOKEEPER; HIVE needs YARN,\n" +
		"    HDFS or OSS-HDFS, ZOOKEEPER and MYSQL (added for you, it runs on the MASTER); SPARK needs YARN\n" +
		"    and HIVE; KYUUBI needs SPARK3 and OPENLDAP; FLINK needs OPENLDAP; RANGER needs RANGER-PLUGIN,\n" +
		"    MYSQL and OPENLDAP; TRINO and PRESTO need HDFS, HIVE and OPENLDAP."
	if mode == spec.DeployHA {
		s += "\nHA mode: ZOOKEEPER is required (master standby switching of NameNode and ResourceManager)."
	}
	return s
}

func (f *Flow) askComponents(context.Context) (*Question, applyFunc, error) {
	t, mode := f.st.clusterType, f.st.mode
	offered := spec.ComponentsForType(t)
	defaults := f.st.apps
	if defaults == nil {
		defaults = spec.RecommendedComponents(t)
		if defaults == nil {
			defaults = spec.RecommendedComponents(spec.ClusterTypeDataLake)
		}
		if mode == spec.DeployHA && slices.Contains(offered, "ZOOKEEPER") && !slices.Contains(defaults, "ZOOKEEPER") {
			defaults = append(slices.Clone(defaults), "ZOOKEEPER")
		}
	}
	labels := componentLabels()
	q := &Question{
		Kind: MultiSelect, Title: fmt.Sprintf("Components of the %s cluster", t),
		Intro:    componentsIntro(mode),
		Help:     "space or x: select, enter: confirm. Pre-selected: the recommended combination.",
		Defaults: slices.DeleteFunc(slices.Clone(defaults), func(c string) bool { return !slices.Contains(offered, c) }),
		Feedback: func(a Answer) string {
			if ps := componentProblems(t, mode, a.Values); len(ps) > 0 {
				return "Not valid yet:\n" + describe(ps)
			}
			return "The selection satisfies every dependency and exclusion."
		},
	}
	for _, c := range offered {
		label := c
		if l := labels[c]; l != "" {
			label = fmt.Sprintf("%-14s %s", c, l)
		}
		q.Options = append(q.Options, Option{Value: c, Label: label})
	}
	return q, func(_ context.Context, a Answer) error {
		apps := orderLike(offered, a.Values)
		f.st.apps = apps
		ps := componentProblems(t, mode, apps)
		if mode == spec.DeployHA && !slices.Contains(apps, "ZOOKEEPER") {
			// The zookeeper step explains and offers to add it.
			return nil
		}
		if len(ps) > 0 {
			return refuse("%s", describe(ps))
		}
		f.addMySQL()
		return nil
	}, nil
}

// addMySQL adds what SetDefaults would add, and says so: HIVE keeps its
// metadata in MYSQL on the MASTER node.
func (f *Flow) addMySQL() {
	if (f.st.has("HIVE") || f.st.has("RANGER")) && !f.st.has("MYSQL") {
		f.st.apps = append(f.st.apps, "MYSQL")
		f.note("MYSQL added: EMR installs it on the MASTER node with HIVE/RANGER (their internal dependency).")
	}
}

// orderLike returns the chosen items in the order of all.
func orderLike(all, chosen []string) []string {
	out := []string{}
	for _, c := range all {
		if slices.Contains(chosen, c) {
			out = append(out, c)
		}
	}
	return out
}

func (f *Flow) askZooKeeper(context.Context) (*Question, applyFunc, error) {
	if f.st.mode != spec.DeployHA || f.st.has("ZOOKEEPER") {
		return nil, nil, nil
	}
	q := &Question{
		Kind: Select, Title: "ZooKeeper is required by HA",
		Intro: "HA mode runs 3 MASTER nodes; NameNode and ResourceManager switch to a standby through\n" +
			"ZOOKEEPER. An HA cluster without ZOOKEEPER cannot be created.",
		Options: []Option{
			{"add", "Add ZOOKEEPER to the components"},
			{"back", "Go back to the component list"},
		},
		Default: "add",
	}
	return q, func(_ context.Context, a Answer) error {
		if a.Value == "back" {
			f.jump = "components"
			return nil
		}
		f.st.apps = orderLike(spec.ComponentsForType(f.st.clusterType), append(f.st.apps, "ZOOKEEPER"))
		if ps := componentProblems(f.st.clusterType, f.st.mode, f.st.apps); len(ps) > 0 {
			f.problem = describe(ps)
			f.jump = "components"
			return nil
		}
		f.addMySQL()
		return nil
	}, nil
}

func (f *Flow) askMetastore(context.Context) (*Question, applyFunc, error) {
	if !f.st.has("HIVE") {
		f.st.metastore = ""
		return nil, nil, nil
	}
	if f.st.mode == spec.DeployHA {
		f.st.metastore = spec.MetastoreUserRDS
		return nil, nil, nil
	}
	q := &Question{
		Kind: Select, Title: "Hive metastore",
		Intro: "Where Hive (and Spark through it) keeps table metadata:\n" +
			"  - local: MySQL on the MASTER node; nothing to set up; lost when the cluster is released;\n" +
			"  - external RDS MySQL: survives the cluster; the RDS instance must be in the cluster's VPC\n" +
			"    and allow MySQL port 3306 from it, or the creation fails or the metastore cannot connect.",
		Options: []Option{
			{string(spec.MetastoreLocal), recommended("Local MySQL on the MASTER node (dev/test)", true)},
			{string(spec.MetastoreUserRDS), "External RDS MySQL (USER_RDS)"},
		},
		Default: string(spec.MetastoreLocal),
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.metastore = spec.MetastoreType(a.Value)
		return nil
	}, nil
}

// rdsCheck checks one field of the RDS metastore with the spec's rules.
func rdsCheck(path string, set func(r *spec.RDS)) error {
	c := &spec.Cluster{
		APIVersion: spec.APIVersion, Kind: spec.KindCluster, Provider: spec.ProviderAliyun, Applications: []string{"HIVE"},
		Metastore: &spec.Metastore{Type: spec.MetastoreUserRDS, RDS: &spec.RDS{}},
	}
	set(c.Metastore.RDS)
	return asError(problemsAt(c, false, path))
}

func (f *Flow) needsRDS() bool { return f.st.has("HIVE") && f.st.metastore == spec.MetastoreUserRDS }

func (f *Flow) askRDSAddress(context.Context) (*Question, applyFunc, error) {
	if !f.needsRDS() {
		return nil, nil, nil
	}
	intro := "External RDS MySQL metastore. The RDS instance must be in the same VPC as the cluster (you pick\n" +
		"the VPC next) and allow MySQL port 3306 from the cluster (CIDR whitelist or security group)."
	if f.st.mode == spec.DeployHA {
		intro = "HA mode: the Hive metastore must be an external RDS MySQL: the 3 MASTER nodes share one\n" +
			"metadata store, and it survives the cluster.\n" + intro
	}
	check := func(v string) error {
		return rdsCheck("metastore.rds.url", func(r *spec.RDS) { r.URL = jdbcURL(v, "hivemeta") })
	}
	q := &Question{
		Kind: Input, Title: "RDS MySQL address", Intro: intro,
		Help:        "The RDS instance's internal endpoint, host[:port]; port 3306 when omitted.",
		Placeholder: "rm-xxxx.mysql.rds.aliyuncs.com",
		Default:     f.st.rdsAddress,
		Check: func(v string) error {
			if v == "" {
				return fmt.Errorf("the address is required")
			}
			return check(v)
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.rdsAddress = strings.TrimSpace(a.Value)
		return nil
	}, nil
}

func (f *Flow) askRDSDatabase(context.Context) (*Question, applyFunc, error) {
	if !f.needsRDS() {
		return nil, nil, nil
	}
	address := f.st.rdsAddress
	db := f.st.rdsDatabase
	if db == "" {
		db = "hivemeta"
	}
	q := &Question{
		Kind: Input, Title: "RDS database for the metastore",
		Help:    "Created on first use when it does not exist.",
		Default: db,
		Check: func(v string) error {
			return rdsCheck("metastore.rds.url", func(r *spec.RDS) { r.URL = jdbcURL(address, v) })
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.rdsDatabase = a.Value
		return nil
	}, nil
}

func (f *Flow) askRDSUser(context.Context) (*Question, applyFunc, error) {
	if !f.needsRDS() {
		return nil, nil, nil
	}
	q := &Question{
		Kind: Input, Title: "RDS account name",
		Placeholder: "hive_user", Default: f.st.rdsUser,
		Check: func(v string) error {
			return rdsCheck("metastore.rds.username", func(r *spec.RDS) { r.Username = v })
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.rdsUser = a.Value
		return nil
	}, nil
}

func (f *Flow) askRDSPasswordEnv(context.Context) (*Question, applyFunc, error) {
	if !f.needsRDS() {
		return nil, nil, nil
	}
	name := f.st.rdsPasswordEnv
	if name == "" {
		name = spec.DefaultMetastorePasswordEnv
	}
	q := &Question{
		Kind: Input, Title: "Environment variable holding the RDS password",
		Help:    "Type the variable's NAME, not the password: the spec and the journal never hold the password; emrctl reads it when it sends the request.",
		Default: name,
		Check: func(v string) error {
			return rdsCheck("metastore.rds.passwordEnv", func(r *spec.RDS) { r.PasswordEnv = v })
		},
		Feedback: func(a Answer) string { return f.envFeedback(a.Value) },
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.rdsPasswordEnv = a.Value
		if _, ok := f.o.LookupEnv(a.Value); !ok {
			f.note("Remember: export %s (the RDS password) before creating.", a.Value)
		}
		return nil
	}, nil
}
