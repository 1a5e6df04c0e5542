package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

// DetailColumns are the rows of 'aws describe' for people.
var DetailColumns = []output.Column{
	{Header: "ID", Field: "cluster.id"},
	{Header: "Name", Field: "cluster.name"},
	{Header: "State", Field: "cluster.state"},
	{Header: "Reason", Field: "cluster.stateReason.code"},
	{Header: "Reason message", Field: "cluster.stateReason.message"},
	{Header: "Release", Field: "cluster.releaseVersion"},
	{Header: "Region", Field: "cluster.region"},
	{Header: "Instances", Field: "cluster.aws.instanceCollectionType"},
	{Header: "Master DNS", Field: "cluster.aws.masterPublicDns"},
	{Header: "Log URI", Field: "cluster.aws.logUri"},
	{Header: "Service role", Field: "cluster.aws.serviceRole"},
	{Header: "Instance profile", Field: "cluster.aws.instanceProfile"},
	{Header: "Security configuration", Field: "cluster.aws.securityConfiguration"},
	{Header: "Auto terminate", Field: "cluster.aws.autoTerminate", Kind: output.Bool},
	{Header: "Termination protection", Field: "cluster.aws.terminationProtected", Kind: output.Bool},
	{Header: "Normalized hours", Field: "cluster.aws.normalizedInstanceHours", Kind: output.Count},
	{Header: "Created", Field: "cluster.createTime", Kind: output.Time},
	{Header: "Ready", Field: "cluster.readyTime", Kind: output.Time},
	{Header: "Ended", Field: "cluster.endTime", Kind: output.Time},
	{Header: "Instances running", Field: "nodes", Kind: output.Count},
}

func newDescribeCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "describe CLUSTER_ID",
		Short: "Describe a cluster: state, instance groups or fleets, applications, bootstrap actions, tags",
		Example: `  emrctl aws describe j-2AXXXXXXGAPLF
  emrctl aws describe j-2AXXXXXXGAPLF --format yaml`,
		Args: cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			v, err := e.DescribeAWSCluster(ctx, args[0])
			if err != nil {
				return err
			}
			return printView(f, v)
		}),
	}
}

func printView(f *cmdutil.Factory, v *engine.AWSClusterView) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" || format == output.CSV {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, v, DetailColumns, Opts(f)...)
	}
	w := f.IOStreams.Out
	if err := output.PrintDetail(w, v, DetailColumns, Opts(f)...); err != nil {
		return err
	}
	if len(v.NodeGroups) > 0 {
		fmt.Fprintln(w)
		if err := output.PrintTable(w, v.NodeGroups, GroupColumns, Opts(f)...); err != nil {
			return err
		}
	}
	if len(v.Applications) > 0 {
		var apps []string
		for _, a := range v.Applications {
			apps = append(apps, strings.TrimSpace(a.Name+" "+a.Version))
		}
		fmt.Fprintf(w, "\nApplications: %s\n", strings.Join(apps, ", "))
	}
	for _, b := range v.BootstrapActions {
		fmt.Fprintf(w, "Bootstrap action: %s: %s %s\n", b.Name, b.Path, strings.Join(b.Args, " "))
	}
	if tags := v.Cluster.Tags; len(tags) > 0 {
		var kv []string
		for _, t := range tags {
			kv = append(kv, t.Key+"="+t.Value)
		}
		fmt.Fprintf(w, "Tags: %s\n", strings.Join(kv, ", "))
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", warn)
	}
	return nil
}

