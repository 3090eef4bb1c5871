package casework

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// Goal statuses and action statuses, from the domain notes.
var (
	GoalStatuses = map[string]string{"en_cours": "En cours", "atteint": "Atteint", "abandonne": "Abandonné"}
	// ActionStatuses are in display order.
	ActionStatuses = []struct{ Value, Label string }{
		{"en_projet", "En projet"}, {"en_cours", "En cours"}, {"en_attente", "En attente"}, {"realisee", "Réalisée"},
		{"abandonnee_personne", "Abandonnée par la personne"}, {"annulee_structure", "Annulée par la structure"},
	}
	ContractTypes = []struct{ Value, Label string }{
		{"contrat-engagement", "Contrat d'engagement (RSA, depuis 2025)"}, {"cej", "Contrat d'engagement jeune (CEJ)"},
		{"pacea", "PACEA"}, {"accompagnement-social", "Contrat d'accompagnement social (CCAS ou Département)"},
		{"asll", "Accompagnement social lié au logement (ASLL, FSL)"}, {"masp", "Mesure d'accompagnement social personnalisé (MASP, Département)"},
		{"aucun", "Aucun contrat"},
	}
	// retiredContractTypes stay readable on old cases: CER and PPAE were
	// replaced by the contrat d'engagement on 1 January 2025.
	retiredContractTypes = []struct{ Value, Label string }{
		{"cer", "Contrat d'engagement réciproque (CER, remplacé en 2025)"}, {"ppae", "PPAE (remplacé en 2025)"},
	}
	AppointmentStatuses = map[string]string{"prevu": "Prévu", "honore": "Honoré", "excuse": "Excusé", "absent": "Absent", "annule": "Annulé"}
)

// ActionStatusLabel names an action status.
func ActionStatusLabel(v string) string {
	for _, a := range ActionStatuses {
		if a.Value == v {
			return a.Label
		}
	}
	return v
}

// Goal is an objective of the accompaniment plan, with its actions.
type Goal struct {
	ID         int64
	Theme      string
	Label      string
	Status     string
	CreatedDay int
	EndedDay   int
	Actions    []Action
}

// Action is a step towards a goal.
type Action struct {
	ID       int64
	Label    string
	Status   string
	StartDay int
	EndDay   int
	Referent string
	Partner  string
}

// Plan returns the goals and their actions.
func (s *Store) Plan(ctx context.Context, c Case) ([]Goal, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, theme, label, status, created_day, coalesce(ended_day,-1) FROM plan_goals WHERE case_id=? ORDER BY id`, c.ID)
	if err != nil {
		return nil, err
	}
	var goals []Goal
	index := map[int64]int{}
	for rows.Next() {
		var g Goal
		if err := rows.Scan(&g.ID, &g.Theme, &g.Label, &g.Status, &g.CreatedDay, &g.EndedDay); err != nil {
			rows.Close()
			return nil, err
		}
		index[g.ID] = len(goals)
		goals = append(goals, g)
	}
	rows.Close()
	arows, err := s.db.Read.QueryContext(ctx, `SELECT a.id, a.goal_id, a.label, a.status, a.start_day, coalesce(a.end_day,-1), a.referent, a.partner
		FROM plan_actions a JOIN plan_goals g ON g.id=a.goal_id WHERE g.case_id=? ORDER BY a.id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var a Action
		var gid int64
		if err := arows.Scan(&a.ID, &gid, &a.Label, &a.Status, &a.StartDay, &a.EndDay, &a.Referent, &a.Partner); err != nil {
			return nil, err
		}
		goals[index[gid]].Actions = append(goals[index[gid]].Actions, a)
	}
	return goals, arows.Err()
}

