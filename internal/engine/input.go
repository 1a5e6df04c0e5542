package engine

import (
	"errors"

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

// idCheck validates one identifier with the provider's format (check),
// or only that it is given when the provider has none.
func idCheck(check func(field, id string) *validate.Error, field, id string) *validate.Error {
	if check != nil {
		return check(field, id)
	}
	if id == "" {
		return &validate.Error{Field: field, Rule: "is required", Fix: "give the " + field}
	}
	return nil
}

// clusterID validates a cluster ID in the provider's format.
func (e *Engine) clusterID(id string) *validate.Error {
	return idCheck(e.Traits().CheckClusterID, "cluster ID", id)
}

// groupID validates a node group ID in the provider's format.
func (e *Engine) groupID(field, id string) *validate.Error {
	return idCheck(e.Traits().CheckNodeGroupID, field, id)
}

// nodeID validates a node ID in the provider's format.
func (e *Engine) nodeID(field, id string) *validate.Error {
	return idCheck(e.Traits().CheckNodeID, field, id)
}

// checkClusterID validates a cluster ID before anything is sent.
func (e *Engine) checkClusterID(id string) error { return checkInput(e.clusterID(id)) }

// checkGroup validates a cluster and node group ID pair.
func (e *Engine) checkGroup(clusterID, groupID string) error {
	return checkInput(e.clusterID(clusterID), e.groupID("node group ID", groupID))
}

// asInputError reports whether err is bad input found before sending.
func asInputError(err error) (*InputError, bool) {
	var ie *InputError
	ok := errors.As(err, &ie)
	return ie, ok
}
