package assessment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/apperr"
)

func fieldErr(t *testing.T, err error, field, want string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || !strings.Contains(e.Fields[field], want) {
		t.Fatalf("erreur %v, attendu sur le champ %s un message contenant %q", err, field, want)
	}
}

func capState(t *testing.T, svc *assessment.Service, learner int64, capacity string) assessment.CapacityState {
	t.Helper()
	pr, err := svc.Progress(context.Background(), learner)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range pr.Activities {
		for _, tk := range a.Tasks {
			for _, c := range tk.Capacities {
				if c.Capacity.ID == capacity {
					return c.State
				}
			}
		}
	}
	t.Fatalf("capacité %s absente", capacity)
	return ""
}

// A soutenance, end to end in the service: planning refused on conflicts,
// convocations and their changes, two blind grids, the agreed result, and
// the capacity acquired only when the report and its soutenance are both
// validated (the report alone awaits its soutenance).
func TestLiveSoutenance(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	svc.SetClock(func() time.Time { return time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager, Login: "maud"}
	ev1 := account.User{ID: f.user("Alice Martin", "assessor", "assessor"), Role: account.Assessor, Login: "alice"}
	ev2 := account.User{ID: f.user("Bruno Petit", "assessor", "assessor"), Role: account.Assessor, Login: "bruno"}
	ev3 := account.User{ID: f.user("Chloé Roy", "assessor", "assessor"), Role: account.Assessor, Login: "chloe"}
	l1 := f.user("Léa Durand", "learner", "learner")
	l2 := f.user("Noé Bernard", "learner", "learner")
	other := account.User{ID: f.user("Paul Autre", "manager", ""), Role: account.Manager, Login: "paul"}

	// Léa deposited her report on 28 November; Noé never did.
	wp := f.insert(`INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, status, created_at)
		VALUES (?,?,'rapport-experience-professionnelle','Rapport de stage','2026-11-28T10:00:00Z','Copie R','evalue','2026-11-01T10:00:00Z')`, l1, f.cohort)
	wv := f.insert(`INSERT INTO piece_versions(piece_id, number, title, body, links, criteria, sha256, deposited_at)
		VALUES (?,1,'Rapport de stage','texte','[{"capacite":"3.6/cap/1","type":true}]','["3.6/crit/1","3.6/crit/2"]','x','2026-11-28T10:00:00Z')`, wp)
	f.insert(`UPDATE pieces SET latest_version_id=?, deposited_at='2026-11-28T10:00:00Z' WHERE id=?`, wv, wp)

	plan := assessment.SessionInput{Kind: "soutenance-rapport-experience", Date: "2026-12-14", Time: "09:00", Minutes: 40,
		Place: "Salle 204, Cnam", Bring: "Pièce d'identité", WrittenDue: "2026-12-01", Jury: []int64{ev1.ID, ev2.ID}, Learners: []int64{l1, l2}}
	_, err := svc.PlanSession(ctx, mgr, f.cohort, plan, "test")
	fieldErr(t, err, "learners", "Noé Bernard n'a pas déposé « Rapport d'expérience professionnelle » avant la date limite du 1er décembre 2026")
	one := plan
	one.Learners, one.Jury = []int64{l1}, []int64{ev1.ID}
	_, err = svc.PlanSession(ctx, mgr, f.cohort, one, "test")
	fieldErr(t, err, "jury", "au moins 2 membres")
	late := plan
	late.Learners, late.WrittenDue = []int64{l1}, "2026-12-20"
	_, err = svc.PlanSession(ctx, mgr, f.cohort, late, "test")
	fieldErr(t, err, "written_due", "précède la session")
	plan.Learners = []int64{l1}
	if _, err := svc.PlanSession(ctx, other, f.cohort, plan, "test"); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("un responsable d'une autre promotion planifie : %v", err)
	}
	sid, err := svc.PlanSession(ctx, mgr, f.cohort, plan, "test")
	if err != nil {
		t.Fatal(err)
	}

	// Nobody in two places at once; back to back is fine.
	mes := assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: "2026-12-14", Time: "09:20", Minutes: 30, Place: "Salle 12",
		Jury: []int64{ev1.ID}, Learners: []int64{l2}}
	_, err = svc.PlanSession(ctx, mgr, f.cohort, mes, "test")
	fieldErr(t, err, "jury", "Alice Martin siège déjà au jury de « Soutenance du rapport d'expérience professionnelle » le 14 décembre 2026, de 9 h 00 à 9 h 40")
	mes.Jury, mes.Learners = []int64{ev3.ID}, []int64{l1, l2}
	_, err = svc.PlanSession(ctx, mgr, f.cohort, mes, "test")
	fieldErr(t, err, "learners", "Léa Durand passe déjà")
	mes.Time = "09:40" // Léa's passage: 9 h 40 – 10 h 10, right after her soutenance
	mesID, err := svc.PlanSession(ctx, mgr, f.cohort, mes, "test")
	if err != nil {
		t.Fatalf("passages consécutifs : %v", err)
	}

	// Convocations: none before sending; then one, changes marked.
	if cs, _ := svc.LearnerConvocations(ctx, l1); len(cs) != 0 {
		t.Fatalf("convocations avant envoi : %d", len(cs))
	}
	if err := svc.SendConvocations(ctx, mgr, sid, "test"); err != nil {
		t.Fatal(err)
	}
	cs, err := svc.LearnerConvocations(ctx, l1)
	if err != nil || len(cs) != 1 || len(cs[0].Changes) != 0 || cs[0].Slot.WrittenID != wp {
		t.Fatalf("convocation envoyée : %+v, %v", cs, err)
	}
	plan.Time, plan.Place = "09:30", "Salle 310, Cnam"
	mes.Time = "10:30"
	if err := svc.UpdateSession(ctx, mgr, mesID, mes, "test"); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateSession(ctx, mgr, sid, plan, "test"); err != nil {
		t.Fatal(err)
	}
	c, err := svc.ConvocationFor(ctx, account.User{ID: l1, Role: account.Learner}, cs[0].Slot.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Changes, " | "); !strings.Contains(got, "horaire : 14 décembre 2026 à 9 h 00 → 14 décembre 2026 à 9 h 30") || !strings.Contains(got, "lieu : Salle 204, Cnam → Salle 310, Cnam") {
		t.Fatalf("changements : %q", got)
	}
	if _, err := svc.ConvocationFor(ctx, account.User{ID: l2, Role: account.Learner}, cs[0].Slot.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("un autre apprenant lit la convocation : %v", err)
	}
	slot := cs[0].Slot.ID

	// The grids: jury only; each on their own; the result agreed once both are complete.
	grid := func(a, b int, d assessment.Decision) assessment.LiveInput {
		return assessment.LiveInput{Notes: "Présentation claire.", Grading: assessment.GradingInput{
			Levels: map[string]int{"3.6/crit/1": a, "3.6/crit/2": b}, Decision: d, Feedback: "Retour."}}
	}
	if _, err := svc.SaveLiveSheet(ctx, ev3, slot, grid(2, 2, assessment.Validated), false, "test"); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("hors jury : %v", err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, assessment.LiveInput{Notes: "Arrivée à l'heure.", Grading: assessment.GradingInput{Levels: map[string]int{"3.6/crit/1": 2}}}, false, "test"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetAttendance(ctx, mgr, slot, assessment.Absent, "test"); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("absent après le début de la notation : %v", err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, grid(2, 3, assessment.Validated), true, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AgreeLiveResult(ctx, ev1, slot, grid(2, 2, assessment.Validated).Grading, true, "test"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("résultat arrêté avec une seule grille : %v", err)
	}
	sh, err := svc.LiveSheet(ctx, ev2, slot)
	if err != nil || sh.Role != assessment.Second || sh.Mine != nil || len(sh.Others) != 1 || sh.Agreement {
		t.Fatalf("feuille du second membre : %+v, %v", sh, err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev2, slot, grid(3, 2, assessment.Validated), true, "test"); err != nil {
		t.Fatal(err)
	}
	sh, err = svc.LiveSheet(ctx, ev2, slot)
	if err != nil || !sh.Agreement || sh.Proposed["3.6/crit/1"] != 2 || sh.Proposed["3.6/crit/2"] != 2 || sh.Notes != "Présentation claire." {
		t.Fatalf("accord : %+v, %v", sh, err)
	}
	// The report is validated but not its soutenance yet: pending.
	rg := f.insert(`INSERT INTO gradings(version_id, assessor_id, role, state, decision, created_at, updated_at, released_at)
		VALUES (?,?,'simple','publie','valide','2026-12-02T00:00:00Z','2026-12-02T00:00:00Z','2026-12-02T00:00:00Z')`, wv, ev3.ID)
	f.insert(`INSERT INTO grading_scores(grading_id, criterion_id, level) VALUES (?,'3.6/crit/1',3), (?,'3.6/crit/2',2)`, rg, rg)
	if err := svc.RefreshLearner(ctx, l1); err != nil {
		t.Fatal(err)
	}
	if s := capState(t, svc, l1, "3.6/cap/1"); s != assessment.CapPending {
		t.Fatalf("rapport validé, soutenance en cours : %s", s)
	}
	if _, err := svc.AgreeLiveResult(ctx, ev2, slot, grid(2, 2, assessment.Validated).Grading, true, "test"); err != nil {
		t.Fatal(err)
	}
	if s := capState(t, svc, l1, "3.6/cap/1"); s != assessment.CapAcquired {
		t.Fatalf("rapport et soutenance validés : %s", s)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev1, slot, grid(1, 1, assessment.ToRework), false, "test"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("grille modifiée après publication : %v", err)
	}

	// Noé is excused from the mise en situation: no result, not a fail.
	mesSe, _, err := svc.SessionFor(ctx, mgr, mesID)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetAttendance(ctx, ev3, mesSe.Slots[1].ID, assessment.Excused, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveLiveSheet(ctx, ev3, mesSe.Slots[1].ID, assessment.LiveInput{Grading: assessment.GradingInput{Levels: map[string]int{"1.4/crit/1": 1}}}, false, "test"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("grille d'un absent : %v", err)
	}
	if s := capState(t, svc, l2, "1.4/cap/1"); s != assessment.CapMissing {
		t.Fatalf("absent excusé : %s, attendu « à couvrir »", s)
	}
}

// A jeu de rôle: the members of a group pass together (same number), the
// next group after them; the session lasts two passages, not three.
func TestLiveGroupPassage(t *testing.T) {
	f, svc := newFixture(t)
	ctx := context.Background()
	svc.SetClock(func() time.Time { return time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC) })
	mgr := account.User{ID: f.user("Maud Leroy", "manager", "manager"), Role: account.Manager}
	ev := f.user("Alice Martin", "assessor", "assessor")
	a, b, c := f.user("Léa Durand", "learner", "learner"), f.user("Noé Bernard", "learner", "learner"), f.user("Inès Robert", "learner", "learner")
	in := assessment.SessionInput{Kind: "jeu-de-role-negociation", Date: "2026-12-15", Time: "09:00", Minutes: 45, Place: "Salle 3",
		Jury: []int64{ev}, Learners: []int64{a, b, c}, Positions: []int{1, 1, 2}}
	id, err := svc.PlanSession(ctx, mgr, f.cohort, in, "")
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := svc.SessionFor(ctx, mgr, id)
	if err != nil {
		t.Fatal(err)
	}
	if !se.Slots[0].StartsAt.Equal(se.Slots[1].StartsAt) || se.Slots[2].StartsAt.Sub(se.Slots[0].StartsAt) != 45*time.Minute ||
		se.EndsAt.Sub(se.StartsAt) != 90*time.Minute {
		t.Fatalf("horaires : %v %v %v, fin %v", se.Slots[0].StartsAt, se.Slots[1].StartsAt, se.Slots[2].StartsAt, se.EndsAt)
	}
	// Inès passes at 9 h 45: a mise en situation for her at 9 h 00 fits,
	// one at 9 h 30 does not.
	mes := assessment.SessionInput{Kind: "mise-en-situation-entretien", Date: "2026-12-15", Time: "09:00", Minutes: 30, Place: "Salle 4",
		Jury: []int64{f.user("Bruno Petit", "assessor", "assessor")}, Learners: []int64{c}}
	if _, err := svc.PlanSession(ctx, mgr, f.cohort, mes, ""); err != nil {
		t.Fatalf("avant son passage : %v", err)
	}
	mes.Time, mes.Date = "09:30", "2026-12-15"
	mes.Jury = []int64{f.user("Chloé Roy", "assessor", "assessor")}
	_, err = svc.PlanSession(ctx, mgr, f.cohort, mes, "")
	fieldErr(t, err, "learners", "Inès Robert passe déjà")
}
