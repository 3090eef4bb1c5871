package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// A large cohort's page lists its learners 50 at a time, with a search
// that ignores accents; each learner links to their progress and dossier.
func TestCohortPageSearchesAndPagesLearners(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	cohort, err := demo.SeedSynthetic(t.Context(), env.Platform.DB, env.Platform.Catalog.Default(), demo.SyntheticOptions{Learners: 120, PiecesPerLearner: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	base := "/promotions/" + strconv.FormatInt(cohort, 10)
	count := func(body string) int { return strings.Count(body, `/dossier">dossier de certification`) }
	r := mgr.Get(base)
	if r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Apprenants (120)") || count(r.Body) != 50 || !strings.Contains(r.Body, "Page 1 sur 3") {
		t.Fatalf("page 1 : %d, %d apprenants listés", r.Status, count(r.Body))
	}
	if r := mgr.Get(base + "?page=3"); count(r.Body) != 20 || !strings.Contains(r.Body, "Page 3 sur 3") {
		t.Fatalf("page 3 : %d apprenants listés", count(r.Body))
	}
	if r := mgr.Get(base + "?page=99"); count(r.Body) != 20 {
		t.Fatalf("page hors limites : %d apprenants listés", count(r.Body))
	}
	// Search by a name without its accent, as typed in a hurry.
	var name string
	if err := env.Platform.DB.Read.QueryRow(`SELECT u.display_name FROM users u JOIN cohort_members m ON m.user_id=u.id
		WHERE m.cohort_id=? AND m.member_role='learner' AND (u.display_name LIKE '%é%' OR u.display_name LIKE '%è%') LIMIT 1`, cohort).Scan(&name); err != nil {
		t.Fatal(err)
	}
	plain := strings.NewReplacer("é", "e", "è", "e").Replace(name)
	r = mgr.Get(base + "?apprenant=" + strings.ReplaceAll(plain, " ", "+"))
	if !strings.Contains(r.Body, name) || count(r.Body) < 1 || count(r.Body) > 50 || !strings.Contains(testenv.Text(r.Body), "trouvé") {
		t.Fatalf("recherche de %q (%q) : %d résultats", plain, name, count(r.Body))
	}
	// The sorted list is kept per version of the cohort: a renamed learner,
	// a changed login and a learner enrolled show at once.
	if _, err := env.Platform.DB.Write.Exec(`UPDATE users SET display_name='Aaron Premier', login='aaron.premier' WHERE display_name=?`, name); err != nil {
		t.Fatal(err)
	}
	if r := mgr.Get(base); !strings.Contains(r.Body, "Aaron Premier <code>aaron.premier</code>") || strings.Contains(r.Body, name+" <code>") {
		t.Errorf("après le changement de nom, la page montre encore %q ou pas le nouveau nom", name)
	}
	newcomer := userID(t, env, "apprenant01")
	if err := env.Platform.Accounts.AddMember(t.Context(), cohort, newcomer, "learner"); err != nil {
		t.Fatal(err)
	}
	if r := mgr.Get(base); !strings.Contains(testenv.Text(r.Body), "Apprenants (121)") {
		t.Errorf("après une inscription : %q", testenv.Text(r.Body)[:200])
	}
}

// The old /cohortes/… addresses lead to /promotions/…, path and query kept.
func TestOldCohortAddressesRedirect(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("responsable", "demo")
	for old, want := range map[string]string{
		"/cohortes/1/couverture?tri=risque&page=2": "/promotions/1/couverture?tri=risque&page=2",
		"/cohortes/1/evaluateurs.csv":              "/promotions/1/evaluateurs.csv",
		"/api/v1/cohortes/1/couverture":            "/api/v1/promotions/1/couverture",
		"/cohortes//evil.example":                  "/promotions/evil.example",
	} {
		r := c.Get(old)
		if r.Status != http.StatusMovedPermanently || r.Location != want {
			t.Errorf("%s : %d vers %q, attendu 301 vers %q", old, r.Status, r.Location, want)
		}
	}
	if r := c.Get("/promotions/1/couverture?tri=risque"); r.Status != http.StatusOK {
		t.Fatalf("nouvelle adresse : %d", r.Status)
	}
}

// Two learners may share a name: wherever learners are listed for staff
// (cohort, heatmap, jury), and in the exports, their login tells them apart.
func TestLearnersListedWithTheirLogin(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	for _, p := range []string{"/promotions/1", "/promotions/1/couverture", "/promotions/1/jury"} {
		body := mgr.Get(p).Body
		for _, login := range []string{"apprenant01", "apprenant12"} {
			if !strings.Contains(body, "<code class=\"login\">"+login+"</code>") && !strings.Contains(body, "<code>"+login+"</code>") {
				t.Errorf("%s : identifiant %s absent", p, login)
			}
		}
	}
	rows := readCSV(t, mgr.Get("/promotions/1/couverture.csv"))
	if i := col(t, rows[0], "Identifiant"); !strings.HasPrefix(rows[1][i], "apprenant") {
		t.Errorf("export de couverture : identifiant %q", rows[1][i])
	}
}

// A learner's home says what comes next: a deadline past without a deposit
// (with how long ago), a piece to rework with its feedback, recent results
// and open case files — not the menu again.
func TestLearnerHomeSaysWhatIsNext(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := t.Context()
	var login, title string
	var learnerID int64
	if err := env.Platform.DB.Read.QueryRow(`SELECT u.login, u.id, p.title FROM pieces p JOIN users u ON u.id=p.learner_id
		WHERE p.status='a_retravailler' ORDER BY p.id LIMIT 1`).Scan(&login, &learnerID, &title); err != nil {
		t.Fatal(err)
	}
	// A kind this learner never deposited, due three days ago.
	var kind *referentiel.DeliverableKind
	for _, k := range env.Platform.Catalog.Default().DeliverableKinds {
		var n int
		if err := env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM pieces WHERE learner_id=? AND kind_id=? AND latest_version_id IS NOT NULL`, learnerID, k.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			kind = k
			break
		}
	}
	if kind == nil {
		t.Fatal("aucun type de production sans dépôt")
	}
	if err := env.Platform.Assessment.SetDeadline(ctx, 1, kind.ID, time.Now().AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login(login, "demo")
	home := testenv.Text(c.Get("/").Body)
	for _, want := range []string{"À faire", "Échéance dépassée : " + kind.Label, "il y a 3 jours", "À retravailler", title} {
		if !strings.Contains(home, want) {
			t.Errorf("accueil de %s : %q absent de %.600s", login, want, home)
		}
	}
	if strings.Contains(home, "Vos informations et votre mot de passe.") {
		t.Error("l'accueil répète encore le menu")
	}
	// The progress summary adds up, for every learner of the demonstration.
	ids, err := db.Column[int64](ctx, env.Platform.DB.Read, `SELECT user_id FROM cohort_members WHERE cohort_id=1 AND member_role='learner'`)
	if err != nil || len(ids) == 0 {
		t.Fatal(err, len(ids))
	}
	for _, id := range ids {
		pr, err := env.Platform.Assessment.Progress(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sum := pr.Acquired + pr.Pending + pr.Rework + pr.Draft + pr.Missing; sum != pr.Capacities || pr.Capacities == 0 {
			t.Errorf("apprenant %d : %d + %d + %d + %d + %d = %d, pour %d capacités", id, pr.Acquired, pr.Pending, pr.Rework, pr.Draft, pr.Missing, sum, pr.Capacities)
		}
	}
}

// Creating a piece offers first the kinds due and not yet deposited, nearest
// deadline first (late ones said), then the others; the home's link to a
// late kind preselects it.
func TestNewPieceOffersDueKindsFirst(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := t.Context()
	learner, err := env.Platform.Accounts.ByLogin(ctx, "apprenant06")
	if err != nil {
		t.Fatal(err)
	}
	kinds := env.Platform.Catalog.Default().DeliverableKinds
	var late *referentiel.DeliverableKind
	for _, k := range kinds {
		var n int
		if err := env.Platform.DB.Read.QueryRow(`SELECT count(*) FROM pieces WHERE learner_id=? AND kind_id=? AND latest_version_id IS NOT NULL`, learner.ID, k.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			late = k
			break
		}
	}
	if late == nil {
		t.Fatal("aucun type sans dépôt")
	}
	if err := env.Platform.Assessment.SetDeadline(ctx, 1, late.ID, time.Now().AddDate(0, 0, -2)); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login("apprenant06", "demo")
	home := c.Get("/").Body
	link := `/portfolio/nouvelle?type=` + late.ID
	if !strings.Contains(home, `href="`+link+`"`) {
		t.Fatalf("l'accueil ne mène pas à la création de « %s »", late.Label)
	}
	form := c.Get(link).Body
	due, others := strings.Index(form, "À rendre d'abord"), strings.Index(form, "Autres types de production")
	at := strings.Index(form, `value="`+late.ID+`"`)
	if due < 0 || others < 0 || at < due || at > others {
		t.Fatalf("« %s » n'est pas parmi les types à rendre d'abord (%d, %d, %d)", late.Label, due, at, others)
	}
	if !strings.Contains(form[at:others], "checked") || !strings.Contains(testenv.Text(form), late.Label+" — échéance dépassée") {
		t.Error("le type en retard n'est pas présélectionné ou son retard n'est pas dit")
	}
	if n := strings.Count(form, `name="kind"`); n != len(kinds) {
		t.Errorf("%d types proposés, attendu %d", n, len(kinds))
	}
}

// The demonstration's contracts suit their people: a young person under 26
// signs a CEJ, not the RSA's contract.
func TestDemoContractsSuitTheirPeople(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	rows, err := env.Platform.DB.Read.Query(`SELECT c.scenario_id, k.type FROM cases c JOIN contracts k ON k.case_id=c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, kind string
		if err := rows.Scan(&id, &kind); err != nil {
			t.Fatal(err)
		}
		sc, ok := env.Platform.Cases.Library().Scenario(id)
		if !ok {
			t.Fatalf("scénario %s inconnu", id)
		}
		if want := map[bool]string{true: "cej", false: "contrat-engagement"}[sc.Person.Age < 26]; kind != want {
			t.Errorf("%s (%d ans) : contrat %q, attendu %q", id, sc.Person.Age, kind, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("aucun contrat dans la démonstration")
	}
}
