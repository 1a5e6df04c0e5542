package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
)

// TestPlanGatewayAWS plans the gateway of a cluster of moto: AWS has no
// gateway node groups, so the one mode is the edge node.
func TestPlanGatewayAWS(t *testing.T) {
	b := motoBed(t, startMoto(t))
	id := b.create(groupsSpec)
	p, err := b.eng.PlanGateway(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Modes) != 1 || p.Modes[0].Mode != engine.GatewayEdgeNode || !p.Modes[0].Applies || p.Recommended != engine.GatewayEdgeNode {
		t.Errorf("got modes %+v recommended %q, want only %s, applying and recommended", p.Modes, p.Recommended, engine.GatewayEdgeNode)
	}
	if p.ReleaseVersion != "emr-7.2.0" || p.Provider != "aws" {
		t.Errorf("got release %q provider %q, want emr-7.2.0 on aws", p.ReleaseVersion, p.Provider)
	}
	for _, s := range p.NextSteps {
		if strings.HasPrefix(s.Command, "emrctl gateway deploy") && !s.Available {
			t.Errorf("step %q is marked not available, want it available", s.Command)
		}
	}
}
