package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// actors returns one actor of every kind.
func actors() []Actor {
	return []Actor{
		{Kind: Human, Name: "alice"},
		{Kind: Script, Name: "ci"},
		{Kind: Agent, Name: "assistant", Client: "claude-code 1.0"},
		{Kind: Service, Name: "token-ops"},
	}
}

// variant is a policy file and the limits each class of actor must get
// from it, written out rather than computed by the code under test.
type variant struct {
	name  string
	file  string
	human Limits // human and script
	agent Limits // agent and service
}

func with(l Limits, change func(*Limits)) Limits {
	change(&l)
	return l
}

func variants() []variant {
	def := DefaultLimits()
	tight := Limits{
		DecreaseMaxPerCall: 5, DecreaseMinInterval: 300 * time.Second, IncreaseMaxPerCall: 20,
		IncreaseConfirmAbove: 10, ClusterNodesCostAckAbove: 50, NodeGroupCreateConfirmAbove: 10,
		NodeGroupMaxAtCreate: 20, AutoScalingMaxCapacity: 40, ScaleOutMinCooldown: 300 * time.Second,
		SubscriptionCostAckAboveMonths: 6, SparkQueueMaxCUPerCall: 20, SparkQueueMaxCUTotal: 100,
	}
	loose := Limits{
		DecreaseMaxPerCall: 20, DecreaseMinInterval: 60 * time.Second, IncreaseMaxPerCall: 80,
		IncreaseConfirmAbove: 40, ClusterNodesCostAckAbove: 200, NodeGroupCreateConfirmAbove: 40,
		NodeGroupMaxAtCreate: 80, AutoScalingMaxCapacity: 200, ScaleOutMinCooldown: 60 * time.Second,
		SubscriptionCostAckAboveMonths: 36, SparkQueueMaxCUPerCall: 100, SparkQueueMaxCUTotal: 2000,
	}
	return []variant{
		{name: "default", file: "", human: def, agent: def},
		{
			name: "tightened",
			file: `limits:
  decreaseMaxPerCall: 5
  decreaseMinInterval: 300s
  increaseMaxPerCall: 20
  increaseConfirmAbove: 10
  clusterNodesCostAckAbove: 50
  nodeGroupCreateConfirmAbove: 10
  nodeGroupMaxAtCreate: 20
  autoScalingMaxCapacity: 40
  scaleOutMinCooldown: 5m
  subscriptionCostAckAboveMonths: 6
  sparkQueueMaxCUPerCall: 20
  sparkQueueMaxCUTotal: 100
`,
			human: tight, agent: tight,
		},
		{
			name: "loosened",
			file: `allowLoosening: true
limits:
  decreaseMaxPerCall: 20
  decreaseMinInterval: 60
  increaseMaxPerCall: 80
  increaseConfirmAbove: 40
  clusterNodesCostAckAbove: 200
  nodeGroupCreateConfirmAbove: 40
  nodeGroupMaxAtCreate: 80
  autoScalingMaxCapacity: 200
  scaleOutMinCooldown: 1m
  subscriptionCostAckAboveMonths: 36
  sparkQueueMaxCUPerCall: 100
  sparkQueueMaxCUTotal: 2000
`,
			human: loose, agent: def,
		},
		{
			name: "mixed",
			file: `allowLoosening: true
limits:
  increaseMaxPerCall: 30
  autoScalingMaxCapacity: 200
  decreaseMinInterval: 60s
  scaleOutMinCooldown: 300s
  sparkQueueMaxCUPerCall: 10
  sparkQueueMaxCUTotal: 500
`,
			human: with(def, func(l *Limits) {
				l.IncreaseMaxPerCall, l.AutoScalingMaxCapacity = 30, 200
				l.DecreaseMinInterval, l.ScaleOutMinCooldown = 60*time.Second, 300*time.Second
				l.SparkQueueMaxCUPerCall, l.SparkQueueMaxCUTotal = 10, 500
			}),
			agent: with(def, func(l *Limits) {
				l.IncreaseMaxPerCall, l.ScaleOutMinCooldown = 30, 300*time.Second
				l.SparkQueueMaxCUPerCall = 10
			}),
		},
	}
}

// outcome is the part of a Decision the limits determine.
type outcome struct {
	Verdict      Verdict
	NeedsCostAck bool
	Limit        string
}

// probe exercises one limit: op builds an operation whose probed quantity
// is n; want is the specification of the outcome under limits l.
type probe struct {
	limit string
	value func(Limits) int // the limit in the probe's unit (nodes, seconds, months)
	min   int              // smallest n worth probing
	op    func(n int) Operation
	want  func(n int, l Limits) outcome
}

func nodeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-node%08d", i)
	}
	return ids
}

