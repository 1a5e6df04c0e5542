package spark

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// JobKind is the kind of a job spec file.
const JobKind = "SparkJob"

// sqlRunner is the entry point in the engine image that runs the SQL of
// spark.emr.sql.content (the reference's getting-started SQL job).
const (
	sqlRunner     = "local:///tmp/spark-sql.sh"
	sqlContentKey = "spark.emr.sql.content"
)

// jobSpec is a job run as a file (spark job submit -f job.yaml), in the
// words of the flags. Unknown fields are errors.
type jobSpec struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Name       string `yaml:"name"`
	// Type is jar, python (or pyspark) or sql; empty: from the entry
	// point's extension, or sql when SQL is given.
	Type       string `yaml:"type,omitempty"`
	Queue      string `yaml:"queue"`
	Release    string `yaml:"release,omitempty"`
	EntryPoint string `yaml:"entryPoint,omitempty"`
	// SQL is the SQL of a sql job without a file; it runs with the image's
	// SQL runner.
	SQL            string                     `yaml:"sql,omitempty"`
	MainClass      string                     `yaml:"mainClass,omitempty"`
	Args           []string                   `yaml:"args,omitempty"`
	Jars           []string                   `yaml:"jars,omitempty"`
	PyFiles        []string                   `yaml:"pyFiles,omitempty"`
	Files          []string                   `yaml:"files,omitempty"`
	Conf           map[string]string          `yaml:"conf,omitempty"`
	Configurations []provider.SparkConfigItem `yaml:"configurations,omitempty"`
	Tags           map[string]string          `yaml:"tags,omitempty"`
	TimeoutSeconds int                        `yaml:"timeoutSeconds,omitempty"`
	Fusion         *bool                      `yaml:"fusion,omitempty"`
}

// loadJobSpec reads a job spec strictly: one document, known fields only,
// the right apiVersion and kind.
func loadJobSpec(name string, raw []byte) (jobSpec, error) {
	var s jobSpec
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return s, cmdutil.FlagErrorf("%s: empty: a job spec starts with apiVersion: %s and kind: %s", name, spec.APIVersion, JobKind)
		}
		return s, cmdutil.FlagErrorf("%s: %v", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return s, cmdutil.FlagErrorf("%s: holds more than one document: put one job in a file", name)
	}
	if s.APIVersion != spec.APIVersion {
		return s, cmdutil.FlagErrorf("%s: apiVersion %q: want %s", name, s.APIVersion, spec.APIVersion)
	}
	if s.Kind != JobKind {
		return s, cmdutil.FlagErrorf("%s: kind %q: want %s", name, s.Kind, JobKind)
	}
	return s, nil
}

// fieldNames says how an error names a setting: by flag or by file field.
type fieldNames func(field string) string

// flagNames names settings by their flags.
func flagNames(field string) string {
	names := map[string]string{
		"type": "--type", "entryPoint": "--entry-point", "sql": "--sql", "mainClass": "--class", "name": "--name",
		"timeoutSeconds": "--execution-timeout", "configurations": "--file",
	}
	if n, ok := names[field]; ok {
		return n
	}
	return "--" + field
}

// fileNames names settings by the fields of the file.
func fileNames(file string) fieldNames {
	return func(field string) string { return file + ": " + field }
}

// input turns the spec into the engine's input. It settles what the
// engine cannot know: the code type from the entry point, and an inline
// SQL job's runner and setting. Everything else is checked by the engine.
func (s jobSpec) input(name fieldNames) (provider.SparkJobRunInput, error) {
	in := provider.SparkJobRunInput{
		Name: s.Name, Queue: s.Queue, ReleaseVersion: s.Release, EntryPoint: s.EntryPoint, Args: s.Args, MainClass: s.MainClass,
		Jars: s.Jars, PyFiles: s.PyFiles, Files: s.Files, Configurations: s.Configurations, TimeoutSeconds: s.TimeoutSeconds, Fusion: s.Fusion,
	}
	switch {
	case strings.TrimSpace(s.Name) == "":
		return in, cmdutil.FlagErrorf("%s is required: name the job run", name("name"))
	case strings.TrimSpace(s.Queue) == "":
		return in, cmdutil.FlagErrorf("%s is required: a resource queue of the workspace, e.g. root_queue (see 'spark queue list')", name("queue"))
	case s.EntryPoint == "" && s.SQL == "":
		return in, cmdutil.FlagErrorf("%s is required: the jar, Python script or SQL file (oss://bucket/path), or %s with the SQL itself", name("entryPoint"), name("sql"))
	}
	code, err := s.codeType(name)
	if err != nil {
		return in, err
	}
	in.CodeType = code
	if len(s.Conf) > 0 {
		in.Conf = maps.Clone(s.Conf)
	}
	if s.SQL != "" {
		switch {
		case code != provider.SparkCodeSQL:
			return in, cmdutil.FlagErrorf("%s is for sql jobs: drop it, or set %s sql", name("sql"), name("type"))
		case s.EntryPoint != "":
			return in, cmdutil.FlagErrorf("%s and %s both give the SQL: use one (a file of SQL in OSS, or the SQL itself)", name("sql"), name("entryPoint"))
		case in.Conf[sqlContentKey] != "":
			return in, cmdutil.FlagErrorf("%s and the setting %s both give the SQL: use %s", name("sql"), sqlContentKey, name("sql"))
		}
		if in.Conf == nil {
			in.Conf = map[string]string{}
		}
		// The runner reads the SQL from one setting on one line.
		in.EntryPoint, in.Conf[sqlContentKey] = sqlRunner, strings.Join(strings.Fields(s.SQL), " ")
	}
	if len(s.Tags) > 0 {
		for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
			in.Tags = append(in.Tags, provider.Tag{Key: k, Value: s.Tags[k]})
		}
	}
	return in, nil
}

// codeType is the API's codeType for the spec's type, or the one its
// entry point implies.
func (s jobSpec) codeType(name fieldNames) (string, error) {
	switch strings.ToLower(s.Type) {
	case "jar":
		return provider.SparkCodeJAR, nil
	case "python", "pyspark":
		return provider.SparkCodePython, nil
	case "sql":
		return provider.SparkCodeSQL, nil
	case "":
	default:
		return "", cmdutil.FlagErrorf("%s %q: use jar, python or sql", name("type"), s.Type)
	}
	if s.SQL != "" {
		return provider.SparkCodeSQL, nil
	}
	switch strings.ToLower(path.Ext(s.EntryPoint)) {
	case ".jar":
		return provider.SparkCodeJAR, nil
	case ".py":
		return provider.SparkCodePython, nil
	case ".sql":
		return provider.SparkCodeSQL, nil
	}
	return "", cmdutil.FlagErrorf("%s is required: jar, python or sql (it cannot be told from %s %q)", name("type"), name("entryPoint"), s.EntryPoint)
}
