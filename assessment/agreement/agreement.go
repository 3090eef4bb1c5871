// Package agreement measures how far two assessors agree (double marking):
// shares of exact and adjacent agreement, weighted kappa, and whether one
// doubly-graded piece must go to a third assessor.
package agreement

// Inter-assessor agreement (double marking).
//
// Two assessors grade the same frozen piece version criterion by criterion on
// an ordinal scale of k levels numbered 0..k-1 (for instance 0 « Non acquis »,
// 1 « En cours d'acquisition », 2 « Acquis », 3 « Maîtrisé »). Each criterion
// graded by both gives one Pair; Of summarises a batch of pairs, and
// Discrepant decides whether one doubly-graded piece must go to a third
// assessor.
//
// Weighted kappa, quadratic agreement weights (Cohen 1968; Fleiss & Cohen 1973):
//
//	w_ij   = 1 - (i-j)² / (k-1)²
//	p_ij   = share of pairs with A = i and B = j
//	p_i.   = share of pairs with A = i,   p_.j = share with B = j
//	Po_w   = Σ_ij w_ij p_ij
//	Pe_w   = Σ_ij w_ij p_i. p_.j
//	kappa  = (Po_w - Pe_w) / (1 - Pe_w)
//
// kappa is undefined when 1 - Pe_w = 0, i.e. when both assessors put every
// rating in one and the same category (no disagreement is expected by chance,
// so none can be "beaten"). That test is done exactly, on the observed levels,
// not on the rounded difference 1 - Pe_w.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pair is two assessors' levels (0..k-1) on the same criterion of the
// same piece version.
type Pair struct{ A, B int }

// Measure is the summary of a batch of rating pairs.
type Measure struct {
	Pairs           int     // number of pairs behind the figures
	PercentExact    float64 // share of pairs with A == B, 0..1
	PercentAdjacent float64 // share with |A-B| <= 1, 0..1
	Kappa           float64 // weighted Cohen's kappa, quadratic weights; 0 when !KappaDefined
	KappaDefined    bool    // false when undefined: no pairs, or no expected disagreement (all ratings in one single category)
}

// Of computes the agreement statistics of pairs rated on k ordered levels
// 0..k-1. k must be at least 2, and every level must lie in 0..k-1; otherwise
// an error (message in French) is returned. No pairs is not an error: the
// result has Pairs 0, shares 0 and KappaDefined false.
func Of(pairs []Pair, k int) (Measure, error) {
	for i, p := range pairs {
		if p.A < 0 || p.A >= k || p.B < 0 || p.B >= k {
			if k < 2 {
				break // OfCounts says why
			}
			return Measure{}, fmt.Errorf("accord inter-évaluateurs : paire n° %d (%d, %d) hors de l'échelle 0..%d", i+1, p.A, p.B, k-1)
		}
	}
	counts := map[Pair]int{}
	for _, p := range pairs {
		counts[p]++
	}
	return OfCounts(counts, k)
}

