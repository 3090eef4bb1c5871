package situation

import (
	"slices"
	"strings"
)

// Debrief is what a finished attempt teaches: each part against the
// expert key, and the framework tasks worked.
type Debrief struct {
	Preparation []FieldResult
	Steps       []StepResult
	Final       State
	Production  []PointResult
	Tasks       []TaskResult
	// Score is the share of the key met, in percent (points found,
	// responses « bonne », items sorted as expected).
	Score int
}

// FieldResult is a preparation field: its points found or missing.
type FieldResult struct {
	Field  *Field
	Text   string
	Points []PointResult
}

// PointResult is an expected point and whether the text holds it.
type PointResult struct {
	Point Point
	Found bool
}

// StepResult is a played scene against the key.
type StepResult struct {
	Step
	Best    []*Choice // the responses « bonne »
	Quality string    // of the response chosen; for a sorting: bonne when all items are right
	Items   []ItemResult
}

// ItemResult is an item of a sorting.
type ItemResult struct {
	Item   Item
	Placed string // the category chosen (its label)
	Right  bool
}

// TaskResult is a framework task: worked when most of what the exercise
// links to it was met.
type TaskResult struct {
	ID     string
	Worked bool
	Met    int
	Of     int
}

// Judge compares a work with the key.
func (e *Exercise) Judge(w Work) Debrief {
	var d Debrief
	met, of := map[string]int{}, map[string]int{}
	count := func(task string, ok bool) {
		of[task]++
		if ok {
			met[task]++
		}
	}
	for i := range e.Preparation {
		f := &e.Preparation[i]
		fr := FieldResult{Field: f, Text: w.Preparation[f.ID]}
		for _, p := range f.Points {
			ok := p.Found(fr.Text)
			fr.Points = append(fr.Points, PointResult{Point: p, Found: ok})
			count(p.Task, ok)
		}
		d.Preparation = append(d.Preparation, fr)
	}
	d.Final = e.StateOf(w)
	for _, st := range d.Final.Steps {
		sr := StepResult{Step: st}
		s := st.Scene
		if s.Sorting() {
			label := map[string]string{}
			for _, b := range s.Bins {
				label[b.ID] = b.Label
			}
			for _, it := range s.Items {
				placed := w.Sorting[s.ID][it.ID]
				ok := placed == it.Expected
				sr.Items = append(sr.Items, ItemResult{Item: it, Placed: label[placed], Right: ok})
				count(s.Task, ok)
			}
			sr.Quality = Good
			if st.Right < len(s.Items) {
				sr.Quality = Avoid
			}
		} else {
			for j := range s.Choices {
				if s.Choices[j].Quality == Good {
					sr.Best = append(sr.Best, &s.Choices[j])
				}
			}
			if st.Choice != nil {
				sr.Quality = st.Choice.Quality
			}
			count(s.Task, sr.Quality == Good)
		}
		d.Steps = append(d.Steps, sr)
	}
	for _, p := range e.Production.Points {
		ok := p.Found(w.Production)
		d.Production = append(d.Production, PointResult{Point: p, Found: ok})
		count(p.Task, ok)
	}
	var allMet, all int
	for t, n := range of {
		allMet += met[t]
		all += n
	}
	if all > 0 {
		d.Score = allMet * 100 / all
	}
	// A task the exercise names is worked when three fifths of what is
	// linked to it were met; a task with nothing linked to it follows the
	// whole exercise.
	tasks := slices.Clone(e.Tasks)
	for t := range of {
		if !slices.Contains(tasks, t) {
			tasks = append(tasks, t)
		}
	}
	for _, t := range tasks {
		tr := TaskResult{ID: t, Met: met[t], Of: of[t]}
		if tr.Of == 0 {
			tr.Met, tr.Of = allMet, all
		}
		tr.Worked = tr.Of > 0 && tr.Met*5 >= tr.Of*3
		d.Tasks = append(d.Tasks, tr)
	}
	return d
}

// Expert is the work an expert would do, from the key: each field written
// with its points, the first « bonne » response of each scene, every item
// sorted as expected, the production with its points. The loader checks
// that it works every task the exercise names.
func (e *Exercise) Expert() Work {
	w := Work{Preparation: map[string]string{}, Prepared: true, Answers: map[string]string{}, Sorting: map[string]map[string]string{}}
	for _, f := range e.Preparation {
		w.Preparation[f.ID] = expertText(f.Points, f.MinWords)
	}
	for _, s := range e.Scenes {
		if s.Sorting() {
			m := map[string]string{}
			for _, it := range s.Items {
				m[it.ID] = it.Expected
			}
			w.Sorting[s.ID] = m
			continue
		}
		for _, c := range s.Choices {
			if c.Quality == Good {
				w.Answers[s.ID] = c.ID
				break
			}
		}
	}
	w.Production = expertText(e.Production.Points, e.Production.MinWords)
	return w
}

func expertText(points []Point, minWords int) string {
	var s string
	for _, p := range points {
		s += p.Text + " (" + p.Words[0] + "). "
	}
	// Long enough with the reasons of the points, as an expert would
	// argue them.
	for i := 0; Words(s) < minWords && len(points) > 0; i++ {
		s += points[i%len(points)].Why + " "
	}
	return strings.TrimSpace(s)
}
