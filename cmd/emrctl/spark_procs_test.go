package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/emulator"
)

// sparkJob is the example JAR job spec.
var sparkJob = filepath.Join("..", "..", "examples", "spark-jar-job.yaml")

// TestSparkSubmitAfterLostResponse: StartJobRun reaches the service but
// its answer is lost. The command says it cannot tell; run again, it
// sends the journal's client token again (or finds the run), and the
// workspace holds exactly one run of the job. Two more processes submit
// the same job at once afterwards: each is a new submission, sent once.
func TestSparkSubmitAfterLostResponse(t *testing.T) {
	k := newKillBed(t)
	const ws = "w-sandbox000000001"
	if err := k.srv.AddFault(emulator.FaultRule{Action: "StartJobRun", DropResponses: 1}); err != nil {
		t.Fatal(err)
	}
	submit := []string{"spark", "job", "submit", ws, "-f", sparkJob, "--yes", "-o", "json"}
	first := k.exec(submit...)
	if first.code == 0 {
		t.Fatalf("the submission whose answer was lost succeeded: %s", first)
	}
	second := k.exec(submit...)
	if second.code != 0 {
		t.Fatalf("the second submission failed: %s", second)
	}
	if got := k.arrived.count("StartJobRun"); got > 2 {
		t.Errorf("StartJobRun arrived %d times, want at most 2 (the lost one and its retry with the same token)", got)
	}
	runs := func() int {
		return strings.Count(k.run("spark", "job", "list", ws, "--name", "spark-pi", "-o", "json", "--query", "[].id"), "jr-")
	}
	if n := runs(); n != 1 {
		t.Fatalf("runs of spark-pi after a lost answer and a retry: %d, want 1\nfirst: %s\nsecond: %s", n, first, second)
	}
	// The service is slow to answer, so that the two are in flight at once
	// however the processes happen to be scheduled.
	if err := k.srv.AddFault(emulator.FaultRule{Action: "StartJobRun", Latency: emulator.Duration(inFlight)}); err != nil {
		t.Fatal(err)
	}
	for _, p := range k.together(submit, submit) {
		if p.code != 0 {
			t.Fatalf("a submission failed: %s", p)
		}
	}
	if n := runs(); n != 2 {
		t.Errorf("runs of spark-pi after two more identical submissions at once: %d, want 2 (they join: one intent in flight)", n)
	}
}
