package policy

import (
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/safetext"
	"github.com/emrctl/emrctl/internal/validate"
)

// The refusal of a cluster deletion, in emrctl's words, pointing at each
// cloud's console.
const (
	aliyunDeletionRefusal = "emrctl does not delete Alibaba Cloud EMR clusters: the safety policy refuses it. " +
		"To delete a cluster, use the Alibaba Cloud EMR console at https://emr.console.aliyun.com/, " +
		"or ask your cloud administrator."
	awsDeletionRefusal = "emrctl does not terminate AWS EMR clusters: the safety policy refuses it. " +
		"To terminate a cluster, use the AWS EMR console at https://console.aws.amazon.com/emr/, " +
		"or ask your cloud administrator."
	awsServerlessDeletionRefusal = "emrctl does not delete EMR Serverless applications: the safety policy refuses it. " +
		"To delete an application, use the AWS EMR console at https://console.aws.amazon.com/emr/, " +
		"or ask your cloud administrator."
)

// DeletionRefusal returns the refusal shown for a cluster (or EMR
// Serverless application) deletion on the given provider.
func DeletionRefusal(provider string, serverless bool) string {
	return deletionRefusal(provider, serverless).String()
}

func deletionRefusal(provider string, serverless bool) safetext.Text {
	switch {
	case provider == ProviderAWS && serverless:
		return safetext.Word(awsServerlessDeletionRefusal)
	case provider == ProviderAWS:
		return safetext.Word(awsDeletionRefusal)
	}
	return safetext.Word(aliyunDeletionRefusal)
}

// newName describes a resource about to be created.
func newName(kind, name, region string) string {
	s := "new " + kind + " " + name
	if region != "" {
		s += " in " + region
	}
	return s
}

func (o CreateCluster) decide(b *builder, _ Actor, _ *Policy, l Limits) {
	total := 0
	groups := make([]safetext.Text, 0, len(o.Groups))
	for i, g := range o.Groups {
		switch {
		case g.Count < 0:
			b.deny(RuleNodeCount, safetext.F("Node group %d (%s) has a negative node count, %d.", i+1, safetext.ID(g.Role), g.Count))
		case g.Count > l.NodeGroupMaxAtCreate:
			b.deny(LimitNodeGroupMaxAtCreate, safetext.F(
				"Node group %d (%s) has %d nodes, but a node group may have at most %d when it is created (%s), to keep cost under control. "+
					"Create it smaller and add nodes later in confirmed batches.",
				i+1, safetext.ID(g.Role), g.Count, l.NodeGroupMaxAtCreate, safetext.Word(LimitNodeGroupMaxAtCreate)))
		}
		total += g.Count
		group := safetext.F("%s %s x%d", safetext.ID(g.Role), g.Name, g.Count)
		if g.Spot {
			group = safetext.F("%s (spot)", group)
		}
		groups = append(groups, group)
		if g.Spot && isRole(g.Role, RoleCore) {
			b.confirm(safetext.F("Node group %d (%s) puts CORE nodes on spot instances: CORE nodes hold HDFS data, "+
				"and the cloud may reclaim spot instances at any time, losing the data they hold. Use spot on TASK groups, or confirm.", i+1, g.Name))
		}
	}
	if o.SubscriptionMonths > l.SubscriptionCostAckAboveMonths {
		b.costAck(safetext.F("The subscription runs %d months, more than %d (%s), and is paid for the whole term.",
			o.SubscriptionMonths, l.SubscriptionCostAckAboveMonths, safetext.Word(LimitSubscriptionCostAckAboveMonths)))
	}
	if total > l.ClusterNodesCostAckAbove {
		b.costAck(safetext.F("The cluster has %d nodes, more than %d (%s).", total, l.ClusterNodesCostAckAbove, safetext.Word(LimitClusterNodesCostAckAbove)))
	}
	b.confirm(safetext.F("Each cluster is created only after its own confirmation of the full configuration."))
	var billing safetext.Text
	if o.PaymentType != "" {
		billing = safetext.F(" billed %s", safetext.ID(o.PaymentType))
	}
	if o.SubscriptionMonths > 0 {
		billing = safetext.F("%s for %d months", billing, o.SubscriptionMonths)
	}
	b.d.Summary.Impact = safetext.F("creates a cluster%s with %s and %s in total: %s",
		billing, count(len(o.Groups), safetext.Word("node group")), count(total, safetext.Word("node")), safetext.Join(groups, ", "))
}

