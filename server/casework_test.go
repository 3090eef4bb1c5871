package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

var caseURLRe = regexp.MustCompile(`^/dossiers/(\d+)$`)

func openCase(t *testing.T, c *testenv.Client, scenario string) string {
	t.Helper()
	r := c.Submit("/cas/"+scenario, "/cas/"+scenario+"/ouvrir", url.Values{})
	if r.Status != http.StatusSeeOther || !caseURLRe.MatchString(r.Location) {
		t.Fatalf("ouverture du dossier : %d %q", r.Status, r.Location)
	}
	return r.Location
}

func act(t *testing.T, c *testenv.Client, kase, action string, form url.Values, want int) testenv.Response {
	t.Helper()
	r := c.Submit(kase, kase+"/"+action, form)
	if r.Status != want {
		t.Fatalf("%s : statut %d, attendu %d — %s", action, r.Status, want, testenv.Text(r.Body)[:min(600, len(testenv.Text(r.Body)))])
	}
	return r
}

func TestCaseJourneyToDebrief(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant06", "demo")
	kase := openCase(t, c, "jeune-mission-locale")
	page := testenv.Text(c.Get(kase).Body)
	if !strings.Contains(page, "Dossier de Yanis") || !strings.Contains(page, "Heure") {
		t.Fatal("le dossier ne présente pas la personne et l'heure")
	}
	if strings.Contains(page, "Confiance") || strings.Contains(page, "Confidentialité") {
		t.Fatal("la jauge de confiance est montrée à l'apprenant sans réglage du formateur")
	}
	// Interview: open questions, moves; a sensitive question asked too early gets a guarded answer.
	for _, q := range []string{"q-motif-venue", "q-parcours-scolaire", "q-pourquoi-arret"} {
		act(t, c, kase, "question", url.Values{"question": {q}}, http.StatusSeeOther)
	}
	act(t, c, kase, "question", url.Values{"question": {"q-motif-venue"}}, http.StatusConflict)
	for _, m := range []string{"reformuler", "rassurer", "rappeler-confidentialite", "valoriser"} {
		act(t, c, kase, "geste", url.Values{"geste": {m}}, http.StatusSeeOther)
	}
	// Diagnostic: situation, urgency (validation in French first), diagnostics.
	r := act(t, c, kase, "situation", url.Values{"domaine": {"formation"}, "situation": {""}}, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Text(r.Body), "Décrivez la situation en quelques mots") {
		t.Fatal("message de validation absent")
	}
	act(t, c, kase, "situation", url.Values{"domaine": {"formation"}, "situation": {"Sorti du système scolaire sans diplôme"}, "source": {"q-parcours-scolaire"}}, http.StatusSeeOther)
	act(t, c, kase, "situation", url.Values{"domaine": {"mobilite"}, "situation": {"Permis non valide"}}, http.StatusSeeOther)
	act(t, c, kase, "urgence", url.Values{"urgence": {"prioritaire"}, "justification": {"Rupture d'hébergement annoncée, pas de ressources."}}, http.StatusSeeOther)
	act(t, c, kase, "diagnostic", url.Values{"quel": {"premier_diagnostic"}, "premier_diagnostic": {"Jeune de 20 ans sans diplôme ni ressources."}}, http.StatusSeeOther)
	// Orientation: consent is required; the typed reason is kept on error.
	r = act(t, c, kase, "orientation", url.Values{"service": {"ml-antenne-tilleuls/cej-tilleuls"}, "motif": {"Entrée en CEJ avec un conseiller référent."}}, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Text(r.Body), "Recueillez le consentement") || !strings.Contains(r.Body, "Entrée en CEJ avec un conseiller référent.") {
		t.Fatal("le consentement n'est pas exigé ou le motif saisi est perdu")
	}
	act(t, c, kase, "orientation", url.Values{"service": {"ml-antenne-tilleuls/cej-tilleuls"}, "motif": {"Entrée en CEJ avec un conseiller référent."}, "consentement": {"1"}}, http.StatusSeeOther)
	// Plan, contract, agenda, simulated time.
	act(t, c, kase, "objectif", url.Values{"thematique": {"trouver-un-emploi"}, "objectif": {"Entrer en CEJ d'ici deux semaines"}}, http.StatusSeeOther)
	act(t, c, kase, "contrat", url.Values{"type": {"cej"}, "engagements_personne": {"Être présent aux rendez-vous."}, "engagements_structure": {"Un conseiller référent."}, "signer": {"1"}}, http.StatusSeeOther)
	if r := testenv.Text(c.Get(kase + "/contrat").Body); !strings.Contains(r, "Être présent aux rendez-vous.") || !strings.Contains(r, "Date et signature") {
		t.Fatal("contrat imprimable incomplet")
	}
	act(t, c, kase, "rdv", url.Values{"jour": {"6"}, "objet": {"Point d'étape"}}, http.StatusSeeOther)
	act(t, c, kase, "temps", url.Values{"jours": {"30"}}, http.StatusSeeOther)
	page = testenv.Text(c.Get(kase).Body)
	for _, want := range []string{"J30", "Mobilisé en interne", "Yanis ne vient pas au deuxième rendez-vous", "Contrat signé"} {
		if !strings.Contains(page, want) {
			t.Errorf("après 30 jours simulés, absent du dossier : %q", want)
		}
	}
	// Review, close, debrief.
	act(t, c, kase, "clore", url.Values{"confirme": {"1"}}, http.StatusUnprocessableEntity)
	// « Clore » from the review's form saves the review typed, then asks
	// for confirmation: the case stays open until it is given.
	const review = "Entrée en CEJ réalisée, hébergement à sécuriser."
	r = act(t, c, kase, "clore", url.Values{"bilan": {review}, "transmission": {"Au conseiller CEJ."}}, http.StatusOK)
	if ask := testenv.Text(r.Body); !strings.Contains(ask, "Clore le dossier ?") || !strings.Contains(ask, "lecture seule") {
		t.Fatalf("« Clore » sans confirmation : pas de page de confirmation : %s", ask[:min(len(ask), 300)])
	}
	if page := c.Get(kase).Body; !strings.Contains(page, review) || !strings.Contains(page, `action="/dossiers/`) || strings.Contains(testenv.Text(page), "Dossier clos.") {
		t.Fatal("avant confirmation : le bilan tapé doit être enregistré et le dossier encore ouvert")
	}
	r = act(t, c, kase, "clore", url.Values{"bilan": {review}, "transmission": {"Au conseiller CEJ."}, "confirme": {"1"}}, http.StatusSeeOther)
	debrief := testenv.Text(c.Get(r.Location).Body)
	for _, want := range []string{"Débriefing", "✓ Repérée : Sorti du système scolaire sans diplôme", "Prioritaire", "✓ juste", "Mission locale", "Pièges", "1.5"} {
		if !strings.Contains(debrief, want) {
			t.Errorf("débriefing : absent %q", want)
		}
	}
	if !strings.Contains(debrief, "✗") {
		t.Error("le débriefing devrait signaler des situations ou orientations manquées")
	}
	// A closed case is read-only.
	act(t, c, kase, "question", url.Values{"question": {"q-deja-venu"}}, http.StatusConflict)
	// Its productions go to the portfolio as pieces linked to the tasks.
	r = act(t, c, kase, "portfolio", url.Values{"production": {"entretien"}}, http.StatusSeeOther)
	piece := testenv.Text(c.Get(r.Location).Body)
	if !strings.Contains(piece, "Compte rendu d'entretien et premier diagnostic") || !strings.Contains(piece, "Préparer et conduire un entretien.") {
		t.Fatal("la pièce créée depuis le dossier n'est pas reliée aux tâches 1.4/1.5")
	}
}

