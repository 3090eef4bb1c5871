package assessment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
)

// The grading save is one domain call: it checks, writes and audits in one
// transaction, and on invalid input returns the grading as it now is.
func TestGradingSaveChecksWritesAndAuditsTogether(t *testing.T) {
	t.Parallel()
	f, svc := newFixture(t)
	svc.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
	ctx := context.Background()
	learner := f.user("Léa Apprenante", "learner", "learner")
	a := f.user("Alice Martin", "assessor", "assessor")
	other := f.user("Bruno Petit", "assessor", "assessor")
	pid, v := f.piece(learner, "P1", "en_evaluation", false, "2026-03-01T08:00:00Z")
	f.grading(v[0], a, "simple", "en_cours", "", "")
	var gid int64
	if err := f.d.Read.QueryRow(`SELECT id FROM gradings WHERE version_id=?`, v[0]).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	alice := account.User{ID: a, Login: "alice.martin", Role: account.Assessor}
	audits := func() int {
		var n int
		if err := f.d.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action=? AND subject_user_id=?`, account.ActionGrading, learner).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Invalid: a level out of the scale, « prêt » without a decision.
	bad := assessment.GradingInput{Levels: map[string]int{"1.4/crit/1": 9}, Comments: map[string]string{"1.4/crit/1": "Précis."}}
	gv, err := svc.SaveGrading(ctx, alice, gid, bad, true, "192.0.2.1")
	e, ok := apperr.As(err)
	if !ok || e.Fields["niveau-1.4/crit/1"] == "" || e.Fields["decision"] == "" {
		t.Fatalf("saisie invalide : %v", err)
	}
	if gv.Grading.ID != gid || gv.Piece.ID != pid || len(gv.Version.Criteria) != 2 {
		t.Errorf("la vue rendue avec les erreurs n'est pas celle de l'évaluation : %+v", gv.Grading)
	}
	var scores int
	f.d.Read.QueryRow(`SELECT count(*) FROM grading_scores WHERE grading_id=?`, gid).Scan(&scores)
	if scores != 0 || audits() != 0 {
		t.Errorf("saisie invalide : %d notes et %d entrées d'audit écrites, attendu 0 et 0", scores, audits())
	}

	// Another assessor cannot save it, and nothing is audited.
	if _, err := svc.SaveGrading(ctx, account.User{ID: other, Role: account.Assessor}, gid, bad, false, ""); err == nil {
		t.Error("un autre évaluateur enregistre l'évaluation d'Alice")
	}

	// Valid and ready: written and audited together, with the address.
	good := assessment.GradingInput{Levels: map[string]int{"1.4/crit/1": 2, "1.4/crit/2": 3}, Comments: map[string]string{},
		Decision: assessment.Validated, Feedback: "  Bon guide.  "}
	if _, err := svc.SaveGrading(ctx, alice, gid, good, true, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	var state, feedback, address, detail string
	f.d.Read.QueryRow(`SELECT state, feedback FROM gradings WHERE id=?`, gid).Scan(&state, &feedback)
	f.d.Read.QueryRow(`SELECT address, detail FROM audit_log WHERE action=? ORDER BY id DESC LIMIT 1`, account.ActionGrading).Scan(&address, &detail)
	if state != "pret" || feedback != "Bon guide." || audits() != 1 || address != "192.0.2.1" || detail != "prête à publier" {
		t.Errorf("après l'enregistrement : état %q, retour %q, %d entrées (%q, %q)", state, feedback, audits(), address, detail)
	}

	// Two releases at once: one publishes, the other is refused; one entry.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = svc.Release(ctx, alice, gid, "192.0.2.1") }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Errorf("deux publications simultanées : %v et %v, attendu une réussie et une refusée", errs[0], errs[1])
	}
	if audits() != 2 {
		t.Errorf("%d entrées d'audit, attendu 2 (enregistrement, une publication)", audits())
	}
	// Opening a grading is audited with it; going back to it writes nothing.
	p2, _ := f.piece(learner, "P2", "depose", false, "2026-03-02T08:00:00Z")
	g2, err := svc.StartGrading(ctx, alice, p2, "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := svc.StartGrading(ctx, alice, p2, "192.0.2.2"); err != nil || again.ID != g2.ID {
		t.Fatalf("reprise : %v, %d au lieu de %d", err, again.ID, g2.ID)
	}
	var opened int
	f.d.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE detail LIKE 'ouverture%' AND address='192.0.2.2'`).Scan(&opened)
	if opened != 1 || audits() != 3 {
		t.Errorf("ouverture : %d entrées, %d en tout, attendu 1 et 3", opened, audits())
	}
	// Released: no more changes.
	if _, err := svc.SaveGrading(ctx, alice, gid, good, false, ""); err == nil {
		t.Error("une évaluation publiée a été modifiée")
	}
}

// The marking rules, the cohort's anonymous marking and the audit entry are
// saved together, or not at all.
func TestMarkingRulesSavedWithAnonymityAndAudit(t *testing.T) {
	t.Parallel()
	f, svc := newFixture(t)
	ctx := context.Background()
	state := func() (anonymous bool, entries int) {
		t.Helper()
		f.d.Read.QueryRow(`SELECT anonymous_marking FROM cohorts WHERE id=?`, f.cohort).Scan(&anonymous)
		f.d.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action=?`, account.ActionSettings).Scan(&entries)
		return
	}
	entry := account.Entry{ActorLogin: "resp", Target: "promotion fixture", Address: "192.0.2.3"}
	bad := assessment.Settings{CohortID: f.cohort, Levels: []string{"Seul niveau"}, PassLevel: 1, Discrepancy: 1}
	if err := svc.SaveMarkingRules(ctx, bad, true, entry); err == nil {
		t.Fatal("une échelle d'un seul niveau acceptée")
	}
	if anon, n := state(); anon || n != 0 {
		t.Errorf("après un refus : anonymat %v, %d entrées ; attendu false, 0", anon, n)
	}
	good := assessment.Settings{CohortID: f.cohort, Levels: []string{"Non acquis", "En cours", "Acquis"}, PassLevel: 2, Discrepancy: 1, DoubleKinds: []string{}}
	if err := svc.SaveMarkingRules(ctx, good, true, entry); err != nil {
		t.Fatal(err)
	}
	if anon, n := state(); !anon || n != 1 {
		t.Errorf("après l'enregistrement : anonymat %v, %d entrées ; attendu true, 1", anon, n)
	}
	if st, _ := svc.Settings(ctx, f.cohort); len(st.Levels) != 3 || st.PassLevel != 2 {
		t.Errorf("règles : %+v", st)
	}
}
