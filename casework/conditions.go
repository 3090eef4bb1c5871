package casework

import (
	"fmt"
	"strconv"
	"strings"
)

// A condition says what the trainee did or not, read by events, gated
// answers and pitfalls. It is a list of clauses joined by « et », each
// negated by the prefix « sans- »:
//
//	toujours                        always
//	orientation:CIBLE[@J]           a referral to CIBLE sent by day J (by
//	                                the event's day when J is absent);
//	                                CIBLE is a typology (SIAO), a structure
//	                                (ccas-valmont) or a service
//	                                (ccas-valmont/bon-alimentaire)
//	rdv[:presentiel|telephone]      an appointment booked (of that mode)
//	objectif[:THEME]                a goal of the plan (on that theme)
//	fait:ID                         a fact revealed
//	question:ID                     a question answered openly
//	geste:GESTE                     a professional move made
//	contrat                         a contract signed
//	urgence-non-traitee[:DOMAINE]   the urgency (of that domain) not rated
//	                                at least as high as the key by then
//	orientations-jour>=N            N referrals or more sent on one day
//	style:STYLE>=N                  N questions or more of that style
//	                                (fermee, orientee, jugeante, multiple)
type clause struct {
	neg    bool
	kind   string // toujours, orientation, rdv, objectif, fait, question, geste, contrat, urgence, orientations-jour, style
	arg    string
	by     int // orientation: day bound, -1 when none
	n      int // thresholds
	source string
}

var clauseKinds = []string{"toujours", "orientation", "rdv", "objectif", "fait", "question", "geste", "contrat", "urgence-non-traitee",
	"orientations-jour", "style"}

// parseCondition reads a condition and checks what it names against the
// scenario and the library. Errors are French and name the clause.
func (l *Library) parseCondition(sc *Scenario, text string) ([]clause, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, fmt.Errorf("condition vide")
	}
	var out []clause
	for _, raw := range strings.Split(text, " et ") {
		raw = strings.TrimSpace(raw)
		c := clause{by: -1, source: raw}
		body := raw
		if b, ok := strings.CutPrefix(body, "sans-"); ok {
			c.neg, body = true, b
		}
		head, arg, hasArg := strings.Cut(body, ":")
		if strings.HasPrefix(head, "orientations-jour>=") {
			arg, head, hasArg = strings.TrimPrefix(head, "orientations-jour>="), "orientations-jour", true
		}
		c.kind, c.arg = head, arg
		switch head {
		case "toujours", "contrat":
			if hasArg || (c.neg && head == "toujours") {
				return nil, fmt.Errorf("clause %q invalide", raw)
			}
		case "orientation":
			target, day, hasDay := strings.Cut(arg, "@")
			if hasDay {
				d, err := strconv.Atoi(day)
				if err != nil || d < 0 {
					return nil, fmt.Errorf("clause %q : jour %q invalide (un nombre après @)", raw, day)
				}
				c.by = d
			}
			c.arg = target
			if !l.knownTarget(target) {
				return nil, fmt.Errorf("clause %q : cible %q inconnue (typologie, structure ou structure/service de l'annuaire)", raw, target)
			}
		case "rdv":
			if hasArg && arg != "presentiel" && arg != "telephone" {
				return nil, fmt.Errorf("clause %q : mode %q inconnu (presentiel ou telephone)", raw, arg)
			}
		case "objectif":
			if hasArg && !themeKnown(arg) {
				return nil, fmt.Errorf("clause %q : thématique %q inconnue", raw, arg)
			}
		case "fait":
			if factIndex(sc, arg) < 0 {
				return nil, fmt.Errorf("clause %q : fait %q inconnu", raw, arg)
			}
		case "question":
			if sc.question(arg) == nil {
				return nil, fmt.Errorf("clause %q : question %q inconnue", raw, arg)
			}
		case "geste":
			if !in(Moves, arg) {
				return nil, fmt.Errorf("clause %q : geste %q inconnu (connus : %s)", raw, arg, strings.Join(Moves, ", "))
			}
		case "urgence-non-traitee":
			if c.neg {
				return nil, fmt.Errorf("clause %q invalide", raw)
			}
			if hasArg && !in(Domains, arg) {
				return nil, fmt.Errorf("clause %q : domaine %q inconnu", raw, arg)
			}
		case "orientations-jour":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("clause %q : nombre attendu après >=", raw)
			}
			c.n = n
		case "style":
			st, n, ok := strings.Cut(arg, ">=")
			k, err := strconv.Atoi(n)
			if !ok || err != nil || k < 1 || !in(Styles, st) {
				return nil, fmt.Errorf("clause %q : écrire style:STYLE>=N (styles : %s)", raw, strings.Join(Styles, ", "))
			}
			c.arg, c.n = st, k
		default:
			return nil, fmt.Errorf("clause %q inconnue (connues : %s, chacune précédée ou non de « sans- »)", raw, strings.Join(clauseKinds, ", "))
		}
		out = append(out, c)
	}
	return out, nil
}

