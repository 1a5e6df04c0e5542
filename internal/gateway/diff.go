package gateway

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/emrctl/emrctl/internal/redact"
)

// ChangeKind says how a file changes.
type ChangeKind string

// The kinds of change Plan reports.
const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
)

// Change is one file that applying a set would change.
type Change struct {
	Path string
	Kind ChangeKind
	// Diff is a unified diff of the lines, with secret values redacted.
	Diff string
}

// Plan compares set with the files of the current generation as they are on
// disk (local edits included) and returns every file Apply would change,
// sorted by path. With nothing applied yet, every file is added.
func (s *Store) Plan(set Set) ([]Change, error) {
	old := Set{}
	cur, err := s.Current()
	switch {
	case errors.Is(err, ErrNoGeneration):
	case err != nil:
		return nil, err
	default:
		if old, err = s.read(cur); err != nil {
			return nil, err
		}
	}
	return Compare(old, set), nil
}

// read loads the files of a generation as they are on disk; files missing
// from disk are left out.
func (s *Store) read(m *Manifest) (Set, error) {
	set := Set{}
	for p := range m.Files {
		b, err := os.ReadFile(filepath.Join(s.gensDir(), m.Generation, filepath.FromSlash(p)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s of generation %s: %w", p, m.Generation, err)
		}
		set[p] = b
	}
	return set, nil
}

// Compare returns the changes from old to next, sorted by path.
func Compare(old, next Set) []Change {
	paths := map[string]bool{}
	for p := range old {
		paths[p] = true
	}
	for p := range next {
		paths[p] = true
	}
	var out []Change
	for _, p := range sortedKeys(paths) {
		a, inOld := old[p]
		b, inNew := next[p]
		kind := Changed
		switch {
		case !inOld:
			kind = Added
		case !inNew:
			kind = Removed
		case string(a) == string(b):
			continue
		}
		out = append(out, Change{Path: p, Kind: kind, Diff: unifiedDiff(p, kind, splitLines(a), splitLines(b))})
	}
	return out
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// op is one line of an edit script: ' ', '-' or '+'.
type op struct {
	kind byte
	line string
}

// editScript returns a shortest line edit script from a to b (LCS by
// dynamic programming; configuration files are small).
func editScript(a, b []string) []op {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	return ops
}

const diffContext = 3

func unifiedDiff(p string, kind ChangeKind, a, b []string) string {
	ops := editScript(a, b)
	var sb strings.Builder
	from, to := "a/"+p, "b/"+p
	if kind == Added {
		from = "/dev/null"
	}
	if kind == Removed {
		to = "/dev/null"
	}
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", from, to)
	// Walk the script, emitting hunks around changed lines.
	aLine, bLine := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for k, o := range ops {
		aLine[k+1], bLine[k+1] = aLine[k], bLine[k]
		if o.kind != '+' {
			aLine[k+1]++
		}
		if o.kind != '-' {
			bLine[k+1]++
		}
	}
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-diffContext)
		end := k
		// Extend while the next change is within 2*context lines.
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			next := end
			for next < len(ops) && ops[next].kind == ' ' {
				next++
			}
			if next == len(ops) || next-end > 2*diffContext {
				end = min(len(ops), end+diffContext)
				break
			}
			end = next
		}
		aCount, bCount := aLine[end]-aLine[start], bLine[end]-bLine[start]
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aLine[start], aCount), hunkRange(bLine[start], bCount))
		for _, o := range ops[start:end] {
			line := redactLine(o.line)
			sb.WriteByte(o.kind)
			sb.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				sb.WriteString("\n\\ No newline at end of file\n")
			}
		}
		k = end
	}
	return sb.String()
}

func hunkRange(start, count int) string {
	if count == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if count == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}

var (
	xmlProperty = regexp.MustCompile(`^(\s*<property><name>)([^<]*)(</name><value>)(.*)(</value>.*)$`)
	assignment  = regexp.MustCompile(`^(\s*(?:export\s+)?)([A-Za-z0-9_.\-]+)(\s*[=:]\s*|\s+)(.*?)(\s*)$`)
)

// redactLine hides the value of a secret key on one rendered line, in any of
// the formats Render writes, and scrubs the rest with redact.String.
func redactLine(line string) string {
	body, nl := strings.CutSuffix(line, "\n")
	if m := xmlProperty.FindStringSubmatch(body); m != nil {
		if redact.IsSecretKey(m[2]) {
			body = m[1] + m[2] + m[3] + redact.Marker + m[5]
		}
	} else if m := assignment.FindStringSubmatch(body); m != nil && !strings.HasPrefix(strings.TrimSpace(body), "#") {
		if redact.IsSecretKey(m[2]) {
			body = m[1] + m[2] + m[3] + redact.Marker + m[5]
		}
	}
	body = redact.String(body)
	if nl {
		return body + "\n"
	}
	return body
}
