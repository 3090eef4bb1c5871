package reception

import (
	"fmt"
	"math"
	"strings"
)

// Check is one figure of the week: yours, the expert plan's, the bound a
// sound plan keeps to.
type Check struct {
	Label    string
	Yours    string
	Expert   string
	Bound    string
	OK       bool
	Why      string
	TaskID   string
	Fraction float64 // how far from the bound, for ordering (0 when OK)
}

// Pitfall is a trap the plan fell into, read from what it did.
type Pitfall struct {
	Text   string // « le pic du lundi matin »
	What   string // what the plan did
	Why    string
	TaskID string
}

// AmenityCheck judges one choice about the space.
type AmenityCheck struct {
	Amenity Amenity
	Chosen  bool
	Right   bool
}

// TaskCheck says whether a task of the framework was worked, and how.
type TaskCheck struct {
	TaskID   string
	Worked   bool
	Evidence string
}

// Debrief compares the plan's week with the expert plan's, on the same
// arrivals.
type Debrief struct {
	Yours, Expert Report
	Checks        []Check
	Pitfalls      []Pitfall
	Amenities     []AmenityCheck
	Tasks         []TaskCheck
	Runs          int
}

func minutes(f float64) string {
	return strings.Replace(fmt.Sprintf("%.1f min", f), ".", ",", 1)
}

