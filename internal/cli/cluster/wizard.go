package cluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wizard"
)

// runWizard is 'cluster create --interactive': the wizard builds the spec,
// which is saved, planned and then created through the same engine path
// as 'create -f' (the engine asks its own confirmation).
func runWizard(ctx context.Context, o *createOptions) error {
	f := o.f
	if !f.IOStreams.CanPrompt() {
		return cmdutil.FlagErrorf("--interactive needs a terminal on stdin and stdout; in a script write a spec with 'emrctl cluster init --template dev' and run 'emrctl cluster create -f SPEC'")
	}
	if o.save != "" {
		if _, err := os.Stat(o.save); err == nil {
			return cmdutil.FlagErrorf("--save %s: the file exists; choose another path or remove it", o.save)
		}
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	if s.Engine.Provider() == provider.AWS {
		return cmdutil.FlagErrorf("--interactive guides Alibaba Cloud EMR clusters and profile %q is AWS: write a spec ('emrctl cluster init') and use -f", s.Name)
	}
	backend := wizard.NewEngineBackend(wizardEngine(f), f.Call(false).Actor, lookupEnv(f))
	flow := wizard.New(backend, wizard.Options{Region: s.Engine.Region(), LookupEnv: lookupEnv(f)})
	fmt.Fprintln(f.IOStreams.Out, "Create an EMR cluster step by step. Recommendations are pre-selected; nothing is created before the last confirmation. ctrl+c stops.")
	res, err := wizard.Run(ctx, flow, wizard.NewTerminal(f.IOStreams.In, f.IOStreams.Out))
	if err != nil {
		return err
	}
	if res.Action == wizard.Discard {
		fmt.Fprintln(f.IOStreams.ErrOut, "Discarded: no file written, nothing created.")
		return nil
	}
	path, err := saveSpec(res.Spec, o.save)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Saved the spec to %s (create it again with: emrctl cluster create -f %s)\n", path, path)
	if res.Action == wizard.SaveOnly {
		return nil
	}
	return createSpec(ctx, o, res.Spec)
}

// wizardEngine opens the engine of the region the person chose: the
// profile is reopened for another region, so the plan and the create
// target it.
func wizardEngine(f *cmdutil.Factory) func(ctx context.Context, region string) (*engine.Engine, error) {
	return func(ctx context.Context, region string) (*engine.Engine, error) {
		s, err := f.Session(ctx)
		if err != nil {
			return nil, err
		}
		if region == "" || region == s.Engine.Region() {
			return s.Engine, nil
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		f.Region = region
		s, err = f.Session(ctx)
		if err != nil {
			return nil, err
		}
		return s.Engine, nil
	}
}

// saveSpec writes the spec next to the run, never over an existing file:
// path when given, else ./<name>.emrctl.yaml, or -2, -3... when taken. The
// spec holds no secret, only the names of the variables holding them.
func saveSpec(c *spec.Cluster, path string) (string, error) {
	raw, err := spec.Marshal(c)
	if err != nil {
		return "", err
	}
	candidates := []string{path}
	if path == "" {
		candidates = candidates[:0]
		for i := 1; i <= 99; i++ {
			name := c.Name + ".emrctl.yaml"
			if i > 1 {
				name = fmt.Sprintf("%s-%d.emrctl.yaml", c.Name, i)
			}
			candidates = append(candidates, filepath.Join(".", name))
		}
	}
	for _, p := range candidates {
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && path == "" {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save the spec: %w", err)
		}
		if _, err := fh.Write(raw); err != nil {
			fh.Close()
			return "", fmt.Errorf("save the spec: %w", err)
		}
		return p, fh.Close()
	}
	return "", fmt.Errorf("save the spec: %s.emrctl.yaml and its numbered variants exist; pass --save PATH", c.Name)
}
