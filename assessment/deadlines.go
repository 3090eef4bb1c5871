package assessment

import (
	"context"
	"database/sql"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// Deadlines returns a cohort's due dates by deliverable kind.
func (s *Service) Deadlines(ctx context.Context, cohortID int64) (map[string]time.Time, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT kind_id, due_on FROM deadlines WHERE cohort_id=?`, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var kind, due string
		if err := rows.Scan(&kind, &due); err != nil {
			return nil, err
		}
		out[kind], _ = time.Parse("2006-01-02", due)
	}
	return out, rows.Err()
}

// SaveDeadlines replaces a cohort's due dates at once: every kind of the
// framework gets the date given, and the kinds left out lose theirs. The
// audit entry (who, from where, what changed) is written in the same
// transaction.
func (s *Service) SaveDeadlines(ctx context.Context, cohortID int64, due map[string]time.Time, audit account.Entry) error {
	fw := s.framework()
	for kind := range due {
		if _, ok := fw.Kind(kind); !ok {
			return apperr.New(apperr.Invalid, "Type de production inconnu : %s.", kind)
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM deadlines WHERE cohort_id=?`, cohortID); err != nil {
			return err
		}
		for _, k := range fw.DeliverableKinds {
			d, ok := due[k.ID]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO deadlines(cohort_id, kind_id, due_on) VALUES (?,?,?)`,
				cohortID, k.ID, d.Format("2006-01-02")); err != nil {
				return err
			}
		}
		audit.At, audit.Action = s.now(), account.ActionDeadlines
		return account.AuditTx(ctx, tx, audit)
	})
}

// CohortPieceCount counts the pieces created in a cohort, drafts included:
// once there is one, the cohort's framework version may no longer change.
func (s *Service) CohortPieceCount(ctx context.Context, cohortID int64) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pieces WHERE cohort_id=?`, cohortID).Scan(&n)
	return n, err
}
