package main

// Browser tests: the real server (run "serve --demo") driven by a real
// headless Chromium through chromedp, with axe-core checking every page
// against WCAG 2.1 A/AA, plus checks of the French UI (lang, one h1, title,
// no raw error, no untranslated English word).
//
// Needs chromium-headless-shell or chromium (CASP_CHROMIUM, /usr/bin, or in
// PATH; also chromium-browser, google-chrome); axe-core is embedded (testdata/axe-core). Without
// a browser the tests skip with one line saying how to run them, unless
// CASP_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail instead.
// CASP_SKIP_BROWSER=1 skips them on purpose.
//
// This file starts the browser and the servers and gives tabs;
// browser_page_test.go drives pages (navigate, press, typeInto, eval);
// browser_audit_test.go audits them.

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/inspector"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// Browser tests run three at a time, the longest waiting first, beside the
// package's other tests: one at a time left a core idle about 40 % of the
// time while the page and the server wait on each other (measured on the
// whole suite: 102–106 s with one; with the README's command on 2 cores,
// 92 s and 175 CPU-s with two, 83–86 s and 155–158 CPU-s with three — less
// switching between tests that wait), and the longest first keeps one long
// test from running alone at the end. Each has its
// own server on a copy of the demo database (serverFor) and its own tabs.
var browserSlots = newGate(3)

// browserSeconds is how long each browser test takes alone (measured on
// these 2-core machines); a test not listed counts as short.
var browserSeconds = map[string]float64{
	"TestBrowserLiveSoutenance": 16, "TestBrowserSandboxJourney": 12, "TestBrowserGuideJourney": 11, "TestBrowserRolesLogin": 10,
	"TestBrowserActorMapJourney": 10, "TestBrowserSandboxPoorPlays": 8, "TestBrowserReceptionExercise": 5, "TestBrowserSituations": 6, "TestBrowserDossierDocumentaire": 3, "TestBrowserHeatmapToEvidenceAndJury": 6, "TestBrowserCohortImportAndAssessor": 6,
	"TestBrowserReportPreview": 4.5, "TestBrowserPersonalDataErasure": 3, "TestBrowserVisitorPages": 3,
	"TestBrowserCoverageExportAndAssessors": 2, "TestBrowserSearch": 1.5,
}

// gate lets n holders in at once, the heaviest waiting first. It opens
// 100 ms after the first arrival: the parallel tests all resume together,
// and the heaviest of them should not lose its turn to a quicker arrival.
type gate struct {
	mu      sync.Mutex
	free    int
	open    bool
	timer   *time.Timer
	waiting []*gateWaiter
}

type gateWaiter struct {
	weight float64
	in     chan struct{}
}

func newGate(n int) *gate { return &gate{free: n} }

func (g *gate) enter(weight float64) {
	w := &gateWaiter{weight: weight, in: make(chan struct{})}
	g.mu.Lock()
	g.waiting = append(g.waiting, w)
	if g.timer == nil {
		g.timer = time.AfterFunc(100*time.Millisecond, func() {
			g.mu.Lock()
			g.open = true
			g.admit()
			g.mu.Unlock()
		})
	}
	g.admit()
	g.mu.Unlock()
	<-w.in
}

func (g *gate) leave() {
	g.mu.Lock()
	g.free++
	g.admit()
	g.mu.Unlock()
}

func (g *gate) admit() {
	for g.open && g.free > 0 && len(g.waiting) > 0 {
		best := 0
		for i, w := range g.waiting {
			if w.weight > g.waiting[best].weight {
				best = i
			}
		}
		w := g.waiting[best]
		g.waiting = append(g.waiting[:best], g.waiting[best+1:]...)
		g.free--
		close(w.in)
	}
}

// browserTest starts a browser test: it skips or fails at once when no
// browser runs the tests (see env), then runs beside the package's other
// tests once it has one of the browser's slots. Deadlines start after it.
func browserTest(t *testing.T) {
	t.Helper()
	env(t)
	t.Parallel()
	browserSlots.enter(browserSeconds[t.Name()])
	start := time.Now()
	t.Cleanup(func() {
		browserSlots.leave()
		stats.held(t.Name(), time.Since(start))
	})
}

// stats adds up, under CASP_BROWSER_STATS=1, how long each browser test
// held its slot and how long axe took in it; TestMain prints them, to
// choose what to cut when the suite grows.
// CASP_BROWSER_STATS=2 also prints each axe check.
var stats = browserStats{on: os.Getenv("CASP_BROWSER_STATS") != "", detail: os.Getenv("CASP_BROWSER_STATS") == "2", tests: map[string]*testStats{}}

type browserStats struct {
	on, detail bool
	mu         sync.Mutex
	tests      map[string]*testStats
}

