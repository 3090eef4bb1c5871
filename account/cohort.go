package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/form"
	"github.com/casp-cnam/casp/internal/french"
)

// Cohort is a promotion: learners following the programme together, with
// the assessors and managers assigned to it.
type Cohort struct {
	ID               int64
	Name             string
	Site             string
	FrameworkID      string
	StartsOn         time.Time
	EndsOn           time.Time
	AnonymousMarking bool
	// SandboxTrust shows learners the sandbox's trust gauge.
	SandboxTrust bool
	Learners     int
	Assessors    int
}

// Audit actions on cohorts.
const (
	ActionCohortCreated = "promotion créée"
	ActionCohortEdited  = "promotion modifiée"
	ActionDeadlines     = "échéances modifiées"
)

// NewCohort is the form to create or edit a cohort. The same form serves
// both: editing changes every field at once.
type NewCohort struct {
	Name        string `form:"name" validate:"required,max=120"`
	Site        string `form:"site" validate:"max=120"`
	FrameworkID string `form:"framework" validate:"required"`
	StartsOn    string `form:"starts_on" validate:"required,datetime=2006-01-02"`
	EndsOn      string `form:"ends_on" validate:"required,datetime=2006-01-02"`
}

// check trims and validates the form, with the French messages of the
// cohort pages. Dates may also be typed the French way (25/11/2026), as
// browsers without a date picker let people do.
func (nc *NewCohort) check() error {
	nc.Name = strings.TrimSpace(nc.Name)
	nc.Site = strings.TrimSpace(nc.Site)
	nc.StartsOn = normalizeDate(nc.StartsOn)
	nc.EndsOn = normalizeDate(nc.EndsOn)
	fields := map[string]string{}
	if err := form.Check(*nc); err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Fields == nil {
			return err
		}
		fields = e.Fields
	}
	if _, ok := fields["framework"]; ok {
		fields["framework"] = "Choisissez une version du référentiel dans la liste."
	}
	for f, v := range map[string]string{"starts_on": nc.StartsOn, "ends_on": nc.EndsOn} {
		switch _, ok := ParseDate(v); {
		case v == "" && f == "starts_on":
			fields[f] = "Saisissez la date de début."
		case v == "":
			fields[f] = "Saisissez la date de fin."
		case !ok:
			fields[f] = "Saisissez une date valide, par exemple 25/11/2026."
		}
	}
	if fields["starts_on"] == "" && fields["ends_on"] == "" && nc.EndsOn < nc.StartsOn {
		fields["ends_on"] = "La date de fin doit suivre la date de début."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	return nil
}

// ParseDate reads a calendar date typed as 2026-11-25 (date fields) or
// 25/11/2026 (the French way).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return t, true
		}
	}
	return time.Time{}, false
}

// normalizeDate turns a date typed either way into 2026-11-25; anything
// else is returned trimmed, for the validator to refuse.
func normalizeDate(s string) string {
	if t, ok := ParseDate(s); ok {
		return t.Format("2006-01-02")
	}
	return strings.TrimSpace(s)
}

// CreateCohort adds a cohort.
func (s *Service) CreateCohort(ctx context.Context, nc NewCohort) (Cohort, error) {
	return s.createCohort(ctx, nc, nil)
}

// OpenCohort is the creation of a cohort by a person: the cohort, its
// creator among its managers when a manager creates it, and the audit
// entry (address is the creator's) are written in one transaction, so a
// cohort never exists without the manager who opened it nor unaudited.
func (s *Service) OpenCohort(ctx context.Context, actor User, nc NewCohort, address string) (Cohort, error) {
	return s.createCohort(ctx, nc, func(tx *sql.Tx, id int64) error {
		if actor.Role == Manager {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, id, actor.ID, string(Manager)); err != nil {
				return err
			}
		}
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionCohortCreated,
			Target: "promotion " + nc.Name, Address: address})
	})
}

