package assessment

import (
	"context"
	"sort"
	"strconv"

	"github.com/casp-cnam/casp/assessment/agreement"
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
	ByPair      []AgreementRow
	Overall     agreement.Measure
	Versions    int // double-marked versions with both gradings released
	Moderated   int // of which sent to a third assessor
	Levels      int
}

// AgreementStats compares the two blind gradings of every double-marked
// version of a cohort (both released), criterion by criterion.
func (s *Service) AgreementStats(ctx context.Context, cohortID int64) (AgreementReport, error) {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return AgreementReport{}, err
	}
	rep := AgreementReport{Levels: len(st.Levels)}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT DISTINCT g.version_id FROM gradings g JOIN piece_versions v ON v.id=g.version_id
		JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=? AND g.role IN ('premier','second') AND g.state='publie'`, cohortID)
	if err != nil {
		return rep, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return rep, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	gs, err := gradingsForVersions(ctx, s.db.Read, ids)
	if err != nil {
		return rep, err
	}
	byCrit := map[string][]agreement.Pair{}
	byPair := map[string][]agreement.Pair{}
	pairs := map[string]AgreementRow{}
	var all []agreement.Pair
	for _, id := range ids {
		var first, second *Grading
		moderated := false
		for i := range gs[id] {
			g := &gs[id][i]
			switch {
			case g.Role == First && g.State == Released:
				first = g
			case g.Role == Second && g.State == Released:
				second = g
			case g.Role == Third:
				moderated = true
			}
		}
		if first == nil || second == nil {
			continue
		}
		rep.Versions++
		if moderated {
			rep.Moderated++
		}
		// Pairs are keyed by assessor ids: two assessors may share a name.
		a, b := first, second
		if b.AssessorID < a.AssessorID {
			a, b = b, a
		}
		pairKey := strconv.FormatInt(a.AssessorID, 10) + "-" + strconv.FormatInt(b.AssessorID, 10)
		pairs[pairKey] = AgreementRow{Key: pairKey, Label: a.AssessorName + " / " + b.AssessorName, Assessors: [2]int64{a.AssessorID, b.AssessorID}}
		for c, sa := range first.Scores {
			sb, ok := second.Scores[c]
			if !ok || sa.Level < 0 || sb.Level < 0 {
				continue
			}
			p := agreement.Pair{A: sa.Level, B: sb.Level}
			byCrit[c] = append(byCrit[c], p)
			byPair[pairKey] = append(byPair[pairKey], p)
			all = append(all, p)
		}
	}
	// The scale as stored, widened to the levels actually given: data saved
	// before a scale was shrunk still reads (never a 500 on stored data).
	k := max(len(st.Levels), 2)
	for _, p := range all {
		k = max(k, p.A+1, p.B+1)
	}
	if rep.Overall, err = agreement.Of(all, k); err != nil {
		return rep, err
	}
	fw := s.framework()
	for c, pairs := range byCrit {
		ag, err := agreement.Of(pairs, k)
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
	for key, ratings := range byPair {
		ag, err := agreement.Of(ratings, k)
		if err != nil {
			return rep, err
		}
		row := pairs[key]
		row.Agreement = ag
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
