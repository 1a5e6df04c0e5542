package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// Storage-compute architectures (cluster-lifecycle.md, "Storage-Compute
// Architecture Selection").
const (
	separated  = "separated"
	integrated = "integrated"
)

func (f *Flow) askStorage(context.Context) (*Question, applyFunc, error) {
	hdfs, oss := f.st.has("HDFS"), f.st.has("OSS-HDFS")
	if !hdfs && !oss {
		return nil, nil, nil
	}
	current := integrated
	if oss {
		current = separated
	}
	q := &Question{
		Kind: Select, Title: "Storage-compute architecture",
		Intro: "  - separated (recommended): data in an OSS-HDFS bucket; CORE and TASK nodes scale freely,\n" +
			"    storage grows without limit and costs less; CORE local disks only cache and shuffle;\n" +
			"  - integrated: HDFS on the CORE nodes' local disks (d-series); lowest latency and best\n" +
			"    data locality, but CORE scaling waits for HDFS data migration.",
		Help: "Pre-selected: what your components use (" + map[bool]string{true: "OSS-HDFS", false: "HDFS"}[oss] + "); choosing the other swaps HDFS and OSS-HDFS.",
		Options: []Option{
			{separated, recommended("Storage-compute separated: OSS-HDFS, g-series CORE nodes", true)},
			{integrated, "Storage-compute integrated: HDFS on CORE local disks, d-series CORE nodes"},
		},
		Default: current,
	}
	return q, func(_ context.Context, a Answer) error {
		if a.Value == current {
			return nil
		}
		from, to := "HDFS", "OSS-HDFS"
		if a.Value == integrated {
			from, to = to, from
		}
		apps := slices.Clone(f.st.apps)
		apps[slices.Index(apps, from)] = to
		if ps := componentProblems(f.st.clusterType, f.st.mode, apps); len(ps) > 0 {
			return refuse("%s does not work with the components you chose:\n%s", to, describe(ps))
		}
		f.st.apps = orderLike(spec.ComponentsForType(f.st.clusterType), apps)
		f.st.core = nodeChoice{}
		f.note("Components: %s replaced by %s.", from, to)
		return nil
	}, nil
}

// ossRoot completes a bucket name to its OSS-HDFS root URI.
func ossRoot(region, v string) string {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, "oss://") {
		return v
	}
	return fmt.Sprintf("oss://%s.%s.oss-dls.aliyuncs.com/", v, region)
}

func (f *Flow) askOSSRoot(context.Context) (*Question, applyFunc, error) {
	if !f.st.has("OSS-HDFS") {
		f.st.ossRoot = ""
		return nil, nil, nil
	}
	region := f.st.region
	q := &Question{
		Kind: Input, Title: "OSS-HDFS bucket path",
		Intro: "Before choosing storage-compute separation, enable HDFS for the bucket in the OSS console.\n" +
			"Its path becomes the cluster's fs.defaultFS: table data, job logs and temporary data go there.",
		Help:        "The bucket name alone is completed to oss://<bucket>." + f.st.region + ".oss-dls.aliyuncs.com/",
		Placeholder: "oss://<bucket>." + f.st.region + ".oss-dls.aliyuncs.com/",
		Default:     f.st.ossRoot,
		Check: func(v string) error {
			c := &spec.Cluster{Provider: spec.ProviderAliyun, Region: region, Applications: []string{"OSS-HDFS"},
				OSSHDFS: &spec.OSSHDFS{RootURI: ossRoot(region, v)}}
			return asError(problemsAt(c, false, "ossHdfs.rootUri"))
		},
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.ossRoot = ossRoot(region, a.Value)
		if f.st.ossRoot != strings.TrimSpace(a.Value) {
			f.note("OSS-HDFS root: %s", f.st.ossRoot)
		}
		return nil
	}, nil
}

// instanceTypes asks ListInstanceTypes what a role may use in the zone.
func (f *Flow) instanceTypes(ctx context.Context, role spec.NodeRole, payment spec.PaymentType) ([]provider.InstanceType, error) {
	return f.b.InstanceTypes(ctx, provider.InstanceTypeQuery{
		ZoneID: f.st.vsw.ZoneID, ClusterType: string(f.st.clusterType), PaymentType: string(payment),
		NodeGroupType: string(role), ReleaseVersion: f.st.release, DeployMode: string(f.st.mode),
	})
}

