package demo

// How a synthetic learner progresses: the pieces they write, at what
// stage, and how their assessors grade them.

import (
	mrand "math/rand"
	"sort"
	"time"

	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/referentiel"
)

// learnerPlan is one synthetic learner's profile.
type learnerPlan struct {
	ability float64 // around which their levels are drawn, 0 to 3
	pace    float64 // -1 far behind … +1 far ahead
	atRisk  bool
	referee int // index of their usual assessor
}

// piecePlan is one piece before it is written.
type piecePlan struct {
	kind    *referentiel.DeliverableKind
	status  assessment.Status
	at      time.Time // latest deposit, or last save of a draft
	quality float64
	v2      bool
	double  bool
	extra   string // capacity linked beyond the kind's, if any
}

// stageRank orders statuses from the oldest pieces (settled) to the newest
// (drafts), so that a learner's earlier pieces are the graded ones.
func stageRank(s assessment.Status) float64 {
	switch s {
	case assessment.Graded, assessment.Rework:
		return 0
	case assessment.Moderation:
		return 1
	case assessment.InGrading:
		return 2
	case assessment.Deposited:
		return 3
	}
	return 4
}

func (g *synth) plan() learnerPlan {
	r := g.rng
	lp := learnerPlan{pace: clamp(r.NormFloat64()*0.45, -1, 1), atRisk: r.Float64() < shareAtRisk, referee: r.Intn(g.o.Assessors)}
	lp.ability = clamp(1.9+r.NormFloat64()*0.55, 0.4, 3)
	if lp.atRisk {
		lp.ability = 0.6 + r.Float64()*0.6
		lp.pace = clamp(lp.pace-0.3, -1, 1)
	}
	return lp
}

func (g *synth) pieces(lp learnerPlan) []piecePlan {
	r, m := g.rng, g.o.PiecesPerLearner
	f := lp.pace
	w := []float64{shareDraft * (1 - 0.7*f), shareDeposited * (1 - 0.3*f), shareInGrading, shareGraded * (1 + 0.25*f), shareRework * (1 - 0.3*f), shareModeration}
	if lp.atRisk {
		w[0] *= 1.2
		w[3] *= 0.5
		w[4] *= 3.5
	}
	statuses := []assessment.Status{assessment.Draft, assessment.Deposited, assessment.InGrading, assessment.Graded, assessment.Rework, assessment.Moderation}
	var total float64
	for _, x := range w {
		total += x
	}
	type drawn struct {
		s   assessment.Status
		key float64
	}
	st := make([]drawn, m)
	for i := range st {
		x, j := r.Float64()*total, 0
		for ; j < len(w)-1 && x >= w[j]; j++ {
			x -= w[j]
		}
		st[i] = drawn{statuses[j], stageRank(statuses[j]) + r.Float64()*2.5}
	}
	sort.SliceStable(st, func(i, j int) bool { return st[i].key < st[j].key })
	// Kinds: a window of the deadline order starting anywhere, so that the
	// cohort covers every kind evenly; earlier deadlines are done earlier.
	off := r.Intn(len(g.kinds))
	type kindKey struct {
		k   *referentiel.DeliverableKind
		key float64
	}
	ks := make([]kindKey, m)
	for i := range ks {
		idx := (off + i) % len(g.kinds)
		ks[i] = kindKey{g.kinds[idx], float64(idx) + r.Float64()*3}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	// Dates: spread over the period, leaving room for the gradings.
	from, to := syntheticStart.AddDate(0, 0, 14), syntheticEnd.AddDate(0, 0, -25)
	days := int(to.Sub(from).Hours() / 24)
	dates := make([]time.Time, m)
	for i := range dates {
		dates[i] = from.AddDate(0, 0, r.Intn(days+1)).Add(8*time.Hour + time.Duration(r.Intn(11*3600))*time.Second)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	out := make([]piecePlan, m)
	for i := range out {
		p := piecePlan{kind: ks[i].k, status: st[i].s, at: dates[i], quality: r.NormFloat64() * 0.35}
		if p.status != assessment.Draft {
			p.double = p.status == assessment.Moderation || r.Float64() < shareDouble
			v2 := shareSecondVersion
			if lp.atRisk {
				v2 = shareSecondVersionAtRisk
			}
			p.v2 = r.Float64() < v2
		}
		if r.Float64() < shareExtraLink {
			p.extra = g.extraCapacity(p.kind)
		}
		out[i] = p
	}
	return out
}

func (g *synth) extraCapacity(k *referentiel.DeliverableKind) string {
	have := map[string]bool{}
	for _, l := range g.base[k.ID] {
		have[l.CapacityID] = true
	}
	for tries := 0; tries < 10 && len(g.caps) > 0; tries++ {
		if c := g.caps[g.rng.Intn(len(g.caps))]; !have[c] {
			return c
		}
	}
	return ""
}

// grading is one grading before it is written; a level of -1 is unset.
type grading struct {
	role     assessment.GradingRole
	state    assessment.MarkingState
	decision assessment.Decision
	assessor int64
	levels   []int
	created  time.Time
	updated  time.Time
}

// markers are the people who may grade a learner's pieces: two distinct
// assessors when there are two, and a third person (another assessor, or
// the cohort's manager) to settle disagreements, 0 when there is none.
func (g *synth) markers(lp learnerPlan) (a, b, c int64) {
	n := len(g.assessors)
	a = g.assessors[lp.referee]
	b = a
	if n > 1 {
		b = g.assessors[(lp.referee+1+g.rng.Intn(n-1))%n]
	}
	switch {
	case n > 2:
		for c = a; c == a || c == b; {
			c = g.assessors[g.rng.Intn(n)]
		}
	default:
		c = g.managerID
	}
	return a, b, c
}

// levels draws a level per criterion around the learner's ability and the
// piece's quality, then makes them agree with the decision.
func (g *synth) levels(n int, skill float64, d assessment.Decision) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = int(clamp(skill+g.rng.NormFloat64()*0.6+0.5, 0, 3.99))
	}
	fitDecision(out, d, g.rng)
	return out
}

