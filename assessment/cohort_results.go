package assessment

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/referentiel"
)

// CohortResult is the released result of one version of a cohort's piece,
// as the learner sees it (the rules of resolve: single marking, two
// concordant blind markings, an arbitration, or a rectification).
type CohortResult struct {
	LearnerID   int64
	Learner     string
	PieceID     int64
	Title       string
	KindID      string
	Version     int
	DepositedAt time.Time
	ReleasedAt  time.Time
	Assessors   []string // who made it, in grading order
	Origin      string   // how it was made, in French
	Decision    Decision
	Levels      []CriterionLevel // in framework order
	Anonymous   bool             // the piece is under anonymous marking (Piece.Anonymous)
}

// ResultsFor keeps the results the viewer may tie to a learner: a marker
// does not see the earlier results of a piece under anonymous marking.
func ResultsFor(viewer account.User, rs []CohortResult) []CohortResult {
	if !marks(viewer) {
		return rs
	}
	out := make([]CohortResult, 0, len(rs))
	for _, r := range rs {
		if !r.Anonymous || r.LearnerID == viewer.ID {
			out = append(out, r)
		}
	}
	return out
}

// CriterionLevel is the level a result gives one criterion (-1: not graded).
type CriterionLevel struct {
	CriterionID string
	Label       string
	Level       int
	LevelLabel  string
}

// CohortResults lists the released results of every version of a cohort's
// pieces, by learner, piece and version, in four statements whatever the
// cohort's size: the settings, the versions, their gradings and scores.
func (s *Service) CohortResults(ctx context.Context, cohortID int64) ([]CohortResult, error) {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT v.id, v.piece_id, v.number, v.deposited_at, p.learner_id, u.display_name, p.title, p.kind_id, p.double_marking, `+anonymousExpr+`
		FROM piece_versions v JOIN pieces p ON p.id=v.piece_id JOIN users u ON u.id=p.learner_id
		WHERE p.cohort_id=? AND EXISTS (SELECT 1 FROM gradings g WHERE g.version_id=v.id AND g.state='publie')
		ORDER BY u.display_name COLLATE FRANCAIS, u.id, p.id, v.number`, cohortID)
	if err != nil {
		return nil, err
	}
	type vrow struct {
		id     int64
		double bool
		r      CohortResult
	}
	var versions []vrow
	for rows.Next() {
		var v vrow
		var deposited string
		if err := rows.Scan(&v.id, &v.r.PieceID, &v.r.Version, &deposited, &v.r.LearnerID, &v.r.Learner, &v.r.Title, &v.r.KindID, &v.double, &v.r.Anonymous); err != nil {
			rows.Close()
			return nil, err
		}
		v.r.DepositedAt = parseStamp(sql.NullString{String: deposited, Valid: true})
		versions = append(versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(versions))
	for i, v := range versions {
		ids[i] = v.id
	}
	gs, err := gradingsForVersions(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	fw := s.framework()
	order := criterionOrder(fw)
	labels := map[string]string{}
	for _, t := range fw.Tasks() {
		t.EachCriterion(func(c *referentiel.Criterion) { labels[c.ID] = c.Display() })
	}
	var out []CohortResult
	for _, v := range versions {
		o := resolve(gs[v.id], v.double, st.Discrepancy)
		if o.result == nil {
			continue // one blind marking of two, or awaiting arbitration
		}
		r := v.r
		res := o.result
		r.Decision, r.ReleasedAt = res.Decision, res.ReleasedAt
		for _, g := range res.From {
			r.Assessors = append(r.Assessors, g.AssessorName)
		}
		switch {
		case res.Merged:
			r.Origin = "Double correction concordante"
		case len(res.From) > 0:
			r.Origin = res.From[0].Role.Label()
		}
		for c, l := range res.Levels {
			r.Levels = append(r.Levels, CriterionLevel{CriterionID: c, Label: labels[c], Level: l, LevelLabel: levelName(st, l)})
		}
		sort.Slice(r.Levels, func(i, j int) bool {
			a, b := r.Levels[i].CriterionID, r.Levels[j].CriterionID
			oa, okA := order[a]
			ob, okB := order[b]
			if okA != okB {
				return okA
			}
			if oa != ob {
				return oa < ob
			}
			return a < b
		})
		out = append(out, r)
	}
	return out, nil
}

func levelName(st Settings, l int) string {
	if l < 0 || l >= len(st.Levels) {
		return ""
	}
	return st.Levels[l]
}
