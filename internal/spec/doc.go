// Package spec holds the emrctl cluster spec: its Go types, a strict loader,
// a defaults pass, validation that reports every problem at once, the
// application config items the metastore and ossHdfs blocks expand to (and
// the way back), templates, a JSON Schema and a plan summary. The cloud
// requests a spec stands for are built by the provider adapters.
//
// The package is pure: it never touches the network, the file system or the
// environment on its own. Secrets are never part of a spec; a spec names the
// environment variables that hold them and Resolve looks them up through a
// function the caller hands in.
//
// The pipeline every surface runs is Load → SetDefaults → Validate, then
// Resolve and the provider's PrepareCreate for a create.
package spec
