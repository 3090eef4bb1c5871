package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// answer is the form of a scene: the response chosen, or every item
// sorted (pick gives each item's category).
func answer(sc situation.Scene, choice string, pick func(situation.Item) string) url.Values {
	v := url.Values{"scene": {sc.ID}}
	if sc.Sorting() {
		for _, it := range sc.Items {
			v.Set("tri-"+it.ID, pick(it))
		}
		return v
	}
	v.Set("choix", choice)
	return v
}

// worst is a scene's response to avoid, else its last.
func worst(sc situation.Scene) string {
	if len(sc.Choices) == 0 {
		return ""
	}
	for _, c := range sc.Choices {
		if c.Quality == situation.Avoid {
			return c.ID
		}
	}
	return sc.Choices[len(sc.Choices)-1].ID
}

// Every « mise en situation » of the sandbox, over HTTP: the first played
// as the expert key says, from a refused preparation (kept, the message by
// its field) through a forged scene and a production too short to the
// confirmation, the debrief (every task worked) and the portfolio; the
// others played badly, whose debriefs name the responses to avoid and the
// tasks not worked. Another learner is refused; the cohort's assessor
// reads and comments, the learner reads the comment and cannot comment;
// without the CSRF token nothing changes.
func TestSituationsJourney(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	lib := env.Platform.Cases.Library()
	if len(lib.Situations) < 5 {
		t.Fatalf("%d mises en situation, attendu au moins 5", len(lib.Situations))
	}
	kinds := map[string]bool{}
	for _, e := range lib.Situations {
		kinds[e.Kind] = true
	}
	for _, k := range situation.Kinds {
		if !kinds[k.Value] {
			t.Errorf("aucune mise en situation de la sorte %q", k.Label)
		}
	}
	c := env.NewClient()
	c.Login("apprenant08", "demo")
	for i, e := range lib.Situations {
		expert := i == 0
		cat := testenv.Text(c.Get("/cas?type=" + e.Kind).Body)
		if !strings.Contains(cat, e.Title) {
			t.Fatalf("catalogue filtré sur %s : %q absent", e.Kind, e.Title)
		}
		r := c.Submit("/cas/"+e.ID, "/cas/"+e.ID+"/ouvrir", url.Values{})
		m := attemptURLRe.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("%s : ouverture %d vers %q", e.ID, r.Status, r.Location)
		}
		page := r.Location
		w := e.Expert()
		prep := url.Values{"action": {"valider"}}
		for _, f := range e.Preparation {
			prep.Set("prep-"+f.ID, w.Preparation[f.ID])
		}
		if expert {
			// A field left empty: refused by its field, the rest kept.
			first, last := e.Preparation[0], e.Preparation[len(e.Preparation)-1]
			bad := url.Values{"action": {"valider"}}
			for k, v := range prep {
				bad[k] = v
			}
			bad.Set("prep-"+last.ID, "")
			bad.Set("prep-"+first.ID, "Ma préparation <b>gardée</b>")
			if len(e.Preparation) == 1 {
				bad.Set("prep-"+first.ID, "")
			}
			r = c.Submit(page, page+"/preparation", bad)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="prep-`+last.ID+`-error"`) {
				t.Fatalf("%s : préparation incomplète : %d", e.ID, r.Status)
			}
			if len(e.Preparation) > 1 && !strings.Contains(r.Body, "Ma préparation &lt;b&gt;gardée&lt;/b&gt;") {
				t.Error("la préparation refusée n'a pas gardé ce qui était écrit")
			}
			// A scene before the preparation is validated: refused.
			expected := func(it situation.Item) string { return it.Expected }
			if r = c.Submit(page, page+"/scene", answer(e.Scenes[0], firstChoice(e.Scenes[0]), expected)); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s : scène jouée avant la préparation : %d", e.ID, r.Status)
			}
		} else {
			for _, f := range e.Preparation {
				prep.Set("prep-"+f.ID, strings.Repeat("rien de précis ", f.MinWords))
			}
		}
		if r = c.Submit(page, page+"/preparation", prep); r.Status != http.StatusSeeOther {
			t.Fatalf("%s : préparation valide refusée : %d %s", e.ID, r.Status, testenv.Text(r.Body))
		}
		for j, sc := range e.Scenes {
			if expert && j == 0 && len(e.Scenes) > 1 {
				// The second scene before the first: refused.
				next := e.Scenes[1]
				if r = c.Submit(page, page+"/scene", answer(next, firstChoice(next), func(it situation.Item) string { return it.Expected })); r.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s : seconde scène jouée avant la première : %d", e.ID, r.Status)
				}
				if !sc.Sorting() {
					if r = c.Submit(page, page+"/scene", answer(sc, "inventee", nil)); r.Status != http.StatusUnprocessableEntity {
						t.Errorf("%s : réponse inventée : %d", e.ID, r.Status)
					}
				}
			}
			var v url.Values
			if expert {
				v = answer(sc, w.Answers[sc.ID], func(it situation.Item) string { return it.Expected })
			} else {
				v = answer(sc, worst(sc), func(it situation.Item) string {
					for _, b := range sc.Bins {
						if b.ID != it.Expected {
							return b.ID
						}
					}
					return it.Expected
				})
			}
			if r = c.Submit(page, page+"/scene", v); r.Status != http.StatusSeeOther {
				t.Fatalf("%s : scène %s : %d %s", e.ID, sc.ID, r.Status, testenv.Text(r.Body))
			}
			if !sc.Sorting() {
				body := testenv.Text(c.Get(page).Body)
				for _, ch := range sc.Choices {
					if ch.ID == v.Get("choix") && !strings.Contains(body, ch.Outcome) {
						t.Errorf("%s : scène %s : l'effet de la réponse n'est pas montré", e.ID, sc.ID)
					}
				}
			}
		}
		production := w.Production
		if !expert {
			production = strings.Repeat("Le groupe a travaillé. ", e.Production.MinWords)
		}
		if expert {
			r = c.Submit(page, page+"/terminer", url.Values{"production": {"Trop court."}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Trop court.") || !strings.Contains(r.Body, `id="production-error"`) {
				t.Fatalf("%s : production trop courte : %d", e.ID, r.Status)
			}
		}
		r = c.Submit(page, page+"/terminer", url.Values{"production": {production}})
		if r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "Terminer la mise en situation ?") {
			t.Fatalf("%s : pas de confirmation avant de terminer : %d", e.ID, r.Status)
		}
		r = c.Submit(page, page+"/terminer", url.Values{"production": {production}, "confirme": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location != page+"/debrief" {
			t.Fatalf("%s : fin : %d vers %q", e.ID, r.Status, r.Location)
		}
		deb := testenv.Text(c.Get(page + "/debrief").Body)
		for _, tid := range e.Tasks {
			worked := strings.Contains(deb, "✓ travaillée — "+tid+" ")
			if expert != worked {
				t.Errorf("%s : débriefing, tâche %s travaillée=%v ; attendu %v", e.ID, tid, worked, expert)
			}
		}
		if !expert && !strings.Contains(deb, "✗ à éviter") && !strings.Contains(deb, "✗") {
			t.Errorf("%s : le débriefing d'un mauvais déroulé ne dit rien de faux", e.ID)
		}
		if len(e.Fiches) > 0 && !strings.Contains(deb, "Les fiches à relire") {
			t.Errorf("%s : le débriefing ne renvoie pas aux fiches de l'exercice", e.ID)
		}
		for _, p := range e.People {
			if !strings.Contains(deb, p.Name) {
				t.Errorf("%s : l'avis de %s manque au débriefing", e.ID, p.Name)
			}
		}
		if r = c.Submit(page, page+"/scene", answer(e.Scenes[0], firstChoice(e.Scenes[0]), func(it situation.Item) string { return it.Expected })); r.Status != http.StatusConflict {
			t.Errorf("%s : scène jouée après la fin : %d", e.ID, r.Status)
		}
		if expert {
			r = c.Submit(page+"/debrief", page+"/portfolio", url.Values{})
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/portfolio/") {
				t.Fatalf("%s : portfolio : %d vers %q", e.ID, r.Status, r.Location)
			}
			if piece := testenv.Text(c.Get(r.Location).Body); !strings.Contains(piece, e.Production.Title) {
				t.Errorf("%s : la pièce ne porte pas le titre de la production", e.ID)
			}
			// Access: another learner, the cohort's assessor, comments.
			other := env.NewClient()
			other.Login("apprenant09", "demo")
			if r := other.Get(page); r.Status != http.StatusForbidden {
				t.Errorf("un autre apprenant lit la mise en situation : %d", r.Status)
			}
			id, _ := strconv.Atoi(m[1])
			if r := other.Get("/exercices/" + strconv.Itoa(id+1000) + "/debrief"); r.Status != http.StatusNotFound {
				t.Errorf("identifiant forgé : %d", r.Status)
			}
			staff := env.NewClient()
			staff.Login("evaluateur1", "demo")
			if r := staff.Get(page + "/debrief"); r.Status != http.StatusOK {
				t.Fatalf("l'évaluateur de la promotion ne lit pas le débriefing : %d", r.Status)
			}
			if r := staff.Submit(page, page+"/commentaire", url.Values{"commentaire": {" "}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("commentaire vide : %d", r.Status)
			}
			if r := staff.Submit(page, page+"/commentaire", url.Values{"commentaire": {"Bonne distribution de la parole."}}); r.Status != http.StatusSeeOther {
				t.Fatalf("commentaire : %d", r.Status)
			}
			if !strings.Contains(testenv.Text(c.Get(page).Body), "Bonne distribution de la parole.") {
				t.Error("l'apprenant ne lit pas le commentaire")
			}
			if r := c.Submit(page, page+"/commentaire", url.Values{"commentaire": {"Je me commente."}}); r.Status != http.StatusForbidden {
				t.Errorf("l'apprenant commente son exercice : %d", r.Status)
			}
			req, _ := http.NewRequest(http.MethodPost, staff.BaseURL()+page+"/commentaire", strings.NewReader("commentaire=Sans+jeton"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if r := staff.Do(req); r.Status != http.StatusForbidden {
				t.Errorf("commentaire sans jeton CSRF : %d", r.Status)
			}
		}
	}
}

func firstChoice(sc situation.Scene) string {
	if len(sc.Choices) == 0 {
		return ""
	}
	return sc.Choices[0].ID
}

// A fiche that changes (FSL, from 1 February 2027) is announced on the home
// of a learner who used it in a case, with the exercise that checks the
// change is understood, until that exercise is finished; a learner who
// never met the fiche is not told.
func TestFicheChangeReachesThoseWhoUsedIt(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	const news = "Une fiche que vous avez utilisée a changé"
	user := env.NewClient()
	user.Login("apprenant12", "demo")
	other := env.NewClient()
	other.Login("apprenant11", "demo")
	if home := testenv.Text(user.Get("/").Body); strings.Contains(home, news) {
		t.Fatal("annonce avant d'avoir utilisé la fiche")
	}
	openCase(t, user, "rsa-parent-isole") // leads to the FSL fiche
	home := testenv.Text(user.Get("/").Body)
	if !strings.Contains(home, news) || !strings.Contains(home, "900 €") || !strings.Contains(home, "1 février 2027") && !strings.Contains(home, "1er février 2027") {
		t.Fatalf("annonce absente ou incomplète : %s", home[:min(len(home), 600)])
	}
	if !strings.Contains(user.Get("/").Body, `href="/cas/actualisation-fsl-2027"`) {
		t.Error("l'annonce ne mène pas à l'exercice d'actualisation")
	}
	if strings.Contains(testenv.Text(other.Get("/").Body), news) {
		t.Error("annonce faite à un apprenant qui n'a pas utilisé la fiche")
	}
	// The exercise finished, the news is gone.
	ctx := t.Context()
	u, err := env.Platform.Accounts.ByLogin(ctx, "apprenant12")
	if err != nil {
		t.Fatal(err)
	}
	cs := env.Platform.Cases
	id, err := cs.StartSituation(ctx, u, "actualisation-fsl-2027")
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.UpdateSituation(ctx, u, id, func(e *situation.Exercise, w *situation.Work) map[string]string {
		*w = e.Expert()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := cs.Finish(ctx, u, id); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(testenv.Text(user.Get("/").Body), news) {
		t.Error("l'annonce reste après l'exercice d'actualisation terminé")
	}
}
