package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

type listOptions struct {
	f        *cmdutil.Factory
	states   []string
	types    []string
	payments []string
	name     string
	ids      []string
	aliases  map[string]*bool
	pageSize int
	limit    int
	// allRegions lists every region, concurrency calls in flight at most
	allRegions  bool
	concurrency int
	// created bounds, as typed and as parsed
	after, before string
	createdAfter  time.Time
	createdBefore time.Time
}

func newListCmd(f *cmdutil.Factory, run func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{f: f, aliases: map[string]*bool{}}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List clusters (every page by default)",
		Example: `  emrctl cluster list --active
  emrctl cluster list --failed -o wide
  emrctl cluster list --state RUNNING --type DATALAKE --payment Subscription -o json
  emrctl cluster list --query "[?state=='RUNNING'].id" -o json
  emrctl cluster list --created-after 7d --created-before 2025-06-30
  emrctl cluster list --all-regions --active`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.pageSize < 1 || o.pageSize > 100 {
				return cmdutil.FlagErrorf("--page-size must be 1 to 100, got %d", o.pageSize)
			}
			if o.concurrency < 1 || o.concurrency > engine.MaxConcurrency {
				return cmdutil.FlagErrorf("--concurrency must be 1 to %d, got %d", engine.MaxConcurrency, o.concurrency)
			}
			var err error
			if o.createdAfter, err = parseTimeFlag("--created-after", o.after, f.Now()); err != nil {
				return err
			}
			if o.createdBefore, err = parseTimeFlag("--created-before", o.before, f.Now()); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.states, "state", nil, "cluster states to include (repeatable), as the cloud names them: STARTING, BOOTSTRAPPING, RUNNING, TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS, and START_FAILED, TERMINATE_FAILED on Alibaba Cloud or WAITING on AWS")
	fl.StringSliceVar(&o.types, "type", nil, "cluster types (repeatable, Alibaba Cloud): DATALAKE, OLAP, DATAFLOW, DATASERVING, CUSTOM")
	fl.StringSliceVar(&o.payments, "payment", nil, "payment types (repeatable, Alibaba Cloud): PayAsYouGo, Subscription")
	fl.StringVar(&o.name, "name", "", "only clusters whose name contains this text")
	fl.StringSliceVar(&o.ids, "id", nil, "only these cluster IDs")
	for _, a := range []string{"active", "starting", "running", "failed", "terminated"} {
		o.aliases[a] = fl.Bool(a, false, "only "+a+" clusters ("+strings.Join(engine.StateAliases[a], ", ")+")")
	}
	fl.StringVar(&o.after, "created-after", "", "only clusters created after this time: RFC 3339, a date (2025-06-01) or an age (7d, 12h)")
	fl.StringVar(&o.before, "created-before", "", "only clusters created before this time: RFC 3339, a date or an age")
	fl.IntVar(&o.pageSize, "page-size", 100, "clusters per API call (1-100)")
	fl.IntVar(&o.limit, "limit", 0, "stop after this many clusters (0: all)")
	fl.BoolVar(&o.allRegions, "all-regions", false, "list every region the cloud serves, region by region (read side by side)")
	fl.IntVar(&o.concurrency, "concurrency", engine.DefaultConcurrency,
		fmt.Sprintf("with --all-regions, API calls in flight at most (1-%d)", engine.MaxConcurrency))
	return cmd
}

// filter turns the flags into a provider filter; aliases add states.
func (o *listOptions) filter(e *engine.Engine) (provider.ClusterFilter, error) {
	names := append([]string(nil), o.states...)
	for name, on := range o.aliases {
		if *on {
			names = append(names, name)
		}
	}
	states, err := e.ClusterStates("--state", names)
	if err != nil {
		return provider.ClusterFilter{}, err
	}
	return provider.ClusterFilter{States: states, Types: upper(o.types), PaymentTypes: o.payments, Name: o.name, IDs: o.ids,
		CreatedAfter: o.createdAfter, CreatedBefore: o.createdBefore}, nil
}

func upper(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func runList(ctx context.Context, o *listOptions) error {
	f := o.f
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	filter, err := o.filter(s.Engine)
	if err != nil {
		return err
	}
	ls, err := f.ListStream(clusterColumns, o.limit)
	if err != nil {
		return err
	}
	if o.allRegions {
		err = s.Engine.ListClustersInRegions(ctx, engine.RegionsOptions{AllRegions: true, Concurrency: o.concurrency}, filter, o.pageSize,
			func(_ string, page []provider.Cluster) error { return cmdutil.WritePage(ls, page) })
		return ls.Finish(err, "No clusters found.")
	}
	err = s.Engine.ListClusters(ctx, filter, o.pageSize, func(page []provider.Cluster) error { return cmdutil.WritePage(ls, page) })
	return ls.Finish(err, "No clusters found.")
}
