// Package situation is the sandbox's « mise en situation » exercises: the
// work of the framework that is neither a person's case file nor a
// reception's week nor a documentary file — running a collective session
// (2.4), helping a visitor at the reception's computer (3.8), reviewing
// one's intervention and passing it on (3.6), holding a partnership
// meeting and drafting its convention (4.1–4.2), a team's synthesis
// meeting under shared professional secrecy (4.3), keeping up when a
// fiche changes (6.5).
//
// Each exercise is authored in content/exercices/situations/: a brief,
// the people met (participants, partners, colleagues, a visitor: each with
// a profile, needs and what they say at the end), the gauges the scenes
// move (the group's dynamic, the visitor's autonomy, confidentiality…),
// a preparation the trainee writes first (fields with the points an expert
// puts in them), then scenes played one after the other — a choice among
// responses, whose effect on the people and the gauges is shown at once,
// or a sorting (what may be shared, what may not) — and a written
// production that goes to the portfolio. The debrief compares each step
// with the expert key and says why, and which framework tasks were worked.
package situation

import (
	"fmt"
	"slices"
	"strings"

	fr "github.com/casp-cnam/casp/internal/french"
)

// Kinds of « mise en situation », in catalogue order, with their labels.
var Kinds = []struct{ Value, Label string }{
	{"animation-collective", "Animation d'une séance collective"},
	{"libre-service", "Appui au libre-service de l'accueil"},
	{"bilan-transmission", "Bilan et transmission"},
	{"reunion-partenariale", "Réunion partenariale et convention"},
	{"synthese-equipe", "Réunion de synthèse et secret partagé"},
	{"actualisation", "Actualisation des connaissances"},
}

// IsKind says whether kind is a « mise en situation » kind.
func IsKind(kind string) bool {
	return slices.ContainsFunc(Kinds, func(k struct{ Value, Label string }) bool { return k.Value == kind })
}

// Dir is where the exercises are, in the sandbox content.
const Dir = "exercices/situations"

// Qualities of a response, from the expert key.
const (
	Good       = "bonne"
	Acceptable = "acceptable"
	Avoid      = "a-eviter"
)

// Exercise is one authored situation.
type Exercise struct {
	ID             string   `yaml:"id" validate:"required"`
	Kind           string   `yaml:"type" validate:"required"`
	Title          string   `yaml:"titre" validate:"required"`
	Summary        string   `yaml:"resume" validate:"required"`
	TrainerSummary string   `yaml:"resume_formateur" validate:"required"`
	Structure      string   `yaml:"structure" validate:"required"`
	Difficulty     int      `yaml:"difficulte" validate:"min=1,max=3"`
	Tasks          []string `yaml:"taches" validate:"min=1,dive,required"`
	// Fiches are the fiches dispositif the exercise leans on (ids).
	Fiches []string `yaml:"fiches"`
	// Brief is what the trainee reads first (paragraphs separated by blank
	// lines).
	Brief       string     `yaml:"consigne" validate:"required"`
	People      []Person   `yaml:"personnes" validate:"min=1,dive"`
	Gauges      []Gauge    `yaml:"jauges" validate:"min=1,max=4,dive"`
	Preparation []Field    `yaml:"preparation" validate:"min=1,max=6,dive"`
	Scenes      []Scene    `yaml:"scenes" validate:"min=2,dive"`
	Production  Production `yaml:"production"`
	// Key is the expert's approach, in a paragraph, for the debrief.
	Key string `yaml:"cle_expert" validate:"required"`
}

// Person is someone the trainee meets in the situation: a participant, a
// partner, a colleague, a visitor. Fictional.
type Person struct {
	ID      string `yaml:"id" validate:"required"`
	Name    string `yaml:"nom" validate:"required"`
	Role    string `yaml:"role" validate:"required"`
	Profile string `yaml:"profil" validate:"required"`
	Needs   string `yaml:"attentes" validate:"required"`
	// Start is their satisfaction at the start, 0 to 10.
	Start int `yaml:"depart" validate:"min=0,max=10"`
	// Reviews are what they say at the end, by satisfaction: the first
	// whose minimum the score reaches, highest first.
	Reviews []Review `yaml:"avis" validate:"min=2,dive"`
}

