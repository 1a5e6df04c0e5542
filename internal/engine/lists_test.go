package engine

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestDistinct(t *testing.T) {
	got, err := distinct("keyPairNames", []string{"a", "b", "a", "c", "b"})
	if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("distinct: got %v, %v; want [a b c]", got, err)
	}
	same := make([]string, 500)
	for i := range same {
		same[i] = "k"
	}
	if got, err := distinct("keyPairNames", same); err != nil || len(got) != 1 {
		t.Errorf("500 copies of one name: got %v, %v; want one name", got, err)
	}
	many := make([]string, MaxListItems+1)
	for i := range many {
		many[i] = fmt.Sprint("k", i)
	}
	_, err = distinct("keyPairNames", many)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Problems[0].Field != "keyPairNames" {
		t.Errorf("%d names: got %v, want an input error naming keyPairNames", len(many), err)
	}
}

func TestSparkIDs(t *testing.T) {
	for _, tc := range []struct {
		field, id string
		ok        bool
	}{
		{"job run ID", "jr-1fe145df8ade366a", true},
		{"job run ID", "null", false},
		{"Kyuubi service ID", "kb-070104e7631242448d12a1377c3", true},
		{"Kyuubi service ID", "jr-1fe145df8ade366a", false},
		{"statement ID", "st-1231311abadfaa", true},
		{"token ID", "lctk-xxxxxxxx", true},
		{"session cluster ID", "sc-123131", true},
		{"session cluster ID", "-rf", false},
	} {
		if err := sparkID(tc.field, tc.id); (err == nil) != tc.ok {
			t.Errorf("sparkID(%q, %q) = %v, want ok=%v", tc.field, tc.id, err, tc.ok)
		}
	}
}
