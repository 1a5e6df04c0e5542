// Package gateway renders a cluster's client configuration into the standard
// file layout of a gateway machine and manages that file set on disk: every
// apply writes a complete new generation and switches to it with one atomic
// rename, older generations stay as backups for rollback, and a manifest per
// generation lets status report files edited locally or changed on the
// cluster. It touches only the local filesystem; fetching the configuration
// from the cloud is the caller's job.
package gateway

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
)

// File is one client configuration file of one application, as the cluster
// reports it. FilesFrom converts provider.ConfigFile values.
type File struct {
	App  string // application name, such as "HDFS" or "SPARK3"
	Name string // file name, such as "core-site.xml"
	// Format is one of the provider.Format* names; empty picks the format
	// from the file name.
	Format string
	Items  []Item
}

// FilesFrom converts the provider's configuration files for Render.
func FilesFrom(cfgs []provider.ConfigFile) []File {
	out := make([]File, 0, len(cfgs))
	for _, c := range cfgs {
		items := make([]Item, len(c.Items))
		for i, it := range c.Items {
			items[i] = Item{Key: it.Key, Value: it.Value}
		}
		out = append(out, File{App: c.Application, Name: c.Name, Format: c.Format, Items: items})
	}
	return out
}

// Item is one key and value of a configuration file.
type Item struct {
	Key   string
	Value string
}

// RenderOptions are the machine-specific parts of a rendered file set.
type RenderOptions struct {
	// Root is the directory the tree is installed under ("/" on a real
	// gateway); the profile's *_CONF_DIR variables point below it.
	Root string
	// JavaHome is written to the profile; empty leaves a placeholder.
	JavaHome string
}

// Set is a rendered file set: slash-separated paths relative to the root
// (such as "etc/hadoop/conf/core-site.xml") mapped to file contents.
type Set map[string][]byte

// ProfilePath is where the environment profile goes, relative to the root.
const ProfilePath = "etc/profile.d/emrctl-gateway.sh"

// JavaHomePlaceholder is written when the JDK location is unknown, so that a
// grep finds it and a login shell fails visibly rather than silently.
const JavaHomePlaceholder = "/EMRCTL-SET-JAVA_HOME"

// confDirs maps an application to its configuration directory; applications
// not listed use etc/<lower-case name>/conf.
var confDirs = map[string]string{
	"HDFS":   "etc/hadoop/conf",
	"YARN":   "etc/hadoop/conf",
	"SPARK2": "etc/spark2/conf",
	"SPARK3": "etc/spark3/conf",
}

// profileVars are the environment variables the profile sets, with the
// applications whose directory each one names, in order of preference.
var profileVars = []struct {
	name string
	apps []string
}{
	{"HADOOP_CONF_DIR", []string{"HDFS", "YARN"}},
	{"YARN_CONF_DIR", []string{"YARN"}},
	{"HIVE_CONF_DIR", []string{"HIVE"}},
	{"SPARK_CONF_DIR", []string{"SPARK3", "SPARK2"}},
	{"FLINK_CONF_DIR", []string{"FLINK"}},
	{"HBASE_CONF_DIR", []string{"HBASE"}},
	{"TEZ_CONF_DIR", []string{"TEZ"}},
}

// ConfDir returns the configuration directory of app relative to the root.
func ConfDir(app string) string {
	app = strings.ToUpper(app)
	if d, ok := confDirs[app]; ok {
		return d
	}
	return "etc/" + strings.ToLower(app) + "/conf"
}

// InputError reports a configuration file that cannot be rendered.
type InputError struct {
	Field   string // such as "files[2].items[5].key"
	Problem string
	Fix     string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s: %s; %s", e.Field, e.Problem, e.Fix)
}

