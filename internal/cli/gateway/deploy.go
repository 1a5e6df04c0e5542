package gateway

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/gateway"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/validate"
)

type deployOptions struct {
	f            *cmdutil.Factory
	id           string
	mode         string
	root         string
	state        string
	apps         []string
	javaHome     string
	count        int
	instanceType string
	name         string
	instance     string
	skipCheck    bool
}

func newDeployCmd(f *cmdutil.Factory, run func(context.Context, *deployOptions) error) *cobra.Command {
	o := &deployOptions{f: f}
	cmd := &cobra.Command{
		Use:   "deploy CLUSTER_ID (--root DIR | --mode node-group)",
		Short: "Write a cluster's client configuration under a root, or add a GATEWAY node group",
		Long: `Deploy gives a cluster a gateway.

--mode environment (the default) writes the client configuration of the
cluster's applications (core-site.xml, yarn-site.xml, hive-site.xml,
spark-defaults.conf, ...) and the environment profile
(etc/profile.d/emrctl-gateway.sh: JAVA_HOME, HADOOP_CONF_DIR, SPARK_CONF_DIR,
...) under --root: / on the gateway machine itself, any directory for a
staged tree. It shows every file it would write, with a diff (secret values
redacted), and asks (or needs --yes without a terminal). The new files
become visible with one atomic switch; the set they replace is kept as a
backup that 'gateway rollback' restores. Deploying another cluster's files
over a gateway keeps the old cluster's set the same way. Files holding
secrets (a metastore password) are readable by their owner only.

Before writing to the gateway machine itself (--root /) or to one named
with --instance, deploy checks the machine as 'gateway check' does (the
cluster's region, zone, VPC and master security group, a 60 GiB ESSD
system disk, not a node of the cluster, a RAM role) and refuses when a
check fails, unless --skip-machine-check. A staged tree under another root
is not checked: run 'gateway check' for the machine it is meant for.

emrctl writes configuration files and the profile only: it does not install
the Hadoop, Spark or Hive binaries. Install the clients of the cluster's
release yourself (EMR-CLI 'emrcli gateway deploy', or the packages of the
release).

--mode node-group adds a GATEWAY node group to the cluster (EMR keeps its
client configuration in sync) through the policy, confirmation and journal
of 'nodegroup create': one node of the MASTER group's instance type unless
--count or --instance-type say otherwise. It is refused for a cluster
'gateway plan' says it does not fit.

` + cmdutil.IdempotencyHelp,
		Example: `  emrctl gateway deploy c-xxxxxxxxxxxxxxxx --root /tmp/gw
  sudo emrctl gateway deploy c-xxxxxxxxxxxxxxxx --root / --java-home /usr/lib/jvm/java-1.8.0 --yes
  emrctl gateway deploy c-xxxxxxxxxxxxxxxx --root /tmp/gw --app HDFS --app SPARK3
  emrctl gateway deploy c-xxxxxxxxxxxxxxxx --mode node-group --count 2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if err := o.check(cmd.Flags().Changed); err != nil {
				return err
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			if o.mode == engine.GatewayNodeGroup {
				return runDeployNodeGroup(cmd.Context(), o)
			}
			return runDeploy(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.mode, "mode", engine.GatewayEnvironment, "environment (files under --root) or node-group (a GATEWAY node group)")
	fl.StringVar(&o.root, "root", "", "directory the files go under (environment mode; / on the gateway itself)")
	fl.StringVar(&o.state, "state", "", "directory for generations and backups (default ROOT/.emrctl-gateway)")
	fl.StringArrayVar(&o.apps, "app", nil, "an application to deploy (repeatable; default every gateway application of the cluster): "+strings.Join(engine.GatewayApps, ", "))
	fl.StringVar(&o.javaHome, "java-home", "", "JAVA_HOME for the profile (default: a placeholder to replace)")
	fl.IntVar(&o.count, "count", 1, "nodes of the GATEWAY group (node-group mode)")
	fl.StringVar(&o.instanceType, "instance-type", "", "instance type of the GATEWAY group (node-group mode; default the MASTER group's)")
	fl.StringVar(&o.name, "name", "gateway", "name of the GATEWAY group (node-group mode)")
	fl.StringVar(&o.instance, "instance", "", "ECS instance the files are for, checked before writing (environment mode; default with --root /: this machine)")
	fl.BoolVar(&o.skipCheck, "skip-machine-check", false, "write even when the gateway machine checks fail (environment mode)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// check refuses flags of the other mode, naming both.
func (o *deployOptions) check(changed func(string) bool) error {
	switch o.mode {
	case engine.GatewayEnvironment, engine.GatewayEdgeNode:
		for _, fl := range []string{"count", "instance-type", "name"} {
			if changed(fl) {
				return cmdutil.FlagErrorf("--%s is for --mode node-group; environment mode writes files under --root", fl)
			}
		}
		if o.root == "" {
			return cmdutil.FlagErrorf("--root is required in environment mode: the directory the files go under (/ on the gateway machine itself)")
		}
	case engine.GatewayNodeGroup:
		for _, fl := range []string{"root", "state", "app", "java-home", "instance", "skip-machine-check"} {
			if changed(fl) {
				return cmdutil.FlagErrorf("--%s is for environment mode; --mode node-group adds a node group and writes no files", fl)
			}
		}
		if o.count < 1 {
			return cmdutil.FlagErrorf("--count %d: a GATEWAY group needs at least 1 node", o.count)
		}
	default:
		return cmdutil.FlagErrorf("--mode %q: use environment (edge-node on AWS) or node-group", o.mode)
	}
	return nil
}

func runDeploy(ctx context.Context, o *deployOptions) error {
	f := o.f
	if _, err := f.Format(); err != nil {
		return err
	}
	st, err := storeOf(o.root, o.state)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	p, err := s.Engine.GatewayModeFits(ctx, o.id, o.mode)
	if err != nil {
		return err
	}
	if err := checkMachine(ctx, o, s, st.Root); err != nil {
		return err
	}
	rec := deployRecord{ClusterID: o.id, Apps: o.apps, JavaHome: o.javaHome}
	res, err := writeSet(ctx, f, s, st, rec, false)
	if err != nil {
		return err
	}
	if err := printResult(f, res); err != nil {
		return err
	}
	printBinariesNote(f.IOStreams.ErrOut, p)
	return nil
}

// checkMachine runs the gateway machine checks before files are written
// to the machine itself (root /) or to one named with --instance, and
// refuses when one fails unless --skip-machine-check.
func checkMachine(ctx context.Context, o *deployOptions, s *session.Session, root string) error {
	w := o.f.IOStreams.ErrOut
	if root != string(filepath.Separator) && o.instance == "" {
		fmt.Fprintf(w, "Machine not checked: %s is a staged tree; 'emrctl gateway check %s --instance i-...' checks the machine it is for.\n", validate.Inline(root), o.id)
		return nil
	}
	r, err := s.Engine.CheckGatewayMachine(ctx, engine.GatewayMachineInput{ClusterID: o.id, InstanceID: o.instance})
	if err != nil {
		return err
	}
	failed := r.Failed()
	for _, c := range failed {
		fmt.Fprintf(w, "machine check failed: %s: %s (fix: %s)\n", c.Name, validate.Inline(c.Detail), validate.Inline(c.Fix))
	}
	switch {
	case len(failed) == 0:
		fmt.Fprintf(w, "Machine %s fits as the gateway of %s ('emrctl gateway check' shows every check).\n", orDash(r.InstanceID), o.id)
	case o.skipCheck:
		fmt.Fprintf(w, "warning: writing anyway (--skip-machine-check): %d machine check(s) failed\n", len(failed))
	default:
		return cmdutil.FlagErrorf("%s does not fit as the gateway of %s: %d machine check(s) failed (above); fix them, deploy to a machine that fits, or pass --skip-machine-check",
			orDash(r.InstanceID), o.id, len(failed))
	}
	return nil
}

// writeSet renders the cluster's set and has the engine write it: the
// changes and their diffs are printed before the engine's confirmation.
// The common part of deploy and refresh.
func writeSet(ctx context.Context, f *cmdutil.Factory, s *session.Session, st *gateway.Store, rec deployRecord, refresh bool) (*engine.GatewayFilesResult, error) {
	set, err := clusterSet(ctx, s, st, rec, f.IOStreams.ErrOut)
	if err != nil {
		return nil, err
	}
	return s.Engine.WriteGatewayFiles(ctx, f.Call(false), engine.GatewayFilesInput{
		Store: st, ClusterID: rec.ClusterID, Set: set, Refresh: refresh, Version: f.Version,
		Preview: func(changes []gateway.Change) {
			printChanges(f.IOStreams.ErrOut, changes)
			if cur, err := st.Current(); err == nil && cur.ClusterID != rec.ClusterID {
				fmt.Fprintf(f.IOStreams.ErrOut, "The gateway switches from cluster %s to %s; the files of %s are kept as a backup.\n",
					validate.Inline(cur.ClusterID), rec.ClusterID, validate.Inline(cur.ClusterID))
			}
		},
	})
}

// runDeployNodeGroup adds the GATEWAY node group through the engine's
// write pipeline.
func runDeployNodeGroup(ctx context.Context, o *deployOptions) error {
	f := o.f
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	out, err := s.Engine.DeployGatewayNodeGroup(ctx, f.Call(false), engine.GatewayGroupInput{
		ClusterID: o.id, Name: o.name, Count: o.count, InstanceType: o.instanceType})
	if err != nil {
		return err
	}
	cols := []output.Column{
		{Header: "STATUS", Field: "outcome.status"},
		{Header: "NODE GROUP", Field: "nodeGroupId"},
		{Header: "JOURNAL", Field: "outcome.journalId"}, {Header: "REQUEST", Field: "outcome.result.requestId"},
	}
	var notes []string
	if out.Outcome != nil && out.Outcome.Note != "" {
		notes = append(notes, out.Outcome.Note)
	}
	return cmdutil.PrintWithNotes(f, out, cols, notes)
}

func printResult(f *cmdutil.Factory, res *engine.GatewayFilesResult) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, res, resultColumns, printOpts(f)...)
	}
	w := f.IOStreams.Out
	if res.Unchanged {
		fmt.Fprintf(w, "Unchanged: generation %s under %s already matches cluster %s\n", res.Generation, res.Root, res.ClusterID)
	} else {
		fmt.Fprintf(w, "Generation %s of cluster %s is current under %s\n", res.Generation, res.ClusterID, res.Root)
	}
	for _, p := range res.Files {
		fmt.Fprintf(w, "  %s\n", p)
	}
	fmt.Fprintf(w, "Backups kept: %d", len(res.Backups))
	if len(res.Backups) > 0 {
		fmt.Fprintf(w, " (%s; 'emrctl gateway rollback --root %s' restores the last)", strings.Join(res.Backups, ", "), res.Root)
	}
	fmt.Fprintln(w)
	if res.PreviousClusterID != "" {
		fmt.Fprintf(w, "Switched from cluster %s: its files are the backup above\n", res.PreviousClusterID)
	}
	for from, to := range res.MovedAside {
		fmt.Fprintf(w, "Moved aside: %s -> %s\n", from, to)
	}
	return nil
}

var resultColumns = []output.Column{
	{Header: "CLUSTER", Field: "clusterId"},
	{Header: "ROOT", Field: "root"},
	{Header: "GENERATION", Field: "generation"},
	{Header: "UNCHANGED", Field: "unchanged", Kind: output.Bool},
}

// printBinariesNote says honestly what deploy did not do.
func printBinariesNote(w io.Writer, p *engine.GatewayPlan) {
	install := "on Alibaba Cloud with EMR-CLI ('emrcli gateway deploy --clusterId " + p.ClusterID + "',\n" +
		"see the EMR gateway documentation) or the packages of the release"
	if p.Recommended == engine.GatewayEdgeNode {
		install = "on the edge node, the packages of EMR release " + orDash(p.ReleaseVersion) + "\n" +
			"(the EMR documentation on edge nodes; the cluster's own nodes have them under /usr/lib)"
	}
	fmt.Fprintf(w, "\nemrctl wrote the client configuration and the environment profile only; it installs no\n"+
		"Hadoop, Spark or Hive binaries. Install the clients of %s yourself: %s.\n"+
		"Then 'source %s' (under the root) sets JAVA_HOME and the *_CONF_DIR variables.\n",
		orDash(p.ReleaseVersion), install, gateway.ProfilePath)
}
