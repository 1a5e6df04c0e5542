package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// Statuses of a prerequisite check.
const (
	CheckOK      = "OK"
	CheckProblem = "PROBLEM"
	CheckWarning = "WARNING"
)

// What a prerequisite check is about.
const (
	ItemRegion        = "region"
	ItemVPC           = "vpc"
	ItemZone          = "zone"
	ItemVSwitch       = "vswitch"
	ItemSecurityGroup = "security-group"
	ItemKeyPair       = "key-pair"
	ItemStock         = "stock"
)

// fewIPs is the number of free addresses below which a vSwitch is flagged
// when the number of nodes is not known.
const fewIPs = 16

// PrereqInput says what to check. Empty fields are discovered instead: with
// no VPC the region's VPCs are listed, with a VPC its vSwitches and
// security groups.
type PrereqInput struct {
	// Region defaults to the engine's region.
	Region           string   `json:"region,omitempty"`
	VpcID            string   `json:"vpcId,omitempty"`
	ZoneID           string   `json:"zoneId,omitempty"`
	VSwitchIDs       []string `json:"vSwitchIds,omitempty"`
	SecurityGroupIDs []string `json:"securityGroupIds,omitempty"`
	KeyPairNames     []string `json:"keyPairNames,omitempty"`
	// Nodes is how many nodes take an address from each vSwitch (from a
	// spec); a vSwitch with fewer free addresses is a problem.
	Nodes map[string]int `json:"nodes,omitempty"`
	// Groups are node groups whose instance stock is checked in the zone.
	Groups []PrereqGroup `json:"groups,omitempty"`
	// FromSpec marks input built from a spec: every resource named must
	// be usable, and nothing else is listed.
	FromSpec bool `json:"fromSpec,omitempty"`
}

// PrereqGroup is a node group whose instance types need stock.
type PrereqGroup struct {
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	Count         int      `json:"count"`
	InstanceTypes []string `json:"instanceTypes"`
}

// PrereqInputFromSpec returns what a spec uses: its region, VPC, zone,
// security group, key pair, the vSwitches of every node group with the
// nodes each will hold, and the instance types.
func PrereqInputFromSpec(c *spec.Cluster) PrereqInput {
	in := PrereqInput{Region: c.Region, Nodes: map[string]int{}, FromSpec: true}
	var shared []string
	if n := c.Network; n != nil {
		in.VpcID, in.ZoneID, shared = n.VpcID, n.ZoneID, n.VSwitchIDs
		if n.SecurityGroupID != "" {
			in.SecurityGroupIDs = append(in.SecurityGroupIDs, n.SecurityGroupID)
		}
		if n.KeyPairName != "" {
			in.KeyPairNames = append(in.KeyPairNames, n.KeyPairName)
		}
	}
	addVSwitch := func(id string) {
		if !slices.Contains(in.VSwitchIDs, id) {
			in.VSwitchIDs = append(in.VSwitchIDs, id)
		}
	}
	for _, id := range shared {
		addVSwitch(id)
	}
	for _, g := range c.NodeGroups {
		count := 0
		if g.Count != nil {
			count = *g.Count
		}
		vsw := g.VSwitchIDs
		if len(vsw) == 0 {
			vsw = shared
		}
		for _, id := range vsw {
			addVSwitch(id)
		}
		if len(vsw) > 0 {
			in.Nodes[vsw[0]] += count
		}
		for _, sg := range g.AdditionalSecurityGroupIDs {
			if !slices.Contains(in.SecurityGroupIDs, sg) {
				in.SecurityGroupIDs = append(in.SecurityGroupIDs, sg)
			}
		}
		in.Groups = append(in.Groups, PrereqGroup{Name: g.Name, Role: string(g.Role), Count: count, InstanceTypes: g.InstanceTypes})
	}
	return in
}

// PrereqCheck is one row of the checklist.
type PrereqCheck struct {
	Item     string `json:"item"`
	Resource string `json:"resource"`
	Status   string `json:"status"`
	Detail   string `json:"detail"`
	Fix      string `json:"fix,omitempty"`
}

