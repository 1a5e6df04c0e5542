package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

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
	switch {
	case provider == ProviderAWS && serverless:
		return awsServerlessDeletionRefusal
	case provider == ProviderAWS:
		return awsDeletionRefusal
	}
	return aliyunDeletionRefusal
}

// esc makes untrusted text safe to show: invisible and control characters
// become escapes.
func esc(s string) string { return validate.Escape(s) }

// escLines is esc for multi-line text the engine prepared (a diff, a
// spark-submit command): lines stay lines, everything else is escaped.
func escLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = esc(l)
	}
	return strings.Join(lines, "\n")
}

func escList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = esc(id)
	}
	return strings.Join(out, ", ")
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
	groups := make([]string, 0, len(o.Groups))
	for i, g := range o.Groups {
		switch {
		case g.Count < 0:
			b.deny(RuleNodeCount, fmt.Sprintf("Node group %d (%s) has a negative node count, %d.", i+1, esc(g.Role), g.Count))
		case g.Count > l.NodeGroupMaxAtCreate:
			b.deny(LimitNodeGroupMaxAtCreate, fmt.Sprintf(
				"Node group %d (%s) has %d nodes, but a node group may have at most %d when it is created (%s), to keep cost under control. "+
					"Create it smaller and add nodes later in confirmed batches.",
				i+1, esc(g.Role), g.Count, l.NodeGroupMaxAtCreate, LimitNodeGroupMaxAtCreate))
		}
		total += g.Count
		group := fmt.Sprintf("%s %s x%d", esc(g.Role), esc(g.Name), g.Count)
		if g.Spot {
			group += " (spot)"
		}
		groups = append(groups, group)
		if g.Spot && isRole(g.Role, RoleCore) {
			b.confirm(fmt.Sprintf("Node group %d (%s) puts CORE nodes on spot instances: CORE nodes hold HDFS data, "+
				"and the cloud may reclaim spot instances at any time, losing the data they hold. Use spot on TASK groups, or confirm.", i+1, esc(g.Name)))
		}
	}
	if o.SubscriptionMonths > l.SubscriptionCostAckAboveMonths {
		b.costAck(fmt.Sprintf("The subscription runs %d months, more than %d (%s), and is paid for the whole term.",
			o.SubscriptionMonths, l.SubscriptionCostAckAboveMonths, LimitSubscriptionCostAckAboveMonths))
	}
	if total > l.ClusterNodesCostAckAbove {
		b.costAck(fmt.Sprintf("The cluster has %d nodes, more than %d (%s).", total, l.ClusterNodesCostAckAbove, LimitClusterNodesCostAckAbove))
	}
	b.confirm("Each cluster is created only after its own confirmation of the full configuration.")
	billing := ""
	if o.PaymentType != "" {
		billing = " billed " + esc(o.PaymentType)
	}
	if o.SubscriptionMonths > 0 {
		billing = fmt.Sprintf("%s for %d months", billing, o.SubscriptionMonths)
	}
	b.d.Summary.Impact = fmt.Sprintf("creates a cluster%s with %s and %s in total: %s",
		billing, count(len(o.Groups), "node group"), count(total, "node"), strings.Join(groups, ", "))
}

// agentCost is the confirmation every cost-relevant write of an agent
// gets: the human decides about money, not the model, however small the
// step (splitting a scale-out into steps under a limit changes nothing).
func agentCost(b *builder, a Actor) {
	if a.Kind.Untrusted() {
		b.confirm("An agent's write that adds cost needs the person's confirmation, whatever its size.")
	}
}

