package document

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/pdf"
	"github.com/casp-cnam/casp/referentiel"
)

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Rapport d'étape — Œuvre n°2":      "rapport-d-etape-oeuvre-n-2",
		"  Évaluation  de   l’urgence  ":   "evaluation-de-l-urgence",
		"../../etc/passwd":                 "etc-passwd",
		"«»—":                              "",
		"Cartographie des acteurs à Nîmes": "cartographie-des-acteurs-a-nimes",
	} {
		if got := Slug(in, 80); got != want {
			t.Errorf("Slug(%q) = %q, attendu %q", in, got, want)
		}
	}
	// Cut at max bytes, never ending on a dash.
	if got := Slug("abcde fghij", 6); got != "abcde" {
		t.Errorf("Slug tronqué = %q, attendu « abcde »", got)
	}
}

// docText flattens a document's text, metadata included.
func docText(d pdf.Doc) string { return fmt.Sprintf("%+v", d) }

func framework(t *testing.T) *referentiel.Framework {
	t.Helper()
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.Default()
}

// A version claims a capacity and two criteria; its released result has a
// level on each. The document names them in the framework's words, marks
// the levels reached, and names the learner only to whom may read the name.
func TestVersionDocument(t *testing.T) {
	t.Parallel()
	fw := framework(t)
	kind := fw.DeliverableKinds[0]
	task := fw.Tasks()[0]
	capID := task.Capacities[0].ID
	var crits []string
	task.EachCriterion(func(c *referentiel.Criterion) { crits = append(crits, c.ID) })
	if len(crits) < 2 {
		t.Fatalf("tâche %s : %d critères, il en faut deux pour ce test", task.ID, len(crits))
	}
	crits = crits[:2]
	st := assessment.DefaultSettings(1)
	released := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	piece := assessment.Piece{ID: 12, LearnerID: 7, LearnerName: "Élodie Martin", CohortID: 1, KindID: kind.ID,
		Title: "Rapport d'étape", Pseudonym: "Copie K7", Anonymous: true}
	vr := assessment.VersionResult{
		Version: assessment.Version{ID: 30, PieceID: 12, Number: 2, Title: "Rapport d'étape", Body: "## Contexte\n\nUn texte.",
			Links:    []assessment.CapacityLink{{CapacityID: capID, Justification: "Mon entretien d'accueil"}},
			Criteria: crits, SHA256: strings.Repeat("ab", 32), DepositedAt: released.Add(-48 * time.Hour)},
		Result: &assessment.Result{VersionID: 30, Decision: assessment.Validated, ReleasedAt: released,
			Levels:   map[string]int{crits[0]: st.PassLevel, crits[1]: st.PassLevel - 1},
			Comments: map[string][]string{crits[1]: {"Le diagnostic reste à étayer."}},
			Feedback: []string{"Bon travail d'ensemble."},
			From:     []assessment.Grading{{AssessorName: "Évaluatrice Une", Role: assessment.Single, Decision: assessment.Validated}}},
	}
	learner := account.User{ID: 7, Role: account.Learner, DisplayName: "Élodie Martin"}
	assessor := account.User{ID: 3, Role: account.Assessor, DisplayName: "Évaluatrice Une"}

	own := docText(Version(fw, learner, piece, vr, st, "Promotion 2026", released))
	for _, want := range []string{"Élodie Martin", "Promotion 2026", kind.Label, task.Capacities[0].Display(), "Mon entretien d'accueil",
		st.Levels[st.PassLevel] + " (atteint)", st.Levels[st.PassLevel-1], "Le diagnostic reste à étayer.", "Bon travail d'ensemble.",
		"Évaluatrice Une", strings.Repeat("ab", 32)} {
		if !strings.Contains(own, want) {
			t.Errorf("document de l'apprenante : %q manque", want)
		}
	}
	if strings.Contains(own, st.Levels[st.PassLevel-1]+" (atteint)") {
		t.Errorf("un niveau sous le seuil est dit atteint")
	}

	hidden := docText(Version(fw, assessor, piece, vr, st, "Promotion 2026", released))
	if strings.Contains(hidden, "Élodie") || strings.Contains(hidden, "Martin") {
		t.Errorf("correction anonyme : le nom de l'apprenante figure dans le document de l'évaluatrice")
	}
	if !strings.Contains(hidden, "Copie K7") {
		t.Errorf("correction anonyme : le pseudonyme de la copie manque")
	}

	// Before release: no level, the state said in words.
	pending := vr
	pending.Result = nil
	text := docText(Version(fw, learner, piece, pending, st, "Promotion 2026", released))
	if !strings.Contains(text, "En attente d'évaluation") || strings.Contains(text, "(atteint)") {
		t.Errorf("version non évaluée : état ou niveaux inattendus")
	}
}

// A file without decision says so; the proposal is the platform's.
func TestCertificationFileWithoutDecision(t *testing.T) {
	t.Parallel()
	fw := framework(t)
	learner := account.User{ID: 7, Login: "emartin", DisplayName: "Élodie Martin"}
	co := account.Cohort{ID: 1, Name: "Promotion 2026", StartsOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)}
	d := CertificationFile(fw, learner, co, assessment.CertificationFile{SHA256: strings.Repeat("cd", 32)})
	text := docText(d)
	for _, want := range []string{"Élodie Martin (emartin)", "Promotion 2026, du 5 janvier 2026 au 18 décembre 2026", "Aucune décision enregistrée.", fw.Title} {
		if !strings.Contains(text, want) {
			t.Errorf("dossier : %q manque", want)
		}
	}
	if none := docText(CertificationFile(fw, learner, account.Cohort{}, assessment.CertificationFile{})); !strings.Contains(none, "aucune") {
		t.Errorf("dossier sans promotion : « aucune » manque")
	}
}
