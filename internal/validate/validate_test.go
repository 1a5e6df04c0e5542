package validate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// check is one table case shared by the validators: an input, whether it
// must pass, and fragments the rule must mention when it fails (a rune's
// code point, a limit), so that messages are useful without pinning them.
type check struct {
	name    string
	in      string
	ok      bool
	ruleHas []string
}

// runChecks runs cases against fn and verifies the Error's shape.
func runChecks(t *testing.T, field string, cases []check, fn func(field, v string) *Error) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := fn(field, tc.in)
			if tc.ok {
				if e != nil {
					t.Fatalf("got error %v, want nil", e)
				}
				return
			}
			if e == nil {
				t.Fatalf("got nil, want an error for %q", tc.in)
			}
			if e.Field != field {
				t.Errorf("Field: got %q, want %q", e.Field, field)
			}
			if want := Render(tc.in); e.Value != want {
				t.Errorf("Value: got %q, want %q", e.Value, want)
			}
			if e.Rule == "" || e.Fix == "" {
				t.Errorf("got Rule %q, Fix %q, want both set", e.Rule, e.Fix)
			}
			for _, frag := range tc.ruleHas {
				if !strings.Contains(e.Rule, frag) {
					t.Errorf("Rule: got %q, want it to mention %q", e.Rule, frag)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	cases := []check{
		{name: "empty", in: "", ok: true},
		{name: "ascii", in: "hello world", ok: true},
		{name: "chinese", in: "数据湖集群", ok: true},
		{name: "dash inside", in: "a-b", ok: true},
		{name: "leading dash", in: "-rf", ruleHas: []string{"'-'"}},
		{name: "leading double dash", in: "--force", ruleHas: []string{"'-'"}},
		{name: "invalid utf8", in: "ab\xffcd", ruleHas: []string{"UTF-8"}},
		{name: "nul", in: "a\x00b", ruleHas: []string{"U+0000"}},
		{name: "newline", in: "a\nb", ruleHas: []string{"U+000A"}},
		{name: "tab", in: "a\tb", ruleHas: []string{"U+0009"}},
		{name: "escape", in: "\x1b[31mred", ruleHas: []string{"U+001B"}},
		{name: "delete", in: "a\x7f", ruleHas: []string{"U+007F"}},
		{name: "c1 control", in: "a\u0085b", ruleHas: []string{"U+0085"}},
		{name: "arabic letter mark", in: "a\u061Cb", ruleHas: []string{"U+061C"}},
		{name: "lrm", in: "a\u200Eb", ruleHas: []string{"U+200E"}},
		{name: "rlm", in: "a\u200Fb", ruleHas: []string{"U+200F"}},
		{name: "lre", in: "a\u202Ab", ruleHas: []string{"U+202A"}},
		{name: "rlo", in: "txt\u202Eexe.sh", ruleHas: []string{"U+202E", "RIGHT-TO-LEFT OVERRIDE"}},
		{name: "lri", in: "a\u2066b", ruleHas: []string{"U+2066"}},
		{name: "pdi", in: "a\u2069b", ruleHas: []string{"U+2069"}},
		{name: "zwsp", in: "a\u200Bb", ruleHas: []string{"U+200B", "ZERO WIDTH SPACE"}},
		{name: "zwnj", in: "a\u200Cb", ruleHas: []string{"U+200C"}},
		{name: "zwj", in: "a\u200Db", ruleHas: []string{"U+200D"}},
		{name: "word joiner", in: "a\u2060b", ruleHas: []string{"U+2060"}},
		{name: "invisible plus", in: "a\u2064b", ruleHas: []string{"U+2064"}},
		{name: "bom", in: "\uFEFFabc", ruleHas: []string{"U+FEFF"}},
		{name: "soft hyphen", in: "a\u00ADb", ruleHas: []string{"U+00AD"}},
		{name: "mongolian vowel separator", in: "a\u180Eb", ruleHas: []string{"U+180E"}},
		{name: "tag characters", in: "ok\U000E0069\U000E0067", ruleHas: []string{"U+E0069"}},
		{name: "hangul filler", in: "a\u3164b", ruleHas: []string{"U+3164"}},
		{name: "line separator", in: "a\u2028b", ruleHas: []string{"U+2028"}},
	}
	runChecks(t, "--text", cases, Text)
}

func TestName(t *testing.T) {
	cases := []check{
		{name: "ascii", in: "emr-cluster_01", ok: true},
		{name: "chinese", in: "数据湖集群", ok: true},
		{name: "mixed chinese", in: "生产-cluster_2", ok: true},
		{name: "one rune", in: "a", ok: true},
		{name: "digit first", in: "1cluster", ok: true},
		{name: "128 runes", in: strings.Repeat("a", 128), ok: true},
		{name: "128 chinese runes", in: strings.Repeat("集", 128), ok: true},
		{name: "129 runes", in: strings.Repeat("a", 129), ruleHas: []string{"129", "128"}},
		{name: "129 chinese runes", in: strings.Repeat("集", 129), ruleHas: []string{"129"}},
		{name: "empty", in: "", ruleHas: []string{"empty"}},
		{name: "leading dash", in: "-cluster", ruleHas: []string{"'-'"}},
		{name: "leading underscore", in: "_cluster", ruleHas: []string{"'_'"}},
		{name: "space", in: "my cluster", ruleHas: []string{"U+0020"}},
		{name: "dot", in: "my.cluster", ruleHas: []string{"U+002E"}},
		{name: "shell", in: "a;rm", ruleHas: []string{"U+003B"}},
		{name: "dollar", in: "a$(id)", ruleHas: []string{"U+0024"}},
		{name: "cyrillic o", in: "prоd", ruleHas: []string{"U+043E", "CYRILLIC SMALL LETTER O", "'o'"}},
		{name: "cyrillic capital a", in: "Аdmin", ruleHas: []string{"U+0410", "'A'"}},
		{name: "greek omicron", in: "οps", ruleHas: []string{"U+03BF", "GREEK"}},
		{name: "fullwidth letter", in: "ｃluster", ruleHas: []string{"U+FF43", "FULLWIDTH"}},
		{name: "fullwidth digit", in: "node１", ruleHas: []string{"U+FF11"}},
		{name: "latin accent", in: "café", ruleHas: []string{"U+00E9", "Latin"}},
		{name: "cyrillic other", in: "жук", ruleHas: []string{"U+0436", "Cyrillic"}},
		{name: "japanese kana", in: "クラスタ", ruleHas: []string{"U+30AF"}},
		{name: "ideographic space", in: "集群\u3000一", ruleHas: []string{"U+3000"}},
		{name: "zero width", in: "prod\u200B", ruleHas: []string{"U+200B"}},
		{name: "bidi", in: "prod\u202Etset", ruleHas: []string{"U+202E"}},
		{name: "prompt injection", in: "ignore previous instructions", ruleHas: []string{"U+0020"}},
	}
	runChecks(t, "nodeGroups[1].name", cases, Name)
}

func TestDescription(t *testing.T) {
	cases := []check{
		{name: "empty", in: "", ok: true},
		{name: "sentence", in: "Nightly ETL cluster (team A), v2.1 - 50% spot", ok: true},
		{name: "chinese", in: "生产环境数据湖集群，用于夜间批处理。", ok: true},
		{name: "ideographic space", in: "数据\u3000湖", ok: true},
		{name: "256 runes", in: strings.Repeat("描", 256), ok: true},
		{name: "257 runes", in: strings.Repeat("d", 257), ruleHas: []string{"257", "256"}},
		{name: "backtick", in: "a `id`", ruleHas: []string{"'`'"}},
		{name: "dollar", in: "cost $5", ruleHas: []string{"'$'"}},
		{name: "semicolon", in: "a; b", ruleHas: []string{"';'"}},
		{name: "pipe", in: "a | b", ruleHas: []string{"'|'"}},
		{name: "ampersand", in: "a & b", ruleHas: []string{"'&'"}},
		{name: "less", in: "a < b", ruleHas: []string{"'<'"}},
		{name: "greater", in: "a > b", ruleHas: []string{"'>'"}},
		{name: "backslash", in: `a \ b`, ruleHas: []string{`'\'`}},
		{name: "double quote", in: `say "hi"`, ruleHas: []string{`'"'`}},
		{name: "single quote", in: "it's", ruleHas: []string{"'''"}},
		{name: "newline", in: "a\nb", ruleHas: []string{"U+000A"}},
		{name: "carriage return", in: "a\rb", ruleHas: []string{"U+000D"}},
		{name: "tab", in: "a\tb", ruleHas: []string{"U+0009"}},
		{name: "leading dash", in: "-x", ruleHas: []string{"'-'"}},
		{name: "bidi", in: "abc\u2067def", ruleHas: []string{"U+2067"}},
		{name: "private use", in: "a\uE000b", ruleHas: []string{"U+E000"}},
		{name: "unassigned", in: "a\U0003FFFDb", ruleHas: []string{"U+3FFFD"}},
	}
	runChecks(t, "--description", cases, Description)
}

func TestID(t *testing.T) {
	tests := []struct {
		kind  Kind
		cases []check
	}{
		{kind: RegionID, cases: []check{
			{name: "alibaba", in: "cn-hangzhou", ok: true},
			{name: "alibaba numbered", in: "ap-southeast-1", ok: true},
			{name: "aws", in: "us-east-1", ok: true},
			{name: "upper", in: "CN-hangzhou", ruleHas: []string{"'C'"}},
			{name: "no dash", in: "cnhangzhou"},
			{name: "underscore", in: "cn_hangzhou"},
			{name: "trailing space", in: "cn-hangzhou ", ruleHas: []string{"trailing"}},
			{name: "leading space", in: " cn-hangzhou", ruleHas: []string{"leading"}},
		}},
		{kind: ZoneID, cases: []check{
			{name: "alibaba", in: "cn-hangzhou-h", ok: true},
			{name: "aws", in: "us-east-1a", ok: true},
			{name: "trailing dash", in: "cn-hangzhou-"},
		}},
		{kind: ClusterID, cases: []check{
			{name: "ok", in: "c-b933c5aac8fe4a1d", ok: true},
			{name: "8 chars", in: "c-12345678", ok: true},
			{name: "32 chars", in: "c-" + strings.Repeat("a", 32), ok: true},
			{name: "7 chars", in: "c-1234567", ruleHas: []string{"7", "8-32"}},
			{name: "33 chars", in: "c-" + strings.Repeat("a", 33), ruleHas: []string{"33"}},
			{name: "cyrillic es", in: "с-b933c5aac8fe4a1d", ruleHas: []string{"U+0441", "CYRILLIC SMALL LETTER ES", "'c'"}},
			{name: "upper case", in: "c-B933C5AAC8FE4A1D", ruleHas: []string{"upper-case", "'B'"}},
			{name: "trailing space", in: "c-b933c5aac8fe4a1d ", ruleHas: []string{"trailing"}},
			{name: "zero width", in: "c-b933c5aac8fe\u200B4a1d", ruleHas: []string{"U+200B"}},
			{name: "wrong prefix", in: "ng-b933c5aac8fe4a1d", ruleHas: []string{`"c-"`}},
			{name: "masked console id", in: "c-b933c5aac8fe****", ruleHas: []string{"'*'"}},
			{name: "empty", in: "", ruleHas: []string{"empty"}},
			{name: "injection", in: "c-12345678;rm -rf /"},
			{name: "leading dash", in: "-c-12345678"},
			{name: "fullwidth dash", in: "c－12345678", ruleHas: []string{"U+FF0D", "'-'"}},
		}},
		{kind: NodeGroupID, cases: []check{
			{name: "ok", in: "ng-869471354ecd4a1b", ok: true},
			{name: "cluster id", in: "c-869471354ecd4a1b", ruleHas: []string{`"ng-"`}},
		}},
		{kind: NodeID, cases: []check{
			{name: "ok", in: "i-bp1cudc25w2bfwl5xxxx", ok: true},
			{name: "upper", in: "i-BP1CUDC25W2BFWL5", ruleHas: []string{"upper-case"}},
		}},
		{kind: OperationID, cases: []check{{name: "ok", in: "op-13c37a77c505a1b2", ok: true}, {name: "short", in: "op-1"}}},
		{kind: VPCID, cases: []check{{name: "ok", in: "vpc-bp1tgey2p0ytxmdo5dt19", ok: true}, {name: "vsw", in: "vsw-bp1tgey2p0ytxmdo5dt19"}}},
		{kind: VSwitchID, cases: []check{{name: "ok", in: "vsw-bp1e2f5fhaplp0g6p4lqf", ok: true}, {name: "vpc", in: "vpc-bp1e2f5fhaplp0g6p4lqf"}}},
		{kind: SecurityGroupID, cases: []check{{name: "ok", in: "sg-bp1a7x3f2ds8b3f0z1mq", ok: true}, {name: "dot", in: "sg-bp1a7x3f.ds8b3f0z1mq"}}},
		{kind: ResourceGroupID, cases: []check{{name: "ok", in: "rg-acfmzabjyop1234", ok: true}, {name: "upper", in: "rg-ACFMZABJYOP1234"}}},
		{kind: ScalingActivityID, cases: []check{
			{name: "ok", in: "asa-36373b084d6b4b13", ok: true},
			{name: "40 chars", in: "asa-" + strings.Repeat("0", 40), ok: true},
			{name: "41 chars", in: "asa-" + strings.Repeat("0", 41)},
		}},
		{kind: InstanceType, cases: []check{
			{name: "ok", in: "ecs.g8i.2xlarge", ok: true},
			{name: "dashed family", in: "ecs.gn7i-c8g1.2xlarge", ok: true},
			{name: "aws type", in: "m5.xlarge"},
			{name: "upper", in: "ecs.G8i.2xlarge", ruleHas: []string{"'G'"}},
		}},
		{kind: KeyPairName, cases: []check{
			{name: "ok", in: "emr-key", ok: true},
			{name: "all allowed", in: "Key.pair_1:prod-2", ok: true},
			{name: "two chars", in: "ab", ok: true},
			{name: "128 chars", in: "k" + strings.Repeat("1", 127), ok: true},
			{name: "129 chars", in: "k" + strings.Repeat("1", 128)},
			{name: "one char", in: "k"},
			{name: "digit first", in: "1key"},
			{name: "slash", in: "http://x"},
		}},
		{kind: AWSClusterID, cases: []check{
			{name: "ok", in: "j-2AXXXXXXGAPLF", ok: true},
			{name: "lower body", in: "j-2axxxxxxgaplf", ruleHas: []string{"lower-case"}},
			{name: "upper prefix", in: "J-2AXXXXXXGAPLF", ruleHas: []string{`"j-"`}},
			{name: "17 chars", in: "j-" + strings.Repeat("A", 17)},
		}},
		{kind: AWSInstanceGroupID, cases: []check{{name: "ok", in: "ig-1234567890AB", ok: true}, {name: "fleet", in: "if-1234567890AB"}}},
		{kind: AWSInstanceFleetID, cases: []check{{name: "ok", in: "if-1234567890AB", ok: true}, {name: "group", in: "ig-1234567890AB"}}},
		{kind: AWSStepID, cases: []check{{name: "ok", in: "s-1234567890AB", ok: true}, {name: "short", in: "s-123"}}},
		{kind: AWSServerlessAppID, cases: []check{
			{name: "ok", in: "00f1abcd2efgh3ij", ok: true},
			{name: "15 chars", in: "00f1abcd2efgh3i"},
			{name: "upper", in: "00F1ABCD2EFGH3IJ", ruleHas: []string{"upper-case"}},
		}},
		{kind: AWSJobRunID, cases: []check{{name: "ok", in: "00f1abcd2efgh3kl", ok: true}, {name: "dash", in: "00f1abcd-efgh3kl"}}},
		{kind: WorkspaceID, cases: []check{{name: "ok", in: "w-d2d82aa09155a1b2", ok: true}, {name: "cluster", in: "c-d2d82aa09155a1b2"}}},
		{kind: AWSInstanceType, cases: []check{
			{name: "ok", in: "m5.xlarge", ok: true},
			{name: "dashed", in: "m7g-flex.large", ok: true},
			{name: "alibaba", in: "ecs.g8i.2xlarge"},
			{name: "no dot", in: "m5xlarge"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			runChecks(t, "--id", tt.cases, func(field, v string) *Error { return ID(tt.kind, field, v) })
		})
	}
}

func TestIDErrorShowsFormat(t *testing.T) {
	for k := RegionID; k <= AWSInstanceType; k++ {
		e := ID(k, "--id", "\u0441")
		if e == nil {
			t.Fatalf("%v: got nil, want an error", k)
		}
		if !strings.Contains(e.Fix, k.Pattern()) {
			t.Errorf("%v: got Fix %q, want it to show the format %s", k, e.Fix, k.Pattern())
		}
	}
	if e := ID(Kind(999), "--id", "x"); e == nil {
		t.Errorf("unknown kind: got nil, want an error")
	}
}

func TestPassword(t *testing.T) {
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{name: "letters and digits", in: "Abcdef12", ok: true},
		{name: "all symbols", in: "Ab1-_.@#%+=!,", ok: true},
		{name: "30 chars", in: "Aa1" + strings.Repeat("x", 27), ok: true},
		{name: "31 chars", in: "Aa1" + strings.Repeat("x", 28)},
		{name: "7 chars", in: "Abcde12"},
		{name: "empty", in: ""},
		{name: "no upper", in: "abcdef12"},
		{name: "no lower", in: "ABCDEF12"},
		{name: "no digit", in: "Abcdefgh"},
		{name: "dollar", in: "Abcdef1$"},
		{name: "quote", in: `Abcdef1"`},
		{name: "single quote", in: "Abcdef1'"},
		{name: "backtick", in: "Abcdef1`"},
		{name: "space", in: "Abc def1"},
		{name: "semicolon", in: "Abcdef1;"},
		{name: "leading dash", in: "-Abcdef1"},
		{name: "non ascii", in: "Abcdéf12"},
		{name: "invalid utf8", in: "Abcdef1\xff"},
		{name: "control", in: "Abcdef1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := Password("--master-root-password", tc.in)
			if tc.ok {
				if e != nil {
					t.Fatalf("got error %v, want nil", e)
				}
				return
			}
			if e == nil {
				t.Fatalf("got nil, want an error")
			}
			if !e.Secret || e.Value != "" {
				t.Errorf("got Secret %v, Value %q, want true and empty", e.Secret, e.Value)
			}
			if tc.in != "" && strings.Contains(e.Error(), tc.in) {
				t.Errorf("got %q, want no trace of the password", e.Error())
			}
		})
	}
}

