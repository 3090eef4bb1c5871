package casework

import (
	"fmt"
	"strconv"
	"strings"
)

// The sandbox's clock: day 0 is a weekday (the scenario's jour_semaine,
// lundi by default) and the person arrives at heure_arrivee (9 h 30 by
// default). Every exchange of the interview takes minutes; a new day starts
// at 9 h. Structures answer the phone and open their desk on their
// « ouverture » slots.

// Weekdays in French, Monday first.
var Weekdays = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

var dayAbbrev = map[string]int{"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}

// DayStart is when a simulated day starts after time advances.
const DayStart = 9 * 60

// slot is one opening slot: days (bit i = weekday i) and minutes.
type slot struct {
	days       uint8
	start, end int
}

// parseSlot reads « lun-ven 09:00-12:00 ».
func parseSlot(s string) (slot, error) {
	days, hours, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return slot{}, fmt.Errorf("créneau %q : écrire « jours HH:MM-HH:MM », par exemple « lun-ven 09:00-12:00 »", s)
	}
	var sl slot
	for _, part := range strings.Split(days, ",") {
		a, b, isRange := strings.Cut(part, "-")
		i, ok1 := dayAbbrev[a]
		j, ok2 := i, true
		if isRange {
			j, ok2 = dayAbbrev[b]
		}
		if !ok1 || !ok2 || j < i {
			return slot{}, fmt.Errorf("créneau %q : jours %q inconnus (lun mar mer jeu ven sam dim, « lun-ven » ou « lun,mer »)", s, part)
		}
		for d := i; d <= j; d++ {
			sl.days |= 1 << d
		}
	}
	from, to, ok := strings.Cut(strings.TrimSpace(hours), "-")
	var err1, err2 error
	sl.start, err1 = parseHHMM(from)
	sl.end, err2 = parseHHMM(to)
	if !ok || err1 != nil || err2 != nil || sl.end <= sl.start {
		return slot{}, fmt.Errorf("créneau %q : heures %q invalides (HH:MM-HH:MM)", s, hours)
	}
	return sl, nil
}

func parseHHMM(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("heure %q invalide", s)
	}
	return hh*60 + mm, nil
}

// ClockLabel writes minutes since midnight the French way: « 16 h 40 ».
func ClockLabel(min int) string {
	min = ((min % (24 * 60)) + 24*60) % (24 * 60)
	if min%60 == 0 {
		return fmt.Sprintf("%d h", min/60)
	}
	return fmt.Sprintf("%d h %02d", min/60, min%60)
}

// Hours is a structure's parsed opening.
type Hours struct {
	desk, phone []slot
}

func parseSlots(list []string) ([]slot, error) {
	var out []slot
	for _, s := range list {
		sl, err := parseSlot(s)
		if err != nil {
			return nil, err
		}
		out = append(out, sl)
	}
	return out, nil
}

// Known tells whether the structure gave its opening slots.
func (h Hours) Known() bool { return len(h.desk) > 0 || len(h.phone) > 0 }

// open tells whether one of the slots covers minute on weekday wd; an
// empty list is unknown, hence open.
func open(slots []slot, wd, minute int) bool {
	if len(slots) == 0 {
		return true
	}
	for _, s := range slots {
		if s.days&(1<<wd) != 0 && minute >= s.start && minute < s.end {
			return true
		}
	}
	return false
}

// closesAt is the end of the slot covering minute on wd (-1 when closed).
func closesAt(slots []slot, wd, minute int) int {
	for _, s := range slots {
		if s.days&(1<<wd) != 0 && minute >= s.start && minute < s.end {
			return s.end
		}
	}
	return -1
}

// openOnDay tells whether any slot opens on weekday wd.
func openOnDay(slots []slot, wd int) bool {
	if len(slots) == 0 {
		return true
	}
	for _, s := range slots {
		if s.days&(1<<wd) != 0 {
			return true
		}
	}
	return false
}

// DeskOpen and PhoneOpen read the structure's slots.
func (h Hours) DeskOpen(wd, minute int) bool  { return open(h.desk, wd, minute) }
func (h Hours) PhoneOpen(wd, minute int) bool { return open(h.phone, wd, minute) }

// Describe says the slots in French: « lun-ven 09:00-12:00 ».
func describe(list []string) string {
	if len(list) == 0 {
		return "horaires non renseignés"
	}
	return strings.Join(list, " ; ")
}

// HoursOf returns a structure's parsed opening (checked at load).
func (l *Library) HoursOf(id string) Hours {
	if h, ok := l.hours[id]; ok {
		return h
	}
	return Hours{}
}

// Weekday returns the weekday index (0 = lundi) of a simulated day.
func (sc *Scenario) WeekdayOf(day int) int {
	start := 0
	for i, w := range Weekdays {
		if w == sc.Weekday {
			start = i
		}
	}
	return (start + day) % 7
}

// ArrivalMinute is the minute the person arrives on day 0.
func (sc *Scenario) ArrivalMinute() int {
	if m, err := parseHHMM(sc.ArrivalTime); err == nil && sc.ArrivalTime != "" {
		return m
	}
	return 9*60 + 30
}

// Clock describes the case's time for the case page: the day, the weekday,
// the time, and the host structure's closing.
type Clock struct {
	Day     int
	Weekday string
	Minute  int
	Label   string
	// HostOpen tells whether the host structure still receives (desk, or
	// phone for a phone arrival); ClosesIn is minutes to closing (-1 when
	// unknown), Closing its label.
	HostOpen bool
	ClosesIn int
	Closing  string
}

// ClockOf computes the case's clock.
func (s *Store) ClockOf(c Case) Clock {
	sc := c.Scenario
	wd := sc.WeekdayOf(c.Day)
	k := Clock{Day: c.Day, Weekday: Weekdays[wd], Minute: c.Clock, Label: ClockLabel(c.Clock), HostOpen: true, ClosesIn: -1}
	h := s.lib.HoursOf(sc.Structure)
	slots := h.desk
	if sc.Arrival == "telephonique" && c.Day == 0 {
		slots = h.phone
	}
	if len(slots) == 0 {
		return k
	}
	end := closesAt(slots, wd, c.Clock)
	if end < 0 {
		k.HostOpen = false
		return k
	}
	k.ClosesIn, k.Closing = end-c.Clock, ClockLabel(end)
	return k
}

var dayNames = map[string]string{"lun": "lundi", "mar": "mardi", "mer": "mercredi", "jeu": "jeudi", "ven": "vendredi", "sam": "samedi", "dim": "dimanche"}

// SlotLabel writes an opening slot in French: « du lundi au vendredi,
// 9 h – 12 h ».
func SlotLabel(raw string) string {
	days, hours, ok := strings.Cut(strings.TrimSpace(raw), " ")
	from, to, ok2 := strings.Cut(hours, "-")
	a, e1 := parseHHMM(from)
	b, e2 := parseHHMM(to)
	if !ok || !ok2 || e1 != nil || e2 != nil {
		return raw
	}
	var parts []string
	for _, p := range strings.Split(days, ",") {
		x, y, isRange := strings.Cut(p, "-")
		if isRange {
			parts = append(parts, "du "+dayNames[x]+" au "+dayNames[y])
		} else {
			parts = append(parts, "le "+dayNames[x])
		}
	}
	if a == 0 && b == 24*60 {
		return strings.Join(parts, ", ") + ", jour et nuit"
	}
	return strings.Join(parts, ", ") + ", " + ClockLabel(a) + " – " + ClockLabel(b)
}
