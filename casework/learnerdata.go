package casework

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// The right of access (export) and the right to erasure of a learner's
// case files. The people in the cases are fictional; the learner's work on
// them (what they asked, noted, wrote and decided) is theirs.

// CaseExport is one case file as exported (French keys: the learner reads it).
type CaseExport struct {
	ID              int64               `json:"id"`
	Scenario        string              `json:"cas_pratique"`
	ScenarioTitle   string              `json:"titre_du_cas"`
	Person          string              `json:"personne_fictive"`
	State           string              `json:"etat"`
	Day             int                 `json:"jour_simule"`
	Trust           int                 `json:"confiance"`
	Minutes         int                 `json:"minutes_d_entretien"`
	Urgency         UrgencyExport       `json:"urgence"`
	FirstDiagnostic string              `json:"premier_diagnostic"`
	FullDiagnostic  string              `json:"diagnostic_approfondi"`
	Review          string              `json:"bilan"`
	Transmission    string              `json:"note_de_transmission"`
	OpenedAt        time.Time           `json:"ouvert_le"`
	ClosedAt        *time.Time          `json:"clos_le,omitempty"`
	Journal         []JournalExport     `json:"journal"`
	Transcript      []LineExport        `json:"entretien"`
	Situations      []SituationExport   `json:"situations"`
	Referrals       []ReferralExport    `json:"orientations"`
	Plan            []GoalExport        `json:"projet"`
	Contract        *ContractExport     `json:"contrat,omitempty"`
	Appointments    []AppointmentExport `json:"rendez_vous"`
	Comments        []CommentExport     `json:"commentaires_des_formateurs"`
}

// UrgencyExport is the urgency the learner assessed.
type UrgencyExport struct {
	Level string `json:"niveau"`
	Why   string `json:"motif,omitempty"`
	Day   *int   `json:"jour,omitempty"`
}

// JournalExport is a line of the case's journal.
type JournalExport struct {
	Day     int       `json:"jour_simule"`
	At      time.Time `json:"le"`
	Kind    string    `json:"nature"`
	Summary string    `json:"resume"`
}

// LineExport is a line of the interview.
type LineExport struct {
	Speaker string `json:"qui"`
	Ref     string `json:"reference,omitempty"`
	Text    string `json:"texte"`
}

// SituationExport is a situation of the diagnostic.
type SituationExport struct {
	Domain   string `json:"domaine"`
	Label    string `json:"situation"`
	Status   string `json:"etat"`
	NotedDay int    `json:"reperee_le_jour"`
	EndedDay *int   `json:"levee_le_jour,omitempty"`
	Note     string `json:"note,omitempty"`
}

// ReferralExport is a fiche de liaison.
type ReferralExport struct {
	Structure string `json:"structure"`
	Service   string `json:"service"`
	Reason    string `json:"motif"`
	Criteria  string `json:"criteres_d_acces,omitempty"`
	Consent   bool   `json:"consentement"`
	Contact   string `json:"preferences_de_contact,omitempty"`
	Status    string `json:"etat"`
	Refusal   string `json:"motif_de_refus,omitempty"`
	SentDay   int    `json:"envoyee_le_jour"`
	AnswerDay *int   `json:"reponse_le_jour,omitempty"`
	Reminded  bool   `json:"relancee"`
}

// GoalExport is an objective of the plan with its actions.
type GoalExport struct {
	Theme      string         `json:"thematique"`
	Label      string         `json:"objectif"`
	Status     string         `json:"etat"`
	CreatedDay int            `json:"fixe_le_jour"`
	EndedDay   *int           `json:"termine_le_jour,omitempty"`
	Actions    []ActionExport `json:"actions"`
}

// ActionExport is an action of the plan.
type ActionExport struct {
	Label    string `json:"action"`
	Status   string `json:"etat"`
	StartDay int    `json:"debut_jour"`
	EndDay   *int   `json:"fin_jour,omitempty"`
	Referent string `json:"referent,omitempty"`
	Partner  string `json:"partenaire,omitempty"`
}

// ContractExport is the case's contract.
type ContractExport struct {
	Type                 string `json:"type"`
	SignedDay            *int   `json:"signe_le_jour,omitempty"`
	StartDay             *int   `json:"debut_jour,omitempty"`
	EndDay               *int   `json:"fin_jour,omitempty"`
	PersonCommitments    string `json:"engagements_de_la_personne"`
	StructureCommitments string `json:"engagements_de_la_structure"`
	Steps                string `json:"etapes"`
	FollowUp             string `json:"modalites_de_suivi"`
}

// AppointmentExport is a meeting of the agenda.
type AppointmentExport struct {
	Day     int    `json:"jour"`
	Purpose string `json:"objet"`
	Status  string `json:"etat"`
}

// CommentExport is a trainer's comment on the case.
type CommentExport struct {
	Author string    `json:"auteur"`
	At     time.Time `json:"le"`
	Text   string    `json:"texte"`
}

// day turns the « -1 = none » days of the reads into an optional value.
func day(d int) *int {
	if d < 0 {
		return nil
	}
	return &d
}

