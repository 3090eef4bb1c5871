package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// depositNote creates and deposits a short note for a learner.
func depositNote(t *testing.T, c *testenv.Client, title string) (pieceURL, id string) {
	t.Helper()
	piece := createPiece(t, c, "note-synthese", title)
	r := c.Submit(piece, piece, url.Values{"title": {title}, "draft": {"## Synthèse\n\nUne note de synthèse suffisante pour être évaluée."}, "action": {"deposer"}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("dépôt de %q : %d %s", title, r.Status, testenv.Text(r.Body))
	}
	return piece, pieceIDRe.FindStringSubmatch(piece)[1]
}

func TestDoubleMarkingModerationAndAgreement(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	// Notes de synthèse are double-marked in this cohort; copies are anonymous.
	r := mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", url.Values{
		"levels": {"Non acquis\nEn cours d'acquisition\nAcquis\nMaîtrisé"}, "pass_level": {"2"}, "double_kinds": {"note-synthese"},
		"sample_percent": {"0"}, "discrepancy": {"2"}, "anonymous": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("règles : %d %s", r.Status, testenv.Text(r.Body))
	}
	before := agreementCounts(t, mgr)
	learner := env.NewClient()
	learner.Login("apprenant07", "demo")
	piece, id := depositNote(t, learner, "Note sur le non-recours")

	a1, a2 := env.NewClient(), env.NewClient()
	a1.Login("evaluateur1", "demo")
	a2.Login("evaluateur2", "demo")
	q := a1.Get("/evaluation")
	if strings.Contains(q.Body, "Sarah Benali") || !strings.Contains(q.Body, "Copie ") {
		t.Fatal("la copie anonyme montre le nom de l'apprenante")
	}
	// Nor do the piece, its version, its receipt and its PDF while it is being marked.
	for _, path := range []string{piece, piece + "/versions/1", piece + "/versions/1/accuse", piece + "/versions/1/accuse?format=txt"} {
		if r := a1.Get(path); r.Status != http.StatusOK || strings.Contains(r.Body, "Sarah Benali") || !strings.Contains(r.Body, "Copie ") {
			t.Fatalf("%s (%d) montre le nom de l'apprenante pendant la correction anonyme", path, r.Status)
		}
	}
	g1 := a1.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	g2 := a2.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	if g1 == "" || g2 == "" || g1 == g2 {
		t.Fatalf("deux corrections attendues : %q %q", g1, g2)
	}
	// Blind: the second marker does not see the first's levels.
	gradeAll(t, a1, g1, "0", "a_retravailler", "Trop descriptif.", "pret")
	if strings.Contains(a2.Get(g2).Body, "Trop descriptif.") {
		t.Fatal("la seconde correction voit la première")
	}
	gradeAll(t, a2, g2, "3", "valide", "Excellente synthèse.", "pret")
	a1.Submit(g1, g1, url.Values{"action": {"publier"}, "confirme": {"1"}})
	a2.Submit(g2, g2, url.Values{"action": {"publier"}, "confirme": {"1"}})
	// Two levels apart and different decisions: nothing released, arbitration.
	if v := learner.Get(piece + "/versions/1"); strings.Contains(v.Body, "Excellente synthèse.") || strings.Contains(v.Body, "Trop descriptif.") {
		t.Fatal("un résultat est publié malgré le désaccord")
	}
	if q := a1.Get("/evaluation?statut=moderation"); !strings.Contains(q.Body, "Prise par un collègue") && strings.Contains(q.Body, "Arbitrer") {
		t.Fatal("un correcteur peut arbitrer sa propre copie")
	}
	third, err := env.Platform.Accounts.Create(t.Context(), newAssessor("arbitre"))
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Accounts.AddMember(t.Context(), 1, third.ID, "assessor"); err != nil {
		t.Fatal(err)
	}
	a3 := env.NewClient()
	a3.Login("arbitre", "une phrase de passe")
	startForm := `action="/evaluation/pieces/` + id + `"`
	if q := mgr.Get("/evaluation?statut=moderation"); !strings.Contains(q.Body, startForm) {
		t.Fatal("le responsable ne peut pas prendre l'arbitrage")
	}
	r = a3.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{})
	g3 := r.Location
	// Once a colleague arbitrates, the arbitration is no longer offered.
	if q := mgr.Get("/evaluation?statut=moderation"); strings.Contains(q.Body, startForm) {
		t.Fatal("l'arbitrage déjà pris reste proposé au responsable")
	}
	page := a3.Get(g3)
	if !strings.Contains(page.Body, "Trop descriptif.") || !strings.Contains(page.Body, "Excellente synthèse.") || !strings.Contains(page.Body, "Écart entre les deux corrections") {
		t.Fatal("le tiers évaluateur ne voit pas les deux corrections et leurs écarts")
	}
	gradeAll(t, a3, g3, "2", "valide", "Synthèse solide, analyse à approfondir.", "pret")
	a3.Submit(g3, g3, url.Values{"action": {"publier"}, "confirme": {"1"}})
	v := learner.Get(piece + "/versions/1")
	if !strings.Contains(v.Body, "Synthèse solide") || strings.Contains(v.Body, "Trop descriptif.") {
		t.Fatal("le résultat de l'arbitrage n'est pas celui publié")
	}
	// The manager sees the agreement statistics with the number of pairs.
	after := agreementCounts(t, mgr)
	if after[0] != before[0]+1 || after[1] != before[1]+1 {
		t.Fatalf("versions corrigées deux fois / arbitrées : avant %v, après %v", before, after)
	}
	if stats := testenv.Text(mgr.Get("/promotions/1/evaluation").Body); !strings.Contains(stats, "Olivier Marchand / Sophie Lambert") || !strings.Contains(stats, "κ pondéré") {
		t.Fatal("statistiques par paire d'évaluateurs absentes")
	}
}

