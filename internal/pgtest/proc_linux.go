//go:build linux

package pgtest

import "syscall"

// procAttr makes a server program run as owner (nil: as this process)
// and receive SIGQUIT, PostgreSQL's immediate shutdown, when the test
// binary dies, even by SIGKILL, so that no server outlives its tests.
// Go sets the credentials before the death signal, which a change of
// credentials would otherwise clear.
func procAttr(owner *account) (*syscall.SysProcAttr, error) {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT}
	if owner != nil {
		a.Credential = &syscall.Credential{Uid: owner.uid, Gid: owner.gid}
	}
	return a, nil
}
