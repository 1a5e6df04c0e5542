package engine

import (
	"os/exec"
	"strings"
	"testing"
)

// Request building and wire types live only in the adapters and the
// emulator, and the engine knows no cloud: checked on the module's
// packages (and their tests) as `go list` sees them.
func TestEngineImportsNoAdapter(t *testing.T) {
	const mod = "github.com/emrctl/emrctl/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	wireOK := []string{"internal/provider/aliyun", "internal/emulator", "internal/wire", "internal/contract", "tools/wiregen"}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 20 {
		t.Fatalf("go list found %d packages; want the whole module", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			imp = strings.TrimPrefix(imp, mod)
			if (strings.HasPrefix(imp, "internal/wire") || strings.HasPrefix(imp, "internal/contract")) && !hasAnyPrefix(pkg, wireOK) {
				t.Errorf("%s imports %s: only the Alibaba adapter and the emulator may use wire types and contracts", pkg, imp)
			}
		}
	}
	deps, err := exec.Command("go", "list", "-deps", mod+"internal/engine").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, d := range strings.Fields(string(deps)) {
		d = strings.TrimPrefix(d, mod)
		if hasAnyPrefix(d, []string{"internal/provider/aliyun", "internal/provider/aws", "internal/wire", "internal/contract", "internal/emulator"}) {
			t.Errorf("internal/engine depends on %s: the engine must know no cloud", d)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, p+"/") {
			return true
		}
	}
	return false
}
