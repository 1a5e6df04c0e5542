// Package discover holds the 'emrctl discover' commands: the release
// versions, instance types and applications a cluster is built from.
package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'discover' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "discover",
		Short: "Find release versions, instance types (with stock) and a cluster's applications",
		Long: `Discover answers what a cluster can be built from before you write a spec:
the EMR releases of each cluster type (ListReleaseVersions), the instance types
offered for a node group in a zone with vCPUs, memory and stock
(ListInstanceTypes and ECS), and the applications of an existing cluster.`,
	}
	cmd.AddCommand(newReleasesCmd(f, nil), newInstanceTypesCmd(f, nil), newApplicationsCmd(f, nil))
	return cmd
}

func listOpts(f *cmdutil.Factory) []output.Option {
	var o []output.Option
	if f.NoHeaders {
		o = append(o, output.NoHeaders())
	}
	if f.Query != "" {
		o = append(o, output.WithQuery(f.Query))
	}
	return o
}

// printList renders a short list (read whole) in the -o format.
func printList[T any](f *cmdutil.Factory, cols []output.Column, items []T, empty string) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, cols, listOpts(f)...)
	all := make([]any, len(items))
	for i, it := range items {
		all[i] = it
	}
	if err := lw.WriteItems(all...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if len(items) == 0 && !format.Structured() && f.Query == "" {
		fmt.Fprintln(f.IOStreams.ErrOut, empty)
	}
	return nil
}

// canonical returns the valid value matching v without regard to case, or
// v unchanged (the engine then names the valid values).
func canonical(v string, valid []string) string {
	for _, s := range valid {
		if strings.EqualFold(v, s) {
			return s
		}
	}
	return v
}

type releasesOptions struct {
	f           *cmdutil.Factory
	clusterType string
}