// increaseWant is the IncreaseNodes rule set of seed 000.
func increaseWant(count, clusterNodes int, l Limits) outcome {
	o := outcome{Verdict: Allow, NeedsCostAck: clusterNodes+count > l.ClusterNodesCostAckAbove}
	if o.NeedsCostAck || count > l.IncreaseConfirmAbove {
		o.Verdict = Confirm
	}
	if count > l.IncreaseMaxPerCall {
		o.Verdict, o.Limit = Deny, LimitIncreaseMaxPerCall
	}
	return o
}

// createGroupWant is the CreateNodeGroup rule set of seed 000.
func createGroupWant(count int, l Limits) outcome {
	o := outcome{Verdict: Allow, NeedsCostAck: count > l.ClusterNodesCostAckAbove}
	if o.NeedsCostAck || count > l.NodeGroupCreateConfirmAbove {
		o.Verdict = Confirm
	}
	if count > l.NodeGroupMaxAtCreate {
		o.Verdict, o.Limit = Deny, LimitNodeGroupMaxAtCreate
	}
	return o
}

func probes() []probe {
	decrease := func(batch int, interval time.Duration) Operation {
		return DecreaseNodes{
			ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: RoleTask, GroupPaymentType: PaymentPayAsYouGo,
			NodeIDs: nodeIDs(30), VerifiedNodeIDs: nodeIDs(100), GroupNodes: 100,
			BatchSize: batch, BatchInterval: interval,
		}
	}
	increase := func(count, clusterNodes int) Operation {
		return IncreaseNodes{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: RoleTask,
			Count: count, ClusterNodes: clusterNodes}
	}
	createGroup := func(n int) Operation {
		return CreateNodeGroup{ClusterID: "c-12345678", Name: "task-2", Role: RoleTask, PaymentType: PaymentPayAsYouGo, Count: n}
	}
	scaling := func(maxCap, cooldown int) Operation {
		return PutAutoScalingPolicy{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: RoleTask,
			MinCapacity: 0, MaxCapacity: maxCap,
			Rules: []Rule{{Name: "burst", TriggerType: TriggerMetrics, ActivityType: ScaleOut, Adjustment: 2,
				CoolDownSeconds: cooldown, HasCoolDown: true}}}
	}
	confirmUnless := func(deny bool, limit string) outcome {
		if deny {
			return outcome{Verdict: Deny, Limit: limit}
		}
		return outcome{Verdict: Confirm}
	}
	months := func(n int, l Limits, base Verdict) outcome {
		if n > l.SubscriptionCostAckAboveMonths {
			return outcome{Verdict: Confirm, NeedsCostAck: true}
		}
		return outcome{Verdict: base}
	}
	return []probe{
		{
			limit: LimitDecreaseMaxPerCall, value: func(l Limits) int { return l.DecreaseMaxPerCall }, min: 0,
			op: func(n int) Operation { return decrease(n, time.Hour) },
			want: func(n int, l Limits) outcome {
				return confirmUnless(n < 1 || n > l.DecreaseMaxPerCall, LimitDecreaseMaxPerCall)
			},
		},
		{
			limit: LimitDecreaseMinInterval, value: func(l Limits) int { return int(l.DecreaseMinInterval / time.Second) }, min: 0,
			op: func(n int) Operation { return decrease(5, time.Duration(n)*time.Second) },
			want: func(n int, l Limits) outcome {
				return confirmUnless(time.Duration(n)*time.Second < l.DecreaseMinInterval, LimitDecreaseMinInterval)
			},
		},
		{
			limit: LimitIncreaseMaxPerCall, value: func(l Limits) int { return l.IncreaseMaxPerCall }, min: 1,
			op:   func(n int) Operation { return increase(n, 0) },
			want: func(n int, l Limits) outcome { return increaseWant(n, 0, l) },
		},
		{
			limit: LimitIncreaseConfirmAbove, value: func(l Limits) int { return l.IncreaseConfirmAbove }, min: 1,
			op:   func(n int) Operation { return increase(n, 0) },
			want: func(n int, l Limits) outcome { return increaseWant(n, 0, l) },
		},
		{
			limit: LimitClusterNodesCostAckAbove, value: func(l Limits) int { return l.ClusterNodesCostAckAbove }, min: 1,
			op:   func(n int) Operation { return increase(1, n-1) },
			want: func(n int, l Limits) outcome { return increaseWant(1, n-1, l) },
		},
		{
			limit: LimitNodeGroupCreateConfirmAbove, value: func(l Limits) int { return l.NodeGroupCreateConfirmAbove }, min: 0,
			op: createGroup, want: func(n int, l Limits) outcome { return createGroupWant(n, l) },
		},
		{
			limit: LimitNodeGroupMaxAtCreate, value: func(l Limits) int { return l.NodeGroupMaxAtCreate }, min: 0,
			op: createGroup, want: func(n int, l Limits) outcome { return createGroupWant(n, l) },
		},
		{
			limit: LimitNodeGroupMaxAtCreate + "/CreateCluster", value: func(l Limits) int { return l.NodeGroupMaxAtCreate }, min: 0,
			op: func(n int) Operation {
				return CreateCluster{Region: "cn-hangzhou", ClusterName: "etl", PaymentType: PaymentPayAsYouGo,
					Groups: []GroupCount{{Name: "master", Role: RoleMaster, Count: 1}, {Name: "core", Role: RoleCore, Count: n}}}
			},
			want: func(n int, l Limits) outcome {
				o := outcome{Verdict: Confirm, NeedsCostAck: 1+n > l.ClusterNodesCostAckAbove}
				if n > l.NodeGroupMaxAtCreate {
					o.Verdict, o.Limit = Deny, LimitNodeGroupMaxAtCreate
				}
				return o
			},
		},
		{
			limit: LimitAutoScalingMaxCapacity, value: func(l Limits) int { return l.AutoScalingMaxCapacity }, min: 0,
			op: func(n int) Operation { return scaling(n, 3600) },
			want: func(n int, l Limits) outcome {
				return confirmUnless(n > l.AutoScalingMaxCapacity, LimitAutoScalingMaxCapacity)
			},
		},
		{
			limit: LimitScaleOutMinCooldown, value: func(l Limits) int { return int(l.ScaleOutMinCooldown / time.Second) }, min: 0,
			op: func(n int) Operation { return scaling(10, n) },
			want: func(n int, l Limits) outcome {
				return confirmUnless(time.Duration(n)*time.Second < l.ScaleOutMinCooldown, LimitScaleOutMinCooldown)
			},
		},
		{
			limit: LimitSubscriptionCostAckAboveMonths + "/CreateCluster", value: func(l Limits) int { return l.SubscriptionCostAckAboveMonths }, min: 1,
			op: func(n int) Operation {
				return CreateCluster{Region: "cn-hangzhou", ClusterName: "etl", PaymentType: PaymentSubscription,
					SubscriptionMonths: n, Groups: []GroupCount{{Name: "master", Role: RoleMaster, Count: 3}}}
			},
			want: func(n int, l Limits) outcome { return months(n, l, Confirm) },
		},
		{
			limit: LimitSubscriptionCostAckAboveMonths + "/IncreaseNodes", value: func(l Limits) int { return l.SubscriptionCostAckAboveMonths }, min: 1,
			op: func(n int) Operation {
				return IncreaseNodes{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: RoleCore, Count: 2, SubscriptionMonths: n}
			},
			want: func(n int, l Limits) outcome { return months(n, l, Allow) },
		},
		{
			// A queue of a workspace with room for it grows by n CU.
			limit: LimitSparkQueueMaxCUPerCall, value: func(l Limits) int { return l.SparkQueueMaxCUPerCall }, min: 1,
			op: func(n int) Operation {
				return EditSparkQueue{WorkspaceID: "w-12345678", Queue: "dev_queue", CurrentCU: 1, CU: 1 + n, WorkspaceCU: 100000}
			},
			want: func(n int, l Limits) outcome {
				return outcome{Verdict: Confirm, NeedsCostAck: n > l.SparkQueueMaxCUPerCall || 1+n > l.SparkQueueMaxCUTotal}
			},
		},
		{
			// A queue grows by 1 CU; the workspace's queues then hold n.
			limit: LimitSparkQueueMaxCUTotal, value: func(l Limits) int { return l.SparkQueueMaxCUTotal }, min: 2,
			op: func(n int) Operation {
				return EditSparkQueue{WorkspaceID: "w-12345678", Queue: "dev_queue", CurrentCU: 1, CU: 2, OtherQueuesCU: n - 2, WorkspaceCU: 100000}
			},
			want: func(n int, l Limits) outcome {
				return outcome{Verdict: Confirm, NeedsCostAck: 1 > l.SparkQueueMaxCUPerCall || n > l.SparkQueueMaxCUTotal}
			},
		},
		{
			limit: LimitSparkQueueMaxCUTotal + "/CreateSparkWorkspace", value: func(l Limits) int { return l.SparkQueueMaxCUTotal }, min: 1,
			op: func(n int) Operation {
				return CreateSparkWorkspace{Region: "cn-hangzhou", Name: "etl", OSSBucket: "oss://team/", PaymentType: PaymentPayAsYouGo, CU: n}
			},
			want: func(n int, l Limits) outcome {
				return outcome{Verdict: Confirm, NeedsCostAck: n > l.SparkQueueMaxCUTotal}
			},
		},
		{
			limit: LimitSubscriptionCostAckAboveMonths + "/CreateSparkWorkspace", value: func(l Limits) int { return l.SubscriptionCostAckAboveMonths }, min: 1,
			op: func(n int) Operation {
				return CreateSparkWorkspace{Region: "cn-hangzhou", Name: "etl", OSSBucket: "oss://team/", PaymentType: PaymentSubscription, CU: 8, SubscriptionMonths: n}
			},
			want: func(n int, l Limits) outcome { return months(n, l, Confirm) },
		},
		{
			limit: LimitSubscriptionCostAckAboveMonths + "/UpdateAutoRenew", value: func(l Limits) int { return l.SubscriptionCostAckAboveMonths }, min: 1,
			op:   func(n int) Operation { return UpdateAutoRenew{ClusterID: "c-12345678", Enable: true, Months: n} },
			want: func(n int, l Limits) outcome { return months(n, l, Confirm) },
		},
	}
}

