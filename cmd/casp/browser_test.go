package main

// Browser tests: the real server (run "serve --demo") driven by a real
// headless Chromium through chromedp, with axe-core checking every page
// against WCAG 2.1 A/AA, plus checks of the French UI (lang, one h1, title,
// no raw error, no untranslated English word).
//
// Needs chromium (CASP_CHROMIUM, /usr/bin/chromium or chromium-browser /
// google-chrome in PATH); axe-core is embedded (testdata/axe-core). Without
// a browser the tests skip with one line saying how to run them, unless
// CASP_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail instead.
// CASP_SKIP_BROWSER=1 skips them on purpose.

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/testenv"
)

// Browser tests run one at a time, beside the package's other tests: the
// browser keeps a core busy, and two browser tests at once took more CPU
// and more time (measured: 127 s instead of 114 s for the whole suite).
// Each has its own server on a copy of the demo database (serverFor) and
// its own tabs.

// browserSlots bounds the browser tests running at once.
var browserSlots = make(chan struct{}, 1)

// browserTest starts a browser test: it skips or fails at once when no
// browser runs the tests (see env), then runs beside the package's other
// tests when no other browser test runs. Deadlines start after it.
func browserTest(t *testing.T) {
	t.Helper()
	env(t)
	t.Parallel()
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
}

// browserTestTimeout bounds each browser test (or each role of the login
// test).
const browserTestTimeout = 60 * time.Second

func TestMain(m *testing.M) {
	code := m.Run()
	browser.stop()
	os.Exit(code)
}

// browserEnv is the one server and the one browser of the test binary,
// started by the first browser test and stopped by TestMain.
type browserEnv struct {
	once sync.Once
	skip string // set when no browser runs the tests (see missingBrowser)
	err  error  // set when the environment could not start

	baseURL string
	axeJS   string
	dir     string // temporary folder: database and browser profile

	stopServer context.CancelFunc
	serverDone chan error

	stopAlloc   context.CancelFunc
	stopBrowser context.CancelFunc
	browserCtx  context.Context

	mu    sync.Mutex
	stops []func() // the tests' servers
}

var browser browserEnv

// axeJS is axe-core, embedded: no npm step before the tests.
//
//go:embed testdata/axe-core/axe.min.js
var axeJS string

const installHelp = "apt-get install chromium-headless-shell (ou chromium, ou CASP_CHROMIUM=chemin) pour lancer les tests dans le navigateur"

// env returns the shared environment, starting it on first use. It skips
// the test when no browser is found, or fails it under CASP_REQUIRE_BROWSER=1.
func env(t *testing.T) *browserEnv {
	t.Helper()
	browser.once.Do(browser.start)
	if browser.skip != "" {
		t.Skip(browser.skip)
	}
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	return &browser
}

// missingBrowser decides what a missing browser means: a skip with one line
// saying how to run the tests, or, when the browser is required (CI), an
// error; an explicit CASP_SKIP_BROWSER=1 skips.
func missingBrowser(why error, require, skip bool) (skipMsg string, err error) {
	switch {
	case require:
		return "", fmt.Errorf("CASP_REQUIRE_BROWSER=1 et %v : %s", why, installHelp)
	case skip:
		return "CASP_SKIP_BROWSER=1 : tests dans le navigateur sautés", nil
	}
	return fmt.Sprintf("%v : %s", why, installHelp), nil
}

func (e *browserEnv) start() {
	require, skip := os.Getenv("CASP_REQUIRE_BROWSER") == "1", os.Getenv("CASP_SKIP_BROWSER") == "1"
	chromium, err := findChromium()
	if err == nil && skip && !require {
		err = errors.New("navigateur écarté")
	}
	if err != nil {
		e.skip, e.err = missingBrowser(err, require, skip)
		return
	}
	e.axeJS = axeJS
	if e.dir, err = os.MkdirTemp("", "casp-browser-"); err != nil {
		e.err = err
		return
	}
	if e.err = e.startServer(); e.err != nil {
		return
	}
	e.err = e.startBrowser(chromium)
}

// findChromium returns the browser to drive.
func findChromium() (string, error) {
	if p := os.Getenv("CASP_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CASP_CHROMIUM=%s introuvable", p)
		}
		return p, nil
	}
	// The headless shell (Debian's chromium-headless-shell) first: it loads
	// a page with half the work of the full browser in headless mode.
	for _, p := range []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium introuvable")
}

// startServer runs `casp serve --demo` on a free loopback port and waits for
// /healthz.
func (e *browserEnv) startServer() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return err
	}
	e.baseURL = "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	e.stopServer = cancel
	e.serverDone = make(chan error, 1)
	go func() {
		e.serverDone <- run(ctx, []string{"serve", "--demo", "--db", filepath.Join(e.dir, "casp.db"), "--addr", addr},
			strings.NewReader(""), io.Discard, io.Discard)
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-e.serverDone:
			e.serverDone <- err
			return fmt.Errorf("le serveur s'est arrêté au démarrage : %v", err)
		default:
		}
		if resp, err := client.Get(e.baseURL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s/healthz n'a pas répondu 200 en 15 s", e.baseURL)
}

