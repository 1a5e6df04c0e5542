package spec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// minimal is a small valid document the loader tests edit.
const minimal = `apiVersion: emrctl.io/v1alpha1
kind: Cluster
name: dev
region: cn-hangzhou
releaseVersion: EMR-5.21.0
nodeGroups:
  - name: master
    role: MASTER
    count: 1
    instanceTypes: [ecs.g8i.xlarge]
`

func TestLoadAcceptsMinimal(t *testing.T) {
	c, err := Load([]byte(minimal))
	if err != nil {
		t.Fatalf("Load: got error %v, want nil", err)
	}
	if got, want := c.NodeGroups[0].InstanceTypes, []string{"ecs.g8i.xlarge"}; !cmp.Equal(got, want) {
		t.Errorf("instanceTypes: got %v, want %v", got, want)
	}
	if c.NodeGroups[0].Count == nil || *c.NodeGroups[0].Count != 1 {
		t.Errorf("count: got %v, want 1", c.NodeGroups[0].Count)
	}
	if c.Provider != "" {
		t.Errorf("provider: got %q, want empty (Load applies no defaults)", c.Provider)
	}
}

func TestLoadReportsIssues(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		// want lists the expected issues, in order.
		want []LoadIssue
	}{
		{
			name: "unknown top-level field with alias suggestion",
			doc:  strings.Replace(minimal, "releaseVersion:", "emrVersion:", 1),
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "emrVersion", Line: 5, Suggestion: "releaseVersion"}},
		},
		{
			name: "misspelt nested field",
			doc:  strings.Replace(minimal, "instanceTypes:", "instanceType:", 1),
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "nodeGroups[0].instanceType", Line: 10, Suggestion: "nodeGroups[0].instanceTypes"}},
		},
		{
			name: "wrong case",
			doc:  minimal + "network:\n  vswitchIds: [vsw-bp1sandboxzoneh00001]\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "network.vswitchIds", Line: 12, Suggestion: "network.vSwitchIds"}},
		},
		{
			name: "field of another section",
			doc:  minimal + "vpcId: vpc-bp1sandbox0000000001\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "vpcId", Line: 11, Suggestion: "network.vpcId"}},
		},
		{
			name: "API parameter name",
			doc:  minimal + "NodeAttributes: {}\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "NodeAttributes", Line: 11, Suggestion: "network"}},
		},
		{
			name: "password written in the spec",
			doc:  minimal + "metastore:\n  rds:\n    password: hunter2-Secret\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "metastore.rds.password", Line: 13, Suggestion: "metastore.rds.passwordEnv"}},
		},
		{
			name: "no suggestion for a stranger",
			doc:  minimal + "frobnicate: true\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "frobnicate", Line: 11}},
		},
		{
			name: "string where a number belongs",
			doc:  strings.Replace(minimal, "count: 1", "count: three", 1),
			want: []LoadIssue{{Kind: ErrWrongType, Path: "nodeGroups[0].count", Line: 9}},
		},
		{
			name: "float where a whole number belongs",
			doc:  strings.Replace(minimal, "count: 1", "count: 1.5", 1),
			want: []LoadIssue{{Kind: ErrWrongType, Path: "nodeGroups[0].count", Line: 9}},
		},
		{
			name: "scalar where a list belongs",
			doc:  strings.Replace(minimal, "[ecs.g8i.xlarge]", "ecs.g8i.xlarge", 1),
			want: []LoadIssue{{Kind: ErrWrongType, Path: "nodeGroups[0].instanceTypes", Line: 10}},
		},
		{
			name: "yes is not a boolean",
			doc:  minimal + "deletionProtection: yes\n",
			want: []LoadIssue{{Kind: ErrWrongType, Path: "deletionProtection", Line: 11}},
		},
		{
			name: "list where a mapping belongs",
			doc:  minimal + "network: [a]\n",
			want: []LoadIssue{{Kind: ErrWrongType, Path: "network", Line: 11}},
		},
		{
			name: "every issue at once",
			doc:  strings.Replace(strings.Replace(minimal, "count: 1", "count: x", 1), "region:", "regoin:", 1) + "zone: cn-hangzhou-h\n",
			want: []LoadIssue{
				{Kind: ErrUnknownField, Path: "regoin", Line: 4, Suggestion: "region"},
				{Kind: ErrWrongType, Path: "nodeGroups[0].count", Line: 9},
				{Kind: ErrUnknownField, Path: "zone", Line: 11, Suggestion: "network.zoneId"},
			},
		},
		{
			name: "wrong apiVersion",
			doc:  strings.Replace(minimal, "emrctl.io/v1alpha1", "emrctl.io/v2", 1),
			want: []LoadIssue{{Kind: ErrVersion, Path: "apiVersion", Line: 1}},
		},
		{
			name: "missing kind",
			doc:  strings.Replace(minimal, "kind: Cluster\n", "", 1),
			want: []LoadIssue{{Kind: ErrVersion, Path: "kind", Line: 1}},
		},
		{
			name: "duplicate field",
			doc:  minimal + "name: again\n",
			want: []LoadIssue{{Kind: ErrUnsupported, Path: "name", Line: 11}},
		},
		{
			name: "anchors",
			doc:  minimal + "tags: &t {a: b}\n",
			want: []LoadIssue{{Kind: ErrUnsupported, Path: "tags", Line: 11}},
		},
		{
			name: "two documents",
			doc:  minimal + "---\n" + minimal,
			want: []LoadIssue{{Kind: ErrUnsupported, Line: 11}},
		},
		{
			name: "YAML syntax error",
			doc:  minimal + "tags: a: b\n",
			want: []LoadIssue{{Kind: ErrSyntax, Line: 11}},
		},
		{
			name: "not a mapping",
			doc:  "- a\n- b\n",
			want: []LoadIssue{{Kind: ErrWrongType, Line: 1}},
		},
		{
			name: "empty",
			doc:  "  \n",
			want: []LoadIssue{{Kind: ErrSyntax}},
		},
		{
			name: "invalid JSON",
			doc:  "{\n  \"apiVersion\": \"emrctl.io/v1alpha1\",\n  \"kind\": \n}\n",
			want: []LoadIssue{{Kind: ErrSyntax, Line: 4}},
		},
		{
			name: "JSON unknown field keeps its line",
			doc:  "{\n  \"apiVersion\": \"emrctl.io/v1alpha1\",\n  \"kind\": \"Cluster\",\n  \"clusterName\": \"x\"\n}\n",
			want: []LoadIssue{{Kind: ErrUnknownField, Path: "clusterName", Line: 4, Suggestion: "name"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load([]byte(tt.doc))
			if c != nil {
				t.Errorf("Load: got a spec, want nil")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load: got error %v, want a *LoadError", err)
			}
			got := make([]LoadIssue, len(le.Issues))
			for i, is := range le.Issues {
				got[i] = LoadIssue{Kind: is.Kind, Path: is.Path, Line: is.Line, Suggestion: is.Suggestion}
				if is.Message == "" {
					t.Errorf("issue %d: got empty message, want an explanation", i)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("issues mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w.Kind) {
					t.Errorf("errors.Is(err, %v): got false, want true", w.Kind)
				}
			}
		})
	}
}