// Review is a closing word of a person, from a satisfaction score up.
type Review struct {
	Min  int    `yaml:"min" validate:"min=0,max=10"`
	Text string `yaml:"texte" validate:"required"`
}

// Gauge is a measure the scenes move, 0 to 10 (the group's dynamic, the
// visitor's autonomy, confidentiality kept, the partners' trust…).
type Gauge struct {
	ID    string `yaml:"id" validate:"required"`
	Label string `yaml:"libelle" validate:"required"`
	Start int    `yaml:"depart" validate:"min=0,max=10"`
	// Help says what the gauge stands for, in a sentence.
	Help string `yaml:"aide" validate:"required"`
}

// Field is a part of the preparation the trainee writes.
type Field struct {
	ID       string  `yaml:"id" validate:"required"`
	Label    string  `yaml:"libelle" validate:"required"`
	Help     string  `yaml:"aide" validate:"required"`
	MinWords int     `yaml:"min_mots" validate:"min=0"`
	Points   []Point `yaml:"points" validate:"min=1,dive"`
}

// Point is something an expert writes: found when the text holds one of
// its words (accents and case folded).
type Point struct {
	Text  string   `yaml:"point" validate:"required"`
	Words []string `yaml:"mots" validate:"min=1,dive,required"`
	Why   string   `yaml:"pourquoi" validate:"required"`
	Task  string   `yaml:"tache" validate:"required"`
}

// Found says whether text holds one of the point's words.
func (p Point) Found(text string) bool {
	t := fr.Fold(text)
	for _, w := range p.Words {
		if strings.Contains(t, fr.Fold(w)) {
			return true
		}
	}
	return false
}

// Scene is a moment of the situation: a choice among responses, or a
// sorting of items into categories.
type Scene struct {
	ID    string `yaml:"id" validate:"required"`
	Title string `yaml:"titre" validate:"required"`
	Text  string `yaml:"texte" validate:"required"`
	// Person is who the scene is about (an id of personnes), if anyone.
	Person  string   `yaml:"personne"`
	Task    string   `yaml:"tache" validate:"required"`
	Choices []Choice `yaml:"choix" validate:"dive"`
	Items   []Item   `yaml:"elements" validate:"dive"`
	Bins    []Bin    `yaml:"categories" validate:"dive"`
}

// Sorting says whether the scene sorts items rather than choosing.
func (s Scene) Sorting() bool { return len(s.Items) > 0 }

// Choice is a response to a scene.
type Choice struct {
	ID   string `yaml:"id" validate:"required"`
	Text string `yaml:"texte" validate:"required"`
	// Effects move gauges and people's satisfaction (by their ids).
	Effects map[string]int `yaml:"effets"`
	// Outcome is what happens, shown at once.
	Outcome string `yaml:"retour" validate:"required"`
	Quality string `yaml:"qualite" validate:"required,oneof=bonne acceptable a-eviter"`
	Why     string `yaml:"pourquoi" validate:"required"`
}

// Item is something to sort (a piece of information: to share or not).
type Item struct {
	ID       string `yaml:"id" validate:"required"`
	Text     string `yaml:"texte" validate:"required"`
	Expected string `yaml:"attendu" validate:"required"`
	Why      string `yaml:"pourquoi" validate:"required"`
}

// Bin is a category of a sorting.
type Bin struct {
	ID    string `yaml:"id" validate:"required"`
	Label string `yaml:"libelle" validate:"required"`
}

// Production is what the trainee writes last; it goes to the portfolio as
// a piece of its kind.
type Production struct {
	Kind     string  `yaml:"type" validate:"required"`
	Title    string  `yaml:"titre" validate:"required"`
	Brief    string  `yaml:"consigne" validate:"required"`
	MinWords int     `yaml:"min_mots" validate:"min=20"`
	Points   []Point `yaml:"points" validate:"min=2,dive"`
}