// Judge reads a plan's week against the key. runs is how many weeks the
// trainee simulated (adjusting between them); analysed tells whether the
// trainee wrote the analysis of their practice (6.7).
func (e *Exercise) Judge(p Plan, runs int, analysed bool) Debrief {
	arr := e.Arrivals()
	d := Debrief{Yours: e.Simulate(p, arr), Expert: e.Simulate(e.Key.Plan, arr), Runs: runs}
	y, x, th := d.Yours, d.Expert, e.Key.Thresholds
	add := func(c Check) { d.Checks = append(d.Checks, c) }
	add(Check{Label: "Attente moyenne des personnes reçues", Yours: minutes(y.Total.MeanWait()), Expert: minutes(x.Total.MeanWait()),
		Bound: "au plus " + minutes(th.MeanWait), OK: y.Total.MeanWait() <= th.MeanWait, TaskID: "6.4",
		Why: "Au-delà, les personnes renoncent, reviennent tendues ou ne reviennent pas : l'attente est le premier message que donne l'accueil."})
	add(Check{Label: "Personnes lassées d'attendre ou renvoyées à la fermeture", Yours: fmt.Sprint(y.Total.GaveUp + y.Total.AtClosing), Expert: fmt.Sprint(x.Total.GaveUp + x.Total.AtClosing),
		Bound: fmt.Sprintf("au plus %d", th.TurnedAway), OK: y.Total.GaveUp+y.Total.AtClosing <= th.TurnedAway, TaskID: "1.1",
		Why: "Le premier accueil social est inconditionnel : chaque personne entrée puis repartie sans être reçue est une demande perdue, parfois une situation qui s'aggrave."})
	closedBound := x.Total.ClosedDoor + 4
	add(Check{Label: "Personnes venues porte close", Yours: fmt.Sprint(y.Total.ClosedDoor), Expert: fmt.Sprint(x.Total.ClosedDoor),
		Bound: fmt.Sprintf("au plus %d", closedBound), OK: y.Total.ClosedDoor <= closedBound, TaskID: "6.1",
		Why: "Fermer une demi-journée se choisit là où le public vient peu, horaires affichés dehors : sinon la porte close renvoie ceux qui ne peuvent venir qu'à ce moment-là."})
	add(Check{Label: "Urgences vues trop tard ou manquées", Yours: fmt.Sprint(y.Total.UrgentLate + y.Total.UrgentMissed), Expert: fmt.Sprint(x.Total.UrgentLate + x.Total.UrgentMissed),
		Bound: fmt.Sprintf("au plus %d", th.LateUrgencies), OK: y.Total.UrgentLate+y.Total.UrgentMissed <= th.LateUrgencies, TaskID: "1.6",
		Why: fmt.Sprintf("Une situation d'urgence (plus d'aliment, violence, expulsion le jour même) se repère à l'arrivée et se reçoit en moins de %d minutes.", e.Week.UrgentWait)})
	add(Check{Label: "Demandes de rendez-vous sans créneau dans la semaine", Yours: fmt.Sprint(y.Unmet), Expert: fmt.Sprint(x.Unmet),
		Bound: fmt.Sprintf("au plus %d", th.UnmetRequests), OK: y.Unmet <= th.UnmetRequests, TaskID: "6.1",
		Why: "Les rendez-vous portent l'accompagnement : sans créneau, la personne revient au guichet, qui s'engorge."})
	add(Check{Label: "Charge de l'équipe (temps public planifié / temps disponible)", Yours: fmt.Sprintf("%d %%", y.LoadPercent), Expert: fmt.Sprintf("%d %%", x.LoadPercent),
		Bound: fmt.Sprintf("au plus %d %%", th.MaxLoadPercent), OK: y.LoadPercent <= th.MaxLoadPercent, TaskID: "6.1",
		Why: fmt.Sprintf("Chaque agent garde %d %% de son temps hors du public (courrier, dossiers, partenaires, réunions) : un planning qui le mange ne tient pas la semaine.", int(math.Round(e.Staff.OffDesk*100)))})

	// Pitfalls read from the plan, against the expert's.
	fall := func(pf Pitfall) { d.Pitfalls = append(d.Pitfalls, pf) }
	peakDay, peakHalf, peak := "", "", -1.0
	for _, dd := range Days {
		for _, h := range Halves {
			if v := e.Week.Affluence[dd][h]; v > peak {
				peakDay, peakHalf, peak = dd, h, v
			}
		}
	}
	if mine, theirs := p.Days[peakDay][peakHalf], e.Key.Plan.Days[peakDay][peakHalf]; mine.Desk < theirs.Desk {
		hr := halfOf(y, peakDay, peakHalf)
		fall(Pitfall{Text: "le pic du " + strings.ToLower(DayLabels[peakDay]) + " " + HalfLabels[peakHalf],
			What: fmt.Sprintf("%d agent(s) à l'accueil quand arrivent en moyenne %.0f personnes (%d ce %s-là, %d reparties sans être reçues, attente maximale %d min).",
				mine.Desk, peak, hr.Arrivals, strings.ToLower(DayLabels[peakDay]), hr.TurnedAway(), hr.WaitMax),
			Why: "L'affluence ne se répartit pas : elle se concentre après le week-end et à l'ouverture. Les agents se placent là où elle est, les rendez-vous là où elle n'est pas.", TaskID: "6.4"})
	}
	if !p.Triage && e.Key.Plan.Triage {
		fall(Pitfall{Text: "l'accueil sans tri à l'arrivée",
			What: fmt.Sprintf("Sans pré-accueil, les urgences attendent leur tour : %d vue(s) trop tard, %d repartie(s).", y.Total.UrgentLate, y.Total.UrgentMissed),
			Why:  "Un premier regard à l'arrivée (motif, signes d'urgence) permet de recevoir d'abord ce qui ne peut pas attendre ; sans lui, l'ordre d'arrivée décide.", TaskID: "1.6"})
	}
	if x.LatestClose >= 17*60 && y.LatestClose < 17*60 {
		fall(Pitfall{Text: "l'accueil aux heures de bureau seulement",
			What: "Aucune demi-journée ne reste ouverte jusqu'à 17 h.",
			Why:  "Les personnes qui travaillent, celles qui gardent des enfants le matin, ne viennent qu'en fin de journée : une ouverture tardive dans la semaine leur ouvre la porte.", TaskID: "6.1"})
	}
	if y.LoadPercent > th.MaxLoadPercent {
		fall(Pitfall{Text: "le planning intenable",
			What: fmt.Sprintf("%d %% du temps que l'équipe peut donner au public.", y.LoadPercent),
			Why:  "Un planning qui dépasse le temps disponible se paie en retards de dossiers, en absences et en accueil dégradé dès la deuxième semaine.", TaskID: "6.1"})
	}
	idle, busy := "", ""
	for _, hr := range y.Halves {
		// An agent can leave a calm half-day only if another stays.
		if hr.Open && p.Days[hr.Day][hr.Half].Desk >= 2 && hr.Occupancy() < 35 && idle == "" {
			idle = DayLabels[hr.Day] + " " + HalfLabels[hr.Half]
		}
		if hr.Open && hr.GaveUp+hr.AtClosing >= 2 && busy == "" {
			busy = DayLabels[hr.Day] + " " + HalfLabels[hr.Half]
		}
	}
	if idle != "" && busy != "" {
		fall(Pitfall{Text: "des agents mal répartis",
			What: fmt.Sprintf("%s, le guichet est occupé moins d'un tiers du temps ; %s, des personnes repartent sans être reçues.", idle, strings.ToLower(busy[:1])+busy[1:]),
			Why:  "À effectif égal, déplacer un agent d'une demi-journée calme vers une demi-journée chargée réduit l'attente sans coûter une heure de plus.", TaskID: "6.4"})
	}

	chosen := map[string]bool{}
	for _, id := range p.Amenities {
		chosen[id] = true
	}
	rightAmenities := 0
	for _, a := range e.Amenities {
		ac := AmenityCheck{Amenity: a, Chosen: chosen[a.ID], Right: chosen[a.ID] == a.Expected}
		if ac.Right {
			rightAmenities++
		} else if a.Expected {
			fall(Pitfall{Text: "l'espace d'accueil oublié", What: "« " + a.Label + " » n'est pas prévu.", Why: a.Why, TaskID: a.Task})
		} else {
			fall(Pitfall{Text: "un aménagement qui dessert l'accueil", What: "« " + a.Label + " » est retenu.", Why: a.Why, TaskID: a.Task})
		}
		d.Amenities = append(d.Amenities, ac)
	}

	// Tasks worked, from what the plan and its week show.
	ok := map[string]bool{}
	for _, c := range d.Checks {
		if !c.OK {
			ok[c.TaskID] = false
		} else if _, seen := ok[c.TaskID]; !seen {
			ok[c.TaskID] = true
		}
	}
	task := func(id string, worked bool, evidence string) {
		d.Tasks = append(d.Tasks, TaskCheck{TaskID: id, Worked: worked, Evidence: evidence})
	}
	task("6.1", runs > 0 && ok["6.1"], fmt.Sprintf("planning de la semaine simulé %d fois ; rendez-vous et charge de l'équipe dans les bornes", runs))
	task("6.2", rightAmenities == len(e.Amenities), fmt.Sprintf("%d choix d'aménagement justes sur %d", rightAmenities, len(e.Amenities)))
	task("6.3", rightAmenities*2 >= len(e.Amenities) && chosen != nil && len(p.Amenities) > 0, "organisation des lieux et des supports d'information choisie")
	task("6.4", ok["6.4"] && ok["1.1"], "attente et personnes renvoyées dans les bornes")
	task("1.6", ok["1.6"], "urgences reçues à temps")
	task("6.7", analysed && runs > 1, "analyse écrite de votre planning après l'avoir ajusté")
	return d
}

func halfOf(r Report, day, half string) HalfReport {
	for _, h := range r.Halves {
		if h.Day == day && h.Half == half {
			return h
		}
	}
	return HalfReport{}
}
