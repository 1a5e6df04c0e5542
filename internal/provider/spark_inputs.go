package provider

import (
	"crypto/rand"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/validate"
)

// SparkJobRunInput is a job run to submit. The spark-submit parameters
// are built from MainClass, Jars, PyFiles, Files and Conf, so that every
// location and setting can be checked before anything is sent; Args are
// passed one by one, never split.
type SparkJobRunInput struct {
	Name string `json:"name"`
	// CodeType is JAR, PYTHON or SQL.
	CodeType       string `json:"codeType"`
	Queue          string `json:"queue"`
	ReleaseVersion string `json:"releaseVersion,omitempty"`
	// EntryPoint is the jar, Python script or SQL file (oss://...).
	EntryPoint string   `json:"entryPoint"`
	Args       []string `json:"args,omitempty"`
	MainClass  string   `json:"mainClass,omitempty"`
	Jars       []string `json:"jars,omitempty"`
	PyFiles    []string `json:"pyFiles,omitempty"`
	Files      []string `json:"files,omitempty"`
	// Conf holds --conf settings, sent in key order.
	Conf map[string]string `json:"conf,omitempty"`
	// Configurations override configuration files (configurationOverrides).
	Configurations []SparkConfigItem `json:"configurations,omitempty"`
	Tags           []Tag             `json:"tags,omitempty"`
	Fusion         *bool             `json:"fusion,omitempty"`
	TimeoutSeconds int               `json:"executionTimeoutSeconds,omitempty"`
	ClientToken    string            `json:"clientToken,omitempty"`
}

