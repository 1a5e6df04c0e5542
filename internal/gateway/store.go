package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNoGeneration means nothing has been applied under the root yet.
var ErrNoGeneration = errors.New("no gateway file set applied yet")

// ErrNoPrevious means rollback has no older generation to go back to.
var ErrNoPrevious = errors.New("no previous gateway file set to roll back to")

// DefaultKeep is how many generations Apply keeps, the current one included.
const DefaultKeep = 5

const (
	manifestName = "manifest.json"
	currentName  = "current"
	historyName  = "history.jsonl"
	timeLayout   = "20060102T150405Z"
)

// Store manages the file sets applied under one root.
//
// Layout, with STATE = Root/.emrctl-gateway by default:
//
//	STATE/generations/<time>-<n>/etc/...   one complete file set each
//	STATE/generations/<time>-<n>/manifest.json
//	STATE/current -> generations/<time>-<n>
//	Root/etc/hadoop/conf -> STATE/current/etc/hadoop/conf   (one link per conf dir)
//	Root/etc/profile.d/emrctl-gateway.sh -> STATE/current/etc/profile.d/...
//
// The visible links never change once made; switching sets is the single
// rename of STATE/current, so a crash leaves the old or the new set.
type Store struct {
	Root  string           // the tree users see ("/" on a real gateway)
	State string           // where generations live; default Root/.emrctl-gateway
	Keep  int              // generations kept; default DefaultKeep
	Now   func() time.Time // default time.Now

	// afterStep, when set, runs after every durable step of Apply; the
	// crash test uses it to kill the writer between steps.
	afterStep func(step string)
}

// NewStore returns a Store for root with the default state directory.
// A binary built with -tags failpoints may die between its steps (see
// failpoint.go); others never do.
func NewStore(root string) *Store {
	s := &Store{Root: root, State: filepath.Join(root, ".emrctl-gateway"), Keep: DefaultKeep, Now: time.Now}
	installFailpoint(s)
	return s
}

// Meta describes where a file set came from.
type Meta struct {
	ClusterID     string `json:"clusterId"`
	Region        string `json:"region"`
	EmrctlVersion string `json:"emrctlVersion"`
}

// Manifest records one generation: the hash of each file and its origin.
type Manifest struct {
	Generation string            `json:"generation"`
	Created    time.Time         `json:"created"`
	Meta                         // cluster, region, emrctl version
	Files      map[string]string `json:"files"` // path -> sha256 hex
}

// ApplyResult says what Apply did.
type ApplyResult struct {
	Generation string
	// Previous is the generation that was current before, now kept as a
	// backup ("" on the first apply).
	Previous string
	// PreviousClusterID is set when the previous set came from another
	// cluster: the gateway switched clusters and the old set is a backup.
	PreviousClusterID string
	// Unchanged is true when the set equalled the current one; nothing
	// was written.
	Unchanged bool
	// MovedAside lists directories or files that were in the way of the
	// layout (a gateway deployed without emrctl) and where they went.
	MovedAside map[string]string
	// Pruned lists generations removed to keep Store.Keep.
	Pruned []string
}

func (s *Store) gensDir() string { return filepath.Join(s.stateDir(), "generations") }

func (s *Store) stateDir() string {
	if s.State == "" {
		return filepath.Join(s.Root, ".emrctl-gateway")
	}
	return s.State
}

func (s *Store) step(name string) {
	if s.afterStep != nil {
		s.afterStep(name)
	}
}

