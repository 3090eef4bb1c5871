package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

// Groups: composed by the manager (refusals said by the field), a
// collective production started by a member, written by two (who wrote
// what shows), unreachable to others; a member who leaves loses the
// collective part and keeps their individual part.
func TestGroupsAndCollectiveWork(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	m := env.NewClient()
	m.Login("responsable", "demo")
	page := m.Get("/promotions/1/groupes")
	if page.Status != http.StatusOK || !strings.Contains(testenv.Text(page.Body), "Enquête collective — groupe A") {
		t.Fatalf("groupes : %d", page.Status)
	}
	learners := ids(`name="membres" value="(\d+)" id="m-0-`, page.Body)
	if len(learners) < 6 {
		t.Fatalf("apprenants : %v", learners)
	}
	// One member only: refused, the name kept.
	r := m.Submit("/promotions/1/groupes", "/promotions/1/groupes", url.Values{"nom": {"Binôme exposé"}, "membres": {learners[0]}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "au moins deux apprenants") || !strings.Contains(r.Body, `value="Binôme exposé"`) {
		t.Fatalf("groupe d'un membre : %d %s", r.Status, testenv.Text(r.Body))
	}
	// A learner of no cohort of the manager's, forged: refused.
	r = m.Submit("/promotions/1/groupes", "/promotions/1/groupes", url.Values{"nom": {"Binôme exposé"}, "membres": {learners[0], "999999"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "que des apprenants de la promotion") {
		t.Fatalf("membre étranger : %d", r.Status)
	}
	r = m.Submit("/promotions/1/groupes", "/promotions/1/groupes", url.Values{"nom": {"Binôme exposé"}, "membres": {learners[0], learners[1]}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("création : %d %s", r.Status, testenv.Text(r.Body))
	}
	gid := regexp.MustCompile(`#groupe-(\d+)`).FindStringSubmatch(r.Location)[1]
	a, b, other := env.NewClient(), env.NewClient(), env.NewClient()
	a.Login(loginOf(t, env, learners[0]), "demo")
	b.Login(loginOf(t, env, learners[1]), "demo")
	other.Login(loginOf(t, env, learners[2]), "demo")
	if p := a.Get("/portfolio"); !strings.Contains(p.Body, "Binôme exposé") {
		t.Fatal("le groupe n'apparaît pas dans le portfolio du membre")
	}
	// A non-member cannot start a collective production for the group.
	if r := other.Submit("/portfolio", "/portfolio/collectif", url.Values{"groupe": {gid}, "kind": {"production-collective"}, "title": {"Intrus"}}); r.Status != http.StatusForbidden {
		t.Fatalf("non-membre : %d", r.Status)
	}
	// A kind the framework does not have written in groups: refused.
	r = a.Submit("/portfolio", "/portfolio/collectif", url.Values{"groupe": {gid}, "kind": {"guide-entretien"}, "title": {"Guide"}})
	if r.Status != http.StatusSeeOther || !strings.Contains(testenv.Text(a.Get(r.Location).Body), "rédiger en groupe") {
		t.Fatalf("type non collectif : %d", r.Status)
	}
	r = a.Submit("/portfolio", "/portfolio/collectif", url.Values{"groupe": {gid}, "kind": {"production-collective"}, "title": {"Exposé sur la médiation numérique"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/portfolio/") {
		t.Fatalf("production collective : %d %q", r.Status, r.Location)
	}
	piece := r.Location
	// Both members write it; who wrote what shows; others cannot read it.
	for _, c := range []*testenv.Client{a, b, b} {
		if r := c.Submit(piece, piece, url.Values{"action": {"enregistrer"}, "title": {"Exposé sur la médiation numérique"}, "draft": {"# Plan\n\nIntroduction."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("enregistrement d'un membre : %d %s", r.Status, testenv.Text(r.Body))
		}
	}
	txt := testenv.Text(a.Get(piece).Body)
	if !strings.Contains(txt, "Rédigée par") || !strings.Contains(txt, "2 enregistrements") || !strings.Contains(txt, "1 enregistrement") {
		t.Fatalf("auteurs : %s", txt)
	}
	if r := other.Get(piece); r.Status != http.StatusForbidden {
		t.Fatalf("non-membre qui lit la partie collective : %d", r.Status)
	}
	// Each member has an individual part.
	part := b.Submit(piece, piece+"/partie", url.Values{})
	if part.Status != http.StatusSeeOther || part.Location == piece {
		t.Fatalf("partie individuelle : %d %q", part.Status, part.Location)
	}
	if txt := testenv.Text(b.Get(part.Location).Body); !strings.Contains(txt, "Partie individuelle") {
		t.Fatalf("page de la partie individuelle : %s", txt)
	}
	// Its title does not repeat the collective one: an anonymous copy is
	// not tied to its group by its title.
	if body := b.Get(part.Location).Body; strings.Contains(body, "<h1>Exposé sur la médiation numérique") || !strings.Contains(body, "Partie individuelle — ") {
		t.Errorf("la partie individuelle reprend le titre de la partie collective")
	}
	// B leaves: no more access to the collective part; the individual part stays B's.
	r = m.Submit("/promotions/1/groupes", "/promotions/1/groupes/"+gid, url.Values{"nom": {"Binôme exposé"}, "membres": {learners[0], learners[3]}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("départ d'un membre : %d %s", r.Status, testenv.Text(r.Body))
	}
	if r := b.Get(piece); r.Status != http.StatusForbidden {
		t.Fatalf("ancien membre sur la partie collective : %d", r.Status)
	}
	if r := b.Get(part.Location); r.Status != http.StatusOK || !strings.Contains(testenv.Text(r.Body), "cette partie reste la vôtre") {
		t.Fatalf("ancien membre sur sa partie individuelle : %d", r.Status)
	}
	if r := b.Submit(piece, piece, url.Values{"action": {"enregistrer"}, "draft": {"Sabotage"}}); r.Status != http.StatusForbidden {
		t.Fatalf("ancien membre qui écrit : %d", r.Status)
	}
	if txt := testenv.Text(m.Get("/promotions/1/groupes").Body); !strings.Contains(txt, "a quitté le groupe") {
		t.Fatal("le départ n'est pas visible")
	}
}