func (e *browserEnv) startBrowser(chromium string) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "fr-FR"),
		// Cheaper page loads: no new renderer process or frame per page, no
		// back-forward cache, software compositing in the browser process.
		// Measured on the full browser, 40 loads of four pages: 4.2 s
		// instead of 7.5–9 s, both cores busy; on the headless shell, the
		// last two features off: 20 % less CPU.
		chromedp.Flag("disable-features", "site-per-process,IsolateOrigins,Translate,BlinkGenPropertyTrees,BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"),
		chromedp.Flag("renderer-process-limit", "1"),
		chromedp.Flag("disable-gpu-compositing", true),
		chromedp.Flag("in-process-gpu", true),
		chromedp.UserDataDir(filepath.Join(e.dir, "profil")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, stopBrowser := chromedp.NewContext(allocCtx)
	e.stopAlloc, e.stopBrowser, e.browserCtx = stopAlloc, stopBrowser, browserCtx
	// The first action starts the browser, whose lifetime is then
	// browserCtx's; the start itself is bounded here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		if err != nil {
			return fmt.Errorf("démarrage de %s : %w", chromium, err)
		}
		return nil
	case <-time.After(30 * time.Second):
		stopBrowser()
		stopAlloc()
		return fmt.Errorf("%s n'a pas démarré en 30 s", chromium)
	}
}

func (e *browserEnv) stop() {
	tabs.Lock()
	for _, tb := range tabs.idle {
		tb.close()
	}
	tabs.idle = nil
	tabs.Unlock()
	e.mu.Lock()
	for _, stop := range e.stops {
		stop()
	}
	e.mu.Unlock()
	if e.stopBrowser != nil {
		e.stopBrowser()
	}
	if e.stopAlloc != nil {
		e.stopAlloc()
	}
	if e.stopServer != nil {
		e.stopServer()
		select {
		case <-e.serverDone:
		case <-time.After(15 * time.Second):
		}
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// newSession opens a tab in a new browser context (like a private window:
// its own cookies), with the page's CSP bypassed so axe can be injected. The
// tab lives at most browserTestTimeout.
func newSession(t *testing.T) context.Context {
	t.Helper()
	return openTab(t, browserTestTimeout)
}

// baseKey carries, in a tab's context, the address of the test's server.
type baseKey struct{}

// openTab gives t a tab bounded by d, on the server of t's top-level test.
// The tab is in a browser context of its own (like a private window: its
// own cookies), taken from the pool of tabs that earlier tests gave back
// cleaned (a new one costs ~0.6 s).
func openTab(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	e := env(t)
	base := serverFor(t)
	tb, err := e.takeTab()
	if err != nil {
		t.Fatalf("ouverture d'un onglet : %v", err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	t.Cleanup(func() { cancel(); e.giveBack(tb) })
	return context.WithValue(ctx, baseKey{}, base)
}

// tab is a browser tab in a browser context of its own, with the pages' CSP
// bypassed so that axe can be injected.
type tab struct {
	ctx   context.Context
	close context.CancelFunc // closes the tab and its browser context
}

// tabs holds the tabs given back by finished tests.
var tabs struct {
	sync.Mutex
	idle []*tab
}

func (e *browserEnv) takeTab() (*tab, error) {
	tabs.Lock()
	if n := len(tabs.idle); n > 0 {
		tb := tabs.idle[n-1]
		tabs.idle = tabs.idle[:n-1]
		tabs.Unlock()
		return tb, nil
	}
	tabs.Unlock()
	ctx, cancel := chromedp.NewContext(e.browserCtx, chromedp.WithNewBrowserContext())
	// The first call opens the tab, bound to the context it is given: ctx
	// itself, not a shorter one.
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		cancel()
		return nil, err
	}
	return &tab{ctx: ctx, close: cancel}, nil
}

// giveBack cleans a tab for the next test (blank page, no cookie, scripts
// on, downloads refused) and returns it to the pool; a tab that cannot be
// cleaned is closed.
func (e *browserEnv) giveBack(tb *tab) {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate("about:blank"))
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
	}
	id := chromedp.FromContext(tb.ctx).BrowserContextID
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, storage.ClearCookies, storage.ClearCookiesParams{BrowserContextID: id})
	}
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDefault, BrowserContextID: id})
	}
	if err == nil {
		var left storage.GetCookiesResult
		if left, err = chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: id}); err == nil && len(left.Cookies) > 0 {
			err = fmt.Errorf("%d cookies restent", len(left.Cookies))
		}
	}
	if err != nil {
		tb.close()
		return
	}
	tabs.Lock()
	tabs.idle = append(tabs.idle, tb)
	tabs.Unlock()
}

// testServer is the server of one top-level browser test (and its
// subtests): a copy of the demo database of its own, so that browser tests
// run side by side without seeing each other's changes.
type testServer struct {
	once sync.Once
	url  string
	err  error
}

