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

// Throttling: failed attempts counted over a sliding window, per account
// (guessing one password) and per address (spraying many accounts).
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresLogin   = 5
	MaxFailuresAddress = 20
)

// dummyHash is verified when the login is unknown, so that a wrong login
// takes as long as a wrong password and logins cannot be enumerated by timing.
var dummyHash, _ = argon2id.CreateHash("casp-dummy-password", hashParams)

var errBadCredentials = &apperr.Error{Code: apperr.Unauthorized, Message: "Identifiant ou mot de passe incorrect."}

// Authenticate checks a login and password from an address.
func (s *Service) Authenticate(ctx context.Context, login, password, address string) (User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	now := s.now()
	since := now.Add(-ThrottleWindow).Unix()
	var byLogin, byAddr int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE login=? AND at>?),
		(SELECT count(*) FROM login_failures WHERE address=? AND at>?)`, login, since, address, since).Scan(&byLogin, &byAddr); err != nil {
		return User{}, err
	}
	if byLogin >= MaxFailuresLogin || byAddr >= MaxFailuresAddress {
		s.Audit(ctx, Entry{ActorLogin: login, Action: ActionLoginThrottled, Address: address})
		return User{}, apperr.New(apperr.Throttled, "Trop de tentatives de connexion échouées. Réessayez dans %d minutes.", int(ThrottleWindow.Minutes()))
	}
	var id int64
	var hash string
	var disabled bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE login=?`, login).Scan(&id, &hash, &disabled)
	if err == sql.ErrNoRows {
		hash = dummyHash
	} else if err != nil {
		return User{}, err
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return User{}, err
	}
	if !ok || id == 0 || disabled {
		if _, err := s.db.Write.ExecContext(ctx, `INSERT INTO login_failures(login, address, at) VALUES (?,?,?)`, login, address, now.Unix()); err != nil {
			return User{}, err
		}
		s.Audit(ctx, Entry{ActorLogin: login, Action: ActionLoginFailed, Address: address})
		return User{}, errBadCredentials
	}
	if _, err := s.db.Write.ExecContext(ctx, `DELETE FROM login_failures WHERE login=? OR at<?`, login, since); err != nil {
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

// ChangePassword replaces a user's password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, userID int64, pc PasswordChange) error {
	if err := form.Check(pc); err != nil {
		return err
	}
	var hash string
	if err := s.db.Read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id=?`, userID).Scan(&hash); err != nil {
		return err
	}
	ok, err := argon2id.ComparePasswordAndHash(pc.Current, hash)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Fields(map[string]string{"current": "Le mot de passe actuel est incorrect."})
	}
	return s.SetPassword(ctx, userID, pc.New)
}

// SetPassword replaces a password without checking the old one (admin, CLI).
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	if len(password) < 12 {
		return apperr.Fields(map[string]string{"new": "Saisissez au moins 12 caractères."})
	}
	hash, err := argon2id.CreateHash(password, hashParams)
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
