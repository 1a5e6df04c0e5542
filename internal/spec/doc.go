// Package spec holds the emrctl cluster spec: its Go types, a strict loader,
// a defaults pass, validation that reports every problem at once, the exact
// Alibaba Cloud RunCluster request a spec stands for (and the way back from
// GetClusterCloneMeta), templates, a JSON Schema and a plan summary.
//
// The package is pure: it never touches the network, the file system or the
// environment on its own. Secrets are never part of a spec; a spec names the
// environment variables that hold them and Resolve looks them up through a
// function the caller hands in.
//
// The pipeline every surface runs is Load → SetDefaults → Validate, then
// Resolve and AliyunRequest (or the AWS provider's mapping) for a create.
package spec