// ExportLearner gathers every case file of a learner, with its journal,
// interview, diagnostic, referrals, plan, contract, agenda and comments.
// Only an administrator or the learner themself may export them.
func (s *Store) ExportLearner(ctx context.Context, viewer account.User, learnerID int64) ([]CaseExport, error) {
	if viewer.Role != account.Admin && viewer.ID != learnerID {
		return nil, apperr.New(apperr.Forbidden, "Seul un administrateur, ou la personne elle-même, exporte ses données.")
	}
	cases, err := s.Cases(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	out := []CaseExport{}
	for i := len(cases) - 1; i >= 0; i-- { // oldest first
		ce, err := s.exportCase(ctx, cases[i])
		if err != nil {
			return nil, err
		}
		out = append(out, ce)
	}
	return out, nil
}

func (s *Store) exportCase(ctx context.Context, c Case) (CaseExport, error) {
	ce := CaseExport{ID: c.ID, Scenario: c.ScenarioID, ScenarioTitle: c.Scenario.Title,
		Person: c.Scenario.Person.FirstName + " " + c.Scenario.Person.LastName, State: c.State.Label(), Day: c.Day, Trust: c.Trust,
		Minutes: c.Minutes, Urgency: UrgencyExport{Level: UrgencyLabel(c.Urgency), Why: c.UrgencyWhy, Day: day(c.UrgencyDay)},
		FirstDiagnostic: c.FirstDiagnostic, FullDiagnostic: c.FullDiagnostic, Review: c.Review, Transmission: c.Transmission,
		OpenedAt: c.CreatedAt, Journal: []JournalExport{}, Transcript: []LineExport{}, Situations: []SituationExport{},
		Referrals: []ReferralExport{}, Plan: []GoalExport{}, Appointments: []AppointmentExport{}, Comments: []CommentExport{}}
	if !c.ClosedAt.IsZero() {
		at := c.ClosedAt
		ce.ClosedAt = &at
	}
	journal, err := s.Journal(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, e := range journal {
		ce.Journal = append(ce.Journal, JournalExport{Day: e.Day, At: e.At, Kind: e.Kind, Summary: e.Summary})
	}
	lines, err := s.Transcript(ctx, c)
	if err != nil {
		return ce, err
	}
	speakers := map[string]string{"pro": "vous (professionnel·le)", "personne": ce.Person, "note": "note"}
	for _, l := range lines {
		ce.Transcript = append(ce.Transcript, LineExport{Speaker: speakers[l.Speaker], Ref: l.Ref, Text: l.Text})
	}
	sits, err := s.Situations(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, x := range sits {
		state := "repérée"
		if x.Status == "levee" {
			state = "levée"
		}
		ce.Situations = append(ce.Situations, SituationExport{Domain: DomainLabels[x.Domain], Label: x.Label, Status: state,
			NotedDay: x.NotedDay, EndedDay: day(x.EndedDay), Note: x.Note})
	}
	refs, err := s.Referrals(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, r := range refs {
		re := ReferralExport{Structure: r.StructureID, Service: r.ServiceID, Reason: r.Reason, Criteria: r.Criteria, Consent: r.Consent,
			Contact: r.Contact, Status: ReferralStatusLabel(r.Status), Refusal: r.Refusal, SentDay: r.SentDay, AnswerDay: day(r.AnswerDay), Reminded: r.Reminded}
		if r.Structure != nil {
			re.Structure = r.Structure.Name
		}
		if r.Service != nil {
			re.Service = r.Service.Name
		}
		ce.Referrals = append(ce.Referrals, re)
	}
	goals, err := s.Plan(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, g := range goals {
		ge := GoalExport{Theme: ThemeLabel(g.Theme), Label: g.Label, Status: GoalStatuses[g.Status], CreatedDay: g.CreatedDay,
			EndedDay: day(g.EndedDay), Actions: []ActionExport{}}
		for _, a := range g.Actions {
			ge.Actions = append(ge.Actions, ActionExport{Label: a.Label, Status: ActionStatusLabel(a.Status), StartDay: a.StartDay,
				EndDay: day(a.EndDay), Referent: a.Referent, Partner: a.Partner})
		}
		ce.Plan = append(ce.Plan, ge)
	}
	k, err := s.Contract(ctx, c)
	if err != nil {
		return ce, err
	}
	if k.Exists {
		ce.Contract = &ContractExport{Type: ContractTypeLabel(k.Type), SignedDay: day(k.SignedDay), StartDay: day(k.StartDay), EndDay: day(k.EndDay),
			PersonCommitments: k.PersonCommitments, StructureCommitments: k.StructureCommitments, Steps: k.Steps, FollowUp: k.FollowUp}
	}
	apts, err := s.Appointments(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, a := range apts {
		ce.Appointments = append(ce.Appointments, AppointmentExport{Day: a.Day, Purpose: a.Purpose, Status: AppointmentStatuses[a.Status]})
	}
	comments, err := s.Comments(ctx, c)
	if err != nil {
		return ce, err
	}
	for _, k := range comments {
		ce.Comments = append(ce.Comments, CommentExport{Author: k.Author, At: k.At, Text: k.Text})
	}
	return ce, nil
}

// CountCases counts a learner's case files.
func (s *Store) CountCases(ctx context.Context, learnerID int64) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE learner_id=?`, learnerID).Scan(&n)
	return n, err
}

// EraseLearner deletes, inside the erasure's transaction, a learner's case
// files and everything in them (journal, interview, situations, referrals,
// plan, contract, agenda, events, comments: the schema cascades from
// cases). It returns a summary in counts, for the audit log.
func (s *Store) EraseLearner(ctx context.Context, tx *sql.Tx, learnerID int64) (string, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM cases WHERE learner_id=?`, learnerID)
	if err != nil {
		return "", err
	}
	n, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `DELETE FROM exercise_attempts WHERE learner_id=?`, learnerID)
	if err != nil {
		return "", err
	}
	m, _ := res.RowsAffected()
	return fmt.Sprintf("%d dossier(s) et %d exercice(s) du bac à sable effacé(s)", n, m), nil
}
