package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/french"
)

// An examination's marks: typed with a mistake (said by the field, the
// rest kept), imported from a CSV file (a preview that saves nothing),
// saved, then published after a confirmation; the candidate then sees
// the result and the capacities of 1.3 move.
func TestExamMarks(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	m := env.NewClient()
	m.Login("responsable", "demo")
	form := m.Get("/promotions/1/epreuves/nouvelle")
	jury := ids(`name="jury" value="(\d+)"`, form.Body)
	learners := ids(`name="ordre-(\d+)"`, form.Body)
	plan := planForm(form.Body, time.Now().In(french.Paris).AddDate(0, 0, -1).Format("2006-01-02"), jury[:1],
		map[string]string{"ordre-" + learners[6]: "1", "ordre-" + learners[7]: "2", "ordre-" + learners[8]: "3"})
	plan.Set("kind", "examen-connaissances")
	plan.Set("minutes", "120")
	plan.Set("time", "07:00")
	r := m.Post("/promotions/1/epreuves", plan)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("planification de l'examen : %d %s", r.Status, testenv.Text(r.Body))
	}
	notes := r.Location + "/notes"
	page := m.Get(r.Location)
	if !strings.Contains(page.Body, `href="`+notes+`"`) || strings.Contains(page.Body, "Feuille") {
		t.Fatal("la session d'examen ne mène pas à la saisie des notes")
	}
	sheet := m.Get(notes)
	if sheet.Status != http.StatusOK {
		t.Fatalf("notes : %d", sheet.Status)
	}
	slots := ids(`name="note-(\d+)"`, sheet.Body)
	if len(slots) != 3 {
		t.Fatalf("passages : %v", slots)
	}
	// A learner never reaches the marks.
	learner := env.NewClient()
	learner.Login(loginOf(t, env, learners[6]), "demo")
	if r := learner.Get(notes); r.Status != http.StatusForbidden {
		t.Fatalf("apprenant sur les notes : %d", r.Status)
	}
	// A mark out of range: said by the field; the other typed values kept.
	bad := url.Values{"barre": {"10"}, "note-" + slots[0]: {"21"}, "note-" + slots[1]: {"8,5"}, "commentaire-" + slots[1]: {"À revoir."}, "note-" + slots[2]: {""}}
	r = m.Submit(notes, notes, bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(testenv.Text(r.Body), "Une note de 0 à 20") ||
		!strings.Contains(r.Body, `value="8,5"`) || !strings.Contains(r.Body, "À revoir.") || !strings.Contains(r.Body, `id="note-`+slots[0]+`-error"`) {
		t.Fatalf("note hors barème : %d %s", r.Status, testenv.Text(r.Body))
	}
	// The CSV import fills the form, reports what it cannot read, saves nothing.
	login0, login2 := loginOf(t, env, learners[6]), loginOf(t, env, learners[8])
	csv := "identifiant;note;commentaire\n" + login0 + ";13,5;Solide\n" + login2 + ";7;Notions confuses\ninconnu;12;\n"
	r = uploadCSV(t, m, notes, tokenOf(t, m, notes), "notes.csv", []byte(csv))
	if txt := testenv.Text(r.Body); r.Status != http.StatusOK || !strings.Contains(txt, "Aperçu du fichier importé") || !strings.Contains(txt, "Rien n'est encore enregistré") ||
		!strings.Contains(txt, "Aucun candidat de cet examen") || !strings.Contains(r.Body, `value="13,5"`) {
		t.Fatalf("aperçu de l'import : %d %s", r.Status, txt)
	}
	if strings.Contains(testenv.Text(m.Get(notes).Body), "saisie, non publiée") {
		t.Fatal("l'aperçu a enregistré des notes")
	}
	if r := uploadCSV(t, m, notes, tokenOf(t, m, notes), "notes.xlsx", []byte("PK\x03\x04")); !strings.Contains(testenv.Text(r.Body), "format CSV") {
		t.Fatalf("fichier d'un autre type : %s", testenv.Text(r.Body))
	}
	if r := uploadCSV(t, m, notes, "", "notes.csv", []byte(csv)); r.Status != http.StatusForbidden {
		t.Fatalf("import sans jeton : %d", r.Status)
	}
	// Saved, then published.
	ok := url.Values{"barre": {"10"}, "note-" + slots[0]: {"13,5"}, "commentaire-" + slots[0]: {"Solide"}, "note-" + slots[1]: {""}, "note-" + slots[2]: {"7"}}
	if r := m.Submit(notes, notes, ok); r.Status != http.StatusSeeOther {
		t.Fatalf("enregistrement : %d %s", r.Status, testenv.Text(r.Body))
	}
	if txt := testenv.Text(m.Get(notes).Body); strings.Count(txt, "saisie, non publiée") != 2 {
		t.Fatalf("notes saisies : %s", txt)
	}
	r = m.Submit(notes, notes+"/publier", url.Values{})
	if txt := testenv.Text(r.Body); !strings.Contains(txt, "Publier les notes ?") || !strings.Contains(txt, "Sous la barre") || !strings.Contains(txt, "(7)") {
		t.Fatalf("confirmation : %s", txt)
	}
	if r := m.Submit(notes, notes+"/publier", url.Values{"confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
	if txt := testenv.Text(m.Get(notes).Body); strings.Count(txt, "publiée") < 2 {
		t.Fatalf("après publication : %s", txt)
	}
	// The candidate sees the mark, and the examination counts.
	home := testenv.Text(learner.Get("/").Body)
	if !strings.Contains(home, "Examen de connaissances") || !strings.Contains(home, "Validé") {
		t.Fatalf("accueil du candidat : %s", home)
	}
	prog := learner.Get("/progression")
	if !strings.Contains(prog.Body, "Examen de connaissances") {
		t.Fatal("l'examen n'apparaît pas dans la progression")
	}
}
