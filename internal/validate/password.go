package validate

import "strings"

// Password length limits.
const (
	PasswordMinLen = 8
	PasswordMaxLen = 30
)

// passwordSymbols are the only non-alphanumeric characters a password may
// contain: none of them means anything to a shell or needs quoting in JSON.
const passwordSymbols = "-_.@#%+=!,"

// Password checks a secret such as MasterRootPassword or an RDS password:
// 8-30 characters; at least one upper-case letter, one lower-case letter and
// one digit; only ASCII letters, digits and - _ . @ # % + = ! , (quotes and
// shell metacharacters break JSON and shell quoting, seed 000). The error
// never contains the value or any part of it: it is marked Secret, carries
// no Value, and its text depends only on which rules failed.
func Password(field, v string) *Error {
	var problems []string
	if len(v) < PasswordMinLen || len(v) > PasswordMaxLen {
		problems = append(problems, "must be 8-30 characters long")
	}
	var upper, lower, digit, bad bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case strings.IndexByte(passwordSymbols, c) >= 0:
		default:
			bad = true
		}
	}
	if bad {
		problems = append(problems, "contains a character that is not allowed (only ASCII letters, digits and - _ . @ # % + = ! , are)")
	}
	if strings.HasPrefix(v, "-") {
		problems = append(problems, "must not start with '-'")
	}
	var missing []string
	if !upper {
		missing = append(missing, "an upper-case letter")
	}
	if !lower {
		missing = append(missing, "a lower-case letter")
	}
	if !digit {
		missing = append(missing, "a digit")
	}
	if len(missing) > 0 {
		last := len(missing) - 1
		list := missing[last]
		if last > 0 {
			list = strings.Join(missing[:last], ", ") + " and " + list
		}
		problems = append(problems, "needs "+list)
	}
	if len(problems) == 0 {
		return nil
	}
	return &Error{
		Field:  field,
		Rule:   strings.Join(problems, "; "),
		Fix:    "use 8-30 ASCII letters, digits and - _ . @ # % + = ! , with at least one upper-case letter, one lower-case letter and one digit",
		Secret: true,
	}
}
