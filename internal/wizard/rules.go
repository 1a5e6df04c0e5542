package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// The wizard holds no rule of its own: every answer is checked by building
// the spec it leads to and running spec.Validate, keeping the problems of
// the fields the question sets. What the person sees is the message every
// other surface shows.

// problemsAt returns the problems Validate finds at the given paths (the
// path itself or a field or item under it).
func problemsAt(c *spec.Cluster, withWarnings bool, paths ...string) spec.Problems {
	var out spec.Problems
	for _, p := range spec.Validate(c, spec.DefaultValidateOptions()) {
		if p.Severity == spec.Warning && !withWarnings {
			continue
		}
		if slices.ContainsFunc(paths, func(want string) bool { return under(p.Path, want) }) {
			out = append(out, p)
		}
	}
	return out
}

func under(path, want string) bool {
	if !strings.HasPrefix(path, want) {
		return false
	}
	rest := path[len(want):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// componentRules are the rules about the selection of components.
func componentRules() []string {
	return []string{"applications-required", "component-unknown", "component-duplicate", "component-dependency",
		"component-exclusive", "component-cluster-type", "ha-zookeeper"}
}

// componentProblems checks a selection of components for a cluster type
// and deploy mode, after the defaults (MYSQL with HIVE) are applied.
func componentProblems(t spec.ClusterType, mode spec.DeployMode, apps []string) spec.Problems {
	c := &spec.Cluster{
		APIVersion: spec.APIVersion, Kind: spec.KindCluster, Provider: spec.ProviderAliyun,
		ClusterType: t, DeployMode: mode, Applications: slices.Clone(apps),
	}
	spec.SetDefaults(c)
	var out spec.Problems
	for _, p := range spec.Validate(c, spec.DefaultValidateOptions()) {
		if p.Severity == spec.Error && slices.Contains(componentRules(), p.Rule) {
			out = append(out, p)
		}
	}
	return out
}

// describe lists problems one per line, each with its fix.
func describe(ps spec.Problems) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Message
		if p.Fix != "" {
			lines[i] += " (fix: " + p.Fix + ")"
		}
	}
	return strings.Join(lines, "\n")
}

// asError turns the problems into the error of a Check, nil when there are
// none.
func asError(ps spec.Problems) error {
	if len(ps) == 0 {
		return nil
	}
	return errors.New(describe(ps))
}

// checkText turns a refusal of the validate package into an error.
func checkText(e *validate.Error) error {
	if e == nil {
		return nil
	}
	msg := e.Rule
	if e.Fix != "" {
		msg += " (" + e.Fix + ")"
	}
	return errors.New(msg)
}

// jdbcURL is the JDBC URL of the RDS metastore: the address with MySQL's
// port unless one is given, the database, and the options the templates
// of cluster-lifecycle.md use.
func jdbcURL(address, database string) string {
	if address == "" {
		return ""
	}
	if !strings.Contains(address, ":") {
		address += ":3306"
	}
	return fmt.Sprintf("jdbc:mysql://%s/%s?createDatabaseIfNotExist=true&characterEncoding=UTF-8", address, database)
}

// envFeedback reminds the person to export a password variable: only
// whether it is set is looked at, never its value.
func (f *Flow) envFeedback(name string) string {
	if name == "" {
		return ""
	}
	if _, ok := f.o.LookupEnv(name); ok {
		return "$" + name + " is set in this environment."
	}
	return "$" + name + " is not set here: export it before creating, or the plan stops."
}
