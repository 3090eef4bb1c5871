package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// A cohort's scale cannot shrink below the levels its gradings use; and a
// database where it already did still reads, with no 500 (issue 9, point 14).
func TestGradingScaleCannotShrinkBelowUsedLevels(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	r := mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", url.Values{
		"levels": {"Non acquis\nAcquis"}, "pass_level": {"1"}, "sample_percent": {"0"}, "discrepancy": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "pas en retirer") || !strings.Contains(r.Body, "Non acquis\nAcquis") {
		t.Fatalf("échelle réduite sous les niveaux utilisés : %d %s", r.Status, testenv.Text(r.Body))
	}
	// Renaming the levels is allowed.
	r = mgr.Submit("/promotions/1/evaluation", "/promotions/1/evaluation", url.Values{
		"levels": {"Insuffisant\nFragile\nSatisfaisant\nExcellent"}, "pass_level": {"2"}, "sample_percent": {"0"}, "discrepancy": {"2"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("renommage des niveaux : %d %s", r.Status, testenv.Text(r.Body))
	}
	// A database from before the check: every page still answers.
	if _, err := env.Platform.DB.Write.ExecContext(context.Background(),
		`UPDATE marking_settings SET levels='["Non acquis","Acquis"]', pass_level=1, discrepancy=1 WHERE cohort_id=1`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/promotions/1/evaluation", "/promotions/1/evaluateurs", "/promotions/1/evaluateurs.csv", "/promotions/1/evaluateurs.xlsx",
		"/promotions/1/couverture", "/promotions/1/resultats.csv", "/promotions/1/jury"} {
		if r := mgr.Get(path); r.Status != http.StatusOK {
			t.Errorf("%s : %d sur des données enregistrées avant la réduction de l'échelle", path, r.Status)
		}
	}
}

// Bytes that are not UTF-8 never reach the store, the fingerprint or the
// receipt: they are replaced, the rest of the input is kept (point 15).
func TestInvalidUTF8IsReplacedBeforeStorage(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	piece := createPiece(t, learner, "note-synthese", "Note à déposer")
	tok := testenv.CSRFToken(learner.Get(piece).Body)
	// Raw bytes: « Note \xff » and a truncated « é ».
	body := "_csrf=" + url.QueryEscape(tok) + "&title=Note+%FFsur+l%27acc%C3s&draft=%23%23+Synth%C3%A8se%0A%0AUn+texte+%C3%28assez+long+pour+%C3%AAtre+%C3%A9valu%C3%A9.&action=deposer&confirme=1"
	req, _ := http.NewRequest(http.MethodPost, env.URL+piece, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := learner.Do(req)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("dépôt : %d %s", r.Status, testenv.Text(r.Body))
	}
	id := mustInt(t, pieceIDRe.FindStringSubmatch(piece)[1])
	u, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant09")
	p, err := env.Platform.Assessment.Piece(ctx, u, id)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := env.Platform.Assessment.VersionsWithResults(ctx, p)
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions : %v", err)
	}
	v := vs[0].Version
	for what, s := range map[string]string{"titre": p.Title, "titre déposé": v.Title, "texte déposé": v.Body} {
		if !utf8.ValidString(s) || !strings.Contains(s, "\uFFFD") {
			t.Errorf("%s : %q (UTF-8 valide %v)", what, s, utf8.ValidString(s))
		}
	}
	if !strings.Contains(v.Body, "assez long pour être évalué.") {
		t.Errorf("le reste du texte est perdu : %q", v.Body)
	}
	rec := learner.Get(piece + "/versions/1/accuse?format=txt")
	if !utf8.ValidString(rec.Body) || !strings.Contains(rec.Body, "Note \uFFFDsur") {
		t.Fatalf("accusé : %q", rec.Body)
	}
}

// A learner cannot open cases of one scenario without end: replaying the
// form, or sending it many times at once, lands on the case already open;
// after MaxCasesPerScenario cases, the scenario is refused (point 17).
func TestCasesPerScenarioAreBounded(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	c := env.NewClient()
	c.Login("apprenant11", "demo")
	u, _ := env.Platform.Accounts.ByLogin(ctx, "apprenant11")
	scenario := env.Platform.Cases.Library().Scenarios[0].ID
	first := openCase(t, c, scenario)
	// One route per action: an unknown action is not found.
	if r := c.Submit(first, first+"/action-inconnue", url.Values{}); r.Status != http.StatusNotFound {
		t.Fatalf("action inconnue sur un dossier : %d", r.Status)
	}
	tok := testenv.CSRFToken(c.Get("/cas/" + scenario).Body)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.HTTP.PostForm(env.URL+"/cas/"+scenario+"/ouvrir", url.Values{"_csrf": {tok}})
			if err == nil {
				resp.Body.Close()
				if loc := resp.Header.Get("Location"); loc != first {
					t.Errorf("formulaire rejoué : %s au lieu de %s", loc, first)
				}
			}
		}()
	}
	wg.Wait()
	count := func() int {
		var n int
		if err := env.Platform.DB.Read.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE learner_id=? AND scenario_id=?`, u.ID, scenario).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("%d dossiers ouverts sur le même cas, 1 attendu", n)
	}
	// Closed cases may be worked again, up to the limit.
	for count() < casework.MaxCasesPerScenario {
		if _, err := env.Platform.DB.Write.ExecContext(ctx, `UPDATE cases SET state='clos' WHERE learner_id=? AND scenario_id=?`, u.ID, scenario); err != nil {
			t.Fatal(err)
		}
		openCase(t, c, scenario)
	}
	env.Platform.DB.Write.ExecContext(ctx, `UPDATE cases SET state='clos' WHERE learner_id=? AND scenario_id=?`, u.ID, scenario)
	r := c.Submit("/cas/"+scenario, "/cas/"+scenario+"/ouvrir", url.Values{})
	if r.Status != http.StatusConflict || !strings.Contains(testenv.Text(r.Body), "choisissez-en un autre") {
		t.Fatalf("au-delà de %d dossiers : %d", casework.MaxCasesPerScenario, r.Status)
	}
	if n := count(); n != casework.MaxCasesPerScenario {
		t.Fatalf("%d dossiers, %d attendus", n, casework.MaxCasesPerScenario)
	}
}
