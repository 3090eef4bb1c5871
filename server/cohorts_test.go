package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

func cohortForm(name, site, framework, start, end string) url.Values {
	return url.Values{"name": {name}, "site": {site}, "framework": {framework}, "starts_on": {start}, "ends_on": {end}}
}

func TestCohortEditSiteAndValidation(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	form := mgr.Get("/promotions/1/modifier")
	if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="Promotion 2026"`) || !strings.Contains(form.Body, `name="site"`) {
		t.Fatalf("formulaire de modification : %d", form.Status)
	}
	// Invalid: empty name, end before start. Messages next to the fields, input kept.
	r := mgr.Submit("/promotions/1/modifier", "/promotions/1/modifier", cohortForm("", "Cnam Lille", "casp-2016", "2026-09-01", "2026-08-01"))
	text := testenv.Text(r.Body)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text, "Ce champ est obligatoire.") ||
		!strings.Contains(text, "La date de fin doit suivre la date de début.") || !strings.Contains(r.Body, `value="Cnam Lille"`) {
		t.Fatalf("formulaire invalide : %d %s", r.Status, text)
	}
	if !strings.Contains(r.Body, `id="name-error"`) || !strings.Contains(r.Body, `aria-invalid="true"`) {
		t.Fatal("message d'erreur non relié au champ")
	}
	if co, _ := env.Platform.Accounts.Cohort(ctx, 1); co.Name != "Promotion 2026" || co.Site != "" {
		t.Fatalf("promotion modifiée malgré l'erreur : %+v", co)
	}
	// Missing CSRF token: refused, nothing changed.
	r = mgr.Post("/promotions/1/modifier", cohortForm("Piratée", "", "casp-2016", "2026-09-01", "2027-06-30"))
	if r.Status != http.StatusForbidden {
		t.Fatalf("sans jeton CSRF : %d", r.Status)
	}
	// Valid, with a French date.
	r = mgr.Submit("/promotions/1/modifier", "/promotions/1/modifier", cohortForm("Promotion 2026 — Lille", "Cnam Lille — Euratechnologies", "casp-2016", "01/09/2025", "2026-06-30"))
	if r.Status != http.StatusSeeOther || r.Location != "/promotions/1" {
		t.Fatalf("modification : %d %s", r.Status, testenv.Text(r.Body))
	}
	page := testenv.Text(mgr.Get("/promotions/1").Body)
	if !strings.Contains(page, "La promotion a été modifiée.") || !strings.Contains(page, "site : Cnam Lille — Euratechnologies") || !strings.Contains(page, "Du 1er septembre 2025") {
		t.Fatalf("page de la promotion après modification : %s", page)
	}
	if list := testenv.Text(mgr.Get("/promotions").Body); !strings.Contains(list, "Cnam Lille — Euratechnologies") {
		t.Fatal("le site n'apparaît pas dans la liste des promotions")
	}
	log, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionCohortEdited})
	if len(log) != 1 || log[0].ActorLogin != "responsable" || !strings.Contains(log[0].Detail, "site : (vide) → « Cnam Lille — Euratechnologies »") {
		t.Fatalf("modification non journalisée : %+v", log)
	}

	// Who may not: an assessor of the cohort, the manager of another cohort,
	// and forged ids.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if r := ass.Get("/promotions/1/modifier"); r.Status != http.StatusForbidden {
		t.Fatalf("évaluateur : %d", r.Status)
	}
	other, _ := otherManager(t, env)
	if r := other.Get("/promotions/1/modifier"); r.Status != http.StatusForbidden {
		t.Fatalf("responsable d'une autre promotion : %d", r.Status)
	}
	r = other.Submit("/promotions", "/promotions/1/modifier", cohortForm("Volée", "", "casp-2016", "2026-09-01", "2027-06-30"))
	if r.Status != http.StatusForbidden {
		t.Fatalf("responsable d'une autre promotion, envoi : %d", r.Status)
	}
	for _, p := range []string{"/promotions/abc/modifier", "/promotions/999/modifier", "/promotions/-1/modifier"} {
		if r := mgr.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s : %d, attendu 404", p, r.Status)
		}
	}
}

// otherManager signs in a manager of another cohort only, and returns
// that cohort's path.
func otherManager(t *testing.T, env *testenv.Env) (*testenv.Client, string) {
	t.Helper()
	ctx := context.Background()
	acc := env.Platform.Accounts
	u, err := acc.Create(ctx, account.NewUser{Login: "resp.autre", DisplayName: "Responsable Autre", Role: account.Manager, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	co, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Promotion Bordeaux", FrameworkID: "casp-2016", StartsOn: "2026-09-01", EndsOn: "2027-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.AddMember(ctx, co.ID, u.ID, account.Manager); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login("resp.autre", "une phrase de passe")
	return c, "/promotions/" + strconv.FormatInt(co.ID, 10)
}

func TestCohortFrameworkLockedOncePiecesExist(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	acc := env.Platform.Accounts
	// Only casp-2016 ships: cohorts on an older version stand for the
	// change of version.
	co, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Promotion 2015", FrameworkID: "casp-2010", StartsOn: "2015-09-01", EndsOn: "2016-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := acc.CreateCohort(ctx, account.NewCohort{Name: "Promotion vide", FrameworkID: "casp-2010", StartsOn: "2015-09-01", EndsOn: "2016-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := acc.Create(ctx, account.NewUser{Login: "ancienne", DisplayName: "Ancienne Apprenante", Role: account.Learner, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.AddMember(ctx, co.ID, l.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	learner := env.NewClient()
	learner.Login("ancienne", "une phrase de passe")
	createPiece(t, learner, "note-synthese", "Un brouillon suffit")

	admin := env.NewClient()
	admin.Login("admin", "demo")
	path := "/promotions/" + strconv.FormatInt(co.ID, 10) + "/modifier"
	r := admin.Submit(path, path, cohortForm("Promotion 2015", "", "casp-2016", "2015-09-01", "2016-06-30"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "La promotion compte déjà 1 pièce rédigées avec le référentiel casp-2010 : sa version ne peut plus changer.") {
		t.Fatalf("changement de version avec des pièces : %d %s", r.Status, testenv.Text(r.Body))
	}
	if got, _ := acc.Cohort(ctx, co.ID); got.FrameworkID != "casp-2010" {
		t.Fatalf("version changée malgré le refus : %s", got.FrameworkID)
	}
	// An unknown version is refused as well.
	r = admin.Submit(path, path, cohortForm("Promotion 2015", "", "inventee-2030", "2015-09-01", "2016-06-30"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Choisissez une version du référentiel dans la liste.") {
		t.Fatalf("version inconnue : %d", r.Status)
	}
	// Without pieces the version may change.
	path = "/promotions/" + strconv.FormatInt(empty.ID, 10) + "/modifier"
	if r := admin.Submit(path, path, cohortForm("Promotion vide", "", "casp-2016", "2015-09-01", "2016-06-30")); r.Status != http.StatusSeeOther {
		t.Fatalf("changement de version sans pièce : %d %s", r.Status, testenv.Text(r.Body))
	}
	if got, _ := acc.Cohort(ctx, empty.ID); got.FrameworkID != "casp-2016" {
		t.Fatalf("version non changée : %s", got.FrameworkID)
	}
}

func TestDeadlinesPerKind(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	page := mgr.Get("/promotions/1/echeances")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="due-guide-entretien"`) || !strings.Contains(page.Body, `id="due-note-synthese"`) {
		t.Fatalf("formulaire des échéances : %d", page.Status)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="(due-[a-z-]+)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Set(m[1], "")
	}
	if len(form) < 5 {
		t.Fatalf("%d types de production dans le formulaire", len(form))
	}
	form.Set("due-guide-entretien", "25/11/2026")
	form.Set("due-note-synthese", "2027-01-15")
	form.Set("due-cartographie-acteurs", "31/02/2027")
	before, _ := env.Platform.Assessment.Deadlines(ctx, 1)
	r := mgr.Submit("/promotions/1/echeances", "/promotions/1/echeances", form)
	text := testenv.Text(r.Body)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text, "saisissez une date valide, par exemple 25/11/2026") ||
		!strings.Contains(r.Body, `value="31/02/2027"`) || !strings.Contains(r.Body, `value="25/11/2026"`) {
		t.Fatalf("date invalide : %d %s", r.Status, text)
	}
	if after, _ := env.Platform.Assessment.Deadlines(ctx, 1); len(after) != len(before) {
		t.Fatalf("échéances changées malgré l'erreur : %v → %v", before, after)
	}
	form.Set("due-cartographie-acteurs", "")
	r = mgr.Submit("/promotions/1/echeances", "/promotions/1/echeances", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("enregistrement : %d %s", r.Status, testenv.Text(r.Body))
	}
	due, err := env.Platform.Assessment.Deadlines(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"guide-entretien": "2026-11-25", "note-synthese": "2027-01-15"}
	if len(due) != len(want) {
		t.Fatalf("échéances %v, attendu %v (les champs vides suppriment)", due, want)
	}
	for k, v := range want {
		if due[k].Format("2006-01-02") != v {
			t.Errorf("%s : %v, attendu %s", k, due[k], v)
		}
	}
	if p := testenv.Text(mgr.Get("/promotions/1").Body); !strings.Contains(p, "Guide d'entretien : 25 novembre 2026") {
		t.Fatalf("échéance absente de la page de la promotion : %s", p)
	}
	learner := env.NewClient()
	learner.Login("apprenant05", "demo")
	if p := testenv.Text(learner.Get("/portfolio").Body); !strings.Contains(p, "25 novembre 2026") {
		t.Fatal("l'apprenant ne voit pas l'échéance fixée")
	}
	log, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionDeadlines})
	if len(log) != 1 || !strings.Contains(log[0].Detail, "guide-entretien : 2026-11-25") {
		t.Fatalf("échéances non journalisées : %+v", log)
	}
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if r := ass.Submit("/promotions/1", "/promotions/1/echeances", url.Values{"due-guide-entretien": {""}}); r.Status != http.StatusForbidden {
		t.Fatalf("évaluateur : %d", r.Status)
	}
}

