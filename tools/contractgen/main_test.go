package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const dataDir = "../../internal/contract/data"

// TestPrinterReproducesContractFiles checks the writer against every action
// of every contract file: decoding an entry and writing it again must give
// the same bytes, so new entries look exactly like the old ones.
func TestPrinterReproducesContractFiles(t *testing.T) {
	for _, p := range []string{"ecs-20140526", "vpc-20160428", "emr-20210320", "emr-serverless-spark-20230808"} {
		t.Run(p, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dataDir, p+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var f contractFile
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			for _, entry := range f.Actions {
				var a Action
				if err := json.Unmarshal(entry, &a); err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				writeAction(&b, &a, 2)
				if !bytes.Equal(b.Bytes(), entry) {
					t.Errorf("%s: written entry differs from the file (-file +written):\n%s", a.Name, cmp.Diff(string(entry), b.String()))
				}
			}
		})
	}
}

// TestExtractReproducesECSActions runs the extractor on an ECS SDK checkout
// at the recorded commit (EMRCTL_SDK_DIR, e.g. from `git archive`) and
// compares the 7 existing actions of ecs-20140526.json with the output. The
// wire structure must match exactly; doc-derived strings are compared after
// the structure and reported, since the file took missing docs from an older
// commit (EMRCTL_SDK_DOC_DIR, optional).
func TestExtractReproducesECSActions(t *testing.T) {
	dir := os.Getenv("EMRCTL_SDK_DIR")
	if dir == "" {
		t.Skip("EMRCTL_SDK_DIR not set (an alibabacloud-go/ecs-20140526 checkout at d024e149)")
	}
	g, err := newGenerator(dir, os.Getenv("EMRCTL_SDK_DOC_DIR"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "ecs-20140526.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Actions      []*Action `json:"actions"`
		ActionFilter struct {
			SDKActionCount int `json:"sdkActionCount"`
		} `json:"actionFilter"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if got, want := len(g.sdk.actionNames()), f.ActionFilter.SDKActionCount; got != want {
		t.Errorf("SDK action count: got %d, want %d", got, want)
	}
	var docDiffs []string
	for _, want := range f.Actions {
		got, err := g.extractAction(want.Name)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(structure(want), structure(got)); d != "" {
			t.Errorf("%s: structure differs (-file +generated):\n%s", want.Name, d)
		}
		if d := cmp.Diff(want, got); d != "" {
			docDiffs = append(docDiffs, want.Name+":\n"+d)
		}
	}
	t.Logf("doc-derived differences (informational, %d actions):\n%s", len(docDiffs), strings.Join(docDiffs, "\n"))
}

// structure drops everything read from doc comments.
func structure(a *Action) *Action {
	c := *a
	c.Summary = ""
	c.Params = stripDocs(a.Params)
	c.Response = stripDocs(a.Response)
	return &c
}

func stripDocs(nodes []*Node) []*Node {
	var out []*Node
	for _, n := range nodes {
		out = append(out, stripNode(n))
	}
	return out
}

func stripNode(n *Node) *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Required, c.Enum, c.EnumNote, c.Default, c.Example, c.Description = false, nil, "", "", "", ""
	c.Fields = stripDocs(n.Fields)
	c.Items = stripNode(n.Items)
	c.Values = stripNode(n.Values)
	return &c
}