// Apply makes set the visible file set, all or nothing.
func (s *Store) Apply(set Set, meta Meta) (*ApplyResult, error) {
	if err := checkPaths(set); err != nil {
		return nil, err
	}
	cur, err := s.Current()
	if err != nil && !errors.Is(err, ErrNoGeneration) {
		return nil, err
	}
	res := &ApplyResult{}
	if cur != nil {
		res.Previous = cur.Generation
		if cur.ClusterID != meta.ClusterID {
			res.PreviousClusterID = cur.ClusterID
		} else if sameFiles(cur.Files, hashes(set)) && s.intact(cur) {
			res.Generation, res.Unchanged = cur.Generation, true
			return res, nil
		}
	}
	gens, err := s.generations()
	if err != nil {
		return nil, err
	}
	name := s.nextName(gens)
	if err := s.writeGeneration(name, set, meta); err != nil {
		return nil, err
	}
	res.Generation = name
	if res.MovedAside, err = s.ensureLinks(set, name); err != nil {
		return nil, err
	}
	if err := s.switchTo(name); err != nil {
		return nil, err
	}
	if err := s.record("apply", name, res.Previous); err != nil {
		return nil, err
	}
	res.Pruned, err = s.prune(name)
	return res, err
}

// intact reports whether the visible files still match the manifest; if
// someone edited them or removed a link, an apply of the same set repairs
// them.
func (s *Store) intact(m *Manifest) bool {
	for p, h := range m.Files {
		b, err := os.ReadFile(filepath.Join(s.Root, filepath.FromSlash(p)))
		if err != nil || hashOf(b) != h {
			return false
		}
	}
	return true
}

func checkPaths(set Set) error {
	for p := range set {
		if p == "" || path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") || p == ".." || !strings.HasPrefix(p, "etc/") {
			return &InputError{Field: "set[" + p + "]", Problem: "is not a clean relative path under etc/", Fix: "build the set with Render"}
		}
	}
	return nil
}

// writeGeneration writes set into a hidden directory, makes it durable and
// renames it into place, so a generation directory is always complete.
func (s *Store) writeGeneration(name string, set Set, meta Meta) error {
	tmp := filepath.Join(s.gensDir(), ".tmp-"+name)
	if err := os.MkdirAll(s.gensDir(), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", s.gensDir(), err)
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("clear %s: %w", tmp, err)
	}
	paths := sortedPaths(set)
	dirs := map[string]bool{tmp: true}
	for _, p := range paths {
		full := filepath.Join(tmp, filepath.FromSlash(p))
		for d := filepath.Dir(full); d != tmp && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("create generation %s: %w", name, err)
		}
		if err := writeFileSync(full, set[p], modeOf(p, set[p])); err != nil {
			return fmt.Errorf("write generation %s: %w", name, err)
		}
		s.step("write " + p)
	}
	m := Manifest{Generation: name, Created: s.now().UTC(), Meta: meta, Files: hashes(set)}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest of %s: %w", name, err)
	}
	if err := writeFileSync(filepath.Join(tmp, manifestName), append(mb, '\n'), 0o644); err != nil {
		return fmt.Errorf("write manifest of %s: %w", name, err)
	}
	s.step("write manifest")
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, filepath.Join(s.gensDir(), name)); err != nil {
		return fmt.Errorf("finish generation %s: %w", name, err)
	}
	if err := syncDir(s.gensDir()); err != nil {
		return err
	}
	s.step("rename generation")
	return nil
}

// modeOf is the mode of file p: scripts are executable, and a file that
// holds a secret (a line that redaction would change) is readable by its
// owner only.
func modeOf(p string, body []byte) os.FileMode {
	mode := os.FileMode(0o644)
	if strings.HasSuffix(p, ".sh") {
		mode = 0o755
	}
	if holdsSecret(body) {
		mode &^= 0o077
	}
	return mode
}

func holdsSecret(body []byte) bool {
	for _, line := range strings.SplitAfter(string(body), "\n") {
		if redactLine(line) != line {
			return true
		}
	}
	return false
}

// linkUnit is the visible path that becomes a symlink for file p: its conf
// directory, or the file itself in shared directories such as profile.d.
func linkUnit(p string) string {
	if path.Dir(p) == "etc/profile.d" {
		return p
	}
	return path.Dir(p)
}

