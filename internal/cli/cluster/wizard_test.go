package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

func TestCreateInteractiveFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // words the error names
	}{
		{"with a spec file", []string{"--interactive", "-f", "x.yaml"}, []string{"--interactive", "--file/-f"}},
		{"with dry run", []string{"--interactive", "--dry-run"}, []string{"--interactive", "--dry-run"}},
		{"save without the wizard", []string{"-f", "x.yaml", "--save", "y.yaml"}, []string{"--save", "--interactive"}},
		{"neither", nil, []string{"--file/-f", "--interactive"}},
		{"no terminal", []string{"--interactive"}, []string{"terminal", "cluster init"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			dir := t.TempDir()
			env := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
			f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
			defer f.Close()
			cmd := newCreateCmd(f, nil)
			cmd.SetArgs(tt.args)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.ExecuteContext(context.Background())
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a flag error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to name %s", err, w)
				}
			}
		})
	}
}

func TestSaveSpecNeverOverwrites(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := spec.Template("dev", spec.TemplateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 2 {
		p, err := saveSpec(c, "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if got[0] != "dev-datalake.emrctl.yaml" || got[1] != "dev-datalake-2.emrctl.yaml" {
		t.Errorf("got %v, want dev-datalake.emrctl.yaml then dev-datalake-2.emrctl.yaml", got)
	}
	if _, err := saveSpec(c, "dev-datalake.emrctl.yaml"); err == nil {
		t.Errorf("got no error saving over an existing --save path, want one")
	}
	raw, err := os.ReadFile(got[1])
	if err != nil {
		t.Fatal(err)
	}
	back, err := spec.Load(raw)
	if err != nil {
		t.Fatalf("the saved spec does not load: %v", err)
	}
	if back.Name != c.Name || len(back.NodeGroups) != len(c.NodeGroups) {
		t.Errorf("got %s with %d groups back, want %s with %d", back.Name, len(back.NodeGroups), c.Name, len(c.NodeGroups))
	}
}