func fitDecision(l []int, d assessment.Decision, r *mrand.Rand) {
	if len(l) == 0 {
		return
	}
	switch d {
	case assessment.Validated:
		for i := range l {
			l[i] = max(l[i], 2)
		}
	case assessment.ToRework:
		low := false
		for _, x := range l {
			low = low || (x >= 0 && x < 2)
		}
		if !low {
			l[r.Intn(len(l))] = 1
		}
	case assessment.NotValidated:
		for i := range l {
			if r.Float64() < 0.7 {
				l[i] = min(l[i], 1)
			}
		}
	}
}

// concordant is a second marker's levels: within one level of the first
// on each criterion, same decision.
func (g *synth) concordant(first []int, d assessment.Decision) []int {
	out := make([]int, len(first))
	low := -1
	for i, x := range first {
		out[i] = x
		switch v := g.rng.Float64(); {
		case v < 0.2:
			out[i] = max(x-1, 0)
		case v > 0.8:
			out[i] = min(x+1, 3)
		}
		if x < 2 && low < 0 {
			low = i
		}
	}
	switch {
	case d == assessment.Validated:
		for i := range out {
			out[i] = max(out[i], 2)
		}
	case d == assessment.ToRework && low >= 0:
		out[low] = min(out[low], 1)
	}
	return out
}

// discrepant is a second marker's levels two levels away from the first on
// one criterion, and the decision that goes with them.
func (g *synth) discrepant(first []int, d assessment.Decision) ([]int, assessment.Decision) {
	out := append([]int(nil), first...)
	if len(out) > 0 {
		i := g.rng.Intn(len(out))
		if out[i] >= 2 {
			out[i] -= 2
		} else {
			out[i] += 2
		}
	}
	if g.rng.Float64() < 0.5 {
		if d == assessment.Validated {
			return out, assessment.ToRework
		}
		return out, assessment.Validated
	}
	return out, d
}

