package provider

import "testing"

func TestConfigFormat(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{name: "core-site.xml", want: FormatXML},
		{name: "hadoop-env.sh", want: FormatShell},
		{name: "flink-conf.yaml", want: FormatYAML},
		{name: "spark-defaults.conf", want: FormatSpark},
		{name: "hive.properties", want: FormatProperties},
		{name: "log4j.properties", want: FormatProperties},
	}
	for _, tt := range tests {
		if got := ConfigFormat(tt.name); got != tt.want {
			t.Errorf("ConfigFormat(%q): got %q, want %q", tt.name, got, tt.want)
		}
	}
}
