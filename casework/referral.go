package casework

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// Referral is a fiche de liaison sent to a partner's service.
type Referral struct {
	ID          int64
	StructureID string
	ServiceID   string
	Structure   *Structure
	Service     *DirectoryService
	Reason      string
	Criteria    string
	Consent     bool
	Contact     string
	Status      string
	Refusal     string
	SentDay     int
	AnswerDay   int
	Reminded    bool
}

// ReferralStatusLabel names a referral's state.
func ReferralStatusLabel(s string) string {
	switch s {
	case "envoyee":
		return "Envoyée"
	case "en_etude":
		return "En étude"
	case "acceptee":
		return "Acceptée"
	case "refusee":
		return "Refusée"
	case "expiree":
		return "Expirée (sans réponse)"
	}
	return s
}

// Referral time rules from the domain notes: a reminder at D+10, expiry at D+30.
const (
	ReminderDays = 10
	ExpiryDays   = 30
)

// Referrals lists the case's referrals.
func (s *Store) Referrals(ctx context.Context, c Case) ([]Referral, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, structure_id, service_id, reason, criteria, consent, contact, status, refusal,
		sent_day, coalesce(answer_day,-1), reminded FROM referrals WHERE case_id=? ORDER BY id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		if err := rows.Scan(&r.ID, &r.StructureID, &r.ServiceID, &r.Reason, &r.Criteria, &r.Consent, &r.Contact, &r.Status, &r.Refusal,
			&r.SentDay, &r.AnswerDay, &r.Reminded); err != nil {
			return nil, err
		}
		r.Structure, r.Service = s.lib.ServiceOf(r.StructureID, r.ServiceID)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ServiceOf finds a structure's service.
func (l *Library) ServiceOf(structureID, serviceID string) (*Structure, *DirectoryService) {
	st, ok := l.structures[structureID]
	if !ok {
		return nil, nil
	}
	for i := range st.Services {
		if st.Services[i].ID == serviceID {
			return st, &st.Services[i]
		}
	}
	return st, nil
}

// ReferralInput is the fiche de liaison form.
type ReferralInput struct {
	Target   string // "structure/service"
	Reason   string
	Criteria string
	Consent  bool
	Contact  string
}

// Refer sends a fiche de liaison. The person's consent is required before
// sending (RGPD); the reason must not carry sensitive detail.
func (s *Store) Refer(ctx context.Context, learner account.User, caseID int64, in ReferralInput) error {
	c, err := s.own(ctx, learner, caseID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	var st *Structure
	var sv *DirectoryService
	if stID, svID, ok := cutSlash(in.Target); ok {
		st, sv = s.lib.ServiceOf(stID, svID)
	}
	if sv == nil {
		fields["service"] = "Choisissez le service visé dans l'annuaire du territoire."
	}
	reason, ok := trimmed(in.Reason, 1000)
	if reason == "" {
		fields["motif"] = "Indiquez le motif de l'orientation, sans détail sensible (santé, dettes, justice…)."
	} else if !ok {
		fields["motif"] = "Le motif tient en 1 000 caractères au plus."
	}
	criteria, _ := trimmed(in.Criteria, 1000)
	contact, _ := trimmed(in.Contact, 500)
	if !in.Consent {
		fields["consentement"] = "Recueillez le consentement de la personne avant d'envoyer la fiche de liaison."
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO referrals(case_id, structure_id, service_id, reason, criteria, consent, contact, status, sent_day)
			VALUES (?,?,?,?,?,?,?,?,?)`, c.ID, st.ID, sv.ID, reason, criteria, true, contact, "envoyee", c.Day); err != nil {
			return err
		}
		if err := advanceState(ctx, tx, c, StateReferral); err != nil {
			return err
		}
		return s.journal(ctx, tx, c.ID, c.Day, learner.ID, "orientation", fmt.Sprintf("Fiche de liaison envoyée : %s — %s", st.Name, sv.Name))
	})
}

func cutSlash(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// partnerAnswer says how and when a service answers a referral in this
// scenario: the scenario's override, else the service's habit.
func (s *Store) partnerAnswer(sc *Scenario, r Referral) (answer, reason string, days int) {
	for _, pa := range sc.Partners {
		if pa.Structure == r.StructureID && pa.Service == r.ServiceID {
			return pa.Answer, pa.Reason, max(pa.Days, 1)
		}
	}
	answer, days = "acceptee", 5
	if r.Service != nil {
		if r.Service.Answer != "" {
			answer = r.Service.Answer
		}
		if r.Service.AnswerDays > 0 {
			days = r.Service.AnswerDays
		}
	}
	if answer == "refusee" {
		reason = "session complète"
	}
	return answer, reason, days
}
