package reception

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Figures are a half-day's (or the week's) walk-ins and what became of
// them.
type Figures struct {
	Arrivals   int `json:"arrivees"`
	Served     int `json:"recues"`
	ClosedDoor int `json:"porte_close"`    // came while closed
	GaveUp     int `json:"lasses"`         // left after waiting Patience
	AtClosing  int `json:"a_la_fermeture"` // still waiting at closing time
	Urgencies  int `json:"urgences"`
	// UrgentInTime were seen within UrgentWait; UrgentLate later; the
	// others were turned away (missed).
	UrgentInTime int `json:"urgences_a_temps"`
	UrgentLate   int `json:"urgences_tardives"`
	UrgentMissed int `json:"urgences_manquees"`
	WaitTotal    int `json:"attente_totale"` // minutes waited by those served
	WaitMax      int `json:"attente_max"`
	BusyMinutes  int `json:"minutes_occupees"` // agents' minutes with someone
	DeskMinutes  int `json:"minutes_guichet"`  // agents' minutes at the desk
}

// TurnedAway counts those who left without being received.
func (f Figures) TurnedAway() int { return f.ClosedDoor + f.GaveUp + f.AtClosing }

// MeanWait is the mean wait of those received, in minutes.
func (f Figures) MeanWait() float64 {
	if f.Served == 0 {
		return 0
	}
	return float64(f.WaitTotal) / float64(f.Served)
}

// Occupancy is the share of the desk's minutes spent with someone (%).
func (f Figures) Occupancy() int {
	if f.DeskMinutes == 0 {
		return 0
	}
	return int(math.Round(100 * float64(f.BusyMinutes) / float64(f.DeskMinutes)))
}

func (f *Figures) add(g Figures) {
	f.Arrivals += g.Arrivals
	f.Served += g.Served
	f.ClosedDoor += g.ClosedDoor
	f.GaveUp += g.GaveUp
	f.AtClosing += g.AtClosing
	f.Urgencies += g.Urgencies
	f.UrgentInTime += g.UrgentInTime
	f.UrgentLate += g.UrgentLate
	f.UrgentMissed += g.UrgentMissed
	f.WaitTotal += g.WaitTotal
	f.WaitMax = max(f.WaitMax, g.WaitMax)
	f.BusyMinutes += g.BusyMinutes
	f.DeskMinutes += g.DeskMinutes
}

// HalfReport is one half-day of the simulated week.
type HalfReport struct {
	Day     string `json:"jour"`
	Half    string `json:"demi_journee"`
	Open    bool   `json:"ouverte"`
	Figures `json:"chiffres"`
}

// Report is a simulated week.
type Report struct {
	Halves []HalfReport `json:"demi_journees"`
	Total  Figures      `json:"semaine"`
	// Appointments: requests of the week, slots offered, requests left
	// without a slot at the week's end.
	Requests int `json:"demandes_rdv"`
	Slots    int `json:"creneaux_rdv"`
	Unmet    int `json:"rdv_sans_creneau"`
	// AgentMinutes planned (desk and appointments) against the team's
	// minutes for the public (AvailableMinutes).
	AgentMinutes     int `json:"minutes_agents"`
	AvailableMinutes int `json:"minutes_disponibles"`
	LoadPercent      int `json:"charge_pourcent"`
	PublicMinutes    int `json:"minutes_ouverture"`
	LatestClose      int `json:"fermeture_la_plus_tardive"` // minutes since midnight, 0 if never open
}

// Arrivals returns the week's walk-ins: the fixed list when the exercise
// has one, else a draw from the week's seed. The draw never depends on a
// plan: every plan meets the same people.
func (e *Exercise) Arrivals() []Arrival {
	var out []Arrival
	if len(e.Fixed) > 0 {
		for _, a := range e.Fixed {
			a.minute, _ = minuteOf(a.Time)
			for _, h := range Halves {
				if from, to, err := window(e.Week.Windows[h]); err == nil && a.minute >= from && a.minute < to {
					a.half = h
				}
			}
			out = append(out, a)
		}
	} else {
		rng := rand.New(rand.NewPCG(e.Week.Seed, e.Week.Seed^0x9e3779b97f4a7c15))
		for _, d := range Days {
			for _, h := range Halves {
				from, to, _ := window(e.Week.Windows[h])
				n := poisson(rng, e.Week.Affluence[d][h])
				for range n {
					var m int
					if to-from <= 60 || rng.Float64() < e.Week.PeakShare {
						m = from + rng.IntN(min(60, to-from))
					} else {
						m = from + 60 + rng.IntN(to-from-60)
					}
					urgent := rng.Float64() < e.Week.UrgentShare
					span := e.Week.Service
					if urgent {
						span = e.Week.UrgentService
					}
					mins := span[0] + rng.IntN(span[1]-span[0]+1)
					out = append(out, Arrival{Day: d, Time: hhmm(m), Urgent: urgent, Minutes: mins, minute: m, half: h})
				}
			}
		}
	}
	day := map[string]int{}
	for i, d := range Days {
		day[d] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return day[out[i].Day] < day[out[j].Day]
		}
		return out[i].minute < out[j].minute
	})
	return out
}

