package casework

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"time"

	"github.com/casp-cnam/casp/casework/situation"
	"github.com/casp-cnam/casp/referentiel"
)

// readExercise reads an exercise file strictly (an unknown field is an
// error), checks its fields' rules, its own consistency and that it holds
// only fictional people; every message names the file and the field.
func readExercise(fsys fs.FS, name string, e interface{ Check() error }) error {
	where := path.Base(name)
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if err := decodeStrict(raw, e); err != nil {
		return fmt.Errorf("%s : %w", where, err)
	}
	if err := checkStruct(where, e); err != nil {
		return err
	}
	if err := e.Check(); err != nil {
		return fmt.Errorf("%s : %w", where, err)
	}
	return CheckFiction(where, string(raw))
}

// Situation returns a « mise en situation » by id.
func (l *Library) Situation(id string) (*situation.Exercise, bool) {
	e, ok := l.situations[id]
	return e, ok
}

// loadSituations reads exercices/situations/*.yaml: each checked like the
// cases (strict YAML, French messages naming the file and the field,
// fictional people), its structure, fiches, tasks and production kind
// known, and its expert key working every task it names.
func (l *Library) loadSituations(fsys fs.FS, fw *referentiel.Framework) error {
	names, err := sortedGlob(fsys, situation.Dir+"/*.yaml")
	if err != nil {
		return err
	}
	for _, n := range names {
		where := path.Base(n)
		var e situation.Exercise
		if err := readExercise(fsys, n, &e); err != nil {
			return err
		}
		if _, ok := l.structures[e.Structure]; !ok {
			return fmt.Errorf("%s : structure : %q n'est pas une structure du territoire", where, e.Structure)
		}
		for _, f := range e.Fiches {
			if _, ok := l.fiches[f]; !ok {
				return fmt.Errorf("%s : fiches : %q n'est pas une fiche dispositif", where, f)
			}
		}
		if fw != nil {
			task := func(field, id string) error {
				if _, ok := fw.Task(id); !ok {
					return fmt.Errorf("%s : %s : %q n'est pas une tâche du référentiel", where, field, id)
				}
				return nil
			}
			for _, t := range e.Tasks {
				if err := task("taches", t); err != nil {
					return err
				}
			}
			for _, s := range e.Scenes {
				if err := task("scenes ("+s.ID+").tache", s.Task); err != nil {
					return err
				}
			}
			for _, p := range e.Points() {
				if err := task("points (« "+p.Text+" »).tache", p.Task); err != nil {
					return err
				}
			}
			if _, ok := fw.Kind(e.Production.Kind); !ok {
				return fmt.Errorf("%s : production.type : %q n'est pas un type de production du référentiel", where, e.Production.Kind)
			}
		}
		for _, t := range e.Judge(e.Expert()).Tasks {
			if !t.Worked {
				return fmt.Errorf("%s : cle_expert : le travail de l'expert ne travaille pas la tâche %s (%d sur %d)", where, t.ID, t.Met, t.Of)
			}
		}
		if _, dup := l.scenarios[e.ID]; dup {
			return fmt.Errorf("%s : l'identifiant %q est déjà celui d'un cas", where, e.ID)
		}
		if _, dup := l.receptions[e.ID]; dup {
			return fmt.Errorf("%s : l'identifiant %q est déjà celui d'un exercice", where, e.ID)
		}
		if l.Fund != nil {
			if _, dup := l.Theme(e.ID); dup {
				return fmt.Errorf("%s : l'identifiant %q est déjà celui d'un dossier documentaire", where, e.ID)
			}
		}
		if _, dup := l.situations[e.ID]; dup {
			return fmt.Errorf("%s : exercice %q en double", where, e.ID)
		}
		l.situations[e.ID] = &e
		l.Situations = append(l.Situations, &e)
	}
	for _, f := range l.Fiches {
		for _, ch := range f.Changes {
			if ch.Exercise == "" {
				continue
			}
			if e, ok := l.situations[ch.Exercise]; !ok || e.Kind != "actualisation" {
				return fmt.Errorf("%s.md : changements (%s).exercice : %q n'est pas un exercice d'actualisation des connaissances", f.ID, ch.On, ch.Exercise)
			}
		}
	}
	return nil
}

// FichesOf lists the fiches a scenario leads the trainee to read: those of
// its facts, of its expected orientations and of the orientations to avoid.
func (sc *Scenario) FichesOf() []string {
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, f := range sc.Facts {
		add(f.Fiche)
	}
	for _, o := range sc.Key.Orientations {
		add(o.Fiche)
	}
	for _, o := range sc.Key.Avoid {
		add(o.Fiche)
	}
	return out
}

// Date is the day the change applies.
func (c FicheChange) Date() time.Time {
	t, _ := time.ParseInLocation("2006-01-02", c.On, time.UTC)
	return t.Add(12 * time.Hour) // midday: the same day in Paris
}
