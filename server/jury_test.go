package server_test

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
)

var fingerprintRe = regexp.MustCompile(`<code class="hash">([0-9a-f]{64})</code>`)

func TestJuryDecisionsAreFinalAndAudited(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := t.Context()
	learner, err := env.Platform.Accounts.ByLogin(ctx, "apprenant03")
	if err != nil {
		t.Fatal(err)
	}
	lid := strconv.FormatInt(learner.ID, 10)
	dossierURL := "/apprenants/" + lid + "/dossier"
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")

	list := mgr.Get("/promotions/1/jury")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, learner.DisplayName) || !strings.Contains(list.Body, "à enregistrer") {
		t.Fatalf("liste du jury : %d %s", list.Status, testenv.Text(list.Body))
	}
	page := mgr.Get(dossierURL)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Enregistrer la décision du jury") {
		t.Fatalf("dossier : %d %s", page.Status, testenv.Text(page.Body))
	}
	m := fingerprintRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("pas d'empreinte du dossier")
	}
	fingerprint := m[1]
	// The demo learner's evidence: the page lists released pieces with their fingerprints.
	if !strings.Contains(page.Body, "publiée le") {
		t.Fatal("le dossier ne montre aucune preuve évaluée")
	}

	today := time.Now().Format("2006-01-02")
	tomorrow := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
	bad := []struct {
		name string
		form url.Values
		want string
	}{
		{"date future", url.Values{"jury_date": {tomorrow}, "members": {"A\nB"}, "outcome": {"refus"}, "comments": {"x"}}, "ne peut pas être dans le futur"},
		{"un seul membre", url.Values{"jury_date": {today}, "members": {"Mme Présidente"}, "outcome": {"refus"}, "comments": {"x"}}, "au moins deux membres"},
		{"partielle sans activité", url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"partielle"}, "comments": {"x"}}, "Cochez les activités"},
		{"activité forgée", url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"partielle"}, "activities": {"9"}, "comments": {"x"}}, "Activité inconnue"},
		{"décision inconnue", url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"admis"}}, "outcome"},
		{"totale non motivée", url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"totale"}}, "motivez-la"},
	}
	for _, b := range bad {
		r := mgr.Submit(dossierURL, "/apprenants/"+lid+"/jury", b.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s : statut %d, attendu 422", b.name, r.Status)
		}
		if b.want != "outcome" && !strings.Contains(r.Body, b.want) {
			t.Fatalf("%s : message attendu %q dans %s", b.name, b.want, testenv.Text(r.Body))
		}
		if !strings.Contains(r.Body, `aria-invalid="true"`) && !strings.Contains(r.Body, "error-message") {
			t.Fatalf("%s : pas d'erreur près du champ", b.name)
		}
		if members := b.form.Get("members"); members != "" && !strings.Contains(r.Body, strings.Split(members, "\n")[0]) {
			t.Fatalf("%s : saisie perdue", b.name)
		}
	}
	if n := countDecisions(t, env, learner.ID); n != 0 {
		t.Fatalf("%d décisions enregistrées malgré les erreurs", n)
	}
	// Missing CSRF token: refused, nothing written.
	if r := mgr.Post("/apprenants/"+lid+"/jury", url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"refus"}}); r.Status != http.StatusForbidden {
		t.Fatalf("sans jeton CSRF : %d", r.Status)
	}

	// The decision follows the proposal (read from the page's radio).
	proposal := regexp.MustCompile(`value="(totale|partielle|refus)"[^>]*checked`).FindStringSubmatch(page.Body)
	if proposal == nil {
		t.Fatal("la proposition n'est pas présélectionnée")
	}
	form := url.Values{"jury_date": {today}, "members": {"Mme Claire Vasseur, présidente\nM. Paul Renard, professionnel"}, "outcome": {proposal[1]}}
	for _, a := range regexp.MustCompile(`name="activities" value="(\d)" checked`).FindAllStringSubmatch(page.Body, -1) {
		form.Add("activities", a[1])
	}
	// The list seen before the decision (kept in memory per version of the
	// cohort) must show it afterwards.
	if list := mgr.Get("/promotions/1/jury"); strings.Count(list.Body, "à enregistrer</td>") != 12 {
		t.Fatalf("avant la décision : %d candidats à enregistrer", strings.Count(list.Body, "à enregistrer</td>"))
	}
	// First a confirmation page: what will be recorded for whom, nothing
	// recorded yet; its form sends every field again.
	r := mgr.Submit(dossierURL, "/apprenants/"+lid+"/jury", form)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Enregistrer la décision du jury ?") || !strings.Contains(testenv.Text(r.Body), learner.DisplayName+" ("+learner.Login+")") ||
		!strings.Contains(testenv.Text(r.Body), "définitive") || !strings.Contains(testenv.Text(r.Body), "M. Paul Renard") {
		t.Fatalf("confirmation de la décision : %d %s", r.Status, testenv.Text(r.Body))
	}
	if n := countDecisions(t, env, learner.ID); n != 0 {
		t.Fatalf("%d décisions enregistrées avant la confirmation", n)
	}
	r = mgr.Submit(dossierURL, "/apprenants/"+lid+"/jury", withConfirmation(r.Body))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("décision : %d %s", r.Status, testenv.Text(r.Body))
	}
	if notice := testenv.Text(mgr.Get(r.Location).Body); !strings.Contains(notice, "Décision du jury enregistrée pour "+learner.DisplayName) {
		t.Errorf("l'avis ne nomme pas l'apprenant : %.300s", notice)
	}
	if list := mgr.Get("/promotions/1/jury"); strings.Count(list.Body, "à enregistrer</td>") != 11 {
		t.Fatalf("après la décision, la liste n'a pas changé : %d candidats à enregistrer", strings.Count(list.Body, "à enregistrer</td>"))
	}
	if n := countDecisions(t, env, learner.ID); n != 1 {
		t.Fatalf("%d décisions, attendu 1", n)
	}
	page = mgr.Get(dossierURL)
	if !strings.Contains(page.Body, "En vigueur") || !strings.Contains(page.Body, "Claire Vasseur") || !strings.Contains(page.Body, "identique au dossier actuel") {
		t.Fatalf("décision absente du dossier : %s", testenv.Text(page.Body))
	}
	// The sealed snapshot hashes to the fingerprint shown.
	var did int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT id FROM jury_decisions WHERE learner_id=?`, learner.ID).Scan(&did); err != nil {
		t.Fatal(err)
	}
	snap := mgr.Get("/apprenants/" + lid + "/jury/" + strconv.FormatInt(did, 10) + "/dossier.json")
	sum := sha256.Sum256([]byte(snap.Body))
	if snap.Status != http.StatusOK || hex.EncodeToString(sum[:]) != fingerprint {
		t.Fatalf("le dossier scellé (%d) ne correspond pas à l'empreinte %s", snap.Status, fingerprint)
	}
	// A second decision must correct the first, with a reason.
	second := url.Values{"jury_date": {today}, "members": {"A\nB"}, "outcome": {"refus"}, "comments": {"Erreur de saisie."}}
	if r := mgr.Post("/apprenants/"+lid+"/jury", withToken(mgr, dossierURL, second)); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "doit la rectifier") {
		t.Fatalf("seconde décision sans rectification : %d", r.Status)
	}
	second.Set("corrects", strconv.FormatInt(did, 10))
	second.Set("comments", "")
	if r := mgr.Post("/apprenants/"+lid+"/jury", withToken(mgr, dossierURL, second)); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Motivez la rectification") {
		t.Fatalf("rectification non motivée : %d", r.Status)
	}
	second.Set("comments", "Erreur matérielle dans la première saisie : le jury a ajourné.")
	second.Set("confirme", "1")
	if r := mgr.Post("/apprenants/"+lid+"/jury", withToken(mgr, dossierURL, second)); r.Status != http.StatusSeeOther {
		t.Fatalf("rectification : %d %s", r.Status, testenv.Text(r.Body))
	}
	page = mgr.Get(dossierURL)
	if !strings.Contains(page.Body, "Rectifiée par la décision n°") || !strings.Contains(page.Body, "rectifie la décision n° "+strconv.FormatInt(did, 10)) {
		t.Fatal("l'historique des décisions n'apparaît pas")
	}
	// The same decision cannot be corrected twice.
	if r := mgr.Post("/apprenants/"+lid+"/jury", withToken(mgr, dossierURL, second)); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("double rectification : %d", r.Status)
	}
	// The database itself refuses to change or delete a decision.
	if _, err := env.Platform.DB.Write.Exec(`UPDATE jury_decisions SET outcome='totale' WHERE id=?`, did); err == nil || !strings.Contains(err.Error(), "définitives") {
		t.Fatalf("modification d'une décision : %v", err)
	}
	if _, err := env.Platform.DB.Write.Exec(`DELETE FROM jury_decisions WHERE id=?`, did); err == nil {
		t.Fatal("suppression d'une décision acceptée")
	}
	entries, err := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionJury})
	if err != nil || len(entries) != 2 || entries[0].SubjectUserID != learner.ID {
		t.Fatalf("journal : %v %+v", err, entries)
	}
	if list := mgr.Get("/promotions/1/jury"); !strings.Contains(list.Body, "Refus de validation</strong>") {
		t.Fatal("la liste du jury ne montre pas la décision en vigueur")
	}
	// Filters: the decided candidate alone, then everyone else.
	decided := mgr.Get("/promotions/1/jury?decision=enregistree")
	if n := strings.Count(decided.Body, `/dossier">`); n != 1 || !strings.Contains(decided.Body, learner.DisplayName) {
		t.Fatalf("filtre « enregistrée » : %d candidats", n)
	}
	pending := mgr.Get("/promotions/1/jury?decision=a-enregistrer")
	if n := strings.Count(pending.Body, `/dossier">`); n != 11 || strings.Contains(pending.Body, ">"+learner.DisplayName+"<") {
		t.Fatalf("filtre « à enregistrer » : %d candidats", n)
	}
}