// ensureLinks makes Root/<unit> a symlink through STATE/current for every
// link unit of set. Links of units not yet in the current generation
// dangle until the switch, so before it they show the old set (no file).
func (s *Store) ensureLinks(set Set, gen string) (map[string]string, error) {
	units := map[string]bool{}
	for p := range set {
		units[linkUnit(p)] = true
	}
	var moved map[string]string
	for _, u := range sortedKeys(units) {
		visible := filepath.Join(s.Root, filepath.FromSlash(u))
		target, err := filepath.Rel(filepath.Dir(visible), filepath.Join(s.stateDir(), currentName, filepath.FromSlash(u)))
		if err != nil {
			return moved, fmt.Errorf("link %s: %w", visible, err)
		}
		_, err = os.Lstat(visible)
		switch {
		case err == nil && isLinkTo(visible, target):
			continue
		case err == nil:
			// A gateway deployed by other means (a directory, or a link
			// elsewhere such as EMR-CLI's): keep it, out of the way.
			aside := filepath.Join(s.stateDir(), "moved-aside", gen, filepath.FromSlash(u))
			if err := os.MkdirAll(filepath.Dir(aside), 0o755); err != nil {
				return moved, fmt.Errorf("move %s aside: %w", visible, err)
			}
			if err := os.Rename(visible, aside); err != nil {
				return moved, fmt.Errorf("move %s aside: %w", visible, err)
			}
			if moved == nil {
				moved = map[string]string{}
			}
			moved[visible] = aside
		case errors.Is(err, fs.ErrNotExist):
			if err := os.MkdirAll(filepath.Dir(visible), 0o755); err != nil {
				return moved, fmt.Errorf("link %s: %w", visible, err)
			}
		default:
			return moved, fmt.Errorf("link %s: %w", visible, err)
		}
		if err := replaceSymlink(target, visible); err != nil {
			return moved, err
		}
		s.step("link " + u)
	}
	return moved, nil
}

func isLinkTo(link, target string) bool {
	got, err := os.Readlink(link)
	return err == nil && got == target
}

// switchTo points STATE/current at gen with one rename.
func (s *Store) switchTo(gen string) error {
	if err := replaceSymlink(filepath.Join("generations", gen), filepath.Join(s.stateDir(), currentName)); err != nil {
		return err
	}
	s.step("switch")
	return nil
}

// replaceSymlink atomically makes link point at target.
func replaceSymlink(target, link string) error {
	tmp := link + ".emrctl-tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	return syncDir(filepath.Dir(link))
}

// Current returns the manifest of the current generation.
func (s *Store) Current() (*Manifest, error) {
	target, err := os.Readlink(filepath.Join(s.stateDir(), currentName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoGeneration
	}
	if err != nil {
		return nil, fmt.Errorf("read current gateway generation: %w", err)
	}
	return s.manifest(filepath.Base(target))
}

func (s *Store) manifest(gen string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(s.gensDir(), gen, manifestName))
	if err != nil {
		return nil, fmt.Errorf("read manifest of generation %s: %w", gen, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read manifest of generation %s: %w", gen, err)
	}
	return &m, nil
}

// Generations lists the complete generations, oldest first.
func (s *Store) Generations() ([]string, error) { return s.generations() }

func (s *Store) generations() ([]string, error) {
	ents, err := os.ReadDir(s.gensDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list gateway generations: %w", err)
	}
	var gens []string
	for _, e := range ents {
		if e.IsDir() && seqOf(e.Name()) > 0 {
			gens = append(gens, e.Name())
		}
	}
	sort.Slice(gens, func(i, j int) bool { return seqOf(gens[i]) < seqOf(gens[j]) })
	return gens, nil
}

// seqOf returns n of "<time>-<n>", or 0 for other names (such as .tmp-*).
func seqOf(name string) int {
	t, n, ok := strings.Cut(name, "-")
	if !ok || strings.HasPrefix(name, ".") {
		return 0
	}
	if _, err := time.Parse(timeLayout, t); err != nil {
		return 0
	}
	seq, err := strconv.Atoi(n)
	if err != nil || seq < 1 {
		return 0
	}
	return seq
}

func (s *Store) nextName(gens []string) string {
	seq := 1
	if len(gens) > 0 {
		seq = seqOf(gens[len(gens)-1]) + 1
	}
	return fmt.Sprintf("%s-%d", s.now().UTC().Format(timeLayout), seq)
}

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// prune removes the oldest generations beyond Keep, never the current one,
// and leftovers of interrupted applies.
func (s *Store) prune(current string) ([]string, error) {
	keep := s.Keep
	if keep < 1 {
		keep = DefaultKeep
	}
	gens, err := s.generations()
	if err != nil {
		return nil, err
	}
	var pruned []string
	for i, g := range gens {
		if len(gens)-i <= keep || g == current {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.gensDir(), g)); err != nil {
			return pruned, fmt.Errorf("prune generation %s: %w", g, err)
		}
		pruned = append(pruned, g)
	}
	ents, err := os.ReadDir(s.gensDir())
	if err != nil {
		return pruned, fmt.Errorf("list gateway generations: %w", err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if err := os.RemoveAll(filepath.Join(s.gensDir(), e.Name())); err != nil {
				return pruned, fmt.Errorf("remove interrupted generation %s: %w", e.Name(), err)
			}
		}
	}
	return pruned, nil
}

