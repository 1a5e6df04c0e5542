package policy

import (
	"errors"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/validate"
)

// The named limits, as spelled in a policy file and in Decision.Limit.
const (
	LimitDecreaseMaxPerCall             = "decreaseMaxPerCall"
	LimitDecreaseMinInterval            = "decreaseMinInterval"
	LimitIncreaseMaxPerCall             = "increaseMaxPerCall"
	LimitIncreaseConfirmAbove           = "increaseConfirmAbove"
	LimitClusterNodesCostAckAbove       = "clusterNodesCostAckAbove"
	LimitNodeGroupCreateConfirmAbove    = "nodeGroupCreateConfirmAbove"
	LimitNodeGroupMaxAtCreate           = "nodeGroupMaxAtCreate"
	LimitAutoScalingMaxCapacity         = "autoScalingMaxCapacity"
	LimitScaleOutMinCooldown            = "scaleOutMinCooldown"
	LimitSubscriptionCostAckAboveMonths = "subscriptionCostAckAboveMonths"
	LimitSparkQueueMaxCUPerCall         = "sparkQueueMaxCUPerCall"
	LimitSparkQueueMaxCUTotal           = "sparkQueueMaxCUTotal"
)

// The fixed rules, as reported in Decision.Limit. Unlike limits, no policy
// file changes them.
const (
	// RuleActor: the actor kind is unknown.
	RuleActor = "actor"
	// RuleOperation: the operation is unknown or missing.
	RuleOperation = "operation"
	// RuleClusterDeletion: clusters are not deleted through emrctl.
	RuleClusterDeletion = "clusterDeletion"
	// RuleDeletionProtection: a protection flag is on, or turning it off
	// was combined with other changes.
	RuleDeletionProtection = "deletionProtection"
	// RuleTaskOnlyScaleIn: DecreaseNodes supports TASK node groups only.
	RuleTaskOnlyScaleIn = "taskOnlyScaleIn"
	// RuleMasterNotScalable: MASTER node groups cannot be scaled.
	RuleMasterNotScalable = "masterNotScalable"
	// RuleSubscriptionScaleIn: subscription nodes are released in the ECS
	// console, not through the API.
	RuleSubscriptionScaleIn = "subscriptionScaleIn"
	// RuleVerifiedNodes: every node to release must be one ListNodes found
	// in the node group.
	RuleVerifiedNodes = "verifiedNodeIDs"
	// RuleDuplicateNodes: a node ID is listed twice.
	RuleDuplicateNodes = "duplicateNodeIDs"
	// RuleNodeCount: a node count is out of range.
	RuleNodeCount = "nodeCount"
	// RuleScaleToZero: emptying a node group needs an acknowledgement.
	RuleScaleToZero = "scaleToZero"
	// RuleCapacityRange: auto-scaling MinCapacity and MaxCapacity disagree.
	RuleCapacityRange = "capacityRange"
	// RuleMaxRules: too many auto-scaling rules.
	RuleMaxRules = "maxScalingRules"
	// RuleAutoScalingTaskOnly: auto scaling is for TASK node groups only.
	RuleAutoScalingTaskOnly = "autoScalingTaskOnly"
	// RuleNoPolicy: there is no auto-scaling policy to remove.
	RuleNoPolicy = "noPolicy"
	// RuleCommandJobs: arbitrary command jobs are for people at a terminal.
	RuleCommandJobs = "commandJobs"
	// RuleOwnBuckets: agents and services run only code from own buckets.
	RuleOwnBuckets = "ownBuckets"
	// RuleJobKind: the job kind is unknown.
	RuleJobKind = "jobKind"
	// RuleUntrustedActor: what agents and services may never do (turn
	// protection off, release nodes chosen by count).
	RuleUntrustedActor = "untrustedActor"
)

// MaxScalingRules is how many rules one auto-scaling policy may hold.
const MaxScalingRules = 100

