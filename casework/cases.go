package casework

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations are the tables this package owns.
var Migrations = db.Migrations{Owner: "casework", FS: migrationsFS, Dir: "migrations"}

// CaseState is where a case file stands.
type CaseState string

// The states of a case: accueil → diagnostic → orientation (external,
// closing) or accompagnement → contrat signé → suivi → bilan → clos.
const (
	StateReception  CaseState = "accueil"
	StateDiagnostic CaseState = "diagnostic"
	StateReferral   CaseState = "orientation"
	StateSupport    CaseState = "accompagnement"
	StateContract   CaseState = "contrat"
	StateFollowUp   CaseState = "suivi"
	StateReview     CaseState = "bilan"
	StateClosed     CaseState = "clos"
)

// Label is the state in French.
func (s CaseState) Label() string {
	switch s {
	case StateReception:
		return "Accueil"
	case StateDiagnostic:
		return "Diagnostic"
	case StateReferral:
		return "Orientation"
	case StateSupport:
		return "Accompagnement"
	case StateContract:
		return "Contrat signé"
	case StateFollowUp:
		return "Suivi"
	case StateReview:
		return "Bilan"
	case StateClosed:
		return "Clos"
	}
	return string(s)
}

var stateRank = map[CaseState]int{StateReception: 0, StateDiagnostic: 1, StateReferral: 2, StateSupport: 3, StateContract: 4, StateFollowUp: 5, StateReview: 6, StateClosed: 7}

// Urgency levels, from the domain notes.
var Urgencies = []struct{ Value, Label, Hint string }{
	{"immediate", "Immédiate", "le jour même : 115/SIAO, 15, 119, 3919"},
	{"urgente", "Urgente", "sous 72 heures"},
	{"prioritaire", "Prioritaire", "sous 15 jours"},
	{"non-urgente", "Non urgente", "dans le cours normal de l'accompagnement"},
}

// UrgencyLabel names an urgency level.
func UrgencyLabel(v string) string {
	for _, u := range Urgencies {
		if u.Value == v {
			return u.Label
		}
	}
	return "Non évaluée"
}

// Case is a learner's case file.
type Case struct {
	ID              int64
	LearnerID       int64
	LearnerName     string
	ScenarioID      string
	Scenario        *Scenario
	State           CaseState
	Day             int
	Trust           int
	Minutes         int
	Urgency         string
	UrgencyWhy      string
	UrgencyDay      int
	FirstDiagnostic string
	FullDiagnostic  string
	Review          string
	Transmission    string
	CreatedAt       time.Time
	ClosedAt        time.Time
	// Clock is the time of the simulated day, in minutes since midnight.
	Clock int
}

// Closed tells whether the case is closed (read-only).
func (c Case) Closed() bool { return c.State == StateClosed }

// Store is the sandbox store: case files and their work.
type Store struct {
	db  *db.DB
	lib *Library
	fw  *referentiel.Framework
	now func() time.Time
}

// New returns the sandbox service.
func New(d *db.DB, lib *Library, fw *referentiel.Framework) *Store {
	return &Store{db: d, lib: lib, fw: fw, now: time.Now}
}

// Library is the loaded content.
func (s *Store) Library() *Library { return s.lib }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

const caseCols = `c.id, c.learner_id, u.display_name, c.scenario_id, c.state, c.sim_day, c.trust, c.minutes, c.urgency, c.urgency_why,
	coalesce(c.urgency_day,-1), c.first_diagnostic, c.full_diagnostic, c.review, c.transmission, c.created_at, c.closed_at, c.clock`

func (s *Store) scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var created string
	var closed sql.NullString
	err := row.Scan(&c.ID, &c.LearnerID, &c.LearnerName, &c.ScenarioID, &c.State, &c.Day, &c.Trust, &c.Minutes, &c.Urgency, &c.UrgencyWhy,
		&c.UrgencyDay, &c.FirstDiagnostic, &c.FullDiagnostic, &c.Review, &c.Transmission, &created, &closed, &c.Clock)
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "Dossier introuvable.")
	}
	if err != nil {
		return c, err
	}
	c.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if closed.Valid {
		c.ClosedAt, _ = time.Parse(time.RFC3339Nano, closed.String)
	}
	sc, ok := s.lib.Scenario(c.ScenarioID)
	if !ok {
		return c, fmt.Errorf("scénario %q introuvable pour le dossier %d", c.ScenarioID, c.ID)
	}
	c.Scenario = sc
	return c, nil
}

// MaxCasesPerScenario is how many times a learner may work one scenario.
const MaxCasesPerScenario = 5

