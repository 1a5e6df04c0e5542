package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/emrctl/emrctl/internal/contract"
)

// TestGeneratedFilesAreCurrent fails when a contract changed and the wire
// structs were not regenerated (go generate ./internal/wire).
func TestGeneratedFilesAreCurrent(t *testing.T) {
	for p, pkg := range map[contract.Product]string{
		contract.EMR: "emrwire", contract.VPC: "vpcwire", contract.ECS: "ecswire", contract.Spark: "sparkwire",
	} {
		spec := contract.MustLoad(p)
		want, err := Generate(spec, pkg)
		if err != nil {
			t.Fatalf("Generate(%s): %v", p, err)
		}
		got, err := os.ReadFile("../../internal/wire/" + pkg + "/wire_gen.go")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("internal/wire/%s/wire_gen.go is stale; run go generate ./internal/wire", pkg)
		}
	}
}
