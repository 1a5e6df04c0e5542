package cluster

import (
	"fmt"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
)

// scanFlags are the flags of commands that read many clusters.
type scanFlags struct {
	concurrency int
	progress    bool
}

func (s *scanFlags) add(fl *pflag.FlagSet) {
	fl.IntVar(&s.concurrency, "concurrency", engine.DefaultConcurrency,
		fmt.Sprintf("API calls in flight at most (1-%d); each API is also paced to the cloud's rate limit", engine.MaxConcurrency))
	fl.BoolVar(&s.progress, "progress", false, "show progress on stderr even when it is not a terminal")
}

func (s *scanFlags) check() error {
	if s.concurrency < 1 || s.concurrency > engine.MaxConcurrency {
		return cmdutil.FlagErrorf("--concurrency must be 1 to %d, got %d", engine.MaxConcurrency, s.concurrency)
	}
	return nil
}

// progressAfter is how long a scan runs before it shows progress: short
// scans stay quiet.
const progressAfter = time.Second

// scanProgress shows how far a scan got on stderr (never stdout): on a
// terminal, or everywhere with --progress, once the scan has run for
// after. Off a terminal it prints at most a line a second. Call stop
// before printing the result.
func scanProgress(f *cmdutil.Factory, forced bool, what string, after time.Duration) (report func(engine.ScanProgress), stop func()) {
	tty := f.IOStreams.IsStderrTTY()
	if !tty && !forced {
		return nil, func() {}
	}
	start := time.Now()
	var (
		mu      sync.Mutex
		printed time.Time
		shown   bool
	)
	report = func(p engine.ScanProgress) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Sub(start) < after || (!tty && now.Sub(printed) < time.Second) {
			return
		}
		printed, shown = now, true
		f.IOStreams.StartProgress(progressLine(what, p))
	}
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			f.IOStreams.StopProgress()
		}
	}
	return report, stop
}

// progressLine reads "inspecting: 120/500 cluster(s) checked, 3/4 region(s) listed".
func progressLine(what string, p engine.ScanProgress) string {
	line := fmt.Sprintf("%s: %d/%d cluster(s) checked", what, p.Done, p.Clusters)
	if p.Regions > 1 {
		line += fmt.Sprintf(", %d/%d region(s) listed", p.Listed, p.Regions)
	}
	return line
}
