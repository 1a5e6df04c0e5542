package gateway

import (
	"os"
	"path/filepath"
	"testing"
)

// TestApplyModes checks the permissions of written files: scripts are
// executable, files holding a secret key are readable by the owner only.
func TestApplyModes(t *testing.T) {
	s := newTestStore(t)
	set := mustRender(t, []File{
		{App: "HDFS", Name: "core-site.xml", Items: []Item{{Key: "fs.defaultFS", Value: "hdfs://m:9000"}}},
		{App: "HDFS", Name: "hadoop-env.sh", Items: []Item{{Key: "HADOOP_LOG_DIR", Value: "/var/log"}}},
		{App: "HIVE", Name: "hive-site.xml", Items: []Item{{Key: "javax.jdo.option.ConnectionPassword", Value: "pw-1"}}},
		{App: "SPARK3", Name: "spark-env.sh", Items: []Item{{Key: "AWS_SECRET_ACCESS_KEY", Value: "k-1"}}},
	})
	mustApply(t, s, set, "c-1")
	tests := []struct {
		path string
		want os.FileMode
	}{
		{"etc/hadoop/conf/core-site.xml", 0o644},
		{"etc/hadoop/conf/hadoop-env.sh", 0o755},
		{"etc/hive/conf/hive-site.xml", 0o600},
		{"etc/spark3/conf/spark-env.sh", 0o700},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(s.Root, filepath.FromSlash(tt.path)))
			if err != nil {
				t.Fatal(err)
			}
			// The umask can only take bits away; compare what it leaves.
			if got := fi.Mode().Perm(); got != tt.want&^umaskBits(t) {
				t.Errorf("got mode %v, want %v", got, tt.want&^umaskBits(t))
			}
		})
	}
}

// umaskBits learns the process umask from a file created 0777.
func umaskBits(t *testing.T) os.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}