func TestConcordantDoubleMarkingKeepsLowerLevel(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", url.Values{
		"levels": {"Non acquis\nEn cours d'acquisition\nAcquis\nMaîtrisé"}, "pass_level": {"2"}, "double_kinds": {"note-synthese"},
		"sample_percent": {"0"}, "discrepancy": {"2"}})
	learner := env.NewClient()
	learner.Login("apprenant08", "demo")
	piece, id := depositNote(t, learner, "Note concordante")
	a1, a2 := env.NewClient(), env.NewClient()
	a1.Login("evaluateur1", "demo")
	a2.Login("evaluateur2", "demo")
	g1 := a1.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	g2 := a2.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, a1, g1, "3", "valide", "Très bien.", "pret")
	gradeAll(t, a2, g2, "2", "valide", "Bien.", "pret")
	a1.Submit(g1, g1, url.Values{"action": {"publier"}, "confirme": {"1"}})
	if v := learner.Get(piece + "/versions/1"); strings.Contains(v.Body, "Très bien.") {
		t.Fatal("résultat publié avant la seconde correction")
	}
	a2.Submit(g2, g2, url.Values{"action": {"publier"}, "confirme": {"1"}})
	v := testenv.Text(learner.Get(piece + "/versions/1").Body)
	if !strings.Contains(v, "double correction concordante") || !strings.Contains(v, "Très bien.") || !strings.Contains(v, "Bien.") {
		t.Fatal("le résultat concordant n'est pas publié avec les deux retours")
	}
	if strings.Contains(v, "✓ Maîtrisé") || !strings.Contains(v, "✓ Acquis") {
		t.Fatal("le niveau retenu n'est pas le plus bas des deux")
	}
}

func newAssessor(login string) account.NewUser {
	return account.NewUser{Login: login, DisplayName: "Tiers " + login, Role: account.Assessor, Password: "une phrase de passe"}
}

func TestMarkingSettingsValidation(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	r := mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", url.Values{
		"levels": {"Seul niveau"}, "pass_level": {"0"}, "sample_percent": {"150"}, "discrepancy": {"2"}, "double_kinds": {"type-inventé"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("statut %d", r.Status)
	}
	text := testenv.Text(r.Body)
	for _, want := range []string{"Indiquez au moins deux niveaux", "Indiquez un pourcentage entre 0 et 100.", "Type de production inconnu.", "Seul niveau"} {
		if !strings.Contains(text, want) {
			t.Errorf("absent : %q", want)
		}
	}
	// An assessor cannot change the rules; a learner cannot even see them.
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	if r := ass.Get("/promotions/1/evaluation"); r.Status != http.StatusForbidden {
		t.Fatalf("évaluateur : statut %d", r.Status)
	}
}

var agreementRe = regexp.MustCompile(`(\d+) versions? corrigées? deux fois, dont (\d+) arbitrées?`)

