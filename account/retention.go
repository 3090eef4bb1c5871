package account

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// AuditRetention is how long the audit log keeps an entry: the access log
// of personal data is kept 12 months (CNIL's recommendation for access
// logs is six months to a year), then deleted.
const AuditRetention = 365 * 24 * time.Hour

// keptActions are audit entries that outlive AuditRetention: the record of
// a jury decision (the certification it traces is kept for good) and the
// proof that an account was erased, which names no one.
var keptActions = []any{ActionJury, ActionErased}

// Purged counts what a retention pass deleted.
type Purged struct {
	Audit   int64
	Imports int64
}

// PurgeRetention deletes audit entries past AuditRetention (except the
// kept actions) and import previews never confirmed past ImportTTL: the
// personal data nobody needs any more. The server runs it periodically.
func (s *Service) PurgeRetention(ctx context.Context) (Purged, error) {
	var p Purged
	now := s.now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE at<? AND action NOT IN (?,?)`,
			append([]any{now.Add(-AuditRetention).UTC().Format(time.RFC3339Nano)}, keptActions...)...)
		if err != nil {
			return err
		}
		p.Audit, _ = res.RowsAffected()
		if res, err = tx.ExecContext(ctx, `DELETE FROM cohort_imports WHERE confirmed_at IS NULL AND created_at<?`,
			importStamp(now.Add(-ImportTTL))); err != nil {
			return err
		}
		p.Imports, _ = res.RowsAffected()
		if p.Audit > 0 || p.Imports > 0 {
			return AuditTx(ctx, tx, Entry{At: now, Action: ActionRetention,
				Detail: "entrées du journal supprimées : " + strconv.FormatInt(p.Audit, 10) + " ; aperçus d'import expirés supprimés : " + strconv.FormatInt(p.Imports, 10)})
		}
		return nil
	})
	return p, err
}