func TestCaseAccessIsOwnedStaffReadsAndComments(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	owner := env.NewClient()
	owner.Login("apprenant07", "demo")
	kase := openCase(t, owner, "rsa-parent-isole")
	other := env.NewClient()
	other.Login("apprenant08", "demo")
	if r := other.Get(kase); r.Status != http.StatusForbidden {
		t.Fatalf("dossier lu par un autre apprenant : %d", r.Status)
	}
	if r := other.Submit("/dossiers", kase+"/question", url.Values{"question": {"x"}}); r.Status != http.StatusForbidden {
		t.Fatalf("dossier modifié par un autre apprenant : %d", r.Status)
	}
	staff := env.NewClient()
	staff.Login("evaluateur1", "demo")
	if r := staff.Get(kase); r.Status != http.StatusOK || !strings.Contains(r.Body, "Lecture seule") {
		t.Fatalf("lecture par l'évaluateur de la promotion : %d", r.Status)
	}
	if r := staff.Submit(kase, kase+"/question", url.Values{"question": {"x"}}); r.Status != http.StatusForbidden {
		t.Fatalf("un évaluateur modifie le dossier : %d", r.Status)
	}
	act(t, staff, kase, "commentaire", url.Values{"commentaire": {"Pensez à explorer la garde des enfants."}}, http.StatusSeeOther)
	if !strings.Contains(owner.Get(kase).Body, "Pensez à explorer la garde des enfants.") {
		t.Fatal("le commentaire n'est pas visible par l'apprenante")
	}
	reads, _ := env.AuditLog(context.Background(), account.AuditFilter{Action: account.ActionRead})
	found := false
	for _, e := range reads {
		found = found || (e.ActorLogin == "evaluateur1" && strings.Contains(e.Target, "dossier"))
	}
	if !found {
		t.Fatal("la lecture du dossier par l'évaluateur n'est pas journalisée")
	}
	ctx := context.Background()
	if _, err := env.Platform.Accounts.Create(ctx, account.NewUser{Login: "ext", DisplayName: "Externe", Role: account.Assessor, Password: "une phrase de passe"}); err != nil {
		t.Fatal(err)
	}
	ext := env.NewClient()
	ext.Login("ext", "une phrase de passe")
	if r := ext.Get(kase); r.Status != http.StatusForbidden {
		t.Fatalf("lecture par un évaluateur hors promotion : %d", r.Status)
	}
}

