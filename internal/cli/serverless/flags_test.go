package serverless

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
)

// TestAutoStartFlags checks that an update can turn auto-start off and on
// again, and leaves it alone when neither flag is given.
func TestAutoStartFlags(t *testing.T) {
	on, off := true, false
	for _, tc := range []struct {
		name    string
		argv    []string
		want    *bool
		flagErr bool
	}{
		{name: "neither", argv: nil, want: nil},
		{name: "on again", argv: []string{"--auto-start"}, want: &on},
		{name: "off", argv: []string{"--no-auto-start"}, want: &off},
		{name: "off, the other way", argv: []string{"--auto-start=false"}, want: &off},
		{name: "both", argv: []string{"--auto-start", "--no-auto-start"}, flagErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &appFlags{}
			var got *bool
			var err error
			cmd := &cobra.Command{Use: "update", RunE: func(cmd *cobra.Command, _ []string) error {
				got, err = a.autoStartFlag(cmd)
				return nil
			}}
			a.add(cmd, false)
			cmd.SetArgs(tc.argv)
			if xerr := cmd.Execute(); xerr != nil {
				t.Fatal(xerr)
			}
			var fe *cmdutil.FlagError
			if tc.flagErr != errors.As(err, &fe) {
				t.Fatalf("got error %v, want a flag error: %v", err, tc.flagErr)
			}
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("got %v, want %v", deref(got), deref(tc.want))
			}
		})
	}
}

func deref(b *bool) any {
	if b == nil {
		return "unset"
	}
	return *b
}