// PrereqReport is the checklist: what is ready, what is missing and how
// to fix it.
type PrereqReport struct {
	Region   string        `json:"region"`
	Checks   []PrereqCheck `json:"checks"`
	Problems int           `json:"problems"`
	Warnings int           `json:"warnings"`
}

// Err returns a *PrereqError when a required thing is missing, else nil.
func (r *PrereqReport) Err() error {
	if r == nil || r.Problems == 0 {
		return nil
	}
	return &PrereqError{Report: r}
}

func (r *PrereqReport) add(item, resource, status, detail, fix string) {
	r.Checks = append(r.Checks, PrereqCheck{Item: item, Resource: resource, Status: status, Detail: detail, Fix: fix})
	switch status {
	case CheckProblem:
		r.Problems++
	case CheckWarning:
		r.Warnings++
	}
}

// PrereqError reports a prerequisite check that found problems.
type PrereqError struct {
	Report *PrereqReport
}

func (e *PrereqError) Error() string {
	return fmt.Sprintf("%d prerequisite problem(s) in %s: a cluster created now would fail", e.Report.Problems, e.Report.Region)
}

// CheckPrereqs checks what a cluster needs before it is created (SKILL.md
// "Prerequisites", getting-started.md): the region answers, the VPC exists
// and is Available, vSwitches exist in the cluster's zone with free
// addresses, security groups are normal (EMR rejects enterprise ones) and
// in the VPC, key pairs exist, and instance types have stock. Every row
// that is not OK says how to fix it. The report is returned even when it
// holds problems; Err turns those into an error.
func (e *Engine) CheckPrereqs(ctx context.Context, in PrereqInput) (*PrereqReport, error) {
	in, err := distinctPrereqs(in)
	if err != nil {
		return nil, err
	}
	if err := checkPrereqInput(in); err != nil {
		return nil, err
	}
	region := in.Region
	if region == "" {
		region = e.opts.Region
	}
	rp, err := e.inRegion(region)
	if err != nil {
		return nil, err
	}
	p, ok := rp.(provider.Network)
	if !ok {
		return nil, &UnsupportedError{Provider: e.Provider(), What: "checking network prerequisites"}
	}
	c := &prereqRun{e: e, p: p, in: in, r: &PrereqReport{Region: region, Checks: []PrereqCheck{}}}
	if !c.region(ctx) {
		return c.r, nil
	}
	steps := []func(context.Context) error{c.vpcs, c.vswitches, c.securityGroups, c.keyPairs, c.stock}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return c.r, nil
}

// distinctPrereqs checks each named resource once, however often it is
// named, and bounds how many one call checks.
func distinctPrereqs(in PrereqInput) (PrereqInput, error) {
	var err error
	for _, l := range []struct {
		field string
		items *[]string
	}{{"vSwitchIds", &in.VSwitchIDs}, {"securityGroupIds", &in.SecurityGroupIDs}, {"keyPairNames", &in.KeyPairNames}} {
		if *l.items, err = distinct(l.field, *l.items); err != nil {
			return in, err
		}
	}
	if len(in.Groups) > MaxListItems {
		return in, inputError("groups", fmt.Sprintf("%d node groups; at most %d are checked in one call", len(in.Groups), MaxListItems), "check fewer node groups at a time")
	}
	return in, nil
}

func checkPrereqInput(in PrereqInput) error {
	var errs []*validate.Error
	if in.Region != "" {
		errs = append(errs, validate.ID(validate.RegionID, "region", in.Region))
	}
	if in.VpcID != "" {
		errs = append(errs, validate.ID(validate.VPCID, "vpc", in.VpcID))
	}
	if in.ZoneID != "" {
		errs = append(errs, validate.ID(validate.ZoneID, "zone", in.ZoneID))
	}
	for _, id := range in.VSwitchIDs {
		errs = append(errs, validate.ID(validate.VSwitchID, "vswitch", id))
	}
	for _, id := range in.SecurityGroupIDs {
		errs = append(errs, validate.ID(validate.SecurityGroupID, "security-group", id))
	}
	for _, k := range in.KeyPairNames {
		errs = append(errs, validate.ID(validate.KeyPairName, "key-pair", k))
	}
	return checkInput(errs...)
}