func TestDirectoryAndFichesSearch(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, false)
	c := env.NewClient()
	r := testenv.Text(c.Get("/territoire?thematique=famille&commune=valmont").Body)
	if !strings.Contains(r, "Centre de PMI des Tilleuls") || strings.Contains(r, "Agence France Travail du Plessis") {
		t.Fatal("filtre de l'annuaire incorrect")
	}
	if r := testenv.Text(c.Get("/territoire?q=surendettement").Body); !strings.Contains(r, "Point conseil budget") {
		t.Fatal("recherche plein texte de l'annuaire")
	}
	if r := testenv.Text(c.Get("/fiches?q=logement+opposable").Body); !strings.Contains(r, "Droit au logement opposable") {
		t.Fatal("recherche des fiches")
	}
	if r := c.Get("/fiches/rsa"); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Mise à jour") {
		t.Fatal("fiche RSA")
	}
	if r := c.Get("/territoire/inexistante"); r.Status != http.StatusNotFound {
		t.Fatalf("structure inexistante : %d", r.Status)
	}
	if r := c.Get("/territoire"); !strings.Contains(r.Body, `role="img"`) {
		t.Fatal("carte SVG absente")
	}
}

func TestCoverageHeatmapAndJSON(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	r := mgr.Get("/promotions/1/couverture")
	if r.Status != http.StatusOK {
		t.Fatalf("couverture : %d", r.Status)
	}
	text := testenv.Text(r.Body)
	for _, want := range []string{"12 apprenants × 48 capacités", "Acquise (toute la promotion)", "Sans évaluation", "Règle d'acquisition"} {
		if !strings.Contains(text, want) {
			t.Errorf("absent : %q", want)
		}
	}
	j := mgr.Get("/api/v1/promotions/1/couverture?tri=progression")
	if j.Status != http.StatusOK || !strings.Contains(j.Body, `"apprenants":12`) || !strings.Contains(j.Body, `"cellules"`) {
		t.Fatalf("JSON : %d %s", j.Status, j.Body[:min(200, len(j.Body))])
	}
	// The cells agree with each learner's own progress page.
	learner := env.NewClient()
	learner.Login("apprenant02", "demo")
	prog := testenv.Text(learner.Get("/progression").Body)
	acquired := regexp.MustCompile(`(\d+) capacités? acquises? sur`).FindStringSubmatch(prog)
	if acquired == nil {
		t.Fatalf("progression illisible")
	}
	var heat struct {
		Lignes []struct {
			Nom      string `json:"nom"`
			Acquises int    `json:"acquises"`
		} `json:"lignes"`
	}
	if err := json.Unmarshal([]byte(j.Body), &heat); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range heat.Lignes {
		if l.Nom == "Yanis Petit" {
			found = true
			if strconv.Itoa(l.Acquises) != acquired[1] {
				t.Fatalf("la carte de chaleur (%d acquises) ne concorde pas avec la progression (%s acquises)", l.Acquises, acquired[1])
			}
		}
	}
	if !found {
		t.Fatal("apprenant02 absent du JSON")
	}
	// A learner cannot see the cohort's heatmap.
	if r := learner.Get("/promotions/1/couverture"); r.Status != http.StatusForbidden {
		t.Fatalf("apprenant : %d", r.Status)
	}
}
