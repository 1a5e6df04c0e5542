package console

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
)

// screenshotDir is where EMRCTL_UPDATE_SCREENSHOTS=1 keeps the
// screenshots for review.
const screenshotDir = "testdata/screenshots"

// findBrowser returns the path of a Chromium or Chrome on PATH. Without
// one the test is skipped, unless EMRCTL_REQUIRE_BROWSER=1 (the test
// script sets it once it has installed chromium).
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("EMRCTL_REQUIRE_BROWSER") == "1" {
		t.Fatal("no chromium, chromium-browser or google-chrome on PATH, and EMRCTL_REQUIRE_BROWSER=1: install one (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: install it (apt-get install chromium) to run the browser test")
	return ""
}

// TestBrowserApprovesAScaleOut drives a real headless Chromium through
// the console: log in with an approver's token, list the clusters (one
// with a hostile name), open a cluster, approve the pending scale-out a
// service asked for, and see it executed. The write reaches the cloud
// exactly once.
func TestBrowserApprovesAScaleOut(t *testing.T) {
	exe := findBrowser(t)
	b := newBed(t, bedOptions{})
	f := b.createCluster("sales-etl")
	other := b.createCluster("plain")
	b.rename(other.clusterID, hostileName)
	before := b.groupSize(f)
	a := b.askScaleOut(f, 2)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.WindowSize(1280, 900))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to sandbox as root
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	shots := newShots(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	approve := "#" + a.ID + " form.approve"
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"login", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(b.url + "/console/"), // sent on to the login form
			chromedp.WaitVisible(css("#token")),
			shots.take("login.png"),
		}},
		{"clusters", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(css("#token"), b.raw[auth.Approver]),
			chromedp.Click(css("#login")),
			chromedp.WaitVisible(css("table#clusters")),
			shots.take("clusters.png"),
		}},
		{"cluster", []chromedp.Action[chromedp.Void]{
			chromedp.Click(css(`a[href="/console/clusters/` + f.clusterID + `"]`)),
			chromedp.WaitVisible(css("#summary")),
			chromedp.WaitVisible(css("table#nodes")),
			shots.take("cluster.png"),
		}},
		{"approvals", []chromedp.Action[chromedp.Void]{
			chromedp.Click(css(`header a[href="/console/approvals"]`)),
			chromedp.WaitVisible(css(approve + " button")),
			shots.take("approvals.png"),
		}},
		{"approved", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(css(approve+` input[name="reason"]`), "nightly run needs it"),
			chromedp.Click(css(approve + " button")),
			chromedp.WaitVisible(css("#flash")),
			shots.take("approved.png"),
		}},
	}
	var scripts int
	for _, s := range steps {
		if err := chromedp.Do(ctx, s.actions...); err != nil {
			t.Fatalf("step %s: %v", s.name, err)
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`))
		if err != nil {
			t.Fatalf("step %s: count scripts: %v", s.name, err)
		}
		scripts += n
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(css("#flash")))
	if err != nil {
		t.Fatalf("read the message: %v", err)
	}
	if scripts != 0 {
		t.Errorf("the pages hold %d script elements, want 0 (did a hostile name become markup?)", scripts)
	}
	if !strings.Contains(flash, a.ID) || !strings.Contains(flash, "executed") {
		t.Errorf("after approving, the page says %q, want %s executed", flash, a.ID)
	}
	got, err := b.approvals.Get(context.Background(), a.ID)
	if err != nil || got.Status != approval.Executed || got.DecidedBy != "alice-approver" || got.RequestedBy != "alice-operator" || got.Via != "rest" {
		t.Errorf("approval = %+v, %v; want executed, asked over REST by alice-operator, decided by alice-approver", got, err)
	}
	if n := b.emu.Stats()["IncreaseNodes"]; n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want exactly 1", n)
	}
	if size := b.groupSize(f); size != before+2 {
		t.Errorf("CORE group has %d running nodes, want %d", size, before+2)
	}
	shots.save()
}

// shots takes screenshots into a temporary directory, and copies them
// to testdata when EMRCTL_UPDATE_SCREENSHOTS=1.
type shots struct {
	t     *testing.T
	dir   string
	taken []string
}

func newShots(t *testing.T) *shots { return &shots{t: t, dir: t.TempDir()} }

func (s *shots) take(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		s.taken = append(s.taken, name)
		return os.WriteFile(filepath.Join(s.dir, name), png, 0o644)
	})
}

func (s *shots) save() {
	s.t.Helper()
	s.t.Logf("screenshots in %s", s.dir)
	if os.Getenv("EMRCTL_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	for _, name := range s.taken {
		png, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}
