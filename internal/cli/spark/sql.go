package spark

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	clia "github.com/emrctl/emrctl/internal/cli/aws"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

var statementColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "STATE", Field: "state"},
	{Header: "ERROR", Field: "errorCode"},
	{Header: "MESSAGE", Field: "errorMessage"},
	{Header: "RESULTS", Field: "results", Value: func(item any) string {
		if v, ok := item.(statementView); ok && len(v.Results) > 0 {
			return fmt.Sprintf("%d", len(v.Results))
		}
		return ""
	}},
}

// statementView is a statement with its results read into columns and
// rows, for tables and for programs alike.
type statementView struct {
	*provider.SparkStatement
	Results []resultTable `json:"results,omitempty"`
}

// resultTable is the result of one statement of the SQL.
type resultTable struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

func newSQLCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "Run SQL on a session cluster, read its results, cancel it",
	}
	cmd.AddCommand(newSQLRunCmd(f), newSQLGetCmd(f), newSQLWaitCmd(f), newSQLCancelCmd(f))
	return cmd
}

func newSQLRunCmd(f *cmdutil.Factory) *cobra.Command {
	var (
		in      provider.SparkStatementInput
		file    string
		wait    bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "run WORKSPACE_ID --session SESSION_ID (--sql SQL | -f FILE)",
		Short: "Run SQL on a running session cluster; --wait prints the result rows as a table",
		Long: `Send SQL to a running session cluster (confirmed as the policy says). SQL can
change data (INSERT, DROP): it runs as written. With --wait emrctl follows
the statement and prints each result as a table (in JSON: columns and rows).`,
		Example: `  emrctl spark sql run w-sandbox000000001 --session sc-xxxxxxxxxxxxxxxx --sql 'SELECT * FROM sample_orders LIMIT 10' --wait
  emrctl spark sql run w-sandbox000000001 --session sc-xxxxxxxxxxxxxxxx -f report.sql --wait -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case in.SessionID == "":
				return cmdutil.FlagErrorf("--session is required: the running session cluster that runs the SQL")
			case file != "" && in.SQL != "":
				return cmdutil.FlagErrorf("--sql and --file both give the SQL: use one")
			case file != "":
				raw, err := clia.ReadFile(f, file)
				if err != nil {
					return err
				}
				in.SQL = string(raw)
			}
			if strings.TrimSpace(in.SQL) == "" {
				return cmdutil.FlagErrorf("no SQL: give --sql or --file")
			}
			if in.Limit < 0 || in.Limit > 10000 {
				return cmdutil.FlagErrorf("--limit %d: give 1 to 10000 rows, or 0 for the service's 1000", in.Limit)
			}
			return withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
				res, err := e.RunSparkStatement(ctx, f.Call(false), args[0], in)
				if err != nil {
					return err
				}
				if !wait || res.ID == "" {
					return printResult(f, res, nil)
				}
				outcomeNote(f, res)
				return waitStatement(ctx, f, e, args[0], res.ID, timeout)
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.SessionID, "session", "", "session cluster ID (sc-...), Running")
	fl.StringVar(&in.SQL, "sql", "", "the SQL to run")
	fl.StringVarP(&file, "file", "f", "", "read the SQL from this file (- for stdin)")
	fl.StringVar(&in.Database, "database", "", "default database (default: default)")
	fl.StringVar(&in.Catalog, "catalog", "", "default catalog")
	fl.IntVar(&in.Limit, "limit", 0, "most rows returned per statement, 1 to 10000 (default: 1000)")
	fl.BoolVar(&wait, "wait", false, "wait for the results and print them")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newSQLGetCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get WORKSPACE_ID STATEMENT_ID",
		Short:   "Show a SQL statement's state and, when available, its results",
		Example: `  emrctl spark sql get w-sandbox000000001 st-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			st, err := e.SparkStatement(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return printStatement(f, st)
		}),
	}
}

func newSQLWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:     "wait WORKSPACE_ID STATEMENT_ID",
		Short:   "Wait for a SQL statement's results and print them",
		Example: `  emrctl spark sql wait w-sandbox000000001 st-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			return waitStatement(ctx, f, e, args[0], args[1], timeout)
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this long")
	return cmd
}

func newSQLCancelCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "cancel WORKSPACE_ID STATEMENT_ID",
		Short:   "Stop a running SQL statement",
		Example: `  emrctl spark sql cancel w-sandbox000000001 st-xxxxxxxxxxxxxxxx`,
		Args:    cobra.ExactArgs(2),
		RunE: withSpark(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.TerminateSparkStatement(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			return printResult(f, res, nil)
		}),
	}
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func waitStatement(ctx context.Context, f *cmdutil.Factory, e *engine.Engine, workspace, id string, timeout time.Duration) error {
	o := progress(f, "statement "+id)
	o.Timeout = timeout
	st, err := e.WaitSparkStatement(ctx, workspace, id, o)
	f.IOStreams.StopProgress()
	if err != nil {
		return err
	}
	return printStatement(f, st)
}

// printStatement prints a statement: for people its state and each
// result as a table; for programs the statement with its results.
func printStatement(f *cmdutil.Factory, st *provider.SparkStatement) error {
	v, err := newStatementView(st)
	if err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if f.Query != "" || (format != output.Table && format != output.Wide) {
		return clia.PrintObject(f, v, statementColumns)
	}
	if len(v.Results) == 0 {
		return clia.PrintObject(f, v, statementColumns)
	}
	for i, r := range v.Results {
		if i > 0 {
			fmt.Fprintln(f.IOStreams.Out)
		}
		if err := output.PrintTable(f.IOStreams.Out, r.Rows, rowColumns(r.Columns), clia.Opts(f)...); err != nil {
			return err
		}
		if len(r.Rows) == 0 {
			fmt.Fprintln(f.IOStreams.ErrOut, "(no rows)")
		}
	}
	return nil
}

// rowColumns are table columns over a result's rows.
func rowColumns(names []string) []output.Column {
	cols := make([]output.Column, len(names))
	for i, n := range names {
		cols[i] = output.Column{Header: n, Value: func(item any) string {
			row, _ := item.([]any)
			if i >= len(row) {
				return ""
			}
			return cellText(row[i])
		}}
	}
	return cols
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case json.Number:
		return x.String()
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

// newStatementView reads a statement's outputs: Spark's schema
// ({"type":"struct","fields":[{"name":...}]}) and rows
// ([{"values":[...]}]), as the service gives them.
func newStatementView(st *provider.SparkStatement) (statementView, error) {
	v := statementView{SparkStatement: st}
	for i, o := range st.Outputs {
		if o.Schema == "" && o.Rows == "" {
			continue
		}
		var schema struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		}
		if o.Schema != "" {
			if err := json.Unmarshal([]byte(o.Schema), &schema); err != nil {
				return v, fmt.Errorf("statement %s: output %d: the schema is not Spark's JSON: %w", st.ID, i+1, err)
			}
		}
		var rows []struct {
			Values []any `json:"values"`
		}
		if o.Rows != "" {
			dec := json.NewDecoder(strings.NewReader(o.Rows))
			dec.UseNumber()
			if err := dec.Decode(&rows); err != nil {
				return v, fmt.Errorf("statement %s: output %d: the rows are not Spark's JSON: %w", st.ID, i+1, err)
			}
		}
		t := resultTable{Columns: []string{}, Rows: [][]any{}}
		for _, fl := range schema.Fields {
			t.Columns = append(t.Columns, fl.Name)
		}
		for _, r := range rows {
			t.Rows = append(t.Rows, r.Values)
		}
		v.Results = append(v.Results, t)
	}
	return v, nil
}