// Limits are the numeric guardrails. DefaultLimits returns the values of
// the EMR skills' safety constraints.
type Limits struct {
	// DecreaseMaxPerCall: most nodes one DecreaseNodes call (one batch)
	// releases. Default 10.
	DecreaseMaxPerCall int
	// DecreaseMinInterval: least time between scale-in batches. Default 120s.
	DecreaseMinInterval time.Duration
	// IncreaseMaxPerCall: most nodes one IncreaseNodes call adds. Default 50.
	IncreaseMaxPerCall int
	// IncreaseConfirmAbove: IncreaseNodes above this count needs a
	// confirmation. Default 20.
	IncreaseConfirmAbove int
	// ClusterNodesCostAckAbove: growing a cluster beyond this many nodes
	// needs a cost acknowledgement. Default 100.
	ClusterNodesCostAckAbove int
	// NodeGroupCreateConfirmAbove: CreateNodeGroup above this count needs a
	// confirmation. Default 30.
	NodeGroupCreateConfirmAbove int
	// NodeGroupMaxAtCreate: most nodes a node group may have when it is
	// created, with a new cluster or on its own. Default 50.
	NodeGroupMaxAtCreate int
	// AutoScalingMaxCapacity: largest MaxCapacity of an auto-scaling
	// policy. Default 100.
	AutoScalingMaxCapacity int
	// ScaleOutMinCooldown: least cooldown of a load-based scale-out rule.
	// Default 120s.
	ScaleOutMinCooldown time.Duration
	// SubscriptionCostAckAboveMonths: subscriptions longer than this many
	// months need a cost acknowledgement. Default 12.
	SubscriptionCostAckAboveMonths int
	// SparkQueueMaxCUPerCall: growing a Serverless Spark queue by more CU
	// than this in one change needs a cost acknowledgement. Default 50,
	// the reference's development queue.
	SparkQueueMaxCUPerCall int
	// SparkQueueMaxCUTotal: a workspace whose queues hold more CU than this
	// together (after a queue grows, or as the limit of a new or raised
	// workspace) needs a cost acknowledgement. Default 200, the
	// reference's small production queue.
	SparkQueueMaxCUTotal int
}

// DefaultLimits returns the limits of the EMR skills' safety constraints.
func DefaultLimits() Limits {
	return Limits{
		DecreaseMaxPerCall:             10,
		DecreaseMinInterval:            120 * time.Second,
		IncreaseMaxPerCall:             50,
		IncreaseConfirmAbove:           20,
		ClusterNodesCostAckAbove:       100,
		NodeGroupCreateConfirmAbove:    30,
		NodeGroupMaxAtCreate:           50,
		AutoScalingMaxCapacity:         100,
		ScaleOutMinCooldown:            120 * time.Second,
		SubscriptionCostAckAboveMonths: 12,
		SparkQueueMaxCUPerCall:         50,
		SparkQueueMaxCUTotal:           200,
	}
}

// Policy is the guardrail configuration: the limits and the settings a
// policy file may change. Build one with Default or Parse.
type Policy struct {
	// Limits apply to every actor; loosened values only to people and
	// scripts, and only with AllowLoosening (see LimitsFor).
	Limits Limits
	// AllowLoosening lets Limits go beyond the defaults for people and
	// scripts. Every loosened limit is listed by Loosened for the audit log.
	AllowLoosening bool
	// AllowClusterDeletion lets a person at a terminal delete a cluster,
	// after typing its name back. Scripts, agents and services never can.
	AllowClusterDeletion bool
	// OwnBuckets are the user's own buckets: agents and services may run
	// job code only from these.
	OwnBuckets []string
}

// Default returns the policy emrctl uses without a policy file.
func Default() *Policy {
	return &Policy{Limits: DefaultLimits()}
}

// Loosening is one limit set beyond its default.
type Loosening struct {
	// Key is the limit's name in the policy file.
	Key string
	// Default and Value are the default and the configured value, as
	// written in a policy file ("100", "120s").
	Default, Value string
}

// Loosened lists the limits set beyond their defaults, for the audit log.
// Without AllowLoosening nothing is loosened, whatever Limits holds.
func (p *Policy) Loosened() []Loosening {
	if p == nil || !p.AllowLoosening {
		return nil
	}
	def := DefaultLimits()
	var out []Loosening
	for _, s := range limitSpecs() {
		v, d := s.get(&p.Limits), s.get(&def)
		if s.looser(v, d) {
			out = append(out, Loosening{Key: s.key, Default: s.format(d), Value: s.format(v)})
		}
	}
	return out
}

// LimitsFor returns the limits that apply to actor a. People and scripts
// get the configured limits when AllowLoosening is set; everyone else, and
// everyone when it is not, gets for each limit the tighter of the default
// and the configured value.
func (p *Policy) LimitsFor(a Actor) Limits {
	def := DefaultLimits()
	if p == nil {
		return def
	}
	out := p.Limits
	if p.AllowLoosening && a.Kind.trusted() {
		return out
	}
	for _, s := range limitSpecs() {
		s.set(&out, s.tighter(s.get(&out), s.get(&def)))
	}
	return out
}

// Validate checks that every limit is in its valid range, that no limit is
// loosened without AllowLoosening, and that own buckets are bucket names.
// Parse runs it; call it on a Policy built in code.
func (p *Policy) Validate() error {
	return errors.Join(p.validate(nil)...)
}

