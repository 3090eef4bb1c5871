package assessment

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/french"
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
		if k, ok := fw.Kind(kind); !ok || k.Live() {
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

// FrameworkLock guards a cohort edit (account.EditCohort): once a piece
// exists in the cohort, drafts included, its framework version may no
// longer change, since pieces are linked to its tasks and criteria. It runs
// inside the edit's transaction, so no piece created meanwhile escapes it.
func FrameworkLock(ctx context.Context) account.CohortGuard {
	return func(tx *sql.Tx, before account.Cohort, nc account.NewCohort) error {
		if nc.FrameworkID == "" || nc.FrameworkID == before.FrameworkID {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pieces WHERE cohort_id=?`, before.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		return apperr.Fields(map[string]string{"framework": fmt.Sprintf(
			"La promotion compte déjà %s rédigées avec le référentiel %s : sa version ne peut plus changer. Pour suivre une autre version, créez une nouvelle promotion.",
			french.Plural(n, "pièce", "pièces"), before.FrameworkID)})
	}
}

// CohortPieceCount counts the pieces created in a cohort, drafts included:
// once there is one, the cohort's framework version may no longer change.
func (s *Service) CohortPieceCount(ctx context.Context, cohortID int64) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pieces WHERE cohort_id=?`, cohortID).Scan(&n)
	return n, err
}
