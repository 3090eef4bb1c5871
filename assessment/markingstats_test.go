package assessment_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
)

// tallies reads every table of kept marking statistics, in a fixed order.
func tallies(t *testing.T, d *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT cohort_id, assessor_id, gradings, released, in_progress, arbitrations, turnarounds, rating_pairs, exact, adjacent
			FROM assessor_tallies WHERE gradings<>0 OR rating_pairs<>0 ORDER BY 1, 2`,
		`SELECT cohort_id, assessor_id, bucket, n FROM turnaround_tallies WHERE n<>0 ORDER BY 1, 2, 3`,
		`SELECT cohort_id, class, hour, started, n FROM waiting_tallies WHERE n<>0 ORDER BY 1, 2, 3, 4`,
		`SELECT cohort_id, kind, key, a, b, n FROM agreement_tallies WHERE n<>0 ORDER BY 1, 2, 3, 4, 5`,
		`SELECT cohort_id, lo, hi, n FROM pair_tallies WHERE n<>0 ORDER BY 1, 2, 3`,
		`SELECT cohort_id, versions, moderated FROM agreement_counts WHERE versions<>0 OR moderated<>0 ORDER BY 1`,
		`SELECT piece_id, assessor_id, class, hour, own, marker FROM waiting_people ORDER BY 1, 2`,
	} {
		rows, err := d.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

// The statistics kept as pieces are graded are those a rebuild from the
// gradings computes, at every step: opening, saving, releasing, blind
// double marking, arbitration, and an erasure that takes a learner's share
// out.
func TestMarkingStatsKeptUpAsGraded(t *testing.T) {
	t.Parallel()
	f, svc := newFixture(t)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	ctx := context.Background()
	L := f.user("Léa Apprenante", "learner", "learner")
	K := f.user("Karim Apprenant", "learner", "learner")
	user := func(name, role string) account.User {
		id := f.user(name, role, role)
		return account.User{ID: id, Login: strings.ToLower(strings.ReplaceAll(name, " ", ".")), Role: account.Role(role)}
	}
	A, B, C := user("Alice Martin", "assessor"), user("Bruno Petit", "assessor"), user("Chloé Roy", "assessor")
	M := user("Maud Leroy", "manager")
	p1, _ := f.piece(L, "P1", "depose", false, "2026-03-01T08:00:00Z")
	p2, _ := f.piece(L, "P2", "depose", true, "2026-03-02T08:30:00Z")
	p3, _ := f.piece(L, "P3", "depose", true, "2026-03-03T09:00:00Z")
	p4, _ := f.piece(K, "P4", "depose", false, "2026-03-04T10:00:00Z")
	p5, _ := f.piece(K, "P5", "depose", true, "2026-03-05T11:00:00Z")
	if err := svc.RebuildMarkingStats(ctx, f.cohort); err != nil {
		t.Fatal(err)
	}

	// check compares the kept tallies with a rebuild, and returns them.
	check := func(step string) string {
		t.Helper()
		kept := tallies(t, f.d.Read)
		keptLoad, err := svc.Workload(ctx, f.cohort, assessment.WorkloadQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RebuildMarkingStats(ctx, f.cohort); err != nil {
			t.Fatal(err)
		}
		if rebuilt := tallies(t, f.d.Read); rebuilt != kept {
			t.Fatalf("%s : statistiques tenues\n%s\ndiffèrent de la reconstruction\n%s", step, kept, rebuilt)
		}
		rebuiltLoad, err := svc.Workload(ctx, f.cohort, assessment.WorkloadQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(keptLoad, rebuiltLoad) {
			t.Fatalf("%s : charge tenue %+v\ndiffère de la reconstruction %+v", step, keptLoad, rebuiltLoad)
		}
		return kept
	}
	grade := func(who account.User, piece int64, l1, l2 int, release bool) {
		t.Helper()
		g, err := svc.StartGrading(ctx, who, piece, "192.0.2.1")
		if err != nil {
			t.Fatalf("%s ouvre la pièce %d : %v", who.Login, piece, err)
		}
		in := assessment.GradingInput{Levels: map[string]int{"1.4/crit/1": l1, "1.4/crit/2": l2}, Comments: map[string]string{},
			Decision: assessment.Validated, Feedback: "Relu."}
		if _, err := svc.SaveGrading(ctx, who, g.ID, in, true, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if release {
			now = now.Add(3 * time.Hour)
			if err := svc.Release(ctx, who, g.ID, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
	}

	empty := check("avant toute évaluation")
	grade(A, p1, 2, 3, true) // single marking, released
	grade(B, p2, 0, 3, true) // first blind marking
	check("une évaluation publiée, une première correction")
	grade(C, p2, 3, 3, true)  // second: three levels apart → arbitration
	grade(M, p2, 2, 3, false) // the manager arbitrates, not released yet
	grade(A, p3, 2, 2, true)  // first
	grade(C, p3, 2, 3, true)  // second, close: a result
	grade(B, p4, 1, 1, false) // under way
	grade(A, p5, 2, 2, true)  // first of a piece still waiting for its second
	kept := check("double correction, arbitrage, évaluations en cours")

	w, err := svc.Workload(ctx, f.cohort, assessment.WorkloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// Released: P1, P2 ×2, P3 ×2, P5 first = 6; under way: the arbitration
	// and P4. Waiting: P2 (arbitration started), P4 (started), P5 (waits a
	// second marker: not started).
	if w.Total.Released != 6 || w.Total.InProgress != 2 || w.Total.Waiting != 3 || w.Total.Queue != 1 {
		t.Errorf("totaux : %d publiées, %d en cours, %d en attente, %d à prendre", w.Total.Released, w.Total.InProgress, w.Total.Waiting, w.Total.Queue)
	}
	if a := w.Agreement; a.Versions != 2 || a.Moderated != 1 || a.Overall.Pairs != 4 || a.PairTotal != 2 {
		t.Errorf("accord : %d versions, %d arbitrées, %d paires de notes, %d paires d'évaluateurs", a.Versions, a.Moderated, a.Overall.Pairs, a.PairTotal)
	}
	for _, l := range w.Assessors {
		// B and C may take P5 (A is its first marker); A may not.
		want := map[string]int{"Alice Martin": 0, "Bruno Petit": 1, "Chloé Roy": 1, "Maud Leroy": 0}[l.Name]
		if l.Queue != want {
			t.Errorf("%s : %d pièce(s) à prendre, attendu %d", l.Name, l.Queue, want)
		}
	}
	if kept == empty {
		t.Fatal("les statistiques n'ont pas bougé")
	}

	// Erasing Léa takes P1, P2 and P3 out: what remains is Karim's.
	err = f.d.Tx(ctx, func(tx *sql.Tx) error { _, err := svc.EraseLearner(ctx, tx, L); return err })
	if err != nil {
		t.Fatal(err)
	}
	check("après l'effacement d'une apprenante")
	if w, err = svc.Workload(ctx, f.cohort, assessment.WorkloadQuery{}); err != nil {
		t.Fatal(err)
	}
	if w.Total.Released != 1 || w.Total.InProgress != 1 || w.Total.Waiting != 2 || w.Agreement.Versions != 0 || w.Agreement.Overall.Pairs != 0 {
		t.Errorf("après l'effacement : %d publiées, %d en cours, %d en attente, %d versions comparées",
			w.Total.Released, w.Total.InProgress, w.Total.Waiting, w.Agreement.Versions)
	}
}
