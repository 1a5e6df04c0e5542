package engine

import (
	"errors"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// checkInput turns validation failures into one InputError naming every
// field, or returns nil.
func checkInput(errs ...*validate.Error) error {
	var out InputError
	for _, e := range errs {
		if e != nil {
			out.Problems = append(out.Problems, FieldProblem{Field: e.Field, Problem: problemText(e), Fix: e.Fix})
		}
	}
	if len(out.Problems) == 0 {
		return nil
	}
	return &out
}

func problemText(e *validate.Error) string {
	if e.Value == "" {
		return e.Rule
	}
	return e.Rule + " (got " + quote(e.Value) + ")"
}

func quote(s string) string { return "\"" + s + "\"" }

// checkClusterID validates a cluster ID by the provider's format.
func checkClusterID(prov, id string) error {
	kind := validate.ClusterID
	if prov == provider.AWS {
		kind = validate.AWSClusterID
	}
	return checkInput(validate.ID(kind, "cluster ID", id))
}

// asInputError reports whether err is bad input found before sending.
func asInputError(err error) (*InputError, bool) {
	var ie *InputError
	ok := errors.As(err, &ie)
	return ie, ok
}
