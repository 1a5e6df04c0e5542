package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/gateway"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/policy/policytest"
)

const gwCluster = "c-gateway0000000001"

// answer is a confirmer that records what it was shown and answers yes
// or no.
type answer struct {
	yes   bool
	asked []Confirmation
}

func (a *answer) Confirm(_ context.Context, c Confirmation) (Answer, error) {
	a.asked = append(a.asked, c)
	return Answer{Yes: a.yes}, nil
}

func coreSiteSet(value string) gateway.Set {
	return gateway.Set{
		"etc/hadoop/conf/core-site.xml":   []byte("<configuration><property><name>fs.trash.interval</name><value>" + value + "</value></property></configuration>\n"),
		"etc/profile.d/emrctl-gateway.sh": []byte("export HADOOP_CONF_DIR=/etc/hadoop/conf\n"),
	}
}

// gatewayEvents returns the audit events of local gateway writes and of
// declined confirmations, oldest first.
func (b *bed) gatewayEvents(event string) []journal.AuditEvent {
	b.t.Helper()
	evs, err := b.eng.opts.Journal.ListAudit(context.Background(), journal.Filter{Event: event, Limit: 100})
	if err != nil {
		b.t.Fatal(err)
	}
	return evs
}

// TestWriteGatewayFiles runs deploys through the engine: the first one is
// confirmed with the files listed and written; the same set again is
// unchanged and asks nothing; a declined or refused one writes nothing.
func TestWriteGatewayFiles(t *testing.T) {
	tests := []struct {
		name      string
		actor     policy.ActorKind
		yes       bool
		before    gateway.Set // applied before, for the same cluster
		set       gateway.Set
		wantAsked int
		wantErr   any // a pointer to the error type, nil for success
		wantValue string
		wantEvent string // outcome of the gateway.write event; "" for none
	}{
		{name: "first deploy", actor: policy.Script, yes: true, set: coreSiteSet("60"), wantAsked: 1, wantValue: "60", wantEvent: "ok"},
		{name: "a change", actor: policy.Human, yes: true, before: coreSiteSet("60"), set: coreSiteSet("120"), wantAsked: 1, wantValue: "120", wantEvent: "ok"},
		{name: "unchanged", actor: policy.Human, before: coreSiteSet("60"), set: coreSiteSet("60"), wantValue: "60", wantEvent: "unchanged"},
		{name: "declined", actor: policy.Human, before: coreSiteSet("60"), set: coreSiteSet("120"), wantAsked: 1, wantErr: new(*NotConfirmedError), wantValue: "60"},
		{name: "declined first", actor: policy.Human, set: coreSiteSet("60"), wantAsked: 1, wantErr: new(*NotConfirmedError)},
		{name: "agent", actor: policy.Agent, yes: true, set: coreSiteSet("60"), wantErr: new(*PolicyError)},
		{name: "agent unchanged", actor: policy.Agent, yes: true, before: coreSiteSet("60"), set: coreSiteSet("60"), wantErr: new(*PolicyError), wantValue: "60"},
		{name: "service", actor: policy.Service, yes: true, before: coreSiteSet("60"), set: coreSiteSet("120"), wantErr: new(*PolicyError), wantValue: "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBed(t)
			st := gateway.NewStore(t.TempDir())
			if tt.before != nil {
				if _, err := st.Apply(tt.before, gateway.Meta{ClusterID: gwCluster}); err != nil {
					t.Fatal(err)
				}
			}
			a := &answer{yes: tt.yes}
			var previewed []gateway.Change
			call := Call{Actor: policy.Actor{Kind: tt.actor, Name: "ana"}, Confirm: a}
			res, err := b.eng.WriteGatewayFiles(context.Background(), call, GatewayFilesInput{
				Store: st, ClusterID: gwCluster, Set: tt.set, Version: "test",
				Preview: func(c []gateway.Change) { previewed = c },
			})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got %v, want success", err)
			case tt.wantErr != nil && !errors.As(err, tt.wantErr):
				t.Fatalf("got %v (%T), want %T", err, err, tt.wantErr)
			}
			if len(a.asked) != tt.wantAsked {
				t.Errorf("confirmations: got %d, want %d", len(a.asked), tt.wantAsked)
			}
			got := readVisible(t, st.Root, "etc/hadoop/conf/core-site.xml")
			if (tt.wantValue == "" && got != "") || !strings.Contains(got, "<value>"+tt.wantValue+"</value>") && tt.wantValue != "" {
				t.Errorf("core-site.xml: got %q, want the value %q (none: no file)", got, tt.wantValue)
			}
			if tt.wantErr == nil && res.Unchanged != (tt.wantEvent == "unchanged") {
				t.Errorf("unchanged: got %v, want %v", res.Unchanged, tt.wantEvent == "unchanged")
			}
			if tt.actor == policy.Script || tt.actor == policy.Human {
				if got, want := len(previewed) > 0, tt.wantAsked > 0; got != want {
					t.Errorf("changes previewed: got %v (%v), want %v", got, previewed, want)
				}
			}
			var outcomes []string
			for _, ev := range b.gatewayEvents(EventGatewayWrite) {
				if ev.Operation != "gateway deploy" || ev.Target != gwCluster || strings.Contains(ev.Detail, "fs.trash.interval") {
					t.Errorf("audit event %+v: want operation gateway deploy on %s, paths only", ev, gwCluster)
				}
				outcomes = append(outcomes, ev.Detail)
			}
			switch {
			case tt.wantEvent == "" && len(outcomes) != 0:
				t.Errorf("gateway.write events: got %q, want none", outcomes)
			case tt.wantEvent != "" && (len(outcomes) != 1 || !strings.Contains(outcomes[0], `"outcome":"`+tt.wantEvent+`"`)):
				t.Errorf("gateway.write events: got %q, want one with outcome %s", outcomes, tt.wantEvent)
			}
		})
	}
}

