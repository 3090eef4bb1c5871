package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// totalsMismatch compares the trigger-kept totals with a full recount.
func totalsMismatch(t *testing.T, env *testenv.Env) string {
	t.Helper()
	count := func(q string) map[string]int {
		rows, err := env.Platform.DB.Read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var co int64
			var capID, st string
			var n int
			if err := rows.Scan(&co, &capID, &st, &n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				out[fmt.Sprintf("%d|%s|%s", co, capID, st)] = n
			}
		}
		return out
	}
	kept := count(`SELECT cohort_id, capacity_id, state, n FROM cohort_capacity_totals`)
	full := count(`SELECT m.cohort_id, lc.capacity_id, lc.state, count(*) FROM learner_capacities lc
		JOIN cohort_members m ON m.user_id=lc.learner_id AND m.member_role='learner' GROUP BY 1, 2, 3`)
	if len(full) == 0 {
		t.Fatal("aucune capacité comptée : le test ne prouverait rien")
	}
	for k, n := range full {
		if kept[k] != n {
			return fmt.Sprintf("%s : %d tenu, %d recompté", k, kept[k], n)
		}
	}
	for k, n := range kept {
		if full[k] != n {
			return fmt.Sprintf("%s : %d tenu, %d recompté", k, n, full[k])
		}
	}
	return ""
}

// The per-capacity totals read by the heatmap are kept by triggers: they
// must equal a recount after grading, enrolment in a second cohort,
// withdrawal from a cohort and deletion of a learner.
func TestCapacityTotalsFollowEveryChange(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	if m := totalsMismatch(t, env); m != "" {
		t.Fatalf("après la démo : %s", m)
	}
	// A released grading changes states.
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	_, id := depositNote(t, learner, "Note pour les totaux")
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g, "3", "valide", "Très bien.", "pret")
	if r := ass.Submit(g, g, url.Values{"action": {"publier"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
	if m := totalsMismatch(t, env); m != "" {
		t.Fatalf("après une évaluation : %s", m)
	}
	// Enrolment in a second cohort counts the learner there too.
	co, err := env.Platform.Accounts.CreateCohort(ctx, account.NewCohort{Name: "Promotion bis", FrameworkID: "casp-2016", StartsOn: "2026-01-01", EndsOn: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := env.Platform.Accounts.ByLogin(ctx, "apprenant09")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Accounts.AddMember(ctx, co.ID, u.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	if m := totalsMismatch(t, env); m != "" {
		t.Fatalf("après une inscription : %s", m)
	}
	if err := env.Platform.Accounts.RemoveMember(ctx, 1, u.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	if m := totalsMismatch(t, env); m != "" {
		t.Fatalf("après un retrait : %s", m)
	}
	other, err := env.Platform.Accounts.ByLogin(ctx, "apprenant04")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Platform.DB.Write.Exec(`DELETE FROM learner_capacities WHERE learner_id=?`, other.ID); err != nil {
		t.Fatal(err)
	}
	if m := totalsMismatch(t, env); m != "" {
		t.Fatalf("après suppression des états d'un apprenant : %s", m)
	}
}

// The heatmap's learner list is kept in memory between requests: every
// change it shows must reach the next request (grading, renaming, a new
// deadline, enrolment).
func TestHeatmapRosterFollowsChanges(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	mgr := env.NewClient()
	mgr.Login("responsable", "demo")
	type line struct {
		Nom      string   `json:"nom"`
		Acquises int      `json:"acquises"`
		Raisons  []string `json:"raisons"`
	}
	read := func() map[string]line {
		t.Helper()
		r := mgr.Get("/api/v1/promotions/1/couverture")
		var h struct {
			Apprenants int    `json:"apprenants"`
			Lignes     []line `json:"lignes"`
		}
		if err := json.Unmarshal([]byte(r.Body), &h); err != nil || r.Status != http.StatusOK {
			t.Fatalf("JSON : %d %v", r.Status, err)
		}
		out := map[string]line{}
		for _, l := range h.Lignes {
			out[l.Nom] = l
		}
		if len(out) != h.Apprenants {
			t.Fatalf("%d lignes pour %d apprenants", len(out), h.Apprenants)
		}
		return out
	}
	u, err := env.Platform.Accounts.ByLogin(ctx, "apprenant09")
	if err != nil {
		t.Fatal(err)
	}
	before := read()[u.DisplayName]
	read() // a second read comes from memory

	// A released grading raises the learner's acquired capacities.
	learner := env.NewClient()
	learner.Login("apprenant09", "demo")
	_, id := depositNote(t, learner, "Note pour la liste en mémoire")
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	g := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{})
	gradeAll(t, ass, g.Location, "3", "valide", "Très bien.", "pret")
	ass.Submit(g.Location, g.Location, url.Values{"action": {"publier"}, "confirme": {"1"}})
	if after := read()[u.DisplayName]; after.Acquises <= before.Acquises {
		t.Fatalf("acquises %d → %d après une évaluation publiée", before.Acquises, after.Acquises)
	}
	// A new name shows at once.
	if _, err := env.Platform.DB.Write.Exec(`UPDATE users SET display_name='Zoé Renommée' WHERE id=?`, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := read()["Zoé Renommée"]; !ok {
		t.Fatal("le nouveau nom n'apparaît pas")
	}
	// A deadline passed for a kind nobody deposited flags everyone.
	if err := env.Platform.Assessment.SetDeadline(ctx, 1, "dossier-veille", time.Now().AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}
	flagged := 0
	for _, l := range read() {
		for _, r := range l.Raisons {
			if strings.HasPrefix(r, "échéance du ") && strings.Contains(r, "dépassée sans dépôt") {
				flagged++
				break
			}
		}
	}
	if flagged < 10 {
		t.Fatalf("%d apprenants signalés après une échéance dépassée", flagged)
	}
	// A new learner appears.
	nu, err := env.Platform.Accounts.Create(ctx, account.NewUser{Login: "nouvelle", DisplayName: "Anne Nouvelle", Role: account.Learner, Password: "une phrase de passe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Accounts.AddMember(ctx, 1, nu.ID, account.Learner); err != nil {
		t.Fatal(err)
	}
	if _, ok := read()["Anne Nouvelle"]; !ok {
		t.Fatal("la nouvelle apprenante n'apparaît pas")
	}
}