// probePoints returns each value just below, at and just above every
// boundary that matters: the actor's limit, the configured one and the
// default, so loosened values are probed for agents too.
func probePoints(pr probe, limits ...Limits) []int {
	seen := map[int]bool{}
	var out []int
	for _, l := range limits {
		v := pr.value(l)
		for _, n := range []int{v - 1, v, v + 1} {
			if n >= pr.min && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// agentFloor raises Allow to Confirm where an agent's write adds cost:
// agents never add nodes without the person's confirmation.
func agentFloor(a Actor, op Operation, want outcome) outcome {
	switch op.(type) {
	case IncreaseNodes, CreateNodeGroup, EditSparkQueue, CreateSparkWorkspace:
		if (a.Kind == Agent || a.Kind == Service) && want.Verdict == Allow {
			want.Verdict = Confirm
		}
	}
	return want
}

func TestLimitsEveryActorEveryBoundary(t *testing.T) {
	for _, v := range variants() {
		p, err := Parse([]byte(v.file))
		if err != nil {
			t.Fatalf("%s: Parse: got error %v, want nil", v.name, err)
		}
		for _, pr := range probes() {
			t.Run(v.name+"/"+pr.limit, func(t *testing.T) {
				for _, a := range actors() {
					want := v.human
					if a.Kind == Agent || a.Kind == Service {
						want = v.agent
					}
					for _, n := range probePoints(pr, want, v.human, DefaultLimits()) {
						d := Decide(p, a, pr.op(n))
						got := outcome{Verdict: d.Verdict, NeedsCostAck: d.NeedsCostAck, Limit: d.Limit}
						if diff := cmp.Diff(agentFloor(a, pr.op(n), pr.want(n, want)), got); diff != "" {
							t.Errorf("%s, n=%d: outcome mismatch (-want +got):\n%s\nreasons: %q", a.Kind, n, diff, d.Reasons)
						}
						if d.Verdict != Allow && len(d.Reasons) == 0 {
							t.Errorf("%s, n=%d: got %v without reasons, want reasons", a.Kind, n, d.Verdict)
						}
						if d.NeedsCostAck && d.CostReason.IsZero() {
							t.Errorf("%s, n=%d: got NeedsCostAck without CostReason", a.Kind, n)
						}
					}
				}
			})
		}
	}
}

func TestLimitsFor(t *testing.T) {
	for _, v := range variants() {
		p, err := Parse([]byte(v.file))
		if err != nil {
			t.Fatalf("%s: Parse: got error %v, want nil", v.name, err)
		}
		for _, a := range actors() {
			t.Run(v.name+"/"+string(a.Kind), func(t *testing.T) {
				want := v.human
				if a.Kind == Agent || a.Kind == Service {
					want = v.agent
				}
				if diff := cmp.Diff(want, p.LimitsFor(a)); diff != "" {
					t.Errorf("LimitsFor mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// A Policy built in code with loosened values but without AllowLoosening
// must not loosen anything, for anyone.
func TestLimitsForIgnoresLooseningWithoutPermission(t *testing.T) {
	p := &Policy{Limits: with(DefaultLimits(), func(l *Limits) { l.IncreaseMaxPerCall, l.IncreaseConfirmAbove = 500, 5 })}
	want := with(DefaultLimits(), func(l *Limits) { l.IncreaseConfirmAbove = 5 })
	for _, a := range actors() {
		if diff := cmp.Diff(want, p.LimitsFor(a)); diff != "" {
			t.Errorf("%s: LimitsFor mismatch (-want +got):\n%s", a.Kind, diff)
		}
	}
	if got := p.Loosened(); got != nil {
		t.Errorf("Loosened: got %v, want nil", got)
	}
	if err := p.Validate(); err == nil {
		t.Error("Validate: got nil, want a loosening error")
	}
	if d := Decide(p, Actor{Kind: Human}, IncreaseNodes{Role: RoleTask, Count: 60}); d.Verdict != Deny {
		t.Errorf("Decide: got %v, want deny", d.Verdict)
	}
}