func newStartCmd(f *cmdutil.Factory) *cobra.Command {
	var q engine.QuickStart
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "start NAME",
		Short: "Start a Spark cluster with modern defaults (cloudmesh-emr 'start')",
		Long: `Start a Spark cluster: ` + engine.DefaultAWSRelease + `, Spark and Hadoop, ` + fmt.Sprint(engine.DefaultAWSCount) + ` instances of ` + engine.DefaultAWSInstanceType + `
(one master, the rest core), EMR_DefaultRole and EMR_EC2_DefaultRole, and
termination after ` + engine.DefaultAWSIdleTimeout + ` idle. It is the same create as 'emrctl cluster create'
with a spec: validated, confirmed, journaled and tagged with the journal's
request id, so running it again after a timeout never starts a second cluster.`,
		Example: `  emrctl aws start analysis
  emrctl aws start analysis --master m5.large --node r5.2xlarge --count 5 --log-uri s3://my-logs/emr/ --wait`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q.Name = args[0]
			if q.Count < 1 {
				return cmdutil.FlagErrorf("--count must be at least 1 (the master), got %d", q.Count)
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			call := f.Call(false)
			res, err := s.Engine.CreateCluster(cmd.Context(), call, engine.CreateClusterInput{Spec: s.Engine.QuickStartSpec(q)})
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s: %s\n", w.Field, w.Problem)
			}
			Note(f, res.Outcome.Note)
			if !wait {
				return PrintObject(f, res, []output.Column{{Header: "CLUSTER", Field: "clusterId"}, {Header: "JOURNAL", Field: "outcome.journalId"}, {Header: "REQUEST", Field: "requestId"}})
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "Cluster %s is starting.\n", res.ClusterID)
			c, err := s.Engine.WaitCluster(cmd.Context(), res.ClusterID, engine.WaitOptions{Timeout: timeout, Progress: Progress(f, "cluster "+res.ClusterID)})
			if err != nil {
				return err
			}
			return PrintObject(f, c, ClusterColumns)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&q.Master, "master", engine.DefaultAWSInstanceType, "instance type of the master node")
	fl.StringVar(&q.Node, "node", engine.DefaultAWSInstanceType, "instance type of the core nodes")
	fl.IntVar(&q.Count, "count", engine.DefaultAWSCount, "number of instances, the master included")
	fl.StringVar(&q.Release, "release", engine.DefaultAWSRelease, "EMR release label")
	fl.StringSliceVar(&q.Applications, "application", nil, "applications (default Hadoop, Spark)")
	fl.StringVar(&q.LogURI, "log-uri", "", "s3:// location for cluster and step logs (recommended)")
	fl.StringVar(&q.ServiceRole, "service-role", "", "EMR service role (default EMR_DefaultRole)")
	fl.StringVar(&q.JobFlowRole, "instance-profile", "", "EC2 instance profile (default EMR_EC2_DefaultRole)")
	fl.StringVar(&q.SubnetID, "subnet", "", "EC2 subnet ID")
	fl.StringVar(&q.KeyName, "key-name", "", "EC2 key pair for SSH")
	fl.StringVar(&q.IdleTimeout, "idle-timeout", engine.DefaultAWSIdleTimeout, `terminate after this long idle ("0": never)`)
	fl.BoolVar(&wait, "wait", false, "wait until the cluster is RUNNING or WAITING")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newStopCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "stop CLUSTER_ID",
		Aliases: []string{"terminate"},
		Short:   "Terminate a cluster (cloudmesh-emr 'stop'), only as the safety policy allows",
		Long: `Terminate a cluster with TerminateJobFlows. The safety policy refuses it by
default (use the EMR console); a policy file may allow it for a person at a
terminal, who types the cluster's name back. Scripts and agents never terminate
clusters, and termination protection must be turned off first, on its own.`,
		Args: cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			out, err := e.DeleteCluster(ctx, f.Call(false), args[0])
			if err != nil {
				return err
			}
			Note(f, out.Note)
			return PrintObject(f, out, []output.Column{{Header: "TERMINATED", Field: "result.ids"}, {Header: "JOURNAL", Field: "journalId"}})
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newProtectCmd(f *cmdutil.Factory) *cobra.Command {
	var on, off bool
	cmd := &cobra.Command{
		Use:   "protect CLUSTER_ID --on|--off",
		Short: "Turn termination protection on, or off (its own confirmed command)",
		Long: `Termination protection is EMR's deletion protection: this is 'emrctl cluster
protect' in cloudmesh's words. It is declarative: a cluster already protected
(or not) is left alone and said so. Turning it off is its own command,
confirmed on its own.`,
		Example: `  emrctl aws protect j-2AXXXXXXGAPLF --on
  emrctl aws protect j-2AXXXXXXGAPLF --off`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if on == off {
				return cmdutil.FlagErrorf("pass exactly one of --on and --off")
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			out, err := s.Engine.UpdateAttributes(cmd.Context(), f.Call(false), engine.AttributesInput{ClusterID: args[0], DeletionProtection: &on})
			if err != nil {
				return err
			}
			Note(f, out.Note)
			return PrintObject(f, out, []output.Column{{Header: "STATUS", Field: "status"}, {Header: "CLUSTER", Field: "result.ids"}, {Header: "JOURNAL", Field: "journalId"}})
		},
	}
	cmd.Flags().BoolVar(&on, "on", false, "turn termination protection on")
	cmd.Flags().BoolVar(&off, "off", false, "turn termination protection off (confirmed)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}
