package aliyun

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// The documented sets and bounds of PutAutoScalingPolicy. Source:
// shared/reference/alibabacloud-emr-skills/alibabacloud-emr-cluster-manage/references/scaling.md
// ("Load-based Scaling Configuration": the metric table, "MetricsTrigger
// Parameter Description", "TimeTrigger Parameter Description") and
// references/api-reference.md ("PutAutoScalingPolicy": 0-100 rules;
// "ScalingRule", "TimeTrigger", "MetricsTrigger"); the 2000-node
// MaxCapacity is ScalingConstraints' default in internal/contract.
var (
	// documentedMetrics is the metric table of scaling.md. It says 23 YARN
	// metrics are supported but names only these; add the others here
	// when they are documented.
	documentedMetrics = []string{
		"yarn_resourcemanager_queue_AvailableVCoresPercentage",
		"yarn_resourcemanager_queue_AvailableMemoryPercentage",
		"yarn_resourcemanager_queue_PendingVCores",
		"yarn_resourcemanager_queue_PendingMB",
		"yarn_resourcemanager_queue_PendingContainers",
		"yarn_resourcemanager_queue_AllocatedVCores",
		"yarn_resourcemanager_queue_AllocatedMB",
		"yarn_resourcemanager_queue_AppsRunning",
		"yarn_resourcemanager_queue_AppsPending",
	}
	triggerTypes    = []string{"TIME_TRIGGER", "METRICS_TRIGGER"}
	activityTypes   = []string{"SCALE_OUT", "SCALE_IN"}
	statistics      = []string{"MAX", "MIN", "AVG"}
	operators       = []string{"EQ", "NE", "GT", "LT", "GE", "LE"}
	logicOperators  = []string{"And", "Or"}
	recurrenceTypes = []string{"DAILY", "WEEKLY", "MONTHLY"}
	weekdays        = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}
	// metricTagKeys are the tag keys scaling.md documents for a condition
	// ("Specify queue via queue_name in Tags").
	metricTagKeys = []string{"queue_name"}
)

// Documented bounds.
const (
	maxRules             = 100
	maxCapacityLimit     = 2000
	minTimeWindow        = 30
	maxTimeWindow        = 1800
	minEvaluationCount   = 1
	maxEvaluationCount   = 5
	maxCoolDown          = 10800
	maxLaunchExpiration  = 3600
	maxRecurrenceDayOfMo = 31
)

// launchTimeRE is HH:MM on a 24-hour clock.
var launchTimeRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// AutoScalingProblems implements provider.AutoScaler: it checks a policy
// against the documented sets and bounds of PutAutoScalingPolicy. Nothing
// is sent. Each problem names the field path, shows the bad value escaped
// and lists what is allowed.
func (p *Provider) AutoScalingProblems(sp provider.ScalingPolicy) []provider.Problem {
	return scalingProblems(sp)
}

// problems collects the problems of one policy.
type problems []provider.Problem

func (ps *problems) add(field, message, fix string) {
	*ps = append(*ps, provider.Problem{Field: field, Message: message, Fix: fix})
}

// oneOf reports v unless it is in allowed; empty v is reported as missing.
func (ps *problems) oneOf(field, what, v string, allowed []string) {
	if slices.Contains(allowed, v) {
		return
	}
	fix := "use one of " + strings.Join(allowed, ", ")
	if v == "" {
		ps.add(field, what+" is not set", fix)
		return
	}
	ps.add(field, fmt.Sprintf("%s %s is not one of the documented values", what, quoted(v)), fix)
}

// quoted shows an untrusted value in a message: escaped (a newline or an
// invisible character shows as \u escapes), shortened, between quotes.
func quoted(v string) string { return `"` + validate.Render(v) + `"` }

// between reports v outside [lo, hi].
func (ps *problems) between(field, what string, v, lo, hi int) {
	if v < lo || v > hi {
		ps.add(field, fmt.Sprintf("%s %d is out of range", what, v), fmt.Sprintf("use %d to %d", lo, hi))
	}
}

