package pgtest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinaries(t *testing.T) {
	tests := []struct {
		name     string
		path     []string // dirs of PATH, relative to a temp dir
		root     []string // version dirs under the Debian-style root
		programs map[string][]string
		want     string // dir of the binaries found, relative; "" = ErrNotInstalled
	}{
		{
			name:     "PATH first",
			path:     []string{"usr/bin", "local/bin"},
			root:     []string{"15"},
			programs: map[string][]string{"local/bin": {"initdb", "postgres"}, "lib/15/bin": {"initdb", "postgres"}},
			want:     "local/bin",
		},
		{
			name:     "initdb on PATH without postgres beside it",
			path:     []string{"usr/bin"},
			root:     []string{"15"},
			programs: map[string][]string{"usr/bin": {"initdb"}, "lib/15/bin": {"initdb", "postgres"}},
			want:     "lib/15/bin",
		},
		{
			name:     "newest version by number, not by string",
			root:     []string{"9.6", "13", "15", "notes"},
			programs: map[string][]string{"lib/9.6/bin": {"initdb", "postgres"}, "lib/13/bin": {"initdb", "postgres"}, "lib/15/bin": {"initdb", "postgres"}},
			want:     "lib/15/bin",
		},
		{
			name:     "newest version incomplete",
			root:     []string{"14", "16"},
			programs: map[string][]string{"lib/14/bin": {"initdb", "postgres"}, "lib/16/bin": {"postgres"}},
			want:     "lib/14/bin",
		},
		{
			name:     "not executable",
			root:     []string{"15"},
			programs: map[string][]string{"lib/15/bin": {"initdb", "postgres.txt"}},
		},
		{
			name: "nothing installed",
			path: []string{"usr/bin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			for _, v := range tt.root {
				mkdir(t, filepath.Join(base, "lib", v))
			}
			for dir, names := range tt.programs {
				mkdir(t, filepath.Join(base, dir))
				for _, n := range names {
					mode := os.FileMode(0o755)
					if filepath.Ext(n) == ".txt" {
						n, mode = n[:len(n)-len(".txt")], 0o644
					}
					if err := os.WriteFile(filepath.Join(base, dir, n), []byte("#!/bin/sh\n"), mode); err != nil {
						t.Fatal(err)
					}
				}
			}
			var path []string
			for _, p := range tt.path {
				path = append(path, filepath.Join(base, p))
			}

			got, err := findBinaries(strings.Join(path, string(os.PathListSeparator)), filepath.Join(base, "lib"))

			if tt.want == "" {
				if !errors.Is(err, ErrNotInstalled) {
					t.Fatalf("findBinaries: got %+v, %v; want ErrNotInstalled", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("findBinaries: %v", err)
			}
			want := binaries{
				initdb:   filepath.Join(base, tt.want, "initdb"),
				postgres: filepath.Join(base, tt.want, "postgres"),
			}
			if got != want {
				t.Errorf("findBinaries: got %+v, want %+v", got, want)
			}
		})
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestDatabasePrefix(t *testing.T) {
	tests := []struct {
		testName string
		want     string
	}{
		{"TestStore", "t_teststore"},
		{"TestStore/scale_in#01", "t_teststore_scale_in_01"},
		{"TestStore/Ünïcode--and  spaces", "t_teststore_n_code_and_spaces"},
		{"TestAVeryLongTestNameThatGoesOnAndOnForeverAndEver", "t_testaverylongtestnamethatgoesonandonfo"},
		{"///", "t"},
	}
	for _, tt := range tests {
		if got := databasePrefix(tt.testName); got != tt.want {
			t.Errorf("databasePrefix(%q): got %q, want %q", tt.testName, got, tt.want)
		}
	}
}
