package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

var attemptURLRe = regexp.MustCompile(`^/exercices/(\d+)$`)

// planValues writes a plan as the exercise's form sends it.
func planValues(p reception.Plan, action string) url.Values {
	v := url.Values{"action": {action}}
	for _, d := range reception.Days {
		for _, h := range reception.Halves {
			hp := p.Days[d][h]
			k := d + "-" + h
			v.Set(k+"-ouverture", hp.Open)
			v.Set(k+"-fermeture", hp.Close)
			v.Set(k+"-accueil", strconv.Itoa(hp.Desk))
			v.Set(k+"-rdv", strconv.Itoa(hp.Appointments))
		}
	}
	if p.Triage {
		v.Set("tri", "1")
	}
	for _, id := range p.Amenities {
		v.Set("amenagement-"+id, "1")
	}
	return v
}

// « Organiser l'accueil », end to end over HTTP: from the catalogue, a
// refused plan keeps what was typed with the message by its field, runs
// are recorded, finishing asks first, the debrief names the pitfalls and
// compares with the expert plan; the note goes to the portfolio; another
// learner is refused, a trainer of the cohort reads.
func TestReceptionExerciseJourney(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	lib := env.Platform.Cases.Library()
	e, ok := lib.Reception("accueil-ccas-valmont")
	if !ok {
		t.Fatal("exercice accueil-ccas-valmont absent")
	}
	c := env.NewClient()
	c.Login("apprenant07", "demo")

	// The catalogue lists both kinds and filters.
	cat := testenv.Text(c.Get("/cas").Body)
	if !strings.Contains(cat, e.Title) || !strings.Contains(cat, "Organisation de l'accueil") || !strings.Contains(cat, "Yanis") {
		t.Fatalf("catalogue : %s", cat[:min(len(cat), 500)])
	}
	only := testenv.Text(c.Get("/cas?type=" + reception.Kind).Body)
	if !strings.Contains(only, e.Title) || strings.Contains(only, "Yanis, 20 ans") {
		t.Error("filtre par type : les cas restent ou l'exercice manque")
	}
	if byTask := testenv.Text(c.Get("/cas?tache=6.4").Body); !strings.Contains(byTask, e.Title) || strings.Contains(byTask, "Yanis, 20 ans") {
		t.Error("filtre par tâche 6.4 : attendu l'exercice d'accueil seul")
	}

	// Each task's page lists the exercises that work it.
	if task := testenv.Text(c.Get("/referentiel/taches/6.4").Body); !strings.Contains(task, "S'exercer dans le bac à sable") || !strings.Contains(task, e.Title) {
		t.Error("la tâche 6.4 ne mène pas à l'exercice qui la travaille")
	}
	// Every task of the framework has its exercises (issue 15: the
	// catalogue works all 32).
	for _, a := range env.Platform.Catalog.Default().Activities {
		for _, tk := range a.Tasks {
			if task := testenv.Text(c.Get("/referentiel/taches/" + tk.ID).Body); strings.Contains(task, "Aucun exercice du bac à sable ne travaille encore cette tâche.") {
				t.Errorf("la tâche %s n'a aucun exercice", tk.ID)
			}
		}
	}

	r := c.Submit("/cas/"+e.ID, "/cas/"+e.ID+"/ouvrir", url.Values{})
	if r.Status != http.StatusSeeOther || !attemptURLRe.MatchString(r.Location) {
		t.Fatalf("commencer l'exercice : %d %q", r.Status, r.Location)
	}
	ex := r.Location
	if page := testenv.Text(c.Get(ex).Body); !strings.Contains(page, "Consigne") || !strings.Contains(page, "pas encore tourné") {
		t.Fatalf("page de l'exercice : %s", page[:min(len(page), 400)])
	}

	// Refused: six agents for a team of five, a time that is not one.
	bad := planValues(e.Key.Plan, "simuler")
	bad.Set("lundi-matin-accueil", "6")
	bad.Set("mardi-matin-ouverture", "9h")
	r = c.Submit(ex, ex+"/plan", bad)
	page := testenv.Text(r.Body)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(page, "l'équipe en compte 5") || !strings.Contains(page, "Heure d'ouverture au format 09:00") {
		t.Fatalf("planning refusé : %d %s", r.Status, page[:min(len(page), 600)])
	}
	if !strings.Contains(r.Body, `id="lundi-matin-accueil" name="lundi-matin-accueil" value="6"`) || !strings.Contains(r.Body, `value="9h"`) {
		t.Error("planning refusé : la saisie n'est pas gardée")
	}
	// Without a token: refused, nothing run.
	if r := c.Post(ex+"/plan", planValues(e.Key.Plan, "simuler")); r.Status != http.StatusForbidden {
		t.Errorf("planning sans jeton CSRF : %d", r.Status)
	}

	// A naive plan, run; then the expert's, run.
	naive := reception.Plan{Days: map[string]map[string]reception.Half{}}
	for _, d := range reception.Days {
		naive.Days[d] = map[string]reception.Half{"matin": {Open: "09:00", Close: "12:00", Desk: 1, Appointments: 2}, "apres_midi": {Open: "14:00", Close: "16:30", Desk: 1}}
	}
	if r := c.Submit(ex, ex+"/plan", planValues(naive, "simuler")); r.Status != http.StatusSeeOther {
		t.Fatalf("première semaine : %d %s", r.Status, testenv.Text(r.Body)[:300])
	}
	page = testenv.Text(c.Get(ex).Body)
	if !strings.Contains(page, "Semaine 1 :") || !strings.Contains(page, "✗ hors borne") {
		t.Errorf("après une semaine naïve : %s", page[:min(len(page), 800)])
	}
	// Finishing without an analysis: the message by the field.
	r = c.Submit(ex, ex+"/terminer", url.Values{"analyse": {""}, "confirme": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Écrivez votre analyse avant de terminer.") {
		t.Fatalf("terminer sans analyse : %d", r.Status)
	}
	if r := c.Submit(ex, ex+"/plan", planValues(e.Key.Plan, "simuler")); r.Status != http.StatusSeeOther {
		t.Fatalf("deuxième semaine : %d", r.Status)
	}
	const analysis = "Ma première semaine plaçait les rendez-vous le matin et un seul agent au guichet le lundi : la file a débordé. J'ai mis trois agents le lundi matin et ajouté le tri des urgences."
	r = c.Submit(ex, ex+"/terminer", url.Values{"analyse": {analysis}})
	if ask := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(ask, "Terminer l'exercice ?") || !strings.Contains(ask, "2 semaine(s) simulée(s)") {
		t.Fatalf("terminer : pas de confirmation (%d) %s", r.Status, ask[:min(len(ask), 300)])
	}
	if !strings.Contains(c.Get(ex).Body, "J&#39;ai mis trois agents") {
		t.Error("l'analyse tapée n'est pas enregistrée avant la confirmation")
	}
	r = c.Submit(ex, ex+"/terminer", url.Values{"analyse": {analysis}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != ex+"/debrief" {
		t.Fatalf("terminer confirmé : %d %q", r.Status, r.Location)
	}
	debrief := testenv.Text(c.Get(ex + "/debrief").Body)
	for _, want := range []string{"Débriefing — " + e.Title, "Aucun des pièges détectables", "Plan de l'expert", "✓ travaillée — 6.7", "Semaines simulées"} {
		if !strings.Contains(debrief, want) {
			t.Errorf("débriefing : %q absent", want)
		}
	}
	// Read-only now.
	if r := c.Submit(ex, ex+"/plan", planValues(naive, "simuler")); r.Status != http.StatusConflict {
		t.Errorf("planning après la fin : %d, attendu 409", r.Status)
	}
	// To the portfolio.
	r = c.Submit(ex+"/debrief", ex+"/portfolio", url.Values{})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/portfolio/") {
		t.Fatalf("envoi au portfolio : %d %q", r.Status, r.Location)
	}
	if piece := c.Get(r.Location).Body; !strings.Contains(piece, "Planning de la semaine") || !strings.Contains(piece, "trois agents le lundi matin") {
		t.Error("la pièce ne contient pas le planning et l'analyse")
	}

	// Another learner: refused; the cohort's assessor: reads.
	other := env.NewClient()
	other.Login("apprenant08", "demo")
	if r := other.Get(ex); r.Status != http.StatusForbidden {
		t.Errorf("autre apprenant : %d, attendu 403", r.Status)
	}
	if r := other.Get(ex + "/debrief"); r.Status != http.StatusForbidden {
		t.Errorf("autre apprenant, débriefing : %d, attendu 403", r.Status)
	}
	staff := env.NewClient()
	staff.Login("evaluateur1", "demo")
	if r := staff.Get(ex); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "en lecture") {
		t.Errorf("évaluateur de la promotion : %d", r.Status)
	}
	if r := staff.Get("/exercices/99999"); r.Status != http.StatusNotFound {
		t.Errorf("identifiant forgé : %d, attendu 404", r.Status)
	}
}
