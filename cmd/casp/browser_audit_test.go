package main

// Auditing a page: axe-core (WCAG 2.1 A/AA) when the page has a part not
// yet checked, then the French UI checks; and signing in through the form.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

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
	for _, m := range rawErrorWords.FindAllStringSubmatchIndex(f.Text, -1) {
		t.Errorf("%s : le texte visible contient %q (erreur brute) : …%s…", where, f.Text[m[2]:m[3]], excerpt(f.Text, m[2:4]))
	}
	for _, m := range englishWords.FindAllStringSubmatchIndex(f.Text, -1) {
		t.Errorf("%s : mot anglais %q dans le texte visible : …%s…", where, f.Text[m[2]:m[3]], excerpt(f.Text, m[2:4]))
	}
	return f
}

// rawErrorMarkers betray a Go error, a panic or an unrendered template when
// they reach the screen (case-sensitive substrings).
var rawErrorMarkers = []string{"Une erreur inattendue est survenue", "Code 500.", "runtime error", "sql:", "SQLITE", "nil pointer", "Internal Server Error",
	"Cannot GET", "{{", "}}", "<no value>", "%!", "ZgotmplZ"}

// rawErrorWords are matched as whole words, since French has « panique ».
var rawErrorWords = wordsRE("panic", "goroutine", "undefined", "NaN")

// englishWords would only be on screen if part of the UI were left
// untranslated; matched case-sensitively as whole words. Proper nouns of the
// framework texts (« CASE 1EdTech ») are not in the list. One expression
// for all reads each page once (33 expressions took 2 CPU-s of the suite).
var englishWords = wordsRE("Login", "Log in", "Logout", "Log out", "Sign in", "Sign out", "Sign up", "Submit",
	"Password", "Username", "Not Found", "Forbidden", "Unauthorized", "Error", "Cancel", "Search",
	"Home", "Settings", "Dashboard", "Welcome", "Save", "Delete", "Edit", "Loading", "Required",
	"Invalid", "Previous", "Filter", "Skip to", "Access denied", "Account", "Users", "Page not found")

