package casework

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/content"
	"github.com/casp-cnam/casp/referentiel"
)

// labelled is one typed question of testdata/questions-tapees: the
// scenario, what a trainee typed, the authored question a trainer would
// match it to (or « - »), and its style.
type labelled struct{ scenario, typed, want, style string }

func readLabelled(t *testing.T, name string) []labelled {
	t.Helper()
	f, err := os.Open("testdata/questions-tapees/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		cols := strings.Split(sc.Text(), "\t")
		if n == 0 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if len(cols) != 4 {
			t.Fatalf("%s ligne %d : 4 colonnes attendues", name, n+1)
		}
		out = append(out, labelled{cols[0], cols[1], cols[2], cols[3]})
	}
	return out
}

// Scores of the matcher and the style classifier on a labelled set.
type scores struct {
	lines, proposed, correct, expected, noneRight, noneTotal int
	styleRight                                               int
	styleTP, styleFP, styleFN                                map[string]int
}

func (s scores) precision() float64 { return ratio(s.correct, s.proposed) }
func (s scores) recall() float64    { return ratio(s.correct, s.expected) }
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func measure(t *testing.T, lib *Library, set []labelled) scores {
	t.Helper()
	s := scores{styleTP: map[string]int{}, styleFP: map[string]int{}, styleFN: map[string]int{}}
	matchers := map[string]*Matcher{}
	for _, l := range set {
		sc, ok := lib.Scenario(l.scenario)
		if !ok {
			t.Fatalf("scénario inconnu %q", l.scenario)
		}
		if l.want != "-" && sc.question(l.want) == nil {
			t.Fatalf("%s : question %q inconnue", l.scenario, l.want)
		}
		m := matchers[l.scenario]
		if m == nil {
			m = NewMatcher(sc)
			matchers[l.scenario] = m
		}
		s.lines++
		got := m.Match(l.typed)
		if l.want == "-" {
			s.noneTotal++
			if got.Question == nil {
				s.noneRight++
			}
		} else {
			s.expected++
		}
		if got.Question != nil {
			s.proposed++
			if got.Question.ID == l.want {
				s.correct++
			} else if testing.Verbose() {
				t.Logf("rapprochement : %s « %s » → %s (attendu %s)", l.scenario, l.typed, got.Question.ID, l.want)
			}
		} else if l.want != "-" && testing.Verbose() {
			t.Logf("non rapprochée : %s « %s » (attendu %s, score %.2f)", l.scenario, l.typed, l.want, got.Score)
		}
		style := ClassifyStyle(l.typed)
		if style == l.style {
			s.styleRight++
			s.styleTP[style]++
		} else {
			s.styleFP[style]++
			s.styleFN[l.style]++
			if testing.Verbose() {
				t.Logf("style : « %s » → %s (attendu %s)", l.typed, style, l.style)
			}
		}
	}
	return s
}

func loadLibrary(t *testing.T) *Library {
	t.Helper()
	cat, err := referentiel.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := Load(content.Sandbox(), cat.Default())
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// TestMatcherOnLabelledQuestions measures the matcher and the style
// classifier on questions typed by trainees, written blind of the code:
// dev.tsv tunes, test.tsv is held out. The figures are in the README; the
// floors below keep them from sliding.
func TestMatcherOnLabelledQuestions(t *testing.T) {
	t.Parallel()
	lib := loadLibrary(t)
	for _, set := range []struct {
		file                          string
		precision, recall, styleFloor float64
	}{
		{"dev.tsv", 0.70, 0.55, 0.75},
		{"test.tsv", 0.65, 0.50, 0.70},
	} {
		lines := readLabelled(t, set.file)
		if len(lines) < 150 {
			t.Fatalf("%s : %d lignes, au moins 150 attendues", set.file, len(lines))
		}
		s := measure(t, lib, lines)
		t.Logf("%s : %d lignes ; rapprochement : précision %.2f, rappel %.2f ; « aucune » reconnue %d/%d ; style : %.2f juste",
			set.file, s.lines, s.precision(), s.recall(), s.noneRight, s.noneTotal, ratio(s.styleRight, s.lines))
		for _, st := range Styles {
			t.Logf("  style %-9s précision %.2f rappel %.2f", st, ratio(s.styleTP[st], s.styleTP[st]+s.styleFP[st]), ratio(s.styleTP[st], s.styleTP[st]+s.styleFN[st]))
		}
		if s.precision() < set.precision || s.recall() < set.recall || ratio(s.styleRight, s.lines) < set.styleFloor {
			t.Errorf("%s : précision %.2f (plancher %.2f), rappel %.2f (plancher %.2f), style %.2f (plancher %.2f)", set.file,
				s.precision(), set.precision, s.recall(), set.recall, ratio(s.styleRight, s.lines), set.styleFloor)
		}
	}
}

func TestClassifyStyleExamples(t *testing.T) {
	t.Parallel()
	for typed, want := range map[string]string{
		"Qu'est-ce qui vous amène aujourd'hui ?":               "ouverte",
		"Comment ça se passe avec votre propriétaire ?":        "ouverte",
		"Vous avez des dettes ?":                               "fermee",
		"Est-ce que vous touchez le RSA ?":                     "fermee",
		"Vous n'avez pas pensé à demander le RSA, j'imagine ?": "orientee",
		"Pourquoi vous n'avez pas ouvert vos courriers ?":      "jugeante",
		"Vous auriez dû venir plus tôt, non ?":                 "jugeante",
		"Nom, prénom, adresse, revenus ?":                      "multiple",
		"Vous travaillez ? Et votre mari ?":                    "multiple",
	} {
		if got := ClassifyStyle(typed); got != want {
			t.Errorf("« %s » : %s, attendu %s", typed, got, want)
		}
	}
}

// Terms fold accents, cut elisions and merge synonyms: two wordings of the
// same need share their terms.
func TestTermsNormalise(t *testing.T) {
	t.Parallel()
	a, b := Terms("Où en êtes-vous avec l'appartement ?"), Terms("ou en etes vous avec le logement")
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Fatalf("%v ≠ %v", a, b)
	}
}
