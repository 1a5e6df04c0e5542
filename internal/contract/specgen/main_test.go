package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/contract"
)

// TestGeneratedFileIsCurrent fails when a contract JSON changed and
// contracts.bin was not regenerated (go generate ./internal/contract).
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := Generate("../data")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../contracts.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("internal/contract/contracts.bin is stale; run go generate ./internal/contract")
	}
}

// TestStringsAreStoredOnce: the placement words every parameter repeats
// ("query", "plain", "*string") are in the string table once.
func TestStringsAreStoredOnce(t *testing.T) {
	st := &strtab{offsets: map[string]int{}}
	s := &contract.Spec{Product: "P", Actions: []*contract.Action{
		{Name: "A", Params: []*contract.Node{{Name: "x", In: "query"}, {Name: "y", In: "query"}}},
		{Name: "B", Params: []*contract.Node{{Name: "z", In: "query"}}},
	}}
	if _, err := encodeSpec(st, s); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(st.buf.String(), "query"); n != 1 {
		t.Errorf("query stored %d times, want 1", n)
	}
}

func TestNullNodeIsAnError(t *testing.T) {
	st := &strtab{offsets: map[string]int{}}
	s := &contract.Spec{Actions: []*contract.Action{{Name: "A", Params: []*contract.Node{nil}}}}
	if _, err := encodeSpec(st, s); err == nil {
		t.Error("a null parameter was encoded")
	}
}
