package demo

// Writing a synthetic cohort straight in SQL, with prepared statements.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/casp-cnam/casp/assessment"
)

// synthWriter holds the transaction's prepared statements; ids are
// assigned here (the write transaction is exclusive), which saves a
// round trip per row.
type synthWriter struct {
	ctx                                 context.Context
	tx                                  *sql.Tx
	insPiece, insLink, insVersion       *sql.Stmt
	insGrading                          *sql.Stmt
	insScores                           map[int]*sql.Stmt
	nextPiece, nextVersion, nextGrading int64
}

func newSynthWriter(ctx context.Context, tx *sql.Tx) (*synthWriter, error) {
	w := &synthWriter{ctx: ctx, tx: tx, insScores: map[int]*sql.Stmt{}}
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id),0) FROM pieces), (SELECT coalesce(max(id),0) FROM piece_versions),
		(SELECT coalesce(max(id),0) FROM gradings)`).Scan(&w.nextPiece, &w.nextVersion, &w.nextGrading); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&w.insPiece, `INSERT INTO pieces(id, learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, double_marking, status,
			latest_version_id, deposited_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&w.insLink, `INSERT INTO piece_links(piece_id, capacity_id, justification) VALUES (?,?,?)`},
		{&w.insVersion, `INSERT INTO piece_versions(id, piece_id, number, title, body, links, criteria, sha256, deposited_at) VALUES (?,?,?,?,?,?,?,?,?)`},
		{&w.insGrading, `INSERT INTO gradings(id, version_id, assessor_id, role, state, decision, feedback, created_at, updated_at, released_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*s.st = st
	}
	return w, nil
}

func (w *synthWriter) close() {
	for _, s := range []*sql.Stmt{w.insPiece, w.insLink, w.insVersion, w.insGrading} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range w.insScores {
		s.Close()
	}
}

// piece writes a piece; a deposited one points to the version(s) about to
// be written (ids are known in advance), deposited when its draft was last
// saved.
func (w *synthWriter) piece(learnerID, cohortID int64, kind, title, draft string, saved time.Time, pseudo string, double bool,
	status assessment.Status, created time.Time, deposited, v2 bool) (int64, error) {
	w.nextPiece++
	var latest, depositedAt any
	if deposited {
		latest, depositedAt = w.nextVersion+1, stampOf(saved)
		if v2 {
			latest = w.nextVersion + 2
		}
	}
	_, err := w.insPiece.ExecContext(w.ctx, w.nextPiece, learnerID, cohortID, kind, title, draft, stampOf(saved), pseudo, double, string(status),
		latest, depositedAt, stampOf(created))
	return w.nextPiece, err
}

func (w *synthWriter) link(pieceID int64, capacity, justification string) error {
	_, err := w.insLink.ExecContext(w.ctx, pieceID, capacity, justification)
	return err
}

func (w *synthWriter) version(pieceID int64, number int, title, body, links, criteria, sum string, at time.Time) (int64, error) {
	w.nextVersion++
	_, err := w.insVersion.ExecContext(w.ctx, w.nextVersion, pieceID, number, title, body, links, criteria, sum, stampOf(at))
	return w.nextVersion, err
}

func (w *synthWriter) grading(versionID, assessorID int64, role, state, decision, feedback, created, updated string, released any) (int64, error) {
	w.nextGrading++
	_, err := w.insGrading.ExecContext(w.ctx, w.nextGrading, versionID, assessorID, role, state, decision, feedback, created, updated, released)
	return w.nextGrading, err
}

// scores writes a grading's levels in one statement.
func (w *synthWriter) scores(gradingID int64, criteria []string, levels []int, comments []string) error {
	n := len(criteria)
	if n == 0 {
		return nil
	}
	st := w.insScores[n]
	if st == nil {
		var err error
		st, err = w.tx.PrepareContext(w.ctx, `INSERT INTO grading_scores(grading_id, criterion_id, level, comment) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?,?,?,?),", n), ","))
		if err != nil {
			return err
		}
		w.insScores[n] = st
	}
	args := make([]any, 0, 4*n)
	for i, c := range criteria {
		var level any
		if levels[i] >= 0 {
			level = levels[i]
		}
		args = append(args, gradingID, c, level, comments[i])
	}
	_, err := st.ExecContext(w.ctx, args...)
	return err
}
