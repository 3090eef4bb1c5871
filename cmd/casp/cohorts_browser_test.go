package main

// Browser journey of cohort management: the responsable opens the demo
// cohort, imports learners from a CSV file (a wrong file first, then a file
// with one erroneous line), confirms, assigns an assessor whom the
// administrator has just created, and edits the cohort's site; a new learner
// then signs in with the temporary password and must choose their own.
// Every page visited, error states included, goes through audit.
//
// The demo server is shared: the logins created here carry the run's suffix,
// and the cohort keeps its name and dates.

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowserCohortImportAndAssessor(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	assessorLogin := "eval-" + j.suffix
	first, second := "imp-"+j.suffix+"-a", "imp-"+j.suffix+"-b"

	// The administrator creates the assessor's account.
	admin := j.as("admin")
	checkPage(t, admin, "/admin/comptes/nouveau")
	typeText(t, admin, "#display_name", "Évaluatrice "+j.suffix)
	typeText(t, admin, "#login", assessorLogin)
	typeText(t, admin, "#password", "une phrase de passe solide")
	if err := chromedp.Do(admin, press("#role-assessor")); err != nil {
		t.Fatal(err)
	}
	if f := submitForm(t, admin, `main form[action="/admin/comptes"] button[type=submit]`); f.Path != "/admin/comptes" {
		t.Fatalf("création de l'évaluatrice : arrivé sur %s (h1 %q) : %s", f.URL, f.h1(), textOf(t, admin, ".error-summary"))
	}

	// The responsable opens the demo cohort from the list.
	mgr := j.as("responsable")
	checkPage(t, mgr, "/promotions")
	f := submitForm(t, mgr, `main a[href="/promotions/1"]`)
	if f.h1() != "Promotion 2026" {
		t.Fatalf("promotion de démonstration : h1 %q", f.h1())
	}
	f = submitForm(t, mgr, `main a[href="/promotions/1/import"]`)
	wantText(t, f, "identifiant;nom;courriel", "Télécharger le modèle à remplir (CSV)")

	// A spreadsheet saved as .xlsx is refused next to the field.
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "apprenants.xlsx")
	if err := os.WriteFile(xlsx, xlsxBytes(t), 0o600); err != nil {
		t.Fatal(err)
	}
	upload := func(path string) pageFacts {
		t.Helper()
		if err := chromedp.Do(mgr, uploadFiles("#fichier", []string{path})); err != nil {
			t.Fatalf("choix du fichier : %v", err)
		}
		return submitForm(t, mgr, `main form[enctype="multipart/form-data"] button[type=submit]`)
	}
	f = upload(xlsx)
	if msg := textOf(t, mgr, "#fichier-error"); !strings.Contains(msg, "classeur Excel (XLSX), pas un fichier CSV") {
		t.Errorf("fichier XLSX : message %q", msg)
	}
	if inv := eval[string](t, mgr, `document.getElementById('fichier').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("#fichier : aria-invalid=%q", inv)
	}

	// The real file, from Excel: Windows-1252 and semicolons, one bad line.
	csv := "Identifiant;Nom complet;Courriel\r\n" +
		first + ";Ana\xefs Lef\xe8vre;anais@exemple.fr\r\n" +
		"jean dupont;Jean Dupont;\r\n" +
		second + ";Bruno C\xf4t\xe9;\r\n"
	file := filepath.Join(dir, "promotion.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	f = upload(file)
	if f.h1() != "Aperçu de l'import — Promotion 2026" {
		t.Fatalf("aperçu : h1 %q ; %s", f.h1(), textOf(t, mgr, ".error-summary"))
	}
	wantText(t, f, "Windows-1252", "2\u00a0nouveaux apprenants", "1\u00a0ligne en erreur", "Anaïs Lefèvre", "Bruno Côté")
	if n := countOf(t, mgr, "table.import-preview tbody tr"); n != 3 {
		t.Errorf("aperçu : %d lignes, attendu 3", n)
	}
	bad := textOf(t, mgr, "table.import-preview tr.row-error")
	if !strings.Contains(bad, "Erreur") || !strings.Contains(bad, "L'identifiant « jean dupont » contient une espace") {
		t.Errorf("ligne en erreur : %q", bad)
	}

	f = submitForm(t, mgr, `main form[action^="/promotions/1/import/"] button[type=submit]`)
	if f.h1() != "Import terminé — Promotion 2026" {
		t.Fatalf("import : h1 %q", f.h1())
	}
	wantText(t, f, "2\u00a0comptes créés", "1\u00a0ligne en erreur ignorée", "Ils ne sont affichés qu'une fois")
	href := eval[string](t, mgr, `(document.querySelector('a[download^="identifiants-"]') || {}).href || ''`)
	if !strings.HasPrefix(href, "data:text/csv;charset=utf-8;base64,") {
		t.Errorf("lien de téléchargement des identifiants : %.60q", href)
	}
	password := textOf(t, mgr, `table.credentials tr:has(code) td:last-child code`)
	if !regexp.MustCompile(`^[a-z0-9]{5}(-[a-z0-9]{5}){3}$`).MatchString(password) {
		t.Fatalf("mot de passe provisoire lu : %q", password)
	}
	firstLogin := textOf(t, mgr, `table.credentials tbody tr th code`)

	f = submitForm(t, mgr, `main a[href="/promotions/1"]`)
	wantText(t, f, "Anaïs Lefèvre "+first, "Bruno Côté "+second)

	// Assign the new assessor with the members form.
	value := eval[string](t, mgr, `(Array.from(document.querySelectorAll('#ajout-assessor option')).find(o => o.text.includes(`+jsString(assessorLogin)+`)) || {}).value || ''`)
	if value == "" {
		t.Fatalf("%s absent de la liste des évaluateurs à rattacher", assessorLogin)
	}
	if err := chromedp.Do(mgr, setValue("#ajout-assessor", value)); err != nil {
		t.Fatal(err)
	}
	f = submitForm(t, mgr, `form.add-member:has(#ajout-assessor) button[type=submit]`)
	wantText(t, f, "("+assessorLogin+") fait désormais partie de la promotion", "Évaluatrice "+j.suffix+" "+assessorLogin)
	// Withdrawing her asks first, naming her and what it does; « Annuler »
	// leaves her in.
	if !eval[bool](t, mgr, `(() => { const li = Array.from(document.querySelectorAll('ul.members li')).find(l => (l.querySelector('code') || {}).textContent === `+
		jsString(assessorLogin)+`); if (!li || !li.querySelector('button')) return false; li.querySelector('button').setAttribute('data-essai', 'retirer'); return true })()`) {
		t.Fatalf("pas de bouton « Retirer » pour %s", assessorLogin)
	}
	cancelDialog(t, mgr, `button[data-essai=retirer]`, "Retirer Évaluatrice "+j.suffix+" de la promotion ?", false)
	openConfirmDialog(t, mgr, `button[data-essai=retirer]`, "Retirer Évaluatrice "+j.suffix+" de la promotion ?",
		assessorLogin, "Elle ne verra plus les pièces de la promotion")
	if err := chromedp.Do(mgr, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	f = checkPage(t, mgr, "/promotions/1")
	wantText(t, f, "Évaluatrice "+j.suffix+" "+assessorLogin)

	// The deadlines page, then the site.
	checkPage(t, mgr, "/promotions/1/echeances")
	navigate(t, mgr, "/promotions/1")
	f = submitForm(t, mgr, `main a[href="/promotions/1/modifier"]`)
	start := fieldValue(t, mgr, "#starts_on")
	if err := chromedp.Do(mgr, setValue("#ends_on", "2001-01-01")); err != nil {
		t.Fatal(err)
	}
	site := "Cnam Lille — " + j.suffix
	replaceText(t, mgr, "#site", site)
	f = submitForm(t, mgr, `main form[action="/promotions/1/modifier"] button[type=submit]`)
	if msg := textOf(t, mgr, "#ends_on-error"); !strings.Contains(msg, "La date de fin doit suivre la date de début.") {
		t.Errorf("fin avant le début : message %q", msg)
	}
	if v := fieldValue(t, mgr, "#site"); v != site {
		t.Errorf("site saisi perdu après l'erreur : %q", v)
	}
	if err := chromedp.Do(mgr, setValue("#ends_on", "2026-12-18")); err != nil {
		t.Fatal(err)
	}
	f = submitForm(t, mgr, `main form[action="/promotions/1/modifier"] button[type=submit]`)
	if f.Path != "/promotions/1" {
		t.Fatalf("modification : sur %s ; %s", f.URL, textOf(t, mgr, ".error-summary"))
	}
	wantText(t, f, "La promotion a été modifiée.", "site : "+site)
	if start == "" {
		t.Error("date de début non préremplie")
	}

	// The new learner signs in and must choose a password first.
	learner := newSession(t)
	login(t, learner, firstLogin, password)
	f = audit(t, learner)
	if f.Path != "/compte/mot-de-passe" {
		t.Fatalf("première connexion de %s : sur %s, attendu /compte/mot-de-passe", firstLogin, f.URL)
	}
	wantText(t, f, "Votre mot de passe est provisoire")
	typeText(t, learner, "#current", password)
	typeText(t, learner, "#new", "ma phrase de passe à moi")
	typeText(t, learner, "#confirm", "ma phrase de passe à moi")
	f = submitForm(t, learner, `main form[action="/compte/mot-de-passe"] button[type=submit]`)
	wantText(t, f, "Votre mot de passe a été modifié.")
	if g := checkPage(t, learner, "/portfolio"); g.Path != "/portfolio" {
		t.Errorf("après le changement : /portfolio mène à %s", g.URL)
	}
}

// xlsxBytes is the start of an Excel workbook: a ZIP with its telling
// entries.
func xlsxBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