// prereqRun is one run of the checks; what earlier steps learn (zones,
// the VPC in use) informs the later ones.
type prereqRun struct {
	e     *Engine
	p     provider.Network
	in    PrereqInput
	r     *PrereqReport
	zones []string
	vpc   string // the VPC the other resources must belong to
}

func (c *prereqRun) region(ctx context.Context) bool {
	zones, err := read(ctx, c.e, func(ctx context.Context) ([]provider.Zone, error) { return c.p.Zones(ctx) })
	if err != nil {
		fix := orText(provider.Advice(provider.CodeOf(err)), "check the network and the credentials ('emrctl config view')")
		c.r.add(ItemRegion, c.r.Region, CheckProblem, "the region does not answer: "+err.Error(), fix)
		return false
	}
	for _, z := range zones {
		c.zones = append(c.zones, z.ID)
	}
	c.r.add(ItemRegion, c.r.Region, CheckOK, "reachable; zones "+strings.Join(c.zones, ", "), "")
	if z := c.in.ZoneID; z != "" {
		if slices.Contains(c.zones, z) {
			c.r.add(ItemZone, z, CheckOK, "a zone of "+c.r.Region, "")
		} else {
			c.r.add(ItemZone, z, CheckProblem, "not a zone of "+c.r.Region, "use one of "+strings.Join(c.zones, ", "))
		}
	}
	return true
}

func (c *prereqRun) vpcs(ctx context.Context) error {
	vpcs, err := read(ctx, c.e, func(ctx context.Context) ([]provider.VPC, error) { return c.p.VPCs(ctx, c.in.VpcID) })
	if err != nil && !errors.Is(err, provider.ErrNotFound) {
		return err
	}
	if id := c.in.VpcID; id != "" {
		i := slices.IndexFunc(vpcs, func(v provider.VPC) bool { return v.ID == id })
		if i < 0 {
			c.r.add(ItemVPC, id, CheckProblem, "does not exist in "+c.r.Region, c.otherVPCs(ctx))
			return nil
		}
		c.vpc = id
		c.vpcRow(vpcs[i])
		return nil
	}
	if c.in.FromSpec {
		c.r.add(ItemVPC, "-", CheckProblem, "the spec names no VPC (NodeAttributes.VpcId is required)", "set network.vpcId")
		return nil
	}
	switch len(vpcs) {
	case 0:
		c.r.add(ItemVPC, "-", CheckProblem, "no VPC in "+c.r.Region, "create a VPC with a vSwitch in the zone you want (VPC console, or 'aliyun vpc CreateVpc --RegionId "+c.r.Region+"')")
	case 1:
		c.vpc = vpcs[0].ID
		c.vpcRow(vpcs[0])
	default:
		for _, v := range vpcs {
			c.vpcRow(v)
		}
		// Without a choice, vSwitches and security groups of every VPC
		// would be a long list: ask for one.
		c.r.add(ItemVPC, "-", CheckWarning, fmt.Sprintf("%d VPCs in %s; vSwitches and security groups were not checked", len(vpcs), c.r.Region), "pass --vpc to check the one the cluster will use")
	}
	return nil
}

func (c *prereqRun) vpcRow(v provider.VPC) {
	detail := fmt.Sprintf("%s, %s", orText(v.Status, "status unknown"), v.CIDR)
	if v.Name != "" {
		detail = v.Name + ": " + detail
	}
	if v.Status != "" && v.Status != "Available" {
		c.r.add(ItemVPC, v.ID, CheckProblem, detail+"; a cluster needs an Available VPC", "wait until the VPC is Available, or use another one")
		return
	}
	c.r.add(ItemVPC, v.ID, CheckOK, detail, "")
}

func (c *prereqRun) otherVPCs(ctx context.Context) string {
	all, err := read(ctx, c.e, func(ctx context.Context) ([]provider.VPC, error) { return c.p.VPCs(ctx, "") })
	if err != nil || len(all) == 0 {
		return "create a VPC in " + c.r.Region + " (VPC console, or 'aliyun vpc CreateVpc'), or check --region"
	}
	ids := make([]string, len(all))
	for i, v := range all {
		ids[i] = v.ID
	}
	return "use a VPC of " + c.r.Region + ": " + strings.Join(ids, ", ")
}