// createCohort checks and inserts a cohort, then runs then (when not nil)
// in the same transaction.
func (s *Service) createCohort(ctx context.Context, nc NewCohort, then func(tx *sql.Tx, id int64) error) (Cohort, error) {
	if err := nc.check(); err != nil {
		return Cohort{}, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO cohorts(name, site, framework_id, starts_on, ends_on, created_at) VALUES (?,?,?,?,?,?)`,
			nc.Name, nc.Site, nc.FrameworkID, nc.StartsOn, nc.EndsOn, s.now().UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if then == nil {
			return nil
		}
		return then(tx, id)
	})
	if isUnique(err) {
		return Cohort{}, apperr.Fields(map[string]string{"name": "Une promotion porte déjà ce nom."})
	}
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, id)
}

// UpdateCohort changes a cohort's name, site, framework version and dates.
// Whether the framework version may still change (no piece yet) is the
// caller's decision, as a guard of EditCohort: pieces belong to the
// assessment package.
func (s *Service) UpdateCohort(ctx context.Context, id int64, nc NewCohort) (Cohort, error) {
	return s.editCohort(ctx, id, nc, nil)
}

// CohortGuard checks a cohort edit inside its transaction: before is the
// cohort as it was, nc the edit.
type CohortGuard func(tx *sql.Tx, before Cohort, nc NewCohort) error

// EditCohort is UpdateCohort done by a person: the change and its audit
// entry (the fields changed, before and after; address is the actor's)
// are written in one transaction.
//
// Each guard runs in the transaction before the change, with the cohort as
// it was; its error refuses the edit (another domain's rule, such as the
// framework version locked once pieces exist).
func (s *Service) EditCohort(ctx context.Context, actor User, id int64, nc NewCohort, address string, guards ...CohortGuard) (Cohort, error) {
	return s.editCohort(ctx, id, nc, func(tx *sql.Tx, before, after Cohort) error {
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionCohortEdited,
			Target: "promotion " + after.Name, Address: address, Detail: cohortChanges(before, after)})
	}, guards...)
}

// editCohort runs the guards, changes the cohort, then runs then (when not
// nil) with the cohort before and after, all in one transaction.
func (s *Service) editCohort(ctx context.Context, id int64, nc NewCohort, then func(tx *sql.Tx, before, after Cohort) error, guards ...CohortGuard) (Cohort, error) {
	if err := nc.check(); err != nil {
		return Cohort{}, err
	}
	read := func(tx *sql.Tx) (Cohort, error) {
		return scanCohort(tx.QueryRowContext(ctx, `SELECT `+cohortCols+` FROM cohorts c WHERE c.id=?`, id))
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := read(tx)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Promotion introuvable.")
		}
		if err != nil {
			return err
		}
		for _, guard := range guards {
			if err := guard(tx, before, nc); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cohorts SET name=?, site=?, framework_id=?, starts_on=?, ends_on=? WHERE id=?`,
			nc.Name, nc.Site, nc.FrameworkID, nc.StartsOn, nc.EndsOn, id); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		after, err := read(tx)
		if err != nil {
			return err
		}
		return then(tx, before, after)
	})
	if isUnique(err) {
		return Cohort{}, apperr.Fields(map[string]string{"name": "Une autre promotion porte déjà ce nom."})
	}
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, id)
}

// cohortChanges describes an edit for the audit log: « site : (vide) → « Lyon » ».
func cohortChanges(before, after Cohort) string {
	var out []string
	for _, f := range []struct{ name, was, is string }{
		{"nom", before.Name, after.Name}, {"site", before.Site, after.Site}, {"référentiel", before.FrameworkID, after.FrameworkID},
		{"début", before.StartsOn.Format("2006-01-02"), after.StartsOn.Format("2006-01-02")},
		{"fin", before.EndsOn.Format("2006-01-02"), after.EndsOn.Format("2006-01-02")},
	} {
		if f.was != f.is {
			out = append(out, f.name+" : "+quoted(f.was)+" → "+quoted(f.is))
		}
	}
	if len(out) == 0 {
		return "aucun changement"
	}
	return strings.Join(out, " ; ")
}

func quoted(v string) string {
	if v == "" {
		return "(vide)"
	}
	return "« " + v + " »"
}

// AddMember enrols a learner, or assigns an assessor or manager, to a cohort.
func (s *Service) AddMember(ctx context.Context, cohortID, userID int64, role Role) error {
	if _, err := s.memberOfRole(ctx, userID, role); err != nil {
		return err
	}
	_, err := s.db.Write.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, cohortID, userID, string(role))
	return err
}

// memberOfRole loads an account to attach to a cohort in a role, which must
// be its own.
func (s *Service) memberOfRole(ctx context.Context, userID int64, role Role) (User, error) {
	if role != Learner && role != Assessor && role != Manager {
		return User{}, apperr.New(apperr.Invalid, "Ce rôle ne peut pas être rattaché à une promotion.")
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return User{}, err
	}
	if u.Role != role {
		return User{}, apperr.New(apperr.Invalid, "Le compte %s n'a pas le rôle %s.", u.Login, strings.ToLower(role.Label()))
	}
	if u.External {
		return User{}, apperr.New(apperr.Forbidden, "%s siège comme membre extérieur du jury : ce compte n'ouvre que les sessions d'épreuve où il siège et ne peut être inscrit dans une promotion.", u.DisplayName)
	}
	return u, nil
}