func (o CreateNodeGroup) decide(b *builder, a Actor, _ *Policy, l Limits) {
	agentCost(b, a)
	switch {
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, "A MASTER node group is created with its cluster and cannot be added later.")
	case o.Count < 0:
		b.deny(RuleNodeCount, fmt.Sprintf("The node count must not be negative; got %d.", o.Count))
	case o.Count > l.NodeGroupMaxAtCreate:
		b.deny(LimitNodeGroupMaxAtCreate, fmt.Sprintf(
			"A new node group may have at most %d nodes (%s); %d were requested, which risks uncontrolled cost. "+
				"Create it smaller and add nodes later in confirmed batches.",
			l.NodeGroupMaxAtCreate, LimitNodeGroupMaxAtCreate, o.Count))
	}
	if o.Count > l.NodeGroupCreateConfirmAbove {
		b.confirm(fmt.Sprintf("A new node group with more than %d nodes (%s) needs a confirmation; it has %d.",
			l.NodeGroupCreateConfirmAbove, LimitNodeGroupCreateConfirmAbove, o.Count))
	}
	after := o.ClusterNodes + o.Count
	if after > l.ClusterNodesCostAckAbove {
		b.costAck(fmt.Sprintf("The cluster grows from %d to %d nodes, more than %d (%s).",
			o.ClusterNodes, after, l.ClusterNodesCostAckAbove, LimitClusterNodesCostAckAbove))
	}
	billing := ""
	if o.PaymentType != "" {
		billing = " billed " + esc(o.PaymentType)
	}
	b.d.Summary.Impact = fmt.Sprintf("adds %s node group %s with %s%s; the cluster grows from %d to %d nodes",
		esc(o.Role), esc(o.Name), count(o.Count, "node"), billing, o.ClusterNodes, after)
}

func (o IncreaseNodes) decide(b *builder, a Actor, _ *Policy, l Limits) {
	agentCost(b, a)
	switch {
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, "MASTER nodes cannot be scaled.")
	case o.Count < 1:
		b.deny(RuleNodeCount, fmt.Sprintf("IncreaseNodes adds at least 1 node; got %d.", o.Count))
	case o.Count > l.IncreaseMaxPerCall:
		b.deny(LimitIncreaseMaxPerCall, fmt.Sprintf(
			"IncreaseNodes adds at most %d nodes per call (%s); %d were requested. "+
				"Expand in batches of at most %d nodes, confirming each batch.",
			l.IncreaseMaxPerCall, LimitIncreaseMaxPerCall, o.Count, l.IncreaseMaxPerCall))
	}
	if o.MinCount < 0 || o.MinCount > o.Count {
		b.deny(RuleNodeCount, fmt.Sprintf("The minimum count must be between 0 and the count %d; got %d.", o.Count, o.MinCount))
	}
	after := o.ClusterNodes + o.Count
	if after > l.ClusterNodesCostAckAbove {
		b.costAck(fmt.Sprintf("The cluster grows from %d to %d nodes, more than %d (%s).",
			o.ClusterNodes, after, l.ClusterNodesCostAckAbove, LimitClusterNodesCostAckAbove))
	}
	if o.SubscriptionMonths > l.SubscriptionCostAckAboveMonths {
		b.costAck(fmt.Sprintf("The new nodes are subscribed for %d months, more than %d (%s).",
			o.SubscriptionMonths, l.SubscriptionCostAckAboveMonths, LimitSubscriptionCostAckAboveMonths))
	}
	if o.Count > l.IncreaseConfirmAbove {
		b.confirm(fmt.Sprintf("Adding more than %d nodes at once (%s) needs a confirmation; %d were requested.",
			l.IncreaseConfirmAbove, LimitIncreaseConfirmAbove, o.Count))
	}
	impact := fmt.Sprintf("adds %s to %s: the node group grows from %d to %d nodes, the cluster from %d to %d",
		count(o.Count, esc(o.Role)+" node"), esc(o.NodeGroupID), o.GroupNodes, o.GroupNodes+o.Count, o.ClusterNodes, after)
	if o.MinCount > 0 {
		impact += fmt.Sprintf(" (at least %d must start)", o.MinCount)
	}
	if isRole(o.Role, RoleCore) {
		impact += "; HDFS then rebalances data, raising IO load for a while"
	}
	b.d.Summary.Impact = impact
}

