// Package account holds people and their rights: users and roles, cohorts
// (promotions) with their learners and assessors, password checks with
// argon2id, login throttling, session storage and the audit log.
package account

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/go-playground/validator/v10"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/form"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations are the tables this package owns.
var Migrations = db.Migrations{Owner: "account", FS: migrationsFS, Dir: "migrations",
	// Two migrations were numbered 002; databases that applied them under
	// their old names keep working.
	Renamed: map[string]string{"002_erasure.sql": "003_erasure.sql", "003_throttle_kinds.sql": "004_throttle_kinds.sql"}}

// Role is what a user may do on the platform.
type Role string

// The four roles.
const (
	Admin    Role = "admin"
	Manager  Role = "manager"
	Assessor Role = "assessor"
	Learner  Role = "learner"
)

// Roles in display order.
var Roles = []Role{Admin, Manager, Assessor, Learner}

// Label is the role's French name.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Administrateur"
	case Manager:
		return "Responsable de formation"
	case Assessor:
		return "Évaluateur"
	case Learner:
		return "Apprenant"
	}
	return string(r)
}

// Valid tells whether r is one of the four roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ParseRole accepts the code or the French name (« responsable », « évaluateur »…).
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "admin", "administrateur", "administratrice":
		return Admin, true
	case "manager", "responsable", "responsable de formation":
		return Manager, true
	case "assessor", "evaluateur", "évaluateur", "évaluatrice", "evaluatrice":
		return Assessor, true
	case "learner", "apprenant", "apprenante":
		return Learner, true
	}
	return "", false
}

// User is an account.
type User struct {
	ID          int64
	Login       string
	DisplayName string
	Email       string
	Role        Role
	Disabled    bool
	CreatedAt   time.Time
	// MustChangePassword is set on accounts created with a temporary
	// password (CSV import) until their owner chooses one.
	MustChangePassword bool
	// External: an external professional's account, created to sit on
	// live-evaluation juries; it reaches only the sessions it sits on and
	// is never a member of a cohort.
	External bool
}

// Service is the accounts store.
type Service struct {
	db    *db.DB
	batch *db.Batch // for AuditLater; nil: written at once
	now   func() time.Time
	hash  *argon2id.Params // for the passwords people choose
	dummy string           // a hash with those parameters, see Authenticate
	// demoHash is the demo accounts' one hash: they share the public
	// password « demo », so one argon2id run serves them all (the demo's
	// 17 accounts started in 17 runs).
	demoMu                 sync.Mutex
	demoHash, demoPassword string
}

// New returns the accounts service, hashing with HashParams.
func New(d *db.DB) *Service {
	s := &Service{db: d, now: time.Now}
	s.UseHashParams(HashParams)
	return s
}

// HashParams are argon2id's parameters in production: OWASP's recommended
// minimum (19 MiB, 2 passes, 1 lane) keeps a login under ~50 ms on these
// 2-core machines.
var HashParams = argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// TestHashParams are cheap parameters for tests only, where thousands of
// logins would otherwise spend most of the suite's time in argon2id.
var TestHashParams = argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// UseHashParams sets the parameters of the hashes written from now on (a
// hash carries its own parameters, so older ones still verify).
func (s *Service) UseHashParams(p argon2id.Params) {
	s.hash = &p
	d, ok := dummies.Load(p)
	if !ok {
		h, _ := argon2id.CreateHash("casp-dummy-password", s.hash)
		d, _ = dummies.LoadOrStore(p, h)
	}
	s.dummy = d.(string)
}

// dummies holds one dummy hash per set of parameters for the process: each
// costs a full hash (~50 ms and 19 MiB with HashParams), and a test binary
// builds a hundred services.
var dummies sync.Map // argon2id.Params → string

// HashParameters are the parameters in use.
func (s *Service) HashParameters() argon2id.Params { return *s.hash }

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

func init() {
	form.RegisterValidation("login", func(fl validator.FieldLevel) bool { return loginRe.MatchString(fl.Field().String()) })
}

// NewUser is the form to create an account.
type NewUser struct {
	Login       string `form:"login" validate:"required,login"`
	DisplayName string `form:"display_name" validate:"required,max=120"`
	Email       string `form:"email" validate:"omitempty,email,max=200"`
	Role        Role   `form:"role" validate:"required,oneof=admin manager assessor learner"`
	Password    string `form:"password" validate:"required,min=12,max=200"`
	// Provisional marks a generated password, to be changed at the first
	// sign-in.
	Provisional bool `form:"-"`
	// External marks an external jury member's account (an assessor).
	External bool `form:"-"`
}

// MinDemoPassword lets the demo seed use the short password « demo »; every
// other path requires 12 characters.
const demoPassword = "demo"

