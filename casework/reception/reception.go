// Package reception is the sandbox exercise « Organiser l'accueil » (tasks
// 6.1–6.4 and 6.7 of the framework): the trainee plans a reception's week —
// opening hours per half-day, agents at the desk and on appointments, a
// triage of urgencies at arrival, the layout of the space — and the week is
// simulated: walk-ins drawn from a seeded random process (a peak at
// opening, more on Monday morning), urgent situations among them, people
// who give up after waiting, appointment requests. The report (waiting
// times, people turned away, urgencies missed or seen late, appointments
// without a slot, staff load) is compared with the expert plan run on the
// same arrivals. The same seed gives the same week.
package reception

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the exercise kind in the sandbox catalogue.
const Kind = "organisation-accueil"

// Days are the days of the week the reception may open, in order.
var Days = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi"}

// DayLabels are the days as shown.
var DayLabels = map[string]string{"lundi": "Lundi", "mardi": "Mardi", "mercredi": "Mercredi", "jeudi": "Jeudi", "vendredi": "Vendredi"}

// Halves are the half-days.
var Halves = []string{"matin", "apres_midi"}

// HalfLabels are the half-days as shown.
var HalfLabels = map[string]string{"matin": "matin", "apres_midi": "après-midi"}

// Exercise is an authored week to organise.
type Exercise struct {
	ID             string   `yaml:"id" validate:"required"`
	Kind           string   `yaml:"type" validate:"required,eq=organisation-accueil"`
	Title          string   `yaml:"titre" validate:"required"`
	Summary        string   `yaml:"resume" validate:"required"`
	TrainerSummary string   `yaml:"resume_formateur" validate:"required"`
	Structure      string   `yaml:"structure" validate:"required"`
	Difficulty     int      `yaml:"difficulte" validate:"min=1,max=3"`
	Tasks          []string `yaml:"taches" validate:"min=1,dive,required"`
	// Brief is what the trainee reads before planning (Markdown-free text,
	// paragraphs separated by blank lines).
	Brief     string    `yaml:"consigne" validate:"required"`
	Week      Week      `yaml:"semaine"`
	Staff     Staff     `yaml:"equipe"`
	Amenities []Amenity `yaml:"amenagements" validate:"min=2,dive"`
	Key       Key       `yaml:"cle_expert"`
	// Fixed, when given, replaces the draw: the week's walk-ins as listed
	// (a worked example a trainer can follow by hand).
	Fixed []Arrival `yaml:"arrivees_fixes" validate:"dive"`
}

// Week is how the public comes.
type Week struct {
	Seed uint64 `yaml:"graine" validate:"required"`
	// Windows are the hours a half-day may open, « 08:30-12:30 ».
	Windows map[string]string `yaml:"plages" validate:"required"`
	// Affluence is the mean number of walk-ins per day and half-day.
	Affluence map[string]map[string]float64 `yaml:"affluence" validate:"required"`
	// PeakShare of a half-day's walk-ins come in its first hour.
	PeakShare   float64 `yaml:"part_premiere_heure" validate:"min=0,max=1"`
	UrgentShare float64 `yaml:"part_urgences" validate:"min=0,max=1"`
	// Service and UrgentService are the minutes a reception takes, from
	// the first to the second.
	Service       []int `yaml:"duree_accueil" validate:"len=2,dive,min=1,max=240"`
	UrgentService []int `yaml:"duree_urgence" validate:"len=2,dive,min=1,max=240"`
	// Patience is how long a person waits before leaving.
	Patience int `yaml:"patience" validate:"min=1,max=240"`
	// UrgentWait: an urgency seen after this wait is seen late.
	UrgentWait int `yaml:"attente_max_urgence" validate:"min=1,max=240"`
	// Requests are the appointment requests per day; each takes
	// AppointmentMinutes of an agent.
	Requests           map[string]int `yaml:"demandes_rdv"`
	AppointmentMinutes int            `yaml:"duree_rdv" validate:"min=10,max=180"`
}