// Enrol adds a member at a person's request (the web), the check, the
// membership and its audit entry in one transaction. A learner who already
// learns in another cohort is enrolled only by an administrator or by a
// manager of each of those cohorts: a manager cannot reach someone else's
// learner by enrolling them in a cohort of their own.
func (s *Service) Enrol(ctx context.Context, actor User, co Cohort, userID int64, role Role, address string) error {
	u, err := s.memberOfRole(ctx, userID, role)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if role == Learner && actor.Role != Admin {
			var foreign int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members l WHERE l.user_id=? AND l.member_role='learner' AND l.cohort_id<>?
				AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=l.cohort_id AND m.user_id=? AND m.member_role='manager')`,
				userID, co.ID, actor.ID).Scan(&foreign); err != nil {
				return err
			}
			if foreign > 0 {
				return apperr.New(apperr.Forbidden, "%s est inscrit dans une autre promotion, que vous ne gérez pas : seul un administrateur ou un responsable de cette promotion peut l'inscrire ici.", u.DisplayName)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_members(cohort_id, user_id, member_role) VALUES (?,?,?)`, co.ID, userID, string(role))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return AuditTx(ctx, tx, Entry{ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionMembership,
			SubjectUserID: userID, Target: "promotion " + co.Name, Address: address, Detail: "ajouter " + string(role)})
	})
}

// The numbers of learners and assessors are kept by triggers
// (migrations/006_cohort_counts.sql): one row read, whatever the size.
const cohortCols = `c.id, c.name, c.site, c.framework_id, c.starts_on, c.ends_on, c.anonymous_marking, c.sandbox_trust_visible,
	coalesce((SELECT learners FROM cohort_counts n WHERE n.cohort_id=c.id), 0),
	coalesce((SELECT assessors FROM cohort_counts n WHERE n.cohort_id=c.id), 0)`

func scanCohort(row interface{ Scan(...any) error }) (Cohort, error) {
	var c Cohort
	var start, end string
	if err := row.Scan(&c.ID, &c.Name, &c.Site, &c.FrameworkID, &start, &end, &c.AnonymousMarking, &c.SandboxTrust, &c.Learners, &c.Assessors); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Cohort{}, apperr.New(apperr.NotFound, "Promotion introuvable.")
		}
		return Cohort{}, err
	}
	c.StartsOn, _ = time.Parse("2006-01-02", start)
	c.EndsOn, _ = time.Parse("2006-01-02", end)
	return c, nil
}

// Cohort returns one cohort.
func (s *Service) Cohort(ctx context.Context, id int64) (Cohort, error) {
	return scanCohort(s.db.Read.QueryRowContext(ctx, `SELECT `+cohortCols+` FROM cohorts c WHERE c.id=?`, id))
}

// Cohorts lists every cohort, newest first.
func (s *Service) Cohorts(ctx context.Context) ([]Cohort, error) {
	return s.cohorts(ctx, `SELECT `+cohortCols+` FROM cohorts c ORDER BY c.starts_on DESC, c.name COLLATE FRANCAIS`)
}

// CohortsOf lists the cohorts a user belongs to, in any role.
func (s *Service) CohortsOf(ctx context.Context, userID int64) ([]Cohort, error) {
	return s.cohorts(ctx, `SELECT DISTINCT `+cohortCols+` FROM cohorts c JOIN cohort_members m ON m.cohort_id=c.id
		WHERE m.user_id=? ORDER BY c.starts_on DESC, c.name COLLATE FRANCAIS`, userID)
}

func (s *Service) cohorts(ctx context.Context, q string, args ...any) ([]Cohort, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Cohort, error) { return scanCohort(r) }, q, args...)
}

