package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/fonds"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// A documentary file over HTTP: from the catalogue, an unknown descriptor
// refused by its field with what was typed kept, a saved file, a finish
// asked first, a debrief that judges the sources and the leaflet, the
// piece in the portfolio; another learner refused.
func TestDossierDocumentaireJourney(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	f := env.Platform.Cases.Library().Fund
	th := f.Themes[0]
	id := fonds.ExerciseID(th.ID)
	c := env.NewClient()
	c.Login("apprenant07", "demo")
	if cat := testenv.Text(c.Get("/cas?type=" + fonds.Kind).Body); !strings.Contains(cat, th.Title) {
		t.Fatalf("catalogue : le thème %q manque", th.Title)
	}
	r := c.Submit("/cas/"+id, "/cas/"+id+"/ouvrir", url.Values{})
	if r.Status != http.StatusSeeOther || !attemptURLRe.MatchString(r.Location) {
		t.Fatalf("commencer le dossier : %d %q", r.Status, r.Location)
	}
	ex := r.Location
	trap := th.Traps[0].Document
	form := url.Values{"retenir-" + trap: {"1"}, "fiabilite-" + trap: {"fiable"}, "descripteurs": {"logement ; truc inventé"}, "depliant": {"Mon dépliant."}}
	r = c.Submit(ex, ex+"/dossier", form)
	if page := testenv.Text(r.Body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(page, "Pas dans le thésaurus : « truc inventé »") {
		t.Fatalf("descripteur inconnu : %d %.400s", r.Status, page)
	}
	if !strings.Contains(r.Body, "truc inventé") || !strings.Contains(r.Body, `name="retenir-`+trap+`" value="1" checked`) {
		t.Error("dossier refusé : la saisie n'est pas gardée")
	}
	form.Set("descripteurs", "logement")
	form.Set("notices", "Auteur. Titre. Source, date de publication, date de consultation.")
	form.Set("diffusion", "Affichage en salle d'attente et présentation en réunion d'équipe le lundi.")
	if r := c.Submit(ex, ex+"/dossier", form); r.Status != http.StatusSeeOther {
		t.Fatalf("dossier enregistré : %d %s", r.Status, testenv.Text(r.Body))
	}
	form.Del("_csrf") // Submit set the page's token in form
	if r := c.Post(ex+"/dossier", form); r.Status != http.StatusForbidden {
		t.Errorf("sans jeton CSRF : %d", r.Status)
	}
	r = c.Submit(ex, ex+"/terminer", form)
	if ask := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(ask, "Terminer le dossier documentaire ?") {
		t.Fatalf("terminer : pas de confirmation (%d)", r.Status)
	}
	form.Set("confirme", "1")
	if r := c.Submit(ex, ex+"/terminer", form); r.Status != http.StatusSeeOther || r.Location != ex+"/debrief" {
		t.Fatalf("terminer confirmé : %d %q", r.Status, r.Location)
	}
	debrief := testenv.Text(c.Get(ex + "/debrief").Body)
	for _, want := range []string{"Vous êtes tombé·e dans les sources sans examen", "à écarter : " + th.Traps[0].Why, "✗ non travaillée — 5.1"} {
		if !strings.Contains(debrief, want) {
			t.Errorf("débriefing : %q absent", want)
		}
	}
	r = c.Submit(ex+"/debrief", ex+"/portfolio", url.Values{})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/portfolio/") {
		t.Fatalf("portfolio : %d %q", r.Status, r.Location)
	}
	if piece := c.Get(r.Location).Body; !strings.Contains(piece, "Documents retenus") || !strings.Contains(piece, "Mon dépliant.") {
		t.Error("la pièce ne reprend pas le dossier")
	}
	other := env.NewClient()
	other.Login("apprenant08", "demo")
	if r := other.Get(ex); r.Status != http.StatusForbidden {
		t.Errorf("autre apprenant : %d", r.Status)
	}
	if r := other.Get(ex + "/debrief"); r.Status != http.StatusForbidden {
		t.Errorf("autre apprenant, débriefing : %d", r.Status)
	}
}