// wordsRE matches any of words as a whole word (its first group): no letter
// or digit (accented ones included) on either side.
func wordsRE(words ...string) *regexp.Regexp {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?:^|[^\p{L}\p{N}_])(` + strings.Join(quoted, "|") + `)(?:$|[^\p{L}\p{N}_])`)
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

// audited holds every page part (see pagePartsJS) that axe has checked on
// a page without violation in this test binary.
var audited sync.Map

// partsJS is the walk behind pagePartsJS and axeContextJS: for each
// element, a hash of its tag, of the attributes that decide contrast,
// roles, names and relations (class, style, role, type, lang, hidden…;
// whether aria-*, alt, title, id, for, href… are present and empty), of
// whether it holds text of its own, and of the same for each of its
// ancestors. walk(root, 0, false, visit) calls visit(el, hash, under) on
// each element, under being what visit returned for its parent.
const partsJS = `
	const kept = ['class', 'style', 'role', 'type', 'lang', 'dir', 'hidden', 'open', 'disabled', 'tabindex', 'scope', 'headers'];
	const named = n => n.startsWith('aria-') || ['alt', 'title', 'id', 'for', 'href', 'name', 'label', 'placeholder', 'autocomplete', 'src'].includes(n);
	// cyrb53: a 53-bit hash, exact as a JSON number.
	const hash = (str, seed) => {
		let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
		for (let i = 0; i < str.length; i++) {
			const ch = str.charCodeAt(i);
			h1 = Math.imul(h1 ^ ch, 2654435761);
			h2 = Math.imul(h2 ^ ch, 1597334677);
		}
		h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
		h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
		return 4294967296 * (2097151 & h2) + (h1 >>> 0);
	};
	const walk = (el, parent, under, visit) => {
		let s = el.tagName;
		for (const a of kept) { const v = el.getAttribute(a); if (v !== null) s += '|' + a + '=' + v; }
		for (const a of el.getAttributeNames().sort()) if (named(a)) s += '|' + a + (el.getAttribute(a).trim() ? '' : '=');
		for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) { s += '|t'; break; }
		const h = hash(s, parent % 4294967296);
		const u = visit(el, h, under);
		for (const c of el.children) walk(c, h, u, visit);
	};`

// pagePartsJS lists the parts of the page as axe sees them, without their
// text (see partsJS). A page whose every part, each in its place among the
// same ancestors, was on pages axe has passed is made of checked pieces: it
// differs from them in its words, in how often its parts repeat and in how
// they combine (the order of headings, say), which the templates decide.
const pagePartsJS = `(() => {` + partsJS + `
	const parts = new Set();
	walk(document.documentElement, 0, false, (el, h) => { parts.add(h); return false; });
	return [...parts];
})()`

// axeContextJS(fresh) decides what axe checks on a page with parts not yet
// checked (fresh: their hashes), in window.caspAxeContext: the subtrees
// those parts head, when they sit inside the page's known frame; the whole
// document (null) when one is the frame itself — html, head, body or a
// child of body (a landmark, the skip link…), since axe runs the rules of
// the page (title, language, one main, content in landmarks, bypass) on
// <html> only — or past 40 subtrees. The rules run on a subtree still see
// the whole page: contrast over the ancestors' backgrounds, ids and labels
// anywhere. It returns how many subtrees (0: the whole document).
const axeContextJS = `((fresh) => {` + partsJS + `
	const roots = [];
	walk(document.documentElement, 0, false, (el, h, under) => {
		if (!under && fresh.has(h)) { roots.push(el); return true; }
		return under;
	});
	const frame = el => el === document.documentElement || el === document.body || el.parentElement === document.body || !!el.closest('head');
	window.caspAxeContext = roots.length === 0 || roots.length > 40 || roots.some(frame) ? null : {include: roots};
	return window.caspAxeContext ? roots.length : 0;
})`

// runAxe fails the test with every WCAG 2.1 A/AA violation that axe-core
// finds on the page, when the page has a part (pagePartsJS) that no page
// passed by axe had in this test binary: axe then checks those parts'
// subtrees (axeContextJS), or the whole page when its frame is new;
// CASP_AXE_ALL=1 checks every visit whole. About 130 checks instead of 300
// visits, 123 of them on subtrees: axe took 30 s of the package's browser
// time instead of 37 s (most of a check is axe's setup over the whole page,
// whatever the context).
func runAxe(t testing.TB, ctx context.Context, where string) {
	t.Helper()
	parts := eval[[]float64](t, ctx, pagePartsJS)
	if len(parts) == 0 {
		t.Fatalf("%s : page vide pour axe", where)
	}
	all := os.Getenv("CASP_AXE_ALL") == "1"
	var fresh []float64
	for _, p := range parts {
		if _, seen := audited.Load(p); !seen {
			fresh = append(fresh, p)
		}
	}
	if len(fresh) == 0 && !all {
		return
	}
	if all {
		fresh = nil // the whole document
	}
	began := time.Now()
	passed := checkWithAxe(t, ctx, where, fresh)
	stats.axe(t.Name(), time.Since(began))
	if stats.detail {
		n := eval[int](t, ctx, `document.getElementsByTagName('*').length`)
		fmt.Fprintf(os.Stderr, "%s axe %5d ms %5d éléments %3d parties neuves  %s  %s\n", time.Now().Format("05.000"), time.Since(began).Milliseconds(), n, len(fresh), t.Name(), where)
	}
	if !passed {
		return
	}
	for _, p := range parts {
		audited.Store(p, true)
	}
}

// checkWithAxe injects axe-core (once per document) and reports every WCAG
// 2.1 A/AA violation in the subtrees headed by the fresh parts (see
// axeContextJS), or in the whole page when fresh is empty; it says whether
// the page passed.
func checkWithAxe(t testing.TB, ctx context.Context, where string, fresh []float64) bool {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if err := injectAxe(ctx); err != nil {
			t.Fatalf("%s : injection d'axe-core : %v", where, err)
		}
	}
	if len(fresh) > 0 {
		list, err := json.Marshal(fresh)
		if err != nil {
			t.Fatal(err)
		}
		eval[int](t, ctx, axeContextJS+`(new Set(`+string(list)+`))`)
	} else {
		eval[bool](t, ctx, `(window.caspAxeContext = null) === null`)
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
	return axe.run(window.caspAxeContext || document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
		// Only violations are detailed (and incomplete results when asked):
		// half the time of a full report.
		resultTypes: `+resultTypes+`,
		// No preloading of the style sheets and media: only the rule
		// css-orientation-lock reads the CSSOM, and it is experimental (not
		// run); the pages hold no audio or video. Each check fetched and
		// parsed casp.css again: 103–115 CPU-s for the package instead of
		// 121–123 (two runs each).
		preload: false,
	}).then(r => ({
		version: axe.version,
		passes: r.passes.length + r.violations.length,
		violations: r.violations.map(brief),
		incomplete: r.incomplete.map(brief),
	}));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s : axe.run : %v", where, err)
	}
	// A subtree may hold nothing a rule applies to; a whole page always does.
	if res.Version == "" || (len(fresh) == 0 && res.Passes == 0) {
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

// injectAxe loads axe-core into the page from its cacheable address; where
// the page runs no script of its own (scripts disabled), the source is
// evaluated instead.
func injectAxe(ctx context.Context) error {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(done => {
		const s = document.createElement('script');
		s.src = `+jsString(browser.axeURL)+`;
		s.onload = () => done(typeof window.axe === 'object');
		s.onerror = () => done(false);
		document.head.appendChild(s);
		setTimeout(() => done(typeof window.axe === 'object'), 3000);
	})`, chromedp.EvalAwaitPromise))
	if err != nil || loaded {
		return err
	}
	return chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](browser.axeJS))
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