// agentCost is the confirmation every cost-relevant write of an agent
// gets: the human decides about money, not the model, however small the
// step (splitting a scale-out into steps under a limit changes nothing).
func agentCost(b *builder, a Actor) {
	if a.Kind.Untrusted() {
		b.confirm(safetext.F("A write by an agent or a REST token that adds cost needs a person's confirmation, whatever its size."))
	}
}

func (o CreateNodeGroup) decide(b *builder, a Actor, _ *Policy, l Limits) {
	agentCost(b, a)
	switch {
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, safetext.F("A MASTER node group is created with its cluster and cannot be added later."))
	case o.Count < 0:
		b.deny(RuleNodeCount, safetext.F("The node count must not be negative; got %d.", o.Count))
	case o.Count > l.NodeGroupMaxAtCreate:
		b.deny(LimitNodeGroupMaxAtCreate, safetext.F(
			"A new node group may have at most %d nodes (%s); %d were requested, which risks uncontrolled cost. "+
				"Create it smaller and add nodes later in confirmed batches.",
			l.NodeGroupMaxAtCreate, safetext.Word(LimitNodeGroupMaxAtCreate), o.Count))
	}
	if o.Count > l.NodeGroupCreateConfirmAbove {
		b.confirm(safetext.F("A new node group with more than %d nodes (%s) needs a confirmation; it has %d.",
			l.NodeGroupCreateConfirmAbove, safetext.Word(LimitNodeGroupCreateConfirmAbove), o.Count))
	}
	after := o.ClusterNodes + o.Count
	if after > l.ClusterNodesCostAckAbove {
		b.costAck(safetext.F("The cluster grows from %d to %d nodes, more than %d (%s).",
			o.ClusterNodes, after, l.ClusterNodesCostAckAbove, safetext.Word(LimitClusterNodesCostAckAbove)))
	}
	var billing safetext.Text
	if o.PaymentType != "" {
		billing = safetext.F(" billed %s", safetext.ID(o.PaymentType))
	}
	b.d.Summary.Impact = safetext.F("adds %s node group %s with %s%s; the cluster grows from %d to %d nodes",
		safetext.ID(o.Role), o.Name, count(o.Count, safetext.Word("node")), billing, o.ClusterNodes, after)
}