// Create adds an account.
func (s *Service) Create(ctx context.Context, nu NewUser) (User, error) {
	return s.create(ctx, nu, false, nil)
}

// CreateBy is the creation of an account by a person (an administrator):
// the account and the audit entry (address is the actor's) are written in
// one transaction.
func (s *Service) CreateBy(ctx context.Context, actor User, nu NewUser, address string) (User, error) {
	return s.create(ctx, nu, false, &Entry{ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionUserCreated, Address: address})
}

// CreateDemo adds a demo account whose password may be short (demo mode only).
func (s *Service) CreateDemo(ctx context.Context, nu NewUser) (User, error) {
	return s.create(ctx, nu, true, nil)
}

// create checks and adds an account; with audit, its entry is recorded in
// the same transaction, about the new account.
func (s *Service) create(ctx context.Context, nu NewUser, demo bool, audit *Entry) (User, error) {
	nu.Login = strings.ToLower(strings.TrimSpace(nu.Login))
	nu.DisplayName = strings.TrimSpace(nu.DisplayName)
	nu.Email = strings.TrimSpace(nu.Email)
	if nu.External && nu.Role != Assessor {
		return User{}, apperr.New(apperr.Invalid, "Un membre extérieur du jury a un compte d'évaluateur.")
	}
	check := nu
	if demo {
		check.Password = strings.Repeat("x", 12)
	}
	fields := map[string]string{}
	if err := form.Check(check); err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Fields == nil {
			return User{}, err
		}
		fields = e.Fields
	}
	if _, bad := fields["password"]; !bad && !demo {
		if msg := PasswordProblem(nu.Login, nu.Password); msg != "" {
			fields["password"] = msg
		}
	}
	if len(fields) > 0 {
		return User{}, apperr.Fields(fields)
	}
	hash, err := s.passwordHash(nu.Password, demo)
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC().Format(time.RFC3339)
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users(login, display_name, email, role, password_hash, created_at, password_changed_at, must_change_password, external)
			VALUES (?,?,?,?,?,?,?,?,?)`, nu.Login, nu.DisplayName, nu.Email, string(nu.Role), hash, now, now, nu.Provisional, nu.External)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if audit == nil {
			return nil
		}
		e := *audit
		e.At, e.SubjectUserID, e.Target = s.now(), id, "compte "+nu.Login
		if nu.External && e.Detail == "" {
			e.Detail = "membre extérieur du jury (évaluateur hors promotion)"
		}
		return AuditTx(ctx, tx, e)
	})
	if err != nil {
		if isUnique(err) {
			return User{}, &apperr.Error{Code: apperr.Conflict, Message: "Cet identifiant est déjà utilisé.", Fields: map[string]string{"login": "Cet identifiant est déjà utilisé : choisissez-en un autre."}}
		}
		return User{}, err
	}
	return s.ByID(ctx, id)
}

// passwordHash hashes a new account's password; the demo accounts share
// one hash (see demoHash).
func (s *Service) passwordHash(password string, demo bool) (string, error) {
	if !demo {
		return argon2id.CreateHash(password, s.hash)
	}
	s.demoMu.Lock()
	defer s.demoMu.Unlock()
	if s.demoHash != "" && s.demoPassword == password {
		return s.demoHash, nil
	}
	h, err := argon2id.CreateHash(password, s.hash)
	if err == nil {
		s.demoHash, s.demoPassword = h, password
	}
	return h, err
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

const userCols = `id, login, display_name, email, role, disabled, created_at, must_change_password, external`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var role, created string
	if err := row.Scan(&u.ID, &u.Login, &u.DisplayName, &u.Email, &role, &u.Disabled, &created, &u.MustChangePassword, &u.External); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, apperr.New(apperr.NotFound, "Compte introuvable.")
		}
		return User{}, err
	}
	u.Role = Role(role)
	u.CreatedAt, _ = time.Parse(time.RFC3339, created)
	return u, nil
}

// ByID returns an account.
func (s *Service) ByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.db.Read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id=?`, id))
}

// ByLogin returns an account by its login.
func (s *Service) ByLogin(ctx context.Context, login string) (User, error) {
	return scanUser(s.db.Read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE login=?`, strings.TrimSpace(login)))
}

// List returns every account, by role then name.
func (s *Service) List(ctx context.Context) ([]User, error) {
	return s.users(ctx, `SELECT `+userCols+` FROM users
		ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'manager' THEN 1 WHEN 'assessor' THEN 2 ELSE 3 END, display_name COLLATE FRANCAIS, id`)
}

// users runs a query selecting userCols and scans every row.
func (s *Service) users(ctx context.Context, q string, args ...any) ([]User, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (User, error) { return scanUser(r) }, q, args...)
}

// Count returns the number of accounts.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}
