package referentiel

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func mustLoad(t *testing.T) *Framework {
	t.Helper()
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.Default()
}

func TestLoadSeveralVersions(t *testing.T) {
	real, err := os.ReadFile("data/casp-2016.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mini, err := os.ReadFile("testdata/fixture/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := LoadFS(fstest.MapFS{"d/a.yaml": {Data: real}, "d/b.yaml": {Data: mini}}, "d")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Frameworks()); n != 2 {
		t.Fatalf("%d versions chargées, attendu 2", n)
	}
	if cat.Default().ID != DefaultID {
		t.Fatalf("version par défaut %q", cat.Default().ID)
	}
	m, ok := cat.Get("mini-2016")
	if !ok || len(m.Blocks) != 1 || !reflect.DeepEqual(m.Blocks[0].Tasks, []string{"1.1", "1.2"}) {
		t.Fatalf("bloc de compétences mal chargé : %+v", m)
	}
	if _, err := LoadFS(fstest.MapFS{"d/a.yaml": {Data: real}, "d/b.yaml": {Data: real}}, "d"); err == nil || !strings.Contains(err.Error(), "en double") {
		t.Fatalf("deux fichiers de même version acceptés : %v", err)
	}
}

// Each broken file must be refused with a message naming the bad entry.
func TestValidationNamesTheBadEntry(t *testing.T) {
	raw, err := os.ReadFile("data/casp-2016.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	cases := []struct{ name, old, new, want string }{
		{"identifiant en double", `id: "1.4/crit/2"`, `id: "1.4/crit/1"`, `"1.4/crit/1" en double`},
		{"modalité inconnue", `method: "1.4/mod/2"`, `method: "1.4/mod/9"`, `modalité "1.4/mod/9" inconnue`},
		{"préfixe faux", `id: "2.1/cap/1"`, `id: "2.1/cop/1"`, `2.1/cop/1`},
		{"champ inconnu", `level: "III"`, "level: \"III\"\nniveau: 3", "niveau"},
		{"tâche de production inconnue", `task: "1.4"`, `task: "9.9"`, `tâche "9.9" inconnue`},
		{"citation absente", `quote: "Elaboration d'un guide d'entretien"`, `quote: "Guide inventé"`, "Guide inventé"},
		{"citation d'épreuve absente", `quote: "Mises en situation de préparation et conduite de différents types d'entretiens"`, `quote: "Soutenance inventée"`,
			`épreuve mise-en-situation-entretien : la citation "Soutenance inventée"`},
		{"travail collectif sans citation", `collective_quote: "Travaux en binômes ou petits groupes"`, `collective_quote: "Travail de groupe inventé"`,
			"type de production production-collective : travail collectif sans citation"},
		{"forme d'épreuve inconnue", `form: jeu-de-role`, `form: theatre`, "Form"},
		{"écrit inconnu", `written: diagnostic-territorial`, `written: memoire`, `écrit "memoire" inconnu`},
		{"écrit sans modalité commune", `written: diagnostic-territorial`, `written: guide-entretien`, "aucune modalité commune avec l'écrit guide-entretien"},
		{"épreuve au nom d'une production", `id: soutenance-diagnostic-territorial`, `id: diagnostic-territorial`, `"production/diagnostic-territorial" en double`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(src, tc.old) {
				t.Fatalf("motif %q absent des données", tc.old)
			}
			bad := strings.Replace(src, tc.old, tc.new, 1)
			_, err := LoadFS(fstest.MapFS{"d/x.yaml": {Data: []byte(bad)}}, "d")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("erreur %v, attendu un message contenant %q", err, tc.want)
			}
		})
	}
	empty := strings.Replace(src, `text: "Reformuler les attentes`, `text: "" # Reformuler les attentes`, 1)
	if _, err := LoadFS(fstest.MapFS{"d/x.yaml": {Data: []byte(empty)}}, "d"); err == nil || !strings.Contains(err.Error(), "Text") {
		t.Fatalf("texte vide accepté : %v", err)
	}
	block := strings.Replace(src, "blocks: []", "blocks:\n  - id: b1\n    title: Bloc\n    tasks: [\"6.6\"]", 1)
	if _, err := LoadFS(fstest.MapFS{"d/x.yaml": {Data: []byte(block)}}, "d"); err == nil || !strings.Contains(err.Error(), `bloc b1 : tâche "6.6" inconnue`) {
		t.Fatalf("bloc vers une tâche inexistante accepté : %v", err)
	}
}