func (o IncreaseNodes) decide(b *builder, a Actor, _ *Policy, l Limits) {
	agentCost(b, a)
	switch {
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, safetext.F("MASTER nodes cannot be scaled."))
	case o.Count < 1:
		b.deny(RuleNodeCount, safetext.F("IncreaseNodes adds at least 1 node; got %d.", o.Count))
	case o.Count > l.IncreaseMaxPerCall:
		b.deny(LimitIncreaseMaxPerCall, safetext.F(
			"IncreaseNodes adds at most %d nodes per call (%s); %d were requested. "+
				"Expand in batches of at most %d nodes, confirming each batch.",
			l.IncreaseMaxPerCall, safetext.Word(LimitIncreaseMaxPerCall), o.Count, l.IncreaseMaxPerCall))
	}
	if o.MinCount < 0 || o.MinCount > o.Count {
		b.deny(RuleNodeCount, safetext.F("The minimum count must be between 0 and the count %d; got %d.", o.Count, o.MinCount))
	}
	after := o.ClusterNodes + o.Count
	if after > l.ClusterNodesCostAckAbove {
		b.costAck(safetext.F("The cluster grows from %d to %d nodes, more than %d (%s).",
			o.ClusterNodes, after, l.ClusterNodesCostAckAbove, safetext.Word(LimitClusterNodesCostAckAbove)))
	}
	if o.SubscriptionMonths > l.SubscriptionCostAckAboveMonths {
		b.costAck(safetext.F("The new nodes are subscribed for %d months, more than %d (%s).",
			o.SubscriptionMonths, l.SubscriptionCostAckAboveMonths, safetext.Word(LimitSubscriptionCostAckAboveMonths)))
	}
	if o.Count > l.IncreaseConfirmAbove {
		b.confirm(safetext.F("Adding more than %d nodes at once (%s) needs a confirmation; %d were requested.",
			l.IncreaseConfirmAbove, safetext.Word(LimitIncreaseConfirmAbove), o.Count))
	}
	impact := safetext.F("adds %s to %s: the node group grows from %d to %d nodes, the cluster from %d to %d",
		count(o.Count, safetext.F("%s node", safetext.ID(o.Role))), safetext.ID(o.NodeGroupID), o.GroupNodes, o.GroupNodes+o.Count, o.ClusterNodes, after)
	if o.MinCount > 0 {
		impact = safetext.F("%s (at least %d must start)", impact, o.MinCount)
	}
	if isRole(o.Role, RoleCore) {
		impact = safetext.F("%s; HDFS then rebalances data, raising IO load for a while", impact)
	}
	b.d.Summary.Impact = impact
}

