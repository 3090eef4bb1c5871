package assessment

import (
	"slices"
	"strconv"

	"github.com/casp-cnam/casp/referentiel"
)

// Rule decides acquisition from evidence. It lives in this file, with the
// combination of evidence it relies on (joint), so that every page that
// shows a capacity's state applies, and states, the same rule.
type Rule interface {
	Acquired(capCriteria []string, pass int, evidence []Evidence) bool
	Text(passLabel string) string
}

// LatestValidatedRule: a capacity is acquired when the latest released
// result of at least one piece or live evaluation linked to it is
// « Validé » and rates every criterion of the capacity it was asked to
// grade at the pass level or above. A result « À retravailler » or « Non
// validé » never makes it acquired, whatever its levels; an absence leaves
// no result, so it is not a fail. A written piece and its oral, where the
// modality associates them, count only together (see joint).
type LatestValidatedRule struct{}

// Acquired applies the rule.
func (LatestValidatedRule) Acquired(capCriteria []string, pass int, evidence []Evidence) bool {
	for _, e := range evidence {
		if e.Awaiting != "" || e.Decision != Validated {
			continue
		}
		graded, ok := 0, true
		for _, c := range capCriteria {
			l, asked := e.Levels[c]
			if !asked {
				continue
			}
			graded++
			if l < pass {
				ok = false
			}
		}
		if graded > 0 && ok {
			return true
		}
	}
	return false
}

// Text states the rule for the UI.
func (LatestValidatedRule) Text(passLabel string) string {
	return "Une capacité est acquise quand le dernier résultat publié d'une pièce ou épreuve reliée est « Validé » et met chacun de ses critères au niveau « " +
		passLabel + " » ou au-dessus ; « À retravailler » ou « Non validé » ne suffit pas, une absence n'est pas un échec. " +
		"Un écrit et son oral associés par la modalité (rapport et soutenance) forment une seule épreuve, comme la partie collective et la partie individuelle d'un membre : " +
		"chaque critère y retient le plus bas des deux niveaux, et les deux doivent être validées."
}

// CurrentRule is the rule in force.
var CurrentRule Rule = LatestValidatedRule{}

func capacityState(cp CapacityProgress, pass int) CapacityState {
	if CurrentRule.Acquired(cp.Criteria, pass, cp.Evidence) {
		return CapAcquired
	}
	pending, draft := false, false
	for _, p := range cp.Pieces {
		switch p.Status {
		case Deposited, InGrading, Moderation:
			pending = true
		case Draft, Rework:
			draft = true
		}
	}
	complete := false
	for _, e := range cp.Evidence {
		if e.Awaiting == "" {
			complete = true
		} else {
			pending = true // the other half of the evaluation is to come
		}
	}
	switch {
	case pending:
		return CapPending
	case complete:
		return CapRework
	case draft:
		return CapDraft
	}
	return CapMissing
}

// jointKey identifies where a capacity's evidence must be combined: the
// written kind and the live kind that form one evaluation on it.
type jointKey struct{ written, live string }

// jointFor says, for a piece of the given kind linked to a capacity of
// task, which kind must complete it on that capacity: the live kind for a
// written piece, the written kind for a live one ("" when it stands
// alone). The capacity must be one of the modalities both kinds evidence.
func jointFor(fw *referentiel.Framework, kindID, capacityID string) (jointKey, bool) {
	for other, methods := range fw.JointMethods(kindID) {
		for _, m := range methods {
			t, ok := fw.Task(referentiel.TaskOf(m))
			if !ok {
				continue
			}
			for _, c := range t.CriteriaOf(m) {
				for _, cp := range t.CapacitiesOf(c) {
					if cp.ID != capacityID {
						continue
					}
					if _, live := fw.LiveKind(kindID); live {
						return jointKey{written: other, live: kindID}, true
					}
					return jointKey{written: kindID, live: other}, true
				}
			}
		}
	}
	return jointKey{}, false
}

