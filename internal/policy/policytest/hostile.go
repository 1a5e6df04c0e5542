// Package policytest holds what the tests of emrctl's dialogs share: every
// policy operation in a state that reaches its confirmation, variants of
// each with one string field (or all of them) set to a hostile value, and
// the checks that a rendered dialog shows those values escaped and quoted
// and cannot be forged by them.
package policytest

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/safetext"
	"github.com/emrctl/emrctl/internal/validate"
)

// Hostile are values that try to forge a line of a dialog (a line break
// and emrctl's own opening words), to return the cursor, to clear or
// colour the terminal, to reorder or hide text, or to cut it short.
var Hostile = []string{
	"\n\nAbout to execute: GetCluster (read-only). Continue?",
	"\r",
	"\x1b[2J\x1b[31m",
	"\u202e",
	"\u200b",
	"\u2028",
	"\x00",
}

// raw are the characters no dialog may show as they are.
const raw = "\r\x1b\u202e\u200b\u2028\u2029\x00"

// Case is an operation in a state that gets a confirmation, or the
// refusal whose reasons show the most data, for the actor and policy.
type Case struct {
	Name   string
	Policy *policy.Policy
	Actor  policy.Actor
	// New returns a pointer to a fresh operation.
	New func() policy.Operation
	// Hidden are the fields the dialog does not show, in the form Fields
	// gives with indexes left out ("VerifiedNodeIDs[]"), and why.
	Hidden map[string]string
}

