package reception_test

import (
	"os"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/casp-cnam/casp/casework/reception"
)

func load(t *testing.T, path string) *reception.Exercise {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e reception.Exercise
	if err := yaml.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	if err := e.Check(); err != nil {
		t.Fatal(err)
	}
	return &e
}

const ccas = "../../content/exercices/organisation-accueil/accueil-ccas-valmont.yaml"

// The same seed gives the same week, whatever the plan; another seed
// another week.
func TestWeekIsDeterministicForItsSeed(t *testing.T) {
	t.Parallel()
	e := load(t, ccas)
	a, b := e.Arrivals(), e.Arrivals()
	if len(a) < 50 || !reflect.DeepEqual(a, b) {
		t.Fatalf("deux tirages de la même graine diffèrent (%d, %d arrivées)", len(a), len(b))
	}
	r1, r2 := e.Simulate(e.Key.Plan, a), e.Simulate(e.Key.Plan, b)
	if !reflect.DeepEqual(r1, r2) {
		t.Fatal("deux semaines de la même graine et du même plan diffèrent")
	}
	other := *e
	other.Week.Seed++
	if reflect.DeepEqual(other.Arrivals(), a) {
		t.Fatal("une autre graine donne la même semaine")
	}
	// The Monday-morning peak: more walk-ins than any other half-day.
	count := map[string]int{}
	urgent := 0
	for _, x := range a {
		h := x.Day + "/" + halfOf(e, x)
		count[h]++
		if x.Urgent {
			urgent++
		}
	}
	for k, n := range count {
		if k != "lundi/matin" && n >= count["lundi/matin"] {
			t.Errorf("%s : %d arrivées, autant ou plus que le lundi matin (%d)", k, n, count["lundi/matin"])
		}
	}
	if urgent == 0 {
		t.Error("aucune urgence dans la semaine tirée")
	}
	t.Logf("semaine tirée : %d arrivées dont %d urgences ; plan expert : %+v, charge %d %%, rdv sans créneau %d", len(a), urgent, r1.Total, r1.LoadPercent, r1.Unmet)
}

func halfOf(e *reception.Exercise, a reception.Arrival) string {
	if a.Time < "13:00" {
		return "matin"
	}
	return "apres_midi"
}

// A small week worked by hand: one agent at the desk on Monday from 9 h to
// 10 h, then appointments in the afternoon, closed to walk-ins.
const handWeek = `
id: semaine-a-la-main
type: organisation-accueil
titre: "Semaine à la main"
resume: "Essai."
resume_formateur: "Essai."
structure: ccas-valmont
difficulte: 1
taches: ["6.1"]
consigne: "Essai."
semaine:
  graine: 1
  plages: { matin: "08:30-12:30", apres_midi: "13:30-17:30" }
  affluence:
    lundi: { matin: 0, apres_midi: 0 }
    mardi: { matin: 0, apres_midi: 0 }
    mercredi: { matin: 0, apres_midi: 0 }
    jeudi: { matin: 0, apres_midi: 0 }
    vendredi: { matin: 0, apres_midi: 0 }
  part_premiere_heure: 0.5
  part_urgences: 0
  duree_accueil: [5, 10]
  duree_urgence: [20, 30]
  patience: 40
  attente_max_urgence: 15
  demandes_rdv: { lundi: 7 }
  duree_rdv: 45
equipe: { agents: 2, heures_par_agent: 10, part_hors_accueil: 0.5 }
amenagements:
  - { id: a, libelle: "A", attendu: true, pourquoi: "a", tache: "6.2" }
  - { id: b, libelle: "B", attendu: false, pourquoi: "b", tache: "6.2" }
arrivees_fixes:
  - { jour: lundi, heure: "09:00", duree: 15 }
  - { jour: lundi, heure: "09:00", duree: 15 }
  - { jour: lundi, heure: "09:02", duree: 30, urgence: true }
  - { jour: lundi, heure: "10:10", duree: 5 }
  - { jour: lundi, heure: "13:40", duree: 5, urgence: true }
cle_expert:
  pourquoi: "Essai."
  seuils: { attente_moyenne_max: 10, renvoyes_max: 0, urgences_tardives_max: 0, rdv_sans_creneau_max: 0, charge_max_pourcent: 100 }
  plan:
    tri: true
    jours:
      lundi:
        matin: { ouverture: "09:00", fermeture: "10:00", accueil: 1, rdv: 0 }
        apres_midi: { rdv: 1 }
`

