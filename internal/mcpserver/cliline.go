package mcpserver

import (
	"strings"
)

// cli is an emrctl command line: the command words, its positional
// arguments and its flags.
type cli struct {
	cmd   []string
	pos   []string
	flags []string
}

// cmdline renders c as a line a person can paste into a shell. Every
// argument that is not plainly safe is single-quoted; positional arguments
// come after "--" when one starts with '-', so no value is read as a flag;
// the profile and region of this server are named so the command acts on
// the same cluster.
func (s *Server) cmdline(c cli) string {
	flags := append(append([]string(nil), c.flags...), "--profile", s.eng.Profile(), "--region", s.eng.Region())
	all := append([]string{"emrctl"}, c.cmd...)
	dashed := false
	for _, p := range c.pos {
		dashed = dashed || strings.HasPrefix(p, "-")
	}
	if dashed {
		all = append(append(append(all, flags...), "--"), c.pos...)
	} else {
		all = append(append(all, c.pos...), flags...)
	}
	out := make([]string, len(all))
	for i, a := range all {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

// shellQuote quotes a for a POSIX shell unless it consists only of
// characters no shell treats specially. Invisible characters are escaped
// first, so the person sees what they paste.
func shellQuote(a string) string {
	a = safeText(a)
	if a != "" && strings.IndexFunc(a, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/=@%+", r))
	}) < 0 {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}
