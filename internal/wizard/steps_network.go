package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// fewIPs is the number of free addresses below which a vSwitch is marked
// as nearly full.
const fewIPs = 16

// missing asks what to do when a prerequisite of step id does not exist:
// look again once it is created elsewhere, one of extra, or stop. how says
// how to create it. An extra option other than "vpc" (go back to the VPC)
// moves on to the next step.
func (f *Flow) missing(id, title, how string, extra ...Option) (*Question, applyFunc, error) {
	q := &Question{
		Kind: Select, Title: title, Intro: how,
		Options: append([]Option{{"again", "I created it: look again"}}, extra...),
		Default: "again",
	}
	q.Options = append(q.Options, Option{"stop", "Stop here (nothing is created)"})
	return q, func(_ context.Context, a Answer) error {
		switch a.Value {
		case "stop":
			return fmt.Errorf("%w: %s; create it, then run the wizard again", ErrStopped, strings.ToLower(title))
		case "again":
			f.jump = id
		case "vpc":
			f.jump = "vpc"
		}
		return nil
	}, nil
}

func (f *Flow) askVPC(ctx context.Context) (*Question, applyFunc, error) {
	vpcs, err := f.b.VPCs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var usable []provider.VPC
	var unusable []string
	for _, v := range vpcs {
		if v.Status != "" && v.Status != "Available" {
			unusable = append(unusable, fmt.Sprintf("  %s%s: status %s; a cluster needs an Available VPC", v.ID, quotedName(v.Name), validate.Escape(v.Status)))
			continue
		}
		usable = append(usable, v)
	}
	if len(usable) == 0 {
		how := fmt.Sprintf("There is no usable VPC in %s. Create a VPC with a vSwitch in the zone you want\n"+
			"(VPC console, or 'aliyun vpc CreateVpc --RegionId %s --CidrBlock 192.168.0.0/16'\n"+
			"then 'aliyun vpc CreateVSwitch --VpcId <vpc-id> --ZoneId <zone> --CidrBlock 192.168.0.0/20').",
			f.st.region, f.st.region)
		if len(unusable) > 0 {
			how += "\n" + strings.Join(unusable, "\n")
		}
		return f.missing("vpc", "No VPC to use", how)
	}
	q := &Question{
		Kind: Select, Title: "VPC",
		Help:    "The cluster's network. Its vSwitch, security group (and the RDS metastore) must be in it.",
		Default: usable[0].ID,
	}
	if len(unusable) > 0 {
		q.Intro = "Not usable:\n" + strings.Join(unusable, "\n")
	}
	for _, v := range usable {
		q.Options = append(q.Options, Option{Value: v.ID, Label: joinNonEmpty("  ", v.ID, v.Name, v.CIDR, v.Status)})
	}
	return q, func(_ context.Context, a Answer) error {
		i := slices.IndexFunc(usable, func(v provider.VPC) bool { return v.ID == a.Value })
		if f.st.vpc.ID != a.Value {
			f.st.vsw, f.st.securityGroup, f.st.rdsVpcID = provider.VSwitch{}, "", ""
		}
		f.st.vpc = usable[i]
		return nil
	}, nil
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

func (f *Flow) askVSwitch(ctx context.Context) (*Question, applyFunc, error) {
	vpc := f.st.vpc.ID
	list, err := f.b.VSwitches(ctx, vpc)
	if err != nil {
		return nil, nil, err
	}
	var usable []provider.VSwitch
	var unusable []string
	for _, v := range list {
		if v.Status != "" && v.Status != "Available" {
			unusable = append(unusable, fmt.Sprintf("  %s (zone %s): status %s", v.ID, v.ZoneID, v.Status))
			continue
		}
		usable = append(usable, v)
	}
	if len(usable) == 0 {
		how := fmt.Sprintf("VPC %s has no usable vSwitch. Create one in the zone you want:\n"+
			"  aliyun vpc CreateVSwitch --RegionId %s --VpcId %s --ZoneId <zone> --CidrBlock <cidr>", vpc, f.st.region, vpc)
		if len(unusable) > 0 {
			how += "\n" + strings.Join(unusable, "\n")
		}
		return f.missing("vswitch", "No vSwitch to use", how, Option{"vpc", "Choose another VPC"})
	}
	// The recommendation is the vSwitch with the most free addresses.
	best := usable[0]
	for _, v := range usable[1:] {
		if v.AvailableIPs > best.AvailableIPs {
			best = v
		}
	}
	q := &Question{
		Kind: Select, Title: "vSwitch",
		Help:    "The cluster's zone is the vSwitch's zone; every node takes one of its free addresses.",
		Default: best.ID,
	}
	if len(unusable) > 0 {
		q.Intro = "Not usable:\n" + strings.Join(unusable, "\n")
	}
	for _, v := range usable {
		label := fmt.Sprintf("%s  zone %s, %d free IPs", v.ID, v.ZoneID, v.AvailableIPs)
		if v.Name != "" {
			label += "  " + v.Name
		}
		if v.AvailableIPs < fewIPs {
			label += "  (nearly full: room for few nodes)"
		}
		q.Options = append(q.Options, Option{Value: v.ID, Label: recommended(label, v.ID == best.ID)})
	}
	return q, func(_ context.Context, a Answer) error {
		i := slices.IndexFunc(usable, func(v provider.VSwitch) bool { return v.ID == a.Value })
		v := usable[i]
		if v.ZoneID != f.st.vsw.ZoneID {
			// Instance types are offered per zone: choose them again.
			f.st.master, f.st.core, f.st.task = nodeChoice{}, nodeChoice{}, nodeChoice{}
		}
		f.st.vsw = v
		f.note("Zone: %s (the zone of vSwitch %s).", v.ZoneID, v.ID)
		return nil
	}, nil
}

func (f *Flow) askRDSVPC(context.Context) (*Question, applyFunc, error) {
	if !f.needsRDS() {
		return nil, nil, nil
	}
	vpc := f.st.vpc.ID
	q := &Question{
		Kind: Select, Title: "Is the RDS instance in " + vpc + "?",
		Intro: fmt.Sprintf("The metastore %s must be reachable from the cluster: the RDS instance in VPC %s,\n"+
			"allowing MySQL port 3306 from the cluster's vSwitch (%s, %s).", f.st.rdsAddress, vpc, f.st.vsw.ID, orUnknown(f.st.vsw.CIDR)),
		Options: []Option{
			{"yes", "Yes: it is in " + vpc + " and allows port 3306 from the cluster"},
			{"vpc", "No: choose another VPC"},
			{"unsure", "Not sure: continue; the plan will warn"},
		},
		Default: "yes",
	}
	return q, func(_ context.Context, a Answer) error {
		switch a.Value {
		case "yes":
			f.st.rdsVpcID = vpc
		case "vpc":
			f.jump = "vpc"
		default:
			f.st.rdsVpcID = ""
		}
		return nil
	}, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "CIDR unknown"
	}
	return s
}

