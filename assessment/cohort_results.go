package assessment

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
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
	Login       string // tells apart two learners of the same name
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
	out := make([]CohortResult, 0, len(rs))
	for _, r := range rs {
		if ResultVisible(viewer, r) {
			out = append(out, r)
		}
	}
	return out
}

// ResultVisible tells whether the viewer may see a result (ResultsFor's
// rule, one result at a time).
func ResultVisible(viewer account.User, r CohortResult) bool {
	return !marks(viewer) || !r.Anonymous || r.LearnerID == viewer.ID
}

// CriterionLevel is the level a result gives one criterion (-1: not graded).
type CriterionLevel struct {
	CriterionID string
	Label       string
	Level       int
	LevelLabel  string
}

// CohortResults lists the released results of every version of a cohort's
// pieces, by learner, piece and version (EachCohortResult, collected).
func (s *Service) CohortResults(ctx context.Context, cohortID int64) ([]CohortResult, error) {
	var out []CohortResult
	err := s.EachCohortResult(ctx, cohortID, func(r CohortResult) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// EachCohortResult hands fn the released result of every version of a
// cohort's pieces, by learner, piece and version, as it reads them: two
// statements whatever the cohort's size (the settings; the gradings of the
// versions with a released one, their scores folded in, in order), and one
// version's gradings in memory at a time.
func (s *Service) EachCohortResult(ctx context.Context, cohortID int64, fn func(CohortResult) error) error {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return err
	}
	// The learners are ranked by name once (a thousand comparisons in the
	// French collation, not one per grading row).
	rows, err := s.db.Read.QueryContext(ctx, `WITH ranked AS (
			SELECT u.id, u.display_name, u.login, row_number() OVER (ORDER BY u.display_name COLLATE FRANCAIS, u.id) AS rank
			FROM users u WHERE u.id IN (SELECT learner_id FROM pieces WHERE cohort_id=?1))
		SELECT v.id, v.piece_id, v.number, v.deposited_at, p.learner_id, u.display_name, u.login, p.title, p.kind_id,
		p.double_marking, p.slot_id IS NOT NULL, `+anonymousExpr+`,
		g.id, g.assessor_id, a.display_name, g.role, g.state, g.decision, g.released_at,
		(SELECT group_concat(sc.criterion_id || '=' || coalesce(sc.level, -1), ';') FROM grading_scores sc WHERE sc.grading_id=g.id)
		FROM pieces p JOIN ranked u ON u.id=p.learner_id JOIN piece_versions v ON v.piece_id=p.id
		JOIN gradings g ON g.version_id=v.id JOIN users a ON a.id=g.assessor_id
		WHERE p.cohort_id=?1 AND EXISTS (SELECT 1 FROM gradings r WHERE r.version_id=v.id AND r.state='publie')
		ORDER BY u.rank, p.id, v.number, g.id`, cohortID)
	if err != nil {
		return err
	}
	defer rows.Close()
	fw := s.framework()
	order := criterionOrder(fw)
	labels := map[string]string{}
	for _, t := range fw.Tasks() {
		t.EachCriterion(func(c *referentiel.Criterion) { labels[c.ID] = c.Display() })
	}
	var cur CohortResult
	var curID int64
	var double, slot bool
	var gs []Grading
	emit := func() error {
		if curID == 0 {
			return nil
		}
		o := resolve(gs, modeOf(double, slot), st.Discrepancy)
		if o.result == nil {
			return nil // one blind marking of two, or awaiting arbitration
		}
		r := cur
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
		return fn(r)
	}
	for rows.Next() {
		var vid int64
		var v CohortResult
		var vdouble, vslot bool
		var deposited string
		var g Grading
		var released sql.NullString
		var scores sql.NullString
		if err := rows.Scan(&vid, &v.PieceID, &v.Version, &deposited, &v.LearnerID, &v.Learner, &v.Login, &v.Title, &v.KindID, &vdouble, &vslot, &v.Anonymous,
			&g.ID, &g.AssessorID, &g.AssessorName, &g.Role, &g.State, &g.Decision, &released, &scores); err != nil {
			return err
		}
		if vid != curID {
			if err := emit(); err != nil {
				return err
			}
			v.DepositedAt = parseStamp(sql.NullString{String: deposited, Valid: true})
			cur, curID, double, slot, gs = v, vid, vdouble, vslot, gs[:0]
		}
		g.VersionID = vid
		g.ReleasedAt = parseStamp(released)
		// « 1.4/crit/1=2;1.4/crit/2=-1 »: criterion ids hold no = nor ;.
		g.Scores = make(map[string]Score, strings.Count(scores.String, ";")+1)
		for rest := scores.String; rest != ""; {
			var pair string
			pair, rest, _ = strings.Cut(rest, ";")
			c, l, ok := strings.Cut(pair, "=")
			level, err := strconv.Atoi(l)
			if !ok || err != nil {
				return fmt.Errorf("notes de l'évaluation %d illisibles : %q", g.ID, pair)
			}
			g.Scores[c] = Score{Level: level}
		}
		gs = append(gs, g)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return emit()
}

func levelName(st Settings, l int) string {
	if l < 0 || l >= len(st.Levels) {
		return ""
	}
	return st.Levels[l]
}
