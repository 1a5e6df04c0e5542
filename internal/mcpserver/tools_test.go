package mcpserver

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var (
	readTools = []string{
		"check_prerequisites", "diagnose_cluster", "export_cluster_spec", "gateway_configs", "gateway_plan", "get_auto_scaling_policy", "get_cluster", "get_node_group",
		"get_scaling_activity", "inspect_clusters", "list_applications", "list_audit", "list_clusters", "list_instance_types",
		"list_node_groups", "list_nodes", "list_release_versions", "list_scaling_activities", "plan_cluster",
	}
	writeTools = []string{
		"create_cluster", "create_node_group", "gateway_deploy_node_group", "gateway_set_config", "put_auto_scaling_policy", "remove_auto_scaling_policy", "scale_in", "scale_out",
		"set_auto_renew", "update_cluster_attributes",
	}
)

func listTools(t *testing.T, cs *mcp.ClientSession) []*mcp.Tool {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tools
}

func names(tools []*mcp.Tool) []string {
	var out []string
	for _, tl := range tools {
		out = append(out, tl.Name)
	}
	sort.Strings(out)
	return out
}

func TestToolsListByMode(t *testing.T) {
	b := newBed(t, bedOptions{})
	tests := []struct {
		name        string
		allowWrites bool
		want        []string
	}{
		{name: "read-only", allowWrites: false, want: append(slices.Clone(readTools), sparkReadTools...)},
		{name: "writes allowed", allowWrites: true, want: slices.Concat(readTools, sparkReadTools, writeTools, sparkWriteTools)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, _ := connect(t, b.server(tt.allowWrites), declining)
			want := slices.Clone(tt.want)
			sort.Strings(want)
			if diff := cmp.Diff(want, names(listTools(t, cs))); diff != "" {
				t.Errorf("tools/list (-want +got):\n%s", diff)
			}
		})
	}
}

// TestToolsListHasNoPathToDeletion checks every listed tool, by name,
// description and input schema: nothing reaches DeleteCluster,
// TerminateJobFlows, DeleteApplication, DeleteWorkspace or a command, and
// nothing takes a free-form action, command or confirmation. The only
// deletions are the Serverless Spark ones the seed allows after its
// pre-checks and a person's confirmation (sparkDeletes).
func TestToolsListHasNoPathToDeletion(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(true), declining)
	checkNoPathToDeletion(t, listTools(t, cs))
}

// checkNoPathToDeletion checks a tools/list result (Alibaba or AWS).
func checkNoPathToDeletion(t *testing.T, tools []*mcp.Tool) {
	t.Helper()
	if len(tools) == 0 {
		t.Fatal("got no tools, want some")
	}
	forbiddenNames := []string{"delete", "terminate", "release_cluster", "destroy", "teardown", "exec", "command", "shell", "script", "run_", "api", "raw", "invoke"}
	forbiddenText := []string{"DeleteCluster", "TerminateJobFlows", "DeleteApplication", "ReleaseCluster", "DeleteWorkspace", "ModifyClusterServiceConfig", "RunCommand", "InvokeCommand", "command-runner"}
	// Property names no tool may take: commands and confirmations.
	forbiddenProps := []string{"command", "commands", "cmd", "script", "shell", "exec", "bash", "run", "confirm", "confirmed", "confirmation", "approve", "approved", "yes", "force", "token", "ackcost", "acknowledgecost", "override"}
	// Property names a write tool may not take: free-form actions.
	forbiddenWriteProps := []string{"action", "api", "apiname", "operation", "method", "endpoint", "url", "args", "arguments", "parameters"}
	for _, tl := range tools {
		for _, f := range forbiddenNames {
			if f == "delete" && slices.Contains(sparkDeletes, tl.Name) {
				continue
			}
			if strings.Contains(strings.ToLower(tl.Name), f) {
				t.Errorf("tool %s: name contains %q", tl.Name, f)
			}
		}
		for _, f := range forbiddenText {
			if strings.Contains(tl.Description, f) || strings.Contains(tl.Title, f) {
				t.Errorf("tool %s: description mentions %s", tl.Name, f)
			}
		}
		raw, err := json.Marshal(tl.InputSchema)
		if err != nil {
			t.Fatal(err)
		}
		props := schemaProps(t, raw)
		write := tl.Annotations == nil || !tl.Annotations.ReadOnlyHint
		for _, p := range props {
			lp := strings.ToLower(p)
			if slices.Contains(forbiddenProps, lp) {
				t.Errorf("tool %s: input property %q", tl.Name, p)
			}
			if write && slices.Contains(forbiddenWriteProps, lp) {
				t.Errorf("write tool %s: free-form input property %q", tl.Name, p)
			}
		}
		if !strings.Contains(string(raw), `"additionalProperties":false`) {
			t.Errorf("tool %s: input schema allows unknown properties: %s", tl.Name, raw)
		}
		out, err := json.Marshal(tl.OutputSchema)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), `"properties"`) {
			t.Errorf("tool %s: output schema %s, want one inferred from a typed output", tl.Name, out)
		}
	}
}

