// Package wizard guides a person through creating an EMR cluster, step by
// step as seed 000 prescribes ("Create Cluster Workflow"): region, purpose
// (deploy mode and payment), cluster type and components, the Hive
// metastore, the prerequisites found in the account, the storage-compute
// architecture, node specs, name, and the summary to confirm.
//
// The flow is a state machine (Flow) that produces questions and takes
// answers; it knows nothing of terminals. Terminal renders its questions
// with huh forms. The flow recommends and never decides: every answer,
// the recommended one included, comes from the person.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// Options configure a Flow.
type Options struct {
	// Region is the profile's region: the recommended first answer.
	Region string
	// LookupEnv tells whether an environment variable is set, to remind
	// the person to export the password variables the spec names. Values
	// are never shown nor kept.
	LookupEnv func(string) (string, bool)
}

// Action is what the person chose to do with the finished spec.
type Action int

// Actions at the end of the flow.
const (
	// Create the cluster (after saving the spec).
	Create Action = iota + 1
	// SaveOnly saves the spec without creating anything.
	SaveOnly
	// Discard saves and creates nothing.
	Discard
)

// Result is the spec the person built and what to do with it.
type Result struct {
	Spec   *spec.Cluster
	Action Action
}

// Flow is the question sequence. Next returns the question to ask, Answer
// takes the person's answer: a refused answer makes Next ask the same
// question again with the reason in Question.Problem.
type Flow struct {
	b     Backend
	o     Options
	steps []step

	i       int    // current step
	jump    string // step to go to after the current answer
	problem string // why the last answer was refused
	notes   []string
	cur     *Question
	apply   applyFunc
	st      state
	result  *Result
}

// step is one question of the sequence. ask returns a nil question when
// the step does not apply to the answers so far.
type step struct {
	id  string
	ask func(ctx context.Context) (*Question, applyFunc, error)
}

// applyFunc records an answer. It returns a *refusal to ask again.
type applyFunc func(ctx context.Context, a Answer) error

// refusal is an answer the flow cannot use; the question is asked again.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{msg: fmt.Sprintf(format, args...)} }

// New returns the flow of a cluster creation.
func New(b Backend, o Options) *Flow {
	if o.LookupEnv == nil {
		o.LookupEnv = func(string) (string, bool) { return "", false }
	}
	f := &Flow{b: b, o: o}
	f.steps = []step{
		{"region", f.askRegion},
		{"purpose", f.askPurpose},
		{"deploy-mode", f.askDeployMode},
		{"payment", f.askPayment},
		{"subscription-term", f.askTerm},
		{"auto-renew", f.askAutoRenew},
		{"cluster-type", f.askClusterType},
		{"release", f.askRelease},
		{"components", f.askComponents},
		{"zookeeper", f.askZooKeeper},
		{"metastore", f.askMetastore},
		{"rds-address", f.askRDSAddress},
		{"rds-database", f.askRDSDatabase},
		{"rds-user", f.askRDSUser},
		{"rds-password-env", f.askRDSPasswordEnv},
		{"vpc", f.askVPC},
		{"vswitch", f.askVSwitch},
		{"rds-vpc", f.askRDSVPC},
		{"security-group", f.askSecurityGroup},
		{"key-pair", f.askKeyPair},
		{"root-password-env", f.askRootPasswordEnv},
		{"storage", f.askStorage},
		{"oss-hdfs-root", f.askOSSRoot},
		{"master-type", f.askMasterType},
		{"core-type", f.askCoreType},
		{"core-count", f.askCoreCount},
		{"core-disks", f.askCoreDisks},
		{"task", f.askTask},
		{"task-type", f.askTaskType},
		{"task-count", f.askTaskCount},
		{"task-spot", f.askTaskSpot},
		{"name", f.askName},
		{"description", f.askDescription},
		{"deletion-protection", f.askProtection},
		{"review", f.askReview},
	}
	return f
}

// Next returns the question to ask, or nil when the flow is done.
func (f *Flow) Next(ctx context.Context) (*Question, error) {
	if f.cur != nil {
		return f.cur, nil
	}
	for f.i < len(f.steps) {
		s := f.steps[f.i]
		q, apply, err := s.ask(ctx)
		if err != nil {
			return nil, err
		}
		if q == nil {
			f.i++
			continue
		}
		q.ID = s.id
		q.Problem, f.problem = f.problem, ""
		f.cur, f.apply = q, apply
		return q, nil
	}
	return nil, nil
}

// Answer records the answer to the question Next returned. An answer the
// flow cannot use is not an error: Next asks again and says why. Errors
// are for what stops the flow (the cloud failing, the person stopping).
func (f *Flow) Answer(ctx context.Context, a Answer) error {
	q, apply := f.cur, f.apply
	if q == nil {
		return errors.New("wizard: no question to answer")
	}
	f.cur, f.apply = nil, nil
	err := checkOptions(q, a)
	if err == nil {
		err = apply(ctx, a)
	}
	var r *refusal
	if errors.As(err, &r) {
		f.problem = r.msg
		return nil
	}
	if err != nil {
		return err
	}
	if f.jump != "" {
		f.i = slices.IndexFunc(f.steps, func(s step) bool { return s.id == f.jump })
		f.jump = ""
		return nil
	}
	f.i++
	return nil
}