func scalingProblems(sp provider.ScalingPolicy) []provider.Problem {
	var ps problems
	if sp.MinCapacity < 0 {
		ps.add("minCapacity", fmt.Sprintf("minCapacity %d is negative", sp.MinCapacity), "use 0 or more")
	}
	if sp.MaxCapacity < sp.MinCapacity {
		ps.add("maxCapacity", fmt.Sprintf("maxCapacity %d is below minCapacity %d", sp.MaxCapacity, sp.MinCapacity), "set maxCapacity to at least minCapacity")
	}
	if sp.MaxCapacity > maxCapacityLimit {
		ps.add("maxCapacity", fmt.Sprintf("maxCapacity %d is above the node group limit", sp.MaxCapacity), fmt.Sprintf("use at most %d", maxCapacityLimit))
	}
	if len(sp.Rules) > maxRules {
		ps.add("rules", fmt.Sprintf("%d rules given", len(sp.Rules)), fmt.Sprintf("keep at most %d rules", maxRules))
	}
	names := map[string]int{}
	for i, r := range sp.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		ps.rule(path, r)
		if j, seen := names[r.Name]; seen && r.Name != "" {
			ps.add(path+".name", fmt.Sprintf("rule name %s is also the name of rules[%d]", quoted(r.Name), j), "give every rule its own name")
		} else {
			names[r.Name] = i
		}
	}
	return ps
}

func (ps *problems) rule(path string, r provider.ScalingRule) {
	switch {
	case r.Name == "":
		ps.add(path+".name", "the rule name is not set", "name the rule")
	default:
		if e := validate.Text(path+".name", r.Name); e != nil {
			ps.add(path+".name", fmt.Sprintf("rule name \"%s\" %s", e.Value, e.Rule), e.Fix)
		}
	}
	ps.oneOf(path+".triggerType", "trigger type", r.TriggerType, triggerTypes)
	ps.oneOf(path+".activityType", "activity type", r.ActivityType, activityTypes)
	if r.Adjustment < 1 {
		ps.add(path+".adjustment", fmt.Sprintf("adjustment %d is not a positive number of nodes", r.Adjustment), "use 1 or more")
	}
	switch {
	case r.MinAdjust < 0:
		ps.add(path+".minAdjustment", fmt.Sprintf("minAdjustment %d is negative", r.MinAdjust), "use 0 (none) or a number up to adjustment")
	case r.MinAdjust > 0 && r.ActivityType == "SCALE_IN":
		ps.add(path+".minAdjustment", "minAdjustment applies to scale-out rules only", "remove it from this SCALE_IN rule")
	case r.MinAdjust > r.Adjustment && r.Adjustment >= 1:
		ps.add(path+".minAdjustment", fmt.Sprintf("minAdjustment %d is above adjustment %d", r.MinAdjust, r.Adjustment), "use a number up to adjustment")
	}
	if r.AWS != nil {
		ps.add(path+".aws", "the aws block applies to AWS EMR only", "remove it")
	}
	switch r.TriggerType {
	case "TIME_TRIGGER":
		if r.Metrics != nil {
			ps.add(path+".metrics", "a TIME_TRIGGER rule takes no metrics", "remove metrics, or use triggerType METRICS_TRIGGER")
		}
		if r.Time == nil {
			ps.add(path+".time", "a TIME_TRIGGER rule needs time", "set time.launchTime, time.startTime and, to repeat, time.recurrenceType")
			return
		}
		ps.time(path+".time", *r.Time)
	case "METRICS_TRIGGER":
		if r.Time != nil {
			ps.add(path+".time", "a METRICS_TRIGGER rule takes no time", "remove time, or use triggerType TIME_TRIGGER")
		}
		if r.Metrics == nil {
			ps.add(path+".metrics", "a METRICS_TRIGGER rule needs metrics", "set metrics.timeWindowSeconds, metrics.evaluationCount and metrics.conditions")
			return
		}
		ps.metrics(path+".metrics", *r.Metrics)
	}
}

func (ps *problems) time(path string, t provider.TimeTrigger) {
	if !launchTimeRE.MatchString(t.LaunchTime) {
		what := "launch time is not set"
		if t.LaunchTime != "" {
			what = fmt.Sprintf("launch time %s is not HH:MM", quoted(t.LaunchTime))
		}
		ps.add(path+".launchTime", what, "use a 24-hour time such as 09:00")
	}
	if t.StartTime.IsZero() {
		ps.add(path+".startTime", "the start time is not set", "set when the rule takes effect, e.g. 2026-01-01T00:00:00Z")
	}
	if !t.EndTime.IsZero() && !t.EndTime.After(t.StartTime) {
		ps.add(path+".endTime", "the end time is not after the start time", "set an end time after startTime, or none")
	}
	ps.between(path+".launchExpirationSeconds", "launch expiration", t.ExpireSeconds, 0, maxLaunchExpiration)
	if t.RecurrenceType == "" {
		if t.RecurrenceValue != "" {
			ps.add(path+".recurrenceValue", "a recurrence value is set without a recurrence type", "set recurrenceType ("+strings.Join(recurrenceTypes, ", ")+") or remove recurrenceValue")
		}
		return
	}
	ps.oneOf(path+".recurrenceType", "recurrence type", t.RecurrenceType, recurrenceTypes)
	ps.recurrence(path+".recurrenceValue", t.RecurrenceType, t.RecurrenceValue)
}

