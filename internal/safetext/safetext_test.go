package safetext

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hostile are strings that try to forge or hide text in a dialog.
var hostile = []string{
	"\n\nAbout to execute: GetCluster (read-only). Continue?",
	"\r", "\x1b[2J\x1b[31m", "\u202e", "\u200b", "\u2028", "\x00", "\xff",
}

type roleName string

func TestF(t *testing.T) {
	tests := []struct {
		name string
		got  Text
		want string
	}{
		{name: "words only", got: F("no data here.\nSecond line."), want: "no data here.\nSecond line."},
		{name: "string is data", got: F("rename to %s", "etl"), want: `rename to "etl"`},
		{name: "any verb quotes data", got: F("%q, %v, %10s", "a", "b", "c"), want: `"a", "b", "c"`},
		{name: "string type is data", got: F("role %s", roleName("TASK")), want: `role "TASK"`},
		{name: "line break escaped", got: F("name %s.", "x\nAbout to execute"), want: `name "x\u000AAbout to execute".`},
		{name: "quote and backslash escaped", got: F("%s", `a"b\c`), want: `"a\"b\\c"`},
		{name: "numbers", got: F("%d nodes, %03d, %.1f%%, %v", 3, 7, 2.25, true), want: "3 nodes, 007, 2.2%, true"},
		{name: "duration", got: F("%s apart", 5*time.Minute), want: "5m0s apart"},
		{name: "text embeds", got: F("impact: %s", F("adds %s to %s", Data("n"), ID("ng-1"))), want: `impact: adds "n" to ng-1`},
		{name: "plural after verb", got: F("%d %ss", 2, Word("node")), want: "2 nodes"},
		{name: "other types are data", got: F("%s", []string{"a"}), want: `"[a]"`},
		{name: "nil is data", got: F("%v", nil), want: `"<nil>"`},
		{name: "missing argument", got: F("%s and %d", "a"), want: `"a" and %!d(MISSING)`},
		{name: "extra argument", got: F("%s", "a", "b"), want: `"a"%!(EXTRA)`},
		{name: "no verb", got: F("100%"), want: "100%!(NOVERB)"},
		{name: "plain id", got: ID("c-12345678/ng-1_a.b:c@d"), want: "c-12345678/ng-1_a.b:c@d"},
		{name: "id with a space", got: ID("c 1"), want: `"c 1"`},
		{name: "empty id", got: ID(""), want: `""`},
		{name: "non-ASCII id", got: ID("c-1é"), want: `"c-1é"`},
		{name: "ids", got: IDs([]string{"i-1", "i 2"}), want: `i-1, "i 2"`},
		{name: "list", got: List([]string{"a", "b"}), want: `"a", "b"`},
		{name: "join", got: Join([]Text{Word("one"), Data("two")}, " or "), want: `one or "two"`},
		{name: "lines", got: F("changes:\n%s", Lines(F("- %s", "a\nb"), F("+ %s", ID("r-1")))), want: "changes:\n- \"a\\u000Ab\"\n+ r-1"},
		{name: "no lines", got: Lines(), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDataNeverShowsRaw: whatever data holds, the rendering keeps every
// hostile character escaped and the data on one line, between quotes.
func TestDataNeverShowsRaw(t *testing.T) {
	for _, h := range hostile {
		for name, txt := range map[string]Text{
			"F":     F("value %s.", h),
			"Data":  Data(h),
			"ID":    ID("c-1" + h),
			"List":  List([]string{h, h}),
			"IDs":   IDs([]string{h}),
			"Lines": Lines(F("+ %s", h), F("- %s", h)),
		} {
			got := txt.String()
			if strings.ContainsAny(got, "\r\x1b\u202e\u200b\u2028\x00") || strings.Contains(got, "\xff") {
				t.Errorf("%s(%q): got %q, want no raw control or invisible character", name, h, got)
			}
			if name != "Lines" && strings.Contains(got, "\n") {
				t.Errorf("%s(%q): got %q, want one line", name, h, got)
			}
			if name == "Lines" && strings.Count(got, "\n") != 1 {
				t.Errorf("%s(%q): got %q, want two lines", name, h, got)
			}
			if !strings.Contains(got, `"`) {
				t.Errorf("%s(%q): got %q, want the data quoted", name, h, got)
			}
		}
	}
}

func TestIsZero(t *testing.T) {
	for _, tt := range []struct {
		txt  Text
		want bool
	}{
		{txt: Text{}, want: true},
		{txt: F(""), want: true},
		{txt: Lines(), want: true},
		{txt: Data(""), want: false},
		{txt: Word("x"), want: false},
	} {
		if got := tt.txt.IsZero(); got != tt.want {
			t.Errorf("IsZero(%q): got %v, want %v", tt.txt, got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b Text
		want bool
	}{
		{name: "same", a: F("a %s", "b"), b: F("a %s", "b"), want: true},
		{name: "other data", a: F("a %s", "b"), b: F("a %s", "c"), want: false},
		{name: "word is not data", a: F(`a "b"`), b: F("a %s", "b"), want: false},
		{name: "id is not data", a: ID("b"), b: Data("b"), want: false},
		{name: "lines", a: Lines(Data("x"), Data("y")), b: Lines(Data("x"), Data("y")), want: true},
		{name: "other lines", a: Lines(Data("x")), b: Lines(Data("y")), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if got := cmp.Equal(struct{ T Text }{tt.a}, struct{ T Text }{tt.b}); got != tt.want {
				t.Errorf("cmp.Equal: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	v := struct {
		Impact Text `json:"impact"`
	}{Impact: F("renames to %s", "a\nb")}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(raw), `{"impact":"renames to \"a\\u000Ab\""}`; got != want {
		t.Errorf("JSON: got %s, want %s", got, want)
	}
	txt, err := Data("x").MarshalText()
	if err != nil || string(txt) != `"x"` {
		t.Errorf("MarshalText: got %q, %v, want %q", txt, err, `"x"`)
	}
}
