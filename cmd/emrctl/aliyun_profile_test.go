package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/emulator"
)

// aliyunProfile returns the bed as a profile of provider aliyun (the
// real-cloud path: real credentials from the environment, no sandbox time
// scaling) pointed at the bed's emulator, with a policy whose scale-in
// interval is the 2 s the sandbox tests measure.
func (k *killBed) aliyunProfile() *killBed {
	k.t.Helper()
	k.run("config", "set-profile", "ali", "--provider", "aliyun", "--region", "cn-hangzhou")
	dir := envValue(k.env, "EMRCTL_CONFIG_DIR")
	policy := "allowLoosening: true\nlimits:\n  decreaseMinInterval: " + scaledInterval.String() + "\n"
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(policy), 0o600); err != nil {
		k.t.Fatal(err)
	}
	return k.with("EMRCTL_PROFILE=ali",
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+emulator.SandboxCredential.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+emulator.SandboxCredential.AccessKeySecret)
}

// envValue is the last value of key in env.
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if rest, ok := strings.CutPrefix(kv, key+"="); ok {
			v = rest
		}
	}
	return v
}

// TestAliyunProfileScaleInsKeepTheInterval is the parallel scale-in race
// on a profile of provider aliyun: five processes, one node each, on one
// TASK group. The journal's per-target lock orders them, and each release
// keeps the interval after the one before, whatever the provider.
func TestAliyunProfileScaleInsKeepTheInterval(t *testing.T) {
	k := newKillBed(t)
	id := k.devCluster()
	task := k.taskGroup(id, 6)
	nodes := k.running(id, task)
	ali := k.aliyunProfile()
	var runs [][]string
	for _, n := range nodes[:5] {
		runs = append(runs, []string{"scale", "in", id, "--node-group", task, "--nodes", n, "--yes", "-o", "json"})
	}
	checkScaleIns(t, k, ali.together(runs...), id, task, nodes[5:])
}