// Open starts a case file on a scenario for a learner, or returns the one
// still open on it.
func (s *Store) Open(ctx context.Context, learner account.User, scenarioID string) (Case, error) {
	if learner.Role != account.Learner {
		return Case{}, apperr.New(apperr.Forbidden, "Seuls les apprenants ouvrent des dossiers dans le bac à sable.")
	}
	sc, ok := s.lib.Scenario(scenarioID)
	if !ok {
		return Case{}, apperr.New(apperr.NotFound, "Ce cas n'existe pas.")
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// One case at a time per scenario, MaxCasesPerScenario in all,
		// checked in the writing transaction: a replayed or doubled form
		// opens nothing more.
		var open, all int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(CASE WHEN state<>'clos' THEN id END),0), count(*)
			FROM cases WHERE learner_id=? AND scenario_id=?`, learner.ID, sc.ID).Scan(&open, &all); err != nil {
			return err
		}
		if open != 0 {
			id = open
			return nil
		}
		if all >= MaxCasesPerScenario {
			return apperr.New(apperr.Conflict, "Vous avez déjà traité ce cas %d fois : choisissez-en un autre, ou relisez vos dossiers et leurs débriefings.", all)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cases(learner_id, scenario_id, trust, created_at, clock) VALUES (?,?,?,?,?)`,
			learner.ID, sc.ID, sc.StartTrust, stamp(s.now()), sc.ArrivalMinute())
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		st, _ := s.lib.Structure(sc.Structure)
		how := "se présente à l'accueil"
		if sc.Arrival == "telephonique" {
			how = "appelle"
		}
		if err := s.journal(ctx, tx, id, 0, learner.ID, "accueil", fmt.Sprintf("%s %s %s de %s.", sc.Person.FirstName, sc.Person.LastName, how, st.Name)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO case_transcript(case_id, speaker, text) VALUES (?,?,?),(?,?,?)`,
			id, "note", sc.Presentation, id, "personne", sc.Demand)
		return err
	})
	if err != nil {
		return Case{}, err
	}
	return s.Case(ctx, learner, id)
}

// Case returns a case the viewer may read: its learner, or staff of the
// learner's cohorts (read-only), or an administrator.
func (s *Store) Case(ctx context.Context, viewer account.User, id int64) (Case, error) {
	c, err := s.scanCase(s.db.Read.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases c JOIN users u ON u.id=c.learner_id WHERE c.id=?`, id))
	if err != nil {
		return c, err
	}
	if ok, err := s.mayRead(ctx, viewer, c.LearnerID); err != nil || ok {
		return c, err
	}
	return Case{}, apperr.New(apperr.Forbidden, "Ce dossier est celui d'un autre apprenant.")
}

// mayRead tells whether a viewer reads a learner's sandbox work: the
// learner, an administrator, a manager or assessor of a cohort the learner
// is in.
func (s *Store) mayRead(ctx context.Context, viewer account.User, learnerID int64) (bool, error) {
	if viewer.ID == learnerID || viewer.Role == account.Admin {
		return true, nil
	}
	if viewer.Role != account.Manager && viewer.Role != account.Assessor {
		return false, nil
	}
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members v JOIN cohort_members l ON l.cohort_id=v.cohort_id
		WHERE v.user_id=? AND v.member_role IN ('manager','assessor') AND l.user_id=? AND l.member_role='learner'`, viewer.ID, learnerID).Scan(&n)
	return n > 0, err
}

// own returns a case to its learner for a change, refusing closed cases.
func (s *Store) own(ctx context.Context, learner account.User, id int64) (Case, error) {
	c, err := s.Case(ctx, learner, id)
	if err != nil {
		return c, err
	}
	if c.LearnerID != learner.ID {
		return Case{}, apperr.New(apperr.Forbidden, "Seul l'apprenant qui tient le dossier peut le modifier.")
	}
	if c.Closed() {
		return Case{}, apperr.New(apperr.Conflict, "Ce dossier est clos : il est en lecture seule.")
	}
	return c, nil
}

// Cases lists a learner's cases, most recent first.
func (s *Store) Cases(ctx context.Context, learnerID int64) ([]Case, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Case, error) { return s.scanCase(r) },
		`SELECT `+caseCols+` FROM cases c JOIN users u ON u.id=c.learner_id WHERE c.learner_id=? ORDER BY c.id DESC`, learnerID)
}

// journal records a dated line of the case's journal.
func (s *Store) journal(ctx context.Context, tx db.Querier, caseID int64, day int, actorID int64, kind, summary string) error {
	var actor any
	if actorID != 0 {
		actor = actorID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_journal(case_id, sim_day, at, actor_id, kind, summary) VALUES (?,?,?,?,?,?)`,
		caseID, day, stamp(s.now()), actor, kind, summary)
	return err
}

// advanceState moves the case forward (never backwards) as work is done.
func advanceState(ctx context.Context, tx db.Querier, c Case, to CaseState) error {
	if stateRank[to] <= stateRank[c.State] {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE cases SET state=? WHERE id=?`, string(to), c.ID)
	return err
}

// JournalEntry is a line of the journal.
type JournalEntry struct {
	Day     int
	At      time.Time
	Kind    string
	Summary string
}

// Journal returns the case's journal, oldest first.
func (s *Store) Journal(ctx context.Context, c Case) ([]JournalEntry, error) {
	return db.Collect(ctx, s.db.Read, func(r db.Row) (JournalEntry, error) {
		var e JournalEntry
		var at string
		err := r.Scan(&e.Day, &at, &e.Kind, &e.Summary)
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		return e, err
	}, `SELECT sim_day, at, kind, summary FROM case_journal WHERE case_id=? ORDER BY id`, c.ID)
}

func trimmed(s string, max int) (string, bool) {
	s = strings.TrimSpace(s)
	return s, len([]rune(s)) <= max
}

// TrustVisible tells whether the case's learner belongs to a cohort whose
// trainers chose to show the trust gauge and confidentiality status.
func (s *Store) TrustVisible(ctx context.Context, c Case) bool {
	var on bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM cohort_members m JOIN cohorts co ON co.id=m.cohort_id
		WHERE m.user_id=? AND m.member_role='learner' AND co.sandbox_trust_visible=1)`, c.LearnerID).Scan(&on)
	return err == nil && on
}
