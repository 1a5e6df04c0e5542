package spec

import (
	"bytes"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// header is written above every spec Marshal produces.
const header = `emrctl cluster spec (` + APIVersion + `).
Check it with: emrctl cluster validate -f <file>; JSON Schema: emrctl spec schema.
Secrets are never written here: fields ending in Env name the environment
variables that hold them.`

// Marshal writes a spec as YAML with a header comment. Short lists and
// small records (disks, bid prices, config items) are written on one line.
func Marshal(c *Cluster) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("spec: marshal: nil spec")
	}
	var doc yaml.Node
	if err := doc.Encode(c); err != nil {
		return nil, fmt.Errorf("spec: marshal: %w", err)
	}
	flowStyle(&doc, "")
	doc.HeadComment = header
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("spec: marshal: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("spec: marshal: %w", err)
	}
	return buf.Bytes(), nil
}

// flowKeys are the records written in flow style when all their values are
// scalars.
func flowKeys() []string {
	return []string{"systemDisk", "dataDisks", "bidPrices", "applicationConfigs", "subscription", "costOptimized",
		"nodeSelector", "ossHdfs", "privatePool", "instanceTypeConfigs", "spot"}
}

// flowLists are the lists written on one line when their records are.
func flowLists() []string { return []string{"dataDisks", "bidPrices"} }

// flowStyle sets flow style on scalar lists and on the records of flowKeys.
func flowStyle(n *yaml.Node, key string) {
	switch n.Kind {
	case yaml.SequenceNode:
		if allScalars(n.Content) {
			n.Style = yaml.FlowStyle
			return
		}
		for _, c := range n.Content {
			flowStyle(c, key)
		}
		if slices.Contains(flowLists(), key) && !slices.ContainsFunc(n.Content, func(c *yaml.Node) bool { return c.Style != yaml.FlowStyle }) {
			n.Style = yaml.FlowStyle
		}
	case yaml.MappingNode:
		vals := make([]*yaml.Node, 0, len(n.Content)/2)
		for i := 1; i < len(n.Content); i += 2 {
			vals = append(vals, n.Content[i])
		}
		if slices.Contains(flowKeys(), key) && allScalars(vals) {
			n.Style = yaml.FlowStyle
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			flowStyle(n.Content[i+1], n.Content[i].Value)
		}
	case yaml.DocumentNode:
		for _, c := range n.Content {
			flowStyle(c, key)
		}
	}
}

func allScalars(ns []*yaml.Node) bool {
	for _, n := range ns {
		if n.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}