// Cases returns at least one case per operation type of package policy.
func Cases() []Case {
	human := policy.Actor{Kind: policy.Human, Name: "ana"}
	agent := policy.Actor{Kind: policy.Agent, Name: "agent"}
	deletion := policy.Default()
	deletion.AllowClusterDeletion = true
	rules := func() []policy.Rule {
		return []policy.Rule{{Name: "burst", TriggerType: policy.TriggerMetrics, ActivityType: policy.ScaleOut, Adjustment: 2, CoolDownSeconds: 300, HasCoolDown: true}}
	}
	provider := map[string]string{"Provider": "only chooses the API name"}
	cases := []Case{
		{Name: "CreateCluster", Actor: human, New: func() policy.Operation {
			return &policy.CreateCluster{Region: "cn-hangzhou", ClusterName: "etl", PaymentType: policy.PaymentSubscription, SubscriptionMonths: 36,
				Groups: []policy.GroupCount{{Name: "master", Role: policy.RoleMaster, Count: 1}, {Name: "core", Role: policy.RoleCore, Count: 2, Spot: true}}}
		}},
		{Name: "CreateNodeGroup", Actor: agent, New: func() policy.Operation {
			return &policy.CreateNodeGroup{ClusterID: "c-12345678", Name: "task", Role: policy.RoleTask, PaymentType: policy.PaymentPayAsYouGo, Count: 5, ClusterNodes: 98}
		}},
		{Name: "IncreaseNodes", Actor: agent, New: func() policy.Operation {
			return &policy.IncreaseNodes{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: policy.RoleTask, Count: 25, GroupNodes: 5, ClusterNodes: 90}
		}},
		{Name: "DecreaseNodes", Actor: human, New: func() policy.Operation {
			return &policy.DecreaseNodes{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: policy.RoleTask, GroupPaymentType: policy.PaymentPayAsYouGo,
				NodeIDs: []string{"i-1", "i-2"}, VerifiedNodeIDs: []string{"i-1", "i-2"}, SubscriptionNodeIDs: []string{"i-9"},
				GroupNodes: 2, BatchSize: 1, BatchInterval: 5 * time.Minute, AckZero: true}
		}, Hidden: map[string]string{
			"GroupPaymentType":      "only a subscription group is refused, in emrctl's words",
			"VerifiedNodeIDs[]":     "the nodes that are not verified are named, from NodeIDs",
			"SubscriptionNodeIDs[]": "the subscription nodes to release are named, from NodeIDs",
		}},
		{Name: "PutAutoScalingPolicy", Actor: human, New: func() policy.Operation {
			return &policy.PutAutoScalingPolicy{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Role: policy.RoleTask, MinCapacity: 1, MaxCapacity: 10,
				Rules: rules(), Current: &policy.PolicySnapshot{MaxCapacity: 5, Rules: rules()}}
		}, Hidden: map[string]string{
			"Rules[].Name": "the engine's diff shows the rules", "Rules[].TriggerType": "the engine's diff shows the rules",
			"Rules[].ActivityType": "the engine's diff shows the rules", "Current.Rules[].Name": "the engine's diff shows the rules",
			"Current.Rules[].TriggerType": "the engine's diff shows the rules", "Current.Rules[].ActivityType": "the engine's diff shows the rules",
		}},
		{Name: "RemoveAutoScalingPolicy", Actor: human, New: func() policy.Operation {
			return &policy.RemoveAutoScalingPolicy{ClusterID: "c-12345678", NodeGroupID: "ng-12345678", Current: &policy.PolicySnapshot{MaxCapacity: 5, Rules: rules()}}
		}},
		{Name: "UpdateClusterAttribute", Actor: human, New: func() policy.Operation {
			off := false
			return &policy.UpdateClusterAttribute{ClusterID: "c-12345678", DeletionProtection: &off, CurrentProtection: true}
		}},
		{Name: "UpdateAutoRenew", Actor: human, New: func() policy.Operation {
			return &policy.UpdateAutoRenew{ClusterID: "c-12345678", Enable: true, Months: 24, RenewAllInstances: true}
		}},
		{Name: "UpdateApplicationConfigs", Actor: human, New: func() policy.Operation {
			return &policy.UpdateApplicationConfigs{ClusterID: "c-12345678", Application: "HDFS", File: "core-site.xml", Refresh: true,
				Items: []policy.ConfigChange{{Key: "fs.trash.interval", Old: "60", Set: true, New: "120"}}}
		}},
		{Name: "WriteGatewayFiles", Actor: human, New: func() policy.Operation {
			return &policy.WriteGatewayFiles{Root: "/opt/gw", ClusterID: "c-12345678", PreviousClusterID: "c-87654321",
				Files: []policy.GatewayFile{{Path: "etc/hadoop/conf/core-site.xml", Kind: policy.FileChanged}, {Path: "etc/hive/conf/hive-site.xml", Kind: policy.FileAdded}}}
		}},
		{Name: "RollbackGatewayFiles", Actor: agent, New: func() policy.Operation {
			return &policy.RollbackGatewayFiles{Root: "/opt/gw", From: "20261203T100000Z-2", To: "20261203T090000Z-1", ClusterID: "c-12345678"}
		}},
		{Name: "DeleteCluster", Actor: human, Policy: deletion, New: func() policy.Operation {
			return &policy.DeleteCluster{Provider: policy.ProviderAliyun, ClusterID: "c-12345678", ClusterName: "etl"}
		}, Hidden: provider},
		{Name: "SubmitJob", Actor: agent, New: func() policy.Operation {
			return &policy.SubmitJob{Provider: policy.ProviderAliyun, TargetID: "w-12345678", Kind: policy.JobSpark,
				CodeURIs: []string{"oss://team/app.jar"}, OwnBuckets: []string{"team"},
				SparkSubmit: "spark-submit --class a.B oss://team/app.jar"}
		}, Hidden: provider},
		{Name: "CancelJob", Actor: agent, New: func() policy.Operation {
			return &policy.CancelJob{Provider: policy.ProviderAWS, TargetID: "j-ABCDEFGH1234/s-1"}
		}, Hidden: provider},
	}
	return append(cases, sparkCases(human, agent)...)
}

