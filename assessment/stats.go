package assessment

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/casp-cnam/casp/assessment/agreement"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// AgreementRow is the agreement on one criterion, or between one pair of
// assessors, over the double-marked versions of a cohort.
type AgreementRow struct {
	Key       string   // criterion id, or the pair's assessor ids « 3-7 »
	Label     string   // the criterion's words, or « A / B » (names)
	Assessors [2]int64 // the pair, lower id first (pairs only)
	Task      string
	Agreement agreement.Measure
}

// AgreementReport gathers a cohort's double-marking agreement.
type AgreementReport struct {
	ByCriterion []AgreementRow
	// ByPair lists pairs of assessors by name: every pair, or those that
	// share the most ratings when the caller bounded them (PairTotal counts
	// them all).
	ByPair    []AgreementRow
	PairTotal int
	Overall   agreement.Measure
	Versions  int // double-marked versions with both gradings released
	Moderated int // of which sent to a third assessor
	Levels    int
}

// AgreementStats compares the two blind gradings of every double-marked
// version of a cohort (both released), criterion by criterion and pair by
// pair; it lists at most maxPairs pairs, those sharing the most ratings
// (0: every pair). It reads the tallies kept as gradings are released, a
// fixed number of statements and of rows whatever the cohort's size.
func (s *Service) AgreementStats(ctx context.Context, cohortID int64, maxPairs int) (AgreementReport, error) {
	return s.agreementStats(ctx, cohortID, maxPairs, 0)
}

// agreementStats is AgreementStats; when involving is set, the pairs listed
// (and PairTotal) are that assessor's.
func (s *Service) agreementStats(ctx context.Context, cohortID int64, maxPairs int, involving int64) (AgreementReport, error) {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return AgreementReport{}, err
	}
	rep := AgreementReport{Levels: len(st.Levels)}
	err = s.db.Read.QueryRowContext(ctx, `SELECT coalesce((SELECT versions FROM agreement_counts WHERE cohort_id=?1), 0),
		coalesce((SELECT moderated FROM agreement_counts WHERE cohort_id=?1), 0),
		(SELECT count(*) FROM pair_tallies WHERE cohort_id=?1 AND n>0 AND ?2 IN (0, lo, hi))`, cohortID, involving).Scan(&rep.Versions, &rep.Moderated, &rep.PairTotal)
	if err != nil {
		return rep, err
	}
	type cell struct {
		key  string
		pair agreement.Pair
		n    int
	}
	readCell := func(r db.Row) (cell, error) {
		var c cell
		return c, r.Scan(&c.key, &c.pair.A, &c.pair.B, &c.n)
	}
	byCrit, err := db.Collect(ctx, s.db.Read, readCell, `SELECT key, a, b, n FROM agreement_tallies WHERE cohort_id=? AND kind='c' AND n>0`, cohortID)
	if err != nil {
		return rep, err
	}
	limit := maxPairs
	if limit <= 0 {
		limit = -1
	}
	pairs, err := db.Collect(ctx, s.db.Read, func(r db.Row) (AgreementRow, error) {
		var row AgreementRow
		var lo, hi string
		err := r.Scan(&row.Assessors[0], &row.Assessors[1], &lo, &hi)
		row.Key = strconv.FormatInt(row.Assessors[0], 10) + "-" + strconv.FormatInt(row.Assessors[1], 10)
		row.Label = lo + " / " + hi
		return row, err
	}, `SELECT t.lo, t.hi, coalesce(a.display_name, ''), coalesce(b.display_name, '') FROM pair_tallies t
		LEFT JOIN users a ON a.id=t.lo LEFT JOIN users b ON b.id=t.hi
		WHERE t.cohort_id=? AND t.n>0 AND ? IN (0, t.lo, t.hi) ORDER BY t.n DESC, t.lo, t.hi LIMIT ?`, cohortID, involving, limit)
	if err != nil {
		return rep, err
	}
	keys := make([]string, len(pairs))
	for i, p := range pairs {
		keys[i] = p.Key
	}
	keyList, _ := json.Marshal(keys)
	byPair, err := db.Collect(ctx, s.db.Read, readCell, `SELECT key, a, b, n FROM agreement_tallies
		WHERE cohort_id=? AND kind='p' AND n>0 AND key IN (SELECT value FROM json_each(?))`, cohortID, string(keyList))
	if err != nil {
		return rep, err
	}
	// The scale as stored, widened to the levels actually given: data saved
	// before a scale was shrunk still reads (never a 500 on stored data).
	k := max(len(st.Levels), 2)
	crit := map[string]map[agreement.Pair]int{}
	all := map[agreement.Pair]int{}
	for _, c := range byCrit {
		k = max(k, c.pair.A+1, c.pair.B+1)
		if crit[c.key] == nil {
			crit[c.key] = map[agreement.Pair]int{}
		}
		crit[c.key][c.pair] += c.n
		all[c.pair] += c.n
	}
	pairCounts := map[string]map[agreement.Pair]int{}
	for _, c := range byPair {
		k = max(k, c.pair.A+1, c.pair.B+1)
		if pairCounts[c.key] == nil {
			pairCounts[c.key] = map[agreement.Pair]int{}
		}
		pairCounts[c.key][c.pair] += c.n
	}
	if rep.Overall, err = agreement.OfCounts(all, k); err != nil {
		return rep, err
	}
	fw := s.framework()
	for c, counts := range crit {
		ag, err := agreement.OfCounts(counts, k)
		if err != nil {
			return rep, err
		}
		row := AgreementRow{Key: c, Agreement: ag}
		if t, ok := fw.Task(referentiel.TaskOf(c)); ok {
			row.Task = t.ID
			if cr := t.Criterion(c); cr != nil {
				row.Label = cr.Display()
			}
		}
		rep.ByCriterion = append(rep.ByCriterion, row)
	}
	for _, row := range pairs {
		if row.Agreement, err = agreement.OfCounts(pairCounts[row.Key], k); err != nil {
			return rep, err
		}
		rep.ByPair = append(rep.ByPair, row)
	}
	order := criterionOrder(fw)
	sort.Slice(rep.ByCriterion, func(i, j int) bool { return order[rep.ByCriterion[i].Key] < order[rep.ByCriterion[j].Key] })
	sort.Slice(rep.ByPair, func(i, j int) bool {
		if rep.ByPair[i].Label != rep.ByPair[j].Label {
			return rep.ByPair[i].Label < rep.ByPair[j].Label
		}
		return rep.ByPair[i].Key < rep.ByPair[j].Key
	})
	return rep, nil
}

func criterionOrder(fw *referentiel.Framework) map[string]int {
	order := map[string]int{}
	for _, t := range fw.Tasks() {
		t.EachCriterion(func(c *referentiel.Criterion) { order[c.ID] = len(order) })
	}
	return order
}
