package spec

// Severity says whether a problem blocks a create.
type Severity int

// Severities.
const (
	// Error blocks: the request would fail or do something unsafe.
	Error Severity = iota
	// Warning is advice: the request works but is likely not what is wanted.
	Warning
)

// Problem is one finding of Validate.
type Problem struct {
	// Path is the field, e.g. nodeGroups[1].vSwitchIds.
	Path    string
	Message string
	// Fix says what to change.
	Fix      string
	Severity Severity
	// Rule is a stable identifier of the rule (see Rules).
	Rule string
}

// Problems is every finding of one Validate run, in spec order.
type Problems []Problem

// Errors returns the problems of severity Error.
func (ps Problems) Errors() Problems { return ps.filter(Error) }

// Warnings returns the problems of severity Warning.
func (ps Problems) Warnings() Problems { return ps.filter(Warning) }

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}
