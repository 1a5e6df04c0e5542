package emulator

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What a job run asks for (its spark-submit parameters) and how it will
// end: the emulator decides the outcome at submission, deterministically,
// from the account's OSS objects and the queue.

// Nominal durations of a job run on the real cloud; the clock scales them.
const (
	jobPendingAfter   = 5 * time.Second
	jobRunningAfter   = 30 * time.Second
	jobNoResourcesFor = 90 * time.Second
	jobBadClassAfter  = 15 * time.Second
	jobSQLErrorAfter  = 20 * time.Second
	jobCancellingFor  = 10 * time.Second
)

// jobRunFor is how long a job that succeeds runs, by code type.
var jobRunFor = map[string]time.Duration{"SQL": time.Minute, "PYTHON": 2 * time.Minute, "JAR": 3 * time.Minute}

// sqlRunner is the entry point of SQL jobs in the image (the skill's
// getting-started), which runs the SQL of spark.emr.sql.content.
const (
	sqlRunner     = "local:///tmp/spark-sql.sh"
	sqlContentKey = "spark.emr.sql.content"
)

// confItem is one --conf key=value.
type confItem struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// jobSpec is what a job's spark-submit parameters ask for.
type jobSpec struct {
	MainClass      string     `json:"mainClass,omitempty"`
	Conf           []confItem `json:"conf,omitempty"`
	Options        []confItem `json:"options,omitempty"` // other --flags: --jars, --files, --py-files
	DriverCores    float64    `json:"driverCores"`
	DriverMemGiB   float64    `json:"driverMemGiB"`
	ExecutorCores  float64    `json:"executorCores"`
	ExecutorMemGiB float64    `json:"executorMemGiB"`
	Executors      int        `json:"executors"`
}

func (s *jobSpec) conf(key string) (string, bool) {
	for i := len(s.Conf) - 1; i >= 0; i-- {
		if s.Conf[i].Key == key {
			return s.Conf[i].Value, true
		}
	}
	return "", false
}

// podCU is the CU of one pod: 1 CU is 1 core and 4 GiB.
func podCU(cores, memGiB float64) float64 { return math.Max(cores, memGiB/4) }

func (s *jobSpec) driverCU() float64 { return podCU(s.DriverCores, s.DriverMemGiB) }

func (s *jobSpec) cu() float64 {
	return s.driverCU() + float64(s.Executors)*podCU(s.ExecutorCores, s.ExecutorMemGiB)
}

// submitFlags maps spark-submit's resource flags to their Spark conf.
var submitFlags = map[string]string{
	"--driver-cores": "spark.driver.cores", "--driver-memory": "spark.driver.memory",
	"--executor-cores": "spark.executor.cores", "--executor-memory": "spark.executor.memory",
	"--num-executors": "spark.executor.instances", "--name": "spark.app.name",
}

// parseSubmit reads sparkSubmitParameters. A --conf value runs to the next
// --flag, as the service reads it: the skill's getting-started passes
// --conf spark.emr.sql.content=SELECT 1 as test_value unquoted.
func parseSubmit(params string) (jobSpec, error) {
	spec := jobSpec{DriverCores: 1, DriverMemGiB: 4, ExecutorCores: 1, ExecutorMemGiB: 4, Executors: 2}
	toks, err := shellWords(params)
	if err != nil {
		return spec, err
	}
	for i := 0; i < len(toks); i++ {
		flag := toks[i]
		if !strings.HasPrefix(flag, "--") {
			return spec, fmt.Errorf("unexpected %q: every value must follow a --flag (the entry point goes in jobDriver.sparkSubmit.entryPoint, its arguments in entryPointArguments)", flag)
		}
		j := i + 1
		for j < len(toks) && !strings.HasPrefix(toks[j], "--") {
			j++
		}
		if j == i+1 {
			return spec, fmt.Errorf("%s needs a value", flag)
		}
		val := strings.Join(toks[i+1:j], " ")
		if flag != "--conf" && j > i+2 {
			return spec, fmt.Errorf("%s takes one value, got %q", flag, val)
		}
		i = j - 1
		switch {
		case flag == "--class":
			spec.MainClass = val
		case flag == "--conf":
			k, v, ok := strings.Cut(val, "=")
			if !ok || k == "" {
				return spec, fmt.Errorf("--conf %q is not key=value", val)
			}
			spec.Conf = append(spec.Conf, confItem{Key: k, Value: v})
		case submitFlags[flag] != "":
			spec.Conf = append(spec.Conf, confItem{Key: submitFlags[flag], Value: val})
		default:
			spec.Options = append(spec.Options, confItem{Key: flag, Value: val})
		}
	}
	return spec, spec.resources()
}

// resources reads the driver and executor sizes from the conf.
func (s *jobSpec) resources() error {
	for _, r := range []struct {
		key  string
		into *float64
		mem  bool
	}{
		{"spark.driver.cores", &s.DriverCores, false}, {"spark.driver.memory", &s.DriverMemGiB, true},
		{"spark.executor.cores", &s.ExecutorCores, false}, {"spark.executor.memory", &s.ExecutorMemGiB, true},
	} {
		v, ok := s.conf(r.key)
		if !ok {
			continue
		}
		n, err := parseSize(v, r.mem)
		if err != nil || n <= 0 {
			return fmt.Errorf("%s=%s is not a valid %s", r.key, v, map[bool]string{true: "memory size such as 8g", false: "number of cores"}[r.mem])
		}
		*r.into = n
	}
	if v, ok := s.conf("spark.executor.instances"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("spark.executor.instances=%s is not a whole number", v)
		}
		s.Executors = n
	}
	return nil
}

