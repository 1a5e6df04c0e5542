package pgtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNotInstalled is returned when the PostgreSQL server binaries are in
// neither PATH nor /usr/lib/postgresql/*/bin.
var ErrNotInstalled = errors.New("PostgreSQL server binaries (initdb, postgres) not found in PATH or " +
	debianRoot + "/*/bin; install them: apt-get install -y postgresql (Debian/Ubuntu), " +
	"or run scripts/test.sh, which installs them")

// BinEnv names the variable that points at a directory holding initdb
// and postgres (e.g. /opt/homebrew/opt/postgresql@15/bin); when set, it
// is the only place searched.
const BinEnv = "EMRCTL_POSTGRES_BIN"

// debianRoot holds one bin directory per major version on Debian and
// Ubuntu, where the server binaries are not on PATH.
const debianRoot = "/usr/lib/postgresql"

// binaries are the server programs a Server runs, from one directory so
// that initdb and postgres are of the same version.
type binaries struct {
	initdb   string
	postgres string
}

// locateBinaries finds the server binaries in $EMRCTL_POSTGRES_BIN, else
// in PATH or under debianRoot.
func locateBinaries() (binaries, error) {
	if dir := os.Getenv(BinEnv); dir != "" {
		b, err := findBinaries(dir, "")
		if err != nil {
			return b, fmt.Errorf("%s=%s: %w", BinEnv, dir, err)
		}
		return b, nil
	}
	return findBinaries(os.Getenv("PATH"), debianRoot)
}

// findBinaries looks for initdb and postgres side by side, first in the
// directories of pathList (a PATH value), then in root/<version>/bin,
// newest version first.
func findBinaries(pathList, root string) (binaries, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	for _, dir := range versionDirs(root) {
		if b, ok := binariesIn(filepath.Join(dir, "bin")); ok {
			return b, nil
		}
	}
	return binaries{}, ErrNotInstalled
}

func binariesIn(dir string) (binaries, bool) {
	if dir == "" {
		return binaries{}, false
	}
	b := binaries{initdb: filepath.Join(dir, "initdb"), postgres: filepath.Join(dir, "postgres")}
	return b, isExecutable(b.initdb) && isExecutable(b.postgres)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// versionDirs lists root's subdirectories named like versions ("15",
// "9.6"), newest first; "15" is newer than "9.6", which a string sort
// gets wrong.
func versionDirs(root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	type versioned struct {
		dir     string
		version []int
	}
	var found []versioned
	for _, e := range entries {
		if v, ok := parseVersion(e.Name()); ok && e.IsDir() {
			found = append(found, versioned{filepath.Join(root, e.Name()), v})
		}
	}
	slices.SortFunc(found, func(a, b versioned) int { return slices.Compare(b.version, a.version) })
	dirs := make([]string, len(found))
	for i, f := range found {
		dirs[i] = f.dir
	}
	return dirs
}

func parseVersion(name string) ([]int, bool) {
	var v []int
	for part := range strings.SplitSeq(name, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		v = append(v, n)
	}
	return v, true
}
