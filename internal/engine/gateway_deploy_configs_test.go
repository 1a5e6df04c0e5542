package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/redact"
)

// TestClientConfigsForDeployKeepsSecrets reads the same moto cluster both
// ways: the deploy variant has the raw secret the files need, the shown
// one has it redacted.
func TestClientConfigsForDeployKeepsSecrets(t *testing.T) {
	b := motoBed(t, startMoto(t))
	id := b.create(groupsSpec + `  configurations:
    - {classification: hive-site, properties: {javax.jdo.option.ConnectionPassword: not-shown-9, hive.execution.engine: tez}}
`)
	const key = "javax.jdo.option.ConnectionPassword"
	raw, err := b.eng.ClientConfigsForDeploy(context.Background(), id, []string{"hive"})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := b.eng.ClientConfigs(context.Background(), id, []string{"hive"})
	if err != nil {
		t.Fatal(err)
	}
	if got := itemValue(raw, "HIVE", "hive-site.xml", key); got != "not-shown-9" {
		t.Errorf("deploy %s: got %q, want the raw value not-shown-9", key, got)
	}
	if got := itemValue(shown, "HIVE", "hive-site.xml", key); got != redact.Marker {
		t.Errorf("shown %s: got %q, want %s", key, got, redact.Marker)
	}
	if got := itemValue(raw, "HIVE", "hive-site.xml", "hive.execution.engine"); got != "tez" {
		t.Errorf("deploy hive.execution.engine: got %q, want tez", got)
	}
}

// TestClientConfigsForDeployChecksInput refuses what ClientConfigs refuses.
func TestClientConfigsForDeployChecksInput(t *testing.T) {
	b := motoBed(t, startMoto(t))
	_, err := b.eng.ClientConfigsForDeploy(context.Background(), "j-NOTACLUSTER", []string{"HADOOP"})
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *engine.InputError for app HADOOP", err)
	}
	if len(ie.Problems) != 1 || ie.Problems[0].Field != "app" {
		t.Errorf("got problems %+v, want one for field app", ie.Problems)
	}
}
