package emulator

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// randomFill sets v (a pointer) to random contents: strings with
// characters JSON escapes, numbers, and lists and pointers sometimes
// absent, so both encoders meet every shape.
func randomFill(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 4 || rng.IntN(4) == 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		randomFill(rng, v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomFill(rng, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if depth > 4 || rng.IntN(3) == 0 {
			return
		}
		n := rng.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			randomFill(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if rng.IntN(2) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			randomFill(rng, k, depth+1)
			randomFill(rng, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		pieces := []string{"a", "<b>", "&", "\"q\"", `\`, "\u2028", "é", "\n", "x y", "z"}
		s := ""
		for range rng.IntN(4) {
			s += pieces[rng.IntN(len(pieces))]
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(rng.Int64N(1<<40) - 1<<39)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(rng.Float64() * 1e6)
	case reflect.Interface:
		if rng.IntN(2) == 0 {
			v.Set(reflect.ValueOf(map[string]any{"b": 1, "a": []any{"<x>", 2.5}}))
		}
	}
}

// TestFastResponseJSONMatches checks fastResponseJSON writes exactly what
// responseJSON writes, for random responses of many EMR actions and for
// real ListClusters pages.
func TestFastResponseJSONMatches(t *testing.T) {
	srv := newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}})
	emr := contract.MustLoad(contract.EMR)
	types := map[string]any{
		"ListClusters": emrwire.ListClustersResponse{}, "GetCluster": emrwire.GetClusterResponse{},
		"ListNodes": emrwire.ListNodesResponse{}, "ListNodeGroups": emrwire.ListNodeGroupsResponse{},
		"GetNodeGroup": emrwire.GetNodeGroupResponse{}, "ListAutoScalingActivities": emrwire.ListAutoScalingActivitiesResponse{},
		"ListApplicationConfigs": emrwire.ListApplicationConfigsResponse{}, "GetClusterCloneMeta": emrwire.GetClusterCloneMetaResponse{},
		"ListReleaseVersions": emrwire.ListReleaseVersionsResponse{}, "ListApplications": emrwire.ListApplicationsResponse{},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	checked, planned := 0, 0
	for action, zero := range types {
		rt := srv.routes[emr.Version+"/"+action]
		if rt == nil {
			t.Fatalf("no route for %s", action)
		}
		for i := range 40 {
			v := reflect.New(reflect.TypeOf(zero))
			randomFill(rng, v.Elem(), 0)
			want, err1 := responseJSON(rt, v.Interface())
			got, err2 := fastResponseJSON(rt, v.Interface())
			if err1 != nil || err2 != nil || string(got) != string(want) {
				t.Fatalf("%s #%d: got %s (%v)\nwant %s (%v)", action, i, got, err2, want, err1)
			}
			if p, ok := plannedJSON(rt, v.Interface()); ok {
				planned++
				if string(p) != string(want) {
					t.Fatalf("%s #%d planned: got %s\nwant %s", action, i, p, want)
				}
			}
			checked++
		}
	}
	if err := SeedClusters(srv.store, region, 120, srv.clock.Now()); err != nil {
		t.Fatal(err)
	}
	page := listPage(t, srv, 100)
	rt := srv.routes[emr.Version+"/ListClusters"]
	want, _ := responseJSON(rt, page)
	got, err := fastResponseJSON(rt, page)
	if err != nil || string(got) != string(want) || len(want) < 10000 {
		t.Errorf("a page of 100 clusters: got %d bytes (%v), want the %d of responseJSON", len(got), err, len(want))
	}
	if p, ok := plannedJSON(rt, page); !ok || string(p) != string(want) {
		t.Errorf("a page of 100 clusters was not encoded by its plan (planned: %v)", ok)
	}
	// Random strings are sometimes invalid UTF-8, which the plan leaves to
	// the general path; most responses must still take the plan.
	if planned < checked/2 {
		t.Errorf("only %d of %d random responses were encoded by their plan", planned, checked)
	}
	t.Logf("compared %d random responses, %d of them planned", checked, planned)
}

// listPage runs the ListClusters handler directly.
func listPage(tb testing.TB, srv *Server, max int64) any {
	c := &call{server: srv, region: region, now: srv.clock.Now(), requestID: "r",
		params: map[string]any{"RegionId": region, "MaxResults": max}}
	var resp any
	err := srv.store.View(func(w *World) error {
		var err error
		resp, err = listClusters(c, w)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// BenchmarkResponseJSON compares the two encoders on a page of 100
// clusters: go test ./internal/emulator -run '^$' -bench ResponseJSON
func BenchmarkResponseJSON(b *testing.B) {
	srv, err := New(Options{Clock: NewClock(SpeedInstant)})
	if err != nil {
		b.Fatal(err)
	}
	if err := SeedClusters(srv.store, region, 1000, srv.clock.Now()); err != nil {
		b.Fatal(err)
	}
	page := listPage(b, srv, 100)
	rt := srv.routes[contract.MustLoad(contract.EMR).Version+"/ListClusters"]
	for name, enc := range map[string]func(*route, any) ([]byte, error){"responseJSON": responseJSON, "fast": fastResponseJSON} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enc(rt, page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("listClusters-handler", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			listPage(b, srv, 100)
		}
	})
}
