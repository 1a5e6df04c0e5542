package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
)

// contractFile is the part of a contract file that merging reads.
type contractFile struct {
	ActionCount  int               `json:"actionCount"`
	Actions      []json.RawMessage `json:"actions"`
	ActionFilter *struct {
		Requested      []string `json:"requested"`
		SDKActionCount int      `json:"sdkActionCount"`
	} `json:"actionFilter"`
	Types map[string]json.RawMessage `json:"types"`
}

var (
	actionCountRE  = regexp.MustCompile(`(?m)^ "actionCount": \d+,$`)
	requestedRE    = regexp.MustCompile(`(?m)^  "requested": \[.*\],$`)
	sdkCountRE     = regexp.MustCompile(`(?m)^  "sdkActionCount": \d+$`)
	fieldsFilledRE = regexp.MustCompile(`"fieldsFilled":(\d+)`)
)

const (
	actionsOpen  = "\n \"actions\": [\n"
	actionsClose = "\n ],\n \"types\": "
)

// merge adds the named actions to the contract file text old. Entries
// already in old are copied byte for byte; the new ones are generated. It
// updates actionCount, actionFilter and docFallback.fieldsFilled.
func (g *generator) merge(old []byte, add []string) ([]byte, error) {
	var f contractFile
	if err := json.Unmarshal(old, &f); err != nil {
		return nil, fmt.Errorf("parse -merge file: %w", err)
	}
	if f.ActionFilter == nil {
		return nil, fmt.Errorf("-merge file has no actionFilter: only allowlist files can be extended")
	}
	entries := map[string][]byte{}
	for _, raw := range f.Actions {
		var a struct{ Name string }
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, err
		}
		entries[a.Name] = raw
	}
	requested := f.ActionFilter.Requested
	for _, name := range add {
		if _, ok := entries[name]; ok {
			return nil, fmt.Errorf("action %s is already in the file; -add takes new actions only", name)
		}
		a, err := g.extractAction(name)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		writeAction(&b, a, 2)
		entries[name] = b.Bytes()
		requested = append(requested, name)
	}
	if len(g.types) > 0 || len(f.Types) > 0 {
		return nil, fmt.Errorf("merging shared types is not supported (the new actions use %d)", len(g.types))
	}
	return g.rewrite(old, entries, requested)
}

func (g *generator) rewrite(old []byte, entries map[string][]byte, requested []string) ([]byte, error) {
	start := bytes.Index(old, []byte(actionsOpen))
	end := bytes.LastIndex(old, []byte(actionsClose))
	if start < 0 || end < start {
		return nil, fmt.Errorf("-merge file: actions array not found in the expected layout")
	}
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.Write(old[:start+len(actionsOpen)])
	for i, n := range names {
		b.WriteString("  ")
		b.Write(entries[n])
		if i < len(names)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.Truncate(b.Len() - 1)
	b.Write(old[end:])
	out := b.Bytes()

	replace := []struct {
		re  *regexp.Regexp
		new string
	}{
		{actionCountRE, fmt.Sprintf(` "actionCount": %d,`, len(names))},
		{requestedRE, fmt.Sprintf(`  "requested": %s,`, marshalCompact(requested))},
		{sdkCountRE, fmt.Sprintf(`  "sdkActionCount": %d`, len(g.sdk.actionNames()))},
	}
	for _, r := range replace {
		if n := len(r.re.FindAllIndex(out, -1)); n != 1 {
			return nil, fmt.Errorf("-merge file: %d matches of %s, want 1", n, r.re)
		}
		out = r.re.ReplaceAllLiteral(out, []byte(r.new))
	}
	if g.docRef != nil {
		m := fieldsFilledRE.FindSubmatch(out)
		if m == nil {
			return nil, fmt.Errorf("-doc-ref given but the -merge file has no docFallback.fieldsFilled")
		}
		n, _ := strconv.Atoi(string(m[1]))
		out = fieldsFilledRE.ReplaceAllLiteral(out, []byte(fmt.Sprintf(`"fieldsFilled":%d`, n+g.filled)))
	}
	if !json.Valid(out) {
		return nil, fmt.Errorf("internal error: merged file is not valid JSON")
	}
	return out, nil
}

// marshalCompact writes a string list as the files do: no spaces.
func marshalCompact(v []string) string { return string(marshal(v)) }