// schemaProps lists every property name in a JSON schema, at any depth.
func schemaProps(t *testing.T, raw []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					out = append(out, k)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// TestToolsListAnnotations checks that every tool sets each hint
// explicitly (destructiveHint and openWorldHint default to true), that read
// tools are read-only and not destructive, and that the tools that remove
// capacity or replace configuration say so.
func TestToolsListAnnotations(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(true), declining)
	destructive := []string{"scale_in", "put_auto_scaling_policy", "remove_auto_scaling_policy", "set_auto_renew", "gateway_set_config"}
	for _, tl := range listTools(t, cs) {
		a := tl.Annotations
		if a == nil || a.DestructiveHint == nil || a.OpenWorldHint == nil || a.Title == "" {
			t.Errorf("tool %s: annotations %+v, want every hint set explicitly", tl.Name, a)
			continue
		}
		wantRead := slices.Contains(readTools, tl.Name) || slices.Contains(sparkReadTools, tl.Name)
		if a.ReadOnlyHint != wantRead {
			t.Errorf("tool %s: readOnlyHint %v, want %v", tl.Name, a.ReadOnlyHint, wantRead)
		}
		wantDestructive := slices.Contains(destructive, tl.Name) || slices.Contains(sparkDestructive, tl.Name)
		if *a.DestructiveHint != wantDestructive {
			t.Errorf("tool %s: destructiveHint %v, want %v", tl.Name, *a.DestructiveHint, wantDestructive)
		}
		if wantRead && !a.IdempotentHint {
			t.Errorf("tool %s: idempotentHint false, want true for a read", tl.Name)
		}
		if tl.OutputSchema == nil {
			t.Errorf("tool %s: no output schema, want a typed output", tl.Name)
		}
	}
}

// TestToolDescriptionsStateScope checks that the cloud tools name their
// product and its boundaries, and that the listing tool tells the model to
// ask when a request is ambiguous.
func TestToolDescriptionsStateScope(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(true), declining)
	for _, tl := range listTools(t, cs) {
		// The Serverless Spark tools state their own scope
		// (TestSparkToolsList).
		if tl.Name == "list_audit" || slices.Contains(sparkReadTools, tl.Name) || slices.Contains(sparkWriteTools, tl.Name) {
			continue
		}
		for _, want := range []string{"EMR on ECS", "not EMR Serverless Spark", "not AWS EMR", "profile 'sandbox'", "cn-hangzhou"} {
			if !strings.Contains(tl.Description, want) {
				t.Errorf("tool %s: description lacks %q: %s", tl.Name, want, tl.Description)
			}
		}
		if !slices.Contains(readTools, tl.Name) && !strings.Contains(tl.Description, "you cannot confirm for them") {
			t.Errorf("write tool %s: description does not say the model cannot confirm", tl.Name)
		}
	}
	for _, tl := range listTools(t, cs) {
		if tl.Name == "list_clusters" && !strings.Contains(tl.Description, "ask the user which product and which resource ID") {
			t.Errorf("list_clusters: description lacks the disambiguation rule: %s", tl.Description)
		}
	}
	init := cs.InitializeResult()
	for _, want := range []string{"no tool that deletes", "https://emr.console.aliyun.com/", "read", "'admin mode'"} {
		if !strings.Contains(init.Instructions, want) {
			t.Errorf("instructions lack %q: %s", want, init.Instructions)
		}
	}
}

// Every write tool takes an idempotencyKey, so an agent can make a retry
// provably the same attempt, or an identical call a deliberate new one.
func TestWriteToolsTakeAnIdempotencyKey(t *testing.T) {
	b := newBed(t, bedOptions{})
	cs, _ := connect(t, b.server(true), declining)
	writes := 0
	for _, tl := range listTools(t, cs) {
		if tl.Annotations != nil && tl.Annotations.ReadOnlyHint {
			continue
		}
		writes++
		raw, err := json.Marshal(tl.InputSchema)
		if err != nil {
			t.Fatal(err)
		}
		var schema struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(raw, &schema); err != nil {
			t.Fatal(err)
		}
		if _, ok := schema.Properties["idempotencyKey"]; !ok {
			t.Errorf("write tool %s has no idempotencyKey argument", tl.Name)
		}
	}
	if writes < len(writeTools)+len(sparkWriteTools) {
		t.Errorf("found %d write tools, want at least %d", writes, len(writeTools)+len(sparkWriteTools))
	}
}
