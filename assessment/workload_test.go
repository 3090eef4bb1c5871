package assessment_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// fixture writes a small cohort straight in SQL, with hand-picked dates.
type fixture struct {
	t      *testing.T
	d      *db.DB
	cohort int64
}

func newFixture(t *testing.T) (*fixture, *assessment.Service) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, account.Migrations, assessment.Migrations); err != nil {
		t.Fatal(err)
	}
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d}
	f.cohort = f.insert(`INSERT INTO cohorts(name, framework_id, starts_on, ends_on, created_at) VALUES ('Promotion fixture', ?, '2026-01-05', '2026-12-18', '2026-01-01T00:00:00Z')`, cat.Default().ID)
	return f, assessment.New(d, cat, t.TempDir())
}

func (f *fixture) insert(q string, args ...any) int64 {
	f.t.Helper()
	res, err := f.d.Write.Exec(q, args...)
	if err != nil {
		f.t.Fatalf("%s : %v", q, err)
	}
	id, _ := res.LastInsertId()
	return id
}

func (f *fixture) user(name, role, memberRole string) int64 {
	f.t.Helper()
	id := f.insert(`INSERT INTO users(login, display_name, role, password_hash, created_at, password_changed_at) VALUES (?,?,?,'x','2026-01-01T00:00:00Z','2026-01-01T00:00:00Z')`,
		strings.ToLower(strings.ReplaceAll(name, " ", ".")), name, role)
	if memberRole != "" {
		f.insert(`INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, f.cohort, id, memberRole)
	}
	return id
}

// piece adds a piece with one version per deposit date; it returns the
// piece id and the version ids.
func (f *fixture) piece(learner int64, title, status string, double bool, deposits ...string) (int64, []int64) {
	f.t.Helper()
	pid := f.insert(`INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft_saved_at, pseudonym, double_marking, status, created_at)
		VALUES (?,?,'guide-entretien',?,?,?,?,?,?)`, learner, f.cohort, title, deposits[0], "Copie "+title, double, status, deposits[0])
	var vids []int64
	for i, at := range deposits {
		vids = append(vids, f.insert(`INSERT INTO piece_versions(piece_id, number, title, body, links, criteria, sha256, deposited_at) VALUES (?,?,?,'','[]','["1.4/crit/1","1.4/crit/2"]','x',?)`,
			pid, i+1, title, at))
	}
	f.insert(`UPDATE pieces SET latest_version_id=?, deposited_at=? WHERE id=?`, vids[len(vids)-1], deposits[len(deposits)-1], pid)
	return pid, vids
}

// grading adds a grading; released is "" for one not released. levels are
// those of 1.4/crit/1 and 1.4/crit/2.
func (f *fixture) grading(version, assessor int64, role, state, decision, released string, levels ...int) {
	f.t.Helper()
	var rel any
	if released != "" {
		rel = released
	}
	gid := f.insert(`INSERT INTO gradings(version_id, assessor_id, role, state, decision, created_at, updated_at, released_at) VALUES (?,?,?,?,?,?,?,?)`,
		version, assessor, role, state, decision, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", rel)
	for i, l := range levels {
		f.insert(`INSERT INTO grading_scores(grading_id, criterion_id, level) VALUES (?,?,?)`, gid, []string{"1.4/crit/1", "1.4/crit/2"}[i], l)
	}
}

// workloadFixture is worked by hand in TestWorkloadHandWorked; now is
// 10 March 2026 at noon (UTC).
func workloadFixture(t *testing.T) (*assessment.Service, *fixture, map[string]int64) {
	f, svc := newFixture(t)
	svc.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
	u := map[string]int64{
		"A": f.user("Alice Martin", "assessor", "assessor"),
		"B": f.user("Bruno Petit", "assessor", "assessor"),
		"C": f.user("Chloé Roy", "assessor", "assessor"),
		"M": f.user("Maud Leroy", "manager", "manager"),
		"L": f.user("Léa Apprenante", "learner", "learner"),
		// An assessor of another cohort never shows.
		"X": f.user("Xavier Ailleurs", "assessor", ""),
	}
	L, A, B, M := u["L"], u["A"], u["B"], u["M"]
	_, v := f.piece(L, "P1", "evalue", false, "2026-03-01T08:00:00Z")
	f.grading(v[0], A, "simple", "publie", "valide", "2026-03-03T08:00:00Z", 2, 3) // 48 h
	_, v = f.piece(L, "P2", "evalue", false, "2026-03-02T08:00:00Z")
	f.grading(v[0], A, "simple", "publie", "valide", "2026-03-02T14:00:00Z", 2, 2) // 6 h
	_, v = f.piece(L, "P3", "evalue", false, "2026-03-01T00:00:00Z")
	f.grading(v[0], B, "simple", "publie", "valide", "2026-03-05T00:00:00Z", 3, 3) // 96 h
	f.grading(v[0], B, "correction", "en_cours", "", "")                           // a rectification under way: not waiting
	_, v = f.piece(L, "P4", "en_evaluation", false, "2026-03-08T12:00:00Z")        // waits 48 h, A on it
	f.grading(v[0], A, "simple", "en_cours", "", "")
	f.piece(L, "P5", "depose", false, "2026-03-09T12:00:00Z")                       // waits 24 h, anyone
	_, v = f.piece(L, "P6", "en_evaluation", true, "2026-03-07T12:00:00Z")          // waits 72 h for a second marker
	f.grading(v[0], A, "premier", "publie", "valide", "2026-03-08T12:00:00Z", 2, 2) // 24 h
	_, v = f.piece(L, "P7", "moderation", true, "2026-03-04T12:00:00Z")             // waits 144 h for a third
	f.grading(v[0], A, "premier", "publie", "valide", "2026-03-05T12:00:00Z", 2, 2) // 24 h
	f.grading(v[0], B, "second", "publie", "valide", "2026-03-06T12:00:00Z", 0, 2)  // 48 h
	_, v = f.piece(L, "P8", "evalue", true, "2026-03-01T12:00:00Z")
	f.grading(v[0], A, "premier", "publie", "valide", "2026-03-02T12:00:00Z", 3, 2)          // 24 h
	f.grading(v[0], B, "second", "publie", "a_retravailler", "2026-03-03T12:00:00Z", 1, 2)   // 48 h
	f.grading(v[0], M, "tiers", "publie", "valide", "2026-03-04T12:00:00Z", 2, 2)            // 72 h
	_, v = f.piece(L, "P9", "depose", false, "2026-02-20T12:00:00Z", "2026-03-10T06:00:00Z") // v2 waits 6 h
	f.grading(v[0], B, "simple", "publie", "a_retravailler", "2026-02-22T12:00:00Z", 1, 1)   // 48 h
	// Written around the service: its statistics are rebuilt, as casp seed does.
	if err := svc.RebuildMarkingStats(context.Background(), f.cohort); err != nil {
		t.Fatal(err)
	}
	return svc, f, u
}

func TestWorkloadHandWorked(t *testing.T) {
	svc, f, _ := workloadFixture(t)
	w, err := svc.Workload(context.Background(), f.cohort, assessment.WorkloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	h := time.Hour
	type want struct {
		member                                 bool
		released, inProgress, queue, waiting   int
		oldest, median, turnaround             time.Duration
		turnarounds, arbitrations, ratingPairs int
		exact                                  float64
	}
	wants := map[string]want{
		// A: released P1 48 h, P2 6 h, P6 24 h, P7 24 h, P8 24 h → median 24 h.
		// Waiting: P4 (own, 48 h), queue P5 (24 h) and P9 (6 h); not P6/P7 (marker).
		"Alice Martin": {true, 5, 1, 2, 3, 48 * h, 24 * h, 24 * h, 5, 0, 4, 0.5},
		// B: released P3 96 h, P7 48 h, P8 48 h, P9 v1 48 h → median 48 h.
		// In progress: the rectification of P3. Queue: P5 24 h, P6 72 h, P9 6 h.
		"Bruno Petit": {true, 4, 1, 3, 3, 72 * h, 24 * h, 48 * h, 4, 0, 4, 0.5},
		// C: queue P5 24, P6 72, P7 144, P9 6 → median (24+72)/2 = 48 h.
		"Chloé Roy": {true, 0, 0, 4, 4, 144 * h, 48 * h, 0, 0, 0, 0, 0},
		// M (manager, not an assessor of the cohort): arbitrated P8 in 72 h; may arbitrate P7.
		"Maud Leroy": {false, 1, 0, 1, 1, 144 * h, 144 * h, 72 * h, 1, 1, 0, 0},
	}
	if len(w.Assessors) != len(wants) {
		names := []string{}
		for _, a := range w.Assessors {
			names = append(names, a.Name)
		}
		t.Fatalf("personnes : %q, attendu %d", names, len(wants))
	}
	// Members first, by name.
	if w.Assessors[0].Name != "Alice Martin" || w.Assessors[3].Name != "Maud Leroy" {
		t.Errorf("ordre : %s … %s", w.Assessors[0].Name, w.Assessors[3].Name)
	}
	check := func(name string, a assessment.AssessorLoad, e want) {
		t.Helper()
		got := want{a.Member, a.Released, a.InProgress, a.Queue, a.Waiting, a.OldestWait, a.MedianWait, a.MedianTurnaround,
			a.Turnarounds, a.Arbitrations, a.RatingPairs, a.ExactShare}
		if got != e {
			t.Errorf("%s :\n obtenu %+v\n attendu %+v", name, got, e)
		}
	}
	for _, a := range w.Assessors {
		check(a.Name, a, wants[a.Name])
	}
	// Totals: 10 released; 2 open gradings; waiting pieces P4 48, P5 24, P6 72,
	// P7 144, P9 6 → median 48 h; not started: all but P4. Turnarounds 6, 24,
	// 24, 24, 48, 48, 48, 48, 72, 96 → median 48 h. Pairs: (2,0) (2,2) (3,1)
	// (2,2): half exact.
	check("total", w.Total, want{true, 10, 2, 4, 5, 144 * h, 48 * h, 48 * h, 10, 1, 4, 0.5})
	if p := w.Assessors[0].Partners; len(p) != 1 || p[0].Label != "Alice Martin / Bruno Petit" {
		t.Errorf("paires d'Alice : %+v", p)
	}
}

func TestCohortResultsHandWorked(t *testing.T) {
	svc, f, _ := workloadFixture(t)
	rs, err := svc.CohortResults(context.Background(), f.cohort)
	if err != nil {
		t.Fatal(err)
	}
	// P1, P2, P3 (the rectification is not released), P8 (arbitrated), P9 v1;
	// P6 and P7 have no result yet.
	var got []string
	for _, r := range rs {
		var levels []string
		for _, l := range r.Levels {
			levels = append(levels, l.CriterionID+"="+l.LevelLabel)
		}
		got = append(got, r.Title+" v"+strconv.Itoa(r.Version)+" "+string(r.Decision)+" "+strings.Join(r.Assessors, "+")+" ("+r.Origin+") "+strings.Join(levels, ","))
	}
	want := []string{
		"P1 v1 valide Alice Martin (Correction simple) 1.4/crit/1=Acquis,1.4/crit/2=Maîtrisé",
		"P2 v1 valide Alice Martin (Correction simple) 1.4/crit/1=Acquis,1.4/crit/2=Acquis",
		"P3 v1 valide Bruno Petit (Correction simple) 1.4/crit/1=Maîtrisé,1.4/crit/2=Maîtrisé",
		"P8 v1 valide Maud Leroy (Arbitrage (tiers évaluateur)) 1.4/crit/1=Acquis,1.4/crit/2=Acquis",
		"P9 v1 a_retravailler Bruno Petit (Correction simple) 1.4/crit/1=En cours d'acquisition,1.4/crit/2=En cours d'acquisition",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("résultats :\n%s\nattendu :\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range rs {
		if r.Title == "P8" && (!r.ReleasedAt.Equal(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)) || !r.DepositedAt.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))) {
			t.Errorf("P8 : déposée %v, publiée %v", r.DepositedAt, r.ReleasedAt)
		}
		if r.Title == "P1" && (r.Levels[0].Label == "" || r.Levels[0].Level != 2) {
			t.Errorf("P1 : critère %+v", r.Levels[0])
		}
	}
}

// Heatmap pages are kept in memory within a bound: viewing more pages than
// it evicts some, never grows past it, and a kept page is served again.
func TestHeatmapPagesKeptWithinBound(t *testing.T) {
	t.Parallel()
	svc, f, _ := workloadFixture(t)
	ctx := context.Background()
	for page := 1; page <= assessment.MaxKeptHeatmapPages+10; page++ {
		if _, err := svc.Heatmap(ctx, f.cohort, assessment.HeatmapFilter{Page: page}); err != nil {
			t.Fatal(err)
		}
		if n := svc.KeptHeatmapPages(); n > assessment.MaxKeptHeatmapPages || n > page {
			t.Fatalf("après %d pages : %d gardées (borne %d)", page, n, assessment.MaxKeptHeatmapPages)
		}
	}
	if n := svc.KeptHeatmapPages(); n < assessment.MaxKeptHeatmapPages-1 {
		t.Errorf("%d pages gardées : la mémoire a été vidée d'un coup", n)
	}
	a, err := svc.Heatmap(ctx, f.cohort, assessment.HeatmapFilter{Sort: "risque"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Heatmap(ctx, f.cohort, assessment.HeatmapFilter{Sort: "risque"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Memo != b.Memo {
		t.Error("la même page, vue deux fois, n'a pas été gardée")
	}
}
