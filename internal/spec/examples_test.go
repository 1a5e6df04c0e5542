package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/jsonschema-go/jsonschema"
	"gopkg.in/yaml.v3"
)

func TestExamplesValidate(t *testing.T) {
	clean := append(sortedValues(exampleFiles()), "aws-spark-cluster.yaml")
	for _, file := range clean {
		t.Run(file, func(t *testing.T) {
			ps := Validate(defaulted(t, file), ValidateOptions{})
			if len(ps) > 0 {
				t.Errorf("Validate: got\n%s\nwant no problems", ps)
			}
		})
	}
}

func TestBadClusterExample(t *testing.T) {
	ps := Validate(defaulted(t, "bad-cluster.yaml"), ValidateOptions{})
	var got []string
	for _, p := range ps {
		if !slices.Contains(got, p.Rule) {
			got = append(got, p.Rule)
		}
	}
	slices.Sort(got)
	want := []string{
		ruleBootstrap, ruleComponentDependency, ruleComponentExclusive, ruleComponentUnknown, ruleDeletionProtection,
		ruleDiskOldFamily, ruleHAMetastore, ruleHAZooKeeper, ruleMasterCount, ruleNetwork, ruleNodeCount, ruleSpot,
		ruleSubscription, ruleVSwitchRequired,
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s\n%s", diff, ps)
	}
	if len(ps.Errors()) == 0 {
		t.Errorf("Errors(): got none, want the errors")
	}
}

func TestTemplatesMatchExamples(t *testing.T) {
	if got, want := TemplateNames(), sortedKeys(exampleFiles()); !cmp.Equal(sortedCopy(got), want) {
		t.Fatalf("TemplateNames: got %v, want %v", got, want)
	}
	for name, file := range exampleFiles() {
		t.Run(name, func(t *testing.T) {
			got, err := Template(name, TemplateOptions{})
			if err != nil {
				t.Fatalf("Template: got error %v, want nil", err)
			}
			if diff := cmp.Diff(loadExample(t, file), got); diff != "" {
				t.Errorf("template and %s differ (-example +template):\n%s", file, diff)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestTemplateOptions(t *testing.T) {
	c, err := Template("production-separated", TemplateOptions{
		Name: "prod-sh", Region: "cn-shanghai", ZoneID: "cn-shanghai-e", VpcID: "vpc-uf6sandbox0000000001",
		VSwitchID: "vsw-uf6sandboxzonee00001", SecurityGroupID: "sg-uf6sandboxnormal0001", KeyPairName: "dev-keypair",
	})
	if err != nil {
		t.Fatal(err)
	}
	SetDefaults(c)
	if ps := Validate(c, ValidateOptions{}); len(ps) > 0 {
		t.Errorf("Validate: got\n%s\nwant no problems", ps)
	}
	if got, want := c.OSSHDFS.RootURI, "oss://emrctl-sandbox-datalake.cn-shanghai.oss-dls.aliyuncs.com/"; got != want {
		t.Errorf("rootUri: got %q, want %q", got, want)
	}
	if c.Metastore.RDS.VpcID != c.Network.VpcID {
		t.Errorf("rds.vpcId: got %q, want the cluster's VPC %q", c.Metastore.RDS.VpcID, c.Network.VpcID)
	}
	if _, err := Template("prod", TemplateOptions{}); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("Template(prod): got %v, want ErrUnknownTemplate", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, name := range TemplateNames() {
		t.Run(name, func(t *testing.T) {
			want, err := Template(name, TemplateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			SetDefaults(want)
			out, err := Marshal(want)
			if err != nil {
				t.Fatalf("Marshal: got error %v, want nil", err)
			}
			if !bytes.HasPrefix(out, []byte("# emrctl cluster spec")) {
				t.Errorf("Marshal: got no header comment:\n%s", out)
			}
			got, err := Load(out)
			if err != nil {
				t.Fatalf("Load(Marshal): got error %v, want nil\n%s", err, out)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSchemaListsEveryField walks the Go types and checks each field is in
// the schema, with additionalProperties false.
func TestSchemaListsEveryField(t *testing.T) {
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema string `json:"$schema"`
		Defs   map[string]struct {
			Properties           map[string]json.RawMessage `json:"properties"`
			Required             []string                   `json:"required"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema: got %q, want draft 2020-12", doc.Schema)
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		def, ok := doc.Defs[rt.Name()]
		if !ok {
			t.Errorf("$defs: got no %s, want it", rt.Name())
			return
		}
		if def.AdditionalProperties == nil || *def.AdditionalProperties {
			t.Errorf("%s: got additionalProperties %v, want false", rt.Name(), def.AdditionalProperties)
		}
		for i := range rt.NumField() {
			f := rt.Field(i)
			name := yamlName(f)
			if _, ok := def.Properties[name]; !ok {
				t.Errorf("%s: got no property %q, want every field listed", rt.Name(), name)
			}
			if slices.Contains(def.Required, name) == optional(f) {
				t.Errorf("%s.%s: required is %v, want %v", rt.Name(), name, slices.Contains(def.Required, name), !optional(f))
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Cluster]())
	if len(seen) < 20 {
		t.Errorf("walked %d types, want all of them (at least 20)", len(seen))
	}
}

// TestSchemaAcceptsExamples validates every example against the schema
// with an independent JSON Schema implementation, and checks that it
// refuses an unknown field and a bad enum value.
func TestSchemaAcceptsExamples(t *testing.T) {
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("Resolve schema: %v", err)
	}
	files, err := clusterExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if err := rs.Validate(instance(t, readFile(t, path))); err != nil {
				t.Errorf("schema validation: got %v, want nil", err)
			}
		})
	}
	dev := readFile(t, filepath.Join(examplesDir, "dev-cluster.yaml"))
	for name, doc := range map[string][]byte{
		"unknown field": append(slices.Clone(dev), []byte("emrVersion: EMR-5.21.0\n")...),
		"bad enum":      bytes.Replace(dev, []byte("deployMode: NORMAL"), []byte("deployMode: HIGH"), 1),
		"missing count": bytes.Replace(dev, []byte("    count: 2\n"), nil, 1),
	} {
		if err := rs.Validate(instance(t, doc)); err == nil {
			t.Errorf("%s: schema validation got nil, want an error", name)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// instance turns YAML into the JSON value a schema validates.
func instance(t *testing.T, doc []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRulesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.Summary == "" || strings.ToLower(r.ID) != r.ID {
			t.Errorf("rule %+v: want a unique lower-case ID with a summary", r)
		}
		seen[r.ID] = true
	}
}