// AddGoal adds an objective to the plan.
func (s *Store) AddGoal(ctx context.Context, learner account.User, caseID int64, theme, label string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if !themeKnown(theme) {
		fields["thematique"] = "Choisissez une thématique."
	}
	label, ok := trimmed(label, 300)
	if label == "" || !ok {
		fields["objectif"] = "Formulez l'objectif en une phrase (300 caractères au plus)."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_goals(case_id, theme, label, status, created_day) VALUES (?,?,?,?,?)`,
			c.ID, theme, label, "en_cours", c.Day); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateSupport); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "projet", "Objectif ajouté : "+label)
	})
}

// SetGoalStatus marks a goal reached or abandoned (or back in progress).
func (s *Store) SetGoalStatus(ctx context.Context, learner account.User, caseID, goalID int64, status string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	label, ok := GoalStatuses[status]
	if !ok {
		return apperr.New(apperr.Invalid, "État d'objectif inconnu.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var ended any
		if status != "en_cours" {
			ended = c.Day
		}
		res, err := tx.ExecContext(ctx, `UPDATE plan_goals SET status=?, ended_day=? WHERE id=? AND case_id=?`, status, ended, goalID, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Objectif introuvable.")
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "projet", fmt.Sprintf("Objectif n° %d : %s", goalID, label))
	})
}

// ActionInput is the form to add an action.
type ActionInput struct {
	GoalID   int64
	Label    string
	Referent string
	Partner  string
	StartDay int
}

// AddAction adds an action to a goal of the case.
func (s *Store) AddAction(ctx context.Context, learner account.User, caseID int64, in ActionInput) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	label, ok := trimmed(in.Label, 300)
	if label == "" || !ok {
		fields["action"] = "Décrivez l'action (300 caractères au plus)."
	}
	if in.Partner != "" {
		if _, ok := s.lib.Structure(in.Partner); !ok {
			fields["partenaire"] = "Choisissez un partenaire de l'annuaire."
		}
	}
	if in.StartDay < c.Day {
		in.StartDay = c.Day
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	referent, _ := trimmed(in.Referent, 120)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM plan_goals WHERE id=? AND case_id=?`, in.GoalID, c.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "Objectif introuvable.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_actions(goal_id, label, status, start_day, referent, partner) VALUES (?,?,?,?,?,?)`,
			in.GoalID, label, "en_projet", in.StartDay, referent, in.Partner); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "projet", "Action ajoutée : "+label)
	})
}

// SetActionStatus changes an action's status; final statuses end it.
func (s *Store) SetActionStatus(ctx context.Context, learner account.User, caseID, actionID int64, status string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	if ActionStatusLabel(status) == status {
		return apperr.New(apperr.Invalid, "État d'action inconnu.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var ended any
		switch status {
		case "realisee", "abandonnee_personne", "annulee_structure":
			ended = c.Day
		}
		res, err := tx.ExecContext(ctx, `UPDATE plan_actions SET status=?, end_day=? WHERE id=? AND goal_id IN (SELECT id FROM plan_goals WHERE case_id=?)`,
			status, ended, actionID, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Action introuvable.")
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "projet", fmt.Sprintf("Action n° %d : %s", actionID, ActionStatusLabel(status)))
	})
}

// Contract is the case's contract.
type Contract struct {
	Type                 string
	SignedDay            int
	StartDay, EndDay     int
	PersonCommitments    string
	StructureCommitments string
	Steps                string
	FollowUp             string
	Exists               bool
}

// ContractTypeLabel names a contract type.
func ContractTypeLabel(v string) string {
	for _, t := range append(ContractTypes, retiredContractTypes...) {
		if t.Value == v {
			return t.Label
		}
	}
	return v
}

// contractTypeOffered tells whether a type can be chosen for a new contract.
func contractTypeOffered(v string) bool {
	for _, t := range ContractTypes {
		if t.Value == v {
			return true
		}
	}
	return false
}

// Contract returns the case's contract, if any.
func (s *Store) Contract(ctx context.Context, c Case) (Contract, error) {
	var k Contract
	err := s.db.Read.QueryRowContext(ctx, `SELECT type, coalesce(signed_day,-1), coalesce(start_day,-1), coalesce(end_day,-1), person_commitments,
		structure_commitments, steps, follow_up FROM contracts WHERE case_id=?`, c.ID).
		Scan(&k.Type, &k.SignedDay, &k.StartDay, &k.EndDay, &k.PersonCommitments, &k.StructureCommitments, &k.Steps, &k.FollowUp)
	if err == sql.ErrNoRows {
		return Contract{SignedDay: -1, StartDay: -1, EndDay: -1}, nil
	}
	k.Exists = err == nil
	return k, err
}

