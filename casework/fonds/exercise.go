package fonds

import (
	"fmt"
	"strings"

	fr "github.com/casp-cnam/casp/internal/french"
)

// Kind is the exercise kind of a collection theme in the sandbox catalogue.
const Kind = "dossier-documentaire"

// ExerciseID is the catalogue id of a theme's exercise.
func ExerciseID(themeID string) string { return "fonds-" + themeID }

// Work is what a trainee builds on a theme: the documents kept and how
// reliable each seems, the descriptors chosen from the thesaurus, the
// bibliographic records, the information leaflet and its diffusion.
type Work struct {
	Documents   []Choice `json:"documents"`
	Descriptors []string `json:"descripteurs"`
	Records     string   `json:"notices"`
	Leaflet     string   `json:"depliant"`
	Diffusion   string   `json:"diffusion"`
}

// Choice is a document kept and the trainee's judgment of its reliability
// (fiable, a-verifier, peu-fiable).
type Choice struct {
	Document    string `json:"document"`
	Reliability string `json:"fiabilite"`
}

// ReliabilityLabel names a judgment (« — » for none).
func ReliabilityLabel(v string) string {
	if l, ok := ReliabilityLabels[v]; ok {
		return l
	}
	return "—"
}

// Limits of what a trainee writes, in bytes.
const (
	MaxWorkText = 20000
)

