package account

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/form"
)

var errBadCredentials = &apperr.Error{Code: apperr.Unauthorized, Message: "Identifiant ou mot de passe incorrect."}

// Authenticate checks a login and password from an address. The attempt
// is counted before the password is checked (see throttle.go).
func (s *Service) Authenticate(ctx context.Context, login, password, address string) (User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if _, err := s.reserve(ctx, throttleLogin, login, address); err != nil {
		if apperr.CodeOf(err) == apperr.Throttled {
			s.Audit(ctx, Entry{ActorLogin: login, Action: ActionLoginThrottled, Address: address})
		}
		return User{}, err
	}
	var id int64
	var hash string
	var disabled bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE login=?`, login).Scan(&id, &hash, &disabled)
	if err == sql.ErrNoRows {
		hash = s.dummy // a wrong login takes as long as a wrong password: no enumeration by timing
	} else if err != nil {
		return User{}, err
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return User{}, err
	}
	if !ok || id == 0 || disabled {
		s.Audit(ctx, Entry{ActorLogin: login, Action: ActionLoginFailed, Address: address})
		return User{}, errBadCredentials
	}
	if err := s.release(ctx, throttleLogin, login, address); err != nil {
		return User{}, err
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	s.Audit(ctx, Entry{ActorID: u.ID, ActorLogin: u.Login, Action: ActionLogin, Address: address})
	return u, nil
}

// PasswordChange is the form to change one's password.
type PasswordChange struct {
	Current string `form:"current" validate:"required"`
	New     string `form:"new" validate:"required,min=12,max=200,nefield=Current"`
	Confirm string `form:"confirm" validate:"required,eqfield=New"`
}

// ChangePassword replaces a user's password after checking the current
// one; wrong current passwords are throttled like logins, per account.
func (s *Service) ChangePassword(ctx context.Context, userID int64, pc PasswordChange) error {
	var login, hash string
	if err := s.db.Read.QueryRowContext(ctx, `SELECT login, password_hash FROM users WHERE id=?`, userID).Scan(&login, &hash); err != nil {
		return err
	}
	fields := map[string]string{}
	if err := form.Check(pc); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		fields = e.Fields
	}
	if _, bad := fields["new"]; !bad && pc.New != "" {
		if msg := PasswordProblem(login, pc.New); msg != "" {
			fields["new"] = msg
		}
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	if _, err := s.reserve(ctx, throttlePassword, login, ""); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Throttled {
			return &apperr.Error{Code: apperr.Throttled, Message: e.Message, RetryAfter: e.RetryAfter, Fields: map[string]string{"current": e.Message}}
		}
		return err
	}
	ok, err := argon2id.ComparePasswordAndHash(pc.Current, hash)
	if err != nil {
		return err
	}
	if !ok {
		s.Audit(ctx, Entry{ActorID: userID, ActorLogin: login, Action: ActionPasswordRefused, SubjectUserID: userID})
		return apperr.Fields(map[string]string{"current": "Le mot de passe actuel est incorrect."})
	}
	if err := s.release(ctx, throttlePassword, login, ""); err != nil {
		return err
	}
	return s.SetPassword(ctx, userID, pc.New)
}

// SetPassword replaces a password without checking the old one (admin, CLI).
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	var login string
	if err := s.db.Read.QueryRowContext(ctx, `SELECT login FROM users WHERE id=?`, userID).Scan(&login); err != nil {
		return err
	}
	if msg := PasswordProblem(login, password); msg != "" {
		return apperr.Fields(map[string]string{"new": msg})
	}
	hash, err := argon2id.CreateHash(password, s.hash)
	if err != nil {
		return err
	}
	_, err = s.db.Write.ExecContext(ctx, `UPDATE users SET password_hash=?, password_changed_at=?, must_change_password=0 WHERE id=?`,
		hash, s.now().UTC().Format(time.RFC3339), userID)
	if err != nil {
		return err
	}
	s.Audit(ctx, Entry{ActorID: userID, Action: ActionPasswordChanged, SubjectUserID: userID})
	return nil
}
