package aws

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestArgsAreNeverSplit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		argv      []string
		pos, pass []string
	}{
		{name: "after --", argv: []string{"j-1", "--", "a,b", "two words", "--flag"}, pos: []string{"j-1"}, pass: []string{"a,b", "two words", "--flag"}},
		{name: "--arg then --", argv: []string{"j-1", "--arg", "x,y", "--", "z"}, pos: []string{"j-1"}, pass: []string{"x,y", "z"}},
		{name: "no arguments", argv: []string{"j-1"}, pos: []string{"j-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var flagArgs []string
			var pos, pass []string
			cmd := &cobra.Command{Use: "x", RunE: func(cmd *cobra.Command, args []string) error {
				pos, pass = Args(cmd, args, flagArgs)
				return nil
			}}
			cmd.Flags().StringArrayVar(&flagArgs, "arg", nil, "")
			cmd.SetArgs(tc.argv)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.pos, pos); diff != "" {
				t.Errorf("positional (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.pass, pass); diff != "" {
				t.Errorf("passed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConf(t *testing.T) {
	got, err := Conf([]string{"spark.a=1", "spark.b=x=y"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"spark.a": "1", "spark.b": "x=y"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var fe *cmdutil.FlagError
	if _, err := Conf([]string{"novalue"}); !errors.As(err, &fe) {
		t.Errorf("got %v, want a flag error", err)
	}
}

func TestDecodeStrict(t *testing.T) {
	yaml := "name: spot\nrole: TASK\ntargetSpotCapacity: 4\ninstanceTypes:\n  - {instanceType: r5.xlarge, bidPriceAsPercentageOfOnDemandPrice: 50}\n"
	var f provider.FleetSpec
	if err := decodeStrict([]byte(yaml), &f); err != nil {
		t.Fatal(err)
	}
	want := provider.FleetSpec{Name: "spot", Role: "TASK", TargetSpotCapacity: 4, InstanceTypes: []provider.FleetInstanceType{{InstanceType: "r5.xlarge", BidPricePercent: 50}}}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := decodeStrict([]byte(`{"name": "x", "targetCapacity": 3}`), &f); err == nil {
		t.Error("unknown field: got nil error")
	}
}