func (o DecreaseNodes) decide(b *builder, a Actor, _ *Policy, l Limits) {
	switch {
	case isRole(o.Role, RoleTask):
	case isRole(o.Role, RoleCore):
		b.deny(RuleTaskOnlyScaleIn, "DecreaseNodes does not support CORE node groups: CORE nodes hold HDFS data. "+
			"emrctl scales in TASK node groups only; reduce CORE nodes in the cloud's console or with technical support.")
	case isRole(o.Role, RoleMaster):
		b.deny(RuleMasterNotScalable, "MASTER nodes cannot be scaled.")
	default:
		b.deny(RuleTaskOnlyScaleIn, fmt.Sprintf("DecreaseNodes supports TASK node groups only; this node group's role is %q.", esc(o.Role)))
	}
	if o.GroupPaymentType == PaymentSubscription {
		b.deny(RuleSubscriptionScaleIn, "The node group is billed by subscription. Releasing subscription nodes requires the ECS console "+
			"(unsubscribe there, or let them expire without renewal); the API cannot release them.")
	} else if subs := intersect(o.NodeIDs, o.SubscriptionNodeIDs); len(subs) > 0 {
		b.deny(RuleSubscriptionScaleIn, fmt.Sprintf("Nodes %s are subscription nodes. Releasing them requires the ECS console; the API cannot release them.", escList(subs)))
	}
	n := len(o.NodeIDs)
	if n == 0 {
		b.deny(RuleNodeCount, "No nodes to release: scale-in needs the exact node IDs, verified with ListNodes.")
	}
	if dups := duplicates(o.NodeIDs); len(dups) > 0 {
		b.deny(RuleDuplicateNodes, fmt.Sprintf("Nodes %s are listed more than once.", escList(dups)))
	}
	if missing := minus(o.NodeIDs, o.VerifiedNodeIDs); len(missing) > 0 {
		b.deny(RuleVerifiedNodes, fmt.Sprintf("Nodes %s were not found by ListNodes in node group %s. "+
			"Only nodes verified in the group are released: list the nodes again and choose among them.", escList(missing), esc(o.NodeGroupID)))
	}
	batches := 0
	if o.BatchSize < 1 || o.BatchSize > l.DecreaseMaxPerCall {
		b.deny(LimitDecreaseMaxPerCall, fmt.Sprintf("The batch size must be between 1 and %d (%s): at most %d nodes are released per call; got %d.",
			l.DecreaseMaxPerCall, LimitDecreaseMaxPerCall, l.DecreaseMaxPerCall, o.BatchSize))
	} else {
		batches = (n + o.BatchSize - 1) / o.BatchSize
		if batches > 1 && o.BatchInterval < l.DecreaseMinInterval {
			b.deny(LimitDecreaseMinInterval, fmt.Sprintf("Releasing %d nodes takes %d batches, which must be at least %s apart (%s); the interval is %s.",
				n, batches, l.DecreaseMinInterval, LimitDecreaseMinInterval, o.BatchInterval))
		}
	}
	if n > 0 && n >= o.GroupNodes {
		b.d.RequireZeroAck = true
		if o.AckZero {
			b.confirm("This releases every node of the node group: its compute capacity goes to zero.")
		} else {
			b.deny(RuleScaleToZero, fmt.Sprintf("This releases every node of node group %s (%d of %d), so its compute capacity goes to zero. "+
				"Acknowledge that explicitly to go on.", esc(o.NodeGroupID), n, o.GroupNodes))
		}
	}
	b.confirm("Released nodes cannot be brought back.")

	if o.ByCount && a.Kind.Untrusted() {
		b.deny(RuleUntrustedActor, "Agents and services release nodes by their exact IDs only (taken from list_nodes), never by a count that emrctl would pick.")
	}
	impact := fmt.Sprintf("releases %s of %s (running now: %d, afterwards: %d): %s",
		count(n, esc(o.Role)+" node"), esc(o.NodeGroupID), o.GroupNodes, max(o.GroupNodes-n, 0), escList(o.NodeIDs))
	if o.ByCount {
		impact += "; the nodes were chosen by count among those ListNodes found"
	}
	switch {
	case batches == 1:
		impact += "; in 1 call"
	case batches > 1:
		impact += fmt.Sprintf("; in %d batches of at most %d nodes, %s apart", batches, o.BatchSize, o.BatchInterval)
	}
	b.d.Summary.Impact = impact
}