// Staff is the team the trainee plans.
type Staff struct {
	Agents int `yaml:"agents" validate:"min=1,max=20"`
	// WeeklyHours of each agent, of which OffDesk (a share) goes to the
	// back office (mail, files, partners, meetings).
	WeeklyHours float64 `yaml:"heures_par_agent" validate:"min=1,max=48"`
	OffDesk     float64 `yaml:"part_hors_accueil" validate:"min=0,max=0.9"`
}

// Amenity is a choice about the space (6.2, 6.3): expected or not, and why.
type Amenity struct {
	ID       string `yaml:"id" validate:"required"`
	Label    string `yaml:"libelle" validate:"required"`
	Expected bool   `yaml:"attendu"`
	Why      string `yaml:"pourquoi" validate:"required"`
	Task     string `yaml:"tache" validate:"required"`
}

// Key is the expert's plan and the figures a sound plan keeps to.
type Key struct {
	Plan       Plan       `yaml:"plan"`
	Thresholds Thresholds `yaml:"seuils"`
	Why        string     `yaml:"pourquoi" validate:"required"`
}

// Thresholds a sound plan keeps to.
type Thresholds struct {
	MeanWait       float64 `yaml:"attente_moyenne_max" validate:"min=1"`
	TurnedAway     int     `yaml:"renvoyes_max" validate:"min=0"`
	LateUrgencies  int     `yaml:"urgences_tardives_max" validate:"min=0"`
	UnmetRequests  int     `yaml:"rdv_sans_creneau_max" validate:"min=0"`
	MaxLoadPercent int     `yaml:"charge_max_pourcent" validate:"min=50,max=120"`
}

// Plan is a reception's week: each half-day's hours and agents, the
// triage at arrival, the amenities of the space.
type Plan struct {
	Days      map[string]map[string]Half `yaml:"jours" json:"jours"`
	Triage    bool                       `yaml:"tri" json:"tri"`
	Amenities []string                   `yaml:"amenagements" json:"amenagements"`
}

// Half is a half-day of the plan: closed when Open is empty.
type Half struct {
	Open         string `yaml:"ouverture" json:"ouverture"`
	Close        string `yaml:"fermeture" json:"fermeture"`
	Desk         int    `yaml:"accueil" json:"accueil"`
	Appointments int    `yaml:"rdv" json:"rdv"`
}

// Opened tells whether the half-day opens to the public.
func (h Half) Opened() bool { return h.Open != "" }

// Arrival is a walk-in: when, urgent or not, how long the reception takes.
type Arrival struct {
	Day     string `yaml:"jour" json:"jour"`
	Time    string `yaml:"heure" json:"heure"`
	Urgent  bool   `yaml:"urgence" json:"urgence"`
	Minutes int    `yaml:"duree" json:"duree"`
	minute  int
	half    string
}

// minuteOf reads « 09:05 » as minutes since midnight.
func minuteOf(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, fmt.Errorf("heure %q : attendu HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, fmt.Errorf("heure %q : attendu HH:MM", s)
	}
	return hh*60 + mm, nil
}

// window reads « 08:30-12:30 ».
func window(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("plage %q : attendu HH:MM-HH:MM", s)
	}
	from, err := minuteOf(a)
	if err != nil {
		return 0, 0, err
	}
	to, err := minuteOf(b)
	if err != nil {
		return 0, 0, err
	}
	if to <= from {
		return 0, 0, fmt.Errorf("plage %q : la fin précède le début", s)
	}
	return from, to, nil
}

// Clock writes minutes since midnight as « 9 h 05 ».
func Clock(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %02d", m/60, m%60)
}

