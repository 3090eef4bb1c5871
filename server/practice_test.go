package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

// « Ma pratique » gathers the learner's finished exercises of every kind
// from the demo (apprenant01 has a closed case, a finished reception and a
// finished documentary file), and sends the analysis to the portfolio; an
// empty analysis comes back next to its field; other roles get 403.
func TestPracticePageGathersDebriefs(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	c := env.NewClient()
	c.Login("apprenant01", "demo")
	r := c.Get("/pratique")
	if r.Status != http.StatusOK {
		t.Fatalf("/pratique : %d", r.Status)
	}
	for _, want := range []string{"Ma pratique", "Organiser la semaine", "Dossier documentaire", "Tâches travaillées, et la première fois", "/exercices/"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("/pratique : %q absent", want)
		}
	}
	form := url.Values{"analyse": {"  "}}
	r = c.Submit("/pratique", "/pratique/portfolio", form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Écrivez votre analyse") {
		t.Fatalf("analyse vide : %d", r.Status)
	}
	form = url.Values{"analyse": {"Je retiens que je juge trop vite : <script>alert(1)</script> à travailler."}}
	r = c.Submit("/pratique", "/pratique/portfolio", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/portfolio/") {
		t.Fatalf("envoi au portfolio : %d vers %q", r.Status, r.Location)
	}
	r = c.Get(r.Location)
	if !strings.Contains(r.Body, "Analyse de pratique") {
		t.Fatalf("pièce créée : %d, titre absent", r.Status)
	}
	if strings.Contains(r.Body, "<script>alert(1)") {
		t.Error("le texte de l'analyse est rendu sans échappement")
	}
	if !strings.Contains(r.Body, "Ce que disent mes débriefings") {
		t.Error("la pièce ne reprend pas le relevé des débriefings")
	}
	staff := env.NewClient()
	staff.Login("evaluateur1", "demo")
	if r := staff.Get("/pratique"); r.Status != http.StatusForbidden {
		t.Errorf("/pratique pour un évaluateur : %d", r.Status)
	}
	// Without the CSRF token, nothing is sent.
	form = url.Values{"analyse": {"Sans jeton."}}
	req, _ := http.NewRequest(http.MethodPost, c.BaseURL()+"/pratique/portfolio", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := c.Do(req); r.Status != http.StatusForbidden {
		t.Errorf("sans jeton CSRF : %d", r.Status)
	}
}
