package gateway

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/provider"
)

// TestConfigsSetArgs runs the command's flag and argument handling with a
// run hook: KEY=VALUE splits at the first '=', a bad argument is a flag
// error that does not echo it (it may be a secret).
func TestConfigsSetArgs(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantItems []provider.ConfigItem
		wantErr   string // part of the flag error; "" means accepted
	}{
		{name: "two items", args: []string{"c-1", "--app", "HDFS", "--file", "core-site.xml", "a=1", "b=x=y", "--refresh"},
			wantItems: []provider.ConfigItem{{Key: "a", Value: "1"}, {Key: "b", Value: "x=y"}}},
		{name: "empty value", args: []string{"c-1", "--app", "HDFS", "--file", "core-site.xml", "a="}, wantItems: []provider.ConfigItem{{Key: "a"}}},
		{name: "no equals", args: []string{"c-1", "--app", "HDFS", "--file", "core-site.xml", "s3cr3tvalue"}, wantErr: "KEY=VALUE"},
		{name: "no key", args: []string{"c-1", "--app", "HDFS", "--file", "core-site.xml", "=1"}, wantErr: "KEY=VALUE"},
		{name: "no app", args: []string{"c-1", "--file", "core-site.xml", "a=1"}, wantErr: "--app"},
		{name: "no file", args: []string{"c-1", "--app", "HDFS", "a=1"}, wantErr: "--file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *configsSetOptions
			cmd := newSetConfigCmd(&cmdutil.Factory{}, func(_ context.Context, o *configsSetOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cr3t") {
					t.Fatalf("got %v, want a flag error naming %s without the argument", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantItems, got.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}