func newReleasesCmd(f *cmdutil.Factory, run func(context.Context, *releasesOptions) error) *cobra.Command {
	o := &releasesOptions{f: f}
	cmd := &cobra.Command{
		Use:     "releases",
		Aliases: []string{"release-versions", "versions"},
		Short:   "List the EMR release versions of a cluster type (all types when --type is omitted)",
		Long: `List the EMR releases (ListReleaseVersions) a cluster type can use, newest
first. New clusters should normally use the newest release.`,
		Example: `  emrctl discover releases --type DATALAKE
  emrctl discover releases -o json --query "[?clusterType=='OLAP'].version"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.clusterType = canonical(o.clusterType, engine.ClusterTypes())
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runReleases(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.clusterType, "type", "", "cluster type: "+strings.Join(engine.ClusterTypes(), ", "))
	return cmd
}

var releaseColumns = []output.Column{
	{Header: "TYPE", Field: "clusterType"},
	{Header: "VERSION", Field: "version"},
	{Header: "SERIES", Field: "series"},
}

func runReleases(ctx context.Context, o *releasesOptions) error {
	s, err := o.f.Session(ctx)
	if err != nil {
		return err
	}
	rows, err := s.Engine.ListReleaseVersions(ctx, o.clusterType)
	if err != nil {
		return flagNames(err, map[string]string{"clusterType": "--type"})
	}
	return printList(o.f, releaseColumns, rows, "No release versions found.")
}

type instanceTypesOptions struct {
	f *cmdutil.Factory
	q provider.InstanceTypeQuery
}

func newInstanceTypesCmd(f *cmdutil.Factory, run func(context.Context, *instanceTypesOptions) error) *cobra.Command {
	o := &instanceTypesOptions{f: f}
	cmd := &cobra.Command{
		Use:     "instance-types",
		Aliases: []string{"instance-type", "specs"},
		Short:   "List the instance types offered for a node group, with vCPUs, memory and stock",
		Long: `List the instance types (ListInstanceTypes) a node group of a cluster type can
use in a zone, with vCPUs and memory (ECS DescribeInstanceTypes) and whether the
zone has stock (ECS DescribeAvailableResource).

ListInstanceTypes needs --zone, --type, --payment and --role although its
documentation marks them optional; each missing one is named with its valid
values before anything is sent.`,
		Example: `  emrctl discover instance-types --zone cn-hangzhou-h --type DATALAKE --payment PayAsYouGo --role CORE
  emrctl discover instance-types --zone cn-hangzhou-h --type DATALAKE --payment PayAsYouGo --role MASTER \
      -o json --query "[?stock=='WithStock'].type"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.q.ClusterType = canonical(o.q.ClusterType, engine.ClusterTypes())
			o.q.PaymentType = canonical(o.q.PaymentType, engine.PaymentTypes())
			o.q.NodeGroupType = canonical(o.q.NodeGroupType, engine.NodeGroupTypes())
			o.q.DeployMode = strings.ToUpper(o.q.DeployMode)
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runInstanceTypes(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.q.ZoneID, "zone", "", "zone ID, the zone of your vSwitch (required), e.g. cn-hangzhou-h")
	fl.StringVar(&o.q.ClusterType, "type", "", "cluster type (required): "+strings.Join(engine.ClusterTypes(), ", "))
	fl.StringVar(&o.q.PaymentType, "payment", "", "payment type (required): "+strings.Join(engine.PaymentTypes(), ", "))
	fl.StringVar(&o.q.NodeGroupType, "role", "", "node group role (required): "+strings.Join(engine.NodeGroupTypes(), ", "))
	fl.StringVar(&o.q.ReleaseVersion, "release", "", "EMR release version, e.g. EMR-5.21.0")
	fl.StringVar(&o.q.DeployMode, "deploy-mode", "", "NORMAL or HA")
	fl.StringVar(&o.q.InstanceType, "instance-type", "", "only this instance type")
	return cmd
}

var instanceTypeColumns = []output.Column{
	{Header: "INSTANCE TYPE", Field: "type"},
	{Header: "FAMILY", Field: "family"},
	{Header: "VCPU", Field: "vcpus", Kind: output.Count},
	{Header: "MEMORY GIB", Field: "memoryGiB", Kind: output.Count},
	{Header: "ARCH", Field: "arch"},
	{Header: "STOCK", Field: "stock"},
	{Header: "CATEGORY", Field: "category", Wide: true},
	{Header: "LOCAL DISKS", Field: "localDisks", Kind: output.Count, Wide: true},
	{Header: "LOCAL DISK GB", Field: "localDiskGB", Kind: output.Count, Wide: true},
}

// instanceTypeFlags maps the query's fields to the flags that set them.
var instanceTypeFlags = map[string]string{
	"zoneId": "--zone", "clusterType": "--type", "paymentType": "--payment", "nodeGroupType": "--role", "deployMode": "--deploy-mode",
}

func runInstanceTypes(ctx context.Context, o *instanceTypesOptions) error {
	s, err := o.f.Session(ctx)
	if err != nil {
		return err
	}
	types, err := s.Engine.ListInstanceTypes(ctx, o.q)
	if err != nil {
		return flagNames(err, instanceTypeFlags)
	}
	return printList(o.f, instanceTypeColumns, types, "No instance types offered for this node group in "+o.q.ZoneID+".")
}

// flagNames renames the fields of an input error to the flags that set
// them, so the message names what the user typed.
func flagNames(err error, flags map[string]string) error {
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		return err
	}
	out := &engine.InputError{Problems: make([]engine.FieldProblem, len(ie.Problems))}
	for i, p := range ie.Problems {
		if name, ok := flags[p.Field]; ok {
			p.Field = name
		}
		out.Problems[i] = p
	}
	return out
}

type applicationsOptions struct {
	f  *cmdutil.Factory
	id string
}

func newApplicationsCmd(f *cmdutil.Factory, run func(context.Context, *applicationsOptions) error) *cobra.Command {
	o := &applicationsOptions{f: f}
	return &cobra.Command{
		Use:     "applications CLUSTER_ID",
		Aliases: []string{"apps"},
		Short:   "List the applications of a cluster with their versions and states",
		Example: `  emrctl discover applications c-xxxxxxxxxxxxxxxx
  emrctl discover applications c-xxxxxxxxxxxxxxxx -o json --query "[].name"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runApplications(cmd.Context(), o)
		},
	}
}

var applicationColumns = []output.Column{
	{Header: "APPLICATION", Field: "name"},
	{Header: "VERSION", Field: "version"},
	{Header: "STATE", Field: "state"},
	{Header: "COMMUNITY VERSION", Field: "communityVersion", Wide: true},
}

func runApplications(ctx context.Context, o *applicationsOptions) error {
	s, err := o.f.Session(ctx)
	if err != nil {
		return err
	}
	apps, err := s.Engine.ListApplications(ctx, o.id)
	if err != nil {
		return err
	}
	return printList(o.f, applicationColumns, apps, "The cluster has no applications.")
}
