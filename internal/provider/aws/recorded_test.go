package aws

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
	"github.com/emrctl/emrctl/internal/spec"
)

// The APIs moto 5.2.1 lacks (instance fleets, CancelSteps, managed
// scaling) are tested against recorded exchanges: the request the SDK
// sends is compared with the recorded one, and the recorded response is
// read back.

const recordedCluster = "j-1K48XXXXXXHCB"

func replay(t *testing.T, file string) *Provider {
	t.Helper()
	srv := mototest.Replay(t, mototest.LoadExchanges(t, filepath.Join("testdata", "recorded", file)))
	return providerAt(t, srv.URL)
}

func TestRecordedInstanceFleets(t *testing.T) {
	p := replay(t, "fleets.json")
	ctx := context.Background()
	fleets, err := p.InstanceFleets(ctx, recordedCluster)
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.InstanceFleet{
		{ClusterID: recordedCluster, ID: "if-1A2B3C4D5E6F7", Name: "master", Role: "MASTER", State: "RUNNING",
			TargetOnDemandCapacity: 1, ProvisionedOnDemandCapacity: 1,
			InstanceTypes: []provider.FleetInstanceType{{InstanceType: "m5.xlarge", WeightedCapacity: 1, BidPricePercent: 100}}},
		{ClusterID: recordedCluster, ID: "if-2B3C4D5E6F7G8", Name: "core", Role: "CORE", State: "RESIZING",
			StateReason:            &provider.StateReason{Message: "A spot instance request was not fulfilled yet."},
			TargetOnDemandCapacity: 2, TargetSpotCapacity: 4, ProvisionedOnDemandCapacity: 2, ProvisionedSpotCapacity: 2,
			InstanceTypes: []provider.FleetInstanceType{{InstanceType: "m5.2xlarge", WeightedCapacity: 2, BidPrice: "0.15"}, {InstanceType: "c5.2xlarge", WeightedCapacity: 2, BidPricePercent: 60}}},
	}
	if diff := cmp.Diff(want, fleets); diff != "" {
		t.Errorf("ListInstanceFleets (-want +got):\n%s", diff)
	}
	res, err := p.AddInstanceFleet(ctx, recordedCluster, FleetFromSpec(spec.AWSInstanceFleet{
		Name: "spot-task", Role: spec.RoleTask, TargetSpotCapacity: 4, SpotTimeoutAction: "TERMINATE_CLUSTER",
		InstanceTypeConfigs: []spec.AWSInstanceTypeConfig{{InstanceType: "r5.xlarge", WeightedCapacity: 1}, {InstanceType: "r5a.xlarge", BidPriceAsPercentageOfOnDemandPrice: 50}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"if-3C4D5E6F7G8H9"}, res.IDs); diff != "" {
		t.Errorf("AddInstanceFleet IDs (-want +got):\n%s", diff)
	}
	if res.RequestID != "recorded-2" {
		t.Errorf("request ID: got %q, want recorded-2", res.RequestID)
	}
}

func TestRecordedStepFailureAndCancel(t *testing.T) {
	p := replay(t, "steps.json")
	ctx := context.Background()
	s, err := p.Step(ctx, recordedCluster, "s-3M8XXXXXXDEK2")
	if err != nil {
		t.Fatal(err)
	}
	want := &provider.StepFailure{Reason: "Unknown Error.", Message: `Exception in thread "main" java.io.FileNotFoundException`,
		LogFile: "s3://emrctl-logs/emr/j-1K48XXXXXXHCB/steps/s-3M8XXXXXXDEK2/stderr.gz"}
	if s.State != provider.StepFailed || s.MainClass != "com.example.Etl" {
		t.Errorf("step: got state %s main class %q, want FAILED com.example.Etl", s.State, s.MainClass)
	}
	if diff := cmp.Diff(want, s.Failure); diff != "" {
		t.Errorf("failure details (-want +got):\n%s", diff)
	}
	res, rid, err := p.CancelSteps(ctx, recordedCluster, []string{"s-3M8XXXXXXDEK2"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]provider.StepCancel{{StepID: "s-3M8XXXXXXDEK2", Status: "SUBMITTED"}}, res); diff != "" || rid == "" {
		t.Errorf("CancelSteps (-want +got):\n%s (request id %q)", diff, rid)
	}
}

func TestRecordedManagedScaling(t *testing.T) {
	p := replay(t, "managed-scaling.json")
	ctx := context.Background()
	m, err := p.ManagedScalingPolicy(ctx, recordedCluster)
	if err != nil || m != nil {
		t.Fatalf("before: got %+v, %v; want no policy", m, err)
	}
	put := provider.ManagedScaling{MinimumCapacityUnits: 2, MaximumCapacityUnits: 20, MaximumCoreCapacityUnits: 3, UnitType: "Instances"}
	if _, err := p.PutManagedScalingPolicy(ctx, recordedCluster, put); err != nil {
		t.Fatal(err)
	}
	m, err = p.ManagedScalingPolicy(ctx, recordedCluster)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&put, m); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if _, err := p.RemoveManagedScalingPolicy(ctx, recordedCluster); err != nil {
		t.Fatal(err)
	}
}

// TestWritesAreSentOnce checks the SDK retryer is off: a write that fails
// in any way reaches the server exactly once; what to do next is the
// engine's decision (and for a lost response, its reconciliation's).
func TestWritesAreSentOnce(t *testing.T) {
	r, err := BuildCluster(loadSpec(t, "groups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		handler func(w http.ResponseWriter)
		kind    provider.Kind
		unknown bool
	}{
		{name: "connection dropped without a response", handler: func(w http.ResponseWriter) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, kind: provider.KindUnavailable, unknown: true},
		{name: "internal server error", handler: func(w http.ResponseWriter) {
			w.Header().Set("X-Amzn-Errortype", "InternalServerError")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"__type":"InternalServerError","Message":"try again"}`))
		}, kind: provider.KindUnavailable},
		{name: "throttled", handler: func(w http.ResponseWriter) {
			w.Header().Set("X-Amzn-Errortype", "ThrottlingException")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"ThrottlingException","Message":"Rate exceeded"}`))
		}, kind: provider.KindThrottled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				n.Add(1)
				tc.handler(w)
			}))
			defer srv.Close()
			_, err := providerAt(t, srv.URL).CreateCluster(context.Background(), r, "tok")
			var ae *provider.APIError
			if !errors.As(err, &ae) || ae.Kind != tc.kind || provider.OutcomeUnknown(err) != tc.unknown {
				t.Errorf("error: got %v, want kind %v with unknown outcome %v", err, tc.kind, tc.unknown)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("RunJobFlow requests: got %d, want 1 (no SDK retry)", got)
			}
		})
	}
}