func (o DecreaseNodes) decide(b *builder, a Actor, _ *Policy, l Limits) {
	switch {
	case isRole(o.Role, RoleTask):
	case isRole(o.Role, RoleCore):
		b.deny(RuleTaskOnlyScaleIn, safetext.F("DecreaseNodes does not support CORE node groups: CORE nodes hold HDFS data. "+
			"emrctl scales in TASK node groups only; reduce CORE nodes in the cloud's console or with technical support."))
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, safetext.F("MASTER nodes cannot be scaled."))
	default:
		b.deny(RuleTaskOnlyScaleIn, safetext.F("DecreaseNodes supports TASK node groups only; this node group's role is %s.", o.Role))
	}
	if o.GroupPaymentType == PaymentSubscription {
		b.deny(RuleSubscriptionScaleIn, safetext.F("The node group is billed by subscription. Releasing subscription nodes requires the ECS console "+
			"(unsubscribe there, or let them expire without renewal); the API cannot release them."))
	} else if subs := intersect(o.NodeIDs, o.SubscriptionNodeIDs); len(subs) > 0 {
		b.deny(RuleSubscriptionScaleIn, safetext.F("Nodes %s are subscription nodes. Releasing them requires the ECS console; the API cannot release them.", safetext.IDs(subs)))
	}
	n := len(o.NodeIDs)
	if n == 0 {
		b.deny(RuleNodeCount, safetext.F("No nodes to release: scale-in needs the exact node IDs, verified with ListNodes."))
	}
	if dups := duplicates(o.NodeIDs); len(dups) > 0 {
		b.deny(RuleDuplicateNodes, safetext.F("Nodes %s are listed more than once.", safetext.IDs(dups)))
	}
	if missing := minus(o.NodeIDs, o.VerifiedNodeIDs); len(missing) > 0 {
		b.deny(RuleVerifiedNodes, safetext.F("Nodes %s were not found by ListNodes in node group %s. "+
			"Only nodes verified in the group are released: list the nodes again and choose among them.", safetext.IDs(missing), safetext.ID(o.NodeGroupID)))
	}
	batches := 0
	if o.BatchSize < 1 || o.BatchSize > l.DecreaseMaxPerCall {
		b.deny(LimitDecreaseMaxPerCall, safetext.F("The batch size must be between 1 and %d (%s): at most %d nodes are released per call; got %d.",
			l.DecreaseMaxPerCall, safetext.Word(LimitDecreaseMaxPerCall), l.DecreaseMaxPerCall, o.BatchSize))
	} else {
		batches = (n + o.BatchSize - 1) / o.BatchSize
		if batches > 1 && o.BatchInterval < l.DecreaseMinInterval {
			b.deny(LimitDecreaseMinInterval, safetext.F("Releasing %d nodes takes %d batches, which must be at least %s apart (%s); the interval is %s.",
				n, batches, l.DecreaseMinInterval, safetext.Word(LimitDecreaseMinInterval), o.BatchInterval))
		}
	}
	if n > 0 && n >= o.GroupNodes {
		b.d.RequireZeroAck = true
		if o.AckZero {
			b.confirm(safetext.F("This releases every node of the node group: its compute capacity goes to zero."))
		} else {
			b.deny(RuleScaleToZero, safetext.F("This releases every node of node group %s (%d of %d), so its compute capacity goes to zero. "+
				"Acknowledge that explicitly to go on.", safetext.ID(o.NodeGroupID), n, o.GroupNodes))
		}
	}
	b.confirm(safetext.F("Released nodes cannot be brought back."))

	if o.ByCount && a.Kind.Untrusted() {
		b.deny(RuleUntrustedActor, safetext.F("Agents and services release nodes by their exact IDs only (taken from list_nodes), never by a count that emrctl would pick."))
	}
	impact := safetext.F("releases %s of %s (running now: %d, afterwards: %d): %s",
		count(n, safetext.F("%s node", safetext.ID(o.Role))), safetext.ID(o.NodeGroupID), o.GroupNodes, max(o.GroupNodes-n, 0), safetext.IDs(o.NodeIDs))
	if o.ByCount {
		impact = safetext.F("%s; the nodes were chosen by count among those ListNodes found", impact)
	}
	switch {
	case batches == 1:
		impact = safetext.F("%s; in 1 call", impact)
	case batches > 1:
		impact = safetext.F("%s; in %d batches of at most %d nodes, %s apart", impact, batches, o.BatchSize, o.BatchInterval)
		switch {
		case o.WallInterval > 0 && o.WallInterval < time.Millisecond:
			impact = safetext.F("%s on the sandbox's clock (no real wait: the sandbox's clock is instant)", impact)
		case o.WallInterval > 0 && o.WallInterval != o.BatchInterval:
			impact = safetext.F("%s on the sandbox's clock (%s of real time: its clock runs faster)", impact, o.WallInterval.Round(time.Millisecond))
		}
	}
	b.d.Summary.Impact = impact
}