type testStats struct {
	held, axe time.Duration
	checks    int
}

func (s *browserStats) get(name string) *testStats {
	name, _, _ = strings.Cut(name, "/")
	ts := s.tests[name]
	if ts == nil {
		ts = &testStats{}
		s.tests[name] = ts
	}
	return ts
}

func (s *browserStats) held(name string, d time.Duration) {
	if !s.on {
		return
	}
	s.mu.Lock()
	s.get(name).held += d
	s.mu.Unlock()
}

func (s *browserStats) axe(name string, d time.Duration) {
	if !s.on {
		return
	}
	s.mu.Lock()
	ts := s.get(name)
	ts.axe += d
	ts.checks++
	s.mu.Unlock()
}

// step prints, under CASP_BROWSER_STATS=2, how long a page took to come.
func (s *browserStats) step(name, what string, began time.Time) {
	if s.detail {
		fmt.Fprintf(os.Stderr, "%s pas %5d ms  %s  %s\n", time.Now().Format("05.000"), time.Since(began).Milliseconds(), name, what)
	}
}

func (s *browserStats) print() {
	if !s.on {
		return
	}
	names := make([]string, 0, len(s.tests))
	for n := range s.tests {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return s.tests[names[i]].held > s.tests[names[j]].held })
	for _, n := range names {
		ts := s.tests[n]
		fmt.Fprintf(os.Stderr, "%-42s tenu %5.1f s  axe %5.1f s en %3d contrôles\n", n, ts.held.Seconds(), ts.axe.Seconds(), ts.checks)
	}
}

// browserTestTimeout bounds each browser test (or each role of the login
// test).
const browserTestTimeout = 60 * time.Second

func TestMain(m *testing.M) {
	// Every parallel test may wait for its turn at once: the browser's gate,
	// not go test's -parallel (2 here), decides which browser test runs
	// first. A -parallel given on the command line still wins.
	_ = flag.Set("test.parallel", "64")
	code := m.Run()
	browser.stop()
	stats.print()
	os.Exit(code)
}

// browserEnv is the one server and the one browser of the test binary,
// started by the first browser test and stopped by TestMain.
type browserEnv struct {
	once sync.Once
	skip string // set when no browser runs the tests (see missingBrowser)
	err  error  // set when the environment could not start

	baseURL string // the `casp serve --demo` server
	axeJS   string
	axeURL  string // where the pages load axe-core from (see front)
	front   front
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
	if e.err = e.front.start(e.baseURL, e.axeJS); e.err != nil {
		return
	}
	e.axeURL = e.front.url + axePath
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
		// V8 without its helper threads (concurrent marking and sweeping,
		// parallel scavenges, background compilation): the same work on
		// the page's thread, without the threads' overhead. axe-core
		// allocates and compiles much; on both cores busy (go test ./...),
		// the browser tests took 76–78 CPU-s instead of 85–94.
		chromedp.Flag("js-flags", "--single-threaded"),
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

// front is the one address through which every browser test reaches its
// own server: a reverse proxy that routes each request by a cookie the
// test's browser context carries (routeCookie). The pages are
// cross-origin isolated (helmet's COOP and COEP), so Chromium gives each
// origin a renderer process of its own: with one server address per test,
// each test began in a fresh renderer (and its tab went to another for
// about:blank when given back), where axe-core was compiled again and ran
// cold: 0.65 s of CPU per test for the two switches, ≈ 60 new renderers a
// run (measured: cmd/casp alone 46–50 s and 87–95 s of CPU through the
// front, 60–65 s and 121–124 s before). Through one address, a tab keeps
// its renderer from test to test. A request without the cookie (a tab
// given back) gets an empty page with the servers' isolation headers, so
// that it too stays in the renderer; the front also serves axe-core, from
// the same origin, cacheable.
type front struct {
	srv    *httptest.Server
	url    string
	blank  http.Header // the isolation headers of the servers' pages
	mu     sync.RWMutex
	routes map[string]*httputil.ReverseProxy
	proxy  *http.Transport
}

// routeCookie names the cookie that routes a browser context's requests.
const routeCookie = "casp-essai"

// axePath is where the front serves axe-core.
const axePath = "/__essais/axe.min.js"

// isolationHeaders are the headers that decide which renderer process a
// page goes to, copied from the servers' responses.
var isolationHeaders = []string{"Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Cross-Origin-Resource-Policy", "Origin-Agent-Cluster"}

func (f *front) start(serveURL, axe string) error {
	resp, err := http.Get(serveURL + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	f.blank = http.Header{}
	for _, h := range isolationHeaders {
		if v := resp.Header.Get(h); v != "" {
			f.blank.Set(h, v)
		}
	}
	if f.blank.Get("Cross-Origin-Opener-Policy") == "" {
		return errors.New("le serveur n'envoie plus Cross-Origin-Opener-Policy : revoir front (browser_env_test.go)")
	}
	f.routes = map[string]*httputil.ReverseProxy{}
	f.proxy = &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == axePath {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=3600, immutable")
			for h, v := range f.blank {
				w.Header()[h] = v
			}
			_, _ = io.WriteString(w, axe)
			return
		}
		var rp *httputil.ReverseProxy
		if c, err := r.Cookie(routeCookie); err == nil {
			f.mu.RLock()
			rp = f.routes[c.Value]
			f.mu.RUnlock()
		}
		if rp == nil {
			for h, v := range f.blank {
				w.Header()[h] = v
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = io.WriteString(w, "<!doctype html><html lang=fr><title>Onglet libre</title>")
			return
		}
		rp.ServeHTTP(w, r)
	}))
	f.url = f.srv.URL
	return nil
}

