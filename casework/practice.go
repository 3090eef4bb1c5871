package casework

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/casework/situation"
)

// Practice gathers a learner's finished exercises — cases closed,
// receptions organised, documentary files, mises en situation — with what
// each debrief said: the pitfalls that come back, the framework tasks
// worked and when first, the way the results go (task 6.7, « évaluation
// de sa pratique »).
type Practice struct {
	Done      []PracticeEntry    // oldest first
	Recurring []RecurringPitfall // most frequent first
	Tasks     []PracticeTask     // in the framework's order of ids
}

// PracticeEntry is a finished exercise.
type PracticeEntry struct {
	Title    string
	Kind     string
	Href     string // its debrief
	At       time.Time
	Worked   int // tasks worked
	Of       int // tasks the debrief judged
	Pitfalls []string
}

// RecurringPitfall is a pitfall with the exercises it came back in.
type RecurringPitfall struct {
	Text  string
	Count int
	In    []string
}

// PracticeTask is a framework task worked, first in which exercise.
type PracticeTask struct {
	ID    string
	First string
	At    time.Time
	Times int
}

// Practice reads the learner's own debriefs.
func (s *Store) Practice(ctx context.Context, learner account.User) (Practice, error) {
	var p Practice
	var list []doneEntry
	cases, err := s.Cases(ctx, learner.ID)
	if err != nil {
		return p, err
	}
	for _, c := range cases {
		if c.State != StateClosed {
			continue
		}
		d, err := s.Debrief(ctx, learner, c.ID)
		if err != nil {
			return p, err
		}
		e := PracticeEntry{Title: c.Scenario.Title, Kind: KindLabel(KindCase), Href: "/dossiers/" + strconv.FormatInt(c.ID, 10) + "/debrief", At: c.ClosedAt}
		var worked []string
		for _, t := range d.Tasks {
			e.Of++
			if t.Worked {
				e.Worked++
				worked = append(worked, t.Task.ID)
			}
		}
		for _, f := range d.Pitfalls {
			e.Pitfalls = append(e.Pitfalls, f.Text)
		}
		list = append(list, doneEntry{e, worked})
	}
	attempts, err := s.Attempts(ctx, learner.ID)
	if err != nil {
		return p, err
	}
	for _, a := range attempts {
		if !a.Finished {
			continue
		}
		e := PracticeEntry{Title: a.Title(), Kind: KindLabel(a.Kind), Href: "/exercices/" + strconv.FormatInt(a.ID, 10) + "/debrief", At: a.ClosedAt}
		var worked []string
		count := func(id string, ok bool) {
			e.Of++
			if ok {
				e.Worked++
				worked = append(worked, id)
			}
		}
		switch {
		case a.Situation != nil:
			d := a.Situation.Judge(a.Played)
			for _, t := range d.Tasks {
				count(t.ID, t.Worked)
			}
			for _, st := range d.Steps {
				if st.Quality == situation.Avoid {
					e.Pitfalls = append(e.Pitfalls, "« "+st.Scene.Title+" » : une réponse à éviter")
				}
			}
		case a.Theme != nil:
			if s.lib.Fund == nil {
				continue
			}
			d := s.lib.Fund.Judge(a.Theme, a.Work)
			for _, t := range d.Tasks {
				count(t.TaskID, t.Worked)
			}
			e.Pitfalls = append(e.Pitfalls, d.Pitfalls...)
		case a.Reception != nil:
			d := a.Reception.Judge(a.Plan, a.Runs, a.Analysis != "")
			for _, t := range d.Tasks {
				count(t.TaskID, t.Worked)
			}
			for _, f := range d.Pitfalls {
				e.Pitfalls = append(e.Pitfalls, f.Text)
			}
		}
		list = append(list, doneEntry{e, worked})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].e.At.Before(list[j].e.At) })
	// Recurring pitfalls and first times, in the order the work was done.
	seen := map[string]*RecurringPitfall{}
	first := map[string]*PracticeTask{}
	for _, x := range list {
		p.Done = append(p.Done, x.e)
		for _, f := range x.e.Pitfalls {
			r := seen[f]
			if r == nil {
				r = &RecurringPitfall{Text: f}
				seen[f] = r
			}
			r.Count++
			r.In = append(r.In, x.e.Title)
		}
		for _, id := range x.worked {
			if t := first[id]; t != nil {
				t.Times++
				continue
			}
			first[id] = &PracticeTask{ID: id, First: x.e.Title, At: x.e.At, Times: 1}
		}
	}
	for _, r := range seen {
		p.Recurring = append(p.Recurring, *r)
	}
	sort.Slice(p.Recurring, func(i, j int) bool {
		if p.Recurring[i].Count != p.Recurring[j].Count {
			return p.Recurring[i].Count > p.Recurring[j].Count
		}
		return p.Recurring[i].Text < p.Recurring[j].Text
	})
	for _, t := range first {
		p.Tasks = append(p.Tasks, *t)
	}
	sort.Slice(p.Tasks, func(i, j int) bool { return taskLess(p.Tasks[i].ID, p.Tasks[j].ID) })
	return p, nil
}

// taskLess orders task ids as numbers: 1.2 before 1.10.
func taskLess(a, b string) bool {
	var a1, a2, b1, b2 int
	fmt.Sscanf(a, "%d.%d", &a1, &a2)
	fmt.Sscanf(b, "%d.%d", &b1, &b2)
	if a1 != b1 {
		return a1 < b1
	}
	return a2 < b2
}

type doneEntry struct {
	e      PracticeEntry
	worked []string
}

// FicheNews is a change of a fiche the learner used (in a case, an
// exercise), with the exercise that checks it is understood (task 6.5).
type FicheNews struct {
	Fiche    *Fiche
	Change   FicheChange
	Exercise *situation.Exercise // nil when the change has none
	Done     bool                // the learner finished it
}

// FicheNews lists the changes of the fiches the learner used: in a case
// on a scenario that leads to the fiche, or in a mise en situation built
// on it. A change stays listed until its exercise is finished. cases are
// the learner's cases, already read by the caller; one more read, whatever
// the learner's work.
func (s *Store) FicheNews(ctx context.Context, learnerID int64, cases []Case) ([]FicheNews, error) {
	var changed []*Fiche
	for _, f := range s.lib.Fiches {
		if len(f.Changes) > 0 {
			changed = append(changed, f)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	used := map[string]bool{}
	for _, c := range cases {
		for _, id := range c.Scenario.FichesOf() {
			used[id] = true
		}
	}
	attempts, err := s.Attempts(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	finished := map[string]bool{}
	for _, a := range attempts {
		if a.Situation != nil {
			for _, id := range a.Situation.Fiches {
				used[id] = true
			}
		}
		if a.Finished {
			finished[a.ExerciseID] = true
		}
	}
	var out []FicheNews
	for _, f := range changed {
		if !used[f.ID] {
			continue
		}
		for _, ch := range f.Changes {
			n := FicheNews{Fiche: f, Change: ch}
			if ch.Exercise != "" {
				n.Exercise, _ = s.lib.Situation(ch.Exercise)
				n.Done = finished[ch.Exercise]
			}
			if !n.Done {
				out = append(out, n)
			}
		}
	}
	return out, nil
}
