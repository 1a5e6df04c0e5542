package cluster

import (
	"fmt"
	"io"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

func opts(f *cmdutil.Factory) []output.Option {
	var o []output.Option
	if f.NoHeaders {
		o = append(o, output.NoHeaders())
	}
	return o
}

func readAll(f *cmdutil.Factory) ([]byte, error) { return io.ReadAll(f.IOStreams.In) }

// progress reports wait progress on stderr: a spinner on a terminal, one
// line per state change otherwise.
func progress(f *cmdutil.Factory, id string) func(string, time.Duration) {
	last := ""
	return func(state string, elapsed time.Duration) {
		msg := fmt.Sprintf("cluster %s: %s (%s)", id, state, elapsed.Round(time.Second))
		if f.IOStreams.IsStderrTTY() {
			f.IOStreams.StartProgress(msg)
			return
		}
		if state != last {
			fmt.Fprintln(f.IOStreams.ErrOut, msg)
			last = state
		}
	}
}

func printCluster(f *cmdutil.Factory, c *provider.Cluster) error {
	f.IOStreams.StopProgress()
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintObject(f.IOStreams.Out, format, f.Query, c, clusterColumns, opts(f)...)
}
