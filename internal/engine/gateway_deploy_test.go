package engine

import (
	"errors"
	"strings"
	"testing"
)

func TestModeFits(t *testing.T) {
	plan := &GatewayPlan{ClusterID: "c-1", Provider: "aliyun", Modes: []GatewayMode{
		{Mode: GatewayNodeGroup, Applies: false, Reason: "EMR-5.9.0 is before EMR-5.10.1"},
		{Mode: GatewayEnvironment, Applies: true},
	}}
	aws := &GatewayPlan{ClusterID: "j-1", Provider: "aws", Modes: []GatewayMode{{Mode: GatewayEdgeNode, Applies: true}}}
	tests := []struct {
		name       string
		plan       *GatewayPlan
		mode       string
		wantReason string // "" means it fits
	}{
		{name: "environment fits", plan: plan, mode: GatewayEnvironment},
		{name: "node group refused with the plan's reason", plan: plan, mode: GatewayNodeGroup, wantReason: "EMR-5.9.0 is before EMR-5.10.1"},
		{name: "AWS environment is the edge node", plan: aws, mode: GatewayEnvironment},
		{name: "AWS has no node-group mode", plan: aws, mode: GatewayNodeGroup, wantReason: "not a gateway mode of aws clusters"},
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
			var ie *InputError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != "mode" || !strings.Contains(ie.Problems[0].Problem, tt.wantReason) {
				t.Errorf("got %v, want an input error on mode with %q", err, tt.wantReason)
			}
		})
	}
}
