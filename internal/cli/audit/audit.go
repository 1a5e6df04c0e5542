// Package audit holds 'emrctl audit': the journal of every write and the
// audit events (policy refusals, confirmations, loosened limits).
package audit

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
)

// NewCmd returns the 'audit' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show the journal of writes and the audit events",
		Long: `Every write emrctl sends is recorded before it is sent (who, where, what,
the redacted request, the idempotency token) and its outcome after (ids,
request id, error code, or unknown). Audit events record policy refusals,
declined confirmations, loosened limits and MCP tool calls. Secrets are never
stored.`,
	}
	cmd.AddCommand(newListCmd(f), newShowCmd(f), newResolveCmd(f))
	return cmd
}

var entryColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "TIME", Field: "time", Kind: output.Time},
	{Header: "ACTOR", Field: "actor"},
	{Header: "KIND", Field: "actorKind"},
	{Header: "OPERATION", Field: "operation"},
	{Header: "TARGET", Field: "target"},
	{Header: "STATUS", Field: "status"},
	{Header: "ATTEMPT", Field: "attempt"},
	{Header: "ERROR", Field: "errorCode"},
	{Header: "RESULT", Field: "resultIds", Wide: true},
	{Header: "REQUEST", Field: "requestId", Wide: true},
	{Header: "PROFILE", Field: "profile", Wide: true},
	{Header: "REGION", Field: "region", Wide: true},
	{Header: "CLIENT", Field: "client", Wide: true},
	{Header: "HOST", Field: "owner.host", Wide: true},
}

var eventColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "TIME", Field: "time", Kind: output.Time},
	{Header: "ACTOR", Field: "actor"},
	{Header: "KIND", Field: "actorKind"},
	{Header: "EVENT", Field: "event"},
	{Header: "OPERATION", Field: "operation"},
	{Header: "TARGET", Field: "target"},
	{Header: "DETAIL", Field: "detail", Wide: true},
	{Header: "CLIENT", Field: "client", Wide: true},
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	var fl journal.Filter
	var since time.Duration
	var events bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List journal entries (newest first) or, with --events, audit events",
		Example: `  emrctl audit list --since 24h
  emrctl audit list --status unknown
  emrctl audit list --events --event policy.denied -o wide`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if since > 0 {
				fl.Since = f.Now().Add(-since)
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			j := s.Engine.Journal()
			cols, items := entryColumns, []any{}
			if events {
				evs, err := j.ListAudit(cmd.Context(), fl)
				if err != nil {
					return err
				}
				cols = eventColumns
				for _, e := range evs {
					items = append(items, e)
				}
			} else {
				ents, err := j.List(cmd.Context(), fl)
				if err != nil {
					return err
				}
				for _, e := range ents {
					items = append(items, e)
				}
			}
			var o []output.Option
			if f.Query != "" {
				o = append(o, output.WithQuery(f.Query))
			}
			lw := output.NewListWriter(f.IOStreams.Out, format, cols, o...)
			if err := lw.WriteItems(items...); err != nil {
				return err
			}
			return lw.Close()
		},
	}
	flags := cmd.Flags()
	flags.DurationVar(&since, "since", 0, "only the last period, e.g. 24h")
	flags.StringVar(&fl.Operation, "operation", "", "only this operation, e.g. IncreaseNodes")
	flags.StringVar(&fl.Target, "target", "", "only this target, e.g. a cluster ID")
	flags.StringVar(&fl.Status, "status", "", "only this status: pending, succeeded, failed, unknown")
	flags.StringVar(&fl.ActorKind, "actor", "", "only this actor kind: human, script, agent, service")
	flags.StringVar(&fl.Event, "event", "", "with --events: only this event, e.g. policy.denied")
	flags.IntVar(&fl.Limit, "limit", 100, "most entries to show")
	flags.BoolVar(&events, "events", false, "list audit events instead of writes")
	return cmd
}

func newShowCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one journal entry with its redacted request",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return cmdutil.FlagErrorf("journal entry ID must be a number, got %q", args[0])
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			e, err := s.Engine.Journal().Get(cmd.Context(), id)
			if err != nil {
				return fmt.Errorf("journal entry %d: %w", id, err)
			}
			if format == output.Table || format == output.Wide {
				cols := append(append([]output.Column{}, entryColumns...),
					output.Column{Header: "Token kind", Field: "tokenKind"}, output.Column{Header: "Intent", Field: "intentHash"},
					output.Column{Header: "Params", Field: "params"}, output.Column{Header: "Detail", Field: "detail"},
					output.Column{Header: "Message", Field: "errorMessage"})
				return output.PrintDetail(f.IOStreams.Out, e, cols)
			}
			return output.PrintObject(f.IOStreams.Out, format, f.Query, e, entryColumns)
		},
	}
}

func newResolveCmd(f *cmdutil.Factory) *cobra.Command {
	var applied, notApplied bool
	cmd := &cobra.Command{
		Use:   "resolve ID --applied|--not-applied",
		Short: "Record whether a write with an unknown outcome was applied",
		Long: `When emrctl cannot tell from the cloud's state whether a write whose response
was lost was applied (another actor changed the same resource meanwhile), it
refuses to send that write again and asks you to look. Look at the resource
('emrctl node list', 'emrctl cluster get'), then record what you found: the
next identical command then either sends again (--not-applied) or answers
from the record (--applied).`,
		Example: `  emrctl audit list --status unknown
  emrctl audit resolve 42 --not-applied`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return cmdutil.FlagErrorf("journal entry ID must be a number, got %q", args[0])
			}
			if applied == notApplied {
				return cmdutil.FlagErrorf("pass exactly one of --applied and --not-applied")
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			e, err := s.Engine.Resolve(cmd.Context(), f.Call(false), id, applied)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			return output.PrintObject(f.IOStreams.Out, format, f.Query, e, entryColumns)
		},
	}
	cmd.Flags().BoolVar(&applied, "applied", false, "the write was applied")
	cmd.Flags().BoolVar(&notApplied, "not-applied", false, "the write was not applied")
	return cmd
}
