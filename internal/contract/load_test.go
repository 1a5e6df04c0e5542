package contract

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestEncodedMatchesJSON fails when contracts.bin no longer says what the
// JSON contracts say (run go generate ./internal/contract).
func TestEncodedMatchesJSON(t *testing.T) {
	for _, p := range Products {
		raw, err := os.ReadFile("data/" + string(p) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var want Spec
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		want.index()
		got := MustLoad(p)
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: contracts.bin differs from data/%s.json; run go generate ./internal/contract", p, p)
		}
	}
}

// TestLoadPreparesOnlyThatProduct: a command that calls one product must
// not pay for the others. It runs in a child process, where no other test
// has loaded a contract yet.
func TestLoadPreparesOnlyThatProduct(t *testing.T) {
	if os.Getenv("CONTRACT_TEST_CHILD") == "1" {
		loadOneProduct(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadPreparesOnlyThatProduct$", "-test.v")
	cmd.Env = append(os.Environ(), "CONTRACT_TEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func loadOneProduct(t *testing.T) {
	slots := map[Product]*lazySpec{EMR: &emrSpec, Spark: &sparkSpec, VPC: &vpcSpec, ECS: &ecsSpec}
	for p, l := range slots {
		if l.spec != nil {
			t.Fatalf("%s was decoded before any Load", p)
		}
	}
	req, err := LoadRequests(ECS)
	if err != nil || req.Action("DescribeInstances") == nil || req.Action("DescribeInstances").Param("RegionId") == nil {
		t.Fatalf("LoadRequests(ECS): %v, DescribeInstances.RegionId missing", err)
	}
	if ecsSpec.spec != nil {
		t.Error("LoadRequests(ECS) decoded the whole contract")
	}
	MustLoad(VPC)
	if vpcSpec.spec == nil || vpcSpec.spec.Action("DescribeVpcs") == nil {
		t.Error("VPC has no action index after Load")
	}
	for p, l := range slots {
		if p != VPC && l.spec != nil {
			t.Errorf("loading VPC decoded %s too", p)
		}
	}
}

func TestLoadUnknownProduct(t *testing.T) {
	if _, err := Load("nope-20200101"); err == nil {
		t.Error("Load of an unknown product: no error")
	}
}

func TestLoadedActionsKnowTheirSpec(t *testing.T) {
	s := MustLoad(Spark)
	a := s.Action("ListJobRuns")
	if a == nil || a.Spec() != s {
		t.Fatalf("ListJobRuns: got %v, want an action of the Spark spec", a)
	}
	if p := a.Param("workspaceId"); p == nil || p.In != InPath {
		t.Errorf("ListJobRuns.workspaceId: got %+v, want a path parameter", p)
	}
	if h := s.Endpoint.Map["cn-beijing"]; h != "emr-serverless-spark.cn-beijing.aliyuncs.com" {
		t.Errorf("Spark endpoint of cn-beijing: got %q", h)
	}
	if n := s.Resolve(&Node{Name: "tags", Ref: "Tag"}); len(n.Fields) == 0 {
		t.Error("Spark's shared type Tag does not resolve after Load")
	}
}

// TestDecodedStringsPointIntoTheBlob: decoding copies no text, so a
// contract costs its nodes and nothing more.
func TestDecodedStringsPointIntoTheBlob(t *testing.T) {
	a := MustLoad(EMR).Action("ListClusters")
	if a == nil || a.Summary == "" {
		t.Fatal("ListClusters has no summary")
	}
	if !strings.Contains(contractsBin, a.Summary) || unsafe.StringData(a.Summary) != unsafe.StringData(contractsBin[strings.Index(contractsBin, a.Summary):]) {
		t.Error("ListClusters.Summary is a copy, not a slice of contractsBin")
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, p := range Products {
		b.Run(string(p), func(b *testing.B) {
			for _, requestsOnly := range []bool{false, true} {
				b.Run(map[bool]string{false: "full", true: "requests"}[requestsOnly], func(b *testing.B) {
					b.ReportAllocs()
					for range b.N {
						if _, err := decode(p, requestsOnly); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// TestRequestsOnlyHasAllButResponses: the requests-only form is the whole
// contract with the response trees left out.
func TestRequestsOnlyHasAllButResponses(t *testing.T) {
	for _, p := range Products {
		req, err := decode(p, true)
		if err != nil {
			t.Fatal(err)
		}
		full, err := decode(p, false)
		if err != nil {
			t.Fatal(err)
		}
		responses := 0
		for _, a := range full.Actions {
			if a.Response != nil {
				responses++
			}
			a.Response = nil
		}
		if responses == 0 {
			t.Errorf("%s: no action has a response tree", p)
		}
		for _, a := range req.Actions {
			if a.Response != nil {
				t.Errorf("%s.%s: requests-only form has a response tree", p, a.Name)
			}
		}
		if !reflect.DeepEqual(req, full) {
			t.Errorf("%s: requests-only form differs from the contract in more than the responses", p)
		}
	}
}

func TestLoadRequestsAfterLoadIsLoad(t *testing.T) {
	full := MustLoad(Spark)
	req, err := LoadRequests(Spark)
	if err != nil || req != full {
		t.Errorf("LoadRequests after Load: got %p (%v), want Load's spec %p", req, err, full)
	}
	if _, err := LoadRequests("nope-20200101"); err == nil {
		t.Error("LoadRequests of an unknown product: no error")
	}
}

// BenchmarkDecodeJSON is what Load cost before contracts.bin: parsing
// the JSON of every product (go test -bench Decode compares the two).
func BenchmarkDecodeJSON(b *testing.B) {
	raws := map[Product][]byte{}
	for _, p := range Products {
		raw, err := os.ReadFile("data/" + string(p) + ".json")
		if err != nil {
			b.Fatal(err)
		}
		raws[p] = raw
	}
	b.ReportAllocs()
	for range b.N {
		for _, p := range Products {
			var s Spec
			if err := json.Unmarshal(raws[p], &s); err != nil {
				b.Fatal(err)
			}
			s.index()
		}
	}
}