var servers sync.Map // top-level test name → *testServer

// serveTest is the test that drives the real `casp serve --demo` command.
const serveTest = "TestBrowserVisitorPages"

// serverFor returns the address of t's server.
func serverFor(t *testing.T) string {
	t.Helper()
	root, _, _ := strings.Cut(t.Name(), "/")
	if root == serveTest {
		return browser.baseURL
	}
	v, _ := servers.LoadOrStore(root, &testServer{})
	ts := v.(*testServer)
	ts.once.Do(func() { ts.url, ts.err = browser.startTestServer() })
	if ts.err != nil {
		t.Fatal(ts.err)
	}
	return ts.url
}

// startTestServer runs a platform on a copy of the demo database, until the
// test binary ends.
func (e *browserEnv) startTestServer() (string, error) {
	b, err := testenv.DemoDatabase()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(e.dir, "serveur-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "casp.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", err
	}
	p, err := app.New(context.Background(), app.Options{DBPath: path, Demo: true, TestHashing: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.Close()
		return "", err
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Server.App().Listener(ln) }()
	e.mu.Lock()
	e.stops = append(e.stops, func() {
		_ = p.Server.App().ShutdownWithTimeout(5 * time.Second)
		<-done
		_ = p.Close()
	})
	e.mu.Unlock()
	return "http://" + ln.Addr().String(), nil
}

// navigate loads a path of the app and waits for its load event.
func navigate(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	base, _ := ctx.Value(baseKey{}).(string)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("%s : navigation : %v", path, err)
	}
}

// clickAndWait clicks an element and waits for the page it leads to.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, press(sel))); err != nil {
		t.Fatalf("clic sur %s : %v", sel, err)
	}
}

// pressJS finds the element, scrolls it to the middle of the window and
// gives the centre of its box, if the element is what a click there would
// hit; else why not.
const pressJS = `((sel) => {
	const el = document.querySelector(sel);
	if (!el) return {why: 'absent'};
	el.scrollIntoView({block: 'center', inline: 'center'});
	// A link that wraps has one box per line: aim at the first.
	const r = el.getClientRects()[0] || el.getBoundingClientRect();
	if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') return {why: 'invisible'};
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	if (!hit || (hit !== el && !el.contains(hit) && !(hit.control === el || (el.labels && [...el.labels].includes(hit))))) {
		return {why: 'caché par <' + (hit ? hit.tagName.toLowerCase() : '?') + '>'};
	}
	return {x, y};
})`