func (o PutAutoScalingPolicy) decide(b *builder, _ Actor, _ *Policy, l Limits) {
	if !isRole(o.Role, RoleTask) {
		b.deny(RuleAutoScalingTaskOnly, fmt.Sprintf("Auto scaling is configured on TASK node groups only; this node group's role is %q.", esc(o.Role)))
	}
	if o.MinCapacity < 0 {
		b.deny(RuleCapacityRange, fmt.Sprintf("MinCapacity must not be negative; got %d.", o.MinCapacity))
	}
	if o.MinCapacity > o.MaxCapacity {
		b.deny(RuleCapacityRange, fmt.Sprintf("MinCapacity %d is above MaxCapacity %d.", o.MinCapacity, o.MaxCapacity))
	}
	if o.MaxCapacity > l.AutoScalingMaxCapacity {
		b.deny(LimitAutoScalingMaxCapacity, fmt.Sprintf(
			"MaxCapacity %d is above %d (%s): automatic scale-out that far risks an uncontrolled cost explosion. Use a MaxCapacity of at most %d.",
			o.MaxCapacity, l.AutoScalingMaxCapacity, LimitAutoScalingMaxCapacity, l.AutoScalingMaxCapacity))
	}
	if len(o.Rules) > MaxScalingRules {
		b.deny(RuleMaxRules, fmt.Sprintf("A policy holds at most %d rules; got %d.", MaxScalingRules, len(o.Rules)))
	}
	for i, r := range o.Rules {
		if !strings.EqualFold(r.ActivityType, ScaleOut) || !strings.EqualFold(r.TriggerType, TriggerMetrics) {
			continue
		}
		cooldown := time.Duration(r.CoolDownSeconds) * time.Second
		switch {
		case !r.HasCoolDown:
			b.deny(LimitScaleOutMinCooldown, fmt.Sprintf("Rule %d is a load-based scale-out rule without a cooldown; it needs at least %s (%s) to prevent runaway scaling loops.",
				i+1, l.ScaleOutMinCooldown, LimitScaleOutMinCooldown))
		case cooldown < l.ScaleOutMinCooldown:
			b.deny(LimitScaleOutMinCooldown, fmt.Sprintf("Rule %d is a load-based scale-out rule with a cooldown of %s; it needs at least %s (%s) to prevent runaway scaling loops.",
				i+1, cooldown, l.ScaleOutMinCooldown, LimitScaleOutMinCooldown))
		}
	}
	b.confirm("PutAutoScalingPolicy replaces the node group's whole auto-scaling policy.")
	next := PolicySnapshot{MinCapacity: o.MinCapacity, MaxCapacity: o.MaxCapacity, Rules: o.Rules}
	var impact string
	if o.Current == nil {
		impact = fmt.Sprintf("sets the first auto-scaling policy of %s: %s", esc(o.NodeGroupID), next.brief())
	} else {
		impact = fmt.Sprintf("replaces the whole auto-scaling policy of %s: now %s; afterwards %s", esc(o.NodeGroupID), o.Current.brief(), next.brief())
	}
	if o.Diff != "" {
		impact += "; changes:\n" + escLines(o.Diff)
	}
	b.d.Summary.Impact = impact
}

func (o RemoveAutoScalingPolicy) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	if o.Current == nil {
		b.deny(RuleNoPolicy, fmt.Sprintf("Node group %s has no auto-scaling policy, so there is no policy to remove.", esc(o.NodeGroupID)))
		b.d.Summary.Impact = "none: there is no policy"
		return
	}
	b.confirm("After removal the node group no longer scales automatically.")
	b.d.Summary.Impact = fmt.Sprintf("%s no longer scales automatically; the current policy is %s", esc(o.NodeGroupID), o.Current)
}

