package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

// sandboxVCPUs is the vCPU count of the sandbox instance types.
func sandboxVCPUs(t string) (int, bool) {
	n, ok := map[string]int{"ecs.g8i.xlarge": 4, "ecs.g8i.2xlarge": 8, "ecs.g8i.4xlarge": 16, "ecs.c8i.2xlarge": 8, "ecs.d3s.4xlarge": 16}[t]
	return n, ok
}

func TestSummarizeDevGolden(t *testing.T) {
	s := Summarize(defaulted(t, "dev-cluster.yaml")).WithVCPUs(sandboxVCPUs)
	if s.TotalNodes != 3 || s.TotalVCPUs != 12 || !s.VCPUsComplete {
		t.Errorf("totals: got %d nodes, %d vCPUs (complete %v), want 3 nodes, 12 vCPUs", s.TotalNodes, s.TotalVCPUs, s.VCPUsComplete)
	}
	golden(t, "summary-dev.golden", []byte(s.String()))
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary-dev.json", append(js, '\n'))
}

func TestSummarizeOthers(t *testing.T) {
	tests := []struct {
		file      string
		nodes     int
		vcpus     int
		complete  bool
		mentions  []string
		forbidden []string
	}{
		{"production-separated.yaml", 8, 64, true, []string{"USER_RDS", "$HIVE_RDS_PASSWORD", "OSS-HDFS", "Deletion protection: on"}, nil},
		{"production-integrated.yaml", 13, 208, true, []string{"Subscription, 1 Month, auto-renew 1 Month", "local_hdd_pro 11918 GB × 8"}, nil},
		{"spot-task.yaml", 10, 56, true, []string{"spot SpotAsPriceGo", "ecs.g8i.2xlarge | ecs.g8i.xlarge | ecs.c8i.2xlarge"}, nil},
		{"aws-spark-cluster.yaml", 5, 0, false, []string{"emr-7.2.0", "subnet-0abc1234def567890", "spot SpotWithPriceLimit max $0.20"}, []string{"Hive metastore"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := Summarize(defaulted(t, tt.file)).WithVCPUs(sandboxVCPUs)
			if s.TotalNodes != tt.nodes || s.TotalVCPUs != tt.vcpus || s.VCPUsComplete != tt.complete {
				t.Errorf("totals: got %d nodes, %d vCPUs (complete %v), want %d, %d (%v)", s.TotalNodes, s.TotalVCPUs, s.VCPUsComplete, tt.nodes, tt.vcpus, tt.complete)
			}
			out := s.String()
			for _, m := range tt.mentions {
				if !strings.Contains(out, m) {
					t.Errorf("summary: want it to mention %q, got:\n%s", m, out)
				}
			}
			for _, m := range tt.forbidden {
				if strings.Contains(out, m) {
					t.Errorf("summary: got %q, want it absent:\n%s", m, out)
				}
			}
		})
	}
}

func TestSummarizeWithoutLookup(t *testing.T) {
	s := Summarize(defaulted(t, "dev-cluster.yaml"))
	if s.TotalVCPUs != 0 || strings.Contains(s.String(), "vCPU") {
		t.Errorf("without a lookup: got %d vCPUs in %q, want none shown", s.TotalVCPUs, s.String())
	}
	partial := s.WithVCPUs(func(string) (int, bool) { return 0, false })
	if partial.VCPUsComplete {
		t.Errorf("unknown types: got complete, want incomplete")
	}
}
