package casework

import (
	"sort"

	"github.com/casp-cnam/casp/casework/fonds"

	"github.com/casp-cnam/casp/casework/reception"
	"github.com/casp-cnam/casp/casework/situation"
)

// KindCase is the kind of a case file exercise (a scenario).
const KindCase = "cas"

// ExerciseKinds names each kind of sandbox exercise, in catalogue order.
var ExerciseKinds = append([]struct{ Value, Label string }{
	{KindCase, "Cas : le dossier d'une personne"},
	{reception.Kind, "Organisation de l'accueil"},
	{fonds.Kind, "Dossier documentaire et veille"},
}, situation.Kinds...)

// KindLabel names a kind of exercise.
func KindLabel(kind string) string {
	for _, k := range ExerciseKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// Exercise is one entry of the sandbox catalogue, whatever its kind.
type Exercise struct {
	ID         string
	Kind       string
	Title      string
	Summary    string
	Structure  string
	Difficulty int
	Tasks      []string
}

// Exercises lists every exercise of the sandbox: cases first, then the
// other kinds, each in file order.
func (l *Library) Exercises() []Exercise {
	var out []Exercise
	for _, sc := range l.Scenarios {
		out = append(out, Exercise{ID: sc.ID, Kind: KindCase, Title: sc.Title, Summary: sc.Summary, Structure: sc.Structure, Difficulty: sc.Difficulty, Tasks: sc.Tasks})
	}
	for _, e := range l.Receptions {
		out = append(out, Exercise{ID: e.ID, Kind: reception.Kind, Title: e.Title, Summary: e.Summary, Structure: e.Structure, Difficulty: e.Difficulty, Tasks: e.Tasks})
	}
	for _, e := range l.Situations {
		out = append(out, Exercise{ID: e.ID, Kind: e.Kind, Title: e.Title, Summary: e.Summary, Structure: e.Structure, Difficulty: e.Difficulty, Tasks: e.Tasks})
	}
	if l.Fund != nil {
		for _, th := range l.Fund.Themes {
			out = append(out, Exercise{ID: fonds.ExerciseID(th.ID), Kind: fonds.Kind, Title: "Dossier documentaire : " + th.Title, Summary: th.Task, Difficulty: 2, Tasks: th.Tasks})
		}
	}
	return out
}

// TasksCovered lists the framework tasks the catalogue works, sorted.
func (l *Library) TasksCovered() []string {
	seen := map[string]bool{}
	for _, e := range l.Exercises() {
		for _, t := range e.Tasks {
			seen[t] = true
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