// decisionFor draws the released decision for a target status.
func (g *synth) decisionFor(s assessment.Status, skill float64) assessment.Decision {
	if s == assessment.Rework {
		return assessment.ToRework
	}
	if g.rng.Float64() < clamp(0.35-0.1*skill, 0.03, 0.4) {
		return assessment.NotValidated
	}
	return assessment.Validated
}

// gradings builds the gradings of one version so that the assessment
// package derives status s from them: none for déposé; a grading under way
// for en évaluation; released concordant gradings (or a settled
// disagreement) for évalué and à retravailler; two released discrepant
// gradings for moderation. Their dates fall between dep and until.
func (g *synth) gradings(s assessment.Status, double bool, n int, skill float64, a, b, c int64, dep, until time.Time) []grading {
	r := g.rng
	w := until.Sub(dep)
	at := func(lo, hi float64) time.Time {
		return dep.Add(time.Duration((lo + r.Float64()*(hi-lo)) * float64(w))).Truncate(time.Second)
	}
	mk := func(role assessment.GradingRole, state assessment.MarkingState, d assessment.Decision, who int64, levels []int, created time.Time) grading {
		upd := created.Add(time.Duration(r.Float64() * 0.2 * float64(w))).Truncate(time.Second)
		return grading{role: role, state: state, decision: d, assessor: who, levels: levels, created: created, updated: upd}
	}
	partial := func(l []int) []int {
		for i := range l {
			if r.Float64() < 0.4 {
				l[i] = -1
			}
		}
		return l
	}
	switch s {
	case assessment.InGrading:
		d := g.decisionFor(assessment.Graded, skill)
		if !double {
			if r.Float64() < 0.55 {
				return []grading{mk(assessment.Single, assessment.Marking, "", a, partial(g.levels(n, skill, d)), at(0.05, 0.45))}
			}
			return []grading{mk(assessment.Single, assessment.Ready, d, a, g.levels(n, skill, d), at(0.05, 0.45))}
		}
		first := mk(assessment.First, assessment.Marking, "", a, partial(g.levels(n, skill, d)), at(0.05, 0.45))
		if r.Float64() < 0.5 {
			return []grading{first}
		}
		first.state, first.decision, first.levels = assessment.Released, d, g.levels(n, skill, d)
		second := mk(assessment.Second, assessment.Marking, "", b, partial(g.concordant(first.levels, d)), at(0.05, 0.45))
		return []grading{first, second}
	case assessment.Graded, assessment.Rework, assessment.Moderation:
		d := g.decisionFor(s, skill)
		target := g.levels(n, skill, d)
		if !double {
			return []grading{mk(assessment.Single, assessment.Released, d, a, target, at(0.05, 0.45))}
		}
		first := mk(assessment.First, assessment.Released, d, a, target, at(0.05, 0.45))
		settle := s == assessment.Moderation || (c != 0 && r.Float64() < shareSettled)
		if !settle {
			return []grading{first, mk(assessment.Second, assessment.Released, d, b, g.concordant(target, d), at(0.05, 0.45))}
		}
		// The two markers disagree; the third settles, or is settling.
		first.levels = g.levels(n, skill, d)
		l2, d2 := g.discrepant(first.levels, d)
		second := mk(assessment.Second, assessment.Released, d2, b, l2, at(0.05, 0.45))
		out := []grading{first, second}
		if c == 0 {
			return out
		}
		third := mk(assessment.Third, assessment.Released, d, c, target, maxTime(first.updated, second.updated).Add(time.Duration(r.Float64()*0.1*float64(w))).Truncate(time.Second))
		if s == assessment.Moderation {
			if r.Float64() >= 0.4 {
				return out
			}
			third.state, third.decision, third.levels = assessment.Marking, "", partial(third.levels)
		}
		return append(out, third)
	}
	return nil
}
