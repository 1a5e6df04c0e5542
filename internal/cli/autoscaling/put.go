package autoscaling

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

// policyFile is the YAML form of an auto scaling policy.
type policyFile struct {
	MinCapacity int                    `yaml:"minCapacity"`
	MaxCapacity int                    `yaml:"maxCapacity"`
	Rules       []provider.ScalingRule `yaml:"rules"`
}

func newPutCmd(f *cmdutil.Factory) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "put CLUSTER_ID NODE_GROUP_ID -f POLICY",
		Short: "Replace a TASK node group's auto scaling policy (shows the current one and a diff first)",
		Long: `PutAutoScalingPolicy replaces every rule of the node group's policy. emrctl
reads the current policy first and shows it with a diff in the confirmation.
Limits: maxCapacity at most 100, and scale-out metric rules need a cooldown of
at least 120 s (both from the policy; tighten them in policy.yaml).

Policy file (YAML):
  minCapacity: 0
  maxCapacity: 20
  rules:
    - name: workday-scaleout
      triggerType: TIME_TRIGGER
      activityType: SCALE_OUT
      adjustment: 5
      time: {launchTime: "09:00", startTime: 2026-01-01T00:00:00Z, recurrenceType: WEEKLY, recurrenceValue: "MON,TUE,WED,THU,FRI"}
    - name: vcore-scaleout
      triggerType: METRICS_TRIGGER
      activityType: SCALE_OUT
      adjustment: 3
      metrics:
        timeWindowSeconds: 300
        evaluationCount: 3
        coolDownSeconds: 300
        conditions:
          - {metricName: yarn_resourcemanager_queue_AvailableVCoresPercentage, statistics: AVG, operator: LT, threshold: 20, tags: [{key: queue_name, value: root}]}`,
		Example: "  emrctl autoscaling put c-xxx ng-task -f policy.yaml",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.FlagErrorf("--file/-f is required: the policy (see --help for its format)")
			}
			sp, err := readPolicy(f, file)
			if err != nil {
				return err
			}
			sp.ClusterID, sp.NodeGroupID = args[0], args[1]
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			change, out, err := s.Engine.PutAutoScalingPolicy(cmd.Context(), f.Call(false), *sp)
			if err != nil {
				return err
			}
			if out.Sent() {
				fmt.Fprintf(f.IOStreams.ErrOut, "policy of %s replaced:\n%s\n", sp.NodeGroupID, change.Diff)
			}
			return printOutcome(f, out)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "policy file (YAML; - for stdin)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func readPolicy(f *cmdutil.Factory, path string) (*provider.ScalingPolicy, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(f.IOStreams.In)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, cmdutil.FlagErrorf("read policy: %v", err)
	}
	var pf policyFile
	d := yaml.NewDecoder(bytes.NewReader(raw))
	d.KnownFields(true)
	if err := d.Decode(&pf); err != nil {
		return nil, cmdutil.FlagErrorf("policy %s: %v", path, err)
	}
	return &provider.ScalingPolicy{MinCapacity: pf.MinCapacity, MaxCapacity: pf.MaxCapacity, Rules: pf.Rules}, nil
}

func newRemoveCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "remove CLUSTER_ID NODE_GROUP_ID",
		Short:   "Remove a node group's auto scaling policy (shows it and asks first)",
		Example: "  emrctl autoscaling remove c-xxx ng-task",
		Args:    cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			_, out, err := e.RemoveAutoScalingPolicy(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			return printOutcome(f, out)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func printOutcome(f *cmdutil.Factory, out *engine.Outcome) error { return cmdutil.PrintOutcome(f, out) }