// OfCounts is Of for pairs already counted: counts[p] is how many times the
// pair of levels p occurs (a contingency table, as kept by the marking
// statistics). Counts of zero or less are ignored.
func OfCounts(counts map[Pair]int, k int) (Measure, error) {
	if k < 2 {
		return Measure{}, fmt.Errorf("accord inter-évaluateurs : l'échelle doit compter au moins 2 niveaux (k = %d)", k)
	}
	rows := map[int]int{} // assessor A
	cols := map[int]int{} // assessor B
	n, exact, adjacent := 0, 0, 0
	sumW := 0.0
	keys := make([]Pair, 0, len(counts))
	for p := range counts {
		keys = append(keys, p)
	}
	// A fixed order: the same counts give the same figures to the last bit.
	slices.SortFunc(keys, func(x, y Pair) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
	for _, p := range keys {
		c := counts[p]
		if c <= 0 {
			continue
		}
		if p.A < 0 || p.A >= k || p.B < 0 || p.B >= k {
			return Measure{}, fmt.Errorf("accord inter-évaluateurs : paire (%d, %d) hors de l'échelle 0..%d", p.A, p.B, k-1)
		}
		n += c
		rows[p.A] += c
		cols[p.B] += c
		d := abs(p.A - p.B)
		if d == 0 {
			exact += c
		}
		if d <= 1 {
			adjacent += c
		}
		sumW += weight(p.A, p.B, k) * float64(c)
	}
	if n == 0 {
		return Measure{}, nil
	}
	nf := float64(n)
	a := Measure{
		Pairs:           n,
		PercentExact:    float64(exact) / nf,
		PercentAdjacent: float64(adjacent) / nf,
	}

	rowLevels := sortedKeys(rows)
	colLevels := sortedKeys(cols)
	if len(rowLevels) == 1 && len(colLevels) == 1 && rowLevels[0] == colLevels[0] {
		return a, nil
	}
	pe := 0.0
	for _, i := range rowLevels {
		for _, j := range colLevels {
			pe += weight(i, j, k) * (float64(rows[i]) / nf) * (float64(cols[j]) / nf)
		}
	}
	po := sumW / nf
	a.Kappa = (po - pe) / (1 - pe)
	a.KappaDefined = true
	return a, nil
}

// KappaLabel gives the Landis & Koch (1977) reading of the kappa, in French,
// using the literal translation of their wording:
//
//	kappa < 0            "désaccord"        (poor)
//	0    <= kappa <= 0.20 "faible"           (slight)
//	0.20 <  kappa <= 0.40 "passable"         (fair)
//	0.40 <  kappa <= 0.60 "modéré"           (moderate)
//	0.60 <  kappa <= 0.80 "substantiel"      (substantial)
//	0.80 <  kappa         "presque parfait"  (almost perfect)
//
// Upper bounds are inclusive, as in Landis & Koch's 0.00–0.20, 0.21–0.40…
// table, with a 1e-9 tolerance so that a computed 0.6000000000000001 still
// reads "modéré". It returns "non calculable" when !KappaDefined.
func (a Measure) KappaLabel() string {
	if !a.KappaDefined {
		return "non calculable"
	}
	const eps = 1e-9
	switch k := a.Kappa; {
	case k < -eps:
		return "désaccord"
	case k <= 0.20+eps:
		return "faible"
	case k <= 0.40+eps:
		return "passable"
	case k <= 0.60+eps:
		return "modéré"
	case k <= 0.80+eps:
		return "substantiel"
	default:
		return "presque parfait"
	}
}

// defaultThreshold is the level gap from which one criterion alone calls
// for a third assessor.
const defaultThreshold = 2

// Discrepant tells whether two gradings of one piece need a third assessor.
// They do when
//   - a criterion's levels differ by threshold levels or more (threshold <= 0
//     means the default, 2: a « Non acquis » against an « Acquis » is flagged,
//     an « En cours » against an « Acquis » is not);
//   - a criterion is graded by one assessor only (the other skipped it). A
//     negative level counts as not graded (Score.Level is -1 when not set), so
//     -1 against 0 is a skipped criterion, not a one-level gap; a criterion
//     graded by neither is ignored;
//   - the overall decisions differ (compared after trimming spaces, ignoring
//     case), even if every criterion agrees.
//
// The second result lists the criterion ids in disagreement (the first two
// cases), sorted; it is never nil, and may be empty when only the decisions
// differ.
func Discrepant(levelsA, levelsB map[string]int, decisionA, decisionB string, threshold int) (bool, []string) {
	if threshold <= 0 {
		threshold = defaultThreshold
	}
	ids := []string{}
	for id, la := range levelsA {
		lb, okB := graded(levelsB, id)
		switch {
		case la < 0 && !okB: // graded by neither
		case la < 0 || !okB: // graded by A only, or by B only
			ids = append(ids, id)
		case abs(la-lb) >= threshold:
			ids = append(ids, id)
		}
	}
	for id, lb := range levelsB {
		if _, inA := levelsA[id]; !inA && lb >= 0 { // graded by B only, absent from A
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	decisionsDiffer := !strings.EqualFold(strings.TrimSpace(decisionA), strings.TrimSpace(decisionB))
	return len(ids) > 0 || decisionsDiffer, ids
}

// graded returns the level of criterion id in m and whether it is graded
// (present with a non-negative level).
func graded(m map[string]int, id string) (int, bool) {
	l, ok := m[id]
	return l, ok && l >= 0
}

// weight is the quadratic agreement weight 1 - (i-j)²/(k-1)², k >= 2.
func weight(i, j, k int) float64 {
	d := float64(i - j)
	m := float64(k - 1)
	return 1 - (d*d)/(m*m)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}
