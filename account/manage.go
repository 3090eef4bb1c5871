package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/form"
)

// What an administrator does to an account, each audited with the change.
const (
	ActionUserUpdated   = "compte modifié"
	ActionUserDisabled  = "compte désactivé"
	ActionUserEnabled   = "compte réactivé"
	ActionPasswordReset = "mot de passe réinitialisé"
)

// ProfileEdit is an administrator's edit of an account's name and e-mail.
type ProfileEdit struct {
	DisplayName string `form:"display_name" validate:"required,max=120"`
	Email       string `form:"email" validate:"omitempty,email,max=200"`
}

// managed loads an account an administrator may change: not an erased one.
func (s *Service) managed(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.New(apperr.NotFound, "Compte introuvable.")
	}
	if err == nil && u.Erased() {
		return u, apperr.New(apperr.Conflict, "Ce compte a été effacé : il ne peut plus être modifié.")
	}
	return u, err
}

// UpdateProfile changes an account's name and e-mail; the audit entry says
// what changed.
func (s *Service) UpdateProfile(ctx context.Context, actor User, id int64, in ProfileEdit, address string) error {
	in.DisplayName, in.Email = strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Email)
	if err := form.Check(in); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.managed(ctx, tx, id)
		if err != nil {
			return err
		}
		var changes []string
		if u.DisplayName != in.DisplayName {
			changes = append(changes, "nom : « "+u.DisplayName+" » → « "+in.DisplayName+" »")
		}
		if u.Email != in.Email {
			changes = append(changes, "courriel modifié")
		}
		if len(changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name=?, email=? WHERE id=?`, in.DisplayName, in.Email, id); err != nil {
			return err
		}
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionUserUpdated, SubjectUserID: id,
			Target: "compte " + u.Login, Address: address, Detail: strings.Join(changes, " ; ")})
	})
}

// SetDisabled deactivates (or reactivates) an account: a deactivated one
// cannot sign in, and its open sessions end at their next request. No one
// deactivates their own account, nor the last active administrator.
func (s *Service) SetDisabled(ctx context.Context, actor User, id int64, disabled bool, address string) error {
	if disabled && id == actor.ID {
		return apperr.New(apperr.Conflict, "Vous ne pouvez pas désactiver votre propre compte.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.managed(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		if disabled && u.Role == Admin {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role='admin' AND disabled=0`).Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return apperr.New(apperr.Conflict, "C'est le dernier administrateur actif : il ne peut pas être désactivé.")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled=? WHERE id=?`, disabled, id); err != nil {
			return err
		}
		action := ActionUserEnabled
		if disabled {
			action = ActionUserDisabled
		}
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: action, SubjectUserID: id,
			Target: "compte " + u.Login, Address: address})
	})
}

// ResetPassword gives an account a generated provisional password, to be
// changed at the next sign-in, and returns it (shown once, never stored in
// clear). An administrator changes their own password from their account.
func (s *Service) ResetPassword(ctx context.Context, actor User, id int64, address string) (string, error) {
	if id == actor.ID {
		return "", apperr.New(apperr.Conflict, "Pour votre propre compte, changez votre mot de passe depuis « Mon compte ».")
	}
	temp, err := TempPassword()
	if err != nil {
		return "", err
	}
	hash, err := argon2id.CreateHash(temp, s.hash)
	if err != nil {
		return "", err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.managed(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash=?, password_changed_at=?, must_change_password=1 WHERE id=?`,
			hash, s.now().UTC().Format(time.RFC3339), id); err != nil {
			return err
		}
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionPasswordReset, SubjectUserID: id,
			Target: "compte " + u.Login, Address: address, Detail: "mot de passe provisoire, à changer à la prochaine connexion"})
	})
	return temp, err
}
