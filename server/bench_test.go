package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// seedLarge adds a cohort of n learners with per pieces each, straight in
// SQL (the service path hashes passwords and would take minutes), and
// assigns evaluateur1 to it. A third of the pieces are graded and released,
// a third deposited, the rest drafts. It returns the cohort id.
func seedLarge(tb testing.TB, env *testenv.Env, n, per int) int64 {
	tb.Helper()
	ctx := context.Background()
	fw := env.Platform.Catalog.Default()
	kinds := fw.DeliverableKinds
	guide := string(assessment.NewGuide().JSON())
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var cohortID int64
	err := env.Platform.DB.Tx(ctx, func(tx *sql.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE login='apprenant01'`).Scan(&hash); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cohorts(name, framework_id, starts_on, ends_on, created_at) VALUES (?,?,?,?,?)`,
			fmt.Sprintf("Promotion de charge %d", n), fw.ID, "2026-01-05", "2026-12-18", now.Format(time.RFC3339))
		if err != nil {
			return err
		}
		cohortID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) SELECT ?, id, 'assessor' FROM users WHERE login='evaluateur1'`, cohortID); err != nil {
			return err
		}
		var assessorID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE login='evaluateur2'`).Scan(&assessorID); err != nil {
			return err
		}
		// A soutenance for every learner, its convocations sent: the session
		// page, the sheets and the convocations grow with the cohort.
		res, err = tx.ExecContext(ctx, `INSERT INTO eval_sessions(cohort_id, kind_id, title, starts_at, slot_minutes, place, sent_at, created_at)
			VALUES (?, 'soutenance-rapport-experience', 'Soutenances', '2026-06-01T07:00:00Z', 40, 'Salle 204', ?, ?)`, cohortID, now.Format(time.RFC3339), now.Format(time.RFC3339))
		if err != nil {
			return err
		}
		sessionID, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_jury(session_id, user_id, position) SELECT ?, id, CASE login WHEN 'evaluateur1' THEN 1 ELSE 2 END
			FROM users WHERE login IN ('evaluateur1','evaluateur2')`, sessionID); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			res, err := tx.ExecContext(ctx, `INSERT INTO users(login, display_name, role, password_hash, created_at, password_changed_at) VALUES (?,?,?,?,?,?)`,
				fmt.Sprintf("charge%d-%05d", cohortID, i), fmt.Sprintf("Apprenant %05d", i), "learner", hash, now.Format(time.RFC3339), now.Format(time.RFC3339))
			if err != nil {
				return err
			}
			uid, _ := res.LastInsertId()
			if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,'learner')`, cohortID, uid); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO eval_slots(session_id, learner_id, position, sent_snapshot) VALUES (?,?,?,?)`,
				sessionID, uid, i+1, `{"debut":"2026-06-01T07:00:00Z","duree":40,"lieu":"Salle 101","lien":"","apporter":""}`); err != nil {
				return err
			}
			for k := 0; k < per; k++ {
				kind := kinds[(i+k)%len(kinds)]
				at := now.Add(time.Duration(i*per+k) * time.Minute).Format(time.RFC3339Nano)
				res, err := tx.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, status, created_at)
					VALUES (?,?,?,?,?,?,?,?,?)`, uid, cohortID, kind.ID, fmt.Sprintf("Pièce %d-%d", i, k), guide, at, fmt.Sprintf("Copie %d%d", i, k), "brouillon", at)
				if err != nil {
					return err
				}
				pid, _ := res.LastInsertId()
				if k%3 == 2 {
					continue
				}
				var links []assessment.CapacityLink
				for _, l := range fw.Links(kind) {
					for _, c := range l.Capacities {
						links = append(links, assessment.CapacityLink{CapacityID: c.ID, FromKind: true})
					}
				}
				criteria := assessment.CriteriaFor(fw, links)
				lj, _ := json.Marshal(links)
				cj, _ := json.Marshal(criteria)
				res, err = tx.ExecContext(ctx, `INSERT INTO piece_versions(piece_id, number, title, body, links, criteria, sha256, deposited_at) VALUES (?,?,?,?,?,?,?,?)`,
					pid, 1, "v1", guide, string(lj), string(cj), fmt.Sprintf("%064d", pid), at)
				if err != nil {
					return err
				}
				vid, _ := res.LastInsertId()
				status := "depose"
				if k%3 == 1 {
					status = "evalue"
					res, err := tx.ExecContext(ctx, `INSERT INTO gradings(version_id, assessor_id, role, state, decision, feedback, created_at, updated_at, released_at)
						VALUES (?,?,?,?,?,?,?,?,?)`, vid, assessorID, "simple", "publie", "valide", "Bien.", at, at, at)
					if err != nil {
						return err
					}
					gid, _ := res.LastInsertId()
					for j, c := range criteria {
						if _, err := tx.ExecContext(ctx, `INSERT INTO grading_scores(grading_id, criterion_id, level) VALUES (?,?,?)`, gid, c, 2+j%2); err != nil {
							return err
						}
					}
				}
				if _, err := tx.ExecContext(ctx, `UPDATE pieces SET latest_version_id=?, deposited_at=?, status=? WHERE id=?`, vid, at, status, pid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cohortID
}