func (c *prereqRun) vswitches(ctx context.Context) error {
	if len(c.in.VSwitchIDs) == 0 {
		if c.vpc == "" || c.in.FromSpec {
			if c.in.FromSpec {
				c.r.add(ItemVSwitch, "-", CheckProblem, "the spec names no vSwitch; every node group needs one", "set network.vSwitchIds (a vSwitch of the cluster's zone)")
			}
			return nil
		}
		return c.listVSwitches(ctx)
	}
	for _, id := range c.in.VSwitchIDs {
		list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.VSwitch, error) { return c.p.VSwitches(ctx, "", id) })
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return err
		}
		i := slices.IndexFunc(list, func(v provider.VSwitch) bool { return v.ID == id })
		if i < 0 {
			c.r.add(ItemVSwitch, id, CheckProblem, "does not exist in "+c.r.Region, c.vswitchFix(ctx))
			continue
		}
		c.vswitchRow(ctx, list[i])
	}
	return nil
}

// listVSwitches shows every vSwitch of the VPC: their zones are where a
// cluster can go.
func (c *prereqRun) listVSwitches(ctx context.Context) error {
	list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.VSwitch, error) { return c.p.VSwitches(ctx, c.vpc, "") })
	if err != nil {
		return err
	}
	if len(list) == 0 {
		c.r.add(ItemVSwitch, "-", CheckProblem, "VPC "+c.vpc+" has no vSwitch", "create a vSwitch in the zone you want ('aliyun vpc CreateVSwitch --VpcId "+c.vpc+" --ZoneId <zone> --CidrBlock <cidr>')")
		return nil
	}
	inZone := false
	for _, v := range list {
		c.vswitchRow(ctx, v)
		inZone = inZone || v.ZoneID == c.in.ZoneID
	}
	if c.in.ZoneID != "" && !inZone {
		c.r.add(ItemVSwitch, "-", CheckProblem, fmt.Sprintf("VPC %s has no vSwitch in zone %s", c.vpc, c.in.ZoneID),
			fmt.Sprintf("create one in %s ('aliyun vpc CreateVSwitch --VpcId %s --ZoneId %s --CidrBlock <cidr>'), or use the zone of an existing vSwitch", c.in.ZoneID, c.vpc, c.in.ZoneID))
	}
	return nil
}

func (c *prereqRun) vswitchRow(ctx context.Context, v provider.VSwitch) {
	detail := fmt.Sprintf("zone %s, %d free IPs", v.ZoneID, v.AvailableIPs)
	need := c.in.Nodes[v.ID]
	switch {
	case c.vpc != "" && v.VpcID != c.vpc:
		c.r.add(ItemVSwitch, v.ID, CheckProblem, fmt.Sprintf("belongs to %s, not the cluster's VPC %s", v.VpcID, c.vpc), c.vswitchFix(ctx))
	case c.in.ZoneID != "" && v.ZoneID != c.in.ZoneID && len(c.in.VSwitchIDs) > 0:
		c.r.add(ItemVSwitch, v.ID, CheckProblem, fmt.Sprintf("is in zone %s but the cluster's zone is %s; RunCluster would end START_FAILED (InvalidVSwitchId.ZoneMismatch)", v.ZoneID, c.in.ZoneID),
			c.vswitchFix(ctx)+", or set the zone to "+v.ZoneID)
	case v.Status != "" && v.Status != "Available":
		c.r.add(ItemVSwitch, v.ID, CheckProblem, detail+", status "+v.Status, "wait until it is Available or use another vSwitch")
	case need > 0 && v.AvailableIPs < need:
		c.r.add(ItemVSwitch, v.ID, CheckProblem, fmt.Sprintf("%s; the cluster needs %d", detail, need), "use a vSwitch with more free addresses (in the same zone), or fewer nodes")
	case need == 0 && v.AvailableIPs < fewIPs:
		c.r.add(ItemVSwitch, v.ID, CheckWarning, detail+": room for few nodes", "prefer a vSwitch with more free addresses")
	default:
		c.r.add(ItemVSwitch, v.ID, CheckOK, detail, "")
	}
}

