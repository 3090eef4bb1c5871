package referentiel

import (
	"slices"
	"strings"
)

// index links tasks to their activity and builds the lookup tables.
func (fw *Framework) index() {
	fw.tasks = map[string]*Task{}
	fw.kinds = map[string]*DeliverableKind{}
	for _, a := range fw.Activities {
		for _, t := range a.Tasks {
			t.activity = a
			fw.tasks[t.ID] = t
			fw.taskOrder = append(fw.taskOrder, t)
		}
	}
	for _, k := range fw.DeliverableKinds {
		fw.kinds[k.ID] = k
	}
	fw.live = map[string]*LiveKind{}
	for _, k := range fw.LiveKinds {
		k.kind = &DeliverableKind{ID: k.ID, Label: k.Label, Description: k.Description, Editor: LiveEditor, Evidences: k.Evidences}
		fw.live[k.ID] = k
		if _, taken := fw.kinds[k.ID]; !taken {
			fw.kinds[k.ID] = k.kind
		}
	}
}

// LiveKind returns a kind of live evaluation by id.
func (fw *Framework) LiveKind(id string) (*LiveKind, bool) { k, ok := fw.live[id]; return k, ok }

// JointMethods are the modalities on which a written kind and a live kind
// form one evaluation (the live kind names the written one, and both
// evidence the modality), by the other kind's id: for a written kind, its
// live partners; for a live kind, its written one.
func (fw *Framework) JointMethods(kindID string) map[string][]string {
	out := map[string][]string{}
	pair := func(w *DeliverableKind, l *LiveKind, other string) {
		for _, lev := range l.Evidences {
			for _, wev := range w.Evidences {
				if wev.Method == lev.Method && !slices.Contains(out[other], lev.Method) {
					out[other] = append(out[other], lev.Method)
				}
			}
		}
	}
	if l, ok := fw.live[kindID]; ok {
		if w, ok := fw.kinds[l.Written]; ok && l.Written != "" {
			pair(w, l, w.ID)
		}
		return out
	}
	if w, ok := fw.kinds[kindID]; ok {
		for _, l := range fw.LiveKinds {
			if l.Written == kindID {
				pair(w, l, l.ID)
			}
		}
	}
	return out
}

// Task returns a task by id (« 1.4 »).
func (fw *Framework) Task(id string) (*Task, bool) { t, ok := fw.tasks[id]; return t, ok }

// Tasks lists every task in the framework's order.
func (fw *Framework) Tasks() []*Task { return fw.taskOrder }

// Kind returns a deliverable kind by id.
func (fw *Framework) Kind(id string) (*DeliverableKind, bool) { k, ok := fw.kinds[id]; return k, ok }

// KindLabel names a deliverable kind, for templates (which cannot take a
// second return value); unknown ids read as themselves.
func (fw *Framework) KindLabel(id string) string {
	if k, ok := fw.kinds[id]; ok {
		return k.Label
	}
	return id
}

// Activity is the activity the task belongs to.
func (t *Task) Activity() *Activity { return t.activity }

// HasCertification tells whether the seed gives the task an evaluation side.
// Nine tasks of the 2016 seed have none: a real gap, shown as such.
func (t *Task) HasCertification() bool {
	return len(t.Capacities) > 0 || len(t.Methods) > 0 || len(t.Criteria) > 0
}

// EachCapacity visits every capacity, nested ones included.
func (t *Task) EachCapacity(fn func(*Item)) { walkItems(t.Capacities, fn) }

// EachCompetence visits every compétence associée, nested ones included.
func (t *Task) EachCompetence(fn func(*Item)) { walkItems(t.Competences, fn) }

// EachCriterion visits every criterion, nested ones included.
func (t *Task) EachCriterion(fn func(*Criterion)) { walkCriteria(t.Criteria, fn) }

func walkItems(items []*Item, fn func(*Item)) {
	for _, it := range items {
		fn(it)
		walkItems(it.Children, fn)
	}
}

func walkCriteria(cs []*Criterion, fn func(*Criterion)) {
	for _, c := range cs {
		fn(c)
		walkCriteria(c.Children, fn)
	}
}

