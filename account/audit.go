package account

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/french"
)

// Audit actions.
const (
	ActionLogin           = "connexion"
	ActionLoginFailed     = "connexion refusée"
	ActionLoginThrottled  = "connexion bloquée (trop d'essais)"
	ActionLogout          = "déconnexion"
	ActionPasswordChanged = "mot de passe modifié"
	ActionPasswordRefused = "changement de mot de passe refusé (mot de passe actuel incorrect)"
	ActionForbidden       = "accès refusé"
	ActionRead            = "consultation de données personnelles"
	ActionUserCreated     = "compte créé"
	ActionMembership      = "membres d'une promotion modifiés"
	ActionGrading         = "évaluation"
	ActionSettings        = "règles d'évaluation modifiées"
	ActionJury            = "décision de jury enregistrée"
	ActionRetention       = "purge de conservation"
	ActionLiveSession     = "session d'épreuve"
)

// Entry is one line of the audit log.
type Entry struct {
	SubjectName   string // whose data it is about (read from the accounts)
	SubjectLogin  string
	ID            int64
	At            time.Time
	ActorID       int64
	ActorLogin    string
	Action        string
	SubjectUserID int64
	Target        string
	Address       string
	Detail        string
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Actions lists every action the log records, for its filter.
var Actions = []string{ActionLogin, ActionLoginFailed, ActionLoginThrottled, ActionLogout, ActionPasswordChanged, ActionPasswordRefused,
	ActionForbidden, ActionRead, ActionUserCreated, ActionMembership, ActionCohortCreated, ActionCohortEdited,
	ActionDeadlines, ActionImportPreview, ActionImport, ActionGrading, ActionSettings, ActionJury, ActionLiveSession, ActionExport, ActionErased, ActionRetention,
	ActionUserUpdated, ActionUserDisabled, ActionUserEnabled, ActionPasswordReset}

// Audit records an entry. A failure to audit is logged, never shown: it must
// not turn a refusal into an error page, nor leak the log's state.
func (s *Service) Audit(ctx context.Context, e Entry) {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if err := insertAudit(ctx, s.db.Write, e); err != nil {
		slog.Error("journal d'audit", "err", err, "action", e.Action)
	}
}

// UseBatch sends AuditLater's entries through b.
func (s *Service) UseBatch(b *db.Batch) { s.batch = b }

// AuditLater records what a read records (a read of someone else's data, a
// refused page, an export): the entry is committed with the next batch
// (db.Batch, within a second, and at shutdown), so that a GET commits
// nothing itself. Its strings are copied: they may come from a request's
// reused buffers.
func (s *Service) AuditLater(e Entry) {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if s.batch == nil {
		s.Audit(context.Background(), e)
		return
	}
	e.ActorLogin, e.Action, e.Target = strings.Clone(e.ActorLogin), strings.Clone(e.Action), strings.Clone(e.Target)
	e.Address, e.Detail = strings.Clone(e.Address), strings.Clone(e.Detail)
	s.batch.Add(insertAuditSQL, auditArgs(e)...)
}

// FlushAudit commits the entries AuditLater has queued.
func (s *Service) FlushAudit(ctx context.Context) error {
	if s.batch == nil {
		return nil
	}
	return s.batch.Flush(ctx)
}

// AuditTx records an entry inside a transaction: it is kept or rolled back
// with the change it describes (any domain's transaction).
func AuditTx(ctx context.Context, tx *sql.Tx, e Entry) error { return insertAudit(ctx, tx, e) }

func insertAudit(ctx context.Context, x interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, e Entry) error {
	_, err := x.ExecContext(ctx, insertAuditSQL, auditArgs(e)...)
	return err
}

const insertAuditSQL = `INSERT INTO audit_log(at, actor_id, actor_login, action, subject_user_id, target, address, detail)
		VALUES (?,?,?,?,?,?,?,?)`

func auditArgs(e Entry) []any {
	return []any{e.At.UTC().Format(time.RFC3339Nano), nullable(e.ActorID), e.ActorLogin, e.Action,
		nullable(e.SubjectUserID), e.Target, e.Address, e.Detail}
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Action string
	Person string // a login: entries by this person or about them
	From   string // a Paris day, YYYY-MM-DD, included
	To     string // likewise
	Before int64  // entries older than this one (the next page)
	Limit  int
}

// AuditLog returns the entries the filter selects, newest first, Limit at
// most (200 by default); a page ends where the next one starts with
// Before set to its last id.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := `SELECT ` + entryColumns + ` FROM audit_log l LEFT JOIN users su ON su.id=l.subject_user_id`
	var where []string
	args := []any{}
	if f.Action != "" {
		where, args = append(where, `l.action=?`), append(args, f.Action)
	}
	if p := strings.ToLower(strings.TrimSpace(f.Person)); p != "" {
		where = append(where, `(l.actor_login=? OR l.subject_user_id=(SELECT id FROM users WHERE login=?))`)
		args = append(args, p, p)
	}
	if at, ok := parisDay(f.From); ok {
		where, args = append(where, `l.at>=?`), append(args, at.UTC().Format(time.RFC3339Nano))
	}
	if at, ok := parisDay(f.To); ok {
		where, args = append(where, `l.at<?`), append(args, at.AddDate(0, 0, 1).UTC().Format(time.RFC3339Nano))
	}
	if f.Before > 0 {
		where, args = append(where, `l.id<?`), append(args, f.Before)
	}
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY l.id DESC LIMIT ?`
	args = append(args, f.Limit)
	return s.entries(ctx, q, args...)
}

// parisDay is the start of a YYYY-MM-DD day in Paris.
func parisDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), french.Paris)
	return t, err == nil
}

const entryColumns = `l.id, l.at, coalesce(l.actor_id,0), l.actor_login, l.action, coalesce(l.subject_user_id,0), l.target, l.address, l.detail,
	coalesce(su.display_name, ''), coalesce(su.login, '')`

// entries runs a query selecting entryColumns from the audit log.
func (s *Service) entries(ctx context.Context, q string, args ...any) ([]Entry, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Entry, error) {
		var e Entry
		var at string
		err := r.Scan(&e.ID, &at, &e.ActorID, &e.ActorLogin, &e.Action, &e.SubjectUserID, &e.Target, &e.Address, &e.Detail, &e.SubjectName, &e.SubjectLogin)
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		return e, err
	}, q, args...)
}