// paramWords returns the spark-submit options, in a stable order.
func (j SparkJobRunInput) paramWords() []string {
	var w []string
	if j.MainClass != "" {
		w = append(w, "--class", j.MainClass)
	}
	for _, l := range []struct {
		flag  string
		paths []string
	}{{"--jars", j.Jars}, {"--py-files", j.PyFiles}, {"--files", j.Files}} {
		if len(l.paths) > 0 {
			w = append(w, l.flag, strings.Join(l.paths, ","))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(j.Conf)) {
		w = append(w, "--conf", k+"="+j.Conf[k])
	}
	return w
}

// SubmitParameters is the sparkSubmitParameters text StartJobRun sends:
// the options joined by spaces, unquoted, as the reference sends them
// ("--conf spark.emr.sql.content=SELECT 1 as test_value"). Problems
// refuses a word that would read as a further option there.
func (j SparkJobRunInput) SubmitParameters() string { return strings.Join(j.paramWords(), " ") }

// SparkSubmit returns the command equivalent to the job run, quoted for a
// POSIX shell: what a person confirms before submitting. A SQL job runs
// its file with spark-sql -f.
func (j SparkJobRunInput) SparkSubmit() string {
	if j.CodeType == SparkCodeSQL {
		cmd := append([]string{"spark-sql"}, j.paramWords()...)
		return ShellJoin(append(append(cmd, "-f", j.EntryPoint), j.Args...))
	}
	cmd := append([]string{"spark-submit"}, j.paramWords()...)
	return ShellJoin(append(append(cmd, j.EntryPoint), j.Args...))
}

// problems collects Problems with their fields.
type problems []Problem

func (p *problems) add(field, msg, fix string) {
	*p = append(*p, Problem{Field: field, Message: msg, Fix: fix})
}

func (p *problems) required(field, v, fix string) {
	if strings.TrimSpace(v) == "" {
		p.add(field, "is required", fix)
	}
}

// Problems returns what the service would refuse in the job run, each
// with its field and fix; nothing is sent.
func (j SparkJobRunInput) Problems() []Problem {
	var p problems
	p.required("name", j.Name, "name the job run (the service refuses a run without one)")
	if !slices.Contains(SparkCodeTypes(), j.CodeType) {
		p.add("codeType", fmt.Sprintf("%q is not a code type", validate.Render(j.CodeType)), "use JAR, PYTHON or SQL")
	}
	p.required("queue", j.Queue, "name a resource queue of the workspace, e.g. root_queue (list them with the workspace's queues)")
	p.required("entryPoint", j.EntryPoint, "give the jar, Python script or SQL file, e.g. oss://bucket/app.jar")
	if j.MainClass != "" && j.CodeType != SparkCodeJAR {
		p.add("mainClass", "applies to JAR jobs only", "drop mainClass, or set codeType JAR")
	}
	for _, k := range slices.Sorted(maps.Keys(j.Conf)) {
		if k == "" || strings.ContainsAny(k, " \t\n=") {
			p.add("conf", fmt.Sprintf("key %q is not a Spark setting name", validate.Render(k)), "use names like spark.executor.memory, without spaces or '='")
		}
		if smuggles(j.Conf[k]) {
			p.add("conf", fmt.Sprintf("the value of %s holds a space before '-': the service would read the rest as another option", validate.Render(k)), "remove it; for SQL with comments, put the SQL in a file and submit it as the entry point")
		}
	}
	if strings.ContainsAny(j.MainClass, " \t\n") {
		p.add("mainClass", "contains a space", "give the class name only, e.g. com.example.Main")
	}
	for _, l := range []struct {
		field string
		paths []string
	}{{"jars", j.Jars}, {"pyFiles", j.PyFiles}, {"files", j.Files}} {
		for _, path := range l.paths {
			if path == "" || strings.ContainsAny(path, " \t\n,") {
				p.add(l.field, fmt.Sprintf("%q is not a file location", validate.Render(path)), "give oss://bucket/path locations without spaces or commas, one per entry")
			}
		}
	}
	if j.TimeoutSeconds < 0 {
		p.add("executionTimeoutSeconds", "must not be negative", "use 0 for no timeout, or a number of seconds")
	}
	return p
}

// smuggles reports whether v, sent unquoted among the spark-submit
// options, would start another option: whitespace followed by '-'.
func smuggles(v string) bool {
	f := strings.Fields(v)
	for _, w := range f[min(1, len(f)):] {
		if strings.HasPrefix(w, "-") {
			return true
		}
	}
	return false
}

// Problems returns what the service would refuse in a new workspace.
func (w SparkWorkspaceInput) Problems() []Problem {
	var p problems
	p.required("name", w.Name, "name the workspace")
	if !strings.HasPrefix(w.OSSBucket, "oss://") || len(strings.Trim(strings.TrimPrefix(w.OSSBucket, "oss://"), "/")) == 0 {
		p.add("ossBucket", fmt.Sprintf("%q is not an OSS bucket path", validate.Render(w.OSSBucket)), "write oss://<bucket-name>/, a bucket of the account in the workspace's region")
	}
	p.required("ramRole", w.RAMRole, "use AliyunEMRSparkJobRunDefaultRole (authorize it once in the EMR Serverless Spark console)")
	switch w.PaymentType {
	case SparkPayAsYouGo:
		if w.Subscription != nil {
			p.add("subscription", "applies to Subscription workspaces only", "drop it, or set paymentType Subscription")
		}
	case SparkPrepaid:
		if w.Subscription == nil || w.Subscription.Duration <= 0 || w.Subscription.Unit == "" {
			p.add("subscription", "a Subscription workspace needs a term", "give subscription.duration and subscription.unit (Month or Year)")
		}
	default:
		p.add("paymentType", fmt.Sprintf("%q is not a billing method", validate.Render(w.PaymentType)), "use PayAsYouGo or Subscription")
	}
	if w.CU <= 0 {
		p.add("cu", "must be a positive number of CU", "e.g. 8 for development (1 CU = 1 core and 4 GiB)")
	}
	return p
}

// Problems returns what the service would refuse in a queue change.
func (q SparkQueueEdit) Problems() []Problem {
	var p problems
	p.required("workspaceId", q.WorkspaceID, "name the workspace")
	p.required("queue", q.Queue, "name the queue, e.g. dev_queue")
	if q.CU <= 0 {
		p.add("cu", "must be a positive number of CU", "give the queue's new capacity in CU")
	}
	if q.MaxCU != 0 && q.MaxCU < q.CU {
		p.add("maxCu", fmt.Sprintf("%d is below cu %d", q.MaxCU, q.CU), "set maxCu to at least cu, or leave it out")
	}
	return p
}

// Problems returns what the service would refuse in a Kyuubi service;
// update says whether it is an update (which needs Name and Queue).
func (k SparkKyuubiInput) Problems(update bool) []Problem {
	var p problems
	if update {
		p.required("name", k.Name, "repeat the service's name: the service refuses an update without it")
		p.required("queue", k.Queue, "repeat the service's queue: the service refuses an update without it")
	} else if k.Restart != nil {
		p.add("restart", "applies to updates only", "leave it out")
	}
	if k.Replica < 0 {
		p.add("replica", "must not be negative", "use 0 for the default, or a number of replicas")
	}
	return p
}

// SparkTokenLength is the length of a Kyuubi token value.
const SparkTokenLength = 32

// Problems returns what the service would refuse in a Kyuubi token; create
// says whether a value is required. The value is never shown.
func (t SparkKyuubiTokenInput) Problems(create bool) []Problem {
	var p problems
	if create && t.Value == "" {
		p.add("token", "is required", "let emrctl generate one, or give 32 lowercase letters and digits")
	}
	if t.Value != "" && !tokenValue(t.Value) {
		p.add("token", fmt.Sprintf("must be %d lowercase letters and digits (the value is not shown)", SparkTokenLength), "let emrctl generate one")
	}
	if t.ExpireDays < 0 {
		p.add("expireDays", "must not be negative", "use 0 for a token that does not expire, or a number of days")
	}
	return p
}

func tokenValue(v string) bool {
	if len(v) != SparkTokenLength {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// NewSparkTokenValue returns a random Kyuubi token value: 32 lowercase
// letters and digits, as the service requires.
func NewSparkTokenValue() (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, SparkTokenLength)
	// Rejection sampling keeps every character equally likely.
	for i := 0; i < len(b); {
		var one [1]byte
		if _, err := rand.Read(one[:]); err != nil {
			return "", fmt.Errorf("generate a Kyuubi token: %w", err)
		}
		if int(one[0]) >= 256/len(alphabet)*len(alphabet) {
			continue
		}
		b[i] = alphabet[int(one[0])%len(alphabet)]
		i++
	}
	return string(b), nil
}

// Problems returns what the service would refuse in a session cluster.
func (s SparkSessionInput) Problems() []Problem {
	var p problems
	p.required("name", s.Name, "name the session cluster")
	p.required("queue", s.Queue, "name a resource queue of the workspace, e.g. root_queue")
	if s.Kind != "" && s.Kind != SparkSessionSQL && s.Kind != SparkSessionNotebook {
		p.add("kind", fmt.Sprintf("%q is not a session kind", validate.Render(s.Kind)), "use SQL or NOTEBOOK")
	}
	if s.AutoStopMinutes < 0 {
		p.add("autoStopMinutes", "must not be negative", "use 0 to keep the session up, or a number of idle minutes")
	}
	return p
}

// Problems returns what the service would refuse in a SQL statement.
func (s SparkStatementInput) Problems() []Problem {
	var p problems
	p.required("sessionId", s.SessionID, "name a running session cluster")
	p.required("sql", s.SQL, "give the SQL to run")
	if s.Limit < 0 || s.Limit > 10000 {
		p.add("limit", fmt.Sprintf("%d is outside 1-10000", s.Limit), "use 1 to 10000, or 0 for the service's 1000")
	}
	return p
}

// Problems returns what the service would refuse in a CU-hours query: the
// window must be ordered and at most a month long.
func (q SparkCUHoursQuery) Problems() []Problem {
	var p problems
	p.required("workspaceId", q.WorkspaceID, "name the workspace")
	p.required("queue", q.Queue, "name the queue, e.g. root_queue")
	switch {
	case q.Start.IsZero() || q.End.IsZero():
		p.add("start", "the window needs a start and an end", "give both, at most a month apart")
	case !q.End.After(q.Start):
		p.add("end", "is not after start", "give an end later than the start")
	case q.End.After(q.Start.AddDate(0, 1, 0)):
		p.add("end", fmt.Sprintf("the window is %s long; the service answers at most a month", q.End.Sub(q.Start).Round(time.Hour)), "query month by month")
	}
	return p
}

// Problems returns what the service would refuse in a log query.
func (q SparkLogQuery) Problems() []Problem {
	var p problems
	p.required("workspaceId", q.WorkspaceID, "name the workspace")
	if !strings.HasPrefix(q.File, "oss://") {
		p.add("file", "is not an OSS path", "read logs of a finished run: its log paths are oss://... (a running run shows a Spark UI link instead)")
	}
	if q.Offset < 0 {
		p.add("offset", "must not be negative", "start at line 0 or later")
	}
	if q.Length <= 0 {
		p.add("length", "must be a positive number of lines", "e.g. 9999")
	}
	return p
}