// vswitchFix names the vSwitches that would do: in the VPC and the zone.
func (c *prereqRun) vswitchFix(ctx context.Context) string {
	if c.vpc == "" {
		return "take a vSwitch ID of the cluster's VPC ('emrctl prereq check --vpc <vpc-id>' lists them)"
	}
	list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.VSwitch, error) { return c.p.VSwitches(ctx, c.vpc, "") })
	var good []string
	if err == nil {
		for _, v := range list {
			if c.in.ZoneID == "" || v.ZoneID == c.in.ZoneID {
				good = append(good, v.ID)
			}
		}
	}
	where := "VPC " + c.vpc
	if c.in.ZoneID != "" {
		where += " in zone " + c.in.ZoneID
	}
	if len(good) == 0 {
		return "create a vSwitch of " + where
	}
	return "use a vSwitch of " + where + ": " + strings.Join(good, ", ")
}

func (c *prereqRun) securityGroups(ctx context.Context) error {
	if len(c.in.SecurityGroupIDs) == 0 {
		if c.in.FromSpec {
			c.r.add(ItemSecurityGroup, "-", CheckProblem, "the spec names no security group (NodeAttributes.SecurityGroupId is required)", "set network.securityGroupId to a normal security group of the VPC")
			return nil
		}
		if c.vpc == "" {
			return nil
		}
		list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.SecurityGroup, error) { return c.p.SecurityGroups(ctx, c.vpc, "") })
		if err != nil {
			return err
		}
		normal := 0
		for _, g := range list {
			if g.Type == "enterprise" {
				c.r.add(ItemSecurityGroup, g.ID, CheckWarning, "enterprise security group: EMR cannot use it", "use a normal security group for clusters")
				continue
			}
			normal++
			c.r.add(ItemSecurityGroup, g.ID, CheckOK, orText(g.Type, "normal")+" security group of "+c.vpc, "")
		}
		if normal == 0 {
			c.r.add(ItemSecurityGroup, "-", CheckProblem, "VPC "+c.vpc+" has no normal security group; EMR supports only normal (basic) ones", c.createSGFix())
		}
		return nil
	}
	for _, id := range c.in.SecurityGroupIDs {
		list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.SecurityGroup, error) { return c.p.SecurityGroups(ctx, "", id) })
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return err
		}
		i := slices.IndexFunc(list, func(g provider.SecurityGroup) bool { return g.ID == id })
		switch {
		case i < 0:
			c.r.add(ItemSecurityGroup, id, CheckProblem, "does not exist in "+c.r.Region, c.sgFix(ctx))
		case list[i].Type == "enterprise":
			c.r.add(ItemSecurityGroup, id, CheckProblem, "is an enterprise security group: EMR supports only normal (basic) ones, and RunCluster with it ends START_FAILED", c.sgFix(ctx))
		case c.vpc != "" && list[i].VpcID != "" && list[i].VpcID != c.vpc:
			c.r.add(ItemSecurityGroup, id, CheckProblem, fmt.Sprintf("belongs to %s, not the cluster's VPC %s", list[i].VpcID, c.vpc), c.sgFix(ctx))
		default:
			c.r.add(ItemSecurityGroup, id, CheckOK, orText(list[i].Type, "normal")+" security group of "+orText(list[i].VpcID, "the region"), "")
		}
	}
	return nil
}

// sgFix names the normal security groups of the VPC, or how to create one.
func (c *prereqRun) sgFix(ctx context.Context) string {
	if c.vpc == "" {
		return "use a normal security group of the cluster's VPC"
	}
	list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.SecurityGroup, error) { return c.p.SecurityGroups(ctx, c.vpc, "") })
	var normal []string
	if err == nil {
		for _, g := range list {
			if g.Type != "enterprise" {
				normal = append(normal, g.ID)
			}
		}
	}
	if len(normal) == 0 {
		return c.createSGFix()
	}
	return "use a normal security group of " + c.vpc + ": " + strings.Join(normal, ", ") + "; or " + c.createSGFix()
}

