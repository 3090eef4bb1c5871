package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

var newCohortRe = regexp.MustCompile(`^/promotions/(\d+)$`)

// A manager cannot reach another cohort's learner by enrolling them in a
// cohort of their own, by the form or by a CSV import; an administrator can,
// and then the manager reads only what belongs to the shared cohort
// (issue 9, point 2).
func TestManagerCannotEnrolAnotherCohortsLearner(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	if _, err := env.Platform.Accounts.Create(ctx, account.NewUser{Login: "autre.resp", DisplayName: "Autre Responsable",
		Role: account.Manager, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	victim, err := env.Platform.Accounts.ByLogin(ctx, "apprenant01")
	if err != nil {
		t.Fatal(err)
	}
	vid := strconv.FormatInt(victim.ID, 10)
	pieces, err := env.Platform.Assessment.LearnerPieces(ctx, victim.ID)
	if err != nil || len(pieces) == 0 {
		t.Fatalf("la démo devrait donner des pièces à apprenant01 (%v)", err)
	}
	m := env.NewClient()
	m.Login("autre.resp", "une phrase de passe")
	r := m.Submit("/promotions/nouvelle", "/promotions", cohortForm("Promotion pirate", "", "casp-2016", "2026-09-01", "2027-06-30"))
	sub := newCohortRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || sub == nil {
		t.Fatalf("création de la promotion : %d %q", r.Status, r.Location)
	}
	cohort := "/promotions/" + sub[1]
	// The list of people to add does not offer another cohort's learner…
	if page := m.Get(cohort); strings.Contains(page.Body, `value="`+vid+`"`) {
		t.Fatal("la liste d'ajout propose l'apprenant d'une autre promotion")
	}
	// …and a forged form is refused.
	r = m.Submit(cohort, cohort+"/membres", url.Values{"user": {vid}, "role": {"learner"}, "action": {"ajouter"}})
	if r.Status != http.StatusForbidden || !strings.Contains(testenv.Text(r.Body), "que vous ne gérez pas") {
		t.Fatalf("inscription d'un apprenant d'une autre promotion : %d %s", r.Status, testenv.Text(r.Body))
	}
	for _, path := range []string{"/apprenants/" + vid + "/dossier", "/apprenants/" + vid + "/progression", "/apprenants/" + vid + "/dossier.pdf"} {
		if r := m.Get(path); r.Status != http.StatusForbidden {
			t.Fatalf("%s : %d après la tentative d'inscription", path, r.Status)
		}
	}
	refused, _ := env.AuditLog(ctx, account.AuditFilter{Action: account.ActionForbidden, Limit: 100})
	found := false
	for _, e := range refused {
		found = found || (e.ActorLogin == "autre.resp" && strings.Contains(e.Detail, "autre promotion"))
	}
	if !found {
		t.Fatal("le refus d'inscription n'est pas journalisé")
	}
	// Nor through a CSV import: the line is refused in the preview.
	csv := []byte("identifiant;nom\r\napprenant01;Inès Bernard\r\nnouvelle.personne;Nouvelle Personne\r\n")
	r = uploadCSV(t, m, cohort, tokenOf(t, m, cohort+"/import"), "liste.csv", csv)
	if loc := r.Location; r.Status == http.StatusSeeOther {
		r = m.Get(loc)
	}
	if text := testenv.Text(r.Body); !strings.Contains(text, "que vous ne gérez pas") {
		t.Fatalf("l'aperçu de l'import accepte l'apprenant d'une autre promotion : %d %s", r.Status, text)
	}

	// The administrator enrols the learner: the manager now reads the
	// learner's record of the shared cohort, and nothing of cohort 1.
	admin := env.NewClient()
	admin.Login("admin", "demo")
	if page := admin.Get(cohort); !strings.Contains(page.Body, `value="`+vid+`"`) {
		t.Fatal("l'administrateur ne se voit pas proposer l'apprenant")
	}
	if r := admin.Submit(cohort, cohort+"/membres", url.Values{"user": {vid}, "role": {"learner"}, "action": {"ajouter"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("inscription par l'administrateur : %d %s", r.Status, testenv.Text(r.Body))
	}
	for _, path := range []string{"/apprenants/" + vid + "/dossier", "/apprenants/" + vid + "/progression"} {
		r := m.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s : %d pour le responsable de la promotion partagée", path, r.Status)
		}
		for _, p := range pieces {
			if strings.Contains(r.Body, "/portfolio/"+strconv.FormatInt(p.ID, 10)) {
				t.Fatalf("%s montre la pièce %d de la promotion 1 au responsable d'une autre promotion", path, p.ID)
			}
		}
	}
	if _, pages := pdfText(t, m, "/apprenants/"+vid+"/dossier.pdf"); strings.Contains(strings.Join(pages, "\n"), pieces[0].Title) {
		t.Fatal("le dossier PDF montre une pièce de la promotion 1")
	}
	if r := m.Get("/portfolio/" + strconv.FormatInt(pieces[0].ID, 10)); r.Status != http.StatusForbidden {
		t.Fatalf("pièce de la promotion 1 : %d", r.Status)
	}
	// Cohort 1's own manager still reads the whole record.
	own := env.NewClient()
	own.Login("responsable", "demo")
	if r := own.Get("/apprenants/" + vid + "/progression"); !strings.Contains(r.Body, "/portfolio/"+strconv.FormatInt(pieces[0].ID, 10)) {
		t.Fatal("le responsable de la promotion 1 ne voit plus les pièces de son apprenant")
	}
}
