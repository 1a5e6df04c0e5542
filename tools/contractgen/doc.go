package main

import (
	"regexp"
	"strings"
)

// doc is what the generator reads from a model field's comment.
type doc struct {
	desc     string
	example  string
	required bool
	enum     []string
	enumNote string
	def      string
}

// paragraphs joins comment lines into paragraphs separated by empty lines.
func paragraphs(lines []string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

var (
	bulletRE  = regexp.MustCompile(`^(?:[-*]|\d+\.)\s+(.*)$`)
	defaultRE = regexp.MustCompile("(?i)(?:^|\\. )default(?: value)?\\s*:\\s*`?([^\\s`]+?)`?\\.?(?:\\s|$)")
	validRE   = regexp.MustCompile(`(?i)(?:valid|possible) values?\s*(.*)$`)
	tokenRE   = regexp.MustCompile("^`?([A-Za-z0-9_.\\-/*]+)`?$")
)

// parseDoc applies the heuristics described in internal/contract/data/README.md
// (section 2): the first paragraph is the description, "This parameter is
// required." marks required, "Default value:" and "(default)" bullets give the
// default, "Valid values" followed by bullets or an inline list gives the enum
// (prose goes to enumNote), the paragraph after "example:" is the example.
func parseDoc(lines []string) doc {
	var d doc
	paras := paragraphs(lines)
	for i, p := range paras {
		if p == "example:" {
			if i+1 < len(paras) {
				d.example = paras[i+1]
			}
			paras = paras[:i]
			break
		}
	}
	for i := 0; i < len(paras); i++ {
		p := paras[i]
		switch {
		case p == "This parameter is required.":
			d.required = true
			continue
		case d.desc == "":
			// The description stops where the list of values starts.
			d.desc = p
			if loc := validRE.FindStringIndex(p); loc != nil {
				d.desc = strings.TrimSpace(p[:loc[0]])
			}
		}
		if m := defaultRE.FindStringSubmatch(p); m != nil && d.def == "" {
			d.def = cleanValue(m[1])
		}
		if m := validRE.FindStringSubmatch(p); m != nil && d.enum == nil && d.enumNote == "" {
			d.readValid(m[1], paras[i+1:])
		}
	}
	return d
}

// readValid reads the text after "Valid values" and the bullets that follow.
func (d *doc) readValid(rest string, next []string) {
	rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
	if rest == "" {
		for _, p := range next {
			m := bulletRE.FindStringSubmatch(p)
			if m == nil {
				break
			}
			v, _, _ := strings.Cut(m[1], ":")
			if def, ok := strings.CutSuffix(strings.TrimSpace(v), "(default)"); ok {
				v = def
				if d.def == "" {
					d.def = cleanValue(def)
				}
			}
			v = cleanValue(v)
			if !tokenRE.MatchString(v) {
				continue // prose bullets ("Big data: ...") are not values
			}
			d.enum = append(d.enum, strings.Trim(v, "`"))
		}
		return
	}
	if list, ok := inlineList(rest); ok {
		d.enum = list
		return
	}
	d.enumNote = rest
}

// inlineList reads "a, b, and c." or "a | b" as a list of tokens.
func inlineList(s string) ([]string, bool) {
	s = strings.TrimSuffix(s, ".")
	s = strings.ReplaceAll(s, " and ", ", ")
	s = strings.ReplaceAll(s, " or ", ", ")
	s = strings.ReplaceAll(s, "|", ",")
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !tokenRE.MatchString(part) {
			return nil, false
		}
		out = append(out, strings.Trim(part, "`"))
	}
	return out, len(out) > 1
}

func cleanValue(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	return strings.Trim(strings.TrimSpace(s), "`")
}
