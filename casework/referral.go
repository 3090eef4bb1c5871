package casework

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

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
	// Mode is how the contact was made (fiche de liaison, telephone);
	// Internal marks a service of the trainee's own structure, mobilised
	// without a referral.
	Mode     string
	Internal bool
}

// ReferralModes are the ways to contact a partner.
var ReferralModes = []struct{ Value, Label string }{
	{"fiche", "Fiche de liaison (envoyée, réponse sous quelques jours)"},
	{"telephone", "Appel téléphonique maintenant, la personne présente"},
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
		sent_day, coalesce(answer_day,-1), reminded, mode, internal FROM referrals WHERE case_id=? ORDER BY id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		if err := rows.Scan(&r.ID, &r.StructureID, &r.ServiceID, &r.Reason, &r.Criteria, &r.Consent, &r.Contact, &r.Status, &r.Refusal,
			&r.SentDay, &r.AnswerDay, &r.Reminded, &r.Mode, &r.Internal); err != nil {
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
	Mode     string // fiche (default) or telephone
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
	mode := in.Mode
	if mode == "" {
		mode = "fiche"
	}
	if mode != "fiche" && mode != "telephone" {
		fields["mode"] = "Choisissez comment prendre contact : fiche de liaison ou appel."
	}
	internal := st != nil && st.ID == c.Scenario.Structure
	clock := s.ClockOf(c)
	if sv != nil && mode == "telephone" && !internal {
		wd := c.Scenario.WeekdayOf(c.Day)
		if h := s.lib.HoursOf(st.ID); !h.PhoneOpen(wd, c.Clock) {
			fields["mode"] = fmt.Sprintf("Il est %s, %s : la ligne de %s est fermée (téléphone : %s). Envoyez une fiche de liaison, ou appelez un jour d'ouverture.",
				clock.Label, clock.Weekday, st.Name, describe(st.Opening.Phone))
		}
		if !slices.Contains(sv.Mobilisation, "telephoner") {
			fields["mode"] = fmt.Sprintf("Ce service ne se mobilise pas par téléphone (%s).", mobilisationFrench(sv.Mobilisation))
		}
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	refs, err := s.Referrals(ctx, c)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.StructureID == st.ID && r.ServiceID == sv.ID && (r.Status == "envoyee" || r.Status == "en_etude" || (r.Internal && r.SentDay == c.Day)) {
			return apperr.Fields(map[string]string{"service": "Une orientation vers ce service est déjà en cours pour cette personne."})
		}
	}
	// An internal action, a phone call, or a service that answers the same
	// day: the answer comes now.
	status, answerDay, refusal := "envoyee", any(nil), ""
	summary := fmt.Sprintf("Fiche de liaison envoyée : %s — %s", st.Name, sv.Name)
	r := Referral{StructureID: st.ID, ServiceID: sv.ID, Structure: st, Service: sv, SentDay: c.Day, Mode: mode, Internal: internal}
	answer, reason, delay := s.partnerAnswer(c.Scenario, r)
	var answerLine string
	minutes := 0
	switch {
	case internal:
		status, answerDay = "acceptee", c.Day
		summary = fmt.Sprintf("Mobilisé en interne : %s — %s", st.Name, sv.Name)
		if answer == "refusee" {
			status, refusal = "refusee", reason
			summary += " (refusé : " + reason + ")"
		}
		minutes = 5
	case mode == "telephone" || delay == 0:
		minutes = 10
		if answer == "silence" {
			break
		}
		status, answerDay = answer, c.Day
		if mode == "telephone" {
			summary = fmt.Sprintf("Appel à %s — %s, la personne présente", st.Name, sv.Name)
		}
		if answer == "refusee" {
			refusal = reason
			answerLine = fmt.Sprintf("%s refuse l'orientation (motif : %s).", st.Name, reason)
		} else {
			answerLine = fmt.Sprintf("%s accepte l'orientation et propose un premier rendez-vous à la personne.", st.Name)
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO referrals(case_id, structure_id, service_id, reason, criteria, consent, contact, status, refusal, sent_day, answer_day, mode, internal)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, c.ID, st.ID, sv.ID, reason, criteria, true, contact, status, refusal, c.Day, answerDay, mode, internal); err != nil {
			return err
		}
		if minutes > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET clock=clock+? WHERE id=?`, minutes, c.ID); err != nil {
				return err
			}
		}
		if err := advanceState(ctx, tx, c, StateReferral); err != nil {
			return err
		}
		if err := s.journal(ctx, tx, c.ID, c.Day, learner.ID, "orientation", summary); err != nil {
			return err
		}
		if answerLine != "" {
			return s.journal(ctx, tx, c.ID, c.Day, 0, "orientation", answerLine)
		}
		return nil
	})
}

func mobilisationFrench(list []string) string {
	var out []string
	for _, m := range list {
		if l, ok := MobilisationLabels[m]; ok {
			out = append(out, l)
		} else {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
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
			return pa.Answer, pa.Reason, pa.Days
		}
	}
	// An orientation the expert would avoid: the partner answers it as it
	// would, with its motive.
	if a := sc.avoided(r); a != nil && a.Refusal != "" {
		days = 2
		if r.Service != nil && r.Service.AnswerDays != nil {
			days = *r.Service.AnswerDays
		}
		return "refusee", a.Refusal, days
	}
	answer, days = "acceptee", 5
	if r.Service != nil {
		if r.Service.Answer != "" {
			answer = r.Service.Answer
		}
		if r.Service.AnswerDays != nil {
			days = *r.Service.AnswerDays
		}
	}
	if answer == "refusee" {
		reason = "session complète"
	}
	return answer, reason, days
}

// avoided returns the key's orientation to avoid that a referral hits.
func (sc *Scenario) avoided(r Referral) *AvoidReferral {
	for i := range sc.Key.Avoid {
		a := &sc.Key.Avoid[i]
		switch {
		case a.Structure != "" && a.Service != "":
			if r.StructureID == a.Structure && r.ServiceID == a.Service {
				return a
			}
		case a.Structure != "":
			if r.StructureID == a.Structure {
				return a
			}
		case r.Structure != nil && r.Structure.Typology == a.Typology:
			return a
		}
	}
	return nil
}
