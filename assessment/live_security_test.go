package assessment_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
)

// An assessor withdrawn from the cohort loses the juries they sat on; an
// external member (flagged as such, not merely without a cohort) keeps
// theirs, and a jury of externals only is refused.
func TestJuryNeedsCurrentMembership(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	svc.SetClock(func() time.Time { return time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager, Login: "maud"}
	ev := account.User{ID: f.user("Alice Martin", "assessor", "assessor"), Role: account.Assessor, Login: "alice"}
	ext := account.User{ID: f.user("Claire Vasseur", "assessor", ""), Role: account.Assessor, Login: "jury.claire", External: true}
	f.insert(`UPDATE users SET external=1 WHERE id=?`, ext.ID)
	l := f.user("Léa Durand", "learner", "learner")
	in := assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: "2026-12-14", Time: "09:00", Minutes: 30, Place: "Salle 12",
		Jury: []int64{ev.ID}, Learners: []int64{l}}
	sid, err := svc.PlanSession(ctx, mgr, f.cohort, in, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AddExternalJury(ctx, mgr, sid, ext.ID, ""); err != nil {
		t.Fatal(err)
	}
	// A jury made of externals alone is refused.
	alone := in
	alone.Date, alone.Jury = "2026-12-20", []int64{ext.ID}
	_, err = svc.PlanSession(ctx, mgr, f.cohort, alone, "")
	fieldErr(t, err, "jury", "au moins un évaluateur ou un responsable de la promotion")

	se, _, err := svc.SessionFor(ctx, ev, sid)
	if err != nil {
		t.Fatal(err)
	}
	slot := se.Slots[0].ID
	if _, _, err := svc.SessionFor(ctx, ext, sid); err != nil {
		t.Fatalf("membre extérieur : %v", err)
	}
	// Alice leaves the cohort: no more session, sheet nor grid.
	f.insert(`DELETE FROM cohort_members WHERE user_id=?`, ev.ID)
	if _, _, err := svc.SessionFor(ctx, ev, sid); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("évaluatrice retirée : session %v", err)
	}
	if _, err := svc.LiveSheet(ctx, ev, slot); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("évaluatrice retirée : feuille %v", err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev, slot, assessment.LiveInput{Notes: "x"}, false, ""); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("évaluatrice retirée : enregistrement %v", err)
	}
	if list, err := svc.JurySessions(ctx, ev.ID); err != nil || len(list) != 0 {
		t.Fatalf("évaluatrice retirée : %d sessions, %v", len(list), err)
	}
	if list, err := svc.JurySessions(ctx, ext.ID); err != nil || len(list) != 1 {
		t.Fatalf("membre extérieur : %d sessions, %v", len(list), err)
	}
	// An account with no cohort that is not flagged external cannot be
	// added as an external member.
	bare := f.user("Paul Sans", "assessor", "")
	if err := svc.AddExternalJury(ctx, mgr, sid, bare, ""); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("compte sans promotion ajouté comme extérieur : %v", err)
	}
}

