package contract

import "testing"

func TestLoadEveryProduct(t *testing.T) {
	want := map[Product]int{EMR: 76, Spark: 83, VPC: 4, ECS: 10}
	for p, n := range want {
		s, err := Load(p)
		if err != nil {
			t.Fatalf("Load(%s): %v", p, err)
		}
		if got := len(s.Actions); got != n {
			t.Errorf("%s: got %d actions, want %d", p, got, n)
		}
	}
}

func TestResolveFollowsSharedTypes(t *testing.T) {
	s := MustLoad(EMR)
	a := s.Action("RunCluster")
	if a == nil {
		t.Fatal("RunCluster missing")
	}
	na := a.Param("NodeAttributes")
	if na == nil || na.Serialization != SerJSON || na.In != InBody {
		t.Fatalf("RunCluster.NodeAttributes: got %+v, want body/json", na)
	}
	if f := s.Field(na, "SecurityGroupId"); f == nil || f.Type != "string" {
		t.Errorf("NodeAttributes.SecurityGroupId: got %+v, want a string field", f)
	}
	cc := s.Action("CreateCluster").Param("NodeGroups")
	if cc.Serialization != SerFlat || cc.In != InQuery {
		t.Errorf("CreateCluster.NodeGroups: got %s/%s, want query/flat", cc.In, cc.Serialization)
	}
	if f := s.Field(cc.Items, "VSwitchIds"); f == nil || f.Type != "array" {
		t.Errorf("NodeGroupConfig.VSwitchIds: got %+v, want an array", f)
	}
}
