package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/validate"
)

// GatewayApps are the applications a gateway has clients for (EMR-CLI's
// list), in the order the docs give them.
var GatewayApps = []string{"HDFS", "YARN", "HBASE", "HIVE", "SPARK2", "SPARK3", "JINDOSDK", "FLINK", "SQOOP", "IMPALA", "PRESTO", "HUDI", "ICEBERG", "TEZ", "DELTALAKE"}

// ClientConfigs reads the client configuration files of a cluster's
// applications apps (names of GatewayApps, any case), or of every gateway
// application the cluster has when apps is empty. Values of secret keys
// (javax.jdo.option.ConnectionPassword, fs.s3a.secret.key) are replaced
// by redact.Marker: the result is for showing.
func (e *Engine) ClientConfigs(ctx context.Context, clusterID string, apps []string) ([]provider.ConfigFile, error) {
	return e.clientConfigs(ctx, clusterID, apps, true)
}

// ClientConfigsForDeploy is ClientConfigs with the raw values, secrets
// included: the files a gateway deploy writes. Never print its result;
// show ClientConfigs' instead.
func (e *Engine) ClientConfigsForDeploy(ctx context.Context, clusterID string, apps []string) ([]provider.ConfigFile, error) {
	return e.clientConfigs(ctx, clusterID, apps, false)
}

func (e *Engine) clientConfigs(ctx context.Context, clusterID string, apps []string, redacted bool) ([]provider.ConfigFile, error) {
	apps, appErrs := gatewayApps(apps)
	if err := checkInput(append([]*validate.Error{e.clusterID(clusterID)}, appErrs...)...); err != nil {
		return nil, err
	}
	p, err := capability[provider.ClientConfigs](e, "reading client configurations")
	if err != nil {
		return nil, err
	}
	files, err := read(ctx, e, func(ctx context.Context) ([]provider.ConfigFile, error) { return p.ClientConfigs(ctx, clusterID, apps) })
	if err != nil {
		return nil, err
	}
	out := make([]provider.ConfigFile, 0, len(files))
	for _, f := range files {
		switch {
		case !slices.Contains(GatewayApps, f.Application):
		case redacted:
			out = append(out, redactConfig(e.opts.Secrets, f))
		default:
			out = append(out, f)
		}
	}
	return out, nil
}

// gatewayApps upper-cases and deduplicates app names, and refuses each
// that is not a gateway application.
func gatewayApps(apps []string) ([]string, []*validate.Error) {
	var out []string
	var errs []*validate.Error
	for _, raw := range apps {
		a := strings.ToUpper(strings.TrimSpace(raw))
		switch {
		case !slices.Contains(GatewayApps, a):
			errs = append(errs, &validate.Error{Field: "app", Value: validate.Render(raw), Rule: "is not an application a gateway has clients for", Fix: "use one of " + strings.Join(GatewayApps, ", ")})
		case !slices.Contains(out, a):
			out = append(out, a)
		}
	}
	return out, errs
}

// redactConfig returns f with the values of secret keys, and any known
// secret inside other values, redacted.
func redactConfig(secrets *redact.Registry, f provider.ConfigFile) provider.ConfigFile {
	items := make([]provider.ConfigItem, len(f.Items))
	for i, it := range f.Items {
		switch {
		case redact.IsSecretKey(it.Key):
			it.Value = redact.Marker
		case secrets != nil:
			it.Value = secrets.String(it.Value)
		}
		items[i] = it
	}
	f.Items = items
	return f
}
