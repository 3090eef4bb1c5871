package referentiel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"
)

var structValidator = validator.New(validator.WithRequiredStructEnabled())

// validate checks the struct tags, then the rules tags cannot say: unique ids,
// ids shaped after their task, no blank text, every reference resolving. The
// error names the entry at fault so an editor can find it in the YAML.
func (fw *Framework) validate() error {
	if err := structValidator.Struct(fw); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) && len(verrs) > 0 {
			e := verrs[0]
			return fmt.Errorf("champ %s invalide (règle %q)", e.Namespace(), e.Tag())
		}
		return err
	}
	seen := map[string]bool{}
	claim := func(id, where string) error {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%s : identifiant vide", where)
		}
		if seen[id] {
			return fmt.Errorf("%s : identifiant %q en double", where, id)
		}
		seen[id] = true
		return nil
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	for _, a := range fw.Activities {
		if err := claim("activite/"+a.ID, "activité "+a.ID); err != nil {
			return err
		}
		for _, t := range a.Tasks {
			if err := claim(t.ID, "tâche "+t.ID); err != nil {
				return err
			}
			if !strings.HasPrefix(t.ID, a.ID+".") {
				return fmt.Errorf("tâche %s : n'appartient pas à l'activité %s", t.ID, a.ID)
			}
			for _, s := range t.SubSteps {
				if err := claim(s.ID, "tâche "+t.ID); err != nil {
					return err
				}
			}
			var checkItems func(items []*Item, prefix string) error
			checkItems = func(items []*Item, prefix string) error {
				for _, it := range items {
					if err := claim(it.ID, "tâche "+t.ID); err != nil {
						return err
					}
					if !strings.HasPrefix(it.ID, prefix) {
						return fmt.Errorf("élément %s : l'identifiant doit commencer par %q", it.ID, prefix)
					}
					if blank(it.Text) {
						return fmt.Errorf("élément %s : texte vide", it.ID)
					}
					if err := checkItems(it.Children, it.ID+"/"); err != nil {
						return err
					}
				}
				return nil
			}
			if err := checkItems(t.Competences, t.ID+"/comp/"); err != nil {
				return err
			}
			if err := checkItems(t.Capacities, t.ID+"/cap/"); err != nil {
				return err
			}
			methods := map[string]bool{}
			for _, m := range t.Methods {
				if err := claim(m.ID, "tâche "+t.ID); err != nil {
					return err
				}
				if !strings.HasPrefix(m.ID, t.ID+"/mod/") || blank(m.Text) {
					return fmt.Errorf("modalité %s : identifiant ou texte invalide", m.ID)
				}
				methods[m.ID] = true
			}
			caps := map[string]bool{}
			t.EachCapacity(func(it *Item) { caps[it.ID] = true })
			var checkCrit func(cs []*Criterion, prefix string) error
			checkCrit = func(cs []*Criterion, prefix string) error {
				for _, c := range cs {
					if err := claim(c.ID, "tâche "+t.ID); err != nil {
						return err
					}
					if !strings.HasPrefix(c.ID, prefix) || blank(c.Text) {
						return fmt.Errorf("critère %s : identifiant ou texte invalide", c.ID)
					}
					if c.Method != "" && !methods[c.Method] {
						return fmt.Errorf("critère %s : modalité %q inconnue dans la tâche %s", c.ID, c.Method, t.ID)
					}
					for _, cp := range c.Capacities {
						if !caps[cp] {
							return fmt.Errorf("critère %s : capacité %q inconnue dans la tâche %s", c.ID, cp, t.ID)
						}
					}
					if err := checkCrit(c.Children, c.ID+"/"); err != nil {
						return err
					}
				}
				return nil
			}
			if err := checkCrit(t.Criteria, t.ID+"/crit/"); err != nil {
				return err
			}
		}
	}
	for _, b := range fw.Blocks {
		if err := claim("bloc/"+b.ID, "bloc "+b.ID); err != nil {
			return err
		}
		for _, tid := range b.Tasks {
			if !seen[tid] || !strings.Contains(tid, ".") || strings.Contains(tid, "/") {
				return fmt.Errorf("bloc %s : tâche %q inconnue", b.ID, tid)
			}
		}
		for _, cid := range b.Capacities {
			if !seen[cid] || !strings.Contains(cid, "/cap/") {
				return fmt.Errorf("bloc %s : capacité %q inconnue", b.ID, cid)
			}
		}
	}
	tasks := map[string]*Task{}
	for _, a := range fw.Activities {
		for _, t := range a.Tasks {
			tasks[t.ID] = t
		}
	}
	for _, k := range fw.DeliverableKinds {
		if err := claim("production/"+k.ID, "type de production "+k.ID); err != nil {
			return err
		}
		if k.MaxPages != 0 && k.MaxPages < k.MinPages {
			return fmt.Errorf("type de production %s : nombre de pages maximal inférieur au minimal", k.ID)
		}
		if err := checkEvidences("type de production "+k.ID, k.Evidences, tasks); err != nil {
			return err
		}
		if k.Collective {
			quoted := false
			for _, ev := range k.Evidences {
				m := tasks[ev.Task].Method(ev.Method)
				quoted = quoted || (k.CollectiveQuote != "" && strings.Contains(m.Text, k.CollectiveQuote))
			}
			if !quoted {
				return fmt.Errorf("type de production %s : travail collectif sans citation d'une de ses modalités (collective_quote)", k.ID)
			}
		}
	}
	for _, k := range fw.LiveKinds {
		if err := claim("production/"+k.ID, "épreuve "+k.ID); err != nil {
			return err
		}
		if err := checkEvidences("épreuve "+k.ID, k.Evidences, tasks); err != nil {
			return err
		}
		if k.Written == "" {
			continue
		}
		var written *DeliverableKind
		for _, w := range fw.DeliverableKinds {
			if w.ID == k.Written {
				written = w
			}
		}
		if written == nil {
			return fmt.Errorf("épreuve %s : type de production écrit %q inconnu", k.ID, k.Written)
		}
		shared := false
		for _, lev := range k.Evidences {
			for _, wev := range written.Evidences {
				shared = shared || lev.Method == wev.Method
			}
		}
		if !shared {
			return fmt.Errorf("épreuve %s : aucune modalité commune avec l'écrit %s, qui ne peut donc former une seule épreuve avec elle", k.ID, k.Written)
		}
	}
	return nil
}

// checkEvidences checks that each evidence names a task and one of its
// modalities, quotes the modality word for word, and names only criteria
// and capacities of that task.
func checkEvidences(who string, evs []Evidence, tasks map[string]*Task) error {
	for _, ev := range evs {
		t, ok := tasks[ev.Task]
		if !ok {
			return fmt.Errorf("%s : tâche %q inconnue", who, ev.Task)
		}
		m := t.Method(ev.Method)
		if m == nil {
			return fmt.Errorf("%s : modalité %q inconnue dans la tâche %s", who, ev.Method, t.ID)
		}
		if !strings.Contains(m.Text, ev.Quote) {
			return fmt.Errorf("%s : la citation %q ne figure pas dans la modalité %s", who, ev.Quote, m.ID)
		}
		for _, cid := range ev.Criteria {
			if t.Criterion(cid) == nil {
				return fmt.Errorf("%s : critère %q inconnu dans la tâche %s", who, cid, t.ID)
			}
		}
		for _, cid := range ev.Capacities {
			if t.Capacity(cid) == nil {
				return fmt.Errorf("%s : capacité %q inconnue dans la tâche %s", who, cid, t.ID)
			}
		}
	}
	return nil
}
