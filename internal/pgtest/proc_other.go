//go:build !linux

package pgtest

import (
	"errors"
	"syscall"
)

// procAttr has no parent-death signal here: a SIGKILLed test binary can
// leave its server running on this platform.
func procAttr(owner *account) (*syscall.SysProcAttr, error) {
	if owner != nil {
		return nil, errors.New("running PostgreSQL tests as root is supported on Linux only; run them as an ordinary user")
	}
	return nil, nil
}