// Method returns one of the task's modalities.
func (t *Task) Method(id string) *Method {
	for _, m := range t.Methods {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Criterion returns one of the task's criteria, nested ones included.
func (t *Task) Criterion(id string) (found *Criterion) {
	t.EachCriterion(func(c *Criterion) {
		if c.ID == id {
			found = c
		}
	})
	return found
}

// Capacity returns one of the task's capacities, nested ones included.
func (t *Task) Capacity(id string) (found *Item) {
	t.EachCapacity(func(it *Item) {
		if it.ID == id {
			found = it
		}
	})
	return found
}

// CriteriaOf lists the criteria a modality is assessed by: those aligned to
// it, or all of the task's when the seed does not align them.
func (t *Task) CriteriaOf(methodID string) []*Criterion {
	var out []*Criterion
	aligned := false
	t.EachCriterion(func(c *Criterion) {
		if c.Method != "" {
			aligned = true
		}
	})
	t.EachCriterion(func(c *Criterion) {
		if !aligned || c.Method == methodID || c.Method == "" {
			out = append(out, c)
		}
	})
	return out
}

// CapacitiesOf lists the capacities a criterion assesses: its own list, or
// every capacity of the task.
func (t *Task) CapacitiesOf(c *Criterion) []*Item {
	var out []*Item
	if len(c.Capacities) == 0 {
		t.EachCapacity(func(it *Item) { out = append(out, it) })
		return out
	}
	for _, id := range c.Capacities {
		if it := t.Capacity(id); it != nil {
			out = append(out, it)
		}
	}
	return out
}

// Display is the text to show: the corrected label when there is one.
func (it *Item) Display() string { return orText(it.Label, it.Text) }

// Display is the text to show: the corrected label when there is one.
func (m *Method) Display() string { return orText(m.Label, m.Text) }

// Display is the text to show: the corrected label when there is one.
func (c *Criterion) Display() string { return orText(c.Label, c.Text) }

func orText(label, text string) string {
	if label != "" {
		return label
	}
	return text
}

// Link is one (task, modality, criterion, capacity) a deliverable kind
// evidences, resolved from its evidences.
type Link struct {
	Task       *Task
	Method     *Method
	Quote      string
	Criteria   []*Criterion
	Capacities []*Item
}

// Links resolves what a deliverable kind evidences in this framework.
func (fw *Framework) Links(k *DeliverableKind) []Link {
	var out []Link
	for _, ev := range k.Evidences {
		t := fw.tasks[ev.Task]
		l := Link{Task: t, Method: t.Method(ev.Method), Quote: ev.Quote}
		if len(ev.Criteria) > 0 {
			for _, id := range ev.Criteria {
				l.Criteria = append(l.Criteria, t.Criterion(id))
			}
		} else {
			l.Criteria = t.CriteriaOf(ev.Method)
		}
		seen := map[string]bool{}
		if len(ev.Capacities) > 0 {
			for _, id := range ev.Capacities {
				l.Capacities = append(l.Capacities, t.Capacity(id))
			}
		} else {
			for _, c := range l.Criteria {
				for _, it := range t.CapacitiesOf(c) {
					if !seen[it.ID] {
						seen[it.ID] = true
						l.Capacities = append(l.Capacities, it)
					}
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// KindsFor lists the deliverable kinds that evidence a task.
func (fw *Framework) KindsFor(taskID string) []*DeliverableKind {
	var out []*DeliverableKind
	for _, k := range fw.DeliverableKinds {
		for _, ev := range k.Evidences {
			if ev.Task == taskID {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// LiveKindsFor lists the live evaluations that evidence a task.
func (fw *Framework) LiveKindsFor(taskID string) []*LiveKind {
	var out []*LiveKind
	for _, k := range fw.LiveKinds {
		for _, ev := range k.Evidences {
			if ev.Task == taskID {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// CriterionWordings maps each criterion's id to its wording as shown
// (Display), for every task of the framework.
func (fw *Framework) CriterionWordings() map[string]string {
	out := map[string]string{}
	for _, t := range fw.Tasks() {
		t.EachCriterion(func(cr *Criterion) { out[cr.ID] = cr.Display() })
	}
	return out
}

// TaskOf returns the task of a stable id: « 1.4/crit/2 » → « 1.4 »; an id
// without a slash is a task's own.
func TaskOf(id string) string {
	if i := strings.IndexByte(id, '/'); i > 0 {
		return id[:i]
	}
	return id
}

// Criterion returns a criterion of the framework by its stable id
// (« 1.4/crit/2 »).
func (fw *Framework) Criterion(id string) (*Criterion, bool) {
	t, ok := fw.Task(TaskOf(id))
	if !ok {
		return nil, false
	}
	c := t.Criterion(id)
	return c, c != nil
}