func TestScriptPath(t *testing.T) {
	own := []string{"my-bucket", "oss://team-bucket/"}
	cases := []struct {
		name    string
		in      string
		scheme  string
		own     []string
		ok      bool
		ruleHas []string
	}{
		{name: "oss", in: "oss://my-bucket/bootstrap/init.sh", scheme: "oss", ok: true},
		{name: "oss own", in: "oss://my-bucket/init.sh", scheme: "oss", own: own, ok: true},
		{name: "oss own normalized", in: "oss://team-bucket/a/b.py", scheme: "oss", own: own, ok: true},
		{name: "oss hdfs host", in: "oss://my-bucket.cn-hangzhou.oss-dls.aliyuncs.com/jobs/etl.py", scheme: "oss", own: own, ok: true},
		{name: "oss endpoint host", in: "oss://my-bucket.oss-cn-hangzhou-internal.aliyuncs.com/etl.jar", scheme: "oss", own: own, ok: true},
		{name: "s3", in: "s3://my.bucket-1/steps/job.jar", scheme: "s3", ok: true},
		{name: "not own", in: "oss://other-bucket/init.sh", scheme: "oss", own: own, ruleHas: []string{"other-bucket"}},
		{name: "hdfs host not own", in: "oss://evil.cn-hangzhou.oss-dls.aliyuncs.com/x.sh", scheme: "oss", own: own, ruleHas: []string{"evil"}},
		{name: "https", in: "https://example.com/install.sh", scheme: "oss", ruleHas: []string{"https"}},
		{name: "http", in: "http://example.com/install.sh", scheme: "s3", ruleHas: []string{"http"}},
		{name: "ftp", in: "ftp://example.com/x.sh", scheme: "oss", ruleHas: []string{"ftp"}},
		{name: "file", in: "file:///etc/passwd", scheme: "oss", ruleHas: []string{"file"}},
		{name: "local absolute", in: "/tmp/init.sh", scheme: "oss", ruleHas: []string{"local"}},
		{name: "local relative", in: "init.sh", scheme: "oss", ruleHas: []string{"local"}},
		{name: "wrong scheme", in: "s3://my-bucket/init.sh", scheme: "oss", ruleHas: []string{"oss://"}},
		{name: "dot dot", in: "oss://my-bucket/a/../b.sh", scheme: "oss", ruleHas: []string{".."}},
		{name: "dot dot start", in: "oss://my-bucket/../b.sh", scheme: "oss", ruleHas: []string{".."}},
		{name: "empty key", in: "oss://my-bucket/", scheme: "oss", ruleHas: []string{"empty"}},
		{name: "no key", in: "oss://my-bucket", scheme: "oss", ruleHas: []string{"empty"}},
		{name: "directory", in: "oss://my-bucket/dir/", scheme: "oss"},
		{name: "no bucket", in: "oss:///x.sh", scheme: "oss", ruleHas: []string{"no bucket"}},
		{name: "upper bucket", in: "oss://My-Bucket/x.sh", scheme: "oss", ruleHas: []string{"bucket"}},
		{name: "short bucket", in: "oss://ab/x.sh", scheme: "oss"},
		{name: "userinfo", in: "oss://user@my-bucket/x.sh", scheme: "oss"},
		{name: "query", in: "oss://my-bucket/x.sh?y=1", scheme: "oss"},
		{name: "space", in: "oss://my-bucket/a b.sh", scheme: "oss"},
		{name: "empty", in: "", scheme: "oss", ruleHas: []string{"empty"}},
		{name: "leading dash", in: "-oss://my-bucket/x.sh", scheme: "oss", ruleHas: []string{"'-'"}},
		{name: "zero width", in: "oss://my-bucket/x\u200B.sh", scheme: "oss", ruleHas: []string{"U+200B"}},
		{name: "bidi", in: "oss://my-bucket/hs.\u202Etxt", scheme: "oss", ruleHas: []string{"U+202E"}},
		{name: "homoglyph bucket", in: "oss://my-bu\u0441ket/x.sh", scheme: "oss", own: own},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := ScriptPath("bootstrapScripts[0].path", tc.in, tc.scheme, tc.own)
			if tc.ok {
				if e != nil {
					t.Fatalf("got error %v, want nil", e)
				}
				return
			}
			if e == nil {
				t.Fatalf("got nil, want an error for %q", tc.in)
			}
			if e.Fix == "" {
				t.Errorf("got empty Fix, want advice")
			}
			for _, frag := range tc.ruleHas {
				if !strings.Contains(e.Rule, frag) {
					t.Errorf("Rule: got %q, want it to mention %q", e.Rule, frag)
				}
			}
		})
	}
}