// recurrence checks the value of a recurrence: none for DAILY, weekdays
// for WEEKLY, days of the month for MONTHLY, each list comma-separated.
func (ps *problems) recurrence(field, typ, v string) {
	switch typ {
	case "DAILY":
		if v != "" {
			ps.add(field, fmt.Sprintf("recurrence value %s is set for a DAILY rule", quoted(v)), "leave recurrenceValue empty for DAILY")
		}
	case "WEEKLY":
		if !listOf(v, func(s string) bool { return slices.Contains(weekdays, s) }) {
			ps.add(field, fmt.Sprintf("recurrence value %s is not a list of weekdays", quoted(v)), "use weekdays from "+strings.Join(weekdays, ", ")+", comma-separated, e.g. MON,FRI")
		}
	case "MONTHLY":
		if !listOf(v, isDayOfMonth) {
			ps.add(field, fmt.Sprintf("recurrence value %s is not a list of days of the month", quoted(v)), fmt.Sprintf("use days 1 to %d, comma-separated, e.g. 1,15", maxRecurrenceDayOfMo))
		}
	}
}

// listOf reports whether v is a non-empty comma-separated list whose items
// all pass ok.
func listOf(v string, ok func(string) bool) bool {
	if v == "" {
		return false
	}
	for _, item := range strings.Split(v, ",") {
		if !ok(item) {
			return false
		}
	}
	return true
}

func isDayOfMonth(s string) bool {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= maxRecurrenceDayOfMo
}

func (ps *problems) metrics(path string, m provider.MetricsTrigger) {
	ps.between(path+".timeWindowSeconds", "time window", m.TimeWindowSeconds, minTimeWindow, maxTimeWindow)
	ps.between(path+".evaluationCount", "evaluation count", m.EvaluationCount, minEvaluationCount, maxEvaluationCount)
	ps.between(path+".coolDownSeconds", "cooldown", m.CoolDownSeconds, 0, maxCoolDown)
	if m.LogicOperator != "" {
		ps.oneOf(path+".logicOperator", "logic operator", m.LogicOperator, logicOperators)
	}
	if len(m.Conditions) == 0 {
		ps.add(path+".conditions", "no condition is set", "add at least one condition (metricName, statistics, operator, threshold)")
	}
	for i, c := range m.Conditions {
		ps.condition(fmt.Sprintf("%s.conditions[%d]", path, i), c)
	}
}

func (ps *problems) condition(path string, c provider.MetricCondition) {
	if r, ok := strangeRune(c.MetricName); ok {
		ps.add(path+".metricName", fmt.Sprintf("metric name %s contains %s, which no documented metric name has", quoted(c.MetricName), r),
			"use one of "+strings.Join(documentedMetrics, ", "))
	} else {
		ps.oneOf(path+".metricName", "metric name", c.MetricName, documentedMetrics)
	}
	ps.oneOf(path+".statistics", "statistics", c.Statistics, statistics)
	ps.oneOf(path+".operator", "comparison operator", c.Operator, operators)
	if math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
		ps.add(path+".threshold", fmt.Sprintf("threshold %v is not a number", c.Threshold), "use a finite number")
	}
	for i, t := range c.Tags {
		tp := fmt.Sprintf("%s.tags[%d]", path, i)
		ps.oneOf(tp+".key", "tag key", t.Key, metricTagKeys)
		if t.Value == "" {
			ps.add(tp+".value", "the queue name is not set", "name a YARN queue, e.g. root")
		} else if e := validate.Text(tp+".value", t.Value); e != nil {
			ps.add(tp+".value", fmt.Sprintf("queue name \"%s\" %s", e.Value, e.Rule), e.Fix)
		}
	}
}

// strangeRune describes the first rune of a metric name outside the
// characters of the documented names (ASCII letters and '_'): the message
// then says what is wrong even where the shortened value hides it.
func strangeRune(name string) (string, bool) {
	for _, r := range name {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			continue
		}
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return fmt.Sprintf("U+%04X", r), true
		}
		return fmt.Sprintf("'%c' (U+%04X)", r, r), true
	}
	return "", false
}
