package gateway

import (
	"errors"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
)

func TestDeployFlagsOfTheOtherModeAreRefused(t *testing.T) {
	tests := []struct {
		name     string
		opts     deployOptions
		changed  []string
		wantFlag string // "" means accepted
	}{
		{name: "environment", opts: deployOptions{mode: engine.GatewayEnvironment, root: "/tmp/gw", count: 1}, changed: []string{"root"}},
		{name: "environment needs root", opts: deployOptions{mode: engine.GatewayEnvironment, count: 1}, wantFlag: "--root"},
		{name: "count in environment mode", opts: deployOptions{mode: engine.GatewayEnvironment, root: "/tmp/gw", count: 2}, changed: []string{"root", "count"}, wantFlag: "--count"},
		{name: "node-group", opts: deployOptions{mode: engine.GatewayNodeGroup, count: 1}, changed: []string{"mode"}},
		{name: "root in node-group mode", opts: deployOptions{mode: engine.GatewayNodeGroup, root: "/tmp/gw", count: 1}, changed: []string{"mode", "root"}, wantFlag: "--root"},
		{name: "zero nodes", opts: deployOptions{mode: engine.GatewayNodeGroup, count: 0}, changed: []string{"mode", "count"}, wantFlag: "--count"},
		{name: "unknown mode", opts: deployOptions{mode: "gateway-cluster", count: 1}, changed: []string{"mode"}, wantFlag: "--mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := func(name string) bool {
				for _, c := range tt.changed {
					if c == name {
						return true
					}
				}
				return false
			}
			err := tt.opts.check(changed)
			if tt.wantFlag == "" {
				if err != nil {
					t.Errorf("got %v, want the flags accepted", err)
				}
				return
			}
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantFlag) {
				t.Errorf("got %v, want a flag error naming %s", err, tt.wantFlag)
			}
		})
	}
}
