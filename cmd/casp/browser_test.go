package main

// The browser tests of the public pages, the sign-in, the roles and the
// harness itself (see browser_env_test.go).

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

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
		setValue("#activite", "6"),
		setValue("#evaluation", "sans"),
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
			[]string{"/promotions/1", "/promotions/nouvelle", "/admin/comptes/nouveau", "/admin/comptes/1", "/admin/comptes/2", "/compte/mot-de-passe"},
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
	// The password page and the new cohort form are the same for every
	// role that reaches them: checked (and sent empty) for the first role
	// only. Each role's home, navigation and cohort page are checked every
	// time.
	checked := map[string]bool{}
	sameForAll := map[string]bool{"/compte/mot-de-passe": true, "/promotions/nouvelle": true}
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
				if sameForAll[path] && checked["page "+path] {
					continue
				}
				checked["page "+path] = true
				g := checkPage(t, ctx, path)
				if g.Path != path || g.h1() == "Accès refusé" || g.h1() == "Page introuvable" {
					t.Errorf("%s pour %s : %s, h1 %q", path, r.login, g.URL, g.h1())
				}
			}
			for _, path := range r.forms {
				if sameForAll[path] && checked["form "+path] {
					continue
				}
				checked["form "+path] = true
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
	if v := fieldValue(t, ctx, "#login"); v != "evaluateur2" {
		t.Errorf("le champ identifiant vaut %q, attendu la saisie « evaluateur2 »", v)
	}
	if v := fieldValue(t, ctx, "#password"); v != "" {
		t.Errorf("le champ mot de passe est prérempli (%q)", v)
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

	// The same defects inside a page already checked, its frame intact:
	// axe checks only the new parts' subtrees, and still finds them.
	navigate(t, ctx, "/connexion")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector('main form').insertAdjacentHTML('beforeend',
			'<div class="essai"><img src="/static/favicon.svg">' +
			'<input type="text" id="sans-etiquette">' +
			'<p style="color:#ccc;background:#fff">Texte pâle</p></div>');
	})()`)); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, axeContextJS+`(new Set(`+jsonOf(t, eval[[]float64](t, ctx, pagePartsJS))+`))`); n != 0 {
		t.Fatalf("toutes les parties nouvelles : %d sous-arbres au lieu du document entier", n)
	}
	inner := &recorder{TB: t}
	audit(inner, ctx)
	all = strings.Join(inner.errs, "\n")
	for _, want := range []string{"axe image-alt", "axe label", "axe color-contrast"} {
		if !strings.Contains(all, want) {
			t.Errorf("défaut dans une page déjà vérifiée : l'audit n'a pas signalé %q ; il a signalé :\n%s", want, all)
		}
	}
	if n := eval[int](t, ctx, `window.caspAxeContext ? window.caspAxeContext.include.length : 0`); n != 1 {
		t.Errorf("défaut dans une page déjà vérifiée : axe a vérifié %d sous-arbres, attendu 1 (le bloc ajouté)", n)
	}
	// A new part in the frame (here an empty <title>, in head): the whole
	// document is checked, with the rules axe runs on <html> only.
	navigate(t, ctx, "/connexion")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('title').textContent = ''`)); err != nil {
		t.Fatal(err)
	}
	frame := &recorder{TB: t}
	audit(frame, ctx)
	if all = strings.Join(frame.errs, "\n"); !strings.Contains(all, "axe document-title") {
		t.Errorf("<title> vide : axe ne l'a pas signalé (page entière non vérifiée ?) ; l'audit a signalé :\n%s", all)
	}
}

// jsonOf writes v as JSON (for a script's argument).
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