// preferred lists the recommended instance types of a role, best first
// (cluster-lifecycle.md "Node Group Roles and Planning", getting-started.md
// "Dev/test recommended: ecs.g8i.xlarge").
func (f *Flow) preferred(role spec.NodeRole) []string {
	size := map[purpose]string{purposeDev: "xlarge", purposeSmall: "2xlarge", purposeLarge: "4xlarge"}[f.st.purpose]
	if role == spec.RoleMaster && f.st.purpose != purposeDev {
		// Many components (5+) need a 16-32 vCPU MASTER.
		size = map[bool]string{true: "4xlarge", false: "2xlarge"}[len(f.st.apps) >= 5]
		if f.st.purpose == purposeLarge && len(f.st.apps) >= 5 {
			size = "8xlarge"
		}
	}
	if size == "" {
		size = "xlarge"
	}
	return []string{"ecs.g8i." + size, "ecs.g7." + size, "ecs.g8i.2xlarge", "ecs.g8i.xlarge"}
}

// usableType reports whether an instance type can be chosen: not known to
// be out of stock.
func usableType(t provider.InstanceType) bool { return t.Stock != "WithoutStock" }

// recommendType picks the recommended instance type among the usable ones.
func (f *Flow) recommendType(role spec.NodeRole, types []provider.InstanceType) string {
	usable := slices.DeleteFunc(slices.Clone(types), func(t provider.InstanceType) bool { return !usableType(t) })
	if len(usable) == 0 {
		return ""
	}
	if role == spec.RoleCore && f.st.has("HDFS") && f.st.purpose != purposeDev {
		// Storage-compute integrated: d-series local disks hold HDFS.
		if i := slices.IndexFunc(usable, func(t provider.InstanceType) bool { return t.LocalDisks > 0 }); i >= 0 {
			return usable[i].Type
		}
	}
	for _, p := range f.preferred(role) {
		if slices.ContainsFunc(usable, func(t provider.InstanceType) bool { return t.Type == p }) {
			return p
		}
	}
	return usable[0].Type
}

func typeLabel(t provider.InstanceType) string {
	label := fmt.Sprintf("%-22s %3d vCPU %4.0f GiB", t.Type, t.VCPUs, t.MemoryGiB)
	if t.Arch != "" {
		label += "  " + t.Arch
	}
	if t.LocalDisks > 0 {
		label += fmt.Sprintf("  %d × %d GB local disks", t.LocalDisks, t.LocalDiskGB)
	}
	switch t.Stock {
	case "WithStock":
		label += "  in stock"
	case "":
		label += "  stock unknown"
	}
	return label
}

// askType is the instance type question of a role.
func (f *Flow) askType(ctx context.Context, id string, role spec.NodeRole, payment spec.PaymentType, title, help string, set func(provider.InstanceType)) (*Question, applyFunc, error) {
	types, err := f.instanceTypes(ctx, role, payment)
	if err != nil {
		return nil, nil, err
	}
	zone := f.st.vsw.ZoneID
	var out []string
	q := &Question{Kind: Select, Title: title, Help: help}
	rec := f.recommendType(role, types)
	for _, t := range types {
		if !usableType(t) {
			out = append(out, t.Type)
			continue
		}
		q.Options = append(q.Options, Option{Value: t.Type, Label: recommended(typeLabel(t), t.Type == rec)})
	}
	if len(q.Options) == 0 {
		return f.missing(id, fmt.Sprintf("No %s instance type is in stock in %s", role, zone),
			fmt.Sprintf("ListInstanceTypes offers no %s instance type with stock in zone %s (%s).\n"+
				"Choose a vSwitch of another zone, or look again later.", role, zone, string(payment)),
			Option{"vswitch", "Choose another vSwitch (another zone)"})
	}
	q.Default = rec
	if len(out) > 0 {
		q.Intro = fmt.Sprintf("Out of stock in %s (not selectable): %s", zone, strings.Join(out, ", "))
	}
	return q, func(_ context.Context, a Answer) error {
		i := slices.IndexFunc(types, func(t provider.InstanceType) bool { return t.Type == a.Value })
		set(types[i])
		return nil
	}, nil
}

func (f *Flow) askMasterType(ctx context.Context) (*Question, applyFunc, error) {
	count, why := 1, "NORMAL mode has 1 MASTER node"
	if f.st.mode == spec.DeployHA {
		count, why = 3, "HA mode runs 3 MASTER nodes"
	}
	help := "MASTER runs the management services (NameNode, ResourceManager, HiveServer2...). " +
		"Few components (3-4): 4-8 vCPU; many (5+): 16-32 vCPU. Disks: system 120 GB + data 80 GB × 1."
	if f.st.purpose == purposeDev {
		help = "Dev/test: ecs.g8i.xlarge (4 vCPU, 16 GiB) is enough. Disks: system 120 GB + data 80 GB × 1."
	}
	q, apply, err := f.askType(ctx, "master-type", spec.RoleMaster, f.st.payment,
		fmt.Sprintf("MASTER instance type (%d node(s): %s)", count, why), help,
		func(t provider.InstanceType) {
			f.st.master = nodeChoice{it: t, count: count, disk: spec.DataDisk{Category: spec.DiskESSD, Size: 80, Count: 1}}
		})
	return q, f.orVSwitch(apply), err
}

