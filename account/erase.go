package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/casp-cnam/casp/internal/apperr"
)

// Audit actions of the right of access and the right to erasure.
const (
	ActionExport = "export des données personnelles"
	ActionErased = "compte effacé"
)

// ErasedName is the display name an erased account keeps.
func ErasedName(id int64) string { return fmt.Sprintf("Compte effacé n°%d", id) }

// erasedLogin cannot collide with a real login: « ~ » is refused by the
// login rule, so no account can be created or renamed to it.
func erasedLogin(id int64) string { return fmt.Sprintf("%s%d", erasedPrefix, id) }

// erasedPrefix starts every erased account's login; the login rule refuses it.
const erasedPrefix = "~efface-"

// Erased says whether the account's personal data was erased.
func (u User) Erased() bool { return strings.HasPrefix(u.Login, erasedPrefix) }

// Step deletes an erased learner's data owned by another package, inside
// the erasure's transaction. It returns a short summary for the audit entry
// (« 3 pièces »), never names or content.
type Step func(ctx context.Context, tx *sql.Tx) (string, error)

// Erasure is a request to erase a learner's account.
type Erasure struct {
	Actor   User
	Subject int64
	// Confirm is what the administrator typed: it must be the login.
	Confirm string
	Address string
	Steps   []Step
	// SessionOwner tells whose session a stored value is (0 when nobody's).
	// The web layer encodes sessions, so it decodes them.
	SessionOwner func(value []byte) int64
	// KeepName is asked once the steps have run, inside the transaction:
	// true when records the certifier must keep (jury decisions) stay
	// tied to the account, so that its name is kept beside them.
	KeepName func() bool
}

// Erasure state of an account: when it was erased (zero: it was not), and
// the name kept for the certifier's records, if any.
type ErasureState struct {
	At            time.Time
	CertifiedName string
}

// Erased tells whether the account was erased.
func (e ErasureState) Erased() bool { return !e.At.IsZero() }

// ErasureOf returns an account's erasure state.
func (s *Service) ErasureOf(ctx context.Context, id int64) (ErasureState, error) {
	var at sql.NullString
	var st ErasureState
	err := s.db.Read.QueryRowContext(ctx, `SELECT erased_at, certified_name FROM users WHERE id=?`, id).Scan(&at, &st.CertifiedName)
	if errors.Is(err, sql.ErrNoRows) {
		return st, apperr.New(apperr.NotFound, "Compte introuvable.")
	}
	if err != nil || !at.Valid {
		return st, err
	}
	st.At, _ = time.Parse(time.RFC3339Nano, at.String)
	return st, nil
}

// CanErase says why actor may not erase subject, or returns nil. Only
// learners' accounts are erased here: an administrator's account holds the
// platform's keys, one's own account would lock its author out mid-action,
// and the gradings and comments of assessors and managers are part of their
// learners' records.
func CanErase(actor, subject User) error {
	switch {
	case actor.Role != Admin:
		return apperr.New(apperr.Forbidden, "Seul un administrateur efface un compte.")
	case subject.ID == actor.ID:
		return apperr.New(apperr.Conflict, "Vous ne pouvez pas effacer votre propre compte : demandez-le à un autre administrateur.")
	case subject.Role == Admin:
		return apperr.New(apperr.Conflict, "Un compte administrateur ne peut pas être effacé : il détient les accès à la plateforme.")
	case subject.Role != Learner:
		return apperr.New(apperr.Conflict, "Seuls les comptes d'apprenants s'effacent ici : les évaluations et commentaires d'un formateur font partie des dossiers de ses apprenants.")
	}
	return nil
}