// validate returns every problem; lines maps limit keys to their line in
// the policy file, when there is one.
func (p *Policy) validate(lines map[string]int) []error {
	var errs []error
	def := DefaultLimits()
	for _, s := range limitSpecs() {
		v := s.get(&p.Limits)
		key := "limits." + s.key
		if v < s.lo || v > s.hi {
			errs = append(errs, &ValueError{Key: key, Line: lines[s.key], Value: s.format(v),
				Reason: fmt.Sprintf("must be between %s and %s", s.format(s.lo), s.format(s.hi))})
			continue
		}
		if !p.AllowLoosening && s.looser(v, s.get(&def)) {
			errs = append(errs, &LooseningError{Key: key, Line: lines[s.key], Default: s.format(s.get(&def)), Value: s.format(v)})
		}
	}
	for i, b := range p.OwnBuckets {
		if e := validateBucket(b); e != "" {
			errs = append(errs, &ValueError{Key: fmt.Sprintf("ownBuckets[%d]", i), Line: lines["ownBuckets"], Value: validate.Render(b), Reason: e})
		}
	}
	return errs
}

// limitSpec describes one limit: its key, where it lives in Limits, which
// way is tighter and its valid range. Durations are handled in
// nanoseconds.
type limitSpec struct {
	key   string
	count func(*Limits) *int
	dur   func(*Limits) *time.Duration
	// floor is set for minimums (intervals, cooldowns): larger is tighter.
	floor  bool
	lo, hi int64
}

// limitSpecs returns every limit, in policy-file order.
func limitSpecs() []limitSpec {
	sec := int64(time.Second)
	return []limitSpec{
		{key: LimitDecreaseMaxPerCall, count: func(l *Limits) *int { return &l.DecreaseMaxPerCall }, lo: 1, hi: 1000},
		{key: LimitDecreaseMinInterval, dur: func(l *Limits) *time.Duration { return &l.DecreaseMinInterval }, floor: true, lo: sec, hi: 24 * 3600 * sec},
		{key: LimitIncreaseMaxPerCall, count: func(l *Limits) *int { return &l.IncreaseMaxPerCall }, lo: 1, hi: 10000},
		{key: LimitIncreaseConfirmAbove, count: func(l *Limits) *int { return &l.IncreaseConfirmAbove }, lo: 0, hi: 10000},
		{key: LimitClusterNodesCostAckAbove, count: func(l *Limits) *int { return &l.ClusterNodesCostAckAbove }, lo: 0, hi: 100000},
		{key: LimitNodeGroupCreateConfirmAbove, count: func(l *Limits) *int { return &l.NodeGroupCreateConfirmAbove }, lo: 0, hi: 10000},
		{key: LimitNodeGroupMaxAtCreate, count: func(l *Limits) *int { return &l.NodeGroupMaxAtCreate }, lo: 1, hi: 10000},
		{key: LimitAutoScalingMaxCapacity, count: func(l *Limits) *int { return &l.AutoScalingMaxCapacity }, lo: 1, hi: 100000},
		{key: LimitScaleOutMinCooldown, dur: func(l *Limits) *time.Duration { return &l.ScaleOutMinCooldown }, floor: true, lo: sec, hi: 10800 * sec},
		{key: LimitSubscriptionCostAckAboveMonths, count: func(l *Limits) *int { return &l.SubscriptionCostAckAboveMonths }, lo: 0, hi: 120},
		{key: LimitSparkQueueMaxCUPerCall, count: func(l *Limits) *int { return &l.SparkQueueMaxCUPerCall }, lo: 0, hi: 100000},
		{key: LimitSparkQueueMaxCUTotal, count: func(l *Limits) *int { return &l.SparkQueueMaxCUTotal }, lo: 0, hi: 1000000},
	}
}

func (s limitSpec) get(l *Limits) int64 {
	if s.dur != nil {
		return int64(*s.dur(l))
	}
	return int64(*s.count(l))
}

func (s limitSpec) set(l *Limits, v int64) {
	if s.dur != nil {
		*s.dur(l) = time.Duration(v)
		return
	}
	*s.count(l) = int(v)
}

// format writes v as a policy file would: a count, or a duration like "2m0s".
func (s limitSpec) format(v int64) string {
	if s.dur != nil {
		return time.Duration(v).String()
	}
	return fmt.Sprint(v)
}

// looser reports whether v is looser than the default d.
func (s limitSpec) looser(v, d int64) bool {
	if s.floor {
		return v < d
	}
	return v > d
}

// tighter returns the tighter of a and b.
func (s limitSpec) tighter(a, b int64) int64 {
	if s.looser(a, b) {
		return b
	}
	return a
}