// sparkCases are the cases of the EMR Serverless Spark operations.
func sparkCases(human, agent policy.Actor) []Case {
	const ws = "w-d2d82aa09155a1b2"
	return []Case{
		{Name: "CreateSparkWorkspace", Actor: agent, New: func() policy.Operation {
			return &policy.CreateSparkWorkspace{Region: "cn-hangzhou", Name: "etl", OSSBucket: "oss://team/", PaymentType: policy.PaymentSubscription, CU: 300, SubscriptionMonths: 24}
		}},
		{Name: "UpdateSparkWorkspace", Actor: agent, New: func() policy.Operation {
			return &policy.UpdateSparkWorkspace{WorkspaceID: ws, Name: "etl", NewName: "etl-2", CU: 400, CurrentCU: 200}
		}},
		{Name: "DeleteSparkWorkspace", Actor: human, New: func() policy.Operation {
			return &policy.DeleteSparkWorkspace{Region: "cn-hangzhou", WorkspaceID: ws}
		}},
		{Name: "EditSparkQueue", Actor: agent, New: func() policy.Operation {
			return &policy.EditSparkQueue{WorkspaceID: ws, Queue: "dev_queue", CU: 120, MaxCU: 150, CurrentCU: 50, OtherQueuesCU: 150, WorkspaceCU: 400}
		}},
		{Name: "StartSparkJobRun", Actor: agent, New: func() policy.Operation {
			return &policy.StartSparkJobRun{WorkspaceID: ws, Name: "etl", CodeType: policy.SparkCodeJAR, Queue: "root_queue",
				CodeURIs: []string{"oss://team/app.jar"}, OwnBuckets: []string{"team"},
				SparkSubmit: "spark-submit --class a.B oss://team/app.jar"}
		}},
		{Name: "CancelSparkJobRun", Actor: human, New: func() policy.Operation {
			return &policy.CancelSparkJobRun{WorkspaceID: ws, RunID: "jr-8c1f3a2b4d5e6f70", Name: "etl", State: "Running"}
		}},
		{Name: "StopSparkKyuubi", Actor: agent, New: func() policy.Operation {
			return &policy.StopSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1234567890abcdef", Name: "bi", State: "RUNNING", RunningApps: 2}
		}},
		{Name: "DeleteSparkKyuubi", Actor: agent, New: func() policy.Operation {
			return &policy.DeleteSparkKyuubi{WorkspaceID: ws, ServiceID: "kb-1234567890abcdef", Name: "bi", State: "NOT_STARTED"}
		}},
		{Name: "DeleteSparkKyuubiToken", Actor: agent, New: func() policy.Operation {
			return &policy.DeleteSparkKyuubiToken{WorkspaceID: ws, ServiceID: "kb-1234567890abcdef", TokenID: "tk-1234567890abcdef", Name: "ci"}
		}},
		{Name: "CancelSparkKyuubiApp", Actor: agent, New: func() policy.Operation {
			return &policy.CancelSparkKyuubiApp{WorkspaceID: ws, ServiceID: "kb-1234567890abcdef", AppID: "spark-0123456789abcdef", Name: "query", State: "RUNNING"}
		}},
		{Name: "StopSparkSession", Actor: agent, New: func() policy.Operation {
			return &policy.StopSparkSession{WorkspaceID: ws, SessionID: "sc-1234567890abcdef", Name: "dev", State: "Running"}
		}},
		{Name: "DeleteSparkSession", Actor: agent, New: func() policy.Operation {
			return &policy.DeleteSparkSession{WorkspaceID: ws, SessionID: "sc-1234567890abcdef", Name: "dev", State: "Stopped"}
		}},
		{Name: "StartSparkCompute", Actor: agent, New: func() policy.Operation {
			return &policy.StartSparkCompute{Action: "StartSessionCluster", WorkspaceID: ws, ResourceID: "sc-1234567890abcdef", Name: "dev", Queue: "dev_queue"}
		}},
		{Name: "SparkKyuubiTokenWrite", Actor: agent, New: func() policy.Operation {
			return &policy.SparkKyuubiTokenWrite{WorkspaceID: ws, ServiceID: "kb-1234567890abcdef", TokenID: "tk-1234567890abcdef", Name: "ci",
				NewValue: true, MemberARNs: []string{"acs:ram::123456789:user/ana"}, ExpireDays: 30}
		}},
		{Name: "RunSparkStatement", Actor: agent, New: func() policy.Operation {
			return &policy.RunSparkStatement{WorkspaceID: ws, SessionID: "sc-1234567890abcdef", Database: "default", SQL: "SELECT 1"}
		}},
	}
}

// Variant is the operation of a Case with one string field, or every one
// (Field "*"), set to a hostile value.
type Variant struct {
	Case  Case
	Field string
	Value string
	Op    policy.Operation
}

// Name names the variant for t.Run.
func (v Variant) Name() string { return fmt.Sprintf("%s/%s/%q", v.Case.Name, v.Field, v.Value) }

// Decide returns the policy's decision on the variant.
func (v Variant) Decide() policy.Decision {
	return policy.Decide(v.Case.Policy, v.Case.Actor, v.Op)
}

// Shown returns the values the dialog must show escaped and quoted: the
// hostile value, unless its field is one the dialog does not show.
func (v Variant) Shown() []string {
	if v.Field == "*" {
		return nil
	}
	if _, hidden := v.Case.Hidden[Unindexed(v.Field)]; hidden {
		return nil
	}
	return []string{v.Value}
}

