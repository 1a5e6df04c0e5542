package aws

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
)

func TestServerlessApplicationsAndJobRuns(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	start := false
	created, err := p.CreateApplication(ctx, provider.ServerlessAppSpec{
		Name: "etl", Type: provider.AppTypeSpark, ReleaseLabel: "emr-7.2.0", AutoStart: &start, AutoStopIdleMinutes: 30,
		MaximumCapacity: &provider.Capacity{CPU: "100 vCPU", Memory: "400 GB"}, Tags: map[string]string{"team": "data"},
		InitialCapacity: map[string]provider.WorkerCapacity{"DRIVER": {WorkerCount: 1, Worker: provider.Capacity{CPU: "2 vCPU", Memory: "4 GB"}}},
	}, "token-app")
	if err != nil {
		t.Fatal(err)
	}
	id := created.IDs[0]
	app, err := p.Application(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := provider.ServerlessApp{
		ID: id, Name: "etl", Type: provider.AppTypeSpark, ReleaseLabel: "emr-7.2.0", AutoStart: false, AutoStopIdleMinutes: 30,
		MaximumCapacity: &provider.Capacity{CPU: "100 vCPU", Memory: "400 GB"}, Tags: map[string]string{"team": "data"},
		InitialCapacity: map[string]provider.WorkerCapacity{"DRIVER": {WorkerCount: 1, Worker: provider.Capacity{CPU: "2 vCPU", Memory: "4 GB"}}},
	}
	ignore := cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".ARN", ".State", ".CreateTime", ".UpdateTime":
			return true
		}
		return false
	}, cmp.Ignore())
	if diff := cmp.Diff(want, *app, ignore); diff != "" {
		t.Errorf("GetApplication (-want +got):\n%s", diff)
	}
	if _, err := p.StopApplication(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpdateApplication(ctx, id, provider.ServerlessAppSpec{MaximumCapacity: &provider.Capacity{CPU: "50 vCPU", Memory: "200 GB"}}, "token-upd"); err != nil {
		t.Fatal(err)
	}
	stopped, err := p.Applications(ctx, []string{provider.AppStopped})
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped) != 1 || stopped[0].ID != id {
		t.Errorf("stopped applications: got %+v, want only %s", stopped, id)
	}
	if app, _ = p.Application(ctx, id); app.MaximumCapacity == nil || app.MaximumCapacity.CPU != "50 vCPU" {
		t.Errorf("after update: got maximum capacity %+v, want 50 vCPU", app.MaximumCapacity)
	}
	if _, err := p.StartApplication(ctx, id); err != nil {
		t.Fatal(err)
	}

	job := provider.JobRunSpec{
		ApplicationID: id, Name: "wc", Kind: provider.JobKindPySpark, ExecutionRoleARN: "arn:aws:iam::123456789012:role/Job",
		EntryPoint: "s3://code/wc.py", Args: []string{"a,b", "two words"}, SparkConf: map[string]string{"spark.executor.cores": "2"},
	}
	run, err := p.StartJobRun(ctx, job, "token-run")
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.JobRun(ctx, id, run.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.EntryPoint != "s3://code/wc.py" || got.SparkParameters != "--conf spark.executor.cores=2" || !cmp.Equal(got.Args, []string{"a,b", "two words"}) {
		t.Errorf("job run: got entry %q params %q args %q, want the submitted ones", got.EntryPoint, got.SparkParameters, got.Args)
	}
	runs, err := p.JobRuns(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].ID != run.IDs[0] {
		t.Errorf("job runs: got %+v, want the one started", runs)
	}
	if _, err := p.CancelJobRun(ctx, id, run.IDs[0]); err != nil {
		t.Fatal(err)
	}
	if got, _ = p.JobRun(ctx, id, run.IDs[0]); got.State != provider.RunCancelled {
		t.Errorf("after cancel: got %s, want %s", got.State, provider.RunCancelled)
	}
	if _, err := p.StopApplication(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DeleteApplication(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.JobRun(ctx, id, "nosuchrun0000000"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("unknown job run: got %v, want not found", err)
	}
}
