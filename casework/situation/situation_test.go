package situation_test

import (
	"os"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/internal/contentcheck"
)

func load(t *testing.T) *situation.Exercise {
	t.Helper()
	raw, err := os.ReadFile("testdata/petit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var e situation.Exercise
	if err := contentcheck.Decode(raw, &e); err != nil {
		t.Fatal(err)
	}
	if err := contentcheck.Struct("petit.yaml", &e); err != nil {
		t.Fatal(err)
	}
	if err := e.Check(); err != nil {
		t.Fatal(err)
	}
	return &e
}

// Scenes are played in order, once: a forged scene, an unknown response
// or an item left unsorted is refused; effects add up and stay in 0–10.
func TestScenesPlayInOrder(t *testing.T) {
	t.Parallel()
	e := load(t)
	var w situation.Work
	if errs := e.Play(&w, "monopole", "recadrer", nil); errs["scene"] == "" {
		t.Fatalf("scène jouée avant la préparation : %v", errs)
	}
	if errs := e.CheckPreparation(map[string]string{"objectifs": "court"}); !strings.Contains(errs["objectifs"], "au moins 3 mots") {
		t.Errorf("préparation trop courte : %v", errs)
	}
	w.Preparation, w.Prepared = map[string]string{"objectifs": "être capable de faire un CV en 90 minutes"}, true
	if got := e.StageOf(w); got != situation.StagePlay {
		t.Fatalf("étape %q, attendu le déroulé", got)
	}
	if errs := e.Play(&w, "tri-infos", "", map[string]string{"e1": "partager", "e2": "garder"}); errs["scene"] == "" {
		t.Errorf("seconde scène jouée avant la première : %v", errs)
	}
	if errs := e.Play(&w, "monopole", "inventee", nil); errs["choix"] == "" {
		t.Errorf("réponse inventée acceptée : %v", errs)
	}
	if errs := e.Play(&w, "monopole", "couper", nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := e.Play(&w, "monopole", "recadrer", nil); errs["scene"] == "" {
		t.Errorf("scène rejouée : %v", errs)
	}
	if errs := e.Play(&w, "tri-infos", "", map[string]string{"e1": "partager", "e2": "ailleurs"}); errs["tri-e2"] == "" {
		t.Errorf("élément classé hors des catégories accepté : %v", errs)
	}
	if errs := e.Play(&w, "tri-infos", "", map[string]string{"e1": "garder", "e2": "partager"}); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := e.StageOf(w); got != situation.StageWrite {
		t.Fatalf("étape %q, attendu la production", got)
	}
	st := e.StateOf(w)
	values := map[string]int{}
	for _, g := range st.Gauges {
		values[g.Gauge.ID] = g.Value
	}
	for _, p := range st.People {
		values[p.Person.ID] = p.Value
	}
	// couper: dynamique 5−2=3, karim 9−5=4; the sorting: two items
	// misplaced, the first gauge (secret) 8−4=4.
	want := map[string]int{"dynamique": 3, "karim": 4, "awa": 5, "secret": 4}
	for k, v := range want {
		if values[k] != v {
			t.Errorf("%s = %d, attendu %d", k, values[k], v)
		}
	}
	if st.People[1].Review != "Pas assez de place pour moi." {
		t.Errorf("avis de M. Benali : %q", st.People[1].Review)
	}
	if got := st.Steps[0].Effects; len(got) != 2 || got[0].Label != "Dynamique du groupe" || got[0].Delta != -2 || got[1].Label != "M. Karim Benali" {
		t.Errorf("effets de la première scène : %+v", got)
	}
}

// The debrief teaches: the expert's work works every task and meets the
// whole key; a poor one misses points, responses and items, and says so.
func TestDebriefComparesWithTheKey(t *testing.T) {
	t.Parallel()
	e := load(t)
	expert := e.Judge(e.Expert())
	if expert.Score != 100 {
		t.Errorf("expert : %d %%", expert.Score)
	}
	for _, tr := range expert.Tasks {
		if !tr.Worked {
			t.Errorf("expert : tâche %s non travaillée (%d sur %d)", tr.ID, tr.Met, tr.Of)
		}
	}
	poor := situation.Work{Prepared: true, Preparation: map[string]string{"objectifs": "faire un CV"},
		Answers: map[string]string{"monopole": "couper"}, Sorting: map[string]map[string]string{"tri-infos": {"e1": "garder", "e2": "partager"}},
		Production: "Le groupe a travaillé."}
	d := e.Judge(poor)
	if d.Score != 0 {
		t.Errorf("travail pauvre : %d %%", d.Score)
	}
	for _, tr := range d.Tasks {
		if tr.Worked {
			t.Errorf("travail pauvre : tâche %s travaillée (%d sur %d)", tr.ID, tr.Met, tr.Of)
		}
	}
	if d.Steps[0].Quality != situation.Avoid || len(d.Steps[0].Best) != 1 || d.Steps[0].Best[0].ID != "recadrer" {
		t.Errorf("scène 1 : %q, meilleures %v", d.Steps[0].Quality, d.Steps[0].Best)
	}
	if it := d.Steps[1].Items; len(it) != 2 || it[0].Right || it[0].Placed != "À garder" {
		t.Errorf("tri : %+v", it)
	}
	if d.Preparation[0].Points[0].Found || d.Production[0].Found {
		t.Error("points trouvés dans un texte qui ne les contient pas")
	}
	// Accents and case folded: « Être capable » finds « être capable ».
	if !(situation.Point{Words: []string{"être capable"}}).Found("Les participants seront ETRE CAPABLES") {
		t.Error("mot attendu non trouvé malgré les accents")
	}
}

// Check refuses a key without a good response, an effect on nobody, a
// sorting expecting an unknown category, reviews that do not end at 0.
func TestCheckRefusesBrokenKeys(t *testing.T) {
	t.Parallel()
	for name, breakIt := range map[string]func(e *situation.Exercise){
		"aucune réponse « bonne »": func(e *situation.Exercise) {
			for i := range e.Scenes[0].Choices {
				e.Scenes[0].Choices[i].Quality = situation.Acceptable
			}
		},
		"ni une jauge ni une personne":   func(e *situation.Exercise) { e.Scenes[0].Choices[0].Effects["personne"] = 1 },
		"n'est pas une catégorie":        func(e *situation.Exercise) { e.Scenes[1].Items[0].Expected = "ailleurs" },
		"le dernier avis vaut pour tout": func(e *situation.Exercise) { e.People[0].Reviews[1].Min = 2 },
		"n'est pas une sorte":            func(e *situation.Exercise) { e.Kind = "jeu" },
		"à la fois":                      func(e *situation.Exercise) { e.Gauges[0].ID = "awa" },
	} {
		e := load(t)
		breakIt(e)
		if err := e.Check(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s : %v", name, err)
		}
	}
}