func TestLoadErrorsNeverEchoValues(t *testing.T) {
	secret := "hunter2-Secret"
	docs := []string{
		minimal + "metastore:\n  rds:\n    password: " + secret + "\n",
		strings.Replace(minimal, "count: 1", "count: "+secret, 1),
		minimal + "network:\n  masterRootPassword: " + secret + "\n",
	}
	for i, doc := range docs {
		_, err := Load([]byte(doc))
		if err == nil {
			t.Fatalf("doc %d: got nil error, want one", i)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("doc %d: error %q contains the value, want it left out", i, err)
		}
	}
}

func TestLoadPasswordFieldExplainsSecrets(t *testing.T) {
	_, err := Load([]byte(minimal + "network:\n  masterRootPassword: x\n"))
	var le *LoadError
	if !errors.As(err, &le) || len(le.Issues) != 1 {
		t.Fatalf("Load: got %v, want one issue", err)
	}
	is := le.Issues[0]
	if is.Suggestion != "network.masterRootPasswordEnv" {
		t.Errorf("suggestion: got %q, want network.masterRootPasswordEnv", is.Suggestion)
	}
	if !strings.Contains(is.Message, "never written in a spec") {
		t.Errorf("message: got %q, want it to say secrets are never written in a spec", is.Message)
	}
}