// TestWriteGatewayFilesRefusals: a declined confirmation is audited as
// declined, an agent's write as denied by the local files rule, with a
// reason that says no MCP tool writes local files.
func TestWriteGatewayFilesRefusals(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	st := gateway.NewStore(t.TempDir())
	in := GatewayFilesInput{Store: st, ClusterID: gwCluster, Set: coreSiteSet("60")}

	_, err := b.eng.WriteGatewayFiles(ctx, Call{Actor: policy.Actor{Kind: policy.Human, Name: "ana"}, Confirm: &answer{}}, in)
	var nc *NotConfirmedError
	if !errors.As(err, &nc) || nc.Reason != "declined" {
		t.Fatalf("declined: got %v, want a NotConfirmedError saying declined", err)
	}
	if evs := b.gatewayEvents("confirm.declined"); len(evs) != 1 || evs[0].Operation != "WriteGatewayFiles" || evs[0].Target != st.Root {
		t.Errorf("confirm.declined events: got %+v, want one for WriteGatewayFiles on %s", evs, st.Root)
	}

	_, err = b.eng.WriteGatewayFiles(ctx, Call{Actor: policy.Actor{Kind: policy.Agent, Name: "bot"}, Confirm: &answer{yes: true}}, in)
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Limit != policy.RuleLocalFiles || !strings.Contains(strings.Join(pe.Reasons, " "), "no MCP tool") {
		t.Fatalf("agent: got %v, want a PolicyError of %s saying no MCP tool writes local files", err, policy.RuleLocalFiles)
	}
	if evs := b.gatewayEvents("policy.denied"); len(evs) != 1 || evs[0].ActorKind != string(policy.Agent) {
		t.Errorf("policy.denied events: got %+v, want one for the agent", evs)
	}
	if _, err := st.Current(); !errors.Is(err, gateway.ErrNoGeneration) {
		t.Errorf("after the refusals: got %v, want nothing applied", err)
	}
}

// TestWriteGatewayFilesDialogEscapesHostileData: file names (from the
// cluster's configuration) and the cluster of the set being replaced
// (from a manifest on disk) are data in the confirmation, shown escaped
// and quoted; none adds a line of its own.
func TestWriteGatewayFilesDialogEscapesHostileData(t *testing.T) {
	b := newBed(t)
	for _, h := range policytest.Hostile {
		t.Run(h, func(t *testing.T) {
			st := gateway.NewStore(t.TempDir())
			prev := "c-old" + h
			if _, err := st.Apply(coreSiteSet("60"), gateway.Meta{ClusterID: prev}); err != nil {
				t.Fatal(err)
			}
			name := "etc/hadoop/conf/" + h + ".xml"
			set := coreSiteSet("60")
			set[name] = []byte("<configuration/>\n")
			a := &answer{}
			_, err := b.eng.WriteGatewayFiles(context.Background(), Call{Actor: policy.Actor{Kind: policy.Human}, Confirm: a}, GatewayFilesInput{Store: st, ClusterID: gwCluster, Set: set})
			var nc *NotConfirmedError
			if !errors.As(err, &nc) || len(a.asked) != 1 {
				t.Fatalf("got %v after %d confirmations, want one confirmation, declined", err, len(a.asked))
			}
			dialog := strings.Join(a.asked[0].Lines(), "\n")
			for _, p := range policytest.Problems(dialog, []string{name, prev}) {
				t.Errorf("%s\n%s", p, dialog)
			}
			if !strings.Contains(dialog, "switches from cluster") {
				t.Errorf("the dialog does not say the gateway switches clusters:\n%s", dialog)
			}
		})
	}
}