func (o PutAutoScalingPolicy) decide(b *builder, _ Actor, _ *Policy, l Limits) {
	if !isRole(o.Role, RoleTask) {
		b.deny(RuleAutoScalingTaskOnly, safetext.F("Auto scaling is configured on TASK node groups only; this node group's role is %s.", o.Role))
	}
	if o.MinCapacity < 0 {
		b.deny(RuleCapacityRange, safetext.F("MinCapacity must not be negative; got %d.", o.MinCapacity))
	}
	if o.MinCapacity > o.MaxCapacity {
		b.deny(RuleCapacityRange, safetext.F("MinCapacity %d is above MaxCapacity %d.", o.MinCapacity, o.MaxCapacity))
	}
	if o.MaxCapacity > l.AutoScalingMaxCapacity {
		b.deny(LimitAutoScalingMaxCapacity, safetext.F(
			"MaxCapacity %d is above %d (%s): automatic scale-out that far risks an uncontrolled cost explosion. Use a MaxCapacity of at most %d.",
			o.MaxCapacity, l.AutoScalingMaxCapacity, safetext.Word(LimitAutoScalingMaxCapacity), l.AutoScalingMaxCapacity))
	}
	if len(o.Rules) > MaxScalingRules {
		b.deny(RuleMaxRules, safetext.F("A policy holds at most %d rules; got %d.", MaxScalingRules, len(o.Rules)))
	}
	for i, r := range o.Rules {
		if !strings.EqualFold(r.ActivityType, ScaleOut) || !strings.EqualFold(r.TriggerType, TriggerMetrics) {
			continue
		}
		cooldown := time.Duration(r.CoolDownSeconds) * time.Second
		switch {
		case !r.HasCoolDown:
			b.deny(LimitScaleOutMinCooldown, safetext.F("Rule %d is a load-based scale-out rule without a cooldown; it needs at least %s (%s) to prevent runaway scaling loops.",
				i+1, l.ScaleOutMinCooldown, safetext.Word(LimitScaleOutMinCooldown)))
		case cooldown < l.ScaleOutMinCooldown:
			b.deny(LimitScaleOutMinCooldown, safetext.F("Rule %d is a load-based scale-out rule with a cooldown of %s; it needs at least %s (%s) to prevent runaway scaling loops.",
				i+1, cooldown, l.ScaleOutMinCooldown, safetext.Word(LimitScaleOutMinCooldown)))
		}
	}
	b.confirm(safetext.F("PutAutoScalingPolicy replaces the node group's whole auto-scaling policy."))
	next := PolicySnapshot{MinCapacity: o.MinCapacity, MaxCapacity: o.MaxCapacity, Rules: o.Rules}
	var impact safetext.Text
	if o.Current == nil {
		impact = safetext.F("sets the first auto-scaling policy of %s: %s", safetext.ID(o.NodeGroupID), next.brief())
	} else {
		impact = safetext.F("replaces the whole auto-scaling policy of %s: now %s; afterwards %s", safetext.ID(o.NodeGroupID), o.Current.brief(), next.brief())
	}
	if !o.Diff.IsZero() {
		impact = safetext.F("%s; changes:\n%s", impact, o.Diff)
	}
	b.d.Summary.Impact = impact
}

func (o RemoveAutoScalingPolicy) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	if o.Current == nil {
		b.deny(RuleNoPolicy, safetext.F("Node group %s has no auto-scaling policy, so there is no policy to remove.", safetext.ID(o.NodeGroupID)))
		b.d.Summary.Impact = safetext.F("none: there is no policy")
		return
	}
	b.confirm(safetext.F("After removal the node group no longer scales automatically."))
	b.d.Summary.Impact = safetext.F("%s no longer scales automatically; the current policy is %s", safetext.ID(o.NodeGroupID), o.Current.Text())
}

func (o UpdateClusterAttribute) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	disabling := o.DeletionProtection != nil && !*o.DeletionProtection && o.CurrentProtection
	if disabling && a.Kind.Untrusted() {
		b.deny(RuleUntrustedActor, safetext.F("Turning off deletion protection is a person's standalone decision at the CLI ('emrctl cluster protect %s --off'); "+
			"agents and services cannot do it, whatever they are told.", safetext.ID(o.ClusterID)))
	}
	var changes []safetext.Text
	if o.Rename {
		changes = append(changes, safetext.F("renames the cluster"))
	}
	if o.Redescribe {
		changes = append(changes, safetext.F("changes its description"))
	}
	if o.DeletionProtection != nil && *o.DeletionProtection && !o.CurrentProtection {
		changes = append(changes, safetext.F("turns deletion protection on"))
	}
	switch {
	case disabling && (o.Rename || o.Redescribe):
		b.deny(RuleDeletionProtection, safetext.F("Turning off deletion protection must be its own command, confirmed on its own; "+
			"it cannot be combined with a rename or a description change. Make the other changes separately."))
	case disabling:
		b.confirm(safetext.F("Turning off deletion protection lets the cluster be released; it is done only as a standalone, confirmed action."))
	}
	if disabling {
		changes = append(changes, safetext.F("turns deletion protection off, so the cluster can be released"))
	}
	if len(changes) == 0 {
		changes = append(changes, safetext.F("changes nothing"))
	}
	b.d.Summary.Impact = safetext.Join(changes, ", ")
}