// Erase erases a learner's account in one transaction: the other packages'
// steps first (portfolio, case files), then memberships, sessions and
// throttling counters, and the user row is kept but stripped of identity
// (display name, login, e-mail, password) and disabled. The audit log is
// kept, and the erasure itself is audited in the same transaction.
func (s *Service) Erase(ctx context.Context, e Erasure) error {
	subject, err := s.ByID(ctx, e.Subject)
	if err != nil {
		return err
	}
	if err := CanErase(e.Actor, subject); err != nil {
		return err
	}
	if st, err := s.ErasureOf(ctx, subject.ID); err != nil {
		return err
	} else if st.Erased() {
		return apperr.New(apperr.Conflict, "Ce compte est déjà effacé.")
	}
	if !strings.EqualFold(strings.TrimSpace(e.Confirm), subject.Login) {
		msg := "Saisissez l'identifiant du compte, « " + subject.Login + " », pour confirmer l'effacement."
		if strings.TrimSpace(e.Confirm) != "" {
			msg = "L'identifiant saisi ne correspond pas à ce compte : saisissez « " + subject.Login + " » pour confirmer l'effacement."
		}
		return apperr.Fields(map[string]string{"confirmation": msg})
	}
	// A password nobody knows, in the stored format, so that a login attempt
	// on the row is an ordinary refusal (the account is disabled anyway).
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	hash, err := argon2id.CreateHash(hex.EncodeToString(secret), s.hash)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The row is read again under the write lock: two administrators
		// confirming at once erase once.
		var erased sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT erased_at FROM users WHERE id=?`, subject.ID).Scan(&erased); err != nil {
			return err
		}
		if erased.Valid {
			return apperr.New(apperr.Conflict, "Ce compte est déjà effacé.")
		}
		var summary []string
		for _, step := range e.Steps {
			sum, err := step(ctx, tx)
			if err != nil {
				return err
			}
			if sum != "" {
				summary = append(summary, sum)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM cohort_members WHERE user_id=?`, subject.ID)
		if err != nil {
			return err
		}
		memberships, _ := res.RowsAffected()
		sessions, err := deleteSessions(ctx, tx, subject.ID, e.SessionOwner)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE login=?`, subject.Login); err != nil {
			return err
		}
		kept := ""
		if e.KeepName != nil && e.KeepName() {
			kept = subject.DisplayName
			summary = append(summary, "nom conservé avec les décisions de jury")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET login=?, display_name=?, email='', password_hash=?, disabled=1,
			password_changed_at=?, erased_at=?, certified_name=? WHERE id=?`, erasedLogin(subject.ID), ErasedName(subject.ID), hash,
			now.Format(time.RFC3339), now.Format(time.RFC3339Nano), kept, subject.ID); err != nil {
			return err
		}
		summary = append(summary, fmt.Sprintf("%d promotion(s) quittée(s)", memberships), fmt.Sprintf("%d session(s) fermée(s)", sessions))
		return AuditTx(ctx, tx, Entry{At: now, ActorID: e.Actor.ID, ActorLogin: e.Actor.Login, Action: ActionErased, SubjectUserID: subject.ID,
			Target: fmt.Sprintf("compte n°%d", subject.ID), Address: e.Address, Detail: strings.Join(summary, ", ")})
	})
}

// deleteSessions ends every stored session of the user. Sessions hold no
// user column (they are fiber's opaque values), so each is asked its owner.
func deleteSessions(ctx context.Context, tx *sql.Tx, userID int64, owner func([]byte) int64) (int, error) {
	if owner == nil {
		return 0, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT k, v FROM sessions`)
	if err != nil {
		return 0, err
	}
	var keys []string
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return 0, err
		}
		if owner(v) == userID {
			keys = append(keys, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE k=?`, k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// AuditAbout lists, oldest first, the audit entries that concern a person:
// reads and changes of their data by others, their own connections and
// actions, and failed logins on their login.
func (s *Service) AuditAbout(ctx context.Context, u User) ([]Entry, error) {
	return s.entries(ctx, `SELECT `+entryColumns+`
		FROM audit_log l LEFT JOIN users su ON su.id=l.subject_user_id
		WHERE l.subject_user_id=? OR l.actor_id=? OR (l.actor_id IS NULL AND l.actor_login=?) ORDER BY l.id`, u.ID, u.ID, u.Login)
}
