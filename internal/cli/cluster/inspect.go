package cluster

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

type inspectOptions struct {
	f          *cmdutil.Factory
	regions    []string
	allRegions bool
	within     string
	scan       scanFlags
}

func newInspectCmd(f *cmdutil.Factory, run func(context.Context, *inspectOptions) error) *cobra.Command {
	o := &inspectOptions{f: f}
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Inspect every cluster: what is not RUNNING, abnormal nodes, expiring subscriptions",
		Long: `Inspect runs a health checklist over every cluster of the chosen regions,
page by page: clusters that are not RUNNING (failed ones with their reason,
likely cause and fix), abnormal nodes of running clusters (stopped, or released
from their node groups) and subscriptions that expire within
--expiring-within. TERMINATED clusters were released on purpose and are not
reported. Nodes a scale-in of emrctl released are not findings either. Each
finding names the command to run next. Exit code: 8 when a PROBLEM was found
(the report is printed either way), 0 otherwise.

Regions: the profile's region by default; --region (repeatable) or
--all-regions for every region the cloud serves. A region that cannot be read
is reported and the others are still inspected.

Regions are listed side by side and the nodes of running clusters are read
with at most --concurrency calls in flight, each API paced to the cloud's rate
limit (a Throttling answer slows it down rather than failing the inspection).
The report's order does not depend on it. Long inspections show their progress
on stderr when it is a terminal (or with --progress).`,
		Example: `  emrctl cluster inspect
  emrctl cluster inspect --all-regions --expiring-within 30d
  emrctl cluster inspect --region cn-hangzhou --region cn-shanghai -o json --query "findings[?severity=='PROBLEM']"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.allRegions && len(o.regions) > 0 {
				return cmdutil.FlagErrorf("--all-regions cannot be combined with --region")
			}
			if _, err := parseDays(o.within); err != nil {
				return err
			}
			if err := o.scan.check(); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			rep, err := runInspect(cmd.Context(), o)
			if err != nil {
				return err
			}
			return problemsFound(rep.Findings)
		},
	}
	fl := cmd.Flags()
	// --region is also the global flag; here it may be repeated.
	fl.StringSliceVar(&o.regions, "region", nil, "regions to inspect (repeatable; default: the profile's region)")
	fl.BoolVar(&o.allRegions, "all-regions", false, "inspect every region")
	fl.StringVar(&o.within, "expiring-within", "7d", "report subscriptions that expire within this time (e.g. 7d, 2w, 36h)")
	o.scan.add(fl)
	return cmd
}

// parseDays reads --expiring-within: a duration that may use days (d) and
// weeks (w) as well as Go units; a bare number is days.
func parseDays(s string) (time.Duration, error) {
	d, ok := parseSpan(s)
	if !ok || d <= 0 {
		return 0, cmdutil.FlagErrorf("--expiring-within %q: use a duration such as 7d, 2w or 36h", s)
	}
	return d, nil
}

// parseSpan reads "7d", "2w", "36h", "90m" or a bare number of days.
func parseSpan(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	unit := 24 * time.Hour
	num := s
	switch {
	case strings.HasSuffix(s, "d"):
		num = s[:len(s)-1]
	case strings.HasSuffix(s, "w"):
		num, unit = s[:len(s)-1], 7*24*time.Hour
	}
	if n, err := strconv.ParseFloat(num, 64); err == nil {
		return time.Duration(n * float64(unit)), true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// parseTimeFlag reads a point in time: RFC 3339, a date (midnight local
// time), or an age before now ("7d", "12h"). Empty means none.
func parseTimeFlag(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if d, ok := parseSpan(s); ok && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, cmdutil.FlagErrorf("%s %q: use RFC 3339 (2025-06-01T08:00:00Z), a date (2025-06-01) or an age (7d, 12h)", flag, s)
}

var findingColumns = []output.Column{
	{Header: "SEVERITY", Field: "severity"},
	{Header: "REGION", Field: "region"},
	{Header: "CLUSTER", Field: "clusterId"},
	{Header: "NAME", Field: "clusterName"},
	{Header: "KIND", Field: "kind"},
	{Header: "DETAIL", Field: "detail"},
	{Header: "NEXT", Field: "next", Wide: true},
	{Header: "RESOURCE", Field: "resource", Wide: true},
	{Header: "TIME", Field: "time", Kind: output.Time, Wide: true},
	{Header: "CAUSE", Field: "cause", Wide: true},
	{Header: "FIX", Field: "fix", Wide: true},
}

func runInspect(ctx context.Context, o *inspectOptions) (*engine.InspectReport, error) {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return nil, err
	}
	within, err := parseDays(o.within)
	if err != nil {
		return nil, err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return nil, err
	}
	report, stop := scanProgress(f, o.scan.progress, "inspecting", progressAfter)
	rep, err := s.Engine.Inspect(ctx, engine.InspectOptions{Regions: o.regions, AllRegions: o.allRegions, ExpiringWithin: within,
		Concurrency: o.scan.concurrency, Progress: report})
	stop()
	if err != nil {
		return nil, err
	}
	return rep, printInspect(f, format, rep)
}

// problemsFound turns PROBLEM findings into the exit code scripts see.
func problemsFound(fs []engine.Finding) error {
	n := 0
	for _, fd := range fs {
		if fd.Severity == engine.SeverityProblem {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &cmdutil.FindingsError{Problems: n}
}

func printInspect(f *cmdutil.Factory, format output.Format, rep *engine.InspectReport) error {
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, rep, findingColumns, opts(f)...)
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, findingColumns, opts(f)...)
	items := make([]any, len(rep.Findings))
	for i, fd := range rep.Findings {
		items[i] = fd
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if format == output.CSV {
		return nil
	}
	w := f.IOStreams.Out
	if len(rep.Findings) > 0 {
		fmt.Fprintln(w)
	}
	for _, r := range rep.Regions {
		if r.Error != "" {
			fmt.Fprintf(w, "%s: not inspected: %s\n", r.Region, r.Error)
			continue
		}
		fmt.Fprintf(w, "%s: %d cluster(s), %d running, %d finding(s)\n", r.Region, r.Clusters, r.Running, r.Findings)
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, "Nothing to report: every cluster is RUNNING with healthy nodes, and no subscription expires within %d day(s).\n", rep.ExpiringWithinDays)
	}
	return nil
}
