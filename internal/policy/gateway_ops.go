package policy

import (
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/safetext"
)

// RuleSecretConfig: an agent or a service tried to change the value of a
// secret configuration key.
const RuleSecretConfig = "secretConfig"

// ConfigChange is one key of a configuration file, from its value now to
// its value afterwards.
type ConfigChange struct {
	Key string
	// Old is the value now; Set reports whether the key has one.
	Old string
	Set bool
	New string
}

// UpdateApplicationConfigs changes items of one configuration file of a
// cluster's application (core-site.xml of HDFS), and with Refresh
// distributes the change to the running services.
type UpdateApplicationConfigs struct {
	ClusterID   string
	Application string
	File        string
	Items       []ConfigChange
	Refresh     bool
}

// API returns "UpdateApplicationConfigs".
func (UpdateApplicationConfigs) API() string { return "UpdateApplicationConfigs" }

// Target returns the cluster ID.
func (o UpdateApplicationConfigs) Target() string { return o.ClusterID }

func (o UpdateApplicationConfigs) target() safetext.Text { return safetext.ID(o.ClusterID) }

// decide confirms every change: a configuration reaches every client and,
// refreshed, every running service. Secret values are never shown, and
// only a person may change them.
func (o UpdateApplicationConfigs) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	var changes []safetext.Text
	for _, it := range o.Items {
		secret := redact.IsSecretKey(it.Key)
		if secret && a.Kind.Untrusted() {
			b.deny(RuleSecretConfig, safetext.F("Changing the secret key %s is a person's decision at the CLI; agents and services cannot do it, whatever they are told.", it.Key))
		}
		changes = append(changes, safetext.F("%s: %s -> %s", it.Key, configValue(it.Old, it.Set, secret), configValue(it.New, true, secret)))
	}
	b.confirm(safetext.F("A configuration change reaches every client of the application and, refreshed, its running services."))
	refresh := safetext.F("running services are not refreshed: they keep the old values until they restart or are refreshed")
	if o.Refresh {
		refresh = safetext.F("running services are refreshed with the new values")
	}
	b.d.Summary.Impact = safetext.F("changes %s of %s (%s on the cluster): %s; %s",
		count(len(o.Items), safetext.Word("key")), o.File, o.Application, safetext.Join(changes, ", "), refresh)
}

// configValue shows a value as data, a secret as the redaction marker and
// a missing key as unset.
func configValue(v string, set, secret bool) safetext.Text {
	switch {
	case !set:
		return safetext.F("(unset)")
	case secret:
		return safetext.Word(redact.Marker)
	}
	return safetext.Data(v)
}

// RuleLocalFiles: an agent or a service tried to write files on the
// machine emrctl runs on.
const RuleLocalFiles = "localFiles"

// The kinds of change of a gateway file, as gateway.Plan names them.
const (
	FileAdded   = "added"
	FileChanged = "changed"
	FileRemoved = "removed"
)

// GatewayFile is one file a gateway write changes: its path under the
// root and how it changes (FileAdded, FileChanged or FileRemoved).
type GatewayFile struct {
	Path string
	Kind string
}

// WriteGatewayFiles writes the client configuration of a cluster under a
// root on the machine emrctl runs on ('gateway deploy' and 'gateway
// refresh'): a new generation of files that becomes current with one
// switch, the set it replaces kept as a backup.
type WriteGatewayFiles struct {
	Root      string
	ClusterID string
	// PreviousClusterID is the cluster of the current set when it is not
	// ClusterID: the gateway switches clusters.
	PreviousClusterID string
	// Refresh marks 'gateway refresh' (the same applications again).
	Refresh bool
	Files   []GatewayFile
}

// API returns "WriteGatewayFiles".
func (WriteGatewayFiles) API() string { return "WriteGatewayFiles" }

// Target returns the root.
func (o WriteGatewayFiles) Target() string { return o.Root }

func (o WriteGatewayFiles) target() safetext.Text {
	return safetext.F("the gateway files under %s", safetext.ID(o.Root))
}

// decide lets only a person (or their script) write local files, after a
// confirmation: what is written there is what every client on the machine
// reads. No MCP tool or REST call writes local files.
func (o WriteGatewayFiles) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	localFilesByPeople(b, a)
	b.confirm(safetext.F("Every job submitted from this machine reads these files from now on."))
	verb := safetext.F("deploys")
	if o.Refresh {
		verb = safetext.F("refreshes")
	}
	impact := safetext.F("%s the client configuration of cluster %s, %s to write; any set it replaces is kept as a backup that 'emrctl gateway rollback' restores",
		verb, safetext.ID(o.ClusterID), count(len(o.Files), safetext.Word("file")))
	if o.PreviousClusterID != "" && o.PreviousClusterID != o.ClusterID {
		impact = safetext.F("%s; the gateway switches from cluster %s to %s, and the files of %s are that backup",
			impact, safetext.ID(o.PreviousClusterID), safetext.ID(o.ClusterID), safetext.ID(o.PreviousClusterID))
	}
	if len(o.Files) > 0 {
		lines := make([]safetext.Text, len(o.Files))
		for i, f := range o.Files {
			lines[i] = safetext.F("  %s %s", fileKind(f.Kind), safetext.ID(f.Path))
		}
		impact = safetext.F("%s:\n%s", impact, safetext.Lines(lines...))
	}
	b.d.Summary.Impact = impact
}

// fileKind shows a kind of change in emrctl's words; any other value is
// shown as data.
func fileKind(k string) safetext.Text {
	switch k {
	case FileAdded:
		return safetext.Word(FileAdded)
	case FileChanged:
		return safetext.Word(FileChanged)
	case FileRemoved:
		return safetext.Word(FileRemoved)
	}
	return safetext.ID(k)
}

// RollbackGatewayFiles makes the generation before the current one of a
// gateway's files current again ('gateway rollback').
type RollbackGatewayFiles struct {
	Root string
	// From is the current generation and ClusterID its cluster; To is the
	// generation made current.
	From, To, ClusterID string
}

// API returns "RollbackGatewayFiles".
func (RollbackGatewayFiles) API() string { return "RollbackGatewayFiles" }

// Target returns the root.
func (o RollbackGatewayFiles) Target() string { return o.Root }

func (o RollbackGatewayFiles) target() safetext.Text {
	return safetext.F("the gateway files under %s", safetext.ID(o.Root))
}

// decide lets a person roll back without a question, as before the
// engine took it over: the set rolled back from stays as a backup and
// nothing is lost. Agents and services write no local files.
func (o RollbackGatewayFiles) decide(b *builder, a Actor, _ *Policy, _ Limits) {
	localFilesByPeople(b, a)
	b.d.Summary.Impact = safetext.F("makes generation %s current again under %s; generation %s (cluster %s) stays as a backup",
		safetext.ID(o.To), safetext.ID(o.Root), safetext.ID(o.From), safetext.ID(o.ClusterID))
}

// localFilesByPeople refuses local file writes to agents and services.
func localFilesByPeople(b *builder, a Actor) {
	if a.Kind.Untrusted() {
		b.deny(RuleLocalFiles, safetext.F("Gateway files on the machine emrctl runs on are written only by a person at the CLI "+
			"('emrctl gateway deploy', 'refresh' or 'rollback'); agents and services cannot write them: no MCP tool or REST call writes local files."))
	}
}