// Once grading has begun the jury is fixed; once both grids are complete
// they are compared and frozen; once published the sheet takes nothing.
func TestLiveGridsFreeze(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	svc.SetClock(func() time.Time { return time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager, Login: "maud"}
	ev1 := account.User{ID: f.user("Alice Martin", "assessor", "assessor"), Role: account.Assessor, Login: "alice"}
	ev2 := account.User{ID: f.user("Bruno Petit", "assessor", "assessor"), Role: account.Assessor, Login: "bruno"}
	ev3 := f.user("Chloé Roy", "assessor", "assessor")
	ext := f.user("Claire Vasseur", "assessor", "")
	f.insert(`UPDATE users SET external=1 WHERE id=?`, ext)
	l := f.user("Léa Durand", "learner", "learner")
	in := assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: "2026-12-14", Time: "09:00", Minutes: 30, Place: "Salle 12",
		Jury: []int64{ev1.ID, ev2.ID}, Learners: []int64{l}}
	sid, err := svc.PlanSession(ctx, mgr, f.cohort, in, "")
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := svc.SessionFor(ctx, mgr, sid)
	if err != nil {
		t.Fatal(err)
	}
	slot := se.Slots[0].ID
	sh, err := svc.LiveSheet(ctx, ev1, slot)
	if err != nil || len(sh.Criteria) == 0 {
		t.Fatalf("feuille : %v", err)
	}
	grid := func(level int) assessment.LiveInput {
		g := assessment.GradingInput{Levels: map[string]int{}, Decision: assessment.Validated, Feedback: "Retour."}
		for _, c := range sh.Criteria {
			g.Levels[c] = level
		}
		return assessment.LiveInput{Notes: "Notes.", Grading: g}
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, grid(2), true, ""); err != nil {
		t.Fatal(err)
	}
	// The jury is fixed now.
	changed := in
	changed.Jury = []int64{ev1.ID, ev3}
	fieldErr(t, svc.UpdateSession(ctx, mgr, sid, changed, ""), "jury", "son jury ne change plus")
	if err := svc.AddExternalJury(ctx, mgr, sid, ext, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("membre extérieur ajouté après le début de la notation : %v", err)
	}
	if err := svc.UpdateSession(ctx, mgr, sid, in, ""); err != nil {
		t.Fatalf("modification sans changer le jury : %v", err)
	}
	// Both grids complete: compared and frozen, notes still saved.
	if _, err := svc.SaveLiveSheet(ctx, ev2, slot, grid(1), true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, grid(1), false, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("grille modifiée pendant la comparaison : %v", err)
	}
	if sh, err := svc.LiveSheet(ctx, ev1, slot); err != nil || sh.Editable() || !sh.Agreement || sh.Mine.Scores[sh.Criteria[0]].Level != 2 {
		t.Fatalf("grille pendant la comparaison : modifiable %v, %v", sh.Editable(), err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, assessment.LiveInput{Notes: "Après délibération."}, false, ""); err != nil {
		t.Fatalf("notes pendant la comparaison : %v", err)
	}
	if _, err := svc.AgreeLiveResult(ctx, ev1, slot, grid(1).Grading, true, ""); err != nil {
		t.Fatal(err)
	}
	// Published: even with the positions swapped behind the form's back,
	// no grid is accepted.
	f.insert(`UPDATE eval_jury SET position=3-position WHERE session_id=?`, sid)
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, grid(0), false, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("grille sur un passage publié : %v", err)
	}
}

// An examination: an absent candidate is never published as a fail, the
// absence is refused while a mark is entered, and an examination not yet
// sat is not published.
func TestExamAbsenceAndFuturePublication(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager, Login: "maud"}
	ev := f.user("Alice Martin", "assessor", "assessor")
	l1, l2, l3 := f.user("Léa Durand", "learner", "learner"), f.user("Noé Bernard", "learner", "learner"), f.user("Inès Robert", "learner", "learner")
	sid, err := svc.PlanSession(ctx, mgr, f.cohort, assessment.SessionInput{Kind: "examen-connaissances", Date: "2026-12-14", Time: "09:00", Minutes: 120,
		Place: "Amphi B", Jury: []int64{ev}, Learners: []int64{l1, l2, l3}}, "")
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := svc.SessionFor(ctx, mgr, sid)
	if err != nil {
		t.Fatal(err)
	}
	s1, s2, s3 := se.Slots[0].ID, se.Slots[1].ID, se.Slots[2].ID
	if err := svc.SaveExamMarks(ctx, mgr, sid, "10", []assessment.ExamEntry{{SlotID: s1, Mark: "12"}, {SlotID: s2, Mark: "8"}}, ""); err != nil {
		t.Fatal(err)
	}
	fieldErr(t, svc.SetAttendance(ctx, mgr, s2, assessment.Absent, ""), "attendance", "Une note est saisie pour ce candidat")
	if _, err := svc.PublishExamMarks(ctx, mgr, sid, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("examen à venir publié : %v", err)
	}
	now = time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	// Inès was absent; a mark left for her (an older import) is not a fail.
	if err := svc.SetAttendance(ctx, mgr, s3, assessment.Absent, ""); err != nil {
		t.Fatal(err)
	}
	f.insert(`INSERT INTO exam_marks(slot_id, mark, out_of, pass_mark, entered_at) VALUES (?, 0, 20, 10, '2026-12-14T12:00:00Z')`, s3)
	n, err := svc.PublishExamMarks(ctx, mgr, sid, "")
	if err != nil || n != 2 {
		t.Fatalf("publication : %d, %v", n, err)
	}
	se, _, err = svc.SessionFor(ctx, mgr, sid)
	if err != nil {
		t.Fatal(err)
	}
	if se.Slots[2].PieceID != 0 || se.Slots[2].Attendance != assessment.Absent {
		t.Fatalf("absente publiée : pièce %d, présence %q", se.Slots[2].PieceID, se.Slots[2].Attendance)
	}
	if se.Slots[0].PieceID == 0 || se.Slots[1].PieceID == 0 {
		t.Fatal("notes des présents non publiées")
	}
}