func TestScriptPathNotOwnListsBuckets(t *testing.T) {
	e := ScriptPath("--code", "oss://other/x.py", "oss", []string{"alpha", "beta"})
	if e == nil {
		t.Fatal("got nil, want an error")
	}
	for _, b := range []string{"alpha", "beta", "ownBuckets"} {
		if !strings.Contains(e.Fix, b) {
			t.Errorf("Fix: got %q, want it to mention %q", e.Fix, b)
		}
	}
}

func TestParseObjectURI(t *testing.T) {
	tests := []struct {
		in     string
		want   ObjectURI
		wantOK bool
	}{
		{in: "oss://b-1/k/x.py", want: ObjectURI{Scheme: "oss", Host: "b-1", Bucket: "b-1", Key: "k/x.py"}, wantOK: true},
		{in: "OSS://b-1.cn-beijing.oss-dls.aliyuncs.com/x", want: ObjectURI{Scheme: "oss", Host: "b-1.cn-beijing.oss-dls.aliyuncs.com", Bucket: "b-1", Key: "x"}, wantOK: true},
		{in: "s3://a.b.c/x", want: ObjectURI{Scheme: "s3", Host: "a.b.c", Bucket: "a.b.c", Key: "x"}, wantOK: true},
		{in: "s3://b.oss-cn-beijing.aliyuncs.com/x", want: ObjectURI{Scheme: "s3", Host: "b.oss-cn-beijing.aliyuncs.com", Bucket: "b.oss-cn-beijing.aliyuncs.com", Key: "x"}, wantOK: true},
		{in: "/local/x"},
		{in: "://x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseObjectURI(tt.in)
			if ok != tt.wantOK {
				t.Fatalf("ok: got %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseObjectURI(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		name      string
		tags      map[string]string
		ok        bool
		wantField string
	}{
		{name: "none", tags: nil, ok: true},
		{name: "ok", tags: map[string]string{"team": "data", "成本中心": "研发", "empty": ""}, ok: true},
		{name: "128 key", tags: map[string]string{strings.Repeat("k", 128): strings.Repeat("v", 128)}, ok: true},
		{name: "129 key", tags: map[string]string{strings.Repeat("k", 129): "v"}, wantField: "tags key"},
		{name: "129 value", tags: map[string]string{"k": strings.Repeat("v", 129)}, wantField: "tags[k]"},
		{name: "empty key", tags: map[string]string{"": "v"}, wantField: "tags key"},
		{name: "aliyun key", tags: map[string]string{"aliyun-owner": "x"}, wantField: "tags key"},
		{name: "acs key any case", tags: map[string]string{"ACS:ram": "x"}, wantField: "tags key"},
		{name: "aws key", tags: map[string]string{"aws:createdBy": "x"}, wantField: "tags key"},
		{name: "aws value", tags: map[string]string{"k": "aws:x"}, wantField: "tags[k]"},
		{name: "bidi value", tags: map[string]string{"k": "a\u202Eb"}, wantField: "tags[k]"},
		{name: "control key", tags: map[string]string{"a\x00": "v"}, wantField: "tags key"},
		{name: "leading dash", tags: map[string]string{"-k": "v"}, wantField: "tags key"},
		{name: "first in key order", tags: map[string]string{"b": "aws:1", "a": "aws:2"}, wantField: "tags[a]"},
		{name: "quoting key in field", tags: map[string]string{`k"\`: "aws:x"}, wantField: `tags[k\"\\]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Tags("tags", tt.tags)
			if tt.ok {
				if e != nil {
					t.Fatalf("got error %v, want nil", e)
				}
				return
			}
			if e == nil {
				t.Fatal("got nil, want an error")
			}
			if e.Field != tt.wantField {
				t.Errorf("Field: got %q, want %q", e.Field, tt.wantField)
			}
			if !strings.Contains(e.Error(), "invalid "+tt.wantField) {
				t.Errorf("Error(): got %q, want it to start with the field %q as is", e.Error(), tt.wantField)
			}
		})
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "abc", want: "abc"},
		{in: "数据", want: "数据"},
		{in: "a\u202Eb", want: `a\u202Eb`},
		{in: "a\x00", want: `a\u0000`},
		{in: "a\xff", want: `a\xff`},
		{in: `q"\`, want: `q\"\\`},
		{in: "a\U000E0041", want: `a\U000E0041`},
		{in: "a\u00A0b", want: `a\u00A0b`},
		{in: strings.Repeat("x", 40), want: strings.Repeat("x", 40)},
		{in: strings.Repeat("x", 41), want: strings.Repeat("x", 39) + "…"},
		{in: strings.Repeat("x", 38) + "\u200B", want: strings.Repeat("x", 38) + "…"},
	}
	for _, tt := range tests {
		if got := Render(tt.in); got != tt.want {
			t.Errorf("Render(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{
			name: "value",
			err:  &Error{Field: "--name", Value: "a b", Rule: "' ' (U+0020 SPACE) is not allowed", Fix: "use letters"},
			want: `invalid --name "a b": ' ' (U+0020 SPACE) is not allowed; use letters`,
		},
		{
			name: "secret",
			err:  &Error{Field: "--password", Rule: "must be 8-30 characters long", Fix: "use more", Secret: true},
			want: "invalid --password: must be 8-30 characters long; use more",
		},
		{
			name: "no fix",
			err:  &Error{Field: "x", Value: "", Rule: "must not be empty"},
			want: `invalid x "": must not be empty`,
		},
		{
			name: "hostile field",
			err:  &Error{Field: "tags[\u202E]", Value: "v", Rule: "r"},
			want: `invalid tags[\u202E] "v": r`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderBound(t *testing.T) {
	for _, in := range []string{strings.Repeat("\u202E", 100), strings.Repeat("\xff", 100), strings.Repeat("集", 100)} {
		if n := utf8.RuneCountInString(Render(in)); n > MaxRendered {
			t.Errorf("Render(%q): got %d runes, want at most %d", in, n, MaxRendered)
		}
	}
}

func TestVisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, two\nlines", "plain text, two\nlines"},
		{"名前-ok", "名前-ok"},
		{"evil\u202etxt.exe", `evil\u202Etxt.exe`},
		{"zero\u200bwidth", `zero\u200Bwidth`},
		{"tab\there", `tab\u0009here`},
		{"cr\rback", `cr\u000Dback`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"nbsp\u00a0", `nbsp\u00A0`},
	}
	for _, tt := range tests {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
