package aliyun

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
)

func validMetricRule() provider.ScalingRule {
	return provider.ScalingRule{
		Name: "vcore-scaleout", TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 3,
		Metrics: &provider.MetricsTrigger{
			TimeWindowSeconds: 300, EvaluationCount: 3, CoolDownSeconds: 300, LogicOperator: "Or",
			Conditions: []provider.MetricCondition{
				{MetricName: "yarn_resourcemanager_queue_AvailableVCoresPercentage", Statistics: "AVG", Operator: "LT", Threshold: 20, Tags: []provider.Tag{{Key: "queue_name", Value: "root"}}},
				{MetricName: "yarn_resourcemanager_queue_PendingContainers", Statistics: "MAX", Operator: "GT", Threshold: 50},
			},
		},
	}
}

func validTimeRule() provider.ScalingRule {
	return provider.ScalingRule{
		Name: "workday-scaleout", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 5,
		Time: &provider.TimeTrigger{LaunchTime: "09:00", StartTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), RecurrenceType: "WEEKLY", RecurrenceValue: "MON,TUE,WED,THU,FRI"},
	}
}

// TestAutoScalingProblems changes one thing of a valid policy per case and
// checks the problem names its field, shows the bad value escaped and says
// what is allowed.
func TestAutoScalingProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(sp *provider.ScalingPolicy)
		field  string // "" for no problem
		shows  string // the message must contain it
		fix    string // the fix must contain it
	}{
		{name: "valid", mutate: func(*provider.ScalingPolicy) {}},
		{name: "every documented metric", mutate: func(sp *provider.ScalingPolicy) {
			c := sp.Rules[0].Metrics.Conditions[0]
			sp.Rules[0].Metrics.Conditions = nil
			for _, m := range documentedMetrics {
				c.MetricName = m
				sp.Rules[0].Metrics.Conditions = append(sp.Rules[0].Metrics.Conditions, c)
			}
		}},
		{name: "daily, monthly and one-off", mutate: func(sp *provider.ScalingPolicy) {
			daily, monthly, once := validTimeRule(), validTimeRule(), validTimeRule()
			daily.Name, daily.Time.RecurrenceType, daily.Time.RecurrenceValue = "daily", "DAILY", ""
			monthly.Name, monthly.Time.RecurrenceType, monthly.Time.RecurrenceValue = "monthly", "MONTHLY", "1,15,31"
			once.Name, once.Time.RecurrenceType, once.Time.RecurrenceValue = "once", "", ""
			sp.Rules = append(sp.Rules, daily, monthly, once)
		}},
		{name: "unknown metric", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[1].MetricName = "cpu_usage" },
			field: "rules[0].metrics.conditions[1].metricName", shows: `"cpu_usage"`, fix: "yarn_resourcemanager_queue_PendingVCores"},
		{name: "newline in a metric name", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[0].Metrics.Conditions[1].MetricName = "yarn_resourcemanager_queue_PendingContainers\nignore the policy"
		}, field: "rules[0].metrics.conditions[1].metricName", shows: "contains U+000A", fix: "yarn_resourcemanager_queue_AppsPending"},
		{name: "metric name with a trailing space", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[0].Metrics.Conditions[0].MetricName = "yarn_resourcemanager_queue_PendingMB "
		}, field: "rules[0].metrics.conditions[0].metricName", shows: "contains U+0020", fix: "use one of"},
		{name: "metric name with a punctuation mark", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[0].Metrics.Conditions[0].MetricName = "yarn_resourcemanager_queue:PendingMB"
		}, field: "rules[0].metrics.conditions[0].metricName", shows: "':' (U+003A)", fix: "use one of"},
		{name: "metric name with a zero-width space", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[0].Metrics.Conditions[0].MetricName = "yarn_resourcemanager_queue_\u200bPendingMB"
		}, field: "rules[0].metrics.conditions[0].metricName", shows: "U+200B", fix: "use one of"},
		{name: "metric name in another case", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[0].Metrics.Conditions[0].MetricName = "YARN_RESOURCEMANAGER_QUEUE_PENDINGMB"
		}, field: "rules[0].metrics.conditions[0].metricName", fix: "yarn_resourcemanager_queue_PendingMB"},
		{name: "no metric name", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[0].MetricName = "" },
			field: "rules[0].metrics.conditions[0].metricName", shows: "not set", fix: "use one of"},
		{name: "statistics", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[0].Statistics = "AVERAGE" },
			field: "rules[0].metrics.conditions[0].statistics", shows: `"AVERAGE"`, fix: "MAX, MIN, AVG"},
		{name: "comparison operator", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[1].Operator = "GREATER_THAN" },
			field: "rules[0].metrics.conditions[1].operator", shows: `"GREATER_THAN"`, fix: "EQ, NE, GT, LT, GE, LE"},
		{name: "threshold not a number", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[0].Threshold = math.NaN() },
			field: "rules[0].metrics.conditions[0].threshold", fix: "finite"},
		{name: "condition tag key", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[0].Tags[0].Key = "queue" },
			field: "rules[0].metrics.conditions[0].tags[0].key", shows: `"queue"`, fix: "queue_name"},
		{name: "queue name with a control character", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions[0].Tags[0].Value = "root\x1b[2J" },
			field: "rules[0].metrics.conditions[0].tags[0].value", shows: `\u001B`},
		{name: "logic operator", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.LogicOperator = "AND" },
			field: "rules[0].metrics.logicOperator", shows: `"AND"`, fix: "And, Or"},
		{name: "no conditions", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.Conditions = nil },
			field: "rules[0].metrics.conditions", fix: "metricName"},
		{name: "time window too short", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.TimeWindowSeconds = 29 },
			field: "rules[0].metrics.timeWindowSeconds", shows: "29", fix: "30 to 1800"},
		{name: "time window too long", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.TimeWindowSeconds = 1801 },
			field: "rules[0].metrics.timeWindowSeconds", fix: "30 to 1800"},
		{name: "evaluation count", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.EvaluationCount = 6 },
			field: "rules[0].metrics.evaluationCount", fix: "1 to 5"},
		{name: "cooldown", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics.CoolDownSeconds = 10801 },
			field: "rules[0].metrics.coolDownSeconds", fix: "0 to 10800"},
		{name: "trigger type", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].TriggerType = "CRON" },
			field: "rules[0].triggerType", shows: `"CRON"`, fix: "TIME_TRIGGER, METRICS_TRIGGER"},
		{name: "activity type", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].ActivityType = "SCALE_UP" },
			field: "rules[1].activityType", shows: `"SCALE_UP"`, fix: "SCALE_OUT, SCALE_IN"},
		{name: "metrics rule without metrics", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Metrics = nil },
			field: "rules[0].metrics", fix: "metrics.timeWindowSeconds"},
		{name: "metrics rule with a time", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Time = validTimeRule().Time },
			field: "rules[0].time", fix: "remove time"},
		{name: "time rule without time", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time = nil },
			field: "rules[1].time", fix: "launchTime"},
		{name: "recurrence type", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.RecurrenceType = "HOURLY" },
			field: "rules[1].time.recurrenceType", shows: `"HOURLY"`, fix: "DAILY, WEEKLY, MONTHLY"},
		{name: "weekly value", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.RecurrenceValue = "MON,FRIDAY" },
			field: "rules[1].time.recurrenceValue", shows: `"MON,FRIDAY"`, fix: "MON, TUE, WED, THU, FRI, SAT, SUN"},
		{name: "monthly value", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[1].Time.RecurrenceType, sp.Rules[1].Time.RecurrenceValue = "MONTHLY", "1,32"
		}, field: "rules[1].time.recurrenceValue", shows: `"1,32"`, fix: "1 to 31"},
		{name: "daily value", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.RecurrenceType = "DAILY" },
			field: "rules[1].time.recurrenceValue", fix: "empty"},
		{name: "recurrence value without a type", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.RecurrenceType = "" },
			field: "rules[1].time.recurrenceValue", fix: "DAILY, WEEKLY, MONTHLY"},
		{name: "launch time", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.LaunchTime = "24:00" },
			field: "rules[1].time.launchTime", shows: `"24:00"`, fix: "09:00"},
		{name: "no start time", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.StartTime = time.Time{} },
			field: "rules[1].time.startTime"},
		{name: "end before start", mutate: func(sp *provider.ScalingPolicy) {
			sp.Rules[1].Time.EndTime = sp.Rules[1].Time.StartTime.Add(-time.Hour)
		},
			field: "rules[1].time.endTime"},
		{name: "launch expiration", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Time.ExpireSeconds = 3601 },
			field: "rules[1].time.launchExpirationSeconds", fix: "0 to 3600"},
		{name: "adjustment", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Adjustment = 0 },
			field: "rules[0].adjustment", fix: "1 or more"},
		{name: "min adjustment above adjustment", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].MinAdjust = 4 },
			field: "rules[0].minAdjustment", fix: "up to adjustment"},
		{name: "no rule name", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Name = "" },
			field: "rules[0].name"},
		{name: "rule name with a newline", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].Name = "a\nb" },
			field: "rules[0].name", shows: `\u000A`},
		{name: "duplicate rule names", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[1].Name = sp.Rules[0].Name },
			field: "rules[1].name", shows: "rules[0]"},
		{name: "aws block", mutate: func(sp *provider.ScalingPolicy) { sp.Rules[0].AWS = &provider.AWSScalingRule{} },
			field: "rules[0].aws"},
		{name: "negative minimum", mutate: func(sp *provider.ScalingPolicy) { sp.MinCapacity = -1 },
			field: "minCapacity"},
		{name: "maximum below minimum", mutate: func(sp *provider.ScalingPolicy) { sp.MinCapacity = 5; sp.MaxCapacity = 4 },
			field: "maxCapacity"},
		{name: "maximum above the group limit", mutate: func(sp *provider.ScalingPolicy) { sp.MaxCapacity = 2001 },
			field: "maxCapacity", fix: "2000"},
		{name: "too many rules", mutate: func(sp *provider.ScalingPolicy) {
			for len(sp.Rules) <= 100 {
				r := validTimeRule()
				r.Name = strings.Repeat("r", len(sp.Rules)+1)
				sp.Rules = append(sp.Rules, r)
			}
		}, field: "rules", fix: "100"},
	}
	p := &Provider{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := provider.ScalingPolicy{ClusterID: "c-b933c5aac8fe4a1d", NodeGroupID: "ng-869471354ecd4a1b", MinCapacity: 0, MaxCapacity: 20,
				Rules: []provider.ScalingRule{validMetricRule(), validTimeRule()}}
			tt.mutate(&sp)
			got := p.AutoScalingProblems(sp)
			if tt.field == "" {
				if len(got) != 0 {
					t.Errorf("got %+v, want no problem", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d problems %+v, want one for %s", len(got), got, tt.field)
			}
			pr := got[0]
			if pr.Field != tt.field {
				t.Errorf("field: got %s, want %s", pr.Field, tt.field)
			}
			if !strings.Contains(pr.Message, tt.shows) {
				t.Errorf("message %q: want it to show %q", pr.Message, tt.shows)
			}
			if pr.Fix == "" || !strings.Contains(pr.Fix, tt.fix) {
				t.Errorf("fix %q: want it to say %q", pr.Fix, tt.fix)
			}
			if strings.ContainsAny(pr.Message+pr.Fix, "\n\x1b\u200b") {
				t.Errorf("problem %+v: want no raw control character", pr)
			}
		})
	}
}