// Check verifies what the struct tags cannot: a known kind, unique ids,
// effects on known gauges and people, at least one good response per
// choice scene, a sorting's expectations among its categories, reviews
// from the highest minimum down to 0.
func (e *Exercise) Check() error {
	if !IsKind(e.Kind) {
		return fmt.Errorf("type : %q n'est pas une sorte de mise en situation", e.Kind)
	}
	ids := map[string]string{}
	claim := func(id, what string) error {
		if prev, dup := ids[id]; dup {
			return fmt.Errorf("identifiant %q à la fois %s et %s", id, prev, what)
		}
		ids[id] = what
		return nil
	}
	for _, g := range e.Gauges {
		if err := claim(g.ID, "jauge"); err != nil {
			return err
		}
	}
	for _, p := range e.People {
		if err := claim(p.ID, "personne"); err != nil {
			return err
		}
		if p.Reviews[len(p.Reviews)-1].Min != 0 {
			return fmt.Errorf("personnes (%s).avis : le dernier avis vaut pour tout score (min: 0)", p.ID)
		}
		for i := 1; i < len(p.Reviews); i++ {
			if p.Reviews[i].Min >= p.Reviews[i-1].Min {
				return fmt.Errorf("personnes (%s).avis : du minimum le plus haut au plus bas", p.ID)
			}
		}
	}
	for _, f := range e.Preparation {
		if err := claim(f.ID, "champ de préparation"); err != nil {
			return err
		}
	}
	for _, s := range e.Scenes {
		if err := claim(s.ID, "scène"); err != nil {
			return err
		}
		if s.Person != "" && ids[s.Person] != "personne" {
			return fmt.Errorf("scenes (%s).personne : %q n'est pas une des personnes", s.ID, s.Person)
		}
		switch {
		case len(s.Choices) > 0 && len(s.Items) > 0:
			return fmt.Errorf("scenes (%s) : des choix ou un tri, pas les deux", s.ID)
		case len(s.Choices) > 0:
			if len(s.Choices) < 2 {
				return fmt.Errorf("scenes (%s).choix : au moins deux réponses", s.ID)
			}
			good, seen := 0, map[string]bool{}
			for _, c := range s.Choices {
				if seen[c.ID] {
					return fmt.Errorf("scenes (%s).choix : %q en double", s.ID, c.ID)
				}
				seen[c.ID] = true
				if c.Quality == Good {
					good++
				}
				for k := range c.Effects {
					if w := ids[k]; w != "jauge" && w != "personne" {
						return fmt.Errorf("scenes (%s).choix (%s).effets : %q n'est ni une jauge ni une personne", s.ID, c.ID, k)
					}
				}
			}
			if good == 0 {
				return fmt.Errorf("scenes (%s).choix : aucune réponse « bonne » dans la clé", s.ID)
			}
		case len(s.Items) > 0:
			if len(s.Bins) < 2 {
				return fmt.Errorf("scenes (%s).categories : au moins deux catégories pour un tri", s.ID)
			}
			bins, seen := map[string]bool{}, map[string]bool{}
			for _, b := range s.Bins {
				bins[b.ID] = true
			}
			for _, it := range s.Items {
				if seen[it.ID] {
					return fmt.Errorf("scenes (%s).elements : %q en double", s.ID, it.ID)
				}
				seen[it.ID] = true
				if !bins[it.Expected] {
					return fmt.Errorf("scenes (%s).elements (%s).attendu : %q n'est pas une catégorie", s.ID, it.ID, it.Expected)
				}
			}
		default:
			return fmt.Errorf("scenes (%s) : ni choix ni éléments à trier", s.ID)
		}
	}
	return nil
}

// Points lists every point of the preparation and the production with the
// framework tasks they answer (for the loader's checks).
func (e *Exercise) Points() []Point {
	var out []Point
	for _, f := range e.Preparation {
		out = append(out, f.Points...)
	}
	return append(out, e.Production.Points...)
}

// Scene returns a scene by id.
func (e *Exercise) Scene(id string) (*Scene, bool) {
	for i := range e.Scenes {
		if e.Scenes[i].ID == id {
			return &e.Scenes[i], true
		}
	}
	return nil, false
}

// Person returns a person by id.
func (e *Exercise) Person(id string) (*Person, bool) {
	for i := range e.People {
		if e.People[i].ID == id {
			return &e.People[i], true
		}
	}
	return nil, false
}

// KindLabel names a kind.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}
