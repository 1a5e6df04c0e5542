package gateway

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LocalState says how a visible file compares with the current manifest.
type LocalState string

// The local states Status reports.
const (
	LocalUnchanged LocalState = "unchanged"
	LocalModified  LocalState = "modified" // edited on this machine
	LocalMissing   LocalState = "missing"  // deleted on this machine
	LocalAbsent    LocalState = ""         // not in the current set
)

// ClusterState says how the cluster's file compares with the current
// manifest.
type ClusterState string

// The cluster states Status reports.
const (
	ClusterSame    ClusterState = "same"
	ClusterChanged ClusterState = "changed" // the cluster's config changed
	ClusterAdded   ClusterState = "added"   // new on the cluster
	ClusterRemoved ClusterState = "removed" // gone from the cluster
	ClusterUnknown ClusterState = ""        // no cluster set given
)

// FileStatus is the drift of one file.
type FileStatus struct {
	Path    string
	Local   LocalState
	Cluster ClusterState
}

// Drifted reports whether the file differs locally or on the cluster.
func (f FileStatus) Drifted() bool {
	return (f.Local != LocalUnchanged && f.Local != LocalAbsent) ||
		(f.Cluster != ClusterSame && f.Cluster != ClusterUnknown)
}

// Status is the drift report of the current generation.
type Status struct {
	Manifest *Manifest
	Files    []FileStatus // sorted by path
}

// Status compares the visible files (read through the links under Root)
// with the current manifest and, when cluster is not nil, the manifest
// with the set rendered from the cluster's configuration now.
func (s *Store) Status(cluster Set) (*Status, error) {
	m, err := s.Current()
	if err != nil {
		return nil, err
	}
	byPath := map[string]*FileStatus{}
	for p, h := range m.Files {
		local, err := s.localState(p, h)
		if err != nil {
			return nil, err
		}
		f := &FileStatus{Path: p, Local: local}
		if cluster != nil {
			switch b, ok := cluster[p]; {
			case !ok:
				f.Cluster = ClusterRemoved
			case hashOf(b) == h:
				f.Cluster = ClusterSame
			default:
				f.Cluster = ClusterChanged
			}
		}
		byPath[p] = f
	}
	for p := range cluster {
		if _, ok := byPath[p]; !ok {
			byPath[p] = &FileStatus{Path: p, Local: LocalAbsent, Cluster: ClusterAdded}
		}
	}
	st := &Status{Manifest: m}
	paths := map[string]bool{}
	for p := range byPath {
		paths[p] = true
	}
	for _, p := range sortedKeys(paths) {
		st.Files = append(st.Files, *byPath[p])
	}
	return st, nil
}

func (s *Store) localState(p, want string) (LocalState, error) {
	b, err := os.ReadFile(filepath.Join(s.Root, filepath.FromSlash(p)))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return LocalMissing, nil
	case err != nil:
		return "", fmt.Errorf("read %s: %w", p, err)
	case hashOf(b) != want:
		return LocalModified, nil
	}
	return LocalUnchanged, nil
}