// uploadCSV sends a file to the import form; token "" sends none.
func uploadCSV(t *testing.T, c *testenv.Client, cohortPath, token, name string, content []byte) testenv.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if token != "" {
		w.WriteField("_csrf", token)
	}
	if name != "" {
		fw, _ := w.CreateFormFile("fichier", name)
		fw.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.BaseURL()+cohortPath+"/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

func tokenOf(t *testing.T, c *testenv.Client, page string) string {
	t.Helper()
	tok := testenv.CSRFToken(c.Get(page).Body)
	if tok == "" {
		t.Fatalf("pas de jeton CSRF sur %s", page)
	}
	return tok
}

func countUsers(t *testing.T, env *testenv.Env) int {
	t.Helper()
	n, err := env.Platform.Accounts.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const importCSV = "\ufeffIdentifiant;Nom complet;Courriel\r\n" +
	"marie.curie;Marie Curie;marie.curie@exemple.fr\r\n" +
	"Paul.Langevin;Paul Langevin;\r\n" +
	"apprenant01;Inès Bernard;\r\n" + // already enrolled
	"evaluateur2;Sophie Lambert;\r\n" + // an assessor
	"jean dupont;Jean Dupont;jean@\r\n"

var confirmRe = regexp.MustCompile(`action="(/promotions/1/import/[0-9a-f]{32})"`)

func TestCSVImportPreviewThenConfirm(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	if r := mgr.Get("/promotions/1/import"); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "identifiant;nom;courriel") {
		t.Fatalf("page d'import : %d", r.Status)
	}
	if r := mgr.Get("/promotions/1/import/modele.csv"); r.Status != http.StatusOK || r.Body != account.ImportTemplate ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("modèle : %d %q", r.Status, r.Header.Get("Content-Disposition"))
	}
	users := countUsers(t, env)
	learners, _ := env.Platform.Accounts.Members(ctx, 1, account.Learner)
	r := uploadCSV(t, mgr, "/promotions/1", tokenOf(t, mgr, "/promotions/1/import"), "promo.csv", []byte(importCSV))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/promotions/1/import/") {
		t.Fatalf("envoi du fichier : %d %s", r.Status, testenv.Text(r.Body))
	}
	preview := mgr.Get(r.Location)
	text := testenv.Text(preview.Body)
	for _, want := range []string{"2 nouveaux apprenants", "1 apprenant déjà inscrit", "2 lignes en erreur",
		"marie.curie Marie Curie marie.curie@exemple.fr ✓ Nouvel apprenant", "paul.langevin Paul Langevin ✓ Nouvel apprenant",
		"apprenant01 Inès Bernard = Déjà inscrit",
		"Un compte « evaluateur2 » existe déjà avec le rôle évaluateur : il ne peut pas être inscrit comme apprenant.",
		"L'identifiant « jean dupont » contient une espace", "Adresse électronique « jean@ » non valide",
		"encodage UTF-8 (avec BOM), séparateur point-virgule", "Importer 2 apprenants"} {
		if !strings.Contains(text, want) {
			t.Errorf("aperçu : %q absent", want)
		}
	}
	// The preview wrote no account and enrolled nobody.
	if n := countUsers(t, env); n != users {
		t.Fatalf("l'aperçu a créé des comptes : %d → %d", users, n)
	}
	if now, _ := env.Platform.Accounts.Members(ctx, 1, account.Learner); len(now) != len(learners) {
		t.Fatal("l'aperçu a inscrit des apprenants")
	}
	m := confirmRe.FindStringSubmatch(preview.Body)
	if m == nil {
		t.Fatal("pas de formulaire de confirmation")
	}
	// Confirmation without the CSRF token: refused, nothing imported.
	if r := mgr.Post(m[1], url.Values{}); r.Status != http.StatusForbidden || countUsers(t, env) != users {
		t.Fatalf("confirmation sans jeton CSRF : %d", r.Status)
	}
	// Another manager cannot confirm it, even for their own cohort's URL.
	other, otherPath := otherManager(t, env)
	users = countUsers(t, env)
	if r := other.Submit("/promotions", m[1], url.Values{}); r.Status != http.StatusForbidden {
		t.Fatalf("confirmation par un autre responsable : %d", r.Status)
	}
	forged := strings.Replace(m[1], "/promotions/1/", otherPath+"/", 1)
	if r := other.Submit("/promotions", forged, url.Values{}); r.Status != http.StatusNotFound {
		t.Fatalf("jeton d'un autre sur sa promotion : %d", r.Status)
	}
	res := mgr.Submit(r.Location, m[1], url.Values{})
	text = testenv.Text(res.Body)
	if res.Status != http.StatusOK || !strings.Contains(text, "2 comptes créés") || !strings.Contains(text, "2 lignes en erreur ignorées") {
		t.Fatalf("confirmation : %d %s", res.Status, text)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("page des mots de passe en cache : %q", res.Header.Get("Cache-Control"))
	}
	if n := countUsers(t, env); n != users+2 {
		t.Fatalf("%d comptes après l'import, attendu %d", n, users+2)
	}
	pw := regexp.MustCompile(`<code>marie\.curie</code></th><td>Marie Curie</td><td>marie\.curie@exemple\.fr</td><td><code>([a-z0-9-]{23})</code>`).FindStringSubmatch(res.Body)
	if pw == nil {
		t.Fatal("mot de passe provisoire de marie.curie absent")
	}
	dl := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="identifiants-promotion-1.csv"`).FindStringSubmatch(res.Body)
	if dl == nil {
		t.Fatal("lien de téléchargement des identifiants absent")
	}
	csv, _ := base64.StdEncoding.DecodeString(dl[1])
	if !strings.Contains(string(csv), "marie.curie;Marie Curie;marie.curie@exemple.fr;"+pw[1]) {
		t.Fatalf("CSV des identifiants : %q", csv)
	}
	// Twice (double click, reload): refused, nothing more.
	if again := mgr.Submit("/promotions/1", m[1], url.Values{}); again.Status != http.StatusConflict ||
		!strings.Contains(testenv.Text(again.Body), "déjà été confirmé") || countUsers(t, env) != users+2 {
		t.Fatalf("seconde confirmation : %d", again.Status)
	}
	page := testenv.Text(mgr.Get("/promotions/1").Body)
	if !strings.Contains(page, "Marie Curie marie.curie") || !strings.Contains(page, "Paul Langevin paul.langevin") {
		t.Fatal("les nouveaux apprenants ne sont pas dans la promotion")
	}
	log, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionImport})
	if len(log) != 1 || log[0].ActorLogin != "responsable" || !strings.Contains(log[0].Detail, "fichier promo.csv : 2 comptes créés") {
		t.Fatalf("import non journalisé : %+v", log)
	}
	created, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionUserCreated})
	if len(created) < 2 || !strings.Contains(created[0].Detail, "import CSV") {
		t.Fatalf("création des comptes non journalisée : %+v", created)
	}

	// The new learner must choose a password before anything else.
	learner := env.NewClient()
	learner.Login("marie.curie", pw[1])
	if r := learner.Get("/portfolio"); r.Status != http.StatusSeeOther || r.Location != "/compte/mot-de-passe" {
		t.Fatalf("mot de passe provisoire : /portfolio → %d %s", r.Status, r.Location)
	}
	if p := learner.Get("/compte/mot-de-passe"); !strings.Contains(testenv.Text(p.Body), "Votre mot de passe est provisoire") {
		t.Fatal("la page du mot de passe n'explique pas pourquoi")
	}
	if r := learner.Submit("/compte/mot-de-passe", "/portfolio", url.Values{"kind": {"note-synthese"}, "title": {"Avant"}}); r.Status != http.StatusConflict {
		t.Fatalf("action avec le mot de passe provisoire : %d", r.Status)
	}
	r = learner.Submit("/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {pw[1]}, "new": {"ma phrase à moi"}, "confirm": {"ma phrase à moi"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("changement du mot de passe provisoire : %d %s", r.Status, testenv.Text(r.Body))
	}
	if r := learner.Get("/portfolio"); r.Status != http.StatusOK {
		t.Fatalf("après le changement : /portfolio → %d", r.Status)
	}
}

func TestCSVImportRefusals(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	users := countUsers(t, env)
	tok := tokenOf(t, mgr, "/promotions/1/import")
	good := []byte("identifiant;nom\nnouveau.venu;Nouveau Venu\n")

	var xlsx bytes.Buffer
	zw := zip.NewWriter(&xlsx)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		f, _ := zw.Create(n)
		f.Write([]byte("<x/>"))
	}
	zw.Close()
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
	big := append([]byte("identifiant;nom\n"), bytes.Repeat([]byte("abc;Abc\n"), (1<<20)/8+10)...)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"liste.xlsx", xlsx.Bytes(), "Ce fichier est un classeur Excel (XLSX), pas un fichier CSV."},
		{"liste.csv", png, "Ce fichier est une image (PNG), pas un fichier CSV."},
		{"gros.csv", big, "1 Mio au plus par import"},
		{"", nil, "Choisissez le fichier CSV des apprenants."},
		{"vide.csv", []byte("nom;prénom\nA;B\n"), "La colonne « identifiant » est absente de la première ligne"},
	} {
		r := uploadCSV(t, mgr, "/promotions/1", tok, c.name, c.content)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), c.want) || !strings.Contains(r.Body, `id="fichier-error"`) {
			t.Errorf("%s : %d, attendu 422 et %q", c.name, r.Status, c.want)
		}
	}
	// Missing CSRF token.
	if r := uploadCSV(t, mgr, "/promotions/1", "", "a.csv", good); r.Status != http.StatusForbidden {
		t.Errorf("sans jeton CSRF : %d", r.Status)
	}
	// Forged cohort ids.
	for _, p := range []string{"/promotions/999", "/promotions/abc"} {
		if r := uploadCSV(t, mgr, p, tok, "a.csv", good); r.Status != http.StatusNotFound {
			t.Errorf("%s : %d, attendu 404", p, r.Status)
		}
	}
	if r := mgr.Get("/promotions/1/import/" + strings.Repeat("ab", 16)); r.Status != http.StatusNotFound {
		t.Errorf("jeton inventé : %d", r.Status)
	}
	// Roles and scope.
	for _, login := range []string{"apprenant02", "evaluateur1"} {
		c := env.NewClient()
		c.Login(login, "demo")
		if r := c.Get("/promotions/1/import"); r.Status != http.StatusForbidden {
			t.Errorf("%s, page d'import : %d", login, r.Status)
		}
		if r := uploadCSV(t, c, "/promotions/1", tokenOf(t, c, "/compte/mot-de-passe"), "a.csv", good); r.Status != http.StatusForbidden {
			t.Errorf("%s, envoi : %d", login, r.Status)
		}
	}
	other, _ := otherManager(t, env)
	users++ // resp.autre
	if r := other.Get("/promotions/1/import"); r.Status != http.StatusForbidden {
		t.Errorf("responsable d'une autre promotion : %d", r.Status)
	}
	if r := uploadCSV(t, other, "/promotions/1", tokenOf(t, other, "/promotions"), "a.csv", good); r.Status != http.StatusForbidden {
		t.Errorf("responsable d'une autre promotion, envoi : %d", r.Status)
	}
	if n := countUsers(t, env); n != users {
		t.Fatalf("comptes créés par des envois refusés : %d → %d", users, n)
	}
	refused, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionForbidden})
	if len(refused) < 5 {
		t.Errorf("refus non journalisés : %d entrées", len(refused))
	}
}

func TestCSVImportPreviewExpires(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	r := uploadCSV(t, mgr, "/promotions/1", tokenOf(t, mgr, "/promotions/1/import"), "a.csv", []byte("identifiant;nom\nplus.tard;Plus Tard\n"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("envoi : %d", r.Status)
	}
	// Age the preview past its lifetime.
	old := time.Now().Add(-account.ImportTTL - time.Minute).UTC().Format(time.RFC3339Nano)
	if _, err := env.Platform.DB.Write.Exec(`UPDATE cohort_imports SET created_at=?`, old); err != nil {
		t.Fatal(err)
	}
	users := countUsers(t, env)
	if p := mgr.Get(r.Location); p.Status != http.StatusNotFound || !strings.Contains(testenv.Text(p.Body), "a expiré") {
		t.Fatalf("aperçu expiré : %d", p.Status)
	}
	if c := mgr.Submit("/promotions/1", r.Location, url.Values{}); c.Status != http.StatusNotFound || countUsers(t, env) != users {
		t.Fatalf("confirmation d'un aperçu expiré : %d", c.Status)
	}
}