func TestGapsAreTheSeedsNine(t *testing.T) {
	fw := mustLoad(t)
	var gaps []string
	for _, tk := range fw.Tasks() {
		if !tk.HasCertification() {
			gaps = append(gaps, tk.ID)
		}
	}
	want := []string{"3.7", "3.8", "4.2", "4.3", "6.1", "6.2", "6.3", "6.5", "6.7"}
	if !reflect.DeepEqual(gaps, want) {
		t.Fatalf("tâches sans évaluation %v, attendu %v", gaps, want)
	}
	if _, ok := fw.Task("6.6"); ok {
		t.Fatal("la tâche 6.6 n'existe pas dans le référentiel")
	}
}

func TestSearchIgnoresAccentsAndCase(t *testing.T) {
	fw := mustLoad(t)
	hits := fw.Search("EVALUER le niveau d'urgence")
	found := false
	for _, h := range hits {
		if h.ID == "1.5/comp/6" || strings.HasPrefix(h.Text, "Evaluer le niveau d'urgence") {
			found = true
			if h.Task.ID != "1.5" || h.Match == "" {
				t.Errorf("résultat mal rattaché : %+v", h)
			}
		}
	}
	if !found {
		t.Fatalf("« Evaluer le niveau d'urgence » introuvable : %d résultats", len(hits))
	}
	a := fw.Search("elaboration diagnostic")
	b := fw.Search("Élaboration DIAGNOSTIC")
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("la casse ou les accents changent les résultats : %d contre %d", len(a), len(b))
	}
	if hits := fw.Search("  "); hits != nil {
		t.Fatalf("une recherche vide renvoie %d résultats", len(hits))
	}
	if hits := fw.Search("zzzz introuvable"); len(hits) != 0 {
		t.Fatalf("%d résultats pour un mot absent", len(hits))
	}
	for _, h := range fw.Search("fonds") {
		if h.Match == "" && h.Before != h.Text {
			t.Fatalf("découpage du surlignage incohérent : %+v", h)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Évaluer": "evaluer", "l’équipe": "l'equipe", "Œuvre": "oeuvre", "ÇA": "ca"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, attendu %q", in, got, want)
		}
	}
}

func TestReportServesTheFourTasksOfTheSeed(t *testing.T) {
	fw := mustLoad(t)
	k, ok := fw.Kind("rapport-experience-professionnelle")
	if !ok {
		t.Fatal("type « rapport d'expérience professionnelle » absent")
	}
	var tasks []string
	for _, l := range fw.Links(k) {
		tasks = append(tasks, l.Task.ID)
		if len(l.Criteria) == 0 || len(l.Capacities) == 0 {
			t.Errorf("tâche %s : ni critère ni capacité rattachés", l.Task.ID)
		}
	}
	for _, want := range []string{"3.2", "3.3", "3.5", "3.6"} {
		if !strings.Contains(strings.Join(tasks, " "), want) {
			t.Errorf("le rapport d'expérience devrait évaluer %s (tâches : %v)", want, tasks)
		}
	}
	if k.MinPages != 30 || k.MaxPages != 50 {
		t.Errorf("pages %d–%d, attendu 30–50", k.MinPages, k.MaxPages)
	}
	g, _ := fw.Kind("guide-entretien")
	if g == nil || g.Editor != "guide" || len(fw.KindsFor("1.4")) == 0 {
		t.Fatal("le guide d'entretien doit évaluer la tâche 1.4 avec l'éditeur guide")
	}
}

func TestCriteriaOfAlignedTask(t *testing.T) {
	fw := mustLoad(t)
	tk, _ := fw.Task("1.4")
	// 1.4 aligns its three criteria paragraphs to its three modalities.
	got := tk.CriteriaOf("1.4/mod/2")
	if len(got) == 0 {
		t.Fatal("aucun critère pour 1.4/mod/2")
	}
	for _, c := range got {
		if c.Method != "1.4/mod/2" {
			t.Errorf("critère %s (modalité %s) rendu pour 1.4/mod/2", c.ID, c.Method)
		}
	}
	all := 0
	tk.EachCriterion(func(*Criterion) { all++ })
	if len(got) >= all {
		t.Errorf("%d critères pour une modalité sur %d : l'alignement n'est pas appliqué", len(got), all)
	}
}

func TestSearchMatchesInflections(t *testing.T) {
	fw := mustLoad(t)
	found := false
	for _, h := range fw.Search("évaluation urgence") {
		if h.Task.ID == "1.5" && strings.HasPrefix(h.Text, "Evaluer le niveau d'urgence") {
			found = true
		}
	}
	if !found {
		t.Fatal("« évaluation urgence » devrait trouver « Evaluer le niveau d'urgence » (1.5)")
	}
	if got := stem("cas"); got != "cas" {
		t.Fatalf("les mots courts restent exacts : %q", got)
	}
}
