package spec

import (
	"strings"
	"time"
)

// These helpers hold the pure parts of the AWS mapping, so the AWS provider
// adapter only translates them into SDK types.

// CommandRunnerJar is the EMR jar that runs spark-submit, hive-script and
// other commands as a step.
const CommandRunnerJar = "command-runner.jar"

// HadoopJarStep returns the jar, main class and arguments of the step's
// HadoopJarStepConfig. Typed steps run through command-runner.jar; every
// argument stays one argument (nothing is split or joined).
func (s AWSStep) HadoopJarStep() (jar, mainClass string, args []string) {
	spark := func(code string) []string {
		out := []string{"spark-submit"}
		if s.DeployMode != "" {
			out = append(out, "--deploy-mode", string(s.DeployMode))
		}
		for _, k := range sortedKeys(s.SparkConf) {
			out = append(out, "--conf", k+"="+s.SparkConf[k])
		}
		if s.MainClass != "" {
			out = append(out, "--class", s.MainClass)
		}
		return append(out, code)
	}
	switch s.Type {
	case StepSpark:
		return CommandRunnerJar, "", append(spark(s.Jar), s.Args...)
	case StepPySpark:
		return CommandRunnerJar, "", append(spark(s.Script), s.Args...)
	case StepHive:
		return CommandRunnerJar, "", append([]string{"hive-script", "--run-hive-script", "--args", "-f", s.Script}, s.Args...)
	case StepJar:
		return s.Jar, s.MainClass, append([]string(nil), s.Args...)
	case StepCommand:
		return CommandRunnerJar, "", append([]string{s.Command}, s.Args...)
	}
	return "", "", nil
}

// AWSMarket returns the market (ON_DEMAND or SPOT) and bid price of an
// instance group. SpotAsPriceGo means SPOT capped at the on-demand price
// (no bid price).
func (g NodeGroup) AWSMarket() (market, bidPrice string) {
	if g.Spot == nil || g.Spot.Strategy == "" || g.Spot.Strategy == NoSpot {
		return "ON_DEMAND", ""
	}
	return "SPOT", g.Spot.BidPrice
}

// AWSArgs splits a bootstrap script's args on white space into the
// arguments of an AWS bootstrap action.
func (b BootstrapScript) AWSArgs() []string { return strings.Fields(b.Args) }

// IdleTimeout returns AutoTerminationIdleTimeout, ok false when unset or
// invalid (Validate reports the latter).
func (a *AWS) IdleTimeout() (time.Duration, bool) {
	if a == nil || a.AutoTerminationIdleTimeout == "" {
		return 0, false
	}
	d, err := time.ParseDuration(a.AutoTerminationIdleTimeout)
	return d, err == nil
}