func (f *Flow) askSecurityGroup(ctx context.Context) (*Question, applyFunc, error) {
	vpc := f.st.vpc.ID
	list, err := f.b.SecurityGroups(ctx, vpc)
	if err != nil {
		return nil, nil, err
	}
	var normal []provider.SecurityGroup
	var unusable []string
	for _, g := range list {
		if g.Type == "enterprise" {
			unusable = append(unusable, fmt.Sprintf("  %s%s: enterprise security group; EMR supports only normal (basic) ones and a cluster with it ends START_FAILED",
				g.ID, quotedName(g.Name)))
			continue
		}
		normal = append(normal, g)
	}
	if len(normal) == 0 {
		how := fmt.Sprintf("VPC %s has no normal security group; EMR does not support enterprise security groups.\n"+
			"Create one: aliyun ecs CreateSecurityGroup --RegionId %s --VpcId %s --SecurityGroupType normal", vpc, f.st.region, vpc)
		if len(unusable) > 0 {
			how += "\nNot usable:\n" + strings.Join(unusable, "\n")
		}
		return f.missing("security-group", "No normal security group", how, Option{"vpc", "Choose another VPC"})
	}
	q := &Question{
		Kind: Select, Title: "Security group",
		Help:    "Only normal security groups can be chosen.",
		Default: normal[0].ID,
	}
	if len(unusable) > 0 {
		q.Intro = "Not usable:\n" + strings.Join(unusable, "\n")
	}
	for _, g := range normal {
		q.Options = append(q.Options, Option{Value: g.ID, Label: joinNonEmpty("  ", g.ID, g.Name, "normal")})
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.securityGroup = a.Value
		return nil
	}, nil
}

// noKeyPair is the key pair answer that logs in with a root password.
const noKeyPair = "-password"

func (f *Flow) askKeyPair(ctx context.Context) (*Question, applyFunc, error) {
	list, err := f.b.KeyPairs(ctx)
	if err != nil {
		return nil, nil, err
	}
	password := Option{noKeyPair, "No key pair: log in as root with a password from an environment variable"}
	if len(list) == 0 {
		how := fmt.Sprintf("There is no SSH key pair in %s. Create one (ECS console, or\n"+
			"'aliyun ecs CreateKeyPair --RegionId %s --KeyPairName <name>'), or log in with a root password.", f.st.region, f.st.region)
		q, apply, err := f.missing("key-pair", "No key pair", how, password)
		inner := apply
		return q, func(ctx context.Context, a Answer) error {
			f.st.keyPair = ""
			return inner(ctx, a)
		}, err
	}
	q := &Question{
		Kind: Select, Title: "Key pair",
		Help:    "For SSH logins to the nodes (recommended over a password).",
		Default: list[0].Name,
	}
	for _, k := range list {
		q.Options = append(q.Options, Option{Value: k.Name, Label: k.Name})
	}
	q.Options = append(q.Options, password)
	return q, func(_ context.Context, a Answer) error {
		if a.Value == noKeyPair {
			f.st.keyPair = ""
			return nil
		}
		f.st.keyPair, f.st.rootPasswordEnv = a.Value, ""
		return nil
	}, nil
}

func (f *Flow) askRootPasswordEnv(context.Context) (*Question, applyFunc, error) {
	if f.st.keyPair != "" {
		return nil, nil, nil
	}
	name := f.st.rootPasswordEnv
	if name == "" {
		name = spec.DefaultRootPasswordEnv
	}
	q := &Question{
		Kind: Input, Title: "Environment variable holding the root password",
		Help:    "Type the variable's NAME, not the password. Use letters and digits only in the password: shell metacharacters break the request.",
		Default: name,
		Check: func(v string) error {
			c := &spec.Cluster{Provider: spec.ProviderAliyun, Network: &spec.Network{MasterRootPasswordEnv: v}}
			return asError(problemsAt(c, false, "network.masterRootPasswordEnv"))
		},
		Feedback: func(a Answer) string { return f.envFeedback(a.Value) },
	}
	return q, func(_ context.Context, a Answer) error {
		f.st.rootPasswordEnv = a.Value
		if _, ok := f.o.LookupEnv(a.Value); !ok {
			f.note("Remember: export %s (the root password) before creating.", a.Value)
		}
		return nil
	}, nil
}

// quotedName is a resource's name from the cloud as data: escaped and
// quoted after a space, or nothing when it has none.
func quotedName(name string) string {
	if name == "" {
		return ""
	}
	return ` "` + validate.Escape(name) + `"`
}
