package emulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A tiny, deterministic stand-in for Spark SQL, enough for the skill's
// examples and for tests: literals (SELECT 1 AS test_value), SHOW
// DATABASES, SHOW TABLES, and SELECT from the one seeded table
// default.sample_orders. Statements that change nothing visible here
// (CREATE, INSERT, SET, USE, ...) succeed with no rows; anything else is a
// syntax error. What the sandbox cannot evaluate it says so, instead of
// inventing an answer.

type sqlColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// sqlResult is the output of one statement.
type sqlResult struct {
	Columns []sqlColumn `json:"columns"`
	Rows    [][]any     `json:"rows"`
}

// sqlError is a statement that failed, with Spark's error class as code.
type sqlError struct {
	Code    string
	Message string
}

var sampleOrders = sqlResult{
	Columns: []sqlColumn{{"order_id", "bigint"}, {"customer", "string"}, {"amount", "double"}, {"order_date", "string"}},
	Rows: [][]any{
		{1, "alice", 120.5, "2024-01-01"},
		{2, "bob", 80.0, "2024-01-01"},
		{3, "carol", 212.0, "2024-01-01"},
	},
}

var (
	reShowDatabases = regexp.MustCompile(`(?is)^show\s+(databases|schemas)$`)
	reShowTables    = regexp.MustCompile(`(?is)^show\s+tables(?:\s+(?:in|from)\s+(\w+))?$`)
	reSelectFrom    = regexp.MustCompile(`(?is)^select\s+(.+?)\s+from\s+([\w.` + "`" + `]+)(?:\s+limit\s+(\d+))?$`)
	reSelect        = regexp.MustCompile(`(?is)^select\s+(.+)$`)
	reNoOutput      = regexp.MustCompile(`(?is)^(create|drop|insert|set|use|alter|refresh|cache|uncache|msck|analyze)\b`)
	reAlias         = regexp.MustCompile(`(?is)^(.+?)\s+(?:as\s+)?([A-Za-z_]\w*)$`)
)