// Check validates what the exercise's numbers must hold together: every
// day and half-day has a window and an affluence, the expert plan fits the
// team and the windows, fixed arrivals are in the week. Messages are French
// and name the field.
func (e *Exercise) Check() error {
	for _, h := range Halves {
		w, ok := e.Week.Windows[h]
		if !ok {
			return fmt.Errorf("semaine.plages : la demi-journée %q manque", h)
		}
		if _, _, err := window(w); err != nil {
			return fmt.Errorf("semaine.plages.%s : %v", h, err)
		}
	}
	for _, d := range Days {
		for _, h := range Halves {
			if _, ok := e.Week.Affluence[d][h]; !ok {
				return fmt.Errorf("semaine.affluence.%s.%s manque", d, h)
			}
		}
	}
	for d := range e.Week.Affluence {
		if DayLabels[d] == "" {
			return fmt.Errorf("semaine.affluence : jour inconnu %q (lundi … vendredi)", d)
		}
	}
	if e.Week.Service[0] > e.Week.Service[1] || e.Week.UrgentService[0] > e.Week.UrgentService[1] {
		return fmt.Errorf("semaine.duree_accueil / duree_urgence : le minimum dépasse le maximum")
	}
	if errs := e.ValidatePlan(e.Key.Plan); len(errs) > 0 {
		for _, k := range sortedKeys(errs) {
			return fmt.Errorf("cle_expert.plan (%s) : %s", k, errs[k])
		}
	}
	seen := map[string]bool{}
	for _, a := range e.Amenities {
		if seen[a.ID] {
			return fmt.Errorf("amenagements : identifiant %q en double", a.ID)
		}
		seen[a.ID] = true
	}
	for i, a := range e.Fixed {
		if DayLabels[a.Day] == "" {
			return fmt.Errorf("arrivees_fixes[%d].jour : jour inconnu %q", i, a.Day)
		}
		m, err := minuteOf(a.Time)
		if err != nil {
			return fmt.Errorf("arrivees_fixes[%d].heure : %v", i, err)
		}
		inside := false
		for _, h := range Halves {
			if from, to, _ := window(e.Week.Windows[h]); m >= from && m < to {
				inside = true
			}
		}
		if !inside {
			return fmt.Errorf("arrivees_fixes[%d].heure : %s n'est dans aucune plage de semaine.plages", i, a.Time)
		}
		if a.Minutes < 1 {
			return fmt.Errorf("arrivees_fixes[%d].duree : au moins 1 minute", i)
		}
	}
	return nil
}

// ValidatePlan checks a plan against the exercise: field name (as in the
// form: « lundi-matin-ouverture »…) → French message. An empty map is a
// valid plan.
func (e *Exercise) ValidatePlan(p Plan) map[string]string {
	errs := map[string]string{}
	for _, d := range Days {
		for _, h := range Halves {
			hp := p.Days[d][h]
			f := d + "-" + h
			from, to, _ := window(e.Week.Windows[h])
			if hp.Desk < 0 || hp.Appointments < 0 {
				errs[f+"-accueil"] = "Un nombre d'agents ne peut pas être négatif."
				continue
			}
			if hp.Desk+hp.Appointments > e.Staff.Agents {
				errs[f+"-accueil"] = fmt.Sprintf("%s %s : %d agents à l'accueil et %d en rendez-vous, l'équipe en compte %d.", DayLabels[d], HalfLabels[h], hp.Desk, hp.Appointments, e.Staff.Agents)
				continue
			}
			if !hp.Opened() {
				if hp.Close != "" {
					errs[f+"-ouverture"] = "Donnez l'heure d'ouverture, ou videz aussi l'heure de fermeture pour fermer la demi-journée."
				}
				continue
			}
			o, err := minuteOf(hp.Open)
			if err != nil {
				errs[f+"-ouverture"] = "Heure d'ouverture au format 09:00."
				continue
			}
			c, err := minuteOf(hp.Close)
			if err != nil {
				errs[f+"-fermeture"] = "Heure de fermeture au format 12:00."
				continue
			}
			if o < from || c > to {
				errs[f+"-ouverture"] = fmt.Sprintf("%s %s : ouvrez entre %s et %s.", DayLabels[d], HalfLabels[h], Clock(from), Clock(to))
				continue
			}
			if c <= o {
				errs[f+"-fermeture"] = "La fermeture doit suivre l'ouverture."
				continue
			}
			if hp.Desk == 0 {
				errs[f+"-accueil"] = "Une demi-journée ouverte au public demande au moins un agent à l'accueil."
			}
		}
	}
	known := map[string]bool{}
	for _, a := range e.Amenities {
		known[a.ID] = true
	}
	for _, id := range p.Amenities {
		if !known[id] {
			errs["amenagements"] = fmt.Sprintf("Aménagement inconnu : %q.", id)
		}
	}
	return errs
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