var gradingIDRe = regexp.MustCompile(`^/evaluation/(\d+)$`)

// openGrading starts evaluateur1's grading of the oldest deposited piece of
// the cohort and returns the grading URL and a complete form for it.
func openGrading(tb testing.TB, c *testenv.Client, cohortID int64) (string, url.Values) {
	tb.Helper()
	q := c.Get("/evaluation?statut=depose&promotion=" + strconv.FormatInt(cohortID, 10))
	m := regexp.MustCompile(`action="/evaluation/pieces/(\d+)"`).FindStringSubmatch(q.Body)
	if m == nil {
		tb.Fatal("aucune pièce à évaluer dans la file")
	}
	r := c.Submit("/evaluation", "/evaluation/pieces/"+m[1], url.Values{})
	if !gradingIDRe.MatchString(r.Location) {
		tb.Fatalf("ouverture : %d %q", r.Status, r.Location)
	}
	page := c.Get(r.Location)
	form := url.Values{"decision": {"valide"}, "feedback": {"Travail solide."}, "action": {"enregistrer"}, "_csrf": {testenv.CSRFToken(page.Body)}}
	for _, lv := range regexp.MustCompile(`name="(niveau-[^"]+)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Set(lv[1], "2")
	}
	return r.Location, form
}

// statementsFor counts the SQL statements one request runs on the
// platform's database (a counter of its own: other tests may run beside).
func statementsFor(env *testenv.Env, fn func()) int64 {
	before := env.Platform.DB.Statements()
	fn()
	return env.Platform.DB.Statements() - before
}

// The queue and the grading save run a fixed number of statements, whatever
// the size of the cohort.
func TestStatementsPerRequestDoNotGrowWithLearners(t *testing.T) {
	t.Parallel()
	counts := map[int][6]int64{}
	for _, n := range []int{10, 200} {
		env := testenv.Start(t, true)
		cohort := seedLarge(t, env, n, 6)
		c := env.NewClient()
		c.Login("evaluateur1", "demo")
		path := "/evaluation?promotion=" + strconv.FormatInt(cohort, 10)
		c.Get(path) // warm the session
		q := statementsFor(env, func() {
			if r := c.Get(path); r.Status != http.StatusOK {
				t.Fatalf("file : %d", r.Status)
			}
		})
		gurl, form := openGrading(t, c, cohort)
		s := statementsFor(env, func() {
			if r := c.Post(gurl, form); r.Status != http.StatusSeeOther {
				t.Fatalf("enregistrement : %d %s", r.Status, testenv.Text(r.Body))
			}
		})
		if err := env.Platform.Assessment.RebuildCoverage(context.Background(), cohort); err != nil {
			t.Fatal(err)
		}
		mgr := env.NewClient()
		mgr.Login("admin", "demo")
		cov := "/promotions/" + strconv.FormatInt(cohort, 10) + "/couverture"
		mgr.Get(cov)
		h := statementsFor(env, func() {
			if r := mgr.Get(cov); r.Status != http.StatusOK {
				t.Fatalf("couverture : %d", r.Status)
			}
		})
		// A page not kept in memory yet: the roster is read and sorted.
		cold := statementsFor(env, func() {
			if r := mgr.Get(cov + "?tri=risque&page=2"); r.Status != http.StatusOK {
				t.Fatalf("couverture : %d", r.Status)
			}
		})
		jury := "/promotions/" + strconv.FormatInt(cohort, 10) + "/jury"
		j := statementsFor(env, func() {
			if r := mgr.Get(jury); r.Status != http.StatusOK {
				t.Fatalf("jury : %d", r.Status)
			}
		})
		var learner int64
		if err := env.Platform.DB.Read.QueryRow(`SELECT user_id FROM cohort_members WHERE cohort_id=? AND member_role='learner' LIMIT 1`, cohort).Scan(&learner); err != nil {
			t.Fatal(err)
		}
		d := statementsFor(env, func() {
			if r := mgr.Get("/apprenants/" + strconv.FormatInt(learner, 10) + "/dossier"); r.Status != http.StatusOK {
				t.Fatalf("dossier : %d", r.Status)
			}
		})
		counts[n] = [6]int64{q, s, h, cold, j, d}
	}
	if counts[10] != counts[200] {
		t.Fatalf("requêtes SQL par requête HTTP (file, enregistrement, couverture, couverture non gardée, jury, dossier) : %v pour 10 apprenants, %v pour 200", counts[10], counts[200])
	}
	t.Logf("requêtes SQL par requête HTTP : file %d, enregistrement d'une évaluation %d, couverture %d (%d hors mémoire), liste du jury %d, dossier de certification %d",
		counts[10][0], counts[10][1], counts[10][2], counts[10][3], counts[10][4], counts[10][5])
}

func BenchmarkQueue(b *testing.B) {
	env := testenv.Start(b, true)
	cohort := seedLarge(b, env, benchLearners(), 30)
	c := env.NewClient()
	c.Login("evaluateur1", "demo")
	path := "/evaluation?promotion=" + strconv.FormatInt(cohort, 10)
	b.ResetTimer()
	for b.Loop() {
		if r := c.Get(path); r.Status != http.StatusOK {
			b.Fatalf("statut %d", r.Status)
		}
	}
}

func BenchmarkGradingSave(b *testing.B) {
	env := testenv.Start(b, true)
	cohort := seedLarge(b, env, benchLearners(), 30)
	c := env.NewClient()
	c.Login("evaluateur1", "demo")
	gurl, form := openGrading(b, c, cohort)
	b.ResetTimer()
	for b.Loop() {
		if r := c.Post(gurl, form); r.Status != http.StatusSeeOther {
			b.Fatalf("statut %d", r.Status)
		}
	}
}

func benchLearners() int {
	if n, err := strconv.Atoi(os.Getenv("CASP_BENCH_LEARNERS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// TestLoadQueueAndGrading is a load run, not a timed test: with
// CASP_LOAD=1 it seeds 1,000 learners × 30 pieces, sends a bounded number of
// requests from 16 concurrent clients (CASP_LOAD_CLIENTS) on loopback, and logs the latency
// percentiles. It asserts only that every request succeeded.
func TestLoadQueueAndGrading(t *testing.T) {
	if os.Getenv("CASP_LOAD") != "1" {
		t.Skip("charge : CASP_LOAD=1 pour l'exécuter")
	}
	env := testenv.Start(t, true)
	cohort := seedLarge(t, env, benchLearners(), 30)
	const perClient = 50
	clients := 16
	if n, err := strconv.Atoi(os.Getenv("CASP_LOAD_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	// prepare, when given, runs for each client before the clock starts.
	run := func(name string, prepare func(c *testenv.Client), req func(c *testenv.Client, i int) int) {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for w := 0; w < clients; w++ {
			c := env.NewClient()
			c.Login("evaluateur1", "demo")
			if prepare != nil {
				prepare(c) // reads pages: before compression is asked for
			}
			c.AcceptCompressed()
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < perClient; i++ {
					start := time.Now()
					st := req(c, w*perClient+i)
					d := time.Since(start)
					if st >= 400 {
						t.Errorf("%s : statut %d", name, st)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
		t.Logf("%s : %d requêtes, %d clients — p50 %v, p90 %v, p99 %v, max %v", name, len(lat), clients, p(.5), p(.9), p(.99), lat[len(lat)-1])
	}
	qpath := "/evaluation?promotion=" + strconv.FormatInt(cohort, 10)
	run("file d'évaluation", nil, func(c *testenv.Client, _ int) int { return c.Get(qpath).Status })
	run("healthz", nil, func(c *testenv.Client, _ int) int { return c.Get("/healthz").Status })
	// Each client saves its own grading again and again (opened before the
	// clock starts: the first save is not an opening).
	forms := map[*testenv.Client][2]any{}
	var fmu sync.Mutex
	run("enregistrement d'une évaluation", func(c *testenv.Client) {
		u, form := openGrading(t, c, cohort)
		fmu.Lock()
		forms[c] = [2]any{u, form}
		fmu.Unlock()
	}, func(c *testenv.Client, _ int) int {
		fmu.Lock()
		f := forms[c]
		fmu.Unlock()
		return c.Post(f[0].(string), f[1].(url.Values)).Status
	})
}

// TestLoadCoverage measures the heatmap page and its JSON twin under
// concurrent clients, on the cohort `casp seed --learners 1000
// --pieces-per-learner 30` makes, with /healthz in the same run for scale.
// It reports figures; it asserts only that every answer is a 200.
func TestLoadCoverage(t *testing.T) {
	if os.Getenv("CASP_LOAD") != "1" {
		t.Skip("charge : CASP_LOAD=1 pour l'exécuter")
	}
	env := testenv.Start(t, true)
	ctx := context.Background()
	cohort, err := demo.SeedSynthetic(ctx, env.Platform.DB, env.Platform.Catalog.Default(), demo.SyntheticOptions{Learners: benchLearners(), PiecesPerLearner: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Assessment.RebuildCoverage(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	clients := 16
	if n, err := strconv.Atoi(os.Getenv("CASP_LOAD_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	const perClient = 50
	cs := make([]*testenv.Client, clients)
	for i := range cs {
		cs[i] = env.NewClient()
		cs[i].Login("responsable", "demo")
		cs[i].AcceptCompressed()
	}
	base := strconv.FormatInt(cohort, 10) + "/couverture"
	paths := map[string]func(i int) string{
		"healthz":           func(int) string { return "/healthz" },
		"carte de chaleur":  func(i int) string { return "/promotions/" + base + "?page=" + strconv.Itoa(1+i%20) },
		"jumeau JSON":       func(i int) string { return "/api/v1/promotions/" + base + "?page=" + strconv.Itoa(1+i%20) },
		"carte, tri risque": func(i int) string { return "/promotions/" + base + "?tri=risque&page=" + strconv.Itoa(1+i%20) },
	}
	for _, name := range []string{"healthz", "carte de chaleur", "jumeau JSON", "carte, tri risque", "healthz"} {
		path := paths[name]
		// Each of the 20 pages once before the clock: the first view of a
		// page fills its cache (reported apart); the run measures the
		// steady state.
		cold := time.Now()
		for i := range 20 {
			if r := cs[0].Get(path(i)); r.Status != http.StatusOK {
				t.Fatalf("%s : statut %d", name, r.Status)
			}
		}
		coldTook := time.Since(cold)
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		began := time.Now()
		for w, c := range cs {
			wg.Add(1)
			go func(w int, c *testenv.Client) {
				defer wg.Done()
				for i := 0; i < perClient; i++ {
					start := time.Now()
					r := c.Get(path(w*perClient + i))
					d := time.Since(start)
					if r.Status != http.StatusOK {
						t.Errorf("%s : statut %d", name, r.Status)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}(w, c)
		}
		wg.Wait()
		took := time.Since(began)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
		t.Logf("%s : %d requêtes, %d clients, %.0f req/s — p50 %v, p90 %v, p99 %v, max %v (20 premières vues : %v)", name, len(lat), clients,
			float64(len(lat))/took.Seconds(), p(.5), p(.9), p(.99), lat[len(lat)-1], coldTook)
	}
}

// BenchmarkQueueDomain isolates the queue's SQL from HTTP and rendering.
func BenchmarkQueueDomain(b *testing.B) {
	env := testenv.Start(b, true)
	cohort := seedLarge(b, env, benchLearners(), 30)
	u, err := env.Platform.Accounts.ByLogin(context.Background(), "evaluateur1")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := env.Platform.Assessment.Queue(context.Background(), u, assessment.QueueFilter{CohortID: cohort}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoverage is the heatmap page (50 learners) of a 1,000-learner cohort.
func BenchmarkCoverage(b *testing.B) {
	env := testenv.Start(b, true)
	cohort := seedLarge(b, env, benchLearners(), 30)
	if err := env.Platform.Assessment.RebuildCoverage(context.Background(), cohort); err != nil {
		b.Fatal(err)
	}
	c := env.NewClient()
	c.Login("admin", "demo")
	c.AcceptCompressed() // as browsers do
	for _, path := range []string{"/promotions/", "/api/v1/promotions/"} {
		path := path + strconv.FormatInt(cohort, 10) + "/couverture"
		b.Run(path[:strings.Index(path[1:], "/")+1], func(b *testing.B) {
			for b.Loop() {
				if r := c.Get(path); r.Status != http.StatusOK {
					b.Fatalf("statut %d", r.Status)
				}
			}
		})
	}
}