// Render turns files into a file set in the standard layout, plus the
// environment profile. Output is deterministic: items are sorted by key.
// Two applications may name the same file (HDFS and YARN both carry
// core-site.xml) only if they render it identically.
func Render(files []File, opts RenderOptions) (Set, error) {
	set := Set{}
	owner := map[string]string{}
	apps := map[string]bool{}
	for i, f := range files {
		field := fmt.Sprintf("files[%d]", i)
		if err := checkFile(f, field); err != nil {
			return nil, err
		}
		body, err := renderFile(f, field)
		if err != nil {
			return nil, err
		}
		p := path.Join(ConfDir(f.App), f.Name)
		if prev, ok := set[p]; ok && !bytes.Equal(prev, body) {
			return nil, &InputError{Field: field, Problem: fmt.Sprintf("%s of %s differs from the one of %s", f.Name, f.App, owner[p]), Fix: "deploy only one of the two applications, or make the cluster's copies agree"}
		}
		set[p] = body
		owner[p] = f.App
		apps[strings.ToUpper(f.App)] = true
	}
	set[ProfilePath] = renderProfile(apps, opts)
	return set, nil
}

func checkFile(f File, field string) error {
	switch {
	case strings.TrimSpace(f.App) == "":
		return &InputError{Field: field + ".app", Problem: "is empty", Fix: "name the application, such as HDFS"}
	case strings.ContainsAny(f.App, "/\\. \t\n"):
		return &InputError{Field: field + ".app", Problem: fmt.Sprintf("%q is not an application name", f.App), Fix: "use a name such as HDFS or SPARK3"}
	case f.Name == "" || f.Name != path.Base(f.Name) || strings.HasPrefix(f.Name, ".") || strings.ContainsAny(f.Name, "\\\n"):
		return &InputError{Field: field + ".name", Problem: fmt.Sprintf("%q is not a plain file name", f.Name), Fix: "use a name such as core-site.xml, without directories"}
	}
	seen := map[string]bool{}
	for j, it := range f.Items {
		if it.Key == "" || strings.ContainsAny(it.Key, " \t\r\n=:") {
			return &InputError{Field: fmt.Sprintf("%s.items[%d].key", field, j), Problem: fmt.Sprintf("%q is not a usable key", it.Key), Fix: "use a key without spaces, '=' or ':'"}
		}
		if seen[it.Key] {
			return &InputError{Field: fmt.Sprintf("%s.items[%d].key", field, j), Problem: fmt.Sprintf("%q appears twice in %s", it.Key, f.Name), Fix: "keep one value per key"}
		}
		seen[it.Key] = true
	}
	return nil
}

// format names how a file's items are written.
type format int

const (
	formatXML        format = iota // Hadoop <configuration>
	formatSpace                    // "key value" (spark-defaults.conf)
	formatShell                    // export KEY=value
	formatYAML                     // key: value (flink-conf.yaml)
	formatProperties               // key=value
)

func formatOf(name string) (format, bool) {
	switch path.Ext(name) {
	case ".xml":
		return formatXML, true
	case ".sh":
		return formatShell, true
	case ".yaml", ".yml":
		return formatYAML, true
	case ".conf":
		return formatSpace, true
	case ".properties", ".cfg", ".ini":
		return formatProperties, true
	}
	return 0, false
}

// providerFormats maps the provider's format names to ours.
var providerFormats = map[string]format{
	provider.FormatXML:        formatXML,
	provider.FormatProperties: formatProperties,
	provider.FormatSpark:      formatSpace,
	provider.FormatYAML:       formatYAML,
	provider.FormatShell:      formatShell,
}

func fileFormat(f File, field string) (format, error) {
	if f.Format != "" {
		fm, ok := providerFormats[f.Format]
		if !ok {
			return 0, &InputError{Field: field + ".format", Problem: fmt.Sprintf("%q is not a known format", f.Format), Fix: "use xml, properties, spark-conf, yaml or shell, or leave it empty"}
		}
		return fm, nil
	}
	fm, ok := formatOf(f.Name)
	if !ok {
		return 0, &InputError{Field: field + ".name", Problem: fmt.Sprintf("%q has a file type emrctl cannot write", f.Name), Fix: "supported types are .xml, .conf, .sh, .yaml, .properties and .cfg, or set the format"}
	}
	return fm, nil
}