func TestLoadJSONMatchesYAML(t *testing.T) {
	y, err := Load([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	j, err := Load([]byte(`{"apiVersion": "emrctl.io/v1alpha1", "kind": "Cluster", "name": "dev",
		"region": "cn-hangzhou", "releaseVersion": "EMR-5.21.0",
		"nodeGroups": [{"name": "master", "role": "MASTER", "count": 1, "instanceTypes": ["ecs.g8i.xlarge"]}]}`))
	if err != nil {
		t.Fatalf("Load(JSON): got error %v, want nil", err)
	}
	if diff := cmp.Diff(y, j); diff != "" {
		t.Errorf("JSON and YAML differ (-yaml +json):\n%s", diff)
	}
}

func TestLoadJSONEscapes(t *testing.T) {
	// yaml.v3 rejects the JSON escape \/; Load re-encodes such JSON.
	c, err := Load([]byte(`{"apiVersion": "emrctl.io\/v1alpha1", "kind": "Cluster", "name": "dev", "region": "cn-hangzhou",
		"releaseVersion": "EMR-5.21.0", "description": "a\/b \u00e9"}`))
	if err != nil {
		t.Fatalf("Load: got error %v, want nil", err)
	}
	if got, want := c.Description, "a/b é"; got != want {
		t.Errorf("description: got %q, want %q", got, want)
	}
}

// clusterExamples are the cluster specs among the examples (the others
// are Serverless Spark job specs, read by 'emrctl spark job submit').
func clusterExamples() ([]string, error) {
	all, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	var out []string
	for _, path := range all {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return nil, rerr
		}
		if !bytes.Contains(data, []byte("\nkind: SparkJob")) {
			out = append(out, path)
		}
	}
	return out, err
}

func TestLoadExamples(t *testing.T) {
	entries, err := clusterExamples()
	if err != nil || len(entries) < 6 {
		t.Fatalf("examples: got %d files (%v), want at least 6", len(entries), err)
	}
	for _, path := range entries {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Load(data); err != nil {
				t.Errorf("Load: got error %v, want nil", err)
			}
		})
	}
}

// FuzzLoad checks that Load, and every pass run on what it accepts, never
// panics, and that an accepted spec survives Marshal and Load again.
func FuzzLoad(f *testing.F) {
	entries, _ := clusterExamples()
	for _, path := range entries {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{minimal, "{}", "[]", "a: [", "apiVersion: x\n---\nb: 1", "tags: &a {x: *a}",
		"{\"name\": \"\\/\"}", "nodeGroups: [{count: 99999999999999999999}]", "\xff\xfe", "null", "~"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Issues) == 0 {
				t.Fatalf("Load: got error %v, want a *LoadError with issues", err)
			}
			return
		}
		SetDefaults(c)
		_ = Validate(c, ValidateOptions{})
		_ = Summarize(c).WithVCPUs(func(string) (int, bool) { return 4, true }).String()
		_, _ = c.ExpandConfigs((&Resolved{MasterRootPassword: "x", MetastorePassword: "y"}).Redacted())
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("Marshal: got error %v, want nil", err)
		}
		if _, err := Load(out); err != nil {
			t.Fatalf("Load(Marshal(spec)): got error %v, want nil\n%s", err, out)
		}
	})
}