// A learner's export holds only what the learner may already see: the
// passages whose convocation was sent, never the jury's personal notes;
// those are in the jury member's own export.
func TestLearnerExportLeavesJuryNotes(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	svc.SetClock(func() time.Time { return time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager, Login: "maud"}
	ev := account.User{ID: f.user("Alice Martin", "assessor", "assessor"), Role: account.Assessor, Login: "alice"}
	l := account.User{ID: f.user("Léa Durand", "learner", "learner"), Role: account.Learner}
	sid, err := svc.PlanSession(ctx, mgr, f.cohort, assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: "2026-12-14", Time: "09:00",
		Minutes: 30, Place: "Salle 12", Jury: []int64{ev.ID}, Learners: []int64{l.ID}}, "")
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := svc.SessionFor(ctx, mgr, sid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev, se.Slots[0].ID, assessment.LiveInput{Notes: "Semble fatiguée, hésite beaucoup."}, false, ""); err != nil {
		t.Fatal(err)
	}
	ex, err := svc.ExportLearner(ctx, l, l.ID)
	if err != nil || len(ex.Live) != 0 {
		t.Fatalf("session non envoyée dans l'export de l'apprenante : %+v, %v", ex.Live, err)
	}
	if err := svc.SendConvocations(ctx, mgr, sid, ""); err != nil {
		t.Fatal(err)
	}
	ex, err = svc.ExportLearner(ctx, l, l.ID)
	if err != nil || len(ex.Live) != 1 {
		t.Fatalf("convocation envoyée absente de l'export : %+v, %v", ex.Live, err)
	}
	b, _ := json.Marshal(ex)
	if strings.Contains(string(b), "fatiguée") {
		t.Fatal("les notes personnelles du jury sont dans l'export de l'apprenante")
	}
	notes, err := svc.JuryNotes(ctx, ev, ev.ID)
	if err != nil || len(notes) != 1 || notes[0].Notes != "Semble fatiguée, hésite beaucoup." || notes[0].Candidate != "Léa Durand" {
		t.Fatalf("notes de l'évaluatrice : %+v, %v", notes, err)
	}
	if _, err := svc.JuryNotes(ctx, l, ev.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("notes du jury lues par l'apprenante : %v", err)
	}
}

// Two candidates with the same name: a line naming them is refused (with
// its number), not given to the first one; their logins still work.
func TestExamCSVRefusesHomonyms(t *testing.T) {
	se := assessment.Session{Slots: []assessment.Slot{{ID: 1, Login: "lea.martin", Learner: "Léa Martin"}, {ID: 2, Login: "lea.martin2", Learner: "Léa Martin"},
		{ID: 3, Login: "noe.petit", Learner: "Noé Petit"}}}
	lines, err := assessment.ParseExamCSV(strings.NewReader("identifiant;note\nlea martin;12\nlea.martin2;14\nnoe petit;9\n"), se)
	if err != nil || len(lines) != 3 {
		t.Fatalf("%+v, %v", lines, err)
	}
	if l := lines[0]; l.SlotID != 0 || !strings.Contains(l.Problem, "Ligne 2 : 2 candidats de cet examen s'appellent « lea martin »") ||
		!strings.Contains(l.Problem, "identifiant de connexion") {
		t.Errorf("homonymes : %+v", l)
	}
	if lines[1].SlotID != 2 || lines[1].Problem != "" || lines[2].SlotID != 3 || lines[2].Problem != "" {
		t.Errorf("identifiant, nom unique : %+v %+v", lines[1], lines[2])
	}
}

// A member has one individual part per collective piece: the database
// refuses a second one, whatever two requests at once would do.
func TestIndividualPartIsUnique(t *testing.T) {
	f, _ := newFixture(t)
	l := f.user("Léa Durand", "learner", "learner")
	coll, _ := f.piece(l, "Enquête collective", "brouillon", false, "2026-11-01T10:00:00Z")
	part := `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, status, created_at, part_of)
		VALUES (?,?,'guide-entretien','Partie','2026-11-02T10:00:00Z','Copie P','brouillon','2026-11-02T10:00:00Z',?)`
	f.insert(part, l, f.cohort, coll)
	if _, err := f.d.Write.Exec(part, l, f.cohort, coll); err == nil {
		t.Fatal("deux parties individuelles pour le même membre")
	}
}