// TestWriteGatewayFilesBadInput: a path outside etc/, no cluster ID and no
// files are refused before anything is asked.
func TestWriteGatewayFilesBadInput(t *testing.T) {
	b := newBed(t)
	st := gateway.NewStore(t.TempDir())
	tests := []struct {
		name      string
		in        GatewayFilesInput
		wantField string
	}{
		{name: "escaping path", in: GatewayFilesInput{Store: st, ClusterID: gwCluster, Set: gateway.Set{"etc/../../x": nil}}, wantField: "files"},
		{name: "absolute path", in: GatewayFilesInput{Store: st, ClusterID: gwCluster, Set: gateway.Set{"/etc/passwd": nil}}, wantField: "files"},
		{name: "no files", in: GatewayFilesInput{Store: st, ClusterID: gwCluster}, wantField: "files"},
		{name: "bad cluster", in: GatewayFilesInput{Store: st, ClusterID: "x", Set: coreSiteSet("1")}, wantField: "cluster ID"},
		{name: "no store", in: GatewayFilesInput{ClusterID: gwCluster, Set: coreSiteSet("1")}, wantField: "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &answer{yes: true}
			_, err := b.eng.WriteGatewayFiles(context.Background(), Call{Actor: policy.Actor{Kind: policy.Human}, Confirm: a}, tt.in)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Problems[0].Field != tt.wantField {
				t.Fatalf("got %v, want an input error on %s", err, tt.wantField)
			}
			if len(a.asked) != 0 {
				t.Errorf("confirmations: got %d, want none", len(a.asked))
			}
		})
	}
}

// TestRollbackGatewayFiles: a person rolls back without a question and
// the audit log has it; an agent is refused and nothing moves.
func TestRollbackGatewayFiles(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	st := gateway.NewStore(t.TempDir())
	for _, v := range []string{"60", "120"} {
		if _, err := st.Apply(coreSiteSet(v), gateway.Meta{ClusterID: gwCluster}); err != nil {
			t.Fatal(err)
		}
	}
	gens, err := st.Generations()
	if err != nil || len(gens) != 2 {
		t.Fatalf("generations: got %v, %v, want 2", gens, err)
	}

	_, err = b.eng.RollbackGatewayFiles(ctx, Call{Actor: policy.Actor{Kind: policy.Agent}, Confirm: &answer{yes: true}}, st)
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Limit != policy.RuleLocalFiles {
		t.Fatalf("agent: got %v, want a PolicyError of %s", err, policy.RuleLocalFiles)
	}
	if got := readVisible(t, st.Root, "etc/hadoop/conf/core-site.xml"); !strings.Contains(got, "<value>120</value>") {
		t.Errorf("after the agent's rollback: got %q, want the value 120", got)
	}

	a := &answer{}
	res, err := b.eng.RollbackGatewayFiles(ctx, Call{Actor: policy.Actor{Kind: policy.Script, Name: "ana"}, Confirm: a}, st)
	if err != nil {
		t.Fatal(err)
	}
	want := &GatewayRollbackResult{Root: st.Root, From: gens[1], To: gens[0], ClusterID: gwCluster}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("rollback (-want +got):\n%s", diff)
	}
	if len(a.asked) != 0 {
		t.Errorf("confirmations: got %d, want none", len(a.asked))
	}
	if got := readVisible(t, st.Root, "etc/hadoop/conf/core-site.xml"); !strings.Contains(got, "<value>60</value>") {
		t.Errorf("after the rollback: got %q, want the value 60", got)
	}
	if evs := b.gatewayEvents(EventGatewayWrite); len(evs) != 1 || evs[0].Operation != "gateway rollback" || !strings.Contains(evs[0].Detail, gens[0]) {
		t.Errorf("gateway.write events: got %+v, want one gateway rollback to %s", evs, gens[0])
	}

	if _, err := b.eng.RollbackGatewayFiles(ctx, scriptCall(&answer{}), st); !errors.Is(err, gateway.ErrNoPrevious) {
		t.Errorf("a second rollback: got %v, want %v", err, gateway.ErrNoPrevious)
	}
}

// readVisible reads a file as clients see it, "" when it is missing.
func readVisible(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