// press clicks an element with the mouse, as a person would: where it is
// on screen, once it is there and visible and nothing covers it (waiting up
// to 5 s). It reads the page with one script instead of chromedp's DOM
// queries, which cost ~50 ms a page.
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		type spot struct {
			X, Y float64
			Why  string
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			at, err := chromedp.Run(ctx, chromedp.Evaluate[spot](pressJS+`(`+jsString(sel)+`)`))
			if err != nil {
				return err
			}
			if at.Why == "" {
				return chromedp.Do(ctx, chromedp.MouseClickXY(at.X, at.Y))
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s : %s", sel, at.Why)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// typeInto focuses a field and types text into it, as an input method
// would (one input event per call, not one per key).
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if err := chromedp.Do(ctx, press(sel)); err != nil {
			return err
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector(`+jsString(sel)+`)`))
		if err != nil {
			return err
		}
		if !focused {
			return fmt.Errorf("%s : pas de focus après le clic", sel)
		}
		_, err = chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// eval runs JavaScript in the page and decodes its result.
func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("évaluation de %q : %v", js, err)
	}
	return v
}

// pageFacts is what checkPage reads from the page.
type pageFacts struct {
	URL   string   `json:"url"`
	Path  string   `json:"path"`
	Lang  string   `json:"lang"`
	Title string   `json:"title"`
	H1    []string `json:"h1"`
	Text  string   `json:"text"`
}

func readPage(t testing.TB, ctx context.Context) pageFacts {
	t.Helper()
	return eval[pageFacts](t, ctx, `({
		url: location.href,
		path: location.pathname,
		lang: document.documentElement.lang,
		title: document.title,
		h1: Array.from(document.querySelectorAll('h1'), h => h.innerText.trim()),
		text: document.body.innerText,
	})`)
}

// checkPage navigates to path and audits it (see audit).
func checkPage(t *testing.T, ctx context.Context, path string) pageFacts {
	t.Helper()
	navigate(t, ctx, path)
	return audit(t, ctx)
}

// audit checks the page on screen: axe-core WCAG 2.1 A and AA rules, French
// language, one h1, the title pattern, and visible text without raw errors or
// untranslated English words. It returns what it read.
func audit(t testing.TB, ctx context.Context) pageFacts {
	t.Helper()
	f := readPage(t, ctx)
	where := f.Path
	if u, err := url.Parse(f.URL); err == nil && u.RawQuery != "" {
		where += "?" + u.RawQuery
	}

	runAxe(t, ctx, where)

	if f.Lang != "fr" {
		t.Errorf("%s : <html lang=%q>, attendu \"fr\"", where, f.Lang)
	}
	if len(f.H1) != 1 {
		t.Errorf("%s : %d titres h1 %q, attendu exactement un", where, len(f.H1), f.H1)
	}
	if !strings.HasSuffix(f.Title, " — casp") || strings.TrimSuffix(f.Title, " — casp") == "" {
		t.Errorf("%s : titre %q, attendu « … — casp »", where, f.Title)
	}
	for _, m := range rawErrorMarkers {
		if strings.Contains(f.Text, m) {
			t.Errorf("%s : le texte visible contient %q (erreur brute ou gabarit non rendu)", where, m)
		}
	}
	for _, re := range rawErrorWords {
		if loc := re.FindStringIndex(f.Text); loc != nil {
			t.Errorf("%s : le texte visible contient %q (erreur brute) : …%s…", where, re.String(), excerpt(f.Text, loc))
		}
	}
	for _, w := range englishWords {
		if loc := w.re.FindStringIndex(f.Text); loc != nil {
			t.Errorf("%s : mot anglais %q dans le texte visible : …%s…", where, w.word, excerpt(f.Text, loc))
		}
	}
	return f
}

// rawErrorMarkers betray a Go error, a panic or an unrendered template when
// they reach the screen (case-sensitive substrings).
var rawErrorMarkers = []string{"Une erreur inattendue est survenue", "Code 500.", "runtime error", "sql:", "SQLITE", "nil pointer", "Internal Server Error",
	"Cannot GET", "{{", "}}", "<no value>", "%!", "ZgotmplZ"}

// rawErrorWords are matched as whole words, since French has « panique ».
var rawErrorWords = []*regexp.Regexp{wordRE("panic"), wordRE("goroutine"), wordRE("undefined"), wordRE("NaN")}

// englishWords would only be on screen if part of the UI were left
// untranslated; matched case-sensitively as whole words. Proper nouns of the
// framework texts (« CASE 1EdTech ») are not in the list.
var englishWords = func() []struct {
	word string
	re   *regexp.Regexp
} {
	words := []string{"Login", "Log in", "Logout", "Log out", "Sign in", "Sign out", "Sign up", "Submit",
		"Password", "Username", "Not Found", "Forbidden", "Unauthorized", "Error", "Cancel", "Search",
		"Home", "Settings", "Dashboard", "Welcome", "Save", "Delete", "Edit", "Loading", "Required",
		"Invalid", "Previous", "Filter", "Skip to", "Access denied", "Account", "Users", "Page not found"}
	var out []struct {
		word string
		re   *regexp.Regexp
	}
	for _, w := range words {
		out = append(out, struct {
			word string
			re   *regexp.Regexp
		}{w, wordRE(w)})
	}
	return out
}()

// wordRE matches w as a whole word: no letter or digit (accented ones
// included) on either side.
func wordRE(w string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\p{L}\p{N}_])` + regexp.QuoteMeta(w) + `(?:$|[^\p{L}\p{N}_])`)
}

func excerpt(s string, loc []int) string {
	from, to := max(0, loc[0]-40), min(len(s), loc[1]+40)
	for from > 0 && !isRuneStart(s[from]) {
		from--
	}
	for to < len(s) && !isRuneStart(s[to]) {
		to++
	}
	return strings.Join(strings.Fields(s[from:to]), " ")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

type axeResult struct {
	Version    string         `json:"version"`
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
	Incomplete []axeViolation `json:"incomplete"`
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// audited holds the structure of every page state axe has checked in this
// test binary (see pageShape): a state seen again is not checked again.
var audited sync.Map

// pageShapeJS describes the page as axe sees it, without its text: each
// element's tag, the attributes that decide contrast, roles, names and
// relations (class, style, role, type, lang, hidden…; whether aria-*, alt,
// title, id, for, href are present and empty), whether it holds text of its
// own, then the distinct shapes of its children, each once (a table of 3 or
// of 30 rows of the same kinds has one shape). Two pages with one shape
// differ only in their words and in how often their parts repeat.
const pageShapeJS = `(() => {
	const kept = ['class', 'style', 'role', 'type', 'lang', 'dir', 'hidden', 'open', 'disabled', 'tabindex', 'scope', 'headers'];
	const named = n => n.startsWith('aria-') || ['alt', 'title', 'id', 'for', 'href', 'name', 'label', 'placeholder', 'autocomplete', 'src'].includes(n);
	const shape = el => {
		let s = el.tagName;
		for (const a of kept) { const v = el.getAttribute(a); if (v !== null) s += '|' + a + '=' + v; }
		for (const a of el.getAttributeNames().sort()) if (named(a)) s += '|' + a + (el.getAttribute(a).trim() ? '' : '=');
		for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) { s += '|t'; break; }
		const kids = new Set();
		for (const c of el.children) kids.add(shape(c));
		return kids.size ? s + '(' + [...kids].join(',') + ')' : s;
	};
	return shape(document.documentElement);
})()`

// runAxe fails the test with every WCAG 2.1 A/AA violation that axe-core
// finds on the page, when the page's shape (pageShapeJS) has not been
// checked yet in this test binary; CASP_AXE_ALL=1 checks every visit.
func runAxe(t testing.TB, ctx context.Context, where string) {
	t.Helper()
	shape := sha256.Sum256([]byte(eval[string](t, ctx, pageShapeJS)))
	if _, seen := audited.Load(shape); seen && os.Getenv("CASP_AXE_ALL") != "1" {
		return
	}
	if !checkWithAxe(t, ctx, where) {
		return
	}
	audited.Store(shape, true)
}

// checkWithAxe injects axe-core (once per document) and reports every WCAG
// 2.1 A/AA violation; it says whether the page passed.
func checkWithAxe(t testing.TB, ctx context.Context, where string) bool {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](browser.axeJS)); err != nil {
			t.Fatalf("%s : injection d'axe-core : %v", where, err)
		}
	}
	resultTypes := `['violations']`
	if os.Getenv("CASP_AXE_INCOMPLETE") == "1" {
		resultTypes = `['violations', 'incomplete']`
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](`(() => {
	const brief = v => ({
		id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary || ''})),
	});
	return axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
		// Only violations are detailed (and incomplete results when asked):
		// half the time of a full report.
		resultTypes: `+resultTypes+`,
	}).then(r => ({
		version: axe.version,
		passes: r.passes.length,
		violations: r.violations.map(brief),
		incomplete: r.incomplete.map(brief),
	}));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s : axe.run : %v", where, err)
	}
	if res.Version == "" || res.Passes == 0 {
		t.Fatalf("%s : axe n'a rien vérifié (version %q, %d règles passées)", where, res.Version, res.Passes)
	}
	// CASP_AXE_INCOMPLETE=1 also logs what axe could not decide (to be
	// checked by a person, e.g. contrast over a gradient).
	if os.Getenv("CASP_AXE_INCOMPLETE") == "1" {
		for _, v := range res.Incomplete {
			t.Logf("%s : axe à vérifier %s", where, describe(v))
		}
	}
	for _, v := range res.Violations {
		t.Errorf("%s : axe %s", where, describe(v))
	}
	return len(res.Violations) == 0
}

// describe gives a rule's id, impact and help, then each element: its CSS
// target, its HTML and axe's advice.
func describe(v axeViolation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s  %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// h1 returns the single h1 of the page ("" if not exactly one).
func (f pageFacts) h1() string {
	if len(f.H1) != 1 {
		return ""
	}
	return f.H1[0]
}

func wantText(t *testing.T, f pageFacts, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(f.Text, w) {
			t.Errorf("%s : texte attendu absent : %q", f.Path, w)
		}
	}
}

// login signs in through the form, as a person would.
func login(t *testing.T, ctx context.Context, user, password string) {
	t.Helper()
	navigate(t, ctx, "/connexion")
	if err := chromedp.Do(ctx,
		typeInto("#login", user),
		typeInto("#password", password),
	); err != nil {
		t.Fatalf("saisie de l'identifiant : %v", err)
	}
	clickAndWait(t, ctx, `main form[action="/connexion"] button[type=submit]`)
}

func TestBrowserVisitorPages(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	pages := []struct {
		path, h1 string
		text     []string
	}{
		{"/", "", nil},
		{"/referentiel", "Référentiel d'activités et de certification", nil},
		{"/referentiel/taches/1.4", "", []string{
			"Qualité et pertinence des questions, des étapes de l'entretien.",
			"Elaboration d'un guide d'entretien",
			"Compétences associées", "Compétences ou capacités évaluées", "Modalités d'évaluation", "Critères d'évaluation",
		}},
		{"/referentiel/taches/4.1", "", []string{"Acteurs de l'intervention sociale ;"}},
		{"/referentiel/taches/6.7", "", []string{"Aucune capacité évaluée"}},
		{"/referentiel/lacunes", "", nil},
		{"/referentiel/productions", "", []string{"Guide d'entretien"}},
		{"/referentiel/productions/guide-entretien", "Guide d'entretien", []string{"Elaboration d'un guide d'entretien"}},
		{"/accessibilite", "", nil},
		{"/donnees-personnelles", "", nil},
		{"/connexion", "Se connecter", nil},
		{"/cette-page-n-existe-pas", "Page introuvable", []string{"Code 404."}},
		{"/referentiel/taches/9.9", "Page introuvable", []string{"Cette tâche n'existe pas dans le référentiel."}},
	}
	for _, p := range pages {
		f := checkPage(t, ctx, p.path)
		if p.h1 != "" && f.h1() != p.h1 {
			t.Errorf("%s : h1 %q, attendu %q", p.path, f.h1(), p.h1)
		}
		wantText(t, f, p.text...)
		if strings.HasPrefix(p.path, "/referentiel/taches/") && p.h1 == "" {
			id := strings.TrimPrefix(p.path, "/referentiel/taches/")
			if !strings.HasPrefix(f.h1(), id+" ") && !strings.HasPrefix(f.h1(), id+"\n") {
				t.Errorf("%s : h1 %q, attendu le numéro %s puis le titre", p.path, f.h1(), id)
			}
		}
	}
	// A visitor sent to a private page lands on the login form.
	navigate(t, ctx, "/compte")
	if f := readPage(t, ctx); f.Path != "/connexion" || !strings.Contains(f.URL, "retour=%2Fcompte") {
		t.Errorf("/compte sans session : arrivé sur %s, attendu /connexion?retour=%%2Fcompte", f.URL)
	}
}

func TestBrowserSearch(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	navigate(t, ctx, "/referentiel")
	if err := chromedp.Do(ctx, typeInto("#q", "evaluation urgence")); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, `form[role=search] button[type=submit]`)
	f := audit(t, ctx)
	if u, _ := url.Parse(f.URL); u == nil || u.Path != "/referentiel" || u.Query().Get("q") != "evaluation urgence" {
		t.Errorf("URL après la recherche : %s, attendu /referentiel?q=evaluation+urgence", f.URL)
	}
	hits := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('ol.hits > li'), li => li.innerText.replace(/\s+/g, ' ').trim())`)
	found := slices.ContainsFunc(hits, func(h string) bool {
		return strings.Contains(h, "Tâche 1.5") && strings.Contains(h, "Evaluer le niveau d'urgence de la demande")
	})
	if !found {
		t.Errorf("la recherche « evaluation urgence » (sans accent) ne trouve pas la compétence 1.5 « Evaluer le niveau d'urgence de la demande » ; résultats : %q ; titre : %q", hits, f.h1())
	}

	// Same search in upper case with accents: folding works both ways.
	navigate(t, ctx, "/referentiel")
	if err := chromedp.Do(ctx, typeInto("#q", "ÉVALUER URGENCE")); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, `form[role=search] button[type=submit]`)
	hits = eval[[]string](t, ctx, `Array.from(document.querySelectorAll('ol.hits > li'), li => li.innerText.replace(/\s+/g, ' ').trim())`)
	if !slices.ContainsFunc(hits, func(h string) bool {
		return strings.Contains(h, "Tâche 1.5") && strings.Contains(h, "Evaluer le niveau d'urgence de la demande")
	}) {
		t.Errorf("la recherche « ÉVALUER URGENCE » ne trouve pas 1.5/comp/6 ; résultats : %q", hits)
	}

	// Filters: activity 6, tasks without assessment. The query field, which
	// keeps the last search, is emptied first, else the page shows search
	// results. (chromedp.SetValue cannot set "": its empty argument is
	// dropped, so the field is cleared in JavaScript.)
	if q := eval[string](t, ctx, `document.getElementById('q').value`); q != "ÉVALUER URGENCE" {
		t.Errorf("le champ de recherche ne garde pas la saisie : %q", q)
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('q').value = ''`),
		chromedp.SetValue(chromedp.CSS("#activite"), "6"),
		chromedp.SetValue(chromedp.CSS("#evaluation"), "sans"),
	); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, `form[role=search] button[type=submit]`)
	f = audit(t, ctx)
	if u, _ := url.Parse(f.URL); u == nil || u.Query().Get("activite") != "6" || u.Query().Get("evaluation") != "sans" {
		t.Errorf("URL après le filtre : %s, attendu activite=6&evaluation=sans", f.URL)
	}
	type row struct {
		ID  string `json:"id"`
		Tag string `json:"tag"`
	}
	rows := eval[[]row](t, ctx, `Array.from(document.querySelectorAll('ul.tasks > li'), li => ({
		id: (li.querySelector('.task-id') || {}).innerText || '',
		tag: (li.querySelector('.tag') || {}).innerText || '',
	}))`)
	if len(rows) == 0 {
		t.Fatalf("filtre activité 6 + sans évaluation : aucune tâche listée")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		if !strings.HasPrefix(r.ID, "6.") {
			t.Errorf("filtre activité 6 : tâche %q listée", r.ID)
		}
		if r.Tag != "Sans évaluation" {
			t.Errorf("filtre sans évaluation : tâche %s marquée %q", r.ID, r.Tag)
		}
	}
	if !slices.Contains(ids, "6.7") {
		t.Errorf("filtre activité 6 + sans évaluation : 6.7 absente de %q", ids)
	}
	sections := eval[int](t, ctx, `document.querySelectorAll('section.activity').length`)
	if sections != 1 {
		t.Errorf("filtre activité 6 : %d sections d'activité, attendu 1", sections)
	}
}

func TestBrowserRolesLogin(t *testing.T) {
	browserTest(t)
	// pages: reachable pages that are not in the navigation. forms: pages
	// whose form is sent empty, to audit its error state (nothing is saved).
	roles := []struct {
		login, h1    string
		pages, forms []string
	}{
		{"admin", "Administration",
			[]string{"/promotions/1", "/promotions/nouvelle", "/admin/comptes/nouveau", "/compte/mot-de-passe"},
			[]string{"/admin/comptes/nouveau", "/promotions/nouvelle", "/compte/mot-de-passe"}},
		{"responsable", "Espace responsable de formation",
			[]string{"/promotions/1", "/promotions/nouvelle", "/compte/mot-de-passe"},
			[]string{"/promotions/nouvelle", "/compte/mot-de-passe"}},
		{"evaluateur1", "Espace évaluateur",
			[]string{"/promotions/1", "/compte/mot-de-passe"},
			[]string{"/compte/mot-de-passe"}},
		{"apprenant01", "Mon espace apprenant",
			[]string{"/compte/mot-de-passe"},
			[]string{"/compte/mot-de-passe"}},
	}
	for _, r := range roles {
		t.Run(r.login, func(t *testing.T) {
			ctx := newSession(t)
			login(t, ctx, r.login, "demo")
			f := audit(t, ctx)
			if f.Path != "/" {
				t.Fatalf("après la connexion de %s : sur %s, attendu /", r.login, f.URL)
			}
			if f.h1() != r.h1 {
				t.Errorf("accueil de %s : h1 %q, attendu %q", r.login, f.h1(), r.h1)
			}
			links := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('nav.main-nav a'), a => a.getAttribute('href'))`)
			if len(links) < 3 {
				t.Errorf("navigation de %s : %q, trop peu de liens", r.login, links)
			}
			for _, href := range links {
				if href == "/" {
					continue
				}
				g := checkPage(t, ctx, href)
				if g.Path != href {
					t.Errorf("lien %s de %s : arrivé sur %s", href, r.login, g.URL)
				}
				if strings.Contains(g.Text, "Accès refusé") || strings.Contains(g.Text, "Page introuvable") {
					t.Errorf("lien %s de la navigation de %s : page d'erreur %q", href, r.login, g.h1())
				}
				current := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('nav.main-nav a[aria-current="page"]'), a => a.getAttribute('href'))`)
				if !slices.Equal(current, []string{href}) {
					t.Errorf("%s : lien courant de la navigation %q, attendu [%s]", href, current, href)
				}
			}
			for _, path := range r.pages {
				g := checkPage(t, ctx, path)
				if g.Path != path || g.h1() == "Accès refusé" || g.h1() == "Page introuvable" {
					t.Errorf("%s pour %s : %s, h1 %q", path, r.login, g.URL, g.h1())
				}
			}
			for _, path := range r.forms {
				navigate(t, ctx, path)
				clickAndWait(t, ctx, `main form[method=post] button[type=submit]`)
				g := audit(t, ctx)
				errs := eval[int](t, ctx, `document.querySelectorAll('.error-summary li').length`)
				invalid := eval[int](t, ctx, `document.querySelectorAll('[aria-invalid="true"]').length`)
				if errs == 0 || invalid == 0 {
					t.Errorf("%s envoyé vide par %s : %d erreurs dans le récapitulatif, %d champs aria-invalid ; h1 %q", path, r.login, errs, invalid, g.h1())
				}
			}
			navigate(t, ctx, "/")
			clickAndWait(t, ctx, `form[action="/deconnexion"] button[type=submit]`)
			f = audit(t, ctx)
			if f.Path != "/connexion" {
				t.Errorf("après « Se déconnecter » : sur %s, attendu /connexion", f.URL)
			}
			wantText(t, f, "Vous êtes déconnecté.")
			// The session is really gone.
			navigate(t, ctx, "/compte")
			if g := readPage(t, ctx); g.Path != "/connexion" {
				t.Errorf("après la déconnexion, /compte mène à %s, attendu /connexion", g.URL)
			}
		})
	}
}

func TestBrowserLoginErrors(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	login(t, ctx, "evaluateur2", "pas-le-bon")
	f := audit(t, ctx)
	if f.Path != "/connexion" {
		t.Errorf("mauvais mot de passe : sur %s, attendu /connexion", f.URL)
	}
	if f.h1() != "Se connecter" {
		t.Errorf("mauvais mot de passe : h1 %q", f.h1())
	}
	summary := eval[string](t, ctx, `(() => {
		const s = document.querySelector('.error-summary');
		if (!s) return '';
		const r = s.getBoundingClientRect();
		return (r.width > 0 && r.height > 0 && getComputedStyle(s).visibility !== 'hidden') ? s.innerText : '(invisible)';
	})()`)
	if !strings.Contains(summary, "Identifiant ou mot de passe incorrect.") {
		t.Errorf("récapitulatif d'erreurs %q, attendu « Identifiant ou mot de passe incorrect. »", summary)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#login"))); err != nil || v != "evaluateur2" {
		t.Errorf("le champ identifiant vaut %q (%v), attendu la saisie « evaluateur2 »", v, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#password"))); err != nil || v != "" {
		t.Errorf("le champ mot de passe est prérempli (%q, %v)", v, err)
	}
	if inv := eval[string](t, ctx, `document.getElementById('password').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("#password : aria-invalid=%q, attendu \"true\"", inv)
	}
	// Still signed out.
	navigate(t, ctx, "/compte")
	if g := readPage(t, ctx); g.Path != "/connexion" {
		t.Errorf("après un échec de connexion, /compte mène à %s", g.URL)
	}

	// Empty form: one message per field.
	navigate(t, ctx, "/connexion")
	clickAndWait(t, ctx, `main form[action="/connexion"] button[type=submit]`)
	f = audit(t, ctx)
	wantText(t, f, "Saisissez votre identifiant.", "Saisissez votre mot de passe.")
}