// agreementCounts reads (double-marked versions, arbitrated) off the page.
func agreementCounts(t *testing.T, c *testenv.Client) [2]int {
	t.Helper()
	m := agreementRe.FindStringSubmatch(testenv.Text(c.Get("/promotions/1/evaluation").Body))
	if m == nil {
		return [2]int{}
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	return [2]int{a, b}
}

func TestRectificationReplacesReleasedResult(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	piece, id := depositNote(t, learner, "Note à rectifier")
	ass := env.NewClient()
	ass.Login("evaluateur2", "demo")
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g, "3", "valide", "Parfait.", "pret")
	ass.Submit(g, g, url.Values{"action": {"publier"}, "confirme": {"1"}})
	// The released grading cannot be edited in place.
	if r := gradeAll(t, ass, g, "0", "non_valide", "Changement discret.", "pret"); r.Status != http.StatusConflict {
		t.Fatalf("modification d'une évaluation publiée : statut %d", r.Status)
	}
	v := ass.Get(piece + "/versions/1")
	if !strings.Contains(v.Body, "Rectifier le résultat publié") {
		t.Fatal("le bouton de rectification est absent")
	}
	r := ass.Submit(piece+"/versions/1", "/evaluation/pieces/"+id, url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("ouverture de la rectification : %d", r.Status)
	}
	page := testenv.Text(ass.Get(r.Location).Body)
	if !strings.Contains(page, "Rectification") || !strings.Contains(page, "Résultat publié : Maîtrisé") {
		t.Fatal("l'écran de rectification ne rappelle pas le résultat publié")
	}
	gradeAll(t, ass, r.Location, "1", "a_retravailler", "Après relecture : la synthèse reste descriptive.", "pret")
	ass.Submit(r.Location, r.Location, url.Values{"action": {"publier"}, "confirme": {"1"}})
	got := testenv.Text(learner.Get(piece + "/versions/1").Body)
	if !strings.Contains(got, "Après relecture") || strings.Contains(got, "Parfait.") {
		t.Fatal("la rectification publiée ne remplace pas le résultat")
	}
	entries, _ := env.AuditLog(t.Context(), account.AuditFilter{Action: account.ActionGrading})
	n := 0
	for _, e := range entries {
		if e.ActorLogin == "evaluateur2" && strings.Contains(e.Detail, "Rectification") {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("rectification non journalisée (%d entrées)", n)
	}
}

// TestLevelDescriptors: the grading screen says what each level means —
// the default scale's texts first, then the cohort's own once the manager
// gives one per level; a count that does not match is refused next to the
// field, the input kept.
func TestLevelDescriptors(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	_, id := depositNote(t, learner, "Note pour l'échelle")
	ass := env.NewClient()
	ass.Login("evaluateur2", "demo")
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	text := testenv.Text(ass.Get(g).Body)
	if !strings.Contains(text, "Ce que signifie chaque niveau") || !strings.Contains(text, assessment.DefaultDescriptors[2]) {
		t.Fatalf("%s : descriptifs de l'échelle par défaut absents", g)
	}

	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	form := url.Values{"levels": {"Insuffisant\nFragile\nSatisfaisant\nExcellent"}, "pass_level": {"2"}, "sample_percent": {"0"}, "discrepancy": {"2"},
		"descriptors": {"Rien de ce qui est attendu.\nCe qui est attendu, exact."}}
	r := mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("4 niveaux, 2 descriptifs : statut %d, attendu 422", r.Status)
	}
	if text := testenv.Text(r.Body); !strings.Contains(text, "Donnez un descriptif par niveau, dans le même ordre (4 niveaux, 2 descriptifs), ou aucun.") ||
		!strings.Contains(r.Body, `id="descriptors-error"`) || !strings.Contains(text, "Ce qui est attendu, exact.") {
		t.Errorf("message absent du champ ou saisie perdue")
	}
	form.Set("descriptors", "Rien de ce qui est attendu.\nUne partie seulement.\nCe qui est attendu, exact.\nAu-delà de ce qui est attendu.")
	if r := mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", form); r.Status != http.StatusSeeOther {
		t.Fatalf("4 niveaux, 4 descriptifs : statut %d : %s", r.Status, testenv.Text(r.Body))
	}
	body := ass.Get(g).Body
	if !strings.Contains(body, `title="Au-delà de ce qui est attendu."`) || !strings.Contains(testenv.Text(body), "Excellent Au-delà de ce qui est attendu.") {
		t.Errorf("%s : descriptifs de la promotion absents de la grille", g)
	}
	// No descriptors at all is allowed: no legend then.
	form.Set("descriptors", "")
	mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", form)
	if strings.Contains(testenv.Text(ass.Get(g).Body), "Ce que signifie chaque niveau") {
		t.Errorf("%s : légende affichée sans descriptifs", g)
	}
}
