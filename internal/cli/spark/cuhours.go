package spark

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// cuHoursView is a queue's consumption with the window it covers.
type cuHoursView struct {
	WorkspaceID string                  `json:"workspaceId"`
	Queue       string                  `json:"queue"`
	Start       time.Time               `json:"start"`
	End         time.Time               `json:"end"`
	Total       float64                 `json:"total"`
	Points      []provider.SparkCUPoint `json:"points"`
	Raw         string                  `json:"raw,omitempty"`
}

var cuHoursColumns = []output.Column{
	{Header: "QUEUE", Field: "queue"},
	{Header: "FROM", Field: "start", Kind: output.Time},
	{Header: "UNTIL", Field: "end", Kind: output.Time},
	{Header: "CU-HOURS", Field: "total", Kind: output.Count},
}

var cuPointColumns = []output.Column{
	{Header: "HOUR", Field: "time", Kind: output.Time},
	{Header: "CU-HOURS", Field: "cuHours", Kind: output.Count},
}

func newCUHoursCmd(f *cmdutil.Factory) *cobra.Command {
	var queue, since, until string
	cmd := &cobra.Command{
		Use:   "cu-hours WORKSPACE_ID --queue QUEUE [--since 7d] [--until TIME]",
		Short: "Show the CU-hours a queue consumed, per hour and in total",
		Long: `Show the CU-hours (CU held × hours) a resource queue's job runs, Kyuubi
applications consumed in a window of at most a month: the
default is the last 7 days. Serverless Spark bills by CU-hours. Times are
a duration ago (24h, 7d), a date (2024-01-01) or a time (2024-01-01 08:00:00,
RFC 3339), in local time unless they carry a zone.`,
		Example: `  emrctl spark cu-hours w-sandbox000000001 --queue root_queue
  emrctl spark cu-hours w-sandbox000000001 --queue dev_queue --since 2024-01-01 --until 2024-01-08 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if queue == "" {
				return cmdutil.FlagErrorf("--queue is required: CU-hours are counted per queue (see 'spark queue list')")
			}
			now := f.Now()
			end, err := parseTime("until", until, now)
			if err != nil {
				return err
			}
			start := end.AddDate(0, 0, -7)
			if since != "" {
				if start, err = parseTime("since", since, now); err != nil {
					return err
				}
			}
			if !end.After(start) {
				return cmdutil.FlagErrorf("--since %s is not before --until %s", start.Format(time.RFC3339), end.Format(time.RFC3339))
			}
			if end.After(start.AddDate(0, 1, 0)) {
				return cmdutil.FlagErrorf("--since and --until are %.0f days apart; the service answers at most a month: query month by month", end.Sub(start).Hours()/24)
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				h, err := e.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: args[0], Queue: queue, Start: start, End: end})
				if err != nil {
					return err
				}
				v := cuHoursView{WorkspaceID: args[0], Queue: queue, Start: start, End: end, Total: h.Total, Points: h.Points, Raw: h.Raw}
				if v.Points == nil {
					v.Points = []provider.SparkCUPoint{}
				}
				return printCUHours(f, v)
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&queue, "queue", "", "resource queue, e.g. root_queue (required)")
	cmd.Flags().StringVar(&since, "since", "", "start of the window (default: 7 days before --until)")
	cmd.Flags().StringVar(&until, "until", "", "end of the window (default: now)")
	return cmd
}

func printCUHours(f *cmdutil.Factory, v cuHoursView) error {
	if err := clia.PrintObject(f, v, cuHoursColumns); err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if f.Query != "" || (format != output.Table && format != output.Wide) || len(v.Points) == 0 {
		return nil
	}
	fmt.Fprintln(f.IOStreams.Out)
	return output.PrintTable(f.IOStreams.Out, v.Points, cuPointColumns, clia.Opts(f)...)
}

// timeLayouts are the absolute times --since and --until take, read in
// local time unless they carry a zone.
var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"}

// parseTime reads a time flag: empty or "now" is now, a duration (24h, 7d)
// is that long ago, or an absolute time.
func parseTime(flag, v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "now" {
		return now, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, cmdutil.FlagErrorf("--%s %q: give a duration ago without a sign, e.g. 24h", flag, v)
		}
		return now.Add(-d), nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, v, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, cmdutil.FlagErrorf("--%s %q: give a duration ago (24h, 7d), a date (2024-01-01) or a time (2024-01-01 08:00:00, RFC 3339)", flag, v)
}