func TestBrowserForbidden(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	login(t, ctx, "apprenant01", "demo")
	if f := readPage(t, ctx); f.h1() != "Mon espace apprenant" {
		t.Fatalf("connexion d'apprenant01 : h1 %q", f.h1())
	}
	f := checkPage(t, ctx, "/admin/comptes")
	if f.h1() != "Accès refusé" {
		t.Errorf("/admin/comptes pour apprenant01 : h1 %q, attendu « Accès refusé »", f.h1())
	}
	wantText(t, f, "Vous n'avez pas accès à cette page.", "Code 403.")
	if strings.Contains(f.Text, "apprenant02") || strings.Contains(f.Text, "evaluateur1") {
		t.Errorf("/admin/comptes refusé mais la liste des comptes est visible")
	}
}

func TestBrowserKeyboard(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	navigate(t, ctx, "/connexion")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	type focus struct {
		Tag     string  `json:"tag"`
		Text    string  `json:"text"`
		Href    string  `json:"href"`
		ID      string  `json:"id"`
		Left    float64 `json:"left"`
		Top     float64 `json:"top"`
		Width   float64 `json:"width"`
		Height  float64 `json:"height"`
		Outline string  `json:"outline"`
	}
	const readFocus = `(() => {
		const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
		return {tag: a.tagName, text: a.innerText.trim(), href: a.getAttribute('href') || '', id: a.id,
			left: r.left, top: r.top, width: r.width, height: r.height,
			outline: s.outlineStyle + ' ' + s.outlineWidth + ' / ' + s.boxShadow};
	})()`
	got := eval[focus](t, ctx, readFocus)
	if got.Tag != "A" || got.Text != "Aller au contenu" || got.Href != "#contenu" {
		t.Fatalf("premier Tab : le focus est sur <%s href=%q> %q, attendu le lien d'évitement « Aller au contenu »", got.Tag, got.Href, got.Text)
	}
	if got.Width < 1 || got.Height < 1 || got.Left < 0 || got.Top < 0 || got.Left > 1280 || got.Top > 900 {
		t.Errorf("le lien d'évitement focalisé n'est pas visible à l'écran : %+v", got)
	}
	// Enter follows it: the focus moves to the main content.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	var after focus
	for range 20 {
		if after = eval[focus](t, ctx, readFocus); after.ID == "contenu" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after.ID != "contenu" {
		t.Errorf("Entrée sur « Aller au contenu » : le focus est sur <%s id=%q>, attendu <main id=\"contenu\">", after.Tag, after.ID)
	}
	// The next Tab reaches the first field of the form.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if next := eval[focus](t, ctx, readFocus); next.ID != "login" {
		t.Errorf("Tab après le lien d'évitement : focus sur <%s id=%q>, attendu le champ #login", next.Tag, next.ID)
	}
}

