package redact

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestRegistryScrub(t *testing.T) {
	const envPassword = `p<a>ss"w0rd&more`
	r := NewRegistry(fakeAKSecret, envPassword, "short", "")
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "plain", in: "secret " + fakeAKSecret + " here", want: "secret " + Marker + " here"},
		{name: "twice", in: fakeAKSecret + fakeAKSecret, want: Marker + Marker},
		{name: "json escaped", in: `{"pw":"p\u003ca\u003ess\"w0rd\u0026more"}`, want: `{"pw":"` + Marker + `"}`},
		{name: "json escaped without html escaping", in: `{"pw":"p<a>ss\"w0rd&more"}`, want: `{"pw":"` + Marker + `"}`},
		{name: "url query encoded", in: "pw=" + url.QueryEscape(envPassword), want: "pw=" + Marker},
		{name: "short values are not registered", in: "short answer", want: "short answer"},
		{name: "nothing registered appears", in: "cluster c-1", want: "cluster c-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Scrub(tt.in); got != tt.want {
				t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRegistryLongestFirst(t *testing.T) {
	r := NewRegistry("abcdef", "abcdefghij")
	if got, want := r.Scrub("xabcdefghijx"), "x"+Marker+"x"; got != want {
		t.Errorf("Scrub = %q, want %q", got, want)
	}
}

func TestRegistryRejectsMarkerText(t *testing.T) {
	r := NewRegistry("REDACTED", "D][RED")
	if got := r.Len(); got != 0 {
		t.Errorf("Len = %d, want 0 for secrets inside the marker", got)
	}
}

func TestRegistryNil(t *testing.T) {
	var r *Registry
	r.Add(fakeAKSecret)
	if got, want := r.String("password="+fakePassword), "password="+Marker; got != want {
		t.Errorf("nil Registry String = %q, want %q", got, want)
	}
	if got := r.Scrub(fakeAKSecret); got != fakeAKSecret {
		t.Errorf("nil Registry Scrub = %q, want input unchanged", got)
	}
}

func TestRegistryStringCombinesPatterns(t *testing.T) {
	r := NewRegistry(fakeAKSecret)
	in := "key " + fakeAKID + " secret " + fakeAKSecret
	if got, want := r.String(in), "key "+Marker+" secret "+Marker; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestRegistryConcurrent(t *testing.T) {
	r := &Registry{}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			secret := fmt.Sprintf("concurrent-secret-%d", i)
			r.Add(secret)
			for range 50 {
				if got := r.Scrub("x " + secret + " y"); strings.Contains(got, secret) {
					t.Errorf("Scrub = %q, want %q removed", got, secret)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := r.Len(); got < 8 {
		t.Errorf("Len = %d, want at least 8", got)
	}
}
