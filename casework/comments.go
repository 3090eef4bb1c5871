package casework

import (
	"context"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// Comment is a trainer's remark on a learner's case.
type Comment struct {
	Author string
	At     time.Time
	Text   string
}

// Comments lists the comments on a case.
func (s *Store) Comments(ctx context.Context, c Case) ([]Comment, error) {
	return s.comments(ctx, `SELECT u.display_name, k.at, k.text FROM case_comments k JOIN users u ON u.id=k.author_id
		WHERE k.case_id=? ORDER BY k.id`, c.ID)
}

// comments reads comments (author, time, text) by a query on one id.
func (s *Store) comments(ctx context.Context, query string, id int64) ([]Comment, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Comment, error) {
		var k Comment
		var at string
		err := r.Scan(&k.Author, &at, &k.Text)
		k.At, _ = time.Parse(time.RFC3339Nano, at)
		return k, err
	}, query, id)
}

// AddComment lets staff of the learner's cohort comment on a case.
func (s *Store) AddComment(ctx context.Context, staff account.User, caseID int64, text string) error {
	if staff.Role != account.Assessor && staff.Role != account.Manager && staff.Role != account.Admin {
		return apperr.New(apperr.Forbidden, "Seuls les formateurs commentent les dossiers.")
	}
	c, err := s.Case(ctx, staff, caseID)
	if err != nil {
		return err
	}
	text, ok := trimmed(text, 5000)
	if text == "" || !ok {
		return apperr.Fields(map[string]string{"commentaire": "Écrivez un commentaire (5 000 caractères au plus)."})
	}
	_, err = s.db.Write.ExecContext(ctx, `INSERT INTO case_comments(case_id, author_id, at, text) VALUES (?,?,?,?)`, c.ID, staff.ID, stamp(s.now()), text)
	return err
}

// AttemptComments lists the comments on an exercise attempt.
func (s *Store) AttemptComments(ctx context.Context, a Attempt) ([]Comment, error) {
	return s.comments(ctx, `SELECT u.display_name, k.at, k.text FROM attempt_comments k JOIN users u ON u.id=k.author_id
		WHERE k.attempt_id=? ORDER BY k.id`, a.ID)
}

// AddAttemptComment lets staff who read the learner's attempt (their
// cohort's assessors and managers, an administrator) comment on it, in
// progress or finished.
func (s *Store) AddAttemptComment(ctx context.Context, staff account.User, attemptID int64, text string) error {
	if staff.Role != account.Assessor && staff.Role != account.Manager && staff.Role != account.Admin {
		return apperr.New(apperr.Forbidden, "Seuls les formateurs commentent les exercices.")
	}
	a, err := s.Attempt(ctx, staff, attemptID)
	if err != nil {
		return err
	}
	text, ok := trimmed(text, 5000)
	if text == "" || !ok {
		return apperr.Fields(map[string]string{"commentaire": "Écrivez un commentaire (5 000 caractères au plus)."})
	}
	_, err = s.db.Write.ExecContext(ctx, `INSERT INTO attempt_comments(attempt_id, author_id, at, text) VALUES (?,?,?,?)`, a.ID, staff.ID, stamp(s.now()), text)
	return err
}