func TestHandWorkedWeek(t *testing.T) {
	t.Parallel()
	var e reception.Exercise
	if err := yaml.Unmarshal([]byte(handWeek), &e); err != nil {
		t.Fatal(err)
	}
	if err := e.Check(); err != nil {
		t.Fatal(err)
	}
	plan := e.Key.Plan
	// With the triage: at 9 h the two people of 9 h wait, the first is
	// received (0 min, until 9 h 15); at 9 h 15 the urgency of 9 h 02
	// goes first (13 min, in time, until 9 h 45); the second of 9 h gives
	// up at 9 h 41 (41 min > 40). 10 h 10 is after closing: door closed;
	// the afternoon is closed to walk-ins: the urgency of 13 h 40 finds the
	// door closed, missed.
	r := e.Simulate(plan, e.Arrivals())
	want := reception.Figures{Arrivals: 5, Served: 2, ClosedDoor: 2, GaveUp: 1, Urgencies: 2, UrgentInTime: 1, UrgentMissed: 1,
		WaitTotal: 13, WaitMax: 13, BusyMinutes: 15 + 30, DeskMinutes: 60}
	if r.Total != want {
		t.Errorf("avec tri :\n obtenu %+v\n attendu %+v", r.Total, want)
	}
	// Appointments: one agent all afternoon (240 min) gives 5 slots of
	// 45 min for 7 requests: 2 left. Agents' minutes: 60 at the desk and
	// 240 in appointments, out of 2 × 10 h × 50 % = 600.
	if r.Requests != 7 || r.Slots != 5 || r.Unmet != 2 || r.AgentMinutes != 300 || r.AvailableMinutes != 600 || r.LoadPercent != 50 || r.PublicMinutes != 60 || r.LatestClose != 600 {
		t.Errorf("rendez-vous et charge : %+v", r)
	}
	// Without it, in order of arrival: the two of 9 h (0 and 15 min), then
	// the urgency at 9 h 30 (28 min: late); no one gives up.
	plan.Triage = false
	r = e.Simulate(plan, e.Arrivals())
	want = reception.Figures{Arrivals: 5, Served: 3, ClosedDoor: 2, Urgencies: 2, UrgentLate: 1, UrgentMissed: 1,
		WaitTotal: 0 + 15 + 28, WaitMax: 28, BusyMinutes: 15 + 15 + 30, DeskMinutes: 60}
	if r.Total != want {
		t.Errorf("sans tri :\n obtenu %+v\n attendu %+v", r.Total, want)
	}
	if r.Total.MeanWait() != 43.0/3 || r.Total.TurnedAway() != 2 || r.Total.Occupancy() != 100 {
		t.Errorf("attente moyenne %.2f, renvoyés %d, occupation %d %%", r.Total.MeanWait(), r.Total.TurnedAway(), r.Total.Occupancy())
	}
	// The debrief names the missing triage and what it cost.
	d := e.Judge(plan, 2, true)
	found := false
	for _, p := range d.Pitfalls {
		found = found || p.Text == "l'accueil sans tri à l'arrivée"
	}
	if !found {
		t.Errorf("débriefing sans tri : pièges %+v", d.Pitfalls)
	}
}

// The expert plan of each authored exercise keeps to its own thresholds.
func TestExpertPlanKeepsItsThresholds(t *testing.T) {
	t.Parallel()
	e := load(t, ccas)
	d := e.Judge(e.Key.Plan, 2, true)
	for _, c := range d.Checks {
		if !c.OK || c.Yours != c.Expert {
			t.Errorf("plan expert, %s : %s (borne %s)", c.Label, c.Yours, c.Bound)
		}
	}
	if len(d.Pitfalls) != 0 {
		t.Errorf("le plan expert tombe dans des pièges : %+v", d.Pitfalls)
	}
	for _, tc := range d.Tasks {
		if !tc.Worked {
			t.Errorf("plan expert : tâche %s non travaillée (%s)", tc.TaskID, tc.Evidence)
		}
	}
	// A naive plan — the same two agents everywhere, no triage, the
	// rendez-vous in the morning — falls into the traps.
	naive := reception.Plan{Days: map[string]map[string]reception.Half{}}
	for _, day := range reception.Days {
		naive.Days[day] = map[string]reception.Half{
			"matin":      {Open: "09:00", Close: "12:00", Desk: 1, Appointments: 2},
			"apres_midi": {Open: "14:00", Close: "16:30", Desk: 1, Appointments: 0},
		}
	}
	d = e.Judge(naive, 1, false)
	names := map[string]bool{}
	for _, p := range d.Pitfalls {
		names[p.Text] = true
	}
	for _, want := range []string{"le pic du lundi matin", "l'accueil sans tri à l'arrivée", "l'accueil aux heures de bureau seulement", "l'espace d'accueil oublié"} {
		if !names[want] {
			t.Errorf("plan naïf : piège « %s » non détecté ; pièges : %v", want, names)
		}
	}
	bad := 0
	for _, c := range d.Checks {
		if !c.OK {
			bad++
		}
	}
	if bad < 2 {
		t.Errorf("plan naïf : %d indicateurs hors borne seulement : %+v", bad, d.Checks)
	}
}
