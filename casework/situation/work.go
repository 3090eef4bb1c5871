package situation

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Work is a trainee's attempt: the preparation written, each scene's
// response (final once given, as in the room), each sorting, the
// production.
type Work struct {
	Preparation map[string]string            `json:"preparation"`
	Prepared    bool                         `json:"preparation_validee"`
	Answers     map[string]string            `json:"reponses"`
	Sorting     map[string]map[string]string `json:"tris"`
	Production  string                       `json:"production"`
}

// Limits of what a trainee writes, in bytes.
const (
	MaxField      = 6000
	MaxProduction = 30000
)

// Words counts the words of a text.
func Words(s string) int { return len(strings.Fields(s)) }

// CheckPreparation returns a message per field that is missing, too short
// or too long; none means the preparation may be validated.
func (e *Exercise) CheckPreparation(prep map[string]string) map[string]string {
	errs := map[string]string{}
	for _, f := range e.Preparation {
		v := strings.TrimSpace(prep[f.ID])
		switch {
		case v == "":
			errs[f.ID] = "Remplissez ce champ : « " + f.Label + " »."
		case len(v) > MaxField:
			errs[f.ID] = fmt.Sprintf("Ce champ tient en %d caractères au plus.", MaxField)
		case !utf8.ValidString(v):
			errs[f.ID] = "Ce texte contient des caractères illisibles."
		case Words(v) < f.MinWords:
			errs[f.ID] = fmt.Sprintf("Développez : au moins %d mots (vous en avez écrit %d).", f.MinWords, Words(v))
		}
	}
	return errs
}

// CheckProduction returns the production's message, or "".
func (e *Exercise) CheckProduction(text string) string {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "Rédigez « " + e.Production.Title + " » avant de terminer."
	case len(text) > MaxProduction:
		return fmt.Sprintf("Le texte tient en %d caractères au plus.", MaxProduction)
	case !utf8.ValidString(text):
		return "Ce texte contient des caractères illisibles."
	case Words(text) < e.Production.MinWords:
		return fmt.Sprintf("Développez : au moins %d mots (vous en avez écrit %d).", e.Production.MinWords, Words(text))
	}
	return ""
}

// Next is the first scene not yet played, or nil once all are.
func (e *Exercise) Next(w Work) *Scene {
	for i := range e.Scenes {
		if !w.Played(e.Scenes[i]) {
			return &e.Scenes[i]
		}
	}
	return nil
}

// Played says whether a scene has its response (or its sorting).
func (w Work) Played(s Scene) bool {
	if s.Sorting() {
		_, ok := w.Sorting[s.ID]
		return ok
	}
	_, ok := w.Answers[s.ID]
	return ok
}

// Stage is where an attempt stands.
type Stage string

const (
	StagePrepare Stage = "preparation"
	StagePlay    Stage = "deroule"
	StageWrite   Stage = "production"
)

// StageOf says what the trainee does next.
func (e *Exercise) StageOf(w Work) Stage {
	switch {
	case !w.Prepared:
		return StagePrepare
	case e.Next(w) != nil:
		return StagePlay
	}
	return StageWrite
}

// Play records the response to the next scene: choice for a choice
// scene, sorted (item id → bin id, every item) for a sorting. Another
// scene than the next, an unknown choice or an item left unsorted is
// refused with a message per field.
func (e *Exercise) Play(w *Work, sceneID, choice string, sorted map[string]string) map[string]string {
	next := e.Next(*w)
	if !w.Prepared {
		return map[string]string{"scene": "Validez d'abord votre préparation."}
	}
	if next == nil || next.ID != sceneID {
		return map[string]string{"scene": "Cette scène est déjà jouée : la situation a avancé."}
	}
	if next.Sorting() {
		errs := map[string]string{}
		bins := map[string]bool{}
		for _, b := range next.Bins {
			bins[b.ID] = true
		}
		keep := map[string]string{}
		for _, it := range next.Items {
			v := sorted[it.ID]
			if !bins[v] {
				errs["tri-"+it.ID] = "Classez cet élément."
				continue
			}
			keep[it.ID] = v
		}
		if len(errs) > 0 {
			return errs
		}
		if w.Sorting == nil {
			w.Sorting = map[string]map[string]string{}
		}
		w.Sorting[next.ID] = keep
		return nil
	}
	for _, c := range next.Choices {
		if c.ID == choice {
			if w.Answers == nil {
				w.Answers = map[string]string{}
			}
			w.Answers[next.ID] = choice
			return nil
		}
	}
	return map[string]string{"choix": "Choisissez une des réponses proposées."}
}

