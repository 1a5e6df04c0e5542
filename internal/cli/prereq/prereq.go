// Package prereq holds 'emrctl prereq': the checks to run before creating
// a cluster (VPC, vSwitches and zones, security groups, key pairs, stock).
package prereq

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/spec"
)

// NewCmd returns the 'prereq' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "prereq",
		Aliases: []string{"prerequisites"},
		Short:   "Check what a cluster needs before it is created",
	}
	cmd.AddCommand(newCheckCmd(f, nil))
	return cmd
}

type checkOptions struct {
	f              *cmdutil.Factory
	file           string
	vpc            string
	zone           string
	vswitches      []string
	securityGroups []string
	keyPairs       []string
}

// specClashes are the flags a spec file replaces.
var specClashes = []struct{ flag, field string }{
	{"vpc", "network.vpcId"}, {"zone", "network.zoneId"}, {"vswitch", "network.vSwitchIds"},
	{"security-group", "network.securityGroupId"}, {"key-pair", "network.keyPairName"},
}

func newCheckCmd(f *cmdutil.Factory, run func(context.Context, *checkOptions) error) *cobra.Command {
	o := &checkOptions{f: f}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the region, VPC, vSwitches and zones, security groups and key pairs",
		Long: `Check that what a cluster needs is there and usable, before anything is bought:
the region answers; the VPC exists and is Available; the vSwitches exist, belong
to the VPC, are in the cluster's zone and have free addresses; the security
groups are normal ones (EMR rejects enterprise security groups: the cluster
would end START_FAILED) of the VPC; the key pairs exist.

With -f the check covers exactly what the spec uses, node counts and instance
stock included. Without it, what you name is checked and the rest is listed
(the VPCs of the region; with --vpc its vSwitches and security groups).

Every row that is not OK says how to fix it. The exit code is 2 when a
required thing is missing or unusable, 0 otherwise (warnings included).`,
		Example: `  emrctl prereq check
  emrctl prereq check --region cn-hangzhou --vpc vpc-bp1sandbox0000000001
  emrctl prereq check --vpc vpc-bp1sandbox0000000001 --zone cn-hangzhou-h \
      --vswitch vsw-bp1sandboxzoneh00001 --security-group sg-bp1sandboxnormal0001 --key-pair emrctl-sandbox
  emrctl prereq check -f examples/dev-cluster.yaml -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.file != "" {
				for _, c := range specClashes {
					if cmd.Flags().Changed(c.flag) {
						return cmdutil.FlagErrorf("--%s cannot be combined with -f: the spec sets it (%s)", c.flag, c.field)
					}
				}
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runCheck(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.file, "file", "f", "", "check exactly what this cluster spec uses (- for stdin)")
	fl.StringVar(&o.vpc, "vpc", "", "VPC ID the cluster will use")
	fl.StringVar(&o.zone, "zone", "", "zone the cluster will use, e.g. cn-hangzhou-h")
	fl.StringSliceVar(&o.vswitches, "vswitch", nil, "vSwitch IDs the node groups will use (repeatable)")
	fl.StringSliceVar(&o.securityGroups, "security-group", nil, "security group IDs (repeatable)")
	fl.StringSliceVar(&o.keyPairs, "key-pair", nil, "key pair names (repeatable)")
	return cmd
}

func (o *checkOptions) input() (engine.PrereqInput, error) {
	if o.file == "" {
		return engine.PrereqInput{VpcID: o.vpc, ZoneID: o.zone, VSwitchIDs: o.vswitches, SecurityGroupIDs: o.securityGroups, KeyPairNames: o.keyPairs}, nil
	}
	var raw []byte
	var err error
	if o.file == "-" {
		raw, err = readAll(o.f)
	} else {
		raw, err = os.ReadFile(o.file)
	}
	if err != nil {
		return engine.PrereqInput{}, cmdutil.FlagErrorf("read spec: %v", err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		return engine.PrereqInput{}, err
	}
	if c.Provider == spec.ProviderAWS {
		return engine.PrereqInput{}, cmdutil.FlagErrorf("%s is an AWS spec: prereq check covers Alibaba Cloud", o.file)
	}
	return engine.PrereqInputFromSpec(c), nil
}

var checkColumns = []output.Column{
	{Header: "STATUS", Field: "status"},
	{Header: "CHECK", Field: "item"},
	{Header: "RESOURCE", Field: "resource"},
	{Header: "DETAIL", Field: "detail"},
	{Header: "FIX", Field: "fix", Wide: true},
}

func runCheck(ctx context.Context, o *checkOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	in, err := o.input()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	rep, err := s.Engine.CheckPrereqs(ctx, in)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		if err := output.PrintObject(f.IOStreams.Out, format, f.Query, rep, checkColumns, opts(f)...); err != nil {
			return err
		}
		return rep.Err()
	}
	if err := printChecklist(f, format, rep); err != nil {
		return err
	}
	return rep.Err()
}

// printChecklist writes the rows, then (in table format) how to fix each
// row that is not OK, then the verdict.
func printChecklist(f *cmdutil.Factory, format output.Format, rep *engine.PrereqReport) error {
	w := f.IOStreams.Out
	lw := output.NewListWriter(w, format, checkColumns, opts(f)...)
	items := make([]any, len(rep.Checks))
	for i, c := range rep.Checks {
		items[i] = c
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if format != output.Table {
		return nil
	}
	first := true
	for _, c := range rep.Checks {
		if c.Fix == "" || c.Status == engine.CheckOK {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nTo fix:")
			first = false
		}
		fmt.Fprintf(w, "  %s %s %s: %s\n", c.Status, c.Item, c.Resource, c.Fix)
	}
	switch {
	case rep.Problems > 0:
		fmt.Fprintf(w, "\n%d problem(s), %d warning(s) in %s: fix the problems before creating a cluster.\n", rep.Problems, rep.Warnings, rep.Region)
	case rep.Warnings > 0:
		fmt.Fprintf(w, "\nReady in %s, with %d warning(s).\n", rep.Region, rep.Warnings)
	default:
		fmt.Fprintf(w, "\nReady: every prerequisite checked in %s is in place.\n", rep.Region)
	}
	return nil
}

func opts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}

func readAll(f *cmdutil.Factory) ([]byte, error) { return io.ReadAll(f.IOStreams.In) }
