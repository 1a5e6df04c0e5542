package validate

import "fmt"

// String names the kind, e.g. "cluster ID", for test names and messages.
func (k Kind) String() string {
	if f, ok := k.format(); ok {
		return f.name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Pattern returns the regular expression an identifier of kind k matches
// (KeyPairName included, whose rule is written as one): the tests' oracle.
func (k Kind) Pattern() string {
	f, _ := k.format()
	return f.pattern
}