// recorder collects the errors that audit reports, so a test can check that
// the harness does report them.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestBrowserHarnessCatchesDefects breaks a real page in the browser and
// checks that audit reports each defect: a harness that cannot fail proves
// nothing.
func TestBrowserHarnessCatchesDefects(t *testing.T) {
	browserTest(t)
	ctx := newSession(t)
	navigate(t, ctx, "/connexion")
	clean := &recorder{TB: t}
	audit(clean, ctx)
	if len(clean.errs) > 0 {
		t.Fatalf("/connexion intacte devrait passer l'audit : %q", clean.errs)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		document.documentElement.lang = 'en';
		document.title = 'Login';
		const m = document.querySelector('main');
		m.insertAdjacentHTML('beforeend',
			'<h1>Second</h1>' +
			'<img src="/static/favicon.svg">' +
			'<input type="text" id="sans-etiquette">' +
			'<p style="color:#ccc;background:#fff">Submit</p>' +
			'<p>sql: no rows in result set</p>' +
			'<p>Password</p>');
	})()`)); err != nil {
		t.Fatal(err)
	}
	broken := &recorder{TB: t}
	audit(broken, ctx)
	all := strings.Join(broken.errs, "\n")
	t.Logf("%d défauts signalés comme attendu", len(broken.errs))
	for _, want := range []string{
		"axe image-alt", "axe label", "axe color-contrast",
		`lang="en"`, "2 titres h1", `titre "Login"`, `"sql:"`, `mot anglais "Submit"`, `mot anglais "Password"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("l'audit n'a pas signalé %q ; il a signalé :\n%s", want, all)
		}
	}
}