func (o UpdateClusterAttribute) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	disabling := o.DeletionProtection != nil && !*o.DeletionProtection && o.CurrentProtection
	if disabling && a.Kind.Untrusted() {
		b.deny(RuleUntrustedActor, "Turning off deletion protection is a person's standalone decision at the CLI ('emrctl cluster protect "+
			esc(o.ClusterID)+" --off'); agents and services cannot do it, whatever they are told.")
	}
	var changes []string
	if o.Rename {
		changes = append(changes, "renames the cluster")
	}
	if o.Redescribe {
		changes = append(changes, "changes its description")
	}
	if o.DeletionProtection != nil && *o.DeletionProtection && !o.CurrentProtection {
		changes = append(changes, "turns deletion protection on")
	}
	switch {
	case disabling && (o.Rename || o.Redescribe):
		b.deny(RuleDeletionProtection, "Turning off deletion protection must be its own command, confirmed on its own; "+
			"it cannot be combined with a rename or a description change. Make the other changes separately.")
	case disabling:
		b.confirm("Turning off deletion protection lets the cluster be released; it is done only as a standalone, confirmed action.")
	}
	if disabling {
		changes = append(changes, "turns deletion protection off, so the cluster can be released")
	}
	if len(changes) == 0 {
		changes = append(changes, "changes nothing")
	}
	b.d.Summary.Impact = strings.Join(changes, ", ")
}

func (o UpdateAutoRenew) decide(b *builder, _ Actor, _ *Policy, l Limits) {
	scope := "the cluster"
	if o.RenewAllInstances {
		scope = "the cluster and all its subscription nodes"
	}
	if !o.Enable {
		b.confirm("Without auto-renewal, subscription resources expire at the end of their term and are then released.")
		b.d.Summary.Impact = fmt.Sprintf("turns auto-renewal off for %s: they expire at the end of their term unless renewed by hand", scope)
		return
	}
	b.confirm("Auto-renewal commits money at every renewal.")
	if o.Months > l.SubscriptionCostAckAboveMonths {
		b.costAck(fmt.Sprintf("Each renewal runs %d months, more than %d (%s), and is paid in advance.",
			o.Months, l.SubscriptionCostAckAboveMonths, LimitSubscriptionCostAckAboveMonths))
	}
	b.d.Summary.Impact = fmt.Sprintf("turns auto-renewal on for %s, %d months at a time, charged at each renewal", scope, o.Months)
}

func (o DeleteCluster) decide(b *builder, a Actor, p *Policy, _ Limits) {
	what := "cluster"
	if o.Serverless {
		what = "application"
	}
	b.d.Summary.Impact = fmt.Sprintf("releases %s %s with everything in it; this cannot be undone", what, esc(o.ClusterID))
	if !p.AllowClusterDeletion || a.Kind != Human {
		b.deny(RuleClusterDeletion, DeletionRefusal(o.Provider, o.Serverless))
		if p.AllowClusterDeletion && a.Kind == Script {
			b.deny(RuleClusterDeletion, "allowClusterDeletion applies only to a person at an interactive terminal, who types the name back; scripts never delete clusters.")
		}
		return
	}
	if o.DeletionProtection {
		b.deny(RuleDeletionProtection, fmt.Sprintf("Deletion protection is on for %s. Turn it off first, as its own confirmed command, then delete.", esc(o.ClusterID)))
	}
	if o.TerminationProtection {
		b.deny(RuleDeletionProtection, fmt.Sprintf("Termination protection is on for %s. Turn it off first, as its own confirmed command, then terminate.", esc(o.ClusterID)))
	}
	if b.d.Verdict == Deny {
		return
	}
	b.d.RequireTypedName = o.ClusterName
	if b.d.RequireTypedName == "" {
		b.d.RequireTypedName = o.ClusterID
	}
	b.confirm(fmt.Sprintf("Deleting releases the %s and everything in it for good; type its name to confirm.", what))
}