// Members lists a cohort's members in one role, by name.
func (s *Service) Members(ctx context.Context, cohortID int64, role Role) ([]User, error) {
	users, err := s.users(ctx, `SELECT `+prefixed("u.", userCols)+` FROM users u
		JOIN cohort_members m ON m.user_id=u.id WHERE m.cohort_id=? AND m.member_role=?`, cohortID, string(role))
	// In French order of names, then by id, sorted here: SQLite's collation
	// calls back into Go at every comparison (0.4 s for 10,000 names).
	french.SortByName(users, func(u User) string { return u.DisplayName }, func(u User) int64 { return u.ID })
	return users, err
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// SharedCohorts are the cohorts through which viewer may read a learner's
// data: nil (all) for the learner and the administrator, else the cohorts
// where the learner learns and the viewer manages or assesses — sharing one
// cohort opens nothing of another. ok is false when there is none.
func (s *Service) SharedCohorts(ctx context.Context, viewer User, learnerID int64) (cohorts []int64, ok bool, err error) {
	if viewer.ID == learnerID || viewer.Role == Admin {
		return nil, true, nil
	}
	if viewer.Role != Manager && viewer.Role != Assessor {
		return nil, false, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT DISTINCT v.cohort_id FROM cohort_members v JOIN cohort_members l ON l.cohort_id=v.cohort_id
		WHERE v.user_id=? AND v.member_role IN ('manager','assessor') AND l.user_id=? AND l.member_role='learner' ORDER BY v.cohort_id`, viewer.ID, learnerID)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	cohorts = []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		cohorts = append(cohorts, id)
	}
	return cohorts, len(cohorts) > 0, rows.Err()
}

// Withdraw is the removal of a member by a person: the removal and its
// audit entry (address is the actor's) in one transaction.
func (s *Service) Withdraw(ctx context.Context, actor User, co Cohort, userID int64, role Role, address string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role=?`, co.ID, userID, string(role)); err != nil {
			return err
		}
		return AuditTx(ctx, tx, Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionMembership,
			SubjectUserID: userID, Target: "promotion " + co.Name, Address: address, Detail: "retirer " + string(role)})
	})
}

// RemoveMember withdraws a member from a cohort in one role.
func (s *Service) RemoveMember(ctx context.Context, cohortID, userID int64, role Role) error {
	_, err := s.db.Write.ExecContext(ctx, `DELETE FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role=?`, cohortID, userID, string(role))
	return err
}

// IsMember tells whether a user belongs to a cohort in one of the roles.
func (s *Service) IsMember(ctx context.Context, cohortID, userID int64, roles ...Role) (bool, error) {
	var n int
	for _, r := range roles {
		if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role=?`,
			cohortID, userID, string(r)).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// NonMembers lists the active accounts of a role that are not yet in a
// cohort in that role and that actor may add (see Enrol: not another
// cohort's learner, unless actor is an administrator or manages it).
func (s *Service) NonMembers(ctx context.Context, actor User, cohortID int64, role Role) ([]User, error) {
	return s.users(ctx, `SELECT `+userCols+` FROM users u WHERE u.role=? AND u.disabled=0 AND u.external=0
		AND NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id=? AND m.user_id=u.id AND m.member_role=?)
		AND (?='admin' OR u.role<>'learner' OR NOT EXISTS (SELECT 1 FROM cohort_members l WHERE l.user_id=u.id AND l.member_role='learner'
			AND NOT EXISTS (SELECT 1 FROM cohort_members a WHERE a.cohort_id=l.cohort_id AND a.user_id=? AND a.member_role='manager')))
		ORDER BY u.display_name COLLATE FRANCAIS, u.id`, string(role), cohortID, string(role), string(actor.Role), actor.ID)
}

// SetAnonymousMarking turns anonymous marking on or off for a cohort.
func (s *Service) SetAnonymousMarking(ctx context.Context, cohortID int64, on bool) error {
	return SetAnonymousMarkingIn(ctx, s.db.Write, cohortID, on)
}

// SetAnonymousMarkingIn is SetAnonymousMarking inside another domain's
// transaction (the marking rules are saved with it).
func SetAnonymousMarkingIn(ctx context.Context, x db.Querier, cohortID int64, on bool) error {
	_, err := x.ExecContext(ctx, `UPDATE cohorts SET anonymous_marking=? WHERE id=?`, on, cohortID)
	return err
}

// ActionSandboxTrust is the audit action of the sandbox setting.
const ActionSandboxTrust = "réglage du bac à sable"

// SetSandboxTrust shows or hides the sandbox's trust gauge to the cohort's
// learners.
func (s *Service) SetSandboxTrust(ctx context.Context, actor User, cohortID int64, on bool, address string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cohorts SET sandbox_trust_visible=? WHERE id=?`, on, cohortID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Promotion introuvable.")
		}
		detail := "jauge de confiance masquée aux apprenants"
		if on {
			detail = "jauge de confiance montrée aux apprenants"
		}
		return AuditTx(ctx, tx, Entry{ActorID: actor.ID, ActorLogin: actor.Login, Action: ActionSandboxTrust,
			Target: fmt.Sprintf("promotion %d", cohortID), Address: address, Detail: detail})
	})
}