// route sends the requests that carry the cookie value name to upstream.
func (f *front) route(name, upstream string) error {
	u, err := url.Parse(upstream)
	if err != nil {
		return err
	}
	rp := &httputil.ReverseProxy{
		// The Host header stays the front's: the server sees the address
		// the browser sees.
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = r.In.Host },
		Transport: f.proxy,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			fmt.Fprintf(os.Stderr, "front : %s %s → %s : %v\n", r.Method, r.URL.Path, upstream, err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	f.mu.Lock()
	f.routes[name] = rp
	f.mu.Unlock()
	return nil
}

func (f *front) close() {
	if f.srv != nil {
		f.srv.Close()
	}
	if f.proxy != nil {
		f.proxy.CloseIdleConnections()
	}
}

func (e *browserEnv) stop() {
	tabs.Lock()
	for _, tb := range tabs.idle {
		tb.close()
	}
	tabs.idle = nil
	tabs.Unlock()
	e.front.close()
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
	route := serverFor(t)
	tb, err := e.takeTab()
	if err != nil {
		t.Fatalf("ouverture d'un onglet : %v", err)
	}
	// The tab's browser context reaches the test's server through the
	// front (see front).
	if _, err := chromedp.CallBrowser(tb.ctx, storage.SetCookies, storage.SetCookiesParams{
		Cookies:          []*network.CookieParam{{Name: routeCookie, Value: route, URL: e.front.url + "/", HTTPOnly: true}},
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
	}); err != nil {
		tb.close()
		t.Fatalf("cookie d'aiguillage : %v", err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	t.Cleanup(func() { cancel(); e.giveBack(tb) })
	return context.WithValue(ctx, baseKey{}, e.front.url)
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
	// The tests read pages with scripts (press, eval), never with
	// chromedp's DOM queries: the domains chromedp enables to track the
	// DOM, style sheets, requests and console are turned off, which saves
	// a quarter of the browser's work per page load.
	for _, off := range []cdp.Command[cdp.Empty, cdp.Empty]{css.Disable, dom.Disable, network.Disable, cdplog.Disable, inspector.Disable} {
		if _, err := chromedp.Call(ctx, off, cdp.Empty{}); err != nil {
			cancel()
			return nil, fmt.Errorf("%s : %w", off.Method, err)
		}
	}
	return &tab{ctx: ctx, close: cancel}, nil
}

// giveBack cleans a tab for the next test (no cookie, the front's empty
// page, scripts on, downloads refused) and returns it to the pool; a tab
// that cannot be cleaned is closed. The empty page is on the front's
// origin, so that the tab keeps its renderer (see front).
func (e *browserEnv) giveBack(tb *tab) {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	id := chromedp.FromContext(tb.ctx).BrowserContextID
	_, err := chromedp.CallBrowser(ctx, storage.ClearCookies, storage.ClearCookiesParams{BrowserContextID: id})
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Navigate(e.front.url+"/"))
	}
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
	}
	if err == nil { // a phone's width set by a test
		_, err = chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	}
	if err == nil {
		// Download events stay on: the switch is the browser session's, not
		// the context's, and a test may be downloading in another context
		// (turned off here, it missed its download's end).
		events := true
		_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: id, EventsEnabled: &events})
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

// serverFor starts t's server if needed and returns the name under which
// the front routes to it (see front).
func serverFor(t *testing.T) string {
	t.Helper()
	root, _, _ := strings.Cut(t.Name(), "/")
	v, _ := servers.LoadOrStore(root, &testServer{})
	ts := v.(*testServer)
	ts.once.Do(func() {
		ts.url = browser.baseURL
		if root != serveTest {
			ts.url, ts.err = browser.startTestServer()
		}
		if ts.err == nil {
			ts.err = browser.front.route(root, ts.url)
		}
	})
	if ts.err != nil {
		t.Fatal(ts.err)
	}
	return root
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