func (l *Library) knownTarget(t string) bool {
	if in(Typologies, t) {
		return true
	}
	st, sv, hasService := strings.Cut(t, "/")
	s, ok := l.structures[st]
	if !ok {
		return false
	}
	if !hasService {
		return true
	}
	for _, x := range s.Services {
		if x.ID == sv {
			return true
		}
	}
	return false
}

func factIndex(sc *Scenario, id string) int {
	for i, f := range sc.Facts {
		if f.ID == id {
			return i
		}
	}
	return -1
}

func (sc *Scenario) question(id string) *Question {
	for i := range sc.Topics {
		for j := range sc.Topics[i].Questions {
			if sc.Topics[i].Questions[j].ID == id {
				return &sc.Topics[i].Questions[j]
			}
		}
	}
	return nil
}

// Facts the condition names, so the loader can tell which event depends on
// what.
func hasClause(cs []clause, kind string, neg bool) bool {
	for _, c := range cs {
		if c.kind == kind && c.neg == neg {
			return true
		}
	}
	return false
}

// Snapshot is what conditions read: everything the trainee did in a case.
type Snapshot struct {
	Referrals []Referral
	Appts     []Appointment
	Goals     []Goal
	Revealed  map[string]bool
	Asked     map[string]bool
	Moves     map[string]int
	Styles    map[string]int
	Signed    int // contract signature day, -1 when none
	Urgencies map[string]RatedUrgency
}

// RatedUrgency is the trainee's rating of a domain ("" is the whole
// situation) and the day it was given.
type RatedUrgency struct {
	Level string
	Why   string
	Day   int
}

// holds evaluates a condition on day; scenario gives the key's urgencies.
func (snap Snapshot) holds(sc *Scenario, cs []clause, day int) bool {
	for _, c := range cs {
		if snap.clauseHolds(sc, c, day) == c.neg {
			return false
		}
	}
	return true
}

func (snap Snapshot) clauseHolds(sc *Scenario, c clause, day int) bool {
	switch c.kind {
	case "toujours":
		return true
	case "contrat":
		return snap.Signed >= 0 && snap.Signed <= day
	case "orientation":
		by := day
		if c.by >= 0 {
			by = c.by
		}
		for _, r := range snap.Referrals {
			if r.SentDay <= by && r.matches(c.arg) {
				return true
			}
		}
		return false
	case "rdv":
		for _, a := range snap.Appts {
			if a.Status != "annule" && (c.arg == "" || a.Mode == c.arg) {
				return true
			}
		}
		return false
	case "objectif":
		for _, g := range snap.Goals {
			if g.CreatedDay <= day && (c.arg == "" || themeRoot(g.Theme) == themeRoot(c.arg)) {
				return true
			}
		}
		return false
	case "fait":
		return snap.Revealed[c.arg]
	case "question":
		return snap.Asked[c.arg]
	case "geste":
		return snap.Moves[c.arg] > 0
	case "urgence-non-traitee":
		for _, u := range sc.Key.Urgencies {
			if c.arg != "" && u.Domain != c.arg {
				continue
			}
			if !snap.urgencyTreated(u, day) {
				return true
			}
		}
		return false
	case "orientations-jour":
		perDay := map[int]int{}
		for _, r := range snap.Referrals {
			if !r.Internal && r.SentDay <= day {
				perDay[r.SentDay]++
				if perDay[r.SentDay] >= c.n {
					return true
				}
			}
		}
		return false
	case "style":
		return snap.Styles[c.arg] >= c.n
	}
	return false
}

// urgencyTreated: the domain (or, failing that, the whole situation) was
// rated by day at the key's level, a tolerated level, or higher.
func (snap Snapshot) urgencyTreated(u DomainUrgency, day int) bool {
	r, ok := snap.Urgencies[u.Domain]
	if !ok || r.Day > day {
		r, ok = snap.Urgencies[""]
	}
	if !ok || r.Day > day || r.Level == "" {
		return false
	}
	return urgencyRank(r.Level) >= urgencyRank(u.Level) || in(u.Tolerated, r.Level)
}

// urgencyRank orders levels, the most urgent highest.
func urgencyRank(level string) int {
	switch level {
	case "immediate":
		return 4
	case "urgente":
		return 3
	case "prioritaire":
		return 2
	case "non-urgente":
		return 1
	}
	return 0
}

func themeRoot(t string) string { r, _, _ := strings.Cut(t, "--"); return r }

// matches tells whether the referral went to target: a typology, a
// structure or structure/service.
func (r Referral) matches(target string) bool {
	if st, sv, ok := strings.Cut(target, "/"); ok {
		return r.StructureID == st && r.ServiceID == sv
	}
	if r.StructureID == target {
		return true
	}
	return r.Structure != nil && r.Structure.Typology == target
}
