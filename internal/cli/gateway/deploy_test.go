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

func TestModeFits(t *testing.T) {
	plan := &engine.GatewayPlan{ClusterID: "c-1", Provider: "aliyun", Modes: []engine.GatewayMode{
		{Mode: engine.GatewayNodeGroup, Applies: false, Reason: "EMR-5.9.0 is before EMR-5.10.1"},
		{Mode: engine.GatewayEnvironment, Applies: true},
	}}
	aws := &engine.GatewayPlan{ClusterID: "j-1", Provider: "aws", Modes: []engine.GatewayMode{{Mode: engine.GatewayEdgeNode, Applies: true}}}
	tests := []struct {
		name       string
		plan       *engine.GatewayPlan
		mode       string
		wantReason string // "" means it fits
	}{
		{name: "environment fits", plan: plan, mode: engine.GatewayEnvironment},
		{name: "node group refused with the plan's reason", plan: plan, mode: engine.GatewayNodeGroup, wantReason: "EMR-5.9.0 is before EMR-5.10.1"},
		{name: "AWS environment is the edge node", plan: aws, mode: engine.GatewayEnvironment},
		{name: "AWS has no node-group mode", plan: aws, mode: engine.GatewayNodeGroup, wantReason: "not a gateway mode of aws clusters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := modeFits(tt.plan, tt.mode)
			if tt.wantReason == "" {
				if err != nil {
					t.Errorf("got %v, want the mode to fit", err)
				}
				return
			}
			var ie *engine.InputError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != "mode" || !strings.Contains(ie.Problems[0].Problem, tt.wantReason) {
				t.Errorf("got %v, want an input error on mode with %q", err, tt.wantReason)
			}
		})
	}
}