// runSQL runs one or more statements separated by ';' and returns one
// output per statement; limit caps the rows of each.
func runSQL(code string, limit int64) ([]sqlResult, *sqlError) {
	var out []sqlResult
	for _, stmt := range splitStatements(code) {
		r, err := runStatement(stmt)
		if err != nil {
			return nil, err
		}
		if int64(len(r.Rows)) > limit {
			r.Rows = r.Rows[:limit]
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, &sqlError{"PARSE_SYNTAX_ERROR", "the SQL contains no statement"}
	}
	return out, nil
}

func splitStatements(code string) []string {
	var out []string
	for _, s := range splitOutsideQuotes(code, ';') {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func runStatement(stmt string) (sqlResult, *sqlError) {
	switch {
	case reShowDatabases.MatchString(stmt):
		return sqlResult{Columns: []sqlColumn{{"namespace", "string"}}, Rows: [][]any{{"default"}}}, nil
	case reShowTables.MatchString(stmt):
		db := reShowTables.FindStringSubmatch(stmt)[1]
		if db != "" && !strings.EqualFold(db, "default") {
			return sqlResult{}, &sqlError{"SCHEMA_NOT_FOUND", fmt.Sprintf("[SCHEMA_NOT_FOUND] The schema `%s` cannot be found.", db)}
		}
		return sqlResult{
			Columns: []sqlColumn{{"namespace", "string"}, {"tableName", "string"}, {"isTemporary", "boolean"}},
			Rows:    [][]any{{"default", "sample_orders", false}},
		}, nil
	case reSelectFrom.MatchString(stmt):
		m := reSelectFrom.FindStringSubmatch(stmt)
		return selectFrom(m[1], m[2], m[3])
	case reSelect.MatchString(stmt):
		return selectLiterals(reSelect.FindStringSubmatch(stmt)[1])
	case reNoOutput.MatchString(stmt):
		return sqlResult{Columns: []sqlColumn{}, Rows: [][]any{}}, nil
	}
	word, _, _ := strings.Cut(stmt, " ")
	return sqlResult{}, &sqlError{"PARSE_SYNTAX_ERROR", fmt.Sprintf("[PARSE_SYNTAX_ERROR] Syntax error at or near '%s'.", word)}
}

func selectFrom(items, table, limit string) (sqlResult, *sqlError) {
	name := strings.ToLower(strings.Trim(table, "`"))
	if name != "sample_orders" && name != "default.sample_orders" {
		return sqlResult{}, &sqlError{"TABLE_OR_VIEW_NOT_FOUND", fmt.Sprintf("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be found. The sandbox has default.sample_orders only.", strings.Trim(table, "`"))}
	}
	items = strings.TrimSpace(items)
	var r sqlResult
	switch {
	case items == "*":
		r = sqlResult{Columns: sampleOrders.Columns, Rows: sampleOrders.Rows}
	case strings.EqualFold(strings.ReplaceAll(items, " ", ""), "count(*)"):
		r = sqlResult{Columns: []sqlColumn{{"count(1)", "bigint"}}, Rows: [][]any{{len(sampleOrders.Rows)}}}
	default:
		var err *sqlError
		if r, err = projectOrders(items); err != nil {
			return r, err
		}
	}
	if limit != "" {
		n, _ := strconv.Atoi(limit)
		r.Rows = r.Rows[:min(n, len(r.Rows))]
	}
	return r, nil
}

// projectOrders selects named columns of sample_orders.
func projectOrders(items string) (sqlResult, *sqlError) {
	var idx []int
	var r sqlResult
	for _, it := range splitOutsideQuotes(items, ',') {
		name := strings.TrimSpace(it)
		i := -1
		for k, c := range sampleOrders.Columns {
			if strings.EqualFold(c.Name, name) {
				i = k
			}
		}
		if i < 0 {
			return r, &sqlError{"UNRESOLVED_COLUMN", fmt.Sprintf("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved (the sandbox evaluates plain columns of sample_orders only).", name)}
		}
		idx = append(idx, i)
		r.Columns = append(r.Columns, sampleOrders.Columns[i])
	}
	for _, row := range sampleOrders.Rows {
		out := make([]any, len(idx))
		for k, i := range idx {
			out[k] = row[i]
		}
		r.Rows = append(r.Rows, out)
	}
	return r, nil
}

// selectLiterals evaluates SELECT of literals: 1, 2.5, 'text', true, NULL,
// each with an optional alias. Spark names an unaliased column after its
// text.
func selectLiterals(items string) (sqlResult, *sqlError) {
	r := sqlResult{Rows: [][]any{{}}}
	for _, it := range splitOutsideQuotes(items, ',') {
		expr, name := strings.TrimSpace(it), strings.TrimSpace(it)
		if m := reAlias.FindStringSubmatch(expr); m != nil && !strings.EqualFold(m[2], "null") && !isLiteralWord(m[2]) {
			expr, name = strings.TrimSpace(m[1]), m[2]
		}
		v, typ, ok := literal(expr)
		if !ok {
			return sqlResult{}, &sqlError{"UNSUPPORTED_IN_SANDBOX", fmt.Sprintf("the sandbox evaluates literals (SELECT 1, 'a', true), SHOW DATABASES, SHOW TABLES and SELECT from default.sample_orders; it cannot evaluate %s", expr)}
		}
		if name == expr && typ == "string" {
			name = v.(string)
		}
		r.Columns = append(r.Columns, sqlColumn{Name: name, Type: typ})
		r.Rows[0] = append(r.Rows[0], v)
	}
	return r, nil
}

func isLiteralWord(s string) bool {
	return strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
}

func literal(s string) (any, string, bool) {
	switch {
	case strings.EqualFold(s, "null"):
		return nil, "void", true
	case strings.EqualFold(s, "true"), strings.EqualFold(s, "false"):
		return strings.EqualFold(s, "true"), "boolean", true
	case len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0]:
		return s[1 : len(s)-1], "string", true
	}
	if i, err := strconv.ParseInt(s, 10, 32); err == nil {
		return i, "integer", true
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, "bigint", true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.Contains(s, ".") {
		return f, "decimal", true
	}
	return nil, "", false
}

// splitOutsideQuotes splits s at sep where sep is not inside quotes.
func splitOutsideQuotes(s string, sep rune) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == sep:
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, cur.String())
}

// schemaJSON is the Spark schema of a result, as GetSqlStatement writes it.
func (r sqlResult) schemaJSON() string {
	type field struct {
		Name     string         `json:"name"`
		Type     string         `json:"type"`
		Nullable bool           `json:"nullable"`
		Metadata map[string]any `json:"metadata"`
	}
	fields := make([]field, len(r.Columns))
	for i, c := range r.Columns {
		fields[i] = field{Name: c.Name, Type: c.Type, Nullable: c.Type == "void", Metadata: map[string]any{}}
	}
	raw, _ := json.Marshal(map[string]any{"type": "struct", "fields": fields})
	return string(raw)
}

// rowsJSON writes rows the way the service does: [{"values":[...]}].
func rowsJSON(rows [][]any) string {
	type row struct {
		Values []any `json:"values"`
	}
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = row{Values: r}
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

// sqlText prints results as the spark-sql command line does: a header and
// tab-separated rows.
func sqlText(out []sqlResult) []string {
	var lines []string
	for _, r := range out {
		if len(r.Columns) == 0 {
			continue
		}
		names := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			names[i] = c.Name
		}
		lines = append(lines, strings.Join(names, "\t"))
		for _, row := range r.Rows {
			vals := make([]string, len(row))
			for i, v := range row {
				vals[i] = sqlValueText(v)
			}
			lines = append(lines, strings.Join(vals, "\t"))
		}
	}
	return lines
}

func sqlValueText(v any) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(v)
}
