package cluster

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
)

func TestScanProgressGoesToStderrOnly(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	if report, _ := scanProgress(f, false, "inspecting", 0); report != nil {
		t.Error("stderr is no terminal and --progress is off: got a progress reporter")
	}
	report, stop := scanProgress(f, true, "inspecting", 0)
	report(engine.ScanProgress{Regions: 2, Clusters: 4, Done: 1})
	report(engine.ScanProgress{Regions: 2, Listed: 1, Clusters: 4, Done: 2}) // within the second: not printed
	stop()
	if got, want := errOut.String(), "inspecting: 1/4 cluster(s) checked, 0/2 region(s) listed\n"; got != want {
		t.Errorf("stderr: got %q, want %q", got, want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout: got %q, want nothing", out.String())
	}
	if got := progressLine("diagnosing", engine.ScanProgress{Regions: 1, Listed: 1, Clusters: 3, Done: 3}); got != "diagnosing: 3/3 cluster(s) checked" {
		t.Errorf("one region: got %q", got)
	}
}

func TestScanFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	var got *inspectOptions
	cmd := newInspectCmd(f, func(_ context.Context, o *inspectOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--concurrency", "3", "--progress"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.scan.concurrency != 3 || !got.scan.progress {
		t.Errorf("inspect: got %+v, want concurrency 3 with progress", got.scan)
	}
	for _, bad := range []string{"0", "65"} {
		cmd := newInspectCmd(f, func(context.Context, *inspectOptions) error { return nil })
		cmd.SetArgs([]string{"--concurrency", bad})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		var fe *cmdutil.FlagError
		if err := cmd.Execute(); !errors.As(err, &fe) || !strings.Contains(err.Error(), "--concurrency") {
			t.Errorf("--concurrency %s: got %v, want a flag error naming it", bad, err)
		}
	}
	var d *diagnoseOptions
	dcmd := newDiagnoseCmd(f, func(_ context.Context, o *diagnoseOptions) error { d = o; return nil })
	dcmd.SetArgs([]string{"c-aaaaaaaaaaaaaaaa", "c-bbbbbbbbbbbbbbbb", "--nodes", "--concurrency", "2"})
	if err := dcmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.ids, []string{"c-aaaaaaaaaaaaaaaa", "c-bbbbbbbbbbbbbbbb"}) || d.id != "c-aaaaaaaaaaaaaaaa" || !d.nodes || d.scan.concurrency != 2 {
		t.Errorf("diagnose: got ids %v id %s nodes %v concurrency %d", d.ids, d.id, d.nodes, d.scan.concurrency)
	}
}
