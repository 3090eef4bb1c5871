package referentiel

import (
	"strings"

	"github.com/casp-cnam/casp/internal/french"
)

// Fold lowers a text and strips its accents and typographic apostrophes, so
// that « evaluation » finds « Évaluation » and « l'équipe » finds « l’équipe »
// (french.Fold).
func Fold(s string) string { return french.Fold(s) }

// Hit is one item matching a search.
type Hit struct {
	Task   *Task
	ID     string
	Kind   string // French name of the item's kind
	Text   string
	Before string // the text split around the first match, for highlighting
	Match  string
	After  string
}

// Search returns every item whose text contains all the words of q, ignoring
// case, accents and the common French endings (« évaluation » finds
// « Evaluer »), in framework order. Task titles count as items.
func (fw *Framework) Search(q string) []Hit {
	words := strings.Fields(Fold(q))
	if len(words) == 0 {
		return nil
	}
	for i, w := range words {
		words[i] = stem(w)
	}
	var hits []Hit
	try := func(t *Task, id, kind, text string) {
		folded := Fold(text)
		for _, w := range words {
			if !strings.Contains(folded, w) {
				return
			}
		}
		hits = append(hits, highlight(Hit{Task: t, ID: id, Kind: kind, Text: text}, words[0]))
	}
	for _, t := range fw.taskOrder {
		try(t, t.ID, "Tâche", t.Title)
		for _, s := range t.SubSteps {
			try(t, s.ID, "Sous-étape", s.Title)
		}
		t.EachCompetence(func(it *Item) { try(t, it.ID, "Compétence associée", it.Display()) })
		t.EachCapacity(func(it *Item) { try(t, it.ID, "Capacité évaluée", it.Display()) })
		for _, m := range t.Methods {
			try(t, m.ID, "Modalité d'évaluation", m.Display())
		}
		t.EachCriterion(func(c *Criterion) { try(t, c.ID, "Critère d'évaluation", c.Display()) })
	}
	return hits
}

// highlight splits the hit's text around the first occurrence of the folded
// word. Folding keeps one rune per rune for French letters, so rune offsets
// in the folded text map back to the original.
func highlight(h Hit, word string) Hit {
	orig := []rune(h.Text)
	folded := []rune(Fold(h.Text))
	if len(orig) != len(folded) {
		h.Before = h.Text
		return h
	}
	w := []rune(word)
	for i := 0; i+len(w) <= len(folded); i++ {
		if string(folded[i:i+len(w)]) == word {
			h.Before, h.Match, h.After = string(orig[:i]), string(orig[i:i+len(w)]), string(orig[i+len(w):])
			return h
		}
	}
	h.Before = h.Text
	return h
}

// stem cuts a folded French word to a root its inflections share
// (« evaluation », « evaluer » → « evalu »); a root keeps at least 4 letters
// so that short words stay exact.
func stem(w string) string {
	for _, suf := range []string{"ations", "ation", "ements", "ement", "atrices", "atrice", "ateurs", "ateur",
		"ees", "ee", "es", "er", "ez", "e", "s"} {
		if r, ok := strings.CutSuffix(w, suf); ok && len([]rune(r)) >= 4 {
			return r
		}
	}
	return w
}
