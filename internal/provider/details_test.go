package provider

import (
	"encoding/json"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// TestAWSTypesWireNames pins the JSON (and, for what files are read into,
// YAML) field names of the AWS-only types: every command's -o json output,
// the MCP tools' results and the journaled requests are made of them.
func TestAWSTypesWireNames(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	yes := true
	for _, tc := range []struct {
		name string
		v    any
		json string
		yaml string
	}{
		{name: "step", v: Step{ClusterID: "j-1", ID: "s-1", Name: "n", State: StepFailed, StateReason: &StateReason{Code: "c", Message: "m"},
			ActionOnFailure: "CONTINUE", Jar: "j", MainClass: "M", Args: []string{"a"}, Failure: &StepFailure{Reason: "r", Message: "m", LogFile: "l"},
			CreateTime: at, StartTime: at, EndTime: at},
			json: `{"clusterId":"j-1","id":"s-1","name":"n","state":"FAILED","stateReason":{"code":"c","message":"m"},"actionOnFailure":"CONTINUE","jar":"j","mainClass":"M","args":["a"],"failure":{"reason":"r","message":"m","logFile":"l"},"createTime":"2025-01-02T03:04:05Z","startTime":"2025-01-02T03:04:05Z","endTime":"2025-01-02T03:04:05Z"}`},
		{name: "empty step", v: Step{},
			json: `{"clusterId":"","id":"","name":"","state":""}`},
		{name: "step cancel", v: StepCancel{StepID: "s-1", Status: "SUBMITTED", Reason: "r"},
			json: `{"stepId":"s-1","status":"SUBMITTED","reason":"r"}`},
		{name: "serverless app spec", v: ServerlessAppSpec{Name: "etl", Type: AppTypeSpark, ReleaseLabel: "emr-7", Architecture: "ARM64",
			InitialCapacity: map[string]WorkerCapacity{"DRIVER": {WorkerCount: 1, Worker: Capacity{CPU: "1 vCPU", Memory: "2 GB", Disk: "20 GB"}}},
			MaximumCapacity: &Capacity{CPU: "4 vCPU"}, AutoStart: &yes, AutoStopIdleMinutes: 5, SubnetIDs: []string{"s"}, SecurityGroupIDs: []string{"g"}, Tags: map[string]string{"k": "v"}},
			json: `{"name":"etl","type":"SPARK","releaseLabel":"emr-7","architecture":"ARM64","initialCapacity":{"DRIVER":{"workerCount":1,"worker":{"cpu":"1 vCPU","memory":"2 GB","disk":"20 GB"}}},"maximumCapacity":{"cpu":"4 vCPU"},"autoStart":true,"autoStopIdleMinutes":5,"subnetIds":["s"],"securityGroupIds":["g"],"tags":{"k":"v"}}`,
			yaml: "name: etl\ntype: SPARK\nreleaseLabel: emr-7\narchitecture: ARM64\ninitialCapacity:\n    DRIVER:\n        workerCount: 1\n        worker:\n            cpu: 1 vCPU\n            memory: 2 GB\n            disk: 20 GB\nmaximumCapacity:\n    cpu: 4 vCPU\nautoStart: true\nautoStopIdleMinutes: 5\nsubnetIds:\n    - s\nsecurityGroupIds:\n    - g\ntags:\n    k: v\n"},
		{name: "serverless app", v: ServerlessApp{ID: "a", Name: "n", ARN: "arn", Type: AppTypeHive, ReleaseLabel: "emr-7", Architecture: "X86_64", State: AppStarted, StateDetails: "d",
			MaximumCapacity: &Capacity{Memory: "8 GB"}, AutoStart: true, AutoStopIdleMinutes: 15, CreateTime: at, UpdateTime: at},
			json: `{"id":"a","name":"n","arn":"arn","type":"HIVE","releaseLabel":"emr-7","architecture":"X86_64","state":"STARTED","stateDetails":"d","maximumCapacity":{"memory":"8 GB"},"autoStart":true,"autoStopIdleMinutes":15,"createTime":"2025-01-02T03:04:05Z","updateTime":"2025-01-02T03:04:05Z"}`},
		{name: "job run spec", v: JobRunSpec{ApplicationID: "a", Name: "n", Kind: JobKindHive, ExecutionRoleARN: "r", EntryPoint: "e", MainClass: "M", SparkConf: map[string]string{"k": "v"},
			Args: []string{"x"}, HiveQuery: "q", HiveInitFile: "i", TimeoutMinutes: 9, LogURI: "s3://l", Tags: map[string]string{"t": "u"}},
			json: `{"applicationId":"a","name":"n","kind":"hive","executionRoleArn":"r","entryPoint":"e","mainClass":"M","sparkConf":{"k":"v"},"args":["x"],"hiveQuery":"q","hiveInitFile":"i","executionTimeoutMinutes":9,"logUri":"s3://l","tags":{"t":"u"}}`},
		{name: "job run", v: JobRun{ApplicationID: "a", ID: "r", Name: "n", ARN: "arn", State: RunSuccess, StateDetails: "d", ReleaseLabel: "emr-7", ExecutionRole: "role",
			EntryPoint: "e", Args: []string{"x"}, SparkParameters: "--conf a=b", HiveQuery: "q", DurationSeconds: 7, CreateTime: at, UpdateTime: at, EndTime: at},
			json: `{"applicationId":"a","id":"r","name":"n","arn":"arn","state":"SUCCESS","stateDetails":"d","releaseLabel":"emr-7","executionRole":"role","entryPoint":"e","args":["x"],"sparkSubmitParameters":"--conf a=b","hiveQuery":"q","totalExecutionDurationSeconds":7,"createTime":"2025-01-02T03:04:05Z","updateTime":"2025-01-02T03:04:05Z","endTime":"2025-01-02T03:04:05Z"}`},
		{name: "object", v: Object{Bucket: "b", Key: "k", Size: 3, ETag: "e"},
			json: `{"bucket":"b","key":"k","size":3,"etag":"e"}`},
		{name: "instance fleet", v: InstanceFleet{ClusterID: "j", ID: "f", Name: "n", Role: "TASK", State: "RUNNING", StateReason: &StateReason{Code: "c"},
			TargetOnDemandCapacity: 1, TargetSpotCapacity: 2, ProvisionedOnDemandCapacity: 3, ProvisionedSpotCapacity: 4,
			InstanceTypes: []FleetInstanceType{{InstanceType: "m5.xlarge", WeightedCapacity: 2, BidPrice: "0.1", BidPricePercent: 50}}},
			json: `{"clusterId":"j","id":"f","name":"n","role":"TASK","state":"RUNNING","stateReason":{"code":"c"},"targetOnDemandCapacity":1,"targetSpotCapacity":2,"provisionedOnDemandCapacity":3,"provisionedSpotCapacity":4,"instanceTypes":[{"instanceType":"m5.xlarge","weightedCapacity":2,"bidPrice":"0.1","bidPriceAsPercentageOfOnDemandPrice":50}]}`},
		{name: "fleet spec", v: FleetSpec{Name: "n", Role: "TASK", TargetOnDemandCapacity: 1, TargetSpotCapacity: 2, InstanceTypes: []FleetInstanceType{{InstanceType: "r5.xlarge"}},
			SpotTimeoutMinutes: 10, SpotTimeoutAction: "TERMINATE_CLUSTER"},
			json: `{"name":"n","role":"TASK","targetOnDemandCapacity":1,"targetSpotCapacity":2,"instanceTypes":[{"instanceType":"r5.xlarge"}],"spotTimeoutMinutes":10,"spotTimeoutAction":"TERMINATE_CLUSTER"}`},
		{name: "managed scaling", v: ManagedScaling{MinimumCapacityUnits: 1, MaximumCapacityUnits: 9, MaximumOnDemandCapacityUnits: 5, MaximumCoreCapacityUnits: 3, UnitType: "Instances"},
			json: `{"minimumCapacityUnits":1,"maximumCapacityUnits":9,"maximumOnDemandCapacityUnits":5,"maximumCoreCapacityUnits":3,"unitType":"Instances"}`,
			yaml: "minimumCapacityUnits: 1\nmaximumCapacityUnits: 9\nmaximumOnDemandCapacityUnits: 5\nmaximumCoreCapacityUnits: 3\nunitType: Instances\n"},
		{name: "cluster detail", v: ClusterDetail{Cluster: Cluster{Provider: AWS, ID: "j"}, Applications: []Application{{Name: "Spark", Version: "3.5"}},
			Configurations:       []Configuration{{Classification: "spark", Properties: map[string]string{"k": "v"}, Configurations: []Configuration{{Classification: "export"}}}},
			StepConcurrencyLevel: 2},
			json: `{"cluster":{"provider":"aws","region":"","id":"j","name":"","type":"","state":"","releaseVersion":"","deletionProtection":false},"applications":[{"name":"Spark","version":"3.5"}],"configurations":[{"classification":"spark","properties":{"k":"v"},"configurations":[{"classification":"export"}]}],"stepConcurrencyLevel":2,"keepJobFlowAliveWhenNoSteps":false}`},
		{name: "bootstrap action", v: BootstrapAction{Name: "n", Path: "s3://p", Args: []string{"a"}},
			json: `{"name":"n","path":"s3://p","args":["a"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.json {
				t.Errorf("JSON:\ngot  %s\nwant %s", got, tc.json)
			}
			if tc.yaml == "" {
				return
			}
			got, err = yaml.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.yaml {
				t.Errorf("YAML:\ngot  %s\nwant %s", got, tc.yaml)
			}
		})
	}
}

func TestStepStatesAreTheAPIs(t *testing.T) {
	want := []string{"PENDING", "CANCEL_PENDING", "RUNNING", "COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"}
	got := StepStates()
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("StepStates()[%d]: got %s, want %s", i, got[i], want[i])
		}
	}
}