// Step is a played scene as the trainee saw it: the response, what it did.
type Step struct {
	Scene   *Scene
	Choice  *Choice // nil for a sorting
	Right   int     // a sorting's items in their expected category
	Effects []Effect
}

// Effect is a change a response made.
type Effect struct {
	Label string
	Delta int
}

// State is the situation after the scenes played: the gauges, each
// person's satisfaction, the steps.
type State struct {
	Gauges []GaugeValue
	People []PersonValue
	Steps  []Step
}

// GaugeValue is a gauge's value now.
type GaugeValue struct {
	Gauge *Gauge
	Value int
}

// PersonValue is a person's satisfaction now, and what they would say.
type PersonValue struct {
	Person *Person
	Value  int
	Review string
}

// Review is what the person says at a satisfaction score.
func (p *Person) Review(score int) string {
	for _, r := range p.Reviews {
		if score >= r.Min {
			return r.Text
		}
	}
	return p.Reviews[len(p.Reviews)-1].Text
}

// sortingEffect is what each item sorted against the key costs the gauges
// of a sorting scene (the first gauge: confidentiality, say), and what
// each item sorted as expected gives.
const sortingWrong, sortingRight = -2, 0

// StateOf replays the scenes played.
func (e *Exercise) StateOf(w Work) State {
	vals := map[string]int{}
	for _, g := range e.Gauges {
		vals[g.ID] = g.Start
	}
	for _, p := range e.People {
		vals[p.ID] = p.Start
	}
	label := func(id string) string {
		for _, g := range e.Gauges {
			if g.ID == id {
				return g.Label
			}
		}
		if p, ok := e.Person(id); ok {
			return p.Name
		}
		return id
	}
	var st State
	for i := range e.Scenes {
		s := &e.Scenes[i]
		if !w.Played(*s) {
			break
		}
		step := Step{Scene: s}
		if s.Sorting() {
			wrong := 0
			for _, it := range s.Items {
				if w.Sorting[s.ID][it.ID] == it.Expected {
					step.Right++
				} else {
					wrong++
				}
			}
			if d := wrong*sortingWrong + step.Right*sortingRight; d != 0 && len(e.Gauges) > 0 {
				g := e.Gauges[0].ID
				vals[g] = clamp(vals[g] + d)
				step.Effects = append(step.Effects, Effect{Label: label(g), Delta: d})
			}
		} else {
			for j := range s.Choices {
				if s.Choices[j].ID == w.Answers[s.ID] {
					step.Choice = &s.Choices[j]
				}
			}
			if step.Choice != nil {
				// Effects in the order of the gauges then the people.
				for _, id := range e.order() {
					if d, ok := step.Choice.Effects[id]; ok && d != 0 {
						vals[id] = clamp(vals[id] + d)
						step.Effects = append(step.Effects, Effect{Label: label(id), Delta: d})
					}
				}
			}
		}
		st.Steps = append(st.Steps, step)
	}
	for i := range e.Gauges {
		st.Gauges = append(st.Gauges, GaugeValue{Gauge: &e.Gauges[i], Value: vals[e.Gauges[i].ID]})
	}
	for i := range e.People {
		p := &e.People[i]
		st.People = append(st.People, PersonValue{Person: p, Value: vals[p.ID], Review: p.Review(vals[p.ID])})
	}
	return st
}

func (e *Exercise) order() []string {
	var ids []string
	for _, g := range e.Gauges {
		ids = append(ids, g.ID)
	}
	for _, p := range e.People {
		ids = append(ids, p.ID)
	}
	return ids
}

func clamp(v int) int { return min(max(v, 0), 10) }