func withToken(c *testenv.Client, page string, form url.Values) url.Values {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("_csrf", testenv.CSRFToken(c.Get(page).Body))
	return f
}

func countDecisions(t *testing.T, env *testenv.Env, learnerID int64) int {
	t.Helper()
	var n int
	if err := env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM jury_decisions WHERE learner_id=?`, learnerID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDossierAccess(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := t.Context()
	own, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant02")
	other, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant03")
	learner := env.NewClient()
	learner.Login("apprenant02", "demo")
	r := learner.Get("/apprenants/" + strconv.FormatInt(own.ID, 10) + "/dossier")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Mon dossier de certification") || strings.Contains(r.Body, "Enregistrer la décision") {
		t.Fatalf("son propre dossier : %d", r.Status)
	}
	if r := learner.Get("/apprenants/" + strconv.FormatInt(other.ID, 10) + "/dossier"); r.Status != http.StatusForbidden {
		t.Fatalf("dossier d'un autre apprenant : %d", r.Status)
	}
	if r := learner.Post("/apprenants/"+strconv.FormatInt(own.ID, 10)+"/jury", withToken(learner, "/progression", url.Values{"outcome": {"totale"}})); r.Status != http.StatusForbidden {
		t.Fatalf("un apprenant enregistre une décision : %d", r.Status)
	}
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if r := ass.Get("/apprenants/" + strconv.FormatInt(other.ID, 10) + "/dossier"); r.Status != http.StatusOK || strings.Contains(r.Body, "Enregistrer la décision") {
		t.Fatalf("évaluateur de la promotion : %d", r.Status)
	}
	if r := ass.Post("/apprenants/"+strconv.FormatInt(other.ID, 10)+"/jury", withToken(ass, "/evaluation", url.Values{"outcome": {"refus"}})); r.Status != http.StatusForbidden {
		t.Fatalf("un évaluateur enregistre une décision : %d", r.Status)
	}
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	if r := mgr.Get("/apprenants/999999/dossier"); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Fatalf("identifiant forgé : %d", r.Status)
	}
	if r := mgr.Get("/apprenants/abc/dossier"); r.Status != http.StatusNotFound {
		t.Fatalf("identifiant invalide : %d", r.Status)
	}
	// Staff reads are audited.
	entries, err := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionRead})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || (e.ActorLogin == "evaluateur1" && e.SubjectUserID == other.ID && e.Target == "dossier de certification")
	}
	if !found {
		t.Fatal("la lecture du dossier par l'évaluateur n'est pas journalisée")
	}
}

func TestDossierPDF(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner, err := env.Platform.Accounts.ByLogin(t.Context(), "apprenant03")
	if err != nil {
		t.Fatal(err)
	}
	lid := strconv.FormatInt(learner.ID, 10)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	page := mgr.Get("/apprenants/" + lid + "/dossier")
	fingerprint := fingerprintRe.FindStringSubmatch(page.Body)[1]
	r := mgr.Submit("/apprenants/"+lid+"/dossier", "/apprenants/"+lid+"/jury", url.Values{"jury_date": {time.Now().Format("2006-01-02")},
		"members": {"Mme Claire Vasseur\nM. Paul Renard"}, "outcome": {"refus"}, "comments": {"Dossier incomplet."}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("décision : %d", r.Status)
	}
	resp := mgr.Get("/apprenants/" + lid + "/dossier.pdf")
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="dossier-certification-camille-robert.pdf"`) {
		t.Fatalf("PDF : %d %q %q", resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	doc, err := pdftext.Read([]byte(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Pages) < 3 || doc.Lang != "fr" || doc.Title != "Dossier de certification" {
		t.Fatalf("%d pages, langue %q, titre %q", len(doc.Pages), doc.Lang, doc.Title)
	}
	all := strings.Join(doc.Pages, "\n")
	for i, p := range doc.Pages {
		if want := "Page " + strconv.Itoa(i+1) + " sur " + strconv.Itoa(len(doc.Pages)); !strings.Contains(p, want) {
			t.Fatalf("page %d sans « %s »", i+1, want)
		}
	}
	flat := strings.Join(strings.Fields(all), " ")
	for _, want := range []string{"Camille Robert", fingerprint[:32], "Proposition au jury", "Refus de validation",
		"Claire Vasseur", "Dossier incomplet.", french.Date(time.Now()),
		// The framework's words: a capacity and a criterion of task 3.3.
		"Mettre en œuvre une méthodologie d'accompagnement social et professionnel",
		"La pertinence des orientations proposées."} {
		if !strings.Contains(flat, want) {
			t.Errorf("absent du PDF : %q", want)
		}
	}
	other := env.NewClient()
	other.Login("apprenant02", "demo")
	if r := other.Get("/apprenants/" + lid + "/dossier.pdf"); r.Status != http.StatusForbidden {
		t.Fatalf("PDF du dossier d'un autre apprenant : %d", r.Status)
	}

	// The cohort's procès-verbal: every candidate, the decision in force,
	// the jury's members one per line, the signatures; text read back.
	if !strings.Contains(mgr.Get("/promotions/1/jury").Body, `href="/promotions/1/jury/proces-verbal.pdf"`) {
		t.Error("la liste du jury ne mène pas au procès-verbal")
	}
	pv := mgr.Get("/promotions/1/jury/proces-verbal.pdf")
	if pv.Status != http.StatusOK || pv.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(pv.Header.Get("Content-Disposition"), "proces-verbal-jury-") {
		t.Fatalf("procès-verbal : %d %q", pv.Status, pv.Header.Get("Content-Disposition"))
	}
	pvDoc, err := pdftext.Read([]byte(pv.Body))
	if err != nil {
		t.Fatal(err)
	}
	pvText := strings.Join(strings.Fields(strings.Join(pvDoc.Pages, "\n")), " ")
	for _, want := range []string{"Procès-verbal du jury", "Promotion 2026", "Camille Robert", "(" + learner.Login + ")", "(jury du " + french.Date(time.Now()) + ")",
		"Mme Claire Vasseur", "M. Paul Renard", "Signatures", "Le président ou la présidente du jury", "Léa Moreau", "à enregistrer"} {
		if !strings.Contains(pvText, want) {
			t.Errorf("absent du procès-verbal : %q", want)
		}
	}
	if r := other.Get("/promotions/1/jury/proces-verbal.pdf"); r.Status != http.StatusForbidden {
		t.Errorf("procès-verbal pour un apprenant : %d", r.Status)
	}
}

// A large cohort's jury list is paged (50 candidates a page); the counts
// above it cover every candidate.
func TestJuryListPaged(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	cohort := seedLarge(t, env, 120, 1)
	c := env.NewClient()
	c.Login("admin", "demo")
	base := "/promotions/" + strconv.FormatInt(cohort, 10) + "/jury"
	for page, want := range map[string]int{"": 50, "?page=2": 50, "?page=3": 20, "?page=99": 20} {
		r := c.Get(base + page)
		if r.Status != http.StatusOK {
			t.Fatalf("%s : statut %d", page, r.Status)
		}
		if n := strings.Count(r.Body, `<tr><th scope="row">`); n != want {
			t.Errorf("%s : %d candidats affichés, %d attendus", page, n, want)
		}
		if text := testenv.Text(r.Body); !strings.Contains(text, "120 candidats") || !strings.Contains(text, "sur 3") {
			t.Errorf("%s : totaux ou pagination absents", page)
		}
	}
}

// withConfirmation reads the hidden fields of a confirmation page's form:
// what its « confirm » button sends.
func withConfirmation(page string) url.Values {
	form := page[strings.Index(page, `class="confirm-form"`):]
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		if m[1] != "_csrf" {
			v.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	return v
}

// TestJuryDossiersZIP: the jury's archive holds the procès-verbal and one
// PDF per candidate, each the same dossier as its page (same fingerprint,
// the decision recorded); assessors and learners get nothing.
func TestJuryDossiersZIP(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	decided, err := env.Platform.Accounts.ByLogin(t.Context(), "apprenant03")
	if err != nil {
		t.Fatal(err)
	}
	did := strconv.FormatInt(decided.ID, 10)
	if r := mgr.Submit("/apprenants/"+did+"/dossier", "/apprenants/"+did+"/jury", url.Values{"jury_date": {time.Now().Format("2006-01-02")},
		"members": {"Mme Claire Vasseur\nM. Paul Renard"}, "outcome": {"refus"}, "comments": {"Dossier incomplet."}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("décision : %d", r.Status)
	}
	if !strings.Contains(mgr.Get("/promotions/1/jury").Body, `href="/promotions/1/jury/dossiers.zip"`) {
		t.Error("pas de lien vers l'archive depuis la liste du jury")
	}
	r := mgr.Get("/promotions/1/jury/dossiers.zip")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" || !strings.Contains(r.Header.Get("Content-Disposition"), `filename="dossiers-de-certification-promotion-2026-`) {
		t.Fatalf("archive : %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	zr, err := zip.NewReader(strings.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		doc, err := pdftext.Read(b)
		if err != nil {
			t.Fatalf("%s : %v", f.Name, err)
		}
		files[f.Name] = strings.Join(strings.Fields(strings.Join(doc.Pages, "\n")), " ")
	}
	learners, err := env.Platform.Accounts.Members(t.Context(), 1, account.Learner)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(learners)+1 || !strings.Contains(files["proces-verbal-jury.pdf"], "Procès-verbal du jury") {
		t.Fatalf("%d fichiers pour %d candidats (attendu le procès-verbal en plus) : %q", len(files), len(learners), slices.Collect(maps.Keys(files)))
	}
	for _, l := range learners {
		name := "dossier-certification-" + document.Slug(l.DisplayName, 60) + "-" + document.Slug(l.Login, 40) + ".pdf"
		text, ok := files[name]
		if !ok {
			t.Errorf("%s absent de l'archive", name)
			continue
		}
		page := mgr.Get("/apprenants/" + strconv.FormatInt(l.ID, 10) + "/dossier")
		fp := fingerprintRe.FindStringSubmatch(page.Body)[1]
		if !strings.Contains(text, l.DisplayName) || !strings.Contains(text, fp[:32]) {
			t.Errorf("%s : pas le même dossier que la page (empreinte %s…)", name, fp[:32])
		}
		if l.ID == decided.ID && (!strings.Contains(text, "Refus de validation") || !strings.Contains(text, "Dossier incomplet.")) {
			t.Errorf("%s : la décision enregistrée manque", name)
		}
	}
	for _, who := range []string{"evaluateur1", "apprenant01"} {
		c := env.NewClient()
		c.Login(who, "demo")
		if r := c.Get("/promotions/1/jury/dossiers.zip"); r.Status != http.StatusForbidden {
			t.Errorf("%s : statut %d", who, r.Status)
		}
	}
}
