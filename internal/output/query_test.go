package output

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jmespath/go-jmespath"
)

func TestListWriterQuery(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		format Format
		opts   []Option
		want   string
	}{
		{
			name:   "projection to json",
			query:  "[].{id: id, reason: stateReason.code}",
			format: JSON,
			want: `[
  {
    "id": "c-1",
    "reason": null
  },
  {
    "id": "c-2",
    "reason": "NotEnoughStock"
  },
  {
    "id": "c-3",
    "reason": null
  }
]
`,
		},
		{
			name:   "projection to table uses the keys as headers",
			query:  "[].{id: id, state: state, nodes: nodeCount}",
			format: Table,
			want: "id   nodes  state\n" +
				"c-1  5      RUNNING\n" +
				"c-2  3      START_FAILED\n" +
				"c-3  0      TERMINATED\n",
		},
		{
			name:   "projection of a nested object drops missing ones",
			query:  "[].stateReason",
			format: Table,
			want:   "code            message\nNotEnoughStock  instance type sold out\n",
		},
		{
			name:   "headers are the union of keys in first-seen order",
			query:  "[*].[{b: id}, {a: state, b: id}][]",
			format: Table,
			want: "b    a\n" +
				"c-1  -\n" +
				"c-1  RUNNING\n" +
				"c-2  -\n" +
				"c-2  START_FAILED\n" +
				"c-3  -\n" +
				"c-3  TERMINATED\n",
		},
		{
			name:   "projection to wide without headers",
			query:  "[].{id: id, state: state}",
			format: Wide,
			opts:   []Option{NoHeaders()},
			want:   "c-1  RUNNING\nc-2  START_FAILED\nc-3  TERMINATED\n",
		},
		{
			name:   "projection to csv",
			query:  "[].{id: id, description: description}",
			format: CSV,
			want:   "description,id\n\"daily ETL, \"\"prod\"\"\",c-1\n,c-2\n\"two\nlines\",c-3\n",
		},
		{
			name:   "filter on a number to a list of scalars",
			query:  "[?nodeCount > `2`].id",
			format: Table,
			want:   "value\nc-1\nc-2\n",
		},
		{
			name:   "filter on a string to yaml",
			query:  "[?state=='RUNNING'].name",
			format: YAML,
			want:   "- etl-daily\n",
		},
		{
			name:   "list of lists has no header",
			query:  "[].[id, deletionProtection]",
			format: Table,
			want:   "c-1  true\nc-2  false\nc-3  false\n",
		},
		{
			name:   "scalar number prints as it is",
			query:  "length(@)",
			format: Table,
			want:   "3\n",
		},
		{
			name:   "scalar string prints as it is",
			query:  "[0].name",
			format: CSV,
			want:   "etl-daily\n",
		},
		{
			name:   "scalar to json",
			query:  "[2].createTime",
			format: JSON,
			want:   "1700000000000\n",
		},
		{
			name:   "object prints one row",
			query:  "[1].stateReason",
			format: Table,
			want:   "code            message\nNotEnoughStock  instance type sold out\n",
		},
		{
			name:   "null prints nothing in a table",
			query:  "[0].stateReason",
			format: Table,
			want:   "",
		},
		{
			name:   "null prints null in json",
			query:  "[0].stateReason",
			format: JSON,
			want:   "null\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]Option{WithQuery(tt.query)}, tt.opts...)
			// Pages of one: the query must see the whole list anyway.
			got := writePages(t, tt.format, fixtureItems(), 1, opts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuerySyntaxError(t *testing.T) {
	const expr = "[?state=="
	check := func(t *testing.T, err error) {
		t.Helper()
		var fe *FlagError
		if !errors.As(err, &fe) {
			t.Fatalf("got %v, want a *FlagError", err)
		}
		if fe.Flag != "--query" || fe.Value != expr {
			t.Errorf("got flag %q value %q, want %q %q", fe.Flag, fe.Value, "--query", expr)
		}
		var syn jmespath.SyntaxError
		if !errors.As(err, &syn) {
			t.Errorf("got %v, want it to wrap a jmespath.SyntaxError", err)
		}
	}
	t.Run("ValidateQuery", func(t *testing.T) {
		check(t, ValidateQuery(expr))
	})
	t.Run("ListWriter", func(t *testing.T) {
		var out bytes.Buffer
		lw := NewListWriter(&out, JSON, fixtureColumns(), WithQuery(expr))
		check(t, lw.WriteItems(fixtureItems()...))
		check(t, lw.Close())
		if out.Len() != 0 {
			t.Errorf("got output %q, want none", out.String())
		}
	})
	t.Run("PrintObject", func(t *testing.T) {
		var out bytes.Buffer
		check(t, PrintObject(&out, Table, expr, fixtureItems()[0], fixtureColumns()))
	})
}

func TestQueryEvaluationError(t *testing.T) {
	var out bytes.Buffer
	// abs() of a string is a type error found only when the query runs.
	err := PrintObject(&out, JSON, "abs(id)", fixtureItems()[0], nil)
	var fe *FlagError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *FlagError", err)
	}
	if fe.Flag != "--query" {
		t.Errorf("got flag %q, want --query", fe.Flag)
	}
}

func TestValidateQueryAcceptsEmptyAndValid(t *testing.T) {
	for _, expr := range []string{"", "[].id", "[?state=='RUNNING'] | length(@)"} {
		if err := ValidateQuery(expr); err != nil {
			t.Errorf("ValidateQuery(%q): got %v, want nil", expr, err)
		}
	}
}
