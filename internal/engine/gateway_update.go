package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/validate"
)

// ClientConfigChange sets items of one configuration file of a cluster's
// application (fs.trash.interval of HDFS core-site.xml) at the cluster
// level: what every gateway and, refreshed, every service reads.
type ClientConfigChange struct {
	ClusterID   string                `json:"clusterId"`
	Application string                `json:"application"`
	File        string                `json:"file"`
	Items       []provider.ConfigItem `json:"items"`
	// Refresh distributes the change to the running services.
	Refresh bool `json:"refresh,omitempty"`
}

// UpdateClientConfig changes items of a cluster's configuration file,
// declaratively: when every value already holds nothing is sent. The
// change is confirmed (agents may not change secret keys), journaled with
// secret values redacted, and sent with UpdateApplicationConfigs.
func (e *Engine) UpdateClientConfig(ctx context.Context, call Call, in ClientConfigChange) (*Outcome, error) {
	in.Application = strings.ToUpper(strings.TrimSpace(in.Application))
	if err := e.checkConfigChange(in); err != nil {
		return nil, err
	}
	p, err := capability[provider.ClientConfigUpdater](e, "changing client configurations")
	if err != nil {
		return nil, err
	}
	for _, it := range in.Items {
		if redact.IsSecretKey(it.Key) {
			e.opts.Secrets.Add(it.Value) // the input and request are journaled
		}
	}
	target := in.ClusterID + "/config"
	return run(ctx, e, call, job[*Outcome]{
		operation: "UpdateApplicationConfigs", target: target, input: in, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
			files, err := e.clientConfigs(ctx, in.ClusterID, []string{in.Application}, false)
			if err != nil {
				return nil, err
			}
			op := configOp(in, files)
			if err := missingKeys(in, op); err != nil {
				return nil, err
			}
			if len(op.Items) == 0 {
				return f.unchanged(ctx, op, fmt.Sprintf("%s of %s on cluster %s already has %s", in.File, in.Application, in.ClusterID, heldKeys(in.Items))), nil
			}
			items := changedItems(in.Items, op.Items)
			return f.apply(ctx, write{
				op: op, operation: "UpdateApplicationConfigs", target: target, tokenKind: journal.TokenNone,
				request: p.UpdateClientConfigRequest(in.ClusterID, in.Application, in.File, items, in.Refresh),
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.UpdateClientConfig(ctx, in.ClusterID, in.Application, in.File, items, in.Refresh)
				},
			})
		},
	})
}

// checkConfigChange refuses bad input before anything is read or sent.
// Secret values are never shown in the errors.
func (e *Engine) checkConfigChange(in ClientConfigChange) error {
	errs := []*validate.Error{e.clusterID(in.ClusterID)}
	if !slices.Contains(GatewayApps, in.Application) {
		errs = append(errs, &validate.Error{Field: "app", Value: validate.Render(in.Application), Rule: "is not an application a gateway has clients for", Fix: "use one of " + strings.Join(GatewayApps, ", ")})
	}
	errs = append(errs, configFileName(in.File))
	if len(in.Items) == 0 {
		errs = append(errs, &validate.Error{Field: "items", Rule: "are missing", Fix: "pass at least one KEY=VALUE"})
	}
	seen := map[string]bool{}
	for _, it := range in.Items {
		errs = append(errs, configKey(it.Key, seen), configValueText(it))
	}
	return checkInput(errs...)
}

func configFileName(name string) *validate.Error {
	switch {
	case name == "":
		return &validate.Error{Field: "file", Rule: "is missing", Fix: "pass --file with a file name such as core-site.xml"}
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return &validate.Error{Field: "file", Value: validate.Render(name), Rule: "is not a plain file name", Fix: "pass the file's name without a directory, such as core-site.xml"}
	}
	return validate.Text("file", name)
}

func configKey(key string, seen map[string]bool) *validate.Error {
	switch {
	case strings.TrimSpace(key) == "":
		return &validate.Error{Field: "key", Rule: "is empty", Fix: "write each item as KEY=VALUE with a key"}
	case strings.ContainsAny(key, "= \t"):
		return &validate.Error{Field: "key", Value: validate.Render(key), Rule: "contains '=' or a space", Fix: "write each item as KEY=VALUE"}
	case seen[key]:
		return &validate.Error{Field: "key", Value: validate.Render(key), Rule: "is given twice", Fix: "give each key once"}
	}
	seen[key] = true
	return validate.Text("key", key)
}

// configValueText checks a value as text; a leading '-' is allowed (JVM
// options), and a secret value is never shown.
func configValueText(it provider.ConfigItem) *validate.Error {
	err := validate.Text("value of "+it.Key, strings.TrimLeft(it.Value, "-"))
	if err != nil && redact.IsSecretKey(it.Key) {
		err.Value = redact.Marker
	}
	return err
}

// configOp is the policy operation of in against the cluster's files:
// only the items whose value differs.
func configOp(in ClientConfigChange, files []provider.ConfigFile) policy.UpdateApplicationConfigs {
	op := policy.UpdateApplicationConfigs{ClusterID: in.ClusterID, Application: in.Application, File: in.File, Refresh: in.Refresh}
	cur := map[string]string{}
	for _, f := range files {
		if f.Application == in.Application && f.Name == in.File {
			for _, it := range f.Items {
				cur[it.Key] = it.Value
			}
		}
	}
	for _, it := range in.Items {
		old, set := cur[it.Key]
		if set && old == it.Value {
			continue
		}
		op.Items = append(op.Items, policy.ConfigChange{Key: it.Key, Old: old, Set: set, New: it.Value})
	}
	return op
}

// missingKeys refuses keys the file does not have: UpdateApplicationConfigs
// changes items, it does not add them.
func missingKeys(in ClientConfigChange, op policy.UpdateApplicationConfigs) error {
	var out InputError
	for _, c := range op.Items {
		if !c.Set {
			out.Problems = append(out.Problems, FieldProblem{Field: "key", Problem: fmt.Sprintf("%s is not set in %s of %s on cluster %s", validate.Render(c.Key), in.File, in.Application, in.ClusterID),
				Fix: "check the key and file with 'emrctl gateway configs " + in.ClusterID + " --app " + in.Application + "'; emrctl changes existing keys only"})
		}
	}
	if len(out.Problems) == 0 {
		return nil
	}
	return &out
}

// changedItems are the items of in that changes names, in their order.
func changedItems(in []provider.ConfigItem, changes []policy.ConfigChange) []provider.ConfigItem {
	var out []provider.ConfigItem
	for _, it := range in {
		if slices.ContainsFunc(changes, func(c policy.ConfigChange) bool { return c.Key == it.Key }) {
			out = append(out, it)
		}
	}
	return out
}

// heldKeys names what already holds, secret values redacted.
func heldKeys(items []provider.ConfigItem) string {
	var held []string
	for _, it := range items {
		v := it.Value
		if redact.IsSecretKey(it.Key) {
			v = redact.Marker
		}
		held = append(held, it.Key+"="+validate.Render(v))
	}
	return strings.Join(held, ", ")
}