// parseSize reads cores, or a JVM memory size in GiB (8g, 512m, a bare
// number is MiB as in Spark).
func parseSize(v string, mem bool) (float64, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if !mem {
		return strconv.ParseFloat(v, 64)
	}
	unit := 1.0 / 1024
	switch {
	case strings.HasSuffix(v, "g"), strings.HasSuffix(v, "gb"):
		unit, v = 1, strings.TrimRight(v, "gb")
	case strings.HasSuffix(v, "m"), strings.HasSuffix(v, "mb"):
		v = strings.TrimRight(v, "mb")
	case strings.HasSuffix(v, "t"), strings.HasSuffix(v, "tb"):
		unit, v = 1024, strings.TrimRight(v, "tb")
	}
	n, err := strconv.ParseFloat(v, 64)
	return n * unit, err
}

// shellWords splits a command line as a shell would, honouring quotes.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unbalanced %c quote", quote)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// program is what an entry point runs.
type program struct {
	found     bool
	classes   []string // nil: any class (a jar in the image)
	mainClass string
	streaming bool
	output    []string
}

// entryProgram resolves an entry point. A malformed one is refused at
// submission; one that does not exist is found missing only when the
// driver starts, as on the real service.
func entryProgram(acct *sparkAccountRec, entry string) (program, error) {
	switch {
	case strings.HasPrefix(entry, "local://"):
		return program{found: true, output: []string{"done"}}, nil
	case strings.HasPrefix(entry, "oss://"):
	default:
		return program{}, errInvalidParameter("jobDriver.sparkSubmit.entryPoint %q must be an oss://<bucket>/<path> file or a local:// path in the image (such as %s)", entry, sqlRunner)
	}
	bucket, key, err := ossPath(entry)
	if err != nil {
		return program{}, errInvalidParameter("jobDriver.sparkSubmit.entryPoint: %v", err)
	}
	b, ok := acct.bucket(bucket)
	if !ok {
		return program{}, nil
	}
	o, ok := b.object(key)
	if !ok {
		return program{}, nil
	}
	return program{found: true, classes: o.Classes, mainClass: o.MainClass, streaming: o.Streaming, output: o.Output}, nil
}

// planJob fixes a job run's timeline and, for the failure classes of the
// skill, how it fails: a queue too small for the driver (Pending, then
// Failed, no logs), an entry point missing in OSS (Failed when the driver
// starts, no logs), a main class the jar lacks (Failed after starting,
// stderr says why), SQL that does not run, and a run longer than
// executionTimeoutSeconds.
func planJob(c *call, acct *sparkAccountRec, q *queueRec, j *jobRunRec, prog program) {
	j.SubmittedAt = c.now
	j.PendingAt = c.now.Add(c.scale(jobPendingAfter))
	j.RunningAt = c.now.Add(c.scale(jobRunningAfter))
	if limit := float64(max(q.CU, q.MaxCU)); limit < j.Spec.driverCU() {
		j.fail(j.PendingAt.Add(c.scale(jobNoResourcesFor)), "QueueResourceInsufficient",
			fmt.Sprintf("queue %s has %g CU but the driver alone needs %g CU; scale the queue up (EditWorkspaceQueue) or ask for a smaller driver", q.Name, limit, j.Spec.driverCU()))
		j.NoLogs = true
		return
	}
	if !prog.found {
		j.fail(j.RunningAt, "EntryPointNotFound", fmt.Sprintf("java.io.FileNotFoundException: %s (No such file or directory): upload the file to OSS or correct entryPoint", j.EntryPoint))
		j.NoLogs = true
		return
	}
	if msg := classProblem(j, prog); msg != "" {
		j.fail(j.RunningAt.Add(c.scale(jobBadClassAfter)), "ClassNotFound", msg)
		return
	}
	j.Stdout = prog.output
	if j.CodeType == "SQL" && j.EntryPoint == sqlRunner {
		sql, _ := j.Spec.conf(sqlContentKey)
		out, serr := runSQL(sql, 1000)
		if serr != nil {
			j.fail(j.RunningAt.Add(c.scale(jobSQLErrorAfter)), "SQLError", serr.Code+": "+serr.Message)
			return
		}
		j.Stdout = sqlText(out)
	}
	runFor := jobRunFor[j.CodeType]
	timeout := time.Duration(j.TimeoutSeconds) * time.Second
	if timeout > 0 && (prog.streaming || runFor > timeout) {
		j.fail(j.RunningAt.Add(c.scale(timeout)), "ExecutionTimeout", fmt.Sprintf("the job run exceeded executionTimeoutSeconds (%d s) and was stopped", j.TimeoutSeconds))
		return
	}
	if !prog.streaming {
		j.EndAt = j.RunningAt.Add(c.scale(runFor))
	}
}

func (j *jobRunRec) fail(at time.Time, code, msg string) {
	j.EndAt, j.FailCode, j.FailMessage = at, code, msg
}

// classProblem checks the main class of a JAR job against the jar.
func classProblem(j *jobRunRec, prog program) string {
	if j.CodeType != "JAR" {
		return ""
	}
	cls := j.Spec.MainClass
	if cls == "" {
		cls = prog.mainClass
	}
	if cls == "" {
		return "No main class set in JAR; please specify one with --class."
	}
	if prog.classes != nil && !slices.Contains(prog.classes, cls) {
		return fmt.Sprintf("java.lang.ClassNotFoundException: %s (the jar %s has no such class; check --class)", cls, j.EntryPoint)
	}
	return ""
}
