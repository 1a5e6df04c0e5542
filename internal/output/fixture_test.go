package output

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testZone is a fixed UTC+8 zone, so Time cells do not depend on the
// machine's zone or tzdata.
func testZone() *time.Location { return time.FixedZone("CST", 8*60*60) }

type fixtureReason struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// fixtureCluster stands in for a provider domain type.
type fixtureCluster struct {
	ID                 string            `json:"id"`
	Name               string            `json:"name"`
	State              string            `json:"state"`
	StateReason        *fixtureReason    `json:"stateReason,omitempty"`
	NodeCount          int               `json:"nodeCount"`
	DeletionProtection bool              `json:"deletionProtection"`
	CreateTime         time.Time         `json:"createTime,omitzero"`
	Uptime             time.Duration     `json:"uptime,omitempty"`
	Description        string            `json:"description,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// fixtureItems covers a time, a missing time, epoch milliseconds from a raw
// API map, a nested field, a bool, HTML characters, non-ASCII text, and a
// value with a comma, a quote and a newline.
func fixtureItems() []any {
	return []any{
		fixtureCluster{
			ID:                 "c-1",
			Name:               "etl-daily",
			State:              "RUNNING",
			NodeCount:          5,
			DeletionProtection: true,
			CreateTime:         time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC),
			Uptime:             26*time.Hour + 5*time.Minute,
			Description:        `daily ETL, "prod"`,
			Tags:               map[string]string{"team": "data"},
		},
		fixtureCluster{
			ID:          "c-2",
			Name:        "adhoc<&>",
			State:       "START_FAILED",
			StateReason: &fixtureReason{Code: "NotEnoughStock", Message: "instance type sold out"},
			NodeCount:   3,
		},
		map[string]any{
			"id":                 "c-3",
			"name":               "Spark 集群",
			"state":              "TERMINATED",
			"nodeCount":          0,
			"deletionProtection": false,
			"createTime":         int64(1700000000000),
			"description":        "two\nlines",
		},
	}
}

func fixtureColumns() []Column {
	return []Column{
		{Header: "ID", Field: "id"},
		{Header: "NAME", Field: "name"},
		{Header: "STATE", Field: "state"},
		{Header: "REASON", Field: "stateReason.code", Wide: true},
		{Header: "NODES", Field: "nodeCount", Kind: Count},
		{Header: "PROTECTED", Field: "deletionProtection", Kind: Bool},
		{Header: "CREATED", Field: "createTime", Kind: Time},
		{Header: "UPTIME", Field: "uptime", Kind: Duration, Wide: true},
		{Header: "DESCRIPTION", Field: "description", Wide: true},
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("writing golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}
