package assessment

import (
	"context"
	"database/sql"
	"time"

	"github.com/casp-cnam/casp/assessment/agreement"
	"github.com/casp-cnam/casp/internal/db"
)

// Result is what the learner gets for a version once it is released: one
// level per criterion, a decision, the feedback, and where it came from.
type Result struct {
	VersionID  int64
	Levels     map[string]int
	Comments   map[string][]string
	Decision   Decision
	Feedback   []string
	From       []Grading // the gradings it is made of
	ReleasedAt time.Time
	Merged     bool // two concordant markers: lower level kept per criterion
}

// gradingsOf loads a version's gradings with their scores, oldest first.
func gradingsOf(ctx context.Context, q db.Querier, versionID int64) ([]Grading, error) {
	m, err := gradingsForVersions(ctx, q, []int64{versionID})
	return m[versionID], err
}

// outcome is the state of a version's marking, computed in one place from
// its gradings: the released result if any, and whether it waits for a
// third assessor.
type outcome struct {
	result     *Result
	moderation bool
	started    bool
	disagree   []string
}

// mode is how a version is marked.
type mode int

const (
	singleMarking mode = iota
	doubleMarking
	// juryMarking: a live evaluation; each member grades on their own
	// (premier, second), then the jury agrees one result (role tiers).
	juryMarking
)

// modeOf is the marking mode of a piece: a live evaluation's piece (slot)
// with a jury of two or more is marked by its jury; a jury of one marks
// alone; other pieces, by one or two assessors.
func modeOf(double bool, slot bool) mode {
	switch {
	case slot && double:
		return juryMarking
	case double:
		return doubleMarking
	}
	return singleMarking
}

// resolve applies the marking rules to a version's gradings:
//   - a released correction (rectification) replaces everything before it;
//   - single marking: the released grading is the result;
//   - double marking: once both blind gradings are released, they are
//     compared; if no criterion differs by the discrepancy threshold or
//     more and the decisions agree, the result keeps the lower level of the
//     two on each criterion; otherwise a third assessor's released grading
//     is the result;
//   - jury (live evaluation): only the result the jury agreed (a released
//     tiers grading) counts; the members' own gradings are compared (the
//     criteria that differ by the threshold are listed) but never merged.
func resolve(gs []Grading, m mode, discrepancy int) outcome {
	double := m == doubleMarking
	var o outcome
	var single, first, second, third, correction *Grading
	for i := range gs {
		g := &gs[i]
		if g.State != Withdrawn {
			o.started = true
		}
		if g.State != Released {
			continue
		}
		switch g.Role {
		case Single:
			single = g
		case First:
			first = g
		case Second:
			second = g
		case Third:
			third = g
		case Rectification:
			correction = g
		}
	}
	switch {
	case correction != nil:
		o.result = fromGrading(*correction)
	case m == juryMarking:
		if first != nil && second != nil {
			_, o.disagree = agreement.Discrepant(levelsOf(*first), levelsOf(*second), string(first.Decision), string(second.Decision), discrepancy)
		}
		if third != nil {
			o.result = fromGrading(*third)
			for _, g := range []*Grading{first, second} {
				if g != nil {
					o.result.From = append(o.result.From, *g)
				}
			}
		}
	case !double && single != nil:
		o.result = fromGrading(*single)
	case double && third != nil:
		o.result = fromGrading(*third)
		o.result.From = append([]Grading{}, *third)
	case double && first != nil && second != nil:
		bad, crits := agreement.Discrepant(levelsOf(*first), levelsOf(*second), string(first.Decision), string(second.Decision), discrepancy)
		if bad {
			o.moderation, o.disagree = true, crits
			break
		}
		o.result = merge(*first, *second)
	}
	return o
}

func levelsOf(g Grading) map[string]int {
	m := make(map[string]int, len(g.Scores))
	for c, s := range g.Scores {
		m[c] = s.Level
	}
	return m
}

func fromGrading(g Grading) *Result {
	r := &Result{VersionID: g.VersionID, Levels: levelsOf(g), Comments: map[string][]string{}, Decision: g.Decision,
		From: []Grading{g}, ReleasedAt: g.ReleasedAt}
	for c, s := range g.Scores {
		if s.Comment != "" {
			r.Comments[c] = append(r.Comments[c], s.Comment)
		}
	}
	if g.Feedback != "" {
		r.Feedback = []string{g.Feedback}
	}
	return r
}

func merge(a, b Grading) *Result {
	r := fromGrading(a)
	r.Merged = true
	r.From = []Grading{a, b}
	for c, s := range b.Scores {
		if l, ok := r.Levels[c]; !ok || s.Level < l {
			r.Levels[c] = s.Level
		}
		if s.Comment != "" {
			r.Comments[c] = append(r.Comments[c], s.Comment)
		}
	}
	if b.Feedback != "" {
		r.Feedback = append(r.Feedback, b.Feedback)
	}
	if b.ReleasedAt.After(r.ReleasedAt) {
		r.ReleasedAt = b.ReleasedAt
	}
	return r
}

// refreshStatus recomputes and stores a piece's status from its latest
// version and that version's gradings. It is the only writer of
// pieces.status. It then rewrites the piece's marking facts (the
// statistics of the assessors' and marking-rules pages).
func refreshStatus(ctx context.Context, tx *sql.Tx, pieceID int64) error {
	var latest sql.NullInt64
	var double, slot bool
	var cohortID int64
	if err := tx.QueryRowContext(ctx, `SELECT latest_version_id, double_marking, slot_id IS NOT NULL, cohort_id FROM pieces WHERE id=?`, pieceID).Scan(&latest, &double, &slot, &cohortID); err != nil {
		return err
	}
	status := Draft
	if latest.Valid {
		gs, err := gradingsOf(ctx, tx, latest.Int64)
		if err != nil {
			return err
		}
		disc := 2
		if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT discrepancy FROM marking_settings WHERE cohort_id=?), 2)`, cohortID).Scan(&disc); err != nil {
			return err
		}
		o := resolve(gs, modeOf(double, slot), disc)
		switch {
		case o.result != nil && o.result.Decision == ToRework:
			status = Rework
		case o.result != nil:
			status = Graded
		case o.moderation:
			status = Moderation
		case o.started:
			status = InGrading
		default:
			status = Deposited
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pieces SET status=? WHERE id=?`, string(status), pieceID); err != nil {
		return err
	}
	return pieceFacts(ctx, tx, pieceID)
}