func renderFile(f File, field string) ([]byte, error) {
	fm, err := fileFormat(f, field)
	if err != nil {
		return nil, err
	}
	if err := checkItems(f.Items, fm, f.Name, field); err != nil {
		return nil, err
	}
	items := append([]Item(nil), f.Items...)
	sort.Slice(items, func(a, b int) bool { return items[a].Key < items[b].Key })
	var b strings.Builder
	switch fm {
	case formatXML:
		writeXML(&b, items)
	case formatShell:
		b.WriteString("# Written by emrctl gateway; local edits are reported as drift.\n")
		for _, it := range items {
			fmt.Fprintf(&b, "export %s=%s\n", it.Key, shellQuote(it.Value))
		}
	default:
		b.WriteString("# Written by emrctl gateway; local edits are reported as drift.\n")
		sep := map[format]string{formatSpace: " ", formatYAML: ": ", formatProperties: "="}[fm]
		for _, it := range items {
			b.WriteString(it.Key + sep + it.Value + "\n")
		}
	}
	return []byte(b.String()), nil
}

// checkItems rejects what the file's format cannot hold.
func checkItems(items []Item, fm format, name, field string) error {
	for j, it := range items {
		at := fmt.Sprintf("%s.items[%d]", field, j)
		if fm == formatShell && !isShellName(it.Key) {
			return &InputError{Field: at + ".key", Problem: fmt.Sprintf("%q is not a shell variable name", it.Key), Fix: "use letters, digits and '_' only, not starting with a digit"}
		}
		// Only XML and shell quoting can hold a line break.
		if fm != formatXML && fm != formatShell && strings.ContainsAny(it.Value, "\r\n") {
			return &InputError{Field: at + ".value", Problem: "contains a line break, which " + name + " cannot hold", Fix: "remove the line break from the value on the cluster"}
		}
	}
	return nil
}

// writeXML writes one property per line, so that line diffs and their
// redaction work per property.
func writeXML(b *strings.Builder, items []Item) {
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<!-- Written by emrctl gateway; local edits are reported as drift. -->\n")
	b.WriteString("<configuration>\n")
	for _, it := range items {
		b.WriteString("  <property><name>" + xmlEscape(it.Key) + "</name><value>" + xmlEscape(it.Value) + "</value></property>\n")
	}
	b.WriteString("</configuration>\n")
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // strings.Builder never fails
	return b.String()
}

func isShellName(s string) bool {
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s != ""
}

// shellQuote leaves plain words alone and single-quotes the rest.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func renderProfile(apps map[string]bool, opts RenderOptions) []byte {
	root := opts.Root
	if root == "" {
		root = "/"
	}
	var b strings.Builder
	b.WriteString("# Written by emrctl gateway: client environment of the cluster.\n")
	if opts.JavaHome == "" {
		b.WriteString("# emrctl could not tell where the JDK is: replace " + JavaHomePlaceholder + "\n")
		b.WriteString("# below with it (EMR nodes use /usr/lib/jvm/java-1.8.0), or set JAVA_HOME before this runs.\n")
		b.WriteString(`export JAVA_HOME="${JAVA_HOME:-` + JavaHomePlaceholder + `}"` + "\n")
	} else {
		b.WriteString("export JAVA_HOME=" + shellQuote(opts.JavaHome) + "\n")
	}
	for _, v := range profileVars {
		for _, app := range v.apps {
			if apps[app] {
				b.WriteString("export " + v.name + "=" + shellQuote(path.Join(root, ConfDir(app))) + "\n")
				break
			}
		}
	}
	return []byte(b.String())
}