// RollbackResult says what Rollback did.
type RollbackResult struct {
	From, To string
	// ToClusterID is the cluster of the restored set.
	ToClusterID string
}

// Rollback makes the generation before the current one current again, with
// one atomic rename. The rolled-back-from generation stays as a backup.
func (s *Store) Rollback() (*RollbackResult, error) {
	cur, err := s.Current()
	if err != nil {
		return nil, err
	}
	gens, err := s.generations()
	if err != nil {
		return nil, err
	}
	prev := ""
	for _, g := range gens {
		if seqOf(g) < seqOf(cur.Generation) {
			prev = g
		}
	}
	if prev == "" {
		return nil, ErrNoPrevious
	}
	m, err := s.manifest(prev)
	if err != nil {
		return nil, err
	}
	set := Set{}
	for p := range m.Files {
		set[p] = nil
	}
	if _, err := s.ensureLinks(set, prev); err != nil {
		return nil, err
	}
	if err := s.switchTo(prev); err != nil {
		return nil, err
	}
	if err := s.record("rollback", prev, cur.Generation); err != nil {
		return nil, err
	}
	return &RollbackResult{From: cur.Generation, To: prev, ToClusterID: m.ClusterID}, nil
}

// HistoryEntry is one line of STATE/history.jsonl.
type HistoryEntry struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"` // apply or rollback
	To     string    `json:"to"`
	From   string    `json:"from,omitempty"`
}

func (s *Store) record(action, to, from string) error {
	b, err := json.Marshal(HistoryEntry{Time: s.now().UTC(), Action: action, To: to, From: from})
	if err != nil {
		return fmt.Errorf("record gateway %s: %w", action, err)
	}
	f, err := os.OpenFile(filepath.Join(s.stateDir(), historyName), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("record gateway %s: %w", action, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("record gateway %s: %w", action, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("record gateway %s: %w", action, err)
	}
	return f.Close()
}

// History returns the recorded applies and rollbacks, oldest first.
func (s *Store) History() ([]HistoryEntry, error) {
	b, err := os.ReadFile(filepath.Join(s.stateDir(), historyName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read gateway history: %w", err)
	}
	var out []HistoryEntry
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e HistoryEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			continue // a line cut short by a crash
		}
		out = append(out, e)
	}
	return out, nil
}

func writeFileSync(name string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hashes(set Set) map[string]string {
	out := make(map[string]string, len(set))
	for p, b := range set {
		out[p] = hashOf(b)
	}
	return out
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sortedPaths(set Set) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