func (o SubmitJob) decide(b *builder, a Actor, p *Policy, _ Limits) {
	kind := strings.ToLower(o.Kind)
	switch kind {
	case JobSpark, JobPySpark, JobHive, JobSQL, JobJar:
	case JobCommand:
		if a.Kind != Human {
			b.deny(RuleCommandJobs, "Arbitrary commands are for people at a terminal; scripts, agents and services may submit Spark, PySpark, Hive, SQL and JAR jobs only.")
		}
	default:
		b.deny(RuleJobKind, fmt.Sprintf("The job kind %q is unknown; use spark, pyspark, hive, sql, jar or command.", esc(o.Kind)))
	}
	if a.Kind.Untrusted() {
		own := ownBuckets(p.OwnBuckets, o.OwnBuckets)
		scheme := "oss"
		if o.Provider == ProviderAWS {
			scheme = "s3"
		}
		switch {
		case len(o.CodeURIs) > 0 && len(own) == 0:
			b.deny(RuleOwnBuckets, "Agents and services run only code stored in your own buckets, and none are configured: configure ownBuckets.")
		case len(o.CodeURIs) > 0:
			var outside []string
			for _, uri := range o.CodeURIs {
				u, ok := validate.ParseObjectURI(uri)
				if !ok || u.Scheme != scheme || !slices.Contains(own, u.Bucket) {
					outside = append(outside, uri)
				}
			}
			if len(outside) > 0 {
				b.deny(RuleOwnBuckets, fmt.Sprintf("Agents and services run only code stored in your own buckets (%s); these are outside them: %s. "+
					"Copy the code into one of them, or add the bucket to ownBuckets.", escList(own), escList(outside)))
			}
		}
	}
	if a.Kind == Agent {
		// REST services submit jobs within their role's rights (CI
		// pipelines); an agent's job is confirmed by the person.
		b.confirm("A job an agent submits runs only after a person confirms the equivalent spark-submit command.")
	}
	impact := fmt.Sprintf("runs a %s job on %s", esc(kind), esc(o.TargetID))
	if len(o.CodeURIs) > 0 {
		impact += " with code from " + escList(o.CodeURIs)
	}
	if o.SparkSubmit != "" {
		impact += "; equivalent command:\n" + escLines(o.SparkSubmit)
	}
	b.d.Summary.Impact = impact
}

func (o CancelJob) decide(b *builder, _ Actor, _ *Policy, _ Limits) {
	b.confirm("Cancelling stops the job; results it has not written yet are lost.")
	b.d.Summary.Impact = fmt.Sprintf("stops %s; results it has not written yet are lost", esc(o.TargetID))
}

// brief describes a policy in one line for a summary.
func (s PolicySnapshot) brief() string {
	return fmt.Sprintf("min %d, max %d, %s", s.MinCapacity, s.MaxCapacity, count(len(s.Rules), "rule"))
}

// String describes the policy with each rule, for the summary of a removal.
func (s PolicySnapshot) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "min %d, max %d", s.MinCapacity, s.MaxCapacity)
	for i, r := range s.Rules {
		if i == 0 {
			b.WriteString(", rules:")
		}
		fmt.Fprintf(&b, " %d. %s %s %s by %d", i+1, esc(r.Name), esc(r.TriggerType), esc(r.ActivityType), r.Adjustment)
		if r.HasCoolDown {
			fmt.Fprintf(&b, " (cooldown %ds)", r.CoolDownSeconds)
		}
		if i < len(s.Rules)-1 {
			b.WriteString(";")
		}
	}
	if len(s.Rules) == 0 {
		b.WriteString(", no rules")
	}
	return b.String()
}

// count writes n with the word, in the plural unless n is 1.
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
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