// joint combines a capacity's evidence where a written piece and its oral
// form one evaluation: the live result is paired with the written piece
// its slot names (or, failing that, the learner's latest result of the
// written kind); the pair becomes one evidence whose level on each
// criterion is the lower of the two and whose decision is « Validé » only
// when both are. Either half alone is kept, marked as awaiting the other.
func joint(fw *referentiel.Framework, capacityID string, evidence []Evidence) []Evidence {
	evidence = collective(evidence)
	type half struct {
		key jointKey
		i   int
	}
	var written, live []half
	out := make([]Evidence, 0, len(evidence))
	for i, e := range evidence {
		k, ok := jointFor(fw, e.KindID, capacityID)
		switch {
		case !ok:
			out = append(out, e)
		case k.live == e.KindID:
			live = append(live, half{k, i})
		default:
			written = append(written, half{k, i})
		}
	}
	used := map[int]bool{}
	for _, l := range live {
		le := evidence[l.i]
		match := -1
		for _, w := range written {
			we := evidence[w.i]
			if w.key != l.key {
				continue
			}
			if we.PieceID == le.WrittenPieceID {
				match = w.i
				break
			}
			if le.WrittenPieceID == 0 && (match < 0 || we.Released.After(evidence[match].Released)) {
				match = w.i
			}
		}
		if match < 0 {
			le.Awaiting = "l'écrit"
			out = append(out, le)
			continue
		}
		used[match] = true
		out = append(out, combine(evidence[match], le))
	}
	for _, w := range written {
		if !used[w.i] {
			we := evidence[w.i]
			if k, ok := fw.LiveKind(w.key.live); ok {
				we.Awaiting = "l'épreuve orale : " + k.Label
			}
			out = append(out, we)
		}
	}
	return out
}

// collective combines, for a member, the group's collective part and the
// member's individual part of it: one evidence, made as combine makes a
// written piece and its oral (the lower level per criterion, « Validé »
// only when both are). Either alone awaits the other.
func collective(evidence []Evidence) []Evidence {
	groupPart := map[int64]int{}
	parts := false
	for i, e := range evidence {
		if e.GroupID != 0 {
			groupPart[e.PieceID] = i
		}
		parts = parts || e.PartOf != 0
	}
	if len(groupPart) == 0 && !parts {
		return evidence
	}
	used := map[int]bool{}
	out := make([]Evidence, 0, len(evidence))
	for _, e := range evidence {
		switch {
		case e.GroupID != 0:
			continue
		case e.PartOf != 0:
			if i, ok := groupPart[e.PartOf]; ok {
				used[i] = true
				c := combine(evidence[i], e)
				c.Collective = true
				out = append(out, c)
				continue
			}
			e.Awaiting = "la partie collective du groupe"
		}
		out = append(out, e)
	}
	for i, e := range evidence {
		if e.GroupID != 0 && !used[i] {
			e.Awaiting = "la partie individuelle du membre"
			out = append(out, e)
		}
	}
	return out
}

// combine makes one evidence of a written piece and its oral.
func combine(w, l Evidence) Evidence {
	e := l
	e.Levels = map[string]int{}
	for c, lv := range l.Levels {
		e.Levels[c] = lv
	}
	for c, lv := range w.Levels {
		if cur, ok := e.Levels[c]; !ok || lv < cur {
			e.Levels[c] = lv
		}
	}
	if w.Decision != Validated {
		e.Decision = w.Decision
	}
	if w.Released.After(e.Released) {
		e.Released = w.Released
	}
	e.From = slices.Concat(w.From, l.From)
	e.Parts = []Evidence{w, l}
	return e
}

// Note says, in French, how the rule reads this evidence when it is not a
// plain result: half of a written piece and its oral, or both together.
func (e Evidence) Note() string {
	switch {
	case e.Awaiting == "la partie individuelle du membre":
		return "Partie collective du groupe, en attente de la partie individuelle du membre : un travail collectif compte quand les deux parties sont évaluées."
	case e.Awaiting == "la partie collective du groupe":
		return "Partie individuelle, en attente de la partie collective du groupe (évaluée, et le membre toujours dans le groupe) : un travail collectif compte quand les deux parties sont évaluées."
	case e.Awaiting != "":
		return "En attente de " + e.Awaiting + " : l'écrit et l'oral forment une seule épreuve, cette moitié ne compte pas seule."
	case len(e.Parts) == 2 && e.Collective:
		return "Avec la partie collective « " + e.Parts[0].Title + " » (" + e.Parts[0].Decision.Label() +
			") : partie collective et partie individuelle forment un seul résultat, chaque critère au plus bas des deux niveaux."
	case len(e.Parts) == 2:
		return "Avec l'écrit « " + e.Parts[0].Title + " » (version " + strconv.Itoa(e.Parts[0].Version) + ", " + e.Parts[0].Decision.Label() +
			") : une seule épreuve, chaque critère au plus bas des deux niveaux."
	}
	return ""
}

// Assessors names who the result comes from, with their part in it (for a
// jury: each member's grid and the agreed result).
func (e Evidence) Assessors() []string {
	if len(e.Parts) == 2 {
		return append(e.Parts[0].Assessors(), e.Parts[1].Assessors()...)
	}
	var out []string
	for _, g := range e.From {
		role := g.Role.Label()
		if e.Live {
			switch g.Role {
			case First:
				role = "jury, grille 1"
			case Second:
				role = "jury, grille 2"
			case Third:
				role = "résultat arrêté par le jury"
			case Single:
				role = "jury"
			}
		}
		out = append(out, g.AssessorName+" ("+role+")")
	}
	return out
}