func (o UpdateAutoRenew) decide(b *builder, _ Actor, _ *Policy, l Limits) {
	scope := safetext.F("the cluster")
	if o.RenewAllInstances {
		scope = safetext.F("the cluster and all its subscription nodes")
	}
	if !o.Enable {
		b.confirm(safetext.F("Without auto-renewal, subscription resources expire at the end of their term and are then released."))
		b.d.Summary.Impact = safetext.F("turns auto-renewal off for %s: they expire at the end of their term unless renewed by hand", scope)
		return
	}
	b.confirm(safetext.F("Auto-renewal commits money at every renewal."))
	if o.Months > l.SubscriptionCostAckAboveMonths {
		b.costAck(safetext.F("Each renewal runs %d months, more than %d (%s), and is paid in advance.",
			o.Months, l.SubscriptionCostAckAboveMonths, safetext.Word(LimitSubscriptionCostAckAboveMonths)))
	}
	b.d.Summary.Impact = safetext.F("turns auto-renewal on for %s, %d months at a time, charged at each renewal", scope, o.Months)
}

func (o DeleteCluster) decide(b *builder, a Actor, p *Policy, _ Limits) {
	what := safetext.F("cluster")
	if o.Serverless {
		what = safetext.F("application")
	}
	named := safetext.Text{}
	if o.ClusterName != "" {
		named = safetext.F(" (named %s)", o.ClusterName)
	}
	b.d.Summary.Impact = safetext.F("releases %s %s%s with everything in it; this cannot be undone", what, safetext.ID(o.ClusterID), named)
	if !p.AllowClusterDeletion || a.Kind != Human {
		b.deny(RuleClusterDeletion, deletionRefusal(o.Provider, o.Serverless))
		if p.AllowClusterDeletion && a.Kind == Script {
			b.deny(RuleClusterDeletion, safetext.F("allowClusterDeletion applies only to a person at an interactive terminal, who types the name back; scripts never delete clusters."))
		}
		return
	}
	if o.DeletionProtection {
		b.deny(RuleDeletionProtection, safetext.F("Deletion protection is on for %s. Turn it off first, as its own confirmed command, then delete.", safetext.ID(o.ClusterID)))
	}
	if o.TerminationProtection {
		b.deny(RuleDeletionProtection, safetext.F("Termination protection is on for %s. Turn it off first, as its own confirmed command, then terminate.", safetext.ID(o.ClusterID)))
	}
	if b.d.Verdict == Deny {
		return
	}
	b.d.RequireTypedName = o.ClusterName
	if b.d.RequireTypedName == "" {
		b.d.RequireTypedName = o.ClusterID
	}
	b.confirm(safetext.F("Deleting releases the %s and everything in it for good; type its name to confirm.", what))
}

