package journal

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// DefaultLease is how long an owner is trusted to be alive without a
// heartbeat. Owners renew it a few times per lease while they work.
const DefaultLease = 30 * time.Second

// Owner identifies one flight: one write call of one process. Its ID is
// unique; Host and PID let other processes on the same machine tell at
// once that the owner is gone (a crash, a kill) instead of waiting for its
// lease to run out.
type Owner struct {
	ID   string `json:"id"`
	Host string `json:"host"`
	PID  int    `json:"pid"`
}

// NewOwner returns a new owner for this process.
func NewOwner() Owner {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	pid := os.Getpid()
	return Owner{ID: fmt.Sprintf("%s:%d:%s", host, pid, hex.EncodeToString(b[:])), Host: host, PID: pid}
}

// String names the owner for people: "pid 123 on host".
func (o Owner) String() string {
	if o.PID == 0 {
		return "an earlier emrctl"
	}
	return fmt.Sprintf("pid %d on %s", o.PID, o.Host)
}

// alive reports whether an owner last seen with lease end leaseNS may still
// be working at now: its lease has not run out and, when it runs on this
// host, its process exists.
func alive(host string, pid int, leaseNS int64, now time.Time) bool {
	if leaseNS <= now.UnixNano() {
		return false
	}
	if me, err := os.Hostname(); err == nil && host == me && pid > 0 {
		return processExists(pid)
	}
	return true
}