// checkOptions refuses a choice that is not one of the options.
func checkOptions(q *Question, a Answer) error {
	valid := func(v string) bool {
		return slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v })
	}
	switch q.Kind {
	case Select:
		if !valid(a.Value) {
			return refuse("%q is not one of the choices", a.Value)
		}
	case MultiSelect:
		for _, v := range a.Values {
			if !valid(v) {
				return refuse("%q is not one of the choices", v)
			}
		}
	case Input:
		if q.Check != nil {
			if err := q.Check(a.Value); err != nil {
				return &refusal{msg: err.Error()}
			}
		}
	}
	return nil
}

// Result returns the outcome once Next has returned nil.
func (f *Flow) Result() *Result { return f.result }

// TakeNotes returns the information gathered since the last call: what an
// answer implied (the zone that follows a vSwitch, a component added).
func (f *Flow) TakeNotes() []string {
	n := f.notes
	f.notes = nil
	return n
}

func (f *Flow) note(format string, args ...any) {
	f.notes = append(f.notes, fmt.Sprintf(format, args...))
}

// state is the answers so far.
type state struct {
	region      string
	purpose     purpose
	mode        spec.DeployMode
	payment     spec.PaymentType
	term        spec.Subscription
	clusterType spec.ClusterType
	release     string
	apps        []string

	metastore      spec.MetastoreType
	rdsAddress     string
	rdsDatabase    string
	rdsUser        string
	rdsPasswordEnv string
	rdsVpcID       string

	vpc             provider.VPC
	vsw             provider.VSwitch
	securityGroup   string
	keyPair         string
	rootPasswordEnv string
	ossRoot         string

	master, core, task nodeChoice
	addTask            bool

	name        string
	description string
	protection  bool
}

// nodeChoice is what was chosen for one node group.
type nodeChoice struct {
	it    provider.InstanceType
	count int
	disk  spec.DataDisk
	spot  bool
}

func (s state) has(app string) bool { return slices.Contains(s.apps, app) }

// Spec builds the spec of the answers so far.
func (f *Flow) Spec() *spec.Cluster { return f.st.spec() }

// spec builds the spec of a state. Checks run it on copies of the state:
// renderers may call them from other goroutines.
func (s state) spec() *spec.Cluster {
	c := &spec.Cluster{
		APIVersion: spec.APIVersion, Kind: spec.KindCluster, Provider: spec.ProviderAliyun,
		Name: s.name, Description: s.description, Region: s.region,
		ClusterType: s.clusterType, ReleaseVersion: s.release, DeployMode: s.mode,
		Payment:            &spec.Payment{Type: s.payment},
		DeletionProtection: s.protection,
		Applications:       slices.Clone(s.apps),
	}
	if s.payment == spec.PaymentSubscription {
		term := s.term
		c.Payment.Subscription = &term
	}
	if s.has("HIVE") && s.metastore != "" {
		c.Metastore = &spec.Metastore{Type: s.metastore}
		if s.metastore == spec.MetastoreUserRDS {
			c.Metastore.RDS = &spec.RDS{
				URL: jdbcURL(s.rdsAddress, s.rdsDatabase), Username: s.rdsUser,
				PasswordEnv: s.rdsPasswordEnv, VpcID: s.rdsVpcID,
			}
		}
	}
	if s.has("OSS-HDFS") && s.ossRoot != "" {
		c.OSSHDFS = &spec.OSSHDFS{RootURI: s.ossRoot}
	}
	if s.vpc.ID != "" {
		c.Network = &spec.Network{
			VpcID: s.vpc.ID, ZoneID: s.vsw.ZoneID, SecurityGroupID: s.securityGroup,
			KeyPairName: s.keyPair, MasterRootPasswordEnv: s.rootPasswordEnv,
		}
		if s.vsw.ID != "" {
			c.Network.VSwitchIDs = []string{s.vsw.ID}
		}
	}
	if s.master.it.Type != "" {
		c.NodeGroups = append(c.NodeGroups, s.group("master", spec.RoleMaster, s.master))
	}
	if s.core.it.Type != "" {
		c.NodeGroups = append(c.NodeGroups, s.group("core", spec.RoleCore, s.core))
	}
	if s.addTask && s.task.it.Type != "" {
		name := "task"
		if s.task.spot {
			name = "task-spot"
		}
		c.NodeGroups = append(c.NodeGroups, s.group(name, spec.RoleTask, s.task))
	}
	return c
}

func (s state) group(name string, role spec.NodeRole, n nodeChoice) spec.NodeGroup {
	count := n.count
	g := spec.NodeGroup{
		Name: name, Role: role, Count: &count, InstanceTypes: []string{n.it.Type},
		SystemDisk: &spec.SystemDisk{Category: spec.DiskESSD, Size: spec.DefaultSystemDiskSize},
		DataDisks:  []spec.DataDisk{n.disk},
	}
	if n.spot {
		g.PaymentType = spec.PaymentPayAsYouGo
		g.Spot = &spec.Spot{Strategy: spec.SpotAsPriceGo}
	}
	return g
}

// totalNodes counts the nodes chosen so far.
func (s state) totalNodes() int {
	n := s.master.count + s.core.count
	if s.addTask {
		n += s.task.count
	}
	return n
}
