package sandbox

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/emulator"
)

func newResetCmd(f *cmdutil.Factory) *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Forget every sandbox resource, fault and request count; restore the seeded inventory",
		Long: `Forget every sandbox resource, fault and request count and restore the seeded
inventory. The sandbox gets a new generation ID (shown by 'emrctl sandbox status'),
so records of the old sandbox's resources can be told apart. The clock is kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := control(cmd.Context(), f, "POST", "reset", map[string]any{"seed": seed})
			if err != nil {
				return err
			}
			return printJSON(f, raw)
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 0, "seed for IDs")
	return cmd
}

func newFaultCmd(f *cmdutil.Factory) *cobra.Command {
	var r emulator.FaultRule
	var latency, hold time.Duration
	var clear bool
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Inject faults: latency, errors, held or dropped responses, throttling",
		Long: `Inject faults into the sandbox. Faults are kept in the sandbox state: with the
embedded sandbox they apply to the following emrctl commands of the profile, and
counted faults (--drop-responses, --throttle-next) are used up across commands.`,
		Example: `  emrctl sandbox fault --action RunCluster --drop-responses 1     # apply, then lose the reply
  emrctl sandbox fault --action GetCluster --latency 40s           # a hung server
  emrctl sandbox fault --action IncreaseNodes --hold-after-apply 1h # applied, answer never comes
  emrctl sandbox fault --action '*' --error-rate 0.2 --error-code ServiceUnavailable
  emrctl sandbox fault --action IncreaseNodes --throttle-next 5
  emrctl sandbox fault --clear`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if clear {
				raw, err := control(cmd.Context(), f, "DELETE", "faults", nil)
				if err != nil {
					return err
				}
				return printJSON(f, raw)
			}
			if r.Action == "" {
				return cmdutil.FlagErrorf("--action is required (an API action such as RunCluster, or '*')")
			}
			if r.ErrorRate < 0 || r.ErrorRate > 1 {
				return cmdutil.FlagErrorf("--error-rate must be between 0 and 1, got %v", r.ErrorRate)
			}
			r.Latency, r.HoldAfterApply = emulator.Duration(latency), emulator.Duration(hold)
			raw, err := control(cmd.Context(), f, "POST", "faults", r)
			if err != nil {
				return err
			}
			return printJSON(f, raw)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&r.Action, "action", "", "API action the fault applies to ('*' for all)")
	fl.DurationVar(&latency, "latency", 0, "delay every response (before anything is applied)")
	fl.DurationVar(&hold, "hold-after-apply", 0, "apply each request, then hold its response this long")
	fl.Float64Var(&r.ErrorRate, "error-rate", 0, "share of requests failing before anything is applied (0-1)")
	fl.StringVar(&r.ErrorCode, "error-code", "", "error code of injected failures (default ServiceUnavailable)")
	fl.IntVar(&r.ErrorStatus, "error-status", 0, "HTTP status of injected failures (default 503)")
	fl.IntVar(&r.DropResponses, "drop-responses", 0, "apply the next N requests, then drop their responses")
	fl.IntVar(&r.ThrottleNext, "throttle-next", 0, "answer the next N requests with Throttling.User")
	fl.BoolVar(&clear, "clear", false, "remove every fault")
	return cmd
}

func newClockCmd(f *cmdutil.Factory) *cobra.Command {
	var advance time.Duration
	var speed string
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show or move the sandbox clock",
		Long: `Show or move the sandbox clock. The offset and speed are kept in the sandbox
state, so the following emrctl commands of the profile see them; a speed set
here overrides the profile's sandboxSpeed until changed again.`,
		Example: "  emrctl sandbox clock --advance 10m\n  emrctl sandbox clock --speed 0",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{}
			if advance < 0 {
				return cmdutil.FlagErrorf("--advance must not be negative: the clock never goes back")
			}
			if advance > 0 {
				body["advance"] = advance.String()
			}
			if speed != "" {
				s, err := strconv.ParseFloat(speed, 64)
				if err != nil || s < 0 {
					return cmdutil.FlagErrorf("--speed must be a number >= 0, got %q", speed)
				}
				body["speed"] = s
			}
			method := "GET"
			if len(body) > 0 {
				method = "POST"
			}
			raw, err := control(cmd.Context(), f, method, "clock", body)
			if err != nil {
				return err
			}
			return printJSON(f, raw)
		},
	}
	cmd.Flags().DurationVar(&advance, "advance", 0, "move the clock forward")
	cmd.Flags().StringVar(&speed, "speed", "", "set how many times faster than real time work completes")
	return cmd
}

func newInjectCmd(f *cmdutil.Factory) *cobra.Command {
	var in emulator.Injection
	cmd := &cobra.Command{
		Use:   "inject KIND",
		Short: "Make something happen: node-failure, metric-breach or cluster-failure",
		Example: `  emrctl sandbox inject node-failure --cluster c-xxx
  emrctl sandbox inject metric-breach --cluster c-xxx --node-group ng-xxx --rule scale-out
  emrctl sandbox inject cluster-failure --cluster c-xxx --reason "account in arrears"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Kind = args[0]
			if in.ClusterID == "" {
				return cmdutil.FlagErrorf("--cluster is required")
			}
			if in.Region == "" {
				in.Region = f.Region
			}
			if in.Region == "" {
				in.Region = "cn-hangzhou"
			}
			raw, err := control(cmd.Context(), f, "POST", "inject", in)
			if err != nil {
				return fmt.Errorf("inject %s: %w", in.Kind, err)
			}
			return printJSON(f, raw)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.ClusterID, "cluster", "", "cluster ID")
	fl.StringVar(&in.NodeGroupID, "node-group", "", "node group ID")
	fl.StringVar(&in.NodeID, "node", "", "node ID (node-failure)")
	fl.StringVar(&in.RuleName, "rule", "", "scaling rule name (metric-breach)")
	fl.StringVar(&in.Reason, "reason", "", "reason text")
	return cmd
}