// orVSwitch sends the "choose another vSwitch" answer back to that step.
func (f *Flow) orVSwitch(apply applyFunc) applyFunc {
	if apply == nil {
		return nil
	}
	return func(ctx context.Context, a Answer) error {
		if a.Value == "vswitch" {
			f.jump = "vswitch"
			return nil
		}
		return apply(ctx, a)
	}
}

func (f *Flow) askCoreType(ctx context.Context) (*Question, applyFunc, error) {
	help := "CORE nodes store data (HDFS) and compute: 4-16 vCPU by data volume."
	switch {
	case f.st.has("OSS-HDFS"):
		help = "CORE nodes compute and cache (data is in OSS-HDFS): g-series general purpose, 4-16 vCPU."
	case f.st.has("HDFS") && f.st.purpose != purposeDev:
		help = "CORE nodes hold HDFS: d-series instances bring their local disks (storage-compute integrated)."
	}
	q, apply, err := f.askType(ctx, "core-type", spec.RoleCore, f.st.payment, "CORE instance type", help,
		func(t provider.InstanceType) {
			f.st.core.it = t
			if t.LocalDisks > 0 {
				cat := spec.DiskLocalHDD
				if strings.HasPrefix(t.Type, "ecs.i") {
					cat = spec.DiskLocalSSD
				}
				f.st.core.disk = spec.DataDisk{Category: cat, Size: t.LocalDiskGB, Count: t.LocalDisks}
			} else if d := f.st.core.disk.Category; d == spec.DiskLocalHDD || d == spec.DiskLocalSSD {
				f.st.core.disk = spec.DataDisk{}
			}
		})
	return q, f.orVSwitch(apply), err
}

// countCheck checks a node count with the spec's rules (policy limit per
// group) and against the free addresses of the vSwitch. It works on a copy
// of the state taken when the question is built.
func countCheck(st state, role spec.NodeRole, set func(st *state, n int)) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New("type a whole number")
		}
		set(&st, n)
		c := st.spec()
		i := slices.IndexFunc(c.NodeGroups, func(g spec.NodeGroup) bool { return g.Role == role })
		if err := asError(problemsAt(c, false, fmt.Sprintf("nodeGroups[%d].count", i))); err != nil {
			return err
		}
		if total := st.totalNodes(); total > st.vsw.AvailableIPs {
			return fmt.Errorf("%d nodes need %d addresses; vSwitch %s has %d free: use fewer nodes or another vSwitch",
				total, total, st.vsw.ID, st.vsw.AvailableIPs)
		}
		return nil
	}
}

// countWarnings shows the warnings of a node count (CORE < 2, totals).
func countWarnings(st state, role spec.NodeRole, set func(st *state, n int)) func(Answer) string {
	return func(a Answer) string {
		n, err := strconv.Atoi(strings.TrimSpace(a.Value))
		if err != nil {
			return ""
		}
		set(&st, n)
		c := st.spec()
		i := slices.IndexFunc(c.NodeGroups, func(g spec.NodeGroup) bool { return g.Role == role })
		ps := problemsAt(c, true, fmt.Sprintf("nodeGroups[%d].count", i), "nodeGroups")
		if ws := ps.Warnings(); len(ws) > 0 {
			return "Warning: " + describe(ws)
		}
		return ""
	}
}

func (f *Flow) askCoreCount(context.Context) (*Question, applyFunc, error) {
	n := f.st.core.count
	if n == 0 {
		n = f.st.purpose.rec().coreCount
	}
	set := func(st *state, n int) { st.core.count = n }
	q := &Question{
		Kind: Input, Title: "Number of CORE nodes",
		Help:     "At least 2 are recommended (HDFS replicas, YARN capacity); add more by data volume.",
		Default:  strconv.Itoa(n),
		Check:    countCheck(f.st, spec.RoleCore, set),
		Feedback: countWarnings(f.st, spec.RoleCore, set),
	}
	return q, func(_ context.Context, a Answer) error {
		n, _ := strconv.Atoi(strings.TrimSpace(a.Value))
		f.st.core.count = n
		return nil
	}, nil
}

// diskPresets are the data disk choices of a CORE group on cloud disks.
func diskPresets() []spec.DataDisk {
	return []spec.DataDisk{
		{Category: spec.DiskESSD, Size: 80, Count: 2},
		{Category: spec.DiskESSD, Size: 300, Count: 4},
		{Category: spec.DiskESSD, Size: 500, Count: 4},
		{Category: spec.DiskEfficiency, Size: 500, Count: 4},
	}
}

