// Package journal holds 'emrctl journal': commands on the journal itself
// (the SQLite file in the data directory, or the PostgreSQL database set
// with 'emrctl config set journal' or EMRCTL_JOURNAL_URL).
package journal

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/config"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
)

// NewCmd returns the 'journal' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "journal",
		Short: "Manage the journal: where writes, locks, tokens and approvals are kept",
		Long: `The journal records every write before it is sent, with its outcome after; it
also holds the write locks, the API tokens and the approval queue. It is a
SQLite file in the data directory, or a PostgreSQL database shared by a team
('emrctl config set journal postgres://...' or EMRCTL_JOURNAL_URL).`,
	}
	cmd.AddCommand(newMigrateCmd(f, nil))
	return cmd
}

// Schema is what 'journal migrate' prints.
type Schema struct {
	// Journal is the file, or the URL with any password redacted.
	Journal string `json:"journal"`
	// Store is "sqlite" or "postgres".
	Store   string `json:"store"`
	Version int    `json:"schemaVersion"`
}

type migrateOptions struct {
	f *cmdutil.Factory
}

func newMigrateCmd(f *cmdutil.Factory, run func(context.Context, *migrateOptions) error) *cobra.Command {
	o := &migrateOptions{f: f}
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the journal's pending schema migrations and print its schema version",
		Long: `Apply the schema migrations the journal lacks and print the schema version.
Every emrctl applies them when it opens the journal; run this once when setting
up a shared PostgreSQL journal, or after upgrading emrctl, so that the first
command of the day does not do it. Concurrent runs apply each migration once.`,
		Example: `  emrctl journal migrate
  EMRCTL_JOURNAL_URL=postgres://emrctl@db.internal/emrctl emrctl journal migrate -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runMigrate(cmd.Context(), o)
		},
	}
}

func runMigrate(ctx context.Context, o *migrateOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	paths, err := f.Paths()
	if err != nil {
		return err
	}
	file, err := config.Load(paths.ConfigFile())
	if err != nil {
		return err
	}
	at, err := file.JournalLocation(paths, f.Getenv)
	if err != nil {
		return err
	}
	// Open applies the migrations, under a lock so that concurrent runs
	// apply each once.
	j, err := journal.Open(ctx, at, journal.Options{Registry: f.Secrets()})
	if err != nil {
		return err
	}
	defer j.Close()
	v, err := j.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	s := Schema{Journal: j.Location(), Store: j.Dialect().String(), Version: v}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, s, nil)
	}
	fmt.Fprintf(f.IOStreams.Out, "Journal %s (%s): schema version %d\n", s.Journal, s.Store, s.Version)
	return nil
}