func (c *prereqRun) createSGFix() string {
	vpc := orText(c.vpc, "<vpc-id>")
	return "create one: 'aliyun ecs CreateSecurityGroup --RegionId " + c.r.Region + " --VpcId " + vpc + " --SecurityGroupType normal'"
}

func (c *prereqRun) keyPairs(ctx context.Context) error {
	if len(c.in.KeyPairNames) == 0 {
		if c.in.FromSpec {
			return nil // a root password instead: the spec validation checks it
		}
		list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.KeyPair, error) { return c.p.KeyPairs(ctx, "") })
		if err != nil {
			return err
		}
		if len(list) == 0 {
			c.r.add(ItemKeyPair, "-", CheckWarning, "no key pair in "+c.r.Region+": nodes then need a root password", "create one ('aliyun ecs CreateKeyPair --RegionId "+c.r.Region+" --KeyPairName <name>') or set network.masterRootPasswordEnv")
		}
		for _, k := range list {
			c.r.add(ItemKeyPair, k.Name, CheckOK, "key pair of "+c.r.Region, "")
		}
		return nil
	}
	for _, name := range c.in.KeyPairNames {
		list, err := read(ctx, c.e, func(ctx context.Context) ([]provider.KeyPair, error) { return c.p.KeyPairs(ctx, name) })
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return err
		}
		if slices.ContainsFunc(list, func(k provider.KeyPair) bool { return k.Name == name }) {
			c.r.add(ItemKeyPair, name, CheckOK, "key pair of "+c.r.Region, "")
			continue
		}
		fix := "create or import it ('aliyun ecs CreateKeyPair --RegionId " + c.r.Region + " --KeyPairName " + name + "')"
		if all, err := read(ctx, c.e, func(ctx context.Context) ([]provider.KeyPair, error) { return c.p.KeyPairs(ctx, "") }); err == nil && len(all) > 0 {
			names := make([]string, len(all))
			for i, k := range all {
				names[i] = k.Name
			}
			fix += ", or use one of " + strings.Join(names, ", ")
		}
		c.r.add(ItemKeyPair, name, CheckProblem, "does not exist in "+c.r.Region, fix)
	}
	return nil
}

// stock checks that each node group has an instance type in stock in the
// zone (DescribeAvailableResource).
func (c *prereqRun) stock(ctx context.Context) error {
	if len(c.in.Groups) == 0 || c.in.ZoneID == "" || !slices.Contains(c.zones, c.in.ZoneID) {
		return nil
	}
	var types []string
	for _, g := range c.in.Groups {
		for _, t := range g.InstanceTypes {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	stock, err := read(ctx, c.e, func(ctx context.Context) (map[string]string, error) { return c.p.Stock(ctx, c.in.ZoneID, types) })
	if err != nil {
		c.r.add(ItemStock, c.in.ZoneID, CheckWarning, "stock could not be read: "+err.Error(), "")
		return nil
	}
	for _, g := range c.in.Groups {
		var in, out []string
		for _, t := range g.InstanceTypes {
			if stock[t] == "WithStock" {
				in = append(in, t)
			} else {
				out = append(out, t)
			}
		}
		res := g.Name + " (" + strings.Join(g.InstanceTypes, ", ") + ")"
		switch {
		case len(in) == 0:
			c.r.add(ItemStock, res, CheckProblem, "no instance type of the group is in stock in "+c.in.ZoneID,
				fmt.Sprintf("add other instance types ('emrctl discover instance-types --zone %s --role %s ...') or use another zone", c.in.ZoneID, orText(g.Role, "<role>")))
		case len(out) > 0:
			c.r.add(ItemStock, res, CheckWarning, "out of stock in "+c.in.ZoneID+": "+strings.Join(out, ", "), "")
		default:
			c.r.add(ItemStock, res, CheckOK, "in stock in "+c.in.ZoneID, "")
		}
	}
	return nil
}
