package policy

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// allErrors flattens joined errors.
func allErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, allErrors(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestParseAccepts(t *testing.T) {
	def := DefaultLimits()
	tests := []struct {
		name     string
		file     string
		want     *Policy
		loosened []Loosening
	}{
		{name: "empty", file: "", want: Default()},
		{name: "comments only", file: "# nothing\n", want: Default()},
		{name: "null document", file: "~\n", want: Default()},
		{name: "null limits", file: "limits:\n", want: Default()},
		{
			name: "tighten",
			file: "limits:\n  increaseMaxPerCall: 20\n  decreaseMinInterval: 5m\nallowLoosening: false\n",
			want: &Policy{Limits: with(def, func(l *Limits) { l.IncreaseMaxPerCall, l.DecreaseMinInterval = 20, 5*time.Minute })},
		},
		{
			name: "tighten to zero thresholds",
			file: "limits:\n  increaseConfirmAbove: 0\n  clusterNodesCostAckAbove: 0\n  subscriptionCostAckAboveMonths: 0\n",
			want: &Policy{Limits: with(def, func(l *Limits) {
				l.IncreaseConfirmAbove, l.ClusterNodesCostAckAbove, l.SubscriptionCostAckAboveMonths = 0, 0, 0
			})},
		},
		{
			name: "durations as seconds",
			file: "limits:\n  scaleOutMinCooldown: 600\n",
			want: &Policy{Limits: with(def, func(l *Limits) { l.ScaleOutMinCooldown = 10 * time.Minute })},
		},
		{
			name: "same as default",
			file: "limits:\n  autoScalingMaxCapacity: 100\n",
			want: Default(),
		},
		{
			name: "brief example with loosening allowed",
			file: `limits:
  increaseMaxPerCall: 20        # tighter than the default: always accepted
  autoScalingMaxCapacity: 200   # looser: refused unless allowLoosening is true
  scaleOutMinCooldown: 60s
allowLoosening: true
allowClusterDeletion: false
ownBuckets: [my-bucket, logs.example]
`,
			want: &Policy{
				Limits: with(def, func(l *Limits) {
					l.IncreaseMaxPerCall, l.AutoScalingMaxCapacity, l.ScaleOutMinCooldown = 20, 200, time.Minute
				}),
				AllowLoosening: true,
				OwnBuckets:     []string{"my-bucket", "logs.example"},
			},
			loosened: []Loosening{
				{Key: LimitAutoScalingMaxCapacity, Default: "100", Value: "200"},
				{Key: LimitScaleOutMinCooldown, Default: "2m0s", Value: "1m0s"},
			},
		},
		{
			name: "deletion allowed",
			file: "allowClusterDeletion: true\n",
			want: &Policy{Limits: def, AllowClusterDeletion: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.file))
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("policy mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.loosened, got.Loosened()); diff != "" {
				t.Errorf("Loosened mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLooseningNeverReachesAgents(t *testing.T) {
	p, err := Parse([]byte("allowLoosening: true\nlimits:\n  autoScalingMaxCapacity: 200\n  increaseMaxPerCall: 80\n"))
	if err != nil {
		t.Fatalf("Parse: got error %v, want nil", err)
	}
	op := PutAutoScalingPolicy{Role: RoleTask, MaxCapacity: 150,
		Rules: []Rule{{TriggerType: TriggerMetrics, ActivityType: ScaleOut, CoolDownSeconds: 300, HasCoolDown: true}}}
	for _, a := range actors() {
		want := Confirm
		if a.Kind == Agent || a.Kind == Service {
			want = Deny
		}
		if d := Decide(p, a, op); d.Verdict != want {
			t.Errorf("%s: got %v, want %v", a.Kind, d.Verdict, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	limitKeys := []string{
		LimitDecreaseMaxPerCall, LimitDecreaseMinInterval, LimitIncreaseMaxPerCall, LimitIncreaseConfirmAbove,
		LimitClusterNodesCostAckAbove, LimitNodeGroupCreateConfirmAbove, LimitNodeGroupMaxAtCreate,
		LimitAutoScalingMaxCapacity, LimitScaleOutMinCooldown, LimitSubscriptionCostAckAboveMonths,
		LimitSparkQueueMaxCUPerCall, LimitSparkQueueMaxCUTotal,
	}
	topKeys := []string{"limits", "allowLoosening", "allowClusterDeletion", "ownBuckets"}
	tests := []struct {
		name string
		file string
		want []error // compared field by field; the order is the file's
	}{
		{
			name: "loosening without permission",
			file: "limits:\n  increaseMaxPerCall: 20\n  autoScalingMaxCapacity: 200\nallowLoosening: false\n",
			want: []error{&LooseningError{Key: "limits.autoScalingMaxCapacity", Line: 3, Default: "100", Value: "200"}},
		},
		{
			name: "loosening a duration",
			file: "limits:\n  decreaseMinInterval: 30s\n",
			want: []error{&LooseningError{Key: "limits.decreaseMinInterval", Line: 2, Default: "2m0s", Value: "30s"}},
		},
		{
			name: "unknown top-level key",
			file: "limit:\n  increaseMaxPerCall: 20\n",
			want: []error{&KeyError{Key: "limit", Line: 1, Valid: topKeys}},
		},
		{
			name: "unknown limit",
			file: "limits:\n  maxNodes: 20\n  increaseMaxPerCal: 3\n",
			want: []error{
				&KeyError{Key: "maxNodes", Section: "limits", Line: 2, Valid: limitKeys},
				&KeyError{Key: "increaseMaxPerCal", Section: "limits", Line: 3, Valid: limitKeys},
			},
		},
		{
			name: "repeated key",
			file: "allowLoosening: false\nallowLoosening: true\n",
			want: []error{&KeyError{Key: "allowLoosening", Line: 2, Valid: topKeys, Duplicate: true}},
		},
		{
			name: "string count",
			file: "limits:\n  increaseMaxPerCall: lots\n",
			want: []error{&ValueError{Key: "limits.increaseMaxPerCall", Line: 2, Value: "lots", Reason: "must be a whole number"}},
		},
		{
			name: "fractional count",
			file: "limits:\n  increaseMaxPerCall: 2.5\n",
			want: []error{&ValueError{Key: "limits.increaseMaxPerCall", Line: 2, Value: "2.5", Reason: "must be a whole number"}},
		},
		{
			name: "zero batch",
			file: "limits:\n  decreaseMaxPerCall: 0\n",
			want: []error{&ValueError{Key: "limits.decreaseMaxPerCall", Line: 2, Value: "0", Reason: "must be a whole number between 1 and 1000"}},
		},
		{
			name: "negative threshold",
			file: "limits:\n  increaseConfirmAbove: -1\n",
			want: []error{&ValueError{Key: "limits.increaseConfirmAbove", Line: 2, Value: "-1", Reason: "must be a whole number between 0 and 10000"}},
		},
		{
			name: "bad duration",
			file: "limits:\n  scaleOutMinCooldown: soon\n",
			want: []error{&ValueError{Key: "limits.scaleOutMinCooldown", Line: 2, Value: "soon", Reason: "must be a duration such as 120s"}},
		},
		{
			name: "duration too long",
			file: "limits:\n  scaleOutMinCooldown: 4h\n",
			want: []error{&ValueError{Key: "limits.scaleOutMinCooldown", Line: 2, Value: "4h0m0s", Reason: "must be between 1s and 3h0m0s"}},
		},
		{
			name: "yes is not a boolean",
			file: "allowClusterDeletion: yes\n",
			want: []error{&ValueError{Key: "allowClusterDeletion", Line: 1, Value: "yes", Reason: "must be true or false"}},
		},
		{
			name: "quoted boolean",
			file: "allowLoosening: \"true\"\n",
			want: []error{&ValueError{Key: "allowLoosening", Line: 1, Value: "true", Reason: "must be true or false"}},
		},
		{
			name: "buckets not a list",
			file: "ownBuckets: my-bucket\n",
			want: []error{&ValueError{Key: "ownBuckets", Line: 1, Value: "my-bucket", Reason: "must be a list of bucket names"}},
		},
		{
			name: "bad bucket name",
			file: "ownBuckets: [My_Bucket]\n",
			want: []error{&ValueError{Key: "ownBuckets[0]", Line: 1, Value: "My_Bucket", Reason: "is not a bucket name"}},
		},
		{
			name: "limits not a mapping",
			file: "limits: 5\n",
			want: []error{&ValueError{Key: "limits", Line: 1, Value: "5", Reason: "must be a mapping of limit names to values"}},
		},
		{
			name: "document not a mapping",
			file: "- limits\n",
			want: []error{&ValueError{Key: "(document)", Line: 1, Value: "", Reason: "must be a mapping of policy keys"}},
		},
		{
			name: "every problem at once",
			file: "bogus: 1\nlimits:\n  autoScalingMaxCapacity: 500\n  decreaseMaxPerCall: x\n",
			want: []error{
				&KeyError{Key: "bogus", Line: 1, Valid: topKeys},
				&ValueError{Key: "limits.decreaseMaxPerCall", Line: 4, Value: "x", Reason: "must be a whole number"},
				&LooseningError{Key: "limits.autoScalingMaxCapacity", Line: 3, Default: "100", Value: "500"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.file))
			if err == nil {
				t.Fatalf("got policy %+v, want an error", p)
			}
			if p != nil {
				t.Errorf("got policy %+v with the error, want nil", p)
			}
			if diff := cmp.Diff(tt.want, allErrors(err)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorsAreTyped(t *testing.T) {
	_, err := Parse([]byte("limits:\n  autoScalingMaxCapacity: 200\n  nope: 1\n"))
	var le *LooseningError
	if !errors.As(err, &le) || le.Default != "100" {
		t.Errorf("errors.As(*LooseningError): got %v, want the autoScalingMaxCapacity error", le)
	}
	var ke *KeyError
	if !errors.As(err, &ke) || len(ke.Valid) != len(limitSpecs()) {
		t.Errorf("errors.As(*KeyError): got %v, want the unknown key with every valid key", ke)
	}
	if _, err := Parse([]byte("limits: [\n")); err == nil {
		t.Error("malformed YAML: got nil, want an error")
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate(): got %v, want nil", err)
	}
	if got := Default().Loosened(); got != nil {
		t.Errorf("Default().Loosened(): got %v, want nil", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"limits:\n  increaseMaxPerCall: 20\n",
		"allowLoosening: true\nlimits:\n  autoScalingMaxCapacity: 200\n  decreaseMinInterval: 1s\n",
		"limits:\n  scaleOutMinCooldown: -5s\n",
		"limits:\n  increaseMaxPerCall: 99999999999999999999\n",
		"ownBuckets: [a, b, c]\n",
		"a: &x [*x]\n",
		"limits: {increaseMaxPerCall: !!str 5}\n",
		"<<: {allowLoosening: true}\n",
		"allowClusterDeletion: true\nallowClusterDeletion: true\n",
		"---\n---\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if p != nil {
				t.Fatalf("got a policy with error %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted a policy that Validate refuses: %v", err)
		}
		def := DefaultLimits()
		for _, kind := range []ActorKind{Agent, Service} {
			got := p.LimitsFor(Actor{Kind: kind})
			for _, s := range limitSpecs() {
				if s.looser(s.get(&got), s.get(&def)) {
					t.Errorf("%s: %s is %s, looser than the default %s", kind, s.key, s.format(s.get(&got)), s.format(s.get(&def)))
				}
			}
		}
		if !p.AllowLoosening {
			for _, s := range limitSpecs() {
				if s.looser(s.get(&p.Limits), s.get(&def)) {
					t.Errorf("%s loosened without allowLoosening", s.key)
				}
			}
		}
	})
}
