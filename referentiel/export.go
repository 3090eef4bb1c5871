package referentiel

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
)

// WriteJSON writes the framework in its native structure. The output is
// deterministic (no maps in the model) so that exports can be diffed.
func (fw *Framework) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// The texts quote « < » and « & » as they are: nothing here goes into HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(fw)
}

// CSV row types, as shown to the people who review the référentiel in a
// spreadsheet.
const (
	csvActivity   = "activité"
	csvTask       = "tâche"
	csvSubStep    = "sous-étape"
	csvCompetence = "compétence associée"
	csvCapacity   = "capacité évaluée"
	csvMethod     = "modalité d'évaluation"
	csvCriterion  = "critère d'évaluation"
	csvKind       = "type de production"
)

var csvHeader = []string{"identifiant", "type", "activité", "tâche", "parent", "modalité", "texte", "libellé corrigé"}

// WriteCSV writes one row per entry of the framework, for French Excel: a
// UTF-8 byte order mark (without it Excel reads the accents as Windows-1252)
// and ";" as separator (the list separator of French locales).
func (fw *Framework) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	rows := [][]string{csvHeader}
	add := func(id, typ, activity, task, parent, method, text, label string) {
		rows = append(rows, []string{id, typ, activity, task, parent, method, text, label})
	}
	var items func(typ string, a *Activity, t *Task, parent string, its []*Item)
	items = func(typ string, a *Activity, t *Task, parent string, its []*Item) {
		for _, it := range its {
			add(it.ID, typ, a.ID, t.ID, parent, "", it.Text, it.Label)
			items(typ, a, t, it.ID, it.Children)
		}
	}
	var criteria func(a *Activity, t *Task, parent string, cs []*Criterion)
	criteria = func(a *Activity, t *Task, parent string, cs []*Criterion) {
		for _, c := range cs {
			add(c.ID, csvCriterion, a.ID, t.ID, parent, c.Method, c.Text, c.Label)
			criteria(a, t, c.ID, c.Children)
		}
	}
	for _, a := range fw.Activities {
		add(a.ID, csvActivity, a.ID, "", "", "", a.Title, a.TitleLabel)
		for _, t := range a.Tasks {
			add(t.ID, csvTask, a.ID, t.ID, a.ID, "", t.Title, t.TitleLabel)
			for _, s := range t.SubSteps {
				add(s.ID, csvSubStep, a.ID, t.ID, t.ID, "", s.Title, "")
			}
			items(csvCompetence, a, t, t.ID, t.Competences)
			items(csvCapacity, a, t, t.ID, t.Capacities)
			for _, m := range t.Methods {
				add(m.ID, csvMethod, a.ID, t.ID, t.ID, m.ID, m.Text, m.Label)
			}
			criteria(a, t, t.ID, t.Criteria)
		}
	}
	for _, k := range fw.DeliverableKinds {
		// A kind may evidence several tasks: list them all, in order.
		var acts, tasks, methods []string
		for _, ev := range k.Evidences {
			act := ev.Task
			if t, ok := fw.Task(ev.Task); ok {
				act = t.Activity().ID
			}
			acts = appendNew(acts, act)
			tasks = appendNew(tasks, ev.Task)
			methods = appendNew(methods, ev.Method)
		}
		add(k.ID, csvKind, strings.Join(acts, ", "), strings.Join(tasks, ", "), "",
			strings.Join(methods, ", "), k.Label+" — "+k.Description, "")
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true // what Excel writes and expects
	return cw.WriteAll(rows)
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