// DescriptorsOf reads descriptor labels typed one per line or separated by
// commas or semicolons: each must be a descriptor of the thesaurus (or one
// of its non-descriptors, which leads to it). It returns the ids, and the
// labels it does not know.
func (f *Fonds) DescriptorsOf(typed string) (ids, unknown []string) {
	byLabel := map[string]string{}
	for _, d := range f.Thesaurus.Descriptors() {
		byLabel[fr.Fold(d.Label)] = d.ID
		for _, ep := range d.UsedFor {
			byLabel[fr.Fold(ep)] = d.ID
		}
	}
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, ok := byLabel[fr.Fold(part)]
		if !ok {
			unknown = append(unknown, part)
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, unknown
}

// DocVerdict judges one document of the fund against the theme's key.
type DocVerdict struct {
	Document      *Document
	Kept          bool
	Judged        string // the trainee's reliability judgment
	Expected      bool   // the expert keeps it
	Trap          string // why the expert rejects it (a trap of the theme)
	RightJudgment bool
}

// PointVerdict says whether the leaflet carries a point of the key.
type PointVerdict struct {
	Point LeafletPoint
	Found bool
}

// TaskVerdict says whether a framework task was worked.
type TaskVerdict struct {
	TaskID   string
	Worked   bool
	Evidence string
}

// Debrief reads a trainee's work on a theme against its key.
type Debrief struct {
	Theme       *Theme
	Documents   []DocVerdict // the expected, the traps, then the others kept
	Found       int
	TrapsKept   int
	Judged      int // kept documents whose reliability was judged as the expert does
	Descriptors struct {
		Expected, Given []string // labels
		Matched         int
	}
	Points   []PointVerdict
	Avoided  []string // what the leaflet does and must not
	Change   *Item    // the rule change the theme's leaflet must carry, if any
	Carried  bool     // the leaflet carries the change
	Pitfalls []string
	Tasks    []TaskVerdict
}

func (f *Fonds) label(id string) string {
	if d, ok := f.Thesaurus.Descriptor(id); ok {
		return d.Label
	}
	return id
}

// contains tells whether the folded text holds the folded phrase.
func foldedHas(text, phrase string) bool {
	return phrase != "" && strings.Contains(" "+fr.Fold(text)+" ", fr.Fold(phrase))
}

// Judge reads the work on a theme against its key.
func (f *Fonds) Judge(th *Theme, w Work) Debrief {
	d := Debrief{Theme: th}
	kept := map[string]string{}
	for _, c := range w.Documents {
		kept[c.Document] = c.Reliability
	}
	expected := map[string]bool{}
	for _, id := range th.Expected {
		expected[id] = true
	}
	traps := map[string]string{}
	for _, tr := range th.Traps {
		traps[tr.Document] = tr.Why
	}
	verdict := func(doc *Document) DocVerdict {
		j, k := kept[doc.ID]
		v := DocVerdict{Document: doc, Kept: k, Judged: j, Expected: expected[doc.ID], Trap: traps[doc.ID]}
		v.RightJudgment = k && j == doc.Reliability.Level
		return v
	}
	for _, id := range th.Expected {
		if doc, ok := f.Document(id); ok {
			v := verdict(doc)
			if v.Kept {
				d.Found++
			}
			d.Documents = append(d.Documents, v)
		}
	}
	for _, tr := range th.Traps {
		if doc, ok := f.Document(tr.Document); ok {
			v := verdict(doc)
			if v.Kept {
				d.TrapsKept++
			}
			d.Documents = append(d.Documents, v)
		}
	}
	for _, c := range w.Documents {
		if doc, ok := f.Document(c.Document); ok && !expected[doc.ID] && traps[doc.ID] == "" {
			d.Documents = append(d.Documents, verdict(doc))
		}
	}
	for _, v := range d.Documents {
		if v.RightJudgment {
			d.Judged++
		}
	}

	given := map[string]bool{}
	for _, id := range w.Descriptors {
		given[id] = true
		d.Descriptors.Given = append(d.Descriptors.Given, f.label(id))
	}
	for _, id := range th.Descriptors {
		d.Descriptors.Expected = append(d.Descriptors.Expected, f.label(id))
		if given[id] {
			d.Descriptors.Matched++
		}
	}

	foundPoints := 0
	for _, p := range th.Key.Points {
		pv := PointVerdict{Point: p}
		for _, k := range p.Keywords {
			if foldedHas(w.Leaflet, k) {
				pv.Found = true
				break
			}
		}
		if pv.Found {
			foundPoints++
		}
		d.Points = append(d.Points, pv)
	}
	for _, a := range th.Key.Avoid {
		if foldedHas(w.Leaflet, a) {
			d.Avoided = append(d.Avoided, a)
		}
	}

	// The rule change of the watch, when it concerns this theme: the
	// leaflet must carry what is new (a word or a figure of the rule after
	// the change that the rule before did not have).
	for _, fd := range f.Feeds {
		for i := range fd.Items {
			if it := &fd.Items[i]; it.RuleChange && it.Theme == th.ID {
				d.Change = it
				before := map[string]bool{}
				for _, t := range Terms(it.Before) {
					before[t] = true
				}
				for _, t := range Terms(it.After) {
					if !before[t] && containsTerm(Terms(w.Leaflet), t) {
						d.Carried = true
					}
				}
			}
		}
	}

	if d.TrapsKept > 0 {
		d.Pitfalls = append(d.Pitfalls, fmt.Sprintf("les sources sans examen : %d document(s) que l'expert écarte figurent dans votre dossier", d.TrapsKept))
	}
	if len(d.Avoided) > 0 {
		d.Pitfalls = append(d.Pitfalls, "le dépliant qui parle le langage de l'institution : « "+strings.Join(d.Avoided, " », « ")+" »")
	}
	if d.Change != nil && !d.Carried {
		d.Pitfalls = append(d.Pitfalls, "la règle d'hier : la veille annonçait « "+d.Change.Title+" », que le dépliant ne reprend pas")
	}

	task := func(id string, worked bool, evidence string) {
		d.Tasks = append(d.Tasks, TaskVerdict{TaskID: id, Worked: worked, Evidence: evidence})
	}
	task("5.1", d.Found*2 >= len(th.Expected) && d.TrapsKept == 0, fmt.Sprintf("%d document(s) attendu(s) sur %d, aucune source à écarter", d.Found, len(th.Expected)))
	task("5.2", len(w.Documents) > 0 && d.Judged*10 >= len(w.Documents)*7 && d.Descriptors.Matched*2 >= len(th.Descriptors),
		fmt.Sprintf("fiabilité jugée comme l'expert pour %d document(s) sur %d ; %d descripteur(s) attendu(s) sur %d", d.Judged, len(w.Documents), d.Descriptors.Matched, len(th.Descriptors)))
	task("5.3", foundPoints*2 >= len(th.Key.Points) && len(d.Avoided) == 0 && len(strings.TrimSpace(w.Records)) >= 40,
		fmt.Sprintf("%d point(s) du dépliant sur %d, notices bibliographiques rédigées", foundPoints, len(th.Key.Points)))
	task("5.4", len(strings.TrimSpace(w.Diffusion)) >= 40, "un plan de diffusion écrit")
	if d.Change != nil {
		task("5.5", d.Carried, "le changement de règle annoncé par la veille repris dans le dépliant")
	}
	return d
}

func containsTerm(list []string, t string) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}