func diskValue(d spec.DataDisk) string { return fmt.Sprintf("%s:%d:%d", d.Category, d.Size, d.Count) }

func (f *Flow) askCoreDisks(context.Context) (*Question, applyFunc, error) {
	if t := f.st.core.it; t.LocalDisks > 0 {
		f.note("CORE data disks: the %d local disks of %s (%d GB each).", t.LocalDisks, t.Type, t.LocalDiskGB)
		return nil, nil, nil
	}
	rec := diskPresets()[0]
	if f.st.purpose != purposeDev {
		rec = diskPresets()[1]
	}
	notes := map[string]string{
		diskValue(diskPresets()[0]): "dev/test",
		diskValue(diskPresets()[1]): "production: cache, shuffle, HDFS",
		diskValue(diskPresets()[2]): "more HDFS capacity",
		diskValue(diskPresets()[3]): "lowest cost, average performance",
	}
	q := &Question{
		Kind: Select, Title: "CORE data disks (per node)",
		Help:    "Plus a 120 GB cloud_essd system disk. cloud_essd is PL1 (50,000 IOPS) by default.",
		Default: diskValue(rec),
	}
	for _, d := range diskPresets() {
		label := fmt.Sprintf("%s %d GB × %d  (%s)", d.Category, d.Size, d.Count, notes[diskValue(d)])
		q.Options = append(q.Options, Option{Value: diskValue(d), Label: recommended(label, d == rec)})
	}
	return q, func(_ context.Context, a Answer) error {
		i := slices.IndexFunc(diskPresets(), func(d spec.DataDisk) bool { return diskValue(d) == a.Value })
		f.st.core.disk = diskPresets()[i]
		c := f.Spec()
		g := slices.IndexFunc(c.NodeGroups, func(g spec.NodeGroup) bool { return g.Role == spec.RoleCore })
		if problems := problemsAt(c, false, fmt.Sprintf("nodeGroups[%d].dataDisks", g)); len(problems) > 0 {
			return refuse("%s", describe(problems))
		}
		return nil
	}, nil
}

func (f *Flow) askTask(context.Context) (*Question, applyFunc, error) {
	rec := f.st.purpose.rec()
	q := &Question{
		Kind: Select, Title: "TASK node group",
		Help: "TASK nodes only compute and hold no HDFS data: the elastic part of a cluster, and they can use spot instances.",
		Options: []Option{
			{"no", recommended("No TASK group", !rec.task)},
			{"yes", recommended("Add a TASK group", rec.task)},
		},
		Default: map[bool]string{true: "yes", false: "no"}[rec.task],
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.addTask = a.Value == "yes"
		return nil
	}, nil
}

func (f *Flow) askTaskType(ctx context.Context) (*Question, applyFunc, error) {
	if !f.st.addTask {
		return nil, nil, nil
	}
	q, apply, err := f.askType(ctx, "task-type", spec.RoleTask, f.st.payment, "TASK instance type",
		"Choose by the compute you need. Disks: system 120 GB + data 80 GB × 1.",
		func(t provider.InstanceType) {
			f.st.task.it = t
			f.st.task.disk = spec.DataDisk{Category: spec.DiskESSD, Size: 80, Count: 1}
		})
	return q, f.orVSwitch(apply), err
}

func (f *Flow) askTaskCount(context.Context) (*Question, applyFunc, error) {
	if !f.st.addTask {
		return nil, nil, nil
	}
	n := f.st.task.count
	if n == 0 {
		n = f.st.purpose.rec().taskCount
	}
	set := func(st *state, n int) { st.task.count = n }
	q := &Question{
		Kind: Input, Title: "Number of TASK nodes",
		Help:     "Scale it later with 'emrctl nodegroup' or auto scaling.",
		Default:  strconv.Itoa(n),
		Check:    countCheck(f.st, spec.RoleTask, set),
		Feedback: countWarnings(f.st, spec.RoleTask, set),
	}
	return q, func(_ context.Context, a Answer) error {
		n, _ := strconv.Atoi(strings.TrimSpace(a.Value))
		f.st.task.count = n
		return nil
	}, nil
}

func (f *Flow) askTaskSpot(context.Context) (*Question, applyFunc, error) {
	if !f.st.addTask {
		return nil, nil, nil
	}
	q := &Question{
		Kind: Select, Title: "TASK billing",
		Help: "Spot instances cost much less and can be reclaimed; TASK nodes hold no data, so a reclaimed node loses none.",
		Options: []Option{
			{"spot", recommended("Spot instances (SpotAsPriceGo: pay the market price, at most the pay-as-you-go price)", true)},
			{"ondemand", "Same billing as the cluster (" + string(f.st.payment) + ")"},
		},
		Default: "spot",
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.task.spot = a.Value == "spot"
		return nil
	}, nil
}
