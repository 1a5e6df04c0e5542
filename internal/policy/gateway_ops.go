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
