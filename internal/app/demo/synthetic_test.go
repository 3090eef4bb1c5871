package demo_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// openSynthDB opens a migrated database in a temporary directory (as
// app.OpenDB does: importing app from here would be a cycle).
func openSynthDB(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background(), account.Migrations, assessment.Migrations, casework.Migrations); err != nil {
		t.Fatal(err)
	}
	return d
}

func synthCatalog(t testing.TB) *referentiel.Catalog {
	t.Helper()
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func count(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s : %v", query, err)
	}
	return n
}

// statusCounts counts a cohort's pieces by stored status.
func statusCounts(t testing.TB, d *db.DB, cohortID int64) map[assessment.Status]int {
	t.Helper()
	rows, err := d.Read.Query(`SELECT status, count(*) FROM pieces WHERE cohort_id=? GROUP BY status`, cohortID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[assessment.Status]int{}
	for rows.Next() {
		var s assessment.Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// derivedStatus is the status the assessment package's marking rules give
// a piece, from its versions and gradings.
func derivedStatus(t *testing.T, ctx context.Context, as *assessment.Service, d *db.DB, p assessment.Piece) assessment.Status {
	t.Helper()
	vrs, err := as.VersionsWithResults(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(vrs) == 0 {
		return assessment.Draft
	}
	latest := vrs[0]
	if latest.Version.ID != p.LatestVersionID || latest.Version.Number != len(vrs) {
		t.Fatalf("pièce %d : dernière version %d (n° %d), attendue %d", p.ID, latest.Version.ID, latest.Version.Number, p.LatestVersionID)
	}
	switch {
	case latest.Result != nil && latest.Result.Decision == assessment.ToRework:
		return assessment.Rework
	case latest.Result != nil:
		return assessment.Graded
	case latest.Moderation:
		return assessment.Moderation
	case count(t, d, `SELECT count(*) FROM gradings WHERE version_id=? AND state<>'clos'`, latest.Version.ID) > 0:
		return assessment.InGrading
	}
	return assessment.Deposited
}

func TestSeedSyntheticCohort(t *testing.T) {
	ctx := context.Background()
	d := openSynthDB(t)
	cat := synthCatalog(t)
	fw := cat.Default()
	acc := account.New(d)
	manager, err := acc.CreateDemo(ctx, account.NewUser{Login: "responsable", DisplayName: "Nadia Fontaine", Role: account.Manager, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	const learners, per = 50, 10
	start := time.Now()
	id, err := demo.SeedSynthetic(ctx, d, fw, demo.SyntheticOptions{Learners: learners, PiecesPerLearner: per, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d apprenants × %d pièces en %v", learners, per, time.Since(start))

	// Accounts and memberships.
	if n := count(t, d, `SELECT count(*) FROM users WHERE login LIKE ?`, "synth"+strconv.FormatInt(id, 10)+"-a%"); n != learners {
		t.Errorf("%d comptes d'apprenants, attendu %d", n, learners)
	}
	for role, want := range map[string]int{"learner": learners, "assessor": 2, "manager": 1} {
		if n := count(t, d, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND member_role=?`, id, role); n != want {
			t.Errorf("%d membres %s, attendu %d", n, role, want)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role='manager'`, id, manager.ID); n != 1 {
		t.Error("le compte responsable ne gère pas la promotion synthétique")
	}
	if n := count(t, d, `SELECT count(*) FROM pieces WHERE cohort_id=?`, id); n != learners*per {
		t.Errorf("%d pièces, attendu %d", n, learners*per)
	}
	if n := count(t, d, `SELECT count(*) FROM deadlines WHERE cohort_id=?`, id); n != len(fw.DeliverableKinds) {
		t.Errorf("%d échéances, attendu une par type de production (%d)", n, len(fw.DeliverableKinds))
	}
	if n := count(t, d, `SELECT count(DISTINCT kind_id) FROM pieces WHERE cohort_id=?`, id); n != len(fw.DeliverableKinds) {
		t.Errorf("%d types de production utilisés, attendu %d", n, len(fw.DeliverableKinds))
	}
	var name string
	if err := d.Read.QueryRow(`SELECT name FROM cohorts WHERE id=?`, id).Scan(&name); err != nil || name != "Promotion synthétique 50" {
		t.Errorf("nom de la promotion : %q, %v", name, err)
	}

	// Synthetic accounts cannot log in, not even with the demo password.
	if _, err := acc.Authenticate(ctx, "synth"+strconv.FormatInt(id, 10)+"-a0001", demo.Password, "127.0.0.1"); err == nil {
		t.Error("un compte synthétique a pu se connecter")
	}
	// Display names are plausible and mostly distinct.
	if n := count(t, d, `SELECT count(DISTINCT display_name) FROM users u JOIN cohort_members m ON m.user_id=u.id AND m.cohort_id=? AND m.member_role='learner'`, id); n < learners-2 {
		t.Errorf("seulement %d noms distincts pour %d apprenants", n, learners)
	}

	// The status mix.
	counts := statusCounts(t, d, id)
	t.Logf("statuts : %v", counts)
	bounds := map[assessment.Status][2]float64{
		assessment.Draft: {0.07, 0.26}, assessment.Deposited: {0.07, 0.26}, assessment.InGrading: {0.07, 0.26},
		assessment.Graded: {0.28, 0.52}, assessment.Rework: {0.05, 0.22}, assessment.Moderation: {0.005, 0.08},
	}
	for st, b := range bounds {
		share := float64(counts[st]) / float64(learners*per)
		if counts[st] == 0 || share < b[0] || share > b[1] {
			t.Errorf("statut %s : %d pièces (%.0f %%), attendu entre %.0f et %.0f %%", st, counts[st], share*100, b[0]*100, b[1]*100)
		}
	}
	deposited := learners*per - counts[assessment.Draft]
	double := count(t, d, `SELECT count(*) FROM pieces WHERE cohort_id=? AND double_marking=1`, id)
	if share := float64(double) / float64(deposited); share < 0.10 || share > 0.32 {
		t.Errorf("%d pièces en double correction sur %d déposées (%.0f %%), attendu environ 20 %%", double, deposited, share*100)
	}
	if n := count(t, d, `SELECT count(*) FROM pieces WHERE cohort_id=? AND double_marking=1 AND status='brouillon'`, id); n != 0 {
		t.Errorf("%d brouillons marqués en double correction", n)
	}
	if n := count(t, d, `SELECT count(*) FROM piece_versions v JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND v.number=2`, id); n == 0 {
		t.Error("aucune pièce n'a de deuxième version")
	}
	if n := count(t, d, `SELECT count(*) FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.cohort_id=? AND g.role='tiers'`, id); n == 0 {
		t.Error("aucun arbitrage par un tiers")
	}
	// Some learners are at risk: several pieces returned.
	if n := count(t, d, `SELECT count(*) FROM (SELECT p.learner_id FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.cohort_id=? AND g.state='publie' AND g.decision='a_retravailler' GROUP BY p.learner_id HAVING count(*)>=3)`, id); n == 0 {
		t.Error("aucun apprenant en difficulté (trois renvois ou plus)")
	}

	// Dates: deposits within the period, gradings after their version's
	// deposit, versions after the previous one's gradings.
	if n := count(t, d, `SELECT count(*) FROM piece_versions v JOIN pieces p ON p.id=v.piece_id
		WHERE p.cohort_id=? AND (v.deposited_at<'2026-01-05' OR v.deposited_at>'2026-12-18')`, id); n != 0 {
		t.Errorf("%d dépôts hors de la période de la promotion", n)
	}
	if n := count(t, d, `SELECT count(*) FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
		WHERE p.cohort_id=? AND (g.created_at<=v.deposited_at OR g.updated_at<g.created_at OR (g.state='publie')<>(g.released_at IS NOT NULL)
		OR g.released_at>'2026-12-19')`, id); n != 0 {
		t.Errorf("%d évaluations mal datées", n)
	}
	if n := count(t, d, `SELECT count(*) FROM gradings g JOIN piece_versions v1 ON v1.id=g.version_id
		JOIN piece_versions v2 ON v2.piece_id=v1.piece_id AND v2.number=v1.number+1 JOIN pieces p ON p.id=v1.piece_id
		WHERE p.cohort_id=? AND (g.updated_at>=v2.deposited_at OR g.state<>'publie')`, id); n != 0 {
		t.Errorf("%d évaluations d'une première version postérieures au second dépôt, ou non publiées", n)
	}
	if n := count(t, d, `SELECT count(*) FROM pieces WHERE cohort_id=? AND (created_at>draft_saved_at OR deposited_at<>draft_saved_at)`, id); n != 0 {
		t.Errorf("%d pièces mal datées", n)
	}
	// Levels on the scale; released gradings complete.
	if n := count(t, d, `SELECT count(*) FROM grading_scores s JOIN gradings g ON g.id=s.grading_id JOIN piece_versions v ON v.id=g.version_id
		JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND (s.level<0 OR s.level>3 OR (s.level IS NULL AND g.state IN ('pret','publie')))`, id); n != 0 {
		t.Errorf("%d niveaux hors échelle ou manquants", n)
	}

	// Every stored status is the one the marking rules derive, and each
	// version grades the criteria of its links.
	as := assessment.New(d, cat, t.TempDir())
	learnerIDs := []int64{}
	rows, err := d.Read.Query(`SELECT user_id FROM cohort_members WHERE cohort_id=? AND member_role='learner' ORDER BY user_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var lid int64
		if err := rows.Scan(&lid); err != nil {
			t.Fatal(err)
		}
		learnerIDs = append(learnerIDs, lid)
	}
	rows.Close()
	for i, lid := range learnerIDs {
		pieces, err := as.LearnerPieces(ctx, lid)
		if err != nil {
			t.Fatal(err)
		}
		if len(pieces) != per {
			t.Fatalf("apprenant %d : %d pièces", lid, len(pieces))
		}
		for _, p := range pieces {
			if got := derivedStatus(t, ctx, as, d, p); got != p.Status {
				t.Errorf("pièce %d : statut enregistré %s, les règles donnent %s", p.ID, p.Status, got)
			}
			links, err := as.Links(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			versions, err := as.Versions(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range versions {
				if !reflect.DeepEqual(v.Links, links) {
					t.Errorf("pièce %d v%d : liens %v, la pièce en a %v", p.ID, v.Number, v.Links, links)
				}
				if want := assessment.CriteriaFor(fw, links); !reflect.DeepEqual(v.Criteria, want) {
					t.Errorf("pièce %d v%d : critères %v, attendu %v", p.ID, v.Number, v.Criteria, want)
				}
			}
			if k, _ := fw.Kind(p.KindID); len(versions) > 0 {
				if f := assessment.CheckContent(k.Editor, versions[0].Body); len(f) > 0 {
					t.Errorf("pièce %d : contenu refusé au dépôt : %v", p.ID, f)
				}
			}
		}
		// Progress is computed for a sample of learners.
		if i%5 == 0 {
			prog, err := as.Progress(ctx, lid)
			if err != nil {
				t.Fatal(err)
			}
			if len(prog.Pieces) != per || prog.Capacities == 0 {
				t.Errorf("progression de %d : %d pièces, %d capacités", lid, len(prog.Pieces), prog.Capacities)
			}
			if len(prog.Deadlines) != len(fw.DeliverableKinds) {
				t.Errorf("progression de %d : %d échéances", lid, len(prog.Deadlines))
			}
		}
	}

	// Once coverage is rebuilt (as casp seed does), the heatmap shows the
	// cohort, acquired capacities, and learners at risk.
	if err := as.RebuildCoverage(ctx, id); err != nil {
		t.Fatal(err)
	}
	h, err := as.Heatmap(ctx, id, assessment.HeatmapFilter{Sort: "risque"})
	if err != nil {
		t.Fatal(err)
	}
	acquired, atRisk := 0, 0
	for _, r := range h.Rows {
		acquired += r.Acquired
		if r.AtRisk {
			atRisk++
		}
	}
	if h.Learners != learners || acquired == 0 || atRisk == 0 {
		t.Errorf("carte de couverture : %d apprenants, %d capacités acquises, %d en difficulté", h.Learners, acquired, atRisk)
	}

	// Assessors see the waiting pieces; agreement statistics have pairs.
	ass, err := acc.ByLogin(ctx, "synth"+strconv.FormatInt(id, 10)+"-e001")
	if err != nil {
		t.Fatal(err)
	}
	q, err := as.Queue(ctx, ass, assessment.QueueFilter{CohortID: id})
	if err != nil {
		t.Fatal(err)
	}
	if want := counts[assessment.Deposited] + counts[assessment.InGrading] + counts[assessment.Moderation]; q.Total != want {
		t.Errorf("file de l'évaluateur : %d pièces, attendu %d", q.Total, want)
	}
	rep, err := as.AgreementStats(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Versions == 0 || rep.Moderated == 0 {
		t.Errorf("accord entre correcteurs : %d versions comparées, %d arbitrées", rep.Versions, rep.Moderated)
	}
}

// Levels follow the learners' ability: validated pieces are at the pass
// level or above, returned pieces have a criterion below it.
func TestSeedSyntheticLevelsFitDecisions(t *testing.T) {
	ctx := context.Background()
	d := openSynthDB(t)
	id, err := demo.SeedSynthetic(ctx, d, synthCatalog(t).Default(), demo.SyntheticOptions{Learners: 30, PiecesPerLearner: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	scope := `FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND g.state IN ('pret','publie')`
	if n := count(t, d, `SELECT count(*) `+scope+` AND g.decision='valide' AND EXISTS (SELECT 1 FROM grading_scores s WHERE s.grading_id=g.id AND s.level<2)
		AND g.role NOT IN ('second')`, id); n != 0 {
		t.Errorf("%d évaluations « validé » avec un critère sous le niveau de réussite", n)
	}
	if n := count(t, d, `SELECT count(*) `+scope+` AND g.decision='a_retravailler' AND NOT EXISTS (SELECT 1 FROM grading_scores s WHERE s.grading_id=g.id AND s.level<2)
		AND g.role NOT IN ('second')`, id); n != 0 {
		t.Errorf("%d évaluations « à retravailler » sans critère sous le niveau de réussite", n)
	}
	var avg float64
	if err := d.Read.QueryRow(`SELECT avg(s.level) FROM grading_scores s JOIN gradings g ON g.id=s.grading_id JOIN piece_versions v ON v.id=g.version_id
		JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND g.state='publie'`, id).Scan(&avg); err != nil {
		t.Fatal(err)
	}
	if avg < 1.4 || avg > 2.6 {
		t.Errorf("niveau moyen publié %.2f, attendu autour de 2", avg)
	}
	if n := count(t, d, `SELECT count(DISTINCT s.level) FROM grading_scores s JOIN gradings g ON g.id=s.grading_id JOIN piece_versions v ON v.id=g.version_id
		JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND s.level IS NOT NULL`, id); n != 4 {
		t.Errorf("%d niveaux distincts utilisés, attendu les 4", n)
	}
}

// fingerprintRows summarises a cohort's content without ids or logins.
func fingerprintRows(t testing.TB, d *db.DB, cohortID int64) string {
	t.Helper()
	var s sql.NullString
	if err := d.Read.QueryRow(`SELECT group_concat(x, '|') FROM (SELECT u.display_name || ':' || p.kind_id || ':' || p.status || ':' || p.double_marking || ':' ||
		p.pseudonym || ':' || p.draft_saved_at || ':' || (SELECT coalesce(sum(s.level),0) FROM grading_scores s JOIN gradings g ON g.id=s.grading_id
		JOIN piece_versions v ON v.id=g.version_id WHERE v.piece_id=p.id) AS x
		FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.cohort_id=? ORDER BY p.id)`, cohortID).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s.String
}

func TestSeedSyntheticReproducible(t *testing.T) {
	ctx := context.Background()
	fw := synthCatalog(t).Default()
	o := demo.SyntheticOptions{Learners: 25, PiecesPerLearner: 6, Seed: 2026}
	var prints []string
	var mixes []map[assessment.Status]int
	for i := 0; i < 2; i++ {
		d := openSynthDB(t)
		id, err := demo.SeedSynthetic(ctx, d, fw, o)
		if err != nil {
			t.Fatal(err)
		}
		prints = append(prints, fingerprintRows(t, d, id))
		mixes = append(mixes, statusCounts(t, d, id))
	}
	if !reflect.DeepEqual(mixes[0], mixes[1]) {
		t.Errorf("même graine, statuts différents : %v et %v", mixes[0], mixes[1])
	}
	if prints[0] != prints[1] {
		t.Error("même graine, contenus différents")
	}
	d := openSynthDB(t)
	o.Seed++
	id, err := demo.SeedSynthetic(ctx, d, fw, o)
	if err != nil {
		t.Fatal(err)
	}
	if fingerprintRows(t, d, id) == prints[0] {
		t.Error("graine différente, contenu identique")
	}
}

// A second call adds a second cohort beside the first, untouched.
func TestSeedSyntheticTwiceAddsCohort(t *testing.T) {
	ctx := context.Background()
	d := openSynthDB(t)
	fw := synthCatalog(t).Default()
	o := demo.SyntheticOptions{Learners: 12, PiecesPerLearner: 4, Seed: 1}
	first, err := demo.SeedSynthetic(ctx, d, fw, o)
	if err != nil {
		t.Fatal(err)
	}
	before := fingerprintRows(t, d, first)
	members := count(t, d, `SELECT count(*) FROM cohort_members WHERE cohort_id=?`, first)
	second, err := demo.SeedSynthetic(ctx, d, fw, o)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatalf("même identifiant %d pour les deux promotions", first)
	}
	if after := fingerprintRows(t, d, first); after != before {
		t.Error("la première promotion a changé")
	}
	if n := count(t, d, `SELECT count(*) FROM cohort_members WHERE cohort_id=?`, first); n != members {
		t.Errorf("membres de la première promotion : %d, puis %d", members, n)
	}
	if n := count(t, d, `SELECT count(*) FROM pieces WHERE cohort_id=?`, second); n != 12*4 {
		t.Errorf("seconde promotion : %d pièces", n)
	}
	var name1, name2 string
	d.Read.QueryRow(`SELECT name FROM cohorts WHERE id=?`, first).Scan(&name1)
	d.Read.QueryRow(`SELECT name FROM cohorts WHERE id=?`, second).Scan(&name2)
	if name1 == name2 || !strings.HasPrefix(name2, "Promotion synthétique 12") {
		t.Errorf("noms des promotions : %q, %q", name1, name2)
	}
	// No responsable account: no manager member.
	if n := count(t, d, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND member_role='manager'`, second); n != 0 {
		t.Errorf("%d gestionnaires sans compte responsable", n)
	}
	// Pieces belong to their own cohort's learners.
	if n := count(t, d, `SELECT count(*) FROM pieces p LEFT JOIN cohort_members m ON m.user_id=p.learner_id AND m.cohort_id=p.cohort_id AND m.member_role='learner'
		WHERE m.user_id IS NULL`); n != 0 {
		t.Errorf("%d pièces d'apprenants hors de leur promotion", n)
	}
}

func TestSeedSyntheticRefusesBadOptions(t *testing.T) {
	ctx := context.Background()
	d := openSynthDB(t)
	fw := synthCatalog(t).Default()
	for _, o := range []demo.SyntheticOptions{{Learners: 0}, {Learners: -3}, {Learners: 5, PiecesPerLearner: -1}, {Learners: 5, PiecesPerLearner: 1000},
		{Learners: 5, Assessors: -1}, {Learners: 5, Assessors: 1}} {
		if _, err := demo.SeedSynthetic(ctx, d, fw, o); err == nil {
			t.Errorf("%+v accepté", o)
		} else if !strings.Contains(err.Error(), "compris entre") {
			t.Errorf("%+v : message %q", o, err)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM cohorts`); n != 0 {
		t.Errorf("%d promotions créées malgré les erreurs", n)
	}
}

// A cancelled generation leaves nothing behind.
func TestSeedSyntheticCancelledLeavesNothing(t *testing.T) {
	d := openSynthDB(t)
	fw := synthCatalog(t).Default()
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the cohort exists, during the learners.
	go func() {
		defer cancel()
		for {
			var n int
			if err := d.Read.QueryRow(`SELECT count(*) FROM cohorts`).Scan(&n); err != nil || n > 0 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	_, err := demo.SeedSynthetic(ctx, d, fw, demo.SyntheticOptions{Learners: 3000, PiecesPerLearner: 30, Seed: 3})
	if err == nil {
		t.Skip("génération terminée avant l'annulation")
	}
	for _, table := range []string{"cohorts", "users", "pieces", "piece_versions", "gradings", "grading_scores", "cohort_members", "deadlines", "marking_settings"} {
		if n := count(t, d, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s : %d lignes restées après l'annulation", table, n)
		}
	}
}

// BenchmarkSeedSynthetic measures a generation: CASP_BENCH_LEARNERS is not
// read here; run with -benchtime=1x for one 1,000 × 30 cohort.
func BenchmarkSeedSynthetic(b *testing.B) {
	ctx := context.Background()
	fw := synthCatalog(b).Default()
	for b.Loop() {
		d := openSynthDB(b)
		if _, err := demo.SeedSynthetic(ctx, d, fw, demo.SyntheticOptions{Learners: 1000, PiecesPerLearner: 30, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