// poisson draws from a Poisson law of mean m (Knuth; m stays small here).
func poisson(rng *rand.Rand, m float64) int {
	if m <= 0 {
		return 0
	}
	limit, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

func hhmm(m int) string {
	return string([]byte{byte('0' + m/600), byte('0' + m/60%10), ':', byte('0' + m%60/10), byte('0' + m%10)})
}

// Simulate runs the week of arrivals under the plan (a plan that passed
// ValidatePlan). Each half-day: people who come before opening wait at the
// door; the desk's agents receive the queue in order of arrival — urgent
// situations first with a triage at arrival; someone waiting longer than
// Patience leaves; those still waiting at closing are sent away; a
// reception begun goes on past closing.
func (e *Exercise) Simulate(p Plan, arrivals []Arrival) Report {
	var r Report
	pending := 0
	for _, d := range Days {
		pending += e.Week.Requests[d]
		r.Requests += e.Week.Requests[d]
		slots := 0
		for _, h := range Halves {
			hp := p.Days[d][h]
			from, to, _ := window(e.Week.Windows[h])
			var here []Arrival
			for _, a := range arrivals {
				if a.Day == d && a.half == h {
					here = append(here, a)
				}
			}
			hr := HalfReport{Day: d, Half: h, Open: hp.Opened() && hp.Desk > 0}
			rdvMinutes := to - from
			if hr.Open {
				o, _ := minuteOf(hp.Open)
				c, _ := minuteOf(hp.Close)
				rdvMinutes = c - o
				hr.Figures = e.half(hp, o, c, p.Triage, here)
				r.PublicMinutes += c - o
				r.LatestClose = max(r.LatestClose, c)
				r.AgentMinutes += hp.Desk * (c - o)
			} else {
				hr.Arrivals = len(here)
				for _, a := range here {
					hr.ClosedDoor++
					if a.Urgent {
						hr.Urgencies++
						hr.UrgentMissed++
					}
				}
			}
			if hp.Appointments > 0 {
				slots += hp.Appointments * (rdvMinutes / e.Week.AppointmentMinutes)
				r.AgentMinutes += hp.Appointments * rdvMinutes
			}
			r.Total.add(hr.Figures)
			r.Halves = append(r.Halves, hr)
		}
		r.Slots += slots
		pending -= min(pending, slots)
	}
	r.Unmet = pending
	r.AvailableMinutes = int(math.Round(float64(e.Staff.Agents) * e.Staff.WeeklyHours * 60 * (1 - e.Staff.OffDesk)))
	if r.AvailableMinutes > 0 {
		r.LoadPercent = int(math.Round(100 * float64(r.AgentMinutes) / float64(r.AvailableMinutes)))
	}
	return r
}

// half simulates one open half-day, minute by minute.
func (e *Exercise) half(hp Half, open, close int, triage bool, here []Arrival) Figures {
	f := Figures{Arrivals: len(here), DeskMinutes: hp.Desk * (close - open)}
	free := make([]int, hp.Desk) // minute each agent is free again
	for i := range free {
		free[i] = open
	}
	var queue []Arrival
	next := 0
	start := open
	if len(here) > 0 {
		start = min(start, here[0].minute)
	}
	leave := func(a Arrival) {
		if a.Urgent {
			f.UrgentMissed++
		}
	}
	for t := start; t < close; t++ {
		for next < len(here) && here[next].minute <= t {
			a := here[next]
			next++
			if a.Urgent {
				f.Urgencies++
			}
			queue = append(queue, a)
		}
		kept := queue[:0]
		for _, a := range queue {
			if t-a.minute > e.Week.Patience {
				f.GaveUp++
				leave(a)
				continue
			}
			kept = append(kept, a)
		}
		queue = kept
		if t < open {
			continue
		}
		for i := range free {
			if free[i] > t || len(queue) == 0 {
				continue
			}
			k := 0
			if triage {
				for j, a := range queue {
					if a.Urgent {
						k = j
						break
					}
				}
			}
			a := queue[k]
			queue = append(queue[:k], queue[k+1:]...)
			wait := t - a.minute
			f.Served++
			f.WaitTotal += wait
			f.WaitMax = max(f.WaitMax, wait)
			if a.Urgent {
				if wait <= e.Week.UrgentWait {
					f.UrgentInTime++
				} else {
					f.UrgentLate++
				}
			}
			free[i] = t + a.Minutes
			f.BusyMinutes += min(a.Minutes, close-t)
		}
	}
	// Still waiting at closing, or come after it.
	for _, a := range queue {
		f.AtClosing++
		leave(a)
	}
	for ; next < len(here); next++ {
		a := here[next]
		f.ClosedDoor++
		if a.Urgent {
			f.Urgencies++
			f.UrgentMissed++
		}
	}
	return f
}
