package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	rootAndRDS := func(t *testing.T) *Cluster {
		c := defaulted(t, "production-separated.yaml")
		c.Network.MasterRootPasswordEnv = DefaultRootPasswordEnv
		return c
	}
	tests := []struct {
		name    string
		spec    func(t *testing.T) *Cluster
		env     map[string]string
		want    *Resolved
		wantEnv []string // variables the error must name
	}{
		{
			name: "key pair and local metastore need nothing",
			spec: func(t *testing.T) *Cluster { return defaulted(t, "dev-cluster.yaml") },
			want: &Resolved{},
		},
		{
			name: "both set",
			spec: rootAndRDS,
			env:  map[string]string{DefaultRootPasswordEnv: fakeRootPassword, DefaultMetastorePasswordEnv: fakeRDSPassword},
			want: &Resolved{MasterRootPassword: fakeRootPassword, MetastorePassword: fakeRDSPassword},
		},
		{
			name:    "both missing",
			spec:    rootAndRDS,
			wantEnv: []string{DefaultRootPasswordEnv, DefaultMetastorePasswordEnv},
		},
		{
			name:    "empty counts as missing",
			spec:    rootAndRDS,
			env:     map[string]string{DefaultRootPasswordEnv: "", DefaultMetastorePasswordEnv: fakeRDSPassword},
			wantEnv: []string{DefaultRootPasswordEnv},
		},
		{
			name:    "root password with shell metacharacters",
			spec:    rootAndRDS,
			env:     map[string]string{DefaultRootPasswordEnv: "Abc$(id)12345", DefaultMetastorePasswordEnv: fakeRDSPassword},
			wantEnv: []string{DefaultRootPasswordEnv},
		},
		{
			name: "aws needs none",
			spec: func(t *testing.T) *Cluster { return defaulted(t, "aws-spark-cluster.yaml") },
			want: &Resolved{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.spec(t), fakeEnv(tt.env))
			if tt.wantEnv == nil {
				if err != nil {
					t.Fatalf("Resolve: got error %v, want nil", err)
				}
				if *got != *tt.want {
					t.Errorf("Resolve: got %s, want %s", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Resolve: got nil error, want one naming %v", tt.wantEnv)
			}
			for _, env := range tt.wantEnv {
				if !strings.Contains(err.Error(), env) {
					t.Errorf("error %q: want it to name %s", err, env)
				}
			}
			for _, v := range tt.env {
				if v != "" && strings.Contains(err.Error(), v) {
					t.Errorf("error %q contains a secret value", err)
				}
			}
			var se *SecretError
			if !errors.As(err, &se) {
				t.Errorf("errors.As(*SecretError): got false, want true")
			}
		})
	}
}

func TestResolveMissingIsMatchable(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	_, err := Resolve(c, fakeEnv(nil))
	if !errors.Is(err, ErrMissingSecret) {
		t.Errorf("errors.Is(err, ErrMissingSecret): got false for %v, want true", err)
	}
}

func TestResolvedNeverPrintsSecrets(t *testing.T) {
	r := &Resolved{MasterRootPassword: fakeRootPassword, MetastorePassword: fakeRDSPassword}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(r), fmt.Sprintf("%v %+v %#v %s", r, r, r, r), string(js), r.Redacted().MasterRootPassword} {
		if strings.Contains(out, fakeRootPassword) || strings.Contains(out, fakeRDSPassword) {
			t.Errorf("got %q, want no secret", out)
		}
	}
	if got := r.Redacted().MetastorePassword; got != RedactedValue {
		t.Errorf("Redacted: got %q, want %q", got, RedactedValue)
	}
	if got := (&Resolved{}).Redacted().MasterRootPassword; got != "" {
		t.Errorf("Redacted of an absent secret: got %q, want empty", got)
	}
}