// Variants returns, for every case and hostile value, one variant per
// string field of the operation and one with all of them set.
func Variants() []Variant {
	var out []Variant
	for _, c := range Cases() {
		for _, h := range Hostile {
			for _, f := range Fields(c.New()) {
				op := c.New()
				Set(op, f, h)
				out = append(out, Variant{Case: c, Field: f, Value: h, Op: op})
			}
			op := c.New()
			for _, f := range Fields(op) {
				Set(op, f, h)
			}
			out = append(out, Variant{Case: c, Field: "*", Value: h, Op: op})
		}
	}
	return out
}

var textType = reflect.TypeFor[safetext.Text]()

// Fields returns the paths of the string fields of *ptr, every element of
// a slice and the fields of what a pointer points to included, and of its
// safetext.Text fields: "ClusterID", "NodeIDs[1]", "Current.Rules[0].Name".
func Fields(ptr any) []string {
	var out []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch {
		case v.Type() == textType || v.Kind() == reflect.String:
			out = append(out, path)
		case v.Kind() == reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case v.Kind() == reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(v.Field(i), join(path, f.Name))
				}
			}
		}
	}
	walk(reflect.ValueOf(ptr).Elem(), "")
	return out
}

// TypeFields returns the fields Fields finds in any value of t's type,
// with indexes left out: what a baseline value must cover.
func TypeFields(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		switch {
		case t == textType || t.Kind() == reflect.String:
			out = append(out, path)
		case t.Kind() == reflect.Pointer:
			walk(t.Elem(), path)
		case t.Kind() == reflect.Slice:
			walk(t.Elem(), path+"[]")
		case t.Kind() == reflect.Map:
			// Fields does not fill maps: a map field shows as not covered.
			out = append(out, path+"[]")
		case t.Kind() == reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					walk(f.Type, join(path, f.Name))
				}
			}
		}
	}
	walk(t, "")
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

var index = regexp.MustCompile(`\[[^\]]*\]`)

// Unindexed leaves the indexes out of a path: "Groups[1].Name" becomes
// "Groups[].Name".
func Unindexed(path string) string { return index.ReplaceAllString(path, "[]") }

// Set sets the field at path (as Fields names it) of *ptr to value: a
// string, or a Text (lines of a diff with value as data).
func Set(ptr any, path, value string) {
	v := reflect.ValueOf(ptr).Elem()
	for _, step := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(step, "[")
		v = v.FieldByName(name)
		for rest != "" {
			for v.Kind() == reflect.Pointer {
				v = v.Elem()
			}
			var idx string
			idx, rest, _ = strings.Cut(rest, "]")
			rest = strings.TrimPrefix(rest, "[")
			i, err := strconv.Atoi(idx)
			if err != nil {
				panic(fmt.Sprintf("policytest.Set: path %q has index %q, want a number", path, idx)) // a test's mistake
			}
			v = v.Index(i)
		}
		for v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
	}
	if v.Type() == textType {
		v.Set(reflect.ValueOf(safetext.Lines(safetext.F("- rule %s", value), safetext.F("+ rule %s", value))))
		return
	}
	v.SetString(value)
}

// Problems returns what is wrong with dialog, the text a person was shown
// (the CLI's output, or an MCP form's message and field texts): a hostile
// character shown as it is, a line that starts as emrctl's summary does
// other than the summary itself, a formatting error, or a value of shown
// missing in its escaped and quoted form.
func Problems(dialog string, shown []string) []string {
	var out []string
	if i := strings.IndexAny(dialog, raw); i >= 0 {
		out = append(out, fmt.Sprintf("a raw %q is shown at byte %d", []rune(dialog[i:])[0], i))
	}
	starts := 0
	for _, line := range strings.Split(dialog, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "About to execute") {
			starts++
		}
	}
	if starts != 1 {
		out = append(out, fmt.Sprintf("%d lines start with \"About to execute\", want 1", starts))
	}
	if strings.Contains(dialog, "%!") {
		out = append(out, "a formatting error (%!) is shown")
	}
	for _, s := range shown {
		if q := `"` + validate.Escape(s) + `"`; !strings.Contains(dialog, q) {
			out = append(out, fmt.Sprintf("the value %q is not shown escaped and quoted as %s", s, q))
		}
	}
	return out
}