// SaveContract stores the contract; Sign records the signature on the
// current simulated day.
func (s *Store) SaveContract(ctx context.Context, learner account.User, caseID int64, k Contract, sign bool) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if !contractTypeOffered(k.Type) {
		fields["type"] = "Choisissez un type de contrat."
	}
	for key, v := range map[string]*string{"engagements_personne": &k.PersonCommitments, "engagements_structure": &k.StructureCommitments,
		"etapes": &k.Steps, "suivi": &k.FollowUp} {
		t, ok := trimmed(*v, 5000)
		if !ok {
			fields[key] = "Ce champ tient en 5 000 caractères au plus."
		}
		*v = t
	}
	if sign && (k.PersonCommitments == "" || k.StructureCommitments == "") {
		fields["engagements_personne"] = "Avant la signature, écrivez les engagements réciproques."
	}
	if k.EndDay >= 0 && k.StartDay >= 0 && k.EndDay < k.StartDay {
		fields["fin"] = "La fin du contrat doit suivre son début."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	prev, err := s.Contract(ctx, c)
	if err != nil {
		return err
	}
	signed := prev.SignedDay
	if sign {
		signed = c.Day
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var sd any
		if signed >= 0 {
			sd = signed
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contracts(case_id, type, signed_day, start_day, end_day, person_commitments, structure_commitments, steps, follow_up)
			VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(case_id) DO UPDATE SET type=excluded.type, signed_day=excluded.signed_day, start_day=excluded.start_day,
			end_day=excluded.end_day, person_commitments=excluded.person_commitments, structure_commitments=excluded.structure_commitments,
			steps=excluded.steps, follow_up=excluded.follow_up`,
			c.ID, k.Type, sd, nullDay(k.StartDay), nullDay(k.EndDay), k.PersonCommitments, k.StructureCommitments, k.Steps, k.FollowUp); err != nil {
			return err
		}
		summary := "Contrat enregistré : " + ContractTypeLabel(k.Type)
		if sign {
			summary = "Contrat signé : " + ContractTypeLabel(k.Type)
			if err := advanceState(ctx, tx, c, StateContract); err != nil {
				return err
			}
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "contrat", summary)
	})
}

func nullDay(d int) any {
	if d < 0 {
		return nil
	}
	return d
}

// Appointment is a meeting with the person on a simulated day.
type Appointment struct {
	ID      int64
	Day     int
	Purpose string
	Status  string
	Mode    string // presentiel, telephone
}

// AppointmentModes are the ways to meet.
var AppointmentModes = []struct{ Value, Label string }{{"presentiel", "En face à face, à la structure"}, {"telephone", "Par téléphone"}}

// Appointments lists the agenda.
func (s *Store) Appointments(ctx context.Context, c Case) ([]Appointment, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, day, purpose, status, mode FROM appointments WHERE case_id=? ORDER BY day, id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appointment
	for rows.Next() {
		var a Appointment
		if err := rows.Scan(&a.ID, &a.Day, &a.Purpose, &a.Status, &a.Mode); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddAppointment plans a meeting on a future simulated day.
func (s *Store) AddAppointment(ctx context.Context, learner account.User, caseID int64, day int, purpose, mode string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if day <= c.Day || day > c.Day+180 {
		fields["jour"] = fmt.Sprintf("Choisissez un jour entre J%d et J%d.", c.Day+1, c.Day+180)
	}
	purpose, ok := trimmed(purpose, 300)
	if purpose == "" || !ok {
		fields["objet"] = "Indiquez l'objet du rendez-vous (300 caractères au plus)."
	}
	if mode == "" {
		mode = "presentiel"
	}
	modeLabel := "en face à face"
	switch mode {
	case "presentiel":
	case "telephone":
		modeLabel = "par téléphone"
	default:
		fields["mode"] = "Choisissez : en face à face ou par téléphone."
	}
	if _, bad := fields["jour"]; !bad {
		h := s.lib.HoursOf(c.Scenario.Structure)
		wd := c.Scenario.WeekdayOf(day)
		slots := h.desk
		if mode == "telephone" {
			slots = h.phone
		}
		if !openOnDay(slots, wd) {
			st, _ := s.lib.Structure(c.Scenario.Structure)
			fields["jour"] = fmt.Sprintf("Le jour %d est un %s : %s n'est pas ouvert ce jour-là (%s).", day, Weekdays[wd], st.Name,
				describe(map[bool][]string{true: st.Opening.Phone, false: st.Opening.Desk}[mode == "telephone"]))
		}
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO appointments(case_id, day, purpose, status, mode) VALUES (?,?,?,?,?)`, c.ID, day, purpose, "prevu", mode); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "agenda", fmt.Sprintf("Rendez-vous fixé au jour %d (%s, %s) : %s", day, Weekdays[c.Scenario.WeekdayOf(day)], modeLabel, purpose))
	})
}

// SetAppointmentStatus records an appointment's outcome.
func (s *Store) SetAppointmentStatus(ctx context.Context, learner account.User, caseID, id int64, status string) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	label, ok := AppointmentStatuses[status]
	if !ok {
		return apperr.New(apperr.Invalid, "Issue de rendez-vous inconnue.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE appointments SET status=? WHERE id=? AND case_id=?`, status, id, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Rendez-vous introuvable.")
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "agenda", fmt.Sprintf("Rendez-vous n° %d : %s", id, label))
	})
}
