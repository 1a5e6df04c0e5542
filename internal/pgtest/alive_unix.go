//go:build unix

package pgtest

import (
	"errors"
	"syscall"
)

// alive reports whether process pid exists (EPERM: it does, under
// another user). A zombie counts as alive: this only guards removals.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