func (o SubmitJob) decide(b *builder, a Actor, p *Policy, _ Limits) {
	kind := strings.ToLower(o.Kind)
	switch kind {
	case JobSpark, JobPySpark, JobHive, JobSQL, JobJar:
	case JobCommand:
		if a.Kind != Human {
			b.deny(RuleCommandJobs, safetext.F("Arbitrary commands are for people at a terminal; scripts, agents and services may submit Spark, PySpark, Hive, SQL and JAR jobs only."))
		}
	default:
		b.deny(RuleJobKind, safetext.F("The job kind %s is unknown; use spark, pyspark, hive, sql, jar or command.", o.Kind))
	}
	if a.Kind.Untrusted() {
		own := ownBuckets(p.OwnBuckets, o.OwnBuckets)
		scheme := "oss"
		if o.Provider == ProviderAWS {
			scheme = "s3"
		}
		switch {
		case len(o.CodeURIs) > 0 && len(own) == 0:
			b.deny(RuleOwnBuckets, safetext.F("Agents and services run only code stored in your own buckets, and none are configured: configure ownBuckets."))
		case len(o.CodeURIs) > 0:
			var outside []string
			for _, uri := range o.CodeURIs {
				u, ok := validate.ParseObjectURI(uri)
				if !ok || u.Scheme != scheme || !slices.Contains(own, u.Bucket) {
					outside = append(outside, uri)
				}
			}
			if len(outside) > 0 {
				b.deny(RuleOwnBuckets, safetext.F("Agents and services run only code stored in your own buckets (%s); these are outside them: %s. "+
					"Copy the code into one of them, or add the bucket to ownBuckets.", safetext.IDs(own), safetext.IDs(outside)))
			}
		}
	}
	if a.Kind == Agent {
		// REST services submit jobs within their role's rights (CI
		// pipelines); an agent's job is confirmed by the person.
		b.confirm(safetext.F("A job an agent submits runs only after a person confirms the equivalent spark-submit command."))
	}
	impact := safetext.F("runs a %s job on %s", safetext.ID(o.Kind), safetext.ID(o.TargetID))
	if len(o.CodeURIs) > 0 {
		impact = safetext.F("%s with code from %s", impact, safetext.IDs(o.CodeURIs))
	}
	if o.SparkSubmit != "" {
		// One command, shown as one value: a line break in an argument
		// is escaped, never a new line.
		impact = safetext.F("%s; equivalent command:\n%s", impact, o.SparkSubmit)
	}
	b.d.Summary.Impact = impact
}

func (o CancelJob) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.confirm(safetext.F("Cancelling stops the job; results it has not written yet are lost."))
	b.d.Summary.Impact = safetext.F("stops %s; results it has not written yet are lost", safetext.ID(o.TargetID))
}

// brief describes a policy in one line for a summary.
func (s PolicySnapshot) brief() safetext.Text {
	return safetext.F("min %d, max %d, %s", s.MinCapacity, s.MaxCapacity, count(len(s.Rules), safetext.Word("rule")))
}

// Text describes the policy with each rule, for the summary of a removal.
func (s PolicySnapshot) Text() safetext.Text {
	rules := make([]safetext.Text, len(s.Rules))
	for i, r := range s.Rules {
		rules[i] = safetext.F("%d. %s %s %s by %d", i+1, r.Name, safetext.ID(r.TriggerType), safetext.ID(r.ActivityType), r.Adjustment)
		if r.HasCoolDown {
			rules[i] = safetext.F("%s (cooldown %ds)", rules[i], r.CoolDownSeconds)
		}
	}
	if len(rules) == 0 {
		return safetext.F("min %d, max %d, no rules", s.MinCapacity, s.MaxCapacity)
	}
	return safetext.F("min %d, max %d, rules: %s", s.MinCapacity, s.MaxCapacity, safetext.Join(rules, "; "))
}

// String renders Text.
func (s PolicySnapshot) String() string { return s.Text().String() }

// count writes n with the noun, in the plural unless n is 1.
func count(n int, noun safetext.Text) safetext.Text {
	if n == 1 {
		return safetext.F("1 %s", noun)
	}
	return safetext.F("%d %ss", n, noun)
}

// ownBuckets merges the configured bucket lists, dropping the scheme and
// slashes people write around bucket names.
func ownBuckets(lists ...[]string) []string {
	var out []string
	for _, list := range lists {
		for _, b := range list {
			if _, rest, ok := strings.Cut(b, "://"); ok {
				b = rest
			}
			b = strings.Trim(b, "/")
			if b != "" && !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// intersect returns the elements of a that are in b, in a's order.
func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// minus returns the elements of a that are not in b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// duplicates returns the elements listed more than once.
func duplicates(ids []string) []string {
	seen := map[string]int{}
	var out []string
	for _, id := range ids {
		seen[id]++
		if seen[id] == 2 {
			out = append(out, id)
		}
	}
	return out
}
